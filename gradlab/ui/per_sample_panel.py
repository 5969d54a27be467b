"""Teaching panel: each sample's own gradient, clipping it, and the Jacobian behind
``backward(gradient=v)``.

Why one tab for both: the Jacobian J of the per-sample losses has one row per sample, and that
row *is* the sample's gradient (∂lᵢ/∂w, ∂lᵢ/∂b) of the table above it; ``backward(gradient=v)``
is the weighted sum vᵀJ of those rows. Seeing the same numbers twice on one page is the point.
The numbers come from the worker (views.per_sample, torch.func); this widget lays them out and
sends back the clipping norm C and the vector v the student chose.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gradlab.i18n import QT_TRANSLATE_NOOP, translate
from gradlab.ui import theme as th
from gradlab.ui.chain_rule_panel import _Table
from gradlab.ui.text import fmt
from gradlab.ui.text_panel import GrowingTextPanel, role_label, set_text

if TYPE_CHECKING:
    from gradlab.views.per_sample import PerSampleView

ROW_COLUMNS = ("i", "∂lᵢ/∂w", "∂lᵢ/∂b", "‖∇lᵢ‖",
               QT_TRANSLATE_NOOP("PerSamplePanel", "clip ×"),
               QT_TRANSLATE_NOOP("PerSamplePanel", "share in w"),
               QT_TRANSLATE_NOOP("PerSamplePanel", "clipped"))
#: the tooltips of the columns after ‖∇lᵢ‖
ROW_TIPS = (QT_TRANSLATE_NOOP("PerSamplePanel", "min(1, C/‖∇lᵢ‖): how much clipping to norm C "
                              "scales this sample's gradient"),
            QT_TRANSLATE_NOOP("PerSamplePanel", "∂L/∂lᵢ · ∂lᵢ/∂w: this sample's share of ∂L/∂w"),
            QT_TRANSLATE_NOOP("PerSamplePanel", "The same share after its row was clipped to "
                              "norm C"))
#: the narrowest panel (in px at text scale 1) that shows the two halves side by side
SIDE_BY_SIDE = 1050
#: C at first (the worker's default too: worker_phases.PhaseSlots.per_sample_clip)
DEFAULT_CLIP = 10.0
J_COLUMNS = ("i", "∂lᵢ/∂w", "∂lᵢ/∂b", QT_TRANSLATE_NOOP("PerSamplePanel", "vᵢ (edit me)"))
V_COLUMN = 3
PRESETS = (("sum", QT_TRANSLATE_NOOP("PerSamplePanel", "v = all 1 (sum)")),
           ("mean", QT_TRANSLATE_NOOP("PerSamplePanel", "v = all 1/B (mean)")),
           ("weights", QT_TRANSLATE_NOOP("PerSamplePanel", "v = the lab's weights")))


def _table(columns: tuple[str, ...]) -> _Table:
    table = _Table(0, len(columns))
    table.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
    table.verticalHeader().setVisible(False)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setMinimumWidth(100)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    header.setStretchLastSection(False)
    for k, text in enumerate(columns):
        table.setHorizontalHeaderItem(k, QTableWidgetItem(translate("PerSamplePanel", text)))
    return table


def _fill(table: _Table, rows: list[list[str]], editable: int | None = None) -> None:
    table.blockSignals(True)
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            flags = item.flags() & ~Qt.ItemFlag.ItemIsEditable
            item.setFlags(flags | Qt.ItemFlag.ItemIsEditable if c == editable else flags)
            table.setItem(r, c, item)
    table.blockSignals(False)
    table.resizeRowsToContents()
    table.fit_columns()


class _Sums(QFrame):
    """A small grid: a row title, then ∂/∂w and ∂/∂b, then autograd's ∂/∂w and ∂/∂b."""

    def __init__(self, heads: tuple[str, ...], rows: int) -> None:
        super().__init__()
        self.setObjectName("sums")
        grid = QGridLayout(self)
        grid.setContentsMargins(12, 6, 12, 6)
        grid.setHorizontalSpacing(24)
        for col, text in enumerate(heads):
            grid.addWidget(role_label("head", text), 0, col)
        self.cells = [[role_label("value", wrap=c == 0) for c in range(len(heads))]
                      for _ in range(rows)]
        for r, row in enumerate(self.cells, start=1):
            for c, label in enumerate(row):
                grid.addWidget(label, r, c)
        grid.setColumnStretch(0, 1)

    def set_row(self, r: int, *texts: str) -> None:
        for label, text in zip(self.cells[r], texts, strict=False):
            set_text(label, text)

    def texts(self) -> list[list[str]]:
        return [[label.text() for label in row] for row in self.cells]


class PerSamplePanel(GrowingTextPanel):
    """Per-sample gradients with their sums and means, per-sample clipping, and vᵀJ."""

    #: (clipping norm C, v: a preset name or one number per batch sample)
    options_changed = Signal(float, object)

    def __init__(self, theme: th.Theme = th.LIGHT, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = role_label("title", wrap=True)
        self.note = role_label("note", wrap=True)
        self.rows = _table(ROW_COLUMNS)
        self.rows.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for k, tip in enumerate(ROW_TIPS, start=4):
            self.rows.horizontalHeaderItem(k).setToolTip(translate("PerSamplePanel", tip))
        self.sums = _Sums(("", "∂L/∂w", "∂L/∂b", "w.grad", "b.grad"), 3)
        self.sums.setToolTip(translate(
            "PerSamplePanel", "∂L/∂w, ∂L/∂b: from the rows above; w.grad, b.grad: autograd's, "
            "from l.sum().backward(), l.mean().backward() and the step's own backward"))
        self.clip_box = QDoubleSpinBox()
        self.clip_box.setRange(0.001, 1e6)
        self.clip_box.setDecimals(3)
        self.clip_box.setValue(DEFAULT_CLIP)
        self.clip_box.setToolTip(translate(
            "PerSamplePanel", "C: each sample's gradient is scaled down to norm C at most "
            "before the reduction (DP-SGD's order)"))
        self.clip_box.editingFinished.connect(self._send)
        self.clipping = _Sums(("", "∂L/∂w", "∂L/∂b"), 3)
        self.clip_note = role_label("body", wrap=True)
        self.error = role_label("error", wrap=True)
        self.j_heading = role_label("title", wrap=True)
        self.j_note = role_label("body", wrap=True)
        self.jacobian = _table(J_COLUMNS)
        self.jacobian.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                      | QAbstractItemView.EditTrigger.EditKeyPressed
                                      | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.jacobian.itemChanged.connect(self._v_edited)
        self.preset_buttons: dict[str, QPushButton] = {}
        presets = QGridLayout()
        for k, (name, text) in enumerate(PRESETS):
            button = self.preset_buttons[name] = QPushButton(translate("PerSamplePanel", text))
            button.clicked.connect(lambda _=False, n=name: self.choose_v(n))
            presets.addWidget(button, k // 2, k % 2)
        self.vjp = _Sums(("", "∂/∂w", "∂/∂b"), 2)
        self.verdict = role_label("ok", wrap=True)
        self._build_page(presets)
        self.v: Any = "mean"
        self._shown: PerSampleView | None = None
        self.set_theme(theme)

    def _build_page(self, presets: QGridLayout) -> None:
        """The per-sample table, its sums and the clipping on the left; J and vᵀJ on the right
        (one page: the same rows twice)."""
        inner = self._page()
        inner.addWidget(self.heading)
        columns = self.columns = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        columns.setSpacing(16)
        left, right = QVBoxLayout(), QVBoxLayout()
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)
        inner.addLayout(columns)
        clip_row = QHBoxLayout()
        clip_row.addWidget(role_label("body", translate(
            "PerSamplePanel", "Clip each sample's gradient to norm C =")))
        clip_row.addWidget(self.clip_box)
        clip_row.addStretch(1)
        for widget in (self.note, self.rows, self.sums, self.error):
            left.addWidget(widget)
        left.addLayout(clip_row)
        for widget in (self.clipping, self.clip_note):
            left.addWidget(widget)
        left.addStretch(1)
        for widget in (self.j_heading, self.j_note, self.jacobian):
            right.addWidget(widget)
        right.addLayout(presets)
        right.addWidget(self.vjp)
        right.addWidget(self.verdict)
        right.addStretch(1)
        self.error.hide()

    def set_theme(self, theme: th.Theme) -> None:
        self.theme = theme
        self._restyle()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._arrange()

    def _arrange(self) -> None:
        """Side by side when the panel is wide enough for its text size, else one below the
        other (a projector at 150 %, a small window): nothing is cut off."""
        wide = self.width() >= SIDE_BY_SIDE * self._scale
        direction = QBoxLayout.Direction.LeftToRight if wide else \
            QBoxLayout.Direction.TopToBottom
        if self.columns.direction() != direction:
            self.columns.setDirection(direction)

    def _restyle(self) -> None:
        t, k = self.theme, self._scale

        def px(size: float) -> str:
            return f"{round(size * k)}px"

        self.setStyleSheet(f"""
            QWidget#content {{ background: {t.background}; }}
            QLabel {{ color: {t.foreground}; font-size: {px(18)}; }}
            QLabel[role="title"] {{ font-size: {px(th.TITLE_PX + 2)}; font-weight: 600; }}
            QLabel[role="head"] {{ font-size: {px(16)}; font-weight: 600; }}
            QLabel[role="value"] {{ font-size: {px(20)}; }}
            QLabel[role="ok"] {{ font-size: {px(20)}; font-weight: 700; }}
            QLabel[role="note"] {{ font-size: {px(17)}; font-style: italic; }}
            QLabel[role="error"] {{ font-size: {px(19)}; color: {t.banner_text};
                background: {t.banner_error}; padding: 8px; border-radius: 4px; }}
            QFrame#sums {{ border: 2px solid {t.bars}; border-radius: 8px; }}
            QTableWidget {{ color: {t.foreground}; background: {t.background};
                gridline-color: {t.bars}; }}
            QHeaderView::section {{ font-size: {px(15)}; font-weight: 600; padding: 2px 4px; }}
            QPushButton, QDoubleSpinBox {{ font-size: {px(17)}; }}
        """)
        for table in (self.rows, self.jacobian):
            table.set_scale(k)
        self._arrange()

    # ---- choices ---------------------------------------------------------------------------

    def choose_v(self, preset: str) -> None:
        self.v = preset
        self._send()

    def _v_edited(self, item: QTableWidgetItem) -> None:
        """A typed vᵢ: the whole v (from the view on screen) with that entry changed."""
        shown = self._shown
        if shown is None or item.column() != V_COLUMN or not shown.v_full:
            return
        try:
            value = float(item.text().replace("−", "-"))
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            self.show_error(translate("PerSamplePanel", "vᵢ must be a number; v is unchanged"))
            self._show_jacobian(shown)
            return
        v = list(shown.v_full)
        v[item.row()] = value
        self.v = tuple(v)
        self._send()

    def _send(self) -> None:
        self.options_changed.emit(float(self.clip_box.value()), self.v)

    def show_error(self, text: str) -> None:
        set_text(self.error, text)
        self.error.setVisible(bool(text))

    # ---- what it shows ---------------------------------------------------------------------

    def show_per_sample(self, view: PerSampleView, where: str) -> None:
        self._shown = view
        g = view.grads
        set_text(self.heading, translate("PerSamplePanel", "Each sample's own gradient, "
                                         "torch.func.vmap(torch.func.grad(lᵢ)), {where}").format(
            where=where))
        if g["sorted_by_norm"]:
            note = translate("PerSamplePanel", "The {shown} samples of the batch's {n} with the "
                             "largest gradient norm, largest first; the sums and means cover all "
                             "{n}.").format(shown=len(g["batch"]), n=g["batch_size"])
        else:
            note = translate("PerSamplePanel", "All {n} samples of the batch, in batch order."
                             ).format(n=g["batch_size"])
        set_text(self.note, note)
        self._show_rows(view)
        self._show_sums(g)
        self.show_error("" if g["error"] is None else translate(
            "PerSamplePanel", "Reduction none: PyTorch refuses backward() on the vector "
            "(RuntimeError: {error}); there is no reduced gradient to clip.").format(
            error=g["error"]))
        self._show_clipping(view)
        self._show_jacobian(view)

    def _show_rows(self, view: PerSampleView) -> None:
        g, c = view.grads, view.clip
        rows = []
        for k, i in enumerate(g["batch"]):
            row = [str(i + 1), fmt(g["per_sample_grad_w"][k]), fmt(g["per_sample_grad_b"][k]),
                   fmt(g["norm"][k])]
            if c is not None:
                row += [fmt(c["scale"][k]), fmt(c["weight"][k] * c["grad_w"][k]),
                        fmt(c["share_w"][k])]
            else:
                row += ["", "", ""]
            rows.append(row)
        _fill(self.rows, rows)

    def _show_sums(self, g: dict[str, Any]) -> None:
        self.sums.set_row(0, translate("PerSamplePanel", "Σ rows = sum"), fmt(g["sum_w"]),
                          fmt(g["sum_b"]), fmt(g["autograd_sum_w"]), fmt(g["autograd_sum_b"]))
        self.sums.set_row(1, translate("PerSamplePanel", "mean = mean"), fmt(g["mean_w"]),
                          fmt(g["mean_b"]), fmt(g["autograd_mean_w"]),
                          fmt(g["autograd_mean_b"]))
        red = g["reduced_w"] is not None
        self.sums.set_row(2, translate("PerSamplePanel", "Σ ∂L/∂lᵢ·rowᵢ = {reduction}").format(
            reduction=g["reduction"]), *(fmt(g[k]) if red else "—" for k in (
                "reduced_w", "reduced_b", "autograd_reduced_w", "autograd_reduced_b")))

    def _show_clipping(self, view: PerSampleView) -> None:
        c = view.clip
        self.clipping.setVisible(c is not None)
        self.clip_note.setVisible(c is not None)
        if c is None:
            return
        self.clipping.set_row(0, translate("PerSamplePanel", "no clipping"), fmt(c["reduced_w"]),
                              fmt(c["reduced_b"]))
        self.clipping.set_row(1, translate("PerSamplePanel", "clip rows to C, then reduce "
                                    "(DP-SGD)"), fmt(c["per_sample_w"]), fmt(c["per_sample_b"]))
        self.clipping.set_row(2, translate("PerSamplePanel", "reduce, then clip_grad_norm_(C)"),
                              fmt(c["reduce_then_clip_w"]), fmt(c["reduce_then_clip_b"]))
        clipped = sum(1 for s in c["scale"] if s < 1.0)
        set_text(self.clip_note, translate(
            "PerSamplePanel", "Per-sample clipping shrank {k} of the {n} rows listed (only those "
            "longer than C), so a sample far off loses its weight; clip_grad_norm_ scales the "
            "whole gradient, every share by the same {scale}, so it stays as dominant.").format(
            k=clipped, n=len(c["scale"]), scale=fmt(c["reduced_scale"])))

    def _show_jacobian(self, view: PerSampleView) -> None:
        j = view.jacobian
        set_text(self.j_heading, translate("PerSamplePanel", "The Jacobian J ({rows}×2) of the "
                                    "per-sample losses, and backward(gradient=v)").format(
            rows=view.rows))
        more = view.rows - len(j["J"])
        note = translate("PerSamplePanel", "J's rows are the gradients above (torch.func.jacrev). "
                  "l.backward(gradient=v) computes vᵀJ without ever building J.")
        if more > 0:
            note += " " + translate("PerSamplePanel", "The first {k} rows are listed, {more} "
                                    "more are not; vᵀJ uses them all.").format(
                k=len(j["J"]), more=more)
        if view.v_reset:
            note += " " + translate("PerSamplePanel", "The v typed earlier does not fit this "
                                    "batch: v is 1/B each again.")
        if not view.v_full:
            note += " " + translate("PerSamplePanel", "With this many rows, v is chosen by the "
                                    "buttons only.")
        set_text(self.j_note, note)
        _fill(self.jacobian, [[str(i + 1), fmt(jw), fmt(jb), fmt(v)] for i, (jw, jb), v in zip(
            j["batch"], j["J"], j["v"], strict=True)],
            editable=V_COLUMN if view.v_full else None)
        self.vjp.set_row(0, translate("PerSamplePanel", "vᵀJ = v @ J (a matrix product)"),
                         fmt(j["vTJ"][0]), fmt(j["vTJ"][1]))
        self.vjp.set_row(1, translate("PerSamplePanel", "w.grad, b.grad after "
                               "l.backward(gradient=v)"), fmt(j["backward_grad_w"]),
                         fmt(j["backward_grad_b"]))
        set_text(self.verdict, translate("PerSamplePanel", "equal ✓") if j["agrees"]
                 else translate("PerSamplePanel", "different ✗"))

    # ---- for tests ---------------------------------------------------------------------------

    def cells(self, table: _Table) -> list[list[str]]:
        return [[table.item(r, c).text() for c in range(table.columnCount())]
                for r in range(table.rowCount())]
