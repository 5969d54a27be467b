"""Number formatting for the screen: short, with a real minus sign (−30, not -30)."""

from __future__ import annotations

import math
import re

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


# The plots' clip (views.panels.LIMIT; that module loads after the first paint).
DRAW_LIMIT = 1e15


def beyond(value: float) -> bool:
    """``value`` cannot be drawn where it is (beyond ±1e15, or not finite): the item drawn for
    it is clipped, and the panel says so; the number written is ``value`` itself."""
    return not (math.isfinite(value) and abs(value) <= DRAW_LIMIT)


def paren(value: float) -> str:
    """Negative factors in parentheses, as on a blackboard: 4 × (−30)."""
    text = fmt(value, 6)
    return f"({text})" if value < 0 else text


#: U+2060 WORD JOINER: no width, no glyph, and no line break on either side of it.
WORD_JOINER = "\u2060"
# A slash inside a symbol or a fraction (∂L/∂b, 1/B, lr/B), never one of an HTML tag (</b>, <br/>).
_SLASH_IN_WORD = re.compile(r"(?<=[^\s<])/(?=[^\s>])")


def unbroken(text: str) -> str:
    """Symbols never break across lines: ``"∂L/∂b"`` -> ``"∂L/⁠∂b"`` (a word joiner after the
    slash). Qt may break a line after a slash ("∂L/" … "∂b"), and a ``white-space: nowrap`` span
    does not stop it there; a word joiner does, in any language. Rich or plain text alike (the
    text of a tag is left alone; not for attribute values holding a slash, such as links)."""
    return _SLASH_IN_WORD.sub("/" + WORD_JOINER, text)


def plain(text: str) -> str:
    """What a reader sees in a label's text: no word joiners, no-break spaces as plain ones."""
    return text.replace(WORD_JOINER, "").replace("\u00a0", " ").replace("&nbsp;", " ")


def count(n: int) -> str:
    """``1000000`` -> ``1,000,000``."""
    return f"{n:,}"


#: The one list of the reductions on screen (core.config.REDUCTIONS, in its order): how each is
#: called in a sentence ("mean = 30"), as a choice in the controls, and as a Reduction tab title.
REDUCTION_TEXTS = {
    "mean": (QT_TRANSLATE_NOOP("Text", "mean"), QT_TRANSLATE_NOOP("Controls", "mean"),
             QT_TRANSLATE_NOOP("ReductionPanel", "mean")),
    "sum": (QT_TRANSLATE_NOOP("Text", "sum"), QT_TRANSLATE_NOOP("Controls", "sum"),
            QT_TRANSLATE_NOOP("ReductionPanel", "sum")),
    "weighted": (QT_TRANSLATE_NOOP("Text", "weighted sum"),
                 QT_TRANSLATE_NOOP("Controls", "weighted (v·l)"),
                 QT_TRANSLATE_NOOP("ReductionPanel", "weighted")),
    "none": (QT_TRANSLATE_NOOP("Text", "none"), QT_TRANSLATE_NOOP("Controls", "none"),
             QT_TRANSLATE_NOOP("ReductionPanel", "none")),
}


def reduction_word(reduction: str) -> str:
    """``"weighted"`` -> "weighted sum", in the current language."""
    texts = REDUCTION_TEXTS.get(reduction)
    return reduction if texts is None else translate("Text", texts[0])


def reduction_title(reduction: str) -> str:
    """The reduction's title in the Reduction tab, in the current language."""
    return translate("ReductionPanel", REDUCTION_TEXTS[reduction][2])
