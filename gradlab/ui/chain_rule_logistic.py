"""The chain-rule tab for the logistic model (issue 19): the same table with its columns
relabelled (``pred`` holds zᵢ = w·xᵢ + b, ``residual`` pᵢ − yᵢ, ``dl_dpred`` ∂lᵢ/∂zᵢ), the
formulas with σ′, and mean's denominator said with its reason."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

from gradlab.i18n import QT_TRANSLATE_NOOP, tr_message, translate
from gradlab.ui.text import fmt

if TYPE_CHECKING:
    from gradlab.core.explain import ChainRule

#: The columns that change for the logistic model: index -> (header, tooltip).
COLUMNS = {
    2: ("zᵢ", QT_TRANSLATE_NOOP("ChainRulePanel", "The logit w·xᵢ + b at the current w and b "
                                                  "(pᵢ = σ(zᵢ))")),
    3: ("pᵢ − yᵢ", QT_TRANSLATE_NOOP("ChainRulePanel", "The probability minus the label")),
    5: ("∂lᵢ/∂zᵢ", QT_TRANSLATE_NOOP("ChainRulePanel", "How this sample's loss changes with its "
                                                       "logit: (pᵢ − yᵢ) times its weight")),
    7: ("∂L/∂zᵢ", "= ∂L/∂lᵢ · ∂lᵢ/∂zᵢ"),
    8: ("∂zᵢ/∂w\n= xᵢ", QT_TRANSLATE_NOOP("ChainRulePanel", "How the logit changes with w: the "
                                                           "sample's x")),
    9: ("∂zᵢ/∂b\n= 1", QT_TRANSLATE_NOOP("ChainRulePanel", "How the logit changes with b: "
                                                          "always 1")),
    10: ("∂L/∂zᵢ·xᵢ\n→ ∂L/∂w", QT_TRANSLATE_NOOP("ChainRulePanel",
                                                 "This sample's share of ∂L/∂w")),
    11: ("∂L/∂zᵢ·1\n→ ∂L/∂b", QT_TRANSLATE_NOOP("ChainRulePanel",
                                                "This sample's share of ∂L/∂b")),
}

_LOSS = {
    "bce": "lᵢ = −sᵢ·[yᵢ·log pᵢ + (1 − yᵢ)·log(1 − pᵢ)] &nbsp; "
           "(<code>binary_cross_entropy_with_logits</code>)",
    "cross-entropy": "lᵢ = −c<sub>yᵢ</sub>·log softmax([0, zᵢ])<sub>yᵢ</sub> &nbsp; "
                     "(<code>cross_entropy</code>)",
}
SIGMA_PRIME = QT_TRANSLATE_NOOP(
    "ChainRulePanel", "∂lᵢ/∂zᵢ = weight·(pᵢ − yᵢ): σ′(z) = σ(z)(1 − σ(z)) cancels the log's 1/p")


def is_logistic(cr: ChainRule) -> bool:
    return cr.loss_name in _LOSS


def set_headers(table: QTableWidget, columns: tuple, logistic: bool) -> None:
    """The line's headers, or the logistic model's where they differ."""
    for k, (text, tip) in enumerate(columns):
        text, tip = COLUMNS.get(k, (text, tip)) if logistic else (text, tip)
        item = QTableWidgetItem(text)
        item.setToolTip(translate("ChainRulePanel", tip))
        table.setHorizontalHeaderItem(k, item)


def formula_html(cr: ChainRule, denominator: float | None, why: str | None) -> str:
    """zᵢ, pᵢ, the loss, σ′ and the reduction with its denominator."""
    if cr.reduction == "mean" and denominator is not None:
        reduction = "L = Σ lᵢ / d &nbsp;&nbsp; ∂L/∂lᵢ = 1/d &nbsp;&nbsp; d = " + html.escape(
            tr_message(why) if why else fmt(denominator))
    else:
        reduction = {
            "mean": "L = (1/B)·Σ lᵢ",
            "sum": "L = Σ lᵢ &nbsp;&nbsp; ∂L/∂lᵢ = 1",
            "weighted": "L = Σ vᵢ·lᵢ &nbsp;&nbsp; ∂L/∂lᵢ = vᵢ &nbsp; "
                        "(<code>loss.backward(gradient=v)</code>)",
        }.get(cr.reduction, translate("ChainRulePanel", "no reduction: the loss stays a vector "
                                      "of shape ({B},)").format(B=cr.batch_size))
    lines = [
        "zᵢ = w·xᵢ + b &nbsp;&nbsp; pᵢ = σ(zᵢ) &nbsp;&nbsp; ∂zᵢ/∂w = xᵢ &nbsp;&nbsp; ∂zᵢ/∂b = 1",
        _LOSS[cr.loss_name],
        html.escape(translate("ChainRulePanel", SIGMA_PRIME)),
        reduction,
    ]
    if cr.reduction != "none":
        lines.append("<b>∂L/∂w = Σ ∂L/∂lᵢ · ∂lᵢ/∂zᵢ · ∂zᵢ/∂w</b> &nbsp;&nbsp; "
                     "<b>∂L/∂b = Σ ∂L/∂lᵢ · ∂lᵢ/∂zᵢ · 1</b>")
    return "<br>".join(lines)
