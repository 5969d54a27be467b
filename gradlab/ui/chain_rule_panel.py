"""Teaching panel: the article's chain-rule derivation for the current step, with live numbers.

Row by row: ŷᵢ, the residual, ∂lᵢ/∂ŷᵢ, ∂L/∂lᵢ (what the reduction decides), ∂L/∂ŷᵢ, ∂ŷᵢ/∂w = xᵢ,
∂ŷᵢ/∂b = 1 and the products; then their sums next to what autograd computed, and the update.
The numbers come from core's ``chain_rule`` (run in the worker); this widget only lays them out,
in fonts a lecture hall can read and text a student can select and copy.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QFrame,
    QGridLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from gradlab.core.explain import AGREE_TOL, agree
from gradlab.i18n import QT_TRANSLATE_NOOP, tr_message, translate
from gradlab.ui import chain_rule_logistic
from gradlab.ui import theme as th
from gradlab.ui.text import WORD_JOINER, fmt, paren
from gradlab.ui.text_panel import GrowingTextPanel, num, role_label, set_text

if TYPE_CHECKING:
    from gradlab.core.explain import ChainRule

#: The table shows at most this many batch rows, then a "…" row.
MAX_ROWS = 8

#: (header, tooltip) per column; the header's second line says which factor of the chain it is.
COLUMNS = (
    ("i", QT_TRANSLATE_NOOP("ChainRulePanel", "The sample's number in the dataset (1 = the "
                                              "first)")),
    ("yᵢ", QT_TRANSLATE_NOOP("ChainRulePanel", "The target")),
    ("ŷᵢ", QT_TRANSLATE_NOOP("ChainRulePanel", "The prediction w·xᵢ + b at the current w and b")),
    ("ŷᵢ − yᵢ", QT_TRANSLATE_NOOP("ChainRulePanel", "The residual")),
    ("lᵢ", QT_TRANSLATE_NOOP("ChainRulePanel", "This sample's loss")),
    ("∂lᵢ/∂ŷᵢ", QT_TRANSLATE_NOOP("ChainRulePanel", "How this sample's loss changes with its "
                                                    "prediction")),
    ("∂L/∂lᵢ", QT_TRANSLATE_NOOP("ChainRulePanel", "How much this sample's loss counts in L: the "
                                                   "reduction decides")),
    ("∂L/∂ŷᵢ", "= ∂L/∂lᵢ · ∂lᵢ/∂ŷᵢ"),
    ("∂ŷᵢ/∂w\n= xᵢ", QT_TRANSLATE_NOOP("ChainRulePanel", "How the prediction changes with w: the "
                                                         "input xᵢ")),
    ("∂ŷᵢ/∂b\n= 1", QT_TRANSLATE_NOOP("ChainRulePanel", "How the prediction changes with b: "
                                                        "always 1")),
    ("∂L/∂ŷᵢ·xᵢ\n→ ∂L/∂w", QT_TRANSLATE_NOOP("ChainRulePanel", "This sample's share of ∂L/∂w")),
    ("∂L/∂ŷᵢ·1\n→ ∂L/∂b", QT_TRANSLATE_NOOP("ChainRulePanel", "This sample's share of ∂L/∂b")),
)
COL_PROD_W, COL_PROD_B = 10, 11
BOLD_ROLE = Qt.ItemDataRole.UserRole + 1  # marks the Σ row's items (they keep a bold font)

_LOSS = {
    "mse": ("lᵢ = (ŷᵢ − yᵢ)²", "∂lᵢ/∂ŷᵢ = 2(ŷᵢ − yᵢ)"),
    "mae": ("lᵢ = |ŷᵢ − yᵢ|", "∂lᵢ/∂ŷᵢ = sign(ŷᵢ − yᵢ)"),
    "huber": (QT_TRANSLATE_NOOP("ChainRulePanel",
                                "lᵢ = ½(ŷᵢ − yᵢ)² if |ŷᵢ − yᵢ| < 1, else |ŷᵢ − yᵢ| − ½"),
              "∂lᵢ/∂ŷᵢ = clip(ŷᵢ − yᵢ, −1, 1)"),
}
_OPTIMIZER = {"sgd": QT_TRANSLATE_NOOP("ChainRulePanel", "plain SGD"),
              "momentum": QT_TRANSLATE_NOOP("ChainRulePanel", "SGD with momentum"),
              "adam": QT_TRANSLATE_NOOP("ChainRulePanel", "Adam")}


SIGN_SLIP = QT_TRANSLATE_NOOP(
    "ChainRulePanel",
    "<b>Note on the article:</b> its text gives the first w as <b>−0.3</b>. That is a sign slip: "
    "the first gradient is ∂L/∂w = −30, so w ← 0 − 0.01·(−30) = <b>+0.3</b>, and PyTorch prints "
    "0.3.")


class _Table(QTableWidget):
    """Every column as wide as its widest text, the spare width shared out: numbers are never
    elided ("−0.0…"), and the table fills the panel when there is room. When it does not fit, the
    font steps down (to 15 px at the least), then the table scrolls sideways."""

    BASE_SIZES = (18, 17, 16, 15)  # pixel sizes at scale 1, largest first

    def __init__(self, rows: int, columns: int) -> None:
        super().__init__(rows, columns)
        self.SIZES = self.BASE_SIZES
        self._set_px(self.SIZES[0])

    def set_scale(self, scale: float) -> None:
        self.SIZES = tuple(round(p * scale) for p in self.BASE_SIZES)
        self._set_px(self.SIZES[0])
        self.resizeRowsToContents()
        self.fit_columns()

    def _set_px(self, px: int) -> None:
        font = QFont(self.font())
        font.setPixelSize(px)
        self.setFont(font)
        bold = QFont(font)
        bold.setBold(True)
        for row in range(self.rowCount()):
            for col in range(self.columnCount()):
                item = self.item(row, col)
                if item is not None and item.data(BOLD_ROLE):
                    item.setFont(bold)

    def bold_font(self) -> QFont:
        font = QFont(self.font())
        font.setBold(True)
        return font

    def _need(self) -> list[int]:
        header = self.horizontalHeader()
        return [max(self.sizeHintForColumn(c), header.sectionSizeHint(c)) + 6
                for c in range(self.columnCount())]

    def fit_columns(self) -> None:
        header = self.horizontalHeader()
        room = self.width() - 2 * self.frameWidth()
        px = self.font().pixelSize()
        need = self._need()
        # The largest size whose (proportionally estimated) width fits; then measure for real.
        body = sum(need)
        fits = [p for p in self.SIZES if body * p / px <= room]
        target = fits[0] if fits else self.SIZES[-1]
        if target != px:
            self._set_px(target)
            need = self._need()
            if sum(need) > room and target != self.SIZES[-1]:
                self._set_px(self.SIZES[self.SIZES.index(target) + 1])
                need = self._need()
            self.resizeRowsToContents()
        total = sum(need)
        spare = max(0, room - total)
        n = len(need)
        for c in range(n):
            header.resizeSection(c, need[c] + spare // n + (1 if c < spare % n else 0))
        # Exactly as tall as its rows (the panel scrolls, not the table), plus the horizontal
        # scroll bar when a narrow window cannot fit the columns: the text around still wraps.
        height = header.height() + self.verticalHeader().length() + 2 * self.frameWidth()
        if total > room:
            height += self.horizontalScrollBar().sizeHint().height()
        if self.height() != height:
            self.setFixedHeight(height)

    def resizeEvent(self, event) -> None:  # noqa: ANN001 - Qt override
        super().resizeEvent(event)
        self.fit_columns()


class ChainRulePanel(GrowingTextPanel):
    """The derivation ∂L/∂w = Σ ∂L/∂lᵢ · ∂lᵢ/∂ŷᵢ · ∂ŷᵢ/∂w for this step, by hand and by autograd."""

    def __init__(self, theme: th.Theme = th.LIGHT, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = role_label("title", wrap=True)
        self.formulas = role_label("formula", wrap=True)
        self.formulas.setTextFormat(Qt.TextFormat.RichText)

        self.table = _Table(0, len(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustIgnored)
        self.table.setMinimumWidth(100)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # see _fit_columns
        header.setStretchLastSection(False)
        self._logistic = False
        chain_rule_logistic.set_headers(self.table, COLUMNS, False)
        self.denominator: tuple[float | None, str | None] = (None, None)  # mean's ÷, and why

        # hand | autograd | agree?, for L, ∂L/∂w and ∂L/∂b
        self.sums = QFrame()
        self.sums.setObjectName("sums")
        grid = QGridLayout(self.sums)
        grid.setContentsMargins(12, 6, 12, 6)
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(2)
        heads = ("", translate("ChainRulePanel", "by hand (Σ of the column)"),
                 translate("ChainRulePanel", "autograd (backward())"),
                 translate("ChainRulePanel", "within {tolerance}?").format(
                     tolerance=fmt(AGREE_TOL)))
        for col, text in enumerate(heads):
            head = role_label("head", wrap=True)  # a narrow window: headings on two lines
            head.setText(text)
            grid.addWidget(head, 0, col)
        self.cells: dict[str, tuple[QLabel, QLabel, QLabel]] = {}
        for row, (key, name, role) in enumerate(
                (("loss", "L", "loss"), ("w", "∂L/∂w", "grad_w"), ("b", "∂L/∂b", "grad_b")),
                start=1):
            title = role_label(role)
            title.setText(name)
            hand, auto, mark = role_label(role), role_label(role), role_label("ok")
            for col, widget in enumerate((title, hand, auto, mark)):
                grid.addWidget(widget, row, col)
            self.cells[key] = (hand, auto, mark)
        grid.setColumnStretch(4, 1)

        self.update_line = role_label("update", wrap=True)
        self.no_scalar = role_label("error", wrap=True)
        self.sign_slip = role_label("note", wrap=True)

        inner = self._page()
        inner.addWidget(self.heading)
        inner.addWidget(self.formulas)
        inner.addWidget(self.table)
        inner.addWidget(self.sums, 0, Qt.AlignmentFlag.AlignLeft)
        for widget in (self.no_scalar, self.update_line, self.sign_slip):
            inner.addWidget(widget)
        inner.addStretch(1)
        self._shown: tuple[ChainRule, str, bool, int | None, bool] | None = None
        self.set_theme(theme)

    def set_theme(self, theme: th.Theme) -> None:
        self.theme = theme
        self._restyle()
        if self._shown is not None:  # the table's and the marks' colours come from the theme
            self.show_chain_rule(*self._shown)

    def _restyle(self) -> None:
        t, k = self.theme, self._scale

        def px(size: float) -> str:
            return f"{round(size * k)}px"

        self.setStyleSheet(f"""
            QWidget#content {{ background: {t.background}; }}
            QLabel {{ color: {t.foreground}; font-size: {px(18)}; }}
            QLabel[role="title"] {{ font-size: {px(th.TITLE_PX + 2)}; font-weight: 600; }}
            QLabel[role="formula"] {{ font-size: {px(19)}; }}
            QLabel[role="head"] {{ font-size: {px(16)}; font-weight: 600; }}
            QLabel[role="loss"] {{ font-size: {px(th.LABEL_PX)}; font-weight: 700;
                color: {t.reduced}; }}
            QLabel[role="grad_w"] {{ font-size: {px(th.LABEL_PX)}; font-weight: 700;
                color: {t.grad_w}; }}
            QLabel[role="grad_b"] {{ font-size: {px(th.LABEL_PX)}; font-weight: 700;
                color: {t.grad_b}; }}
            QLabel[role="ok"] {{ font-size: {px(th.LABEL_PX)}; font-weight: 700; }}
            QLabel[role="update"] {{ font-size: {px(20)}; }}
            QLabel[role="error"] {{ font-size: {px(19)}; color: {t.banner_text};
                background: {t.banner_error}; padding: 8px; border-radius: 4px; }}
            QLabel[role="note"] {{ font-size: {px(18)}; padding: 6px; border-radius: 4px;
                border: 2px dashed {t.batch}; }}
            QFrame#sums {{ border: 2px solid {t.bars}; border-radius: 8px; }}
            QTableWidget {{ color: {t.foreground}; background: {t.background};
                gridline-color: {t.bars}; }}
            QHeaderView::section {{ font-size: {px(15)}; font-weight: 600; padding: 2px 4px; }}
        """)

    def _rescaled(self) -> None:
        self._restyle()
        self.table.set_scale(self._scale)

    # ---- data --------------------------------------------------------------------------------

    def show_chain_rule(self, cr: ChainRule, optimizer: str = "sgd",
                        is_seed_preset: bool = False, step: int | None = None,
                        taken: bool = True) -> None:
        """Lay out ``cr`` (one batch at the step's w, b); ``optimizer`` words the update line.
        ``taken``: step ``step`` was taken (else it is the next one, e.g. after a control
        change): the heading says which w, b it evaluates, before which step."""
        self._shown = (cr, optimizer, is_seed_preset, step, taken)
        B = cr.batch_size
        none = cr.reduction == "none"
        if step is None:
            heading = translate("ChainRulePanel", "Chain rule for the next step: {setup} · at "
                                "w = {w}, b = {b}")
        elif taken:
            heading = translate("ChainRulePanel", "Chain rule for step {step}: {setup} · at "
                                "w = {w}, b = {b} (before step {step})")
        else:
            heading = translate("ChainRulePanel", "Chain rule for step {step}: {setup} · at "
                                "w = {w}, b = {b} (before step {step}, not taken yet)")
        setup = f"{cr.loss_name.upper()} · {cr.reduction} · B = {B}"
        set_text(self.heading, heading.format(step=step, setup=setup, w=fmt(cr.w), b=fmt(cr.b)))
        logistic = chain_rule_logistic.is_logistic(cr)
        if logistic != self._logistic:  # the logistic model: zᵢ, pᵢ − yᵢ, ∂lᵢ/∂zᵢ
            self._logistic = logistic
            chain_rule_logistic.set_headers(self.table, COLUMNS, logistic)
        set_text(self.formulas, chain_rule_logistic.formula_html(cr, *self.denominator)
                 if logistic else self._formula_html(cr))
        self._fill_table(cr)
        self.sums.setVisible(not none)
        self.update_line.setVisible(not none)
        self.no_scalar.setVisible(none)
        if none:
            set_text(self.no_scalar,
                     translate("ChainRulePanel", "<b>No scalar L to differentiate.</b> PyTorch: "
                               "RuntimeError: {error}").format(error=cr.error)
                     + f"<br>{tr_message(cr.explanation or '')}")
        else:
            self._fill_sums(cr)
            set_text(self.update_line, self._update_html(cr, optimizer))
        self.sign_slip.setVisible(is_seed_preset)
        if is_seed_preset:
            # "∂L/∂w = −30" never splits across lines.
            set_text(self.sign_slip, translate("ChainRulePanel", SIGN_SLIP).replace(
                " = ", "&nbsp;=&nbsp;"))

    @staticmethod
    def _formula_html(cr: ChainRule) -> str:
        B = cr.batch_size
        loss, dloss = (html.escape(translate("ChainRulePanel", text))
                       for text in _LOSS[cr.loss_name])
        reduction = {
            "mean": f"L = (1/B)·Σ lᵢ &nbsp;&nbsp; ∂L/∂lᵢ = 1/B = {fmt(1.0 / B)}",
            "sum": "L = Σ lᵢ &nbsp;&nbsp; ∂L/∂lᵢ = 1",
            "weighted": "L = Σ vᵢ·lᵢ &nbsp;&nbsp; ∂L/∂lᵢ = vᵢ &nbsp; "
                        "(<code>loss.backward(gradient=v)</code>)",
            "none": translate("ChainRulePanel", "no reduction: the loss stays a vector of shape "
                              "({B},)").format(B=B),
        }[cr.reduction]
        lines = [
            "ŷᵢ = w·xᵢ + b &nbsp;&nbsp; ∂ŷᵢ/∂w = xᵢ &nbsp;&nbsp; ∂ŷᵢ/∂b = 1",
            f"{loss} &nbsp;&nbsp; {dloss}",
            reduction,
        ]
        if cr.reduction != "none":
            lines.append("<b>∂L/∂w = Σ ∂L/∂lᵢ · ∂lᵢ/∂ŷᵢ · ∂ŷᵢ/∂w</b> &nbsp;&nbsp; "
                         "<b>∂L/∂b = Σ ∂L/∂lᵢ · ∂lᵢ/∂ŷᵢ · 1</b>")
        return "<br>".join(lines)

    def _fill_table(self, cr: ChainRule) -> None:
        B = cr.batch_size
        shown = min(B, MAX_ROWS)
        more = B > shown
        none = cr.reduction == "none"
        rows = shown + (1 if more else 0) + (0 if none else 1)
        self.table.setRowCount(rows)
        dash = "—"  # no ∂L/… without a scalar L
        for k in range(shown):
            values = [
                str(int(cr.index[k]) + 1), fmt(cr.y[k]), fmt(cr.pred[k]), fmt(cr.residual[k]),
                fmt(cr.per_sample_loss[k]), fmt(cr.dl_dpred[k]),
                dash if cr.weight is None else fmt(cr.weight[k]),
                dash if cr.dL_dpred is None else fmt(cr.dL_dpred[k]),
                fmt(cr.dpred_dw[k]), fmt(cr.dpred_db[k]),
                dash if cr.prod_w is None else fmt(cr.prod_w[k]),
                dash if cr.prod_b is None else fmt(cr.prod_b[k]),
            ]
            self._fill_row(k, values)
        if more:
            self._fill_row(shown, ["…"] * len(COLUMNS),
                           tip=translate("ChainRulePanel", "{more} more rows: their products "
                                         "are in the sums").format(more=B - shown))
        if not none:
            sums = [""] * len(COLUMNS)
            sums[0] = "Σ"
            sums[COL_PROD_W] = fmt(num(cr.grad_w), 6)
            sums[COL_PROD_B] = fmt(num(cr.grad_b), 6)
            self._fill_row(rows - 1, sums, bold=True)
        self.table.resizeRowsToContents()
        self.table.fit_columns()

    def _fill_row(self, row: int, values: list[str], bold: bool = False, tip: str = "") -> None:
        for col, text in enumerate(values):
            item = self.table.item(row, col)
            if item is None:
                item = QTableWidgetItem()
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
            if item.text() != text:
                item.setText(text)
            if bool(item.data(BOLD_ROLE)) != bold:
                item.setData(BOLD_ROLE, bold)
                # An ordinary row has no font of its own: it follows the table's as it steps.
                item.setData(Qt.ItemDataRole.FontRole, self.table.bold_font() if bold else None)
            item.setToolTip(tip)
            if col in (COL_PROD_W, COL_PROD_B):  # the shares, in the gradient panel's colours
                item.setForeground(self.theme.color("grad_w" if col == COL_PROD_W else "grad_b"))

    def _fill_sums(self, cr: ChainRule) -> None:
        if cr.grad_w is None or cr.grad_b is None or cr.loss is None:
            return
        ok, bad = self.theme.grad_b, self.theme.reduced
        pairs = {"loss": (cr.loss, cr.autograd_loss), "w": (cr.grad_w, cr.autograd_grad_w),
                 "b": (cr.grad_b, cr.autograd_grad_b)}
        for key, (hand, auto) in pairs.items():
            hand_l, auto_l, mark_l = self.cells[key]
            set_text(hand_l, fmt(hand, 8))
            set_text(auto_l, "—" if auto is None else fmt(auto, 8))
            good = auto is not None and agree(hand, auto)
            verdict = (translate("ChainRulePanel", "✓ agree") if good
                       else translate("ChainRulePanel", "✗ differ"))
            set_text(mark_l, f"<span style='color:{ok if good else bad}'>{verdict}</span>")

    @staticmethod
    def _update_html(cr: ChainRule, optimizer: str) -> str:
        assert cr.grad_w is not None and cr.grad_b is not None
        assert cr.w_after is not None and cr.b_after is not None
        lr = fmt(cr.lr)
        w_line = (f"w ← w − lr·∂L/∂w = {fmt(cr.w)} − {lr}·{paren(cr.grad_w)} = "
                  f"<b>{fmt(cr.w_after, 6)}</b>")
        b_line = (f"b ← b − lr·∂L/∂b = {fmt(cr.b)} − {lr}·{paren(cr.grad_b)} = "
                  f"<b>{fmt(cr.b_after, 6)}</b>")
        lines = f"<br>&nbsp;&nbsp;{w_line}<br>&nbsp;&nbsp;{b_line}"
        if optimizer == "sgd":
            return translate("ChainRulePanel", "Update (plain SGD):") + lines
        name = translate("ChainRulePanel", _OPTIMIZER[optimizer]) if optimizer in _OPTIMIZER \
            else optimizer
        return translate("ChainRulePanel", "Update: this run uses <b>{optimizer}</b>, so the step "
                         "is {optimizer}'s own rule applied to this gradient, not plain lr·g. "
                         "Plain SGD would give:").format(optimizer=name) + lines

    # ---- for tests ---------------------------------------------------------------------------

    def cell(self, row: int, col: int) -> str:
        item = self.table.item(row, col)
        return "" if item is None else item.text()

    def values(self) -> dict[str, str]:
        """What the panel shows, as text (only visible parts; hidden ones are empty; no word
        joiners)."""
        def text(label: QLabel) -> str:
            return label.text().replace(WORD_JOINER, "")

        def shown(label: QLabel) -> str:
            return text(label) if label.isVisibleTo(self) else ""

        out = {"heading": text(self.heading), "formulas": text(self.formulas),
               "update": shown(self.update_line), "no_scalar": shown(self.no_scalar),
               "sign_slip": shown(self.sign_slip)}
        for key, (hand, auto, mark) in self.cells.items():
            out[f"hand_{key}"] = shown(hand)
            out[f"autograd_{key}"] = shown(auto)
            out[f"mark_{key}"] = shown(mark)
        return out
