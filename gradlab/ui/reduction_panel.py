"""Teaching panel: the four reductions of the same batch side by side — none, mean, sum, weighted.

It answers "why ``loss.mean().backward()``?" with live numbers: ``none`` leaves a vector and
PyTorch refuses to differentiate it; ``mean``, ``sum`` and a weighted sum each turn the vector into
one number, and each gives its own gradient. The outcomes are computed in the worker (by core's
``reduction_demo``, which really runs PyTorch); this widget only shows them and reports what the
user asked for (a backward(), a reduction, new weights) as signals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from gradlab.i18n import tr_message, translate
from gradlab.ui import theme as th
from gradlab.ui.reduction_column import CODE, Column, keep, use, vector
from gradlab.ui.text import fmt, paren, plain
from gradlab.ui.text_panel import GrowingTextPanel, num, role_label, set_text

if TYPE_CHECKING:
    from gradlab.core.explain import ReductionOutcome

ORDER = ("none", "mean", "sum", "weighted")

#: The weighted column lists at most this many samples' weights, then "…".
MAX_WEIGHT_ROWS = 8
WEIGHTS_PER_ROW = 4
class ReductionPanel(GrowingTextPanel):
    """none / mean / sum / weighted for the current batch, with the relations between them."""

    #: the user pressed "backward()" on the none column (the window may have PyTorch run it)
    backward_requested = Signal()
    #: the user picked a reduction here: "none", "mean", "sum" or "weighted"
    reduction_chosen = Signal(str)
    #: the user typed new weights: one per batch sample, in batch order
    weights_edited = Signal(tuple)

    def __init__(self, theme: th.Theme = th.LIGHT, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reductionPanel")
        self._outcomes: dict[str, ReductionOutcome] = {}
        self._batch_size = 0
        #: mean's denominator and why (the window sets it from the teaching view, issue 19)
        self.denominator: tuple[float | None, object] = (None, None)
        self._lr = 0.0
        self._chosen = ""
        self._weights: list[float] = []  # the weighted column's current v, whole batch
        self._backward_pressed = False
        self._run: tuple[object, str] | None = None  # (run, chosen) of the outcomes on screen
        self._filling = False  # True while show_demo writes the spin boxes

        self.heading = role_label("title", "", wrap=True)
        self.columns = {name: Column(name) for name in ORDER}
        for name, col in self.columns.items():
            col.select.clicked.connect(lambda _=False, n=name: self._select(n))

        # none: the backward() button; PyTorch's error and why go full width under the columns.
        none = self.columns["none"]
        self.backward_button = QPushButton("backward()")
        self.backward_button.setObjectName("backward")
        self.backward_button.setToolTip(translate("ReductionPanel", "Run loss.backward() on the "
                                                  "per-sample loss vector, as PyTorch would"))
        self.backward_button.clicked.connect(self._backward)
        none.layout.addWidget(self.backward_button)
        for col in self.columns.values():
            col.finish()
        self.error = role_label("error", "", wrap=True)
        self.error.setVisible(False)

        self._weights_strip()

        row = self.cards = QGridLayout()
        row.setSpacing(8)
        self._per_row = 0
        self._flow(len(ORDER))
        self.relation = role_label("relation", "", wrap=True)
        self.lr_relation = role_label("relation", "", wrap=True)

        inner = self._page()
        inner.addWidget(self.heading)
        inner.addLayout(row)
        inner.addWidget(self.weights_box)
        inner.addWidget(self.relation)
        inner.addWidget(self.lr_relation)
        inner.addWidget(self.error)
        inner.addStretch(1)
        self.set_theme(theme)

    def _weights_strip(self) -> None:
        """weighted: one box per shown sample (a strip under the columns), "…" for the rest."""
        self.weights_box = QFrame()
        self.weights_box.setObjectName("weights")
        strip = QVBoxLayout(self.weights_box)
        strip.setContentsMargins(10, 6, 10, 6)
        strip.setSpacing(4)
        top = QHBoxLayout()
        self.weights_title = role_label("small", translate(
            "ReductionPanel", "<b>weighted</b>: type each sample's weight vᵢ"), wrap=True)
        self.weights_more = role_label("small", "")
        self.mean_weights_button = QPushButton(translate("ReductionPanel", "all 1/B"))
        self.mean_weights_button.setToolTip(translate(
            "ReductionPanel", "vᵢ = 1/B: the weighted sum becomes the mean"))
        self.sum_weights_button = QPushButton(translate("ReductionPanel", "all 1"))
        self.sum_weights_button.setToolTip(translate(
            "ReductionPanel", "vᵢ = 1: the weighted sum becomes the sum"))
        self.mean_weights_button.clicked.connect(
            lambda: self._set_all(1.0 / max(self._batch_size, 1)))
        self.sum_weights_button.clicked.connect(lambda: self._set_all(1.0))
        top.addWidget(self.weights_title)
        top.addStretch(1)
        top.addWidget(self.weights_more)
        top.addWidget(self.mean_weights_button)
        top.addWidget(self.sum_weights_button)
        strip.addLayout(top)
        grid = QGridLayout()
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(2)
        self.weight_names: list[QLabel] = []
        self.weight_boxes: list[QDoubleSpinBox] = []
        for k in range(MAX_WEIGHT_ROWS):
            name = role_label("small", "")
            name.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            box = QDoubleSpinBox()
            box.setRange(-1e6, 1e6)
            box.setDecimals(4)
            box.setSingleStep(0.1)
            box.setKeyboardTracking(False)  # one signal per typed number, not per keystroke
            box.setButtonSymbols(QDoubleSpinBox.ButtonSymbols.NoButtons)
            box.setAlignment(Qt.AlignmentFlag.AlignRight)
            box.setMinimumWidth(60)
            box.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            box.valueChanged.connect(lambda value, k=k: self._typed(k, value))
            row, col = divmod(k, WEIGHTS_PER_ROW)  # two rows of four: a narrow window too
            grid.addWidget(name, row, 2 * col)
            grid.addWidget(box, row, 2 * col + 1)
            grid.setColumnStretch(2 * k + 1, 1)
            self.weight_names.append(name)
            self.weight_boxes.append(box)
        strip.addLayout(grid)

    # ---- theme -------------------------------------------------------------------------------

    def set_theme(self, theme: th.Theme) -> None:
        self.theme = theme
        self._restyle()

    # ---- the four cards: side by side, or two by two (or one above the other) in a narrow
    # window, never cut off at the side (the page scrolls only up and down)

    def _flow(self, per_row: int) -> None:
        if per_row == self._per_row:
            return
        self._per_row = per_row
        for name in ORDER:
            self.cards.removeWidget(self.columns[name].frame)
        for k, name in enumerate(ORDER):
            self.cards.addWidget(self.columns[name].frame, k // per_row, k % per_row)
        for k in range(len(ORDER)):
            self.cards.setColumnStretch(k, 1 if k < per_row else 0)

    def reflow(self) -> None:
        """As many cards per row as fit the page's width at the current text size."""
        # The page's width less its margins and a vertical scroll bar (which appears when the
        # cards stack, without resizing this panel).
        room = self.scroll.width() - self.scroll.verticalScrollBar().sizeHint().width() - 20
        widest = max(self.columns[n].frame.minimumSizeHint().width() for n in ORDER)
        spacing = self.cards.horizontalSpacing()
        per_row = next((k for k in (len(ORDER), 2) if k * widest + (k - 1) * spacing <= room),
                       1)
        self._flow(per_row)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.reflow()

    def _restyle(self) -> None:
        t, k = self.theme, self._scale

        def px(size: float) -> str:
            return f"{round(size * k)}px"

        tint = t.color("reduced")
        chosen_bg = f"rgba({tint.red()}, {tint.green()}, {tint.blue()}, 28)"
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family()
        self.setStyleSheet(f"""
            QWidget#content {{ background: {t.background}; }}
            QLabel {{ color: {t.foreground}; font-size: {px(17)}; }}
            QLabel[role="title"] {{ font-size: {px(th.TITLE_PX + 2)}; font-weight: 600; }}
            QLabel[role="name"] {{ font-size: {px(26)}; font-weight: 700; }}
            QLabel[role="code"] {{ font-family: "{mono}"; font-size: {px(14)}; }}
            QLabel[role="small"] {{ font-size: {px(16)}; }}
            QLabel[role="big"] {{ font-size: {px(24)}; font-weight: 700; color: {t.reduced}; }}
            QLabel[role="grad_w"] {{ font-size: {px(24)}; font-weight: 700; color: {t.grad_w}; }}
            QLabel[role="grad_b"] {{ font-size: {px(24)}; font-weight: 700; color: {t.grad_b}; }}
            QLabel[role="error"] {{ font-size: {px(17)}; color: {t.banner_text};
                background: {t.banner_error}; padding: 8px; border-radius: 4px; }}
            QLabel[role="relation"] {{ font-size: {px(19)}; }}
            QFrame#weights {{ border: 2px solid {t.bars}; border-radius: 8px; }}
            QFrame#column {{ border: 2px solid {t.bars}; border-radius: 8px;
                background: {t.background}; }}
            QFrame#column[chosen="true"] {{ border: 5px solid {t.reduced};
                background: {chosen_bg}; }}
            QPushButton {{ font-size: {px(17)}; padding: 4px 8px; }}
            QPushButton#backward {{ font-family: "{mono}"; font-size: {px(19)};
                font-weight: 700; }}
            QDoubleSpinBox {{ font-size: {px(18)}; }}
        """)
        digits = QFont()
        digits.setPixelSize(round(18 * k))
        wide = QFontMetrics(digits).horizontalAdvance("−0.0000") + 10
        for box in self.weight_boxes:  # "0.2500" whole at any text size
            box.setMinimumWidth(wide)
        QTimer.singleShot(0, self.reflow)  # once the new fonts have given the cards their size

    # ---- data --------------------------------------------------------------------------------

    def show_demo(self, outcomes: Mapping[str, ReductionOutcome], batch_size: int, lr: float,
                  chosen: str, index: Sequence[int] | None = None, run: object = None,
                  where: str = "") -> None:
        """Show the four outcomes for one batch of ``batch_size`` samples (``where``: which w, b
        they are evaluated at, for the heading).

        ``index`` (dataset indices of the batch, optional) only names the weight rows; the
        emitted weights are always in batch order, one per batch sample. ``run`` names the run
        the outcomes belong to (the window passes its generation: a reset or new data starts
        another): PyTorch's backward() error stays on screen only for the run and the reduction
        it was asked under.
        """
        if (run, chosen) != self._run:
            self._run = (run, chosen)
            self._backward_pressed = False  # another run or reduction: the answer is stale
            self.error.setVisible(False)
        self._outcomes = dict(outcomes)
        self._batch_size = B = int(batch_size)
        self._lr = float(lr)
        heading = translate(
            "ReductionPanel", "B = {B} per-sample losses → one number for backward()  (lr = {lr})"
        ).format(B=B, lr=fmt(lr))
        set_text(self.heading, f"{heading} · {where}" if where else heading)
        for name in ORDER:
            col = self.columns[name]
            set_text(col.code, CODE[name].format(B=B))
            out = outcomes.get(name)
            if out is None:
                continue
            if name == "none":
                self._show_none(col, out)
            else:
                self._show_reduced(col, out)
        self._show_weights(outcomes.get("weighted"), index)
        self._show_relations()
        self.set_chosen(chosen)

    def _show_none(self, col: Column, out: ReductionOutcome) -> None:
        B = self._batch_size
        set_text(col.weights, f"loss = {vector(out.per_sample_loss.tolist())}")
        set_text(col.loss, translate("ReductionPanel", "shape ({B},)").format(B=B))
        mark = "✗" if self._backward_pressed else "?"
        set_text(col.grad_w, f"∂L/∂w = {mark}")
        set_text(col.grad_b, f"∂L/∂b = {mark}")
        set_text(col.step, translate("ReductionPanel", "{B} numbers, not one").format(B=B))
        if out.error:
            error = translate("ReductionPanel", "<b>loss.backward() on shape ({B},) → "
                              "RuntimeError: {error}</b>").format(B=B, error=out.error)
        else:
            error = translate("ReductionPanel",
                              "<b>loss.backward() ran: waiting for PyTorch's answer…</b>")
        if out.explanation:
            error += "<br>" + translate("ReductionPanel", "Why: {why}").format(
                why=tr_message(out.explanation))
        set_text(self.error, error)
        self.error.setVisible(self._backward_pressed)

    def _show_reduced(self, col: Column, out: ReductionOutcome) -> None:
        B = self._batch_size
        d, why = self.denominator
        if col.name == "mean" and d is not None and d != B:  # issue 19: not B (class weights,
            weights = keep("L = Σ lᵢ / d\n∂L/∂lᵢ = 1/d") + "\nd = " + (
                tr_message(why) if why else fmt(d))
        elif col.name == "mean":  # ignored samples)
            weights = keep(f"L = (1/B)·Σ lᵢ\n∂L/∂lᵢ = 1/B = {fmt(1.0 / B)}")
        elif col.name == "sum":
            weights = "L = Σ lᵢ\n∂L/∂lᵢ = 1"
        else:
            weights = "L = Σ vᵢ·lᵢ\n∂L/∂lᵢ = vᵢ " + translate("ReductionPanel", "(below)")
        set_text(col.weights, weights)
        set_text(col.loss, f"L = {fmt(num(out.loss))}")
        set_text(col.grad_w, f"∂L/∂w = {fmt(num(out.grad_w))}")
        set_text(col.grad_b, f"∂L/∂b = {fmt(num(out.grad_b))}")
        dw, db = -self._lr * num(out.grad_w), -self._lr * num(out.grad_b)
        set_text(col.step, keep(translate("ReductionPanel", "step: Δw = {dw}, Δb = {db}").format(
            dw=fmt(dw), db=fmt(db))))

    def _show_weights(self, out: ReductionOutcome | None, index: Sequence[int] | None) -> None:
        B = self._batch_size
        if out is not None and out.weight is not None:
            self._weights = [float(v) for v in out.weight]
        elif len(self._weights) != B:
            self._weights = [1.0 / B] * B if B else []
        shown = min(B, MAX_WEIGHT_ROWS)
        self._filling = True
        try:
            for k in range(MAX_WEIGHT_ROWS):
                visible = k < shown
                self.weight_names[k].setVisible(visible)
                self.weight_boxes[k].setVisible(visible)
                if not visible:
                    continue
                sample = (int(index[k]) if index is not None else k) + 1
                set_text(self.weight_names[k], f"#{sample}")
                box = self.weight_boxes[k]
                if not box.hasFocus():  # never overwrite what the user is typing
                    box.setValue(self._weights[k])
        finally:
            self._filling = False
        more = B - shown
        self.weights_more.setVisible(more > 0)
        set_text(self.weights_more, translate("ReductionPanel", "…  {more} more").format(more=more)
                 if more > 0 else "")

    def _show_relations(self) -> None:
        mean, total = self._outcomes.get("mean"), self._outcomes.get("sum")
        if mean is None or total is None:
            return
        B = self._batch_size
        d = self.denominator[0]
        if d is not None and d != B:  # mean divided by d, not B (issue 19)
            set_text(self.relation, translate("ReductionPanel", "<b>sum = d × mean</b>, d = "
                                              "mean's denominator = {d}, not B = {B}").format(
                d=fmt(d), B=B))
            set_text(self.lr_relation, "")
            return
        loss_rel = f"{fmt(num(total.loss), 6)} = {B} × {paren(num(mean.loss))}"
        gw_rel = f"{fmt(num(total.grad_w), 6)} = {B} × {paren(num(mean.grad_w))}"
        gb_rel = f"{fmt(num(total.grad_b), 6)} = {B} × {paren(num(mean.grad_b))}"
        set_text(self.relation,
                 translate("ReductionPanel", "<b>sum = B × mean</b>:")
                 + f" &nbsp;L: {loss_rel} &nbsp;&nbsp; ∂L/∂w: {gw_rel}"
                 f" &nbsp;&nbsp; ∂L/∂b: {gb_rel}")
        lr, lr_b = self._lr, self._lr / B
        step_sum = -lr_b * num(total.grad_w)
        step_mean = -lr * num(mean.grad_w)
        set_text(self.lr_relation,
                 translate("ReductionPanel", "<b>sum with lr/B steps like mean with lr</b>:")
                 + f" &nbsp;Δw = −({fmt(lr)}/{B})·{paren(num(total.grad_w))} = {fmt(step_sum)}"
                 f" &nbsp;=&nbsp; −{fmt(lr)}·{paren(num(mean.grad_w))} = {fmt(step_mean)}")

    def set_chosen(self, name: str) -> None:
        """Highlight the reduction the lab trains with (no signal: the window's own choice)."""
        for col_name, col in self.columns.items():
            col.select.setChecked(col_name == name)
            col.select.setText(translate("ReductionPanel", "✓ in use") if col_name == name
                               else use(col_name))
        if name == self._chosen:
            return
        self._chosen = name
        for col_name, col in self.columns.items():
            col.frame.setProperty("chosen", col_name == name)
            col.frame.style().unpolish(col.frame)
            col.frame.style().polish(col.frame)

    # ---- user intent -------------------------------------------------------------------------

    def _select(self, name: str) -> None:
        self.set_chosen(name)
        self.reduction_chosen.emit(name)

    def _backward(self) -> None:
        self._backward_pressed = True
        none = self._outcomes.get("none")
        if none is not None:
            self._show_none(self.columns["none"], none)
        self.error.setVisible(True)
        # In a small window the answer is below the fold: bring it into view once the scroll
        # area knows the new height (next turn of the event loop; no call if the panel is gone).
        QTimer.singleShot(0, self, lambda: self.scroll.ensureWidgetVisible(self.error))
        self.backward_requested.emit()

    def _typed(self, k: int, value: float) -> None:
        if self._filling or k >= len(self._weights):
            return
        self._weights[k] = float(value)
        self.weights_edited.emit(tuple(self._weights))

    def _set_all(self, value: float) -> None:
        if not self._batch_size:
            return
        self._weights = [value] * self._batch_size
        self._filling = True
        try:
            for box in self.weight_boxes:
                box.setValue(value)
        finally:
            self._filling = False
        self.weights_edited.emit(tuple(self._weights))

    # ---- for tests ---------------------------------------------------------------------------

    def values(self) -> dict[str, dict[str, str] | str]:
        """What the panel shows, as text (``text.plain``: no word joiners, no-break spaces as plain
        ones): per column, the two relations, PyTorch's error once revealed, and the chosen
        reduction."""
        def text(label: QLabel) -> str:
            return plain(label.text())

        out: dict[str, dict[str, str] | str] = {}
        for name, col in self.columns.items():
            out[name] = {"code": text(col.code), "weights": text(col.weights),
                         "loss": text(col.loss), "grad_w": text(col.grad_w),
                         "grad_b": text(col.grad_b), "step": text(col.step)}
        none = out["none"]
        assert isinstance(none, dict)
        none["error"] = text(self.error) if self.error.isVisibleTo(self) else ""
        out["relation"] = text(self.relation)
        out["lr_relation"] = text(self.lr_relation)
        out["chosen"] = self._chosen
        return out

    def weights(self) -> tuple[float, ...]:
        """The weighted column's current weights, one per batch sample."""
        return tuple(self._weights)
