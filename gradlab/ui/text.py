"""Number formatting for the screen: short, with a real minus sign (−30, not -30)."""

from __future__ import annotations

import math

from gradlab.i18n import QT_TRANSLATE_NOOP, translate


def fmt(value: float, digits: int = 4) -> str:
    """``-30.0`` -> ``−30``; ``0.30000000000000004`` -> ``0.3``; e-notation when big or tiny."""
    if not math.isfinite(value):
        return {math.inf: "inf", -math.inf: "−inf"}.get(value, "NaN")
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exp = text.split("e")
        text = f"{mantissa}e{int(exp)}"
    if text in ("-0", "0"):
        text = "0"
    return text.replace("-", "−")


def paren(value: float) -> str:
    """Negative factors in parentheses, as on a blackboard: 4 × (−30)."""
    text = fmt(value, 6)
    return f"({text})" if value < 0 else text


def count(n: int) -> str:
    """``1000000`` -> ``1,000,000``."""
    return f"{n:,}"


#: How each reduction is called in a sentence ("mean = 30").
REDUCTION_WORD = {
    "mean": QT_TRANSLATE_NOOP("Text", "mean"),
    "sum": QT_TRANSLATE_NOOP("Text", "sum"),
    "weighted": QT_TRANSLATE_NOOP("Text", "weighted sum"),
    "none": QT_TRANSLATE_NOOP("Text", "none"),
}


def reduction_word(reduction: str) -> str:
    """``"weighted"`` -> "weighted sum", in the current language."""
    word = REDUCTION_WORD.get(reduction)
    return reduction if word is None else translate("Text", word)
