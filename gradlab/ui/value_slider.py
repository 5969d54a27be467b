"""A slider with a box to type into: the lab's way of setting a number (a log or linear scale,
optional "max" and "all" at the top)."""

from __future__ import annotations

import math
import re
import unicodedata

from PySide6.QtCore import QEvent, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QSlider, QStyle, QStyleOptionSlider, QWidget

from gradlab.i18n import translate
from gradlab.ui.control_texts import TYPE_HINT, all_word, max_word


def _sig(value: float, digits: int = 3) -> float:
    return float(f"{value:.{digits}g}")


#: Digits grouped by thousands commas ("1,000", "-12,345,678"); a leading 0 is never grouped.
GROUPED = re.compile(r"[+-]?[1-9]\d{0,2}(,\d{3})+")


class AmbiguousComma(ValueError):
    """Typed text whose one comma may be a decimal comma or a thousands separator ("1,000":
    1 or 1000?); ``readings`` are the two values, decimal first."""

    def __init__(self, text: str, readings: tuple[float, float]) -> None:
        super().__init__(text)
        self.readings = readings


def read_commas(text: str, integer: bool = False) -> str:
    """``text`` with its commas read, for ``float()``: thousands separators in front of the
    decimal point ("1,000.5"), several of them ("1,000,000"), or in a whole-number box are
    dropped; a single comma and no point is a decimal comma ("0,01" as many European and
    Chinese students type it). Raises ValueError for commas that fit neither reading and
    AmbiguousComma when both fit ("1,000" in a box that takes fractions): a value 1000× off
    is never guessed."""
    if "," not in text:
        return text
    mantissa, e, exponent = text.partition("e")
    whole = mantissa.split(".")[0]
    if integer or "." in mantissa or mantissa.count(",") > 1:
        if not GROUPED.fullmatch(whole):
            raise ValueError(text)
        return text.replace(",", "")
    decimal = mantissa.replace(",", ".") + e + exponent
    if GROUPED.fullmatch(mantissa):
        raise AmbiguousComma(text, (float(decimal), float(text.replace(",", ""))))
    return decimal


class Scale:
    """Slider positions <-> values, and the text in the value box."""

    def __init__(self, lo: float, hi: float, *, log: bool = False, steps: int = 100,
                 integer: bool = False, inf_at_top: bool = False, all_at_top: bool = False) -> None:
        self.lo, self.hi, self.log, self.steps = lo, hi, log, steps
        self.integer, self.inf_at_top, self.all_at_top = integer, inf_at_top, all_at_top

    @property
    def top(self) -> int:
        return self.steps + (1 if self.inf_at_top else 0)

    def value(self, pos: int) -> float:
        if self.inf_at_top and pos > self.steps:
            return math.inf
        t = pos / self.steps
        if self.log:
            v = self.lo * (self.hi / self.lo) ** t
        else:
            v = self.lo + (self.hi - self.lo) * t
        if self.integer:
            return float(min(max(round(v), self.lo), self.hi))
        return _sig(v) if self.log else round(v, 6)

    def position(self, value: float) -> int:
        if math.isinf(value):
            return self.top
        v = min(max(value, self.lo), self.hi)
        if self.log:
            t = math.log(v / self.lo) / math.log(self.hi / self.lo) if self.hi > self.lo else 1.0
        else:
            t = (v - self.lo) / (self.hi - self.lo) if self.hi > self.lo else 1.0
        return int(round(t * self.steps))

    def text(self, value: float) -> str:
        if math.isinf(value):
            return max_word()
        if self.integer:
            text = f"{int(value):,}"
            if self.all_at_top and value >= self.hi:
                return translate("Controls", "all ({n})").format(n=text)
            return text
        return f"{value:.4g}"

    def rule(self) -> str:
        """What may be typed, for the message when something else is."""
        if self.integer:
            rule = translate("Controls", "a whole number from {lo} to {hi}").format(
                lo=f"{int(self.lo):,}", hi=f"{int(self.hi):,}")
        elif self.log:
            rule = translate("Controls", "a number greater than 0")
        else:
            rule = translate("Controls", "a finite number")
        if self.inf_at_top:
            rule = translate("Controls", "{rule} or '{word}'").format(rule=rule, word=max_word())
        if self.all_at_top:
            rule = translate("Controls", "{rule} or '{word}'").format(rule=rule, word=all_word())
        return rule

    def parse(self, text: str) -> float:
        """The value ``text`` means; ValueError (AmbiguousComma for "1,000" in a box that takes
        fractions) if it is not one of this control's values. Full-width forms (an input
        method's "０，５") count as the plain ones."""
        t = unicodedata.normalize("NFKC", text).strip().lower()
        t = t.replace("−", "-").replace("。", ".")
        if self.inf_at_top and t in ("max", "inf", "∞", "unlimited", max_word().lower()):
            return math.inf
        if self.all_at_top and (t.startswith("all") or t.startswith(all_word().lower())):
            return self.hi
        value = float(read_commas(t, self.integer))
        if not math.isfinite(value):
            raise ValueError(text)
        if self.integer:
            if value != int(value) or not self.lo <= value <= self.hi:
                raise ValueError(text)
        elif self.log and value <= 0:
            raise ValueError(text)
        return value


class LimitSlider(QSlider):
    """A horizontal slider that can shade the part of its range above a limit red (the learning
    rates at which gradient descent diverges)."""

    LIMIT_COLOR = QColor(220, 40, 40, 120)

    def __init__(self) -> None:
        super().__init__(Qt.Orientation.Horizontal)
        self.limit_fraction: float | None = None  # where the red zone starts, 0..1 of the range

    def set_limit_fraction(self, fraction: float | None) -> None:
        self.limit_fraction = None if fraction is None else min(max(fraction, 0.0), 1.0)
        self.update()

    def limit_x(self) -> float | None:
        """The x (pixels) where the red zone starts: the handle's centre at the limit."""
        if self.limit_fraction is None:
            return None
        opt = QStyleOptionSlider()
        self.initStyleOption(opt)
        style = self.style()
        groove = style.subControlRect(QStyle.ComplexControl.CC_Slider, opt,
                                      QStyle.SubControl.SC_SliderGroove, self)
        handle = style.subControlRect(QStyle.ComplexControl.CC_Slider, opt,
                                      QStyle.SubControl.SC_SliderHandle, self)
        span = groove.width() - handle.width()
        steps = max(1, self.maximum() - self.minimum())
        # The limit is a fraction of the scale's steps, not of the slider's range ("max" slot).
        top = self.property("scale_steps") or steps
        return groove.left() + handle.width() / 2 + span * self.limit_fraction * top / steps

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        x = self.limit_x()
        if x is None:
            return
        painter = QPainter(self)
        h = self.height()
        painter.fillRect(QRectF(x, h * 0.2, self.width() - x, h * 0.6), self.LIMIT_COLOR)
        painter.setPen(QColor(200, 0, 0))
        painter.drawLine(round(x), 0, round(x), h)
        painter.end()


class ValueSlider(QWidget):
    """A slider and a typeable box showing its value."""

    value_changed = Signal(float)
    #: typed text that is not a value of this control: why (the box shows the old value again)
    value_refused = Signal(str)
    #: typed text was read as a value (changed or not; before value_changed)
    value_accepted = Signal(float)

    #: Width of the value box and least width of the slider at text scale 1 (pixels).
    EDIT_WIDTH = 112
    SLIDER_WIDTH = 90

    def __init__(self, scale: Scale, value: float, tip: str, whats_this: str = "") -> None:
        super().__init__()
        self.scale = scale
        self._value = value
        self.slider = LimitSlider()
        self._limit: float | None = None
        self.slider.setRange(0, scale.top)
        self.slider.setMinimumWidth(self.SLIDER_WIDTH)
        self.edit = QLineEdit()
        self.edit.setFixedWidth(self.EDIT_WIDTH)
        self.edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.slider, 1)
        lay.addWidget(self.edit)
        for widget in (self, self.slider, self.edit):
            widget.setToolTip(tip)
            widget.setWhatsThis(whats_this)
        hint = translate("Controls", TYPE_HINT)
        self.edit.setWhatsThis(f"{whats_this}<p>{hint}</p>")
        self.slider.valueChanged.connect(self._slid)
        self.edit.editingFinished.connect(self._typed)
        self.set_value(value)

    def value(self) -> float:
        return self._value

    def limit(self) -> float | None:
        """The value above which the slider is shaded red (None: no limit shown)."""
        return self._limit

    def set_limit(self, limit: float | None) -> None:
        """Shade the values above ``limit`` red (log scales only; None: no red zone)."""
        self._limit = limit
        sc = self.scale
        if limit is None or not sc.log or not (limit > 0 and math.isfinite(limit)):
            self.slider.set_limit_fraction(None)
            return
        self.slider.setProperty("scale_steps", sc.steps)
        self.slider.set_limit_fraction(math.log(limit / sc.lo) / math.log(sc.hi / sc.lo))

    def set_scale_factor(self, factor: float) -> None:
        """Text size changed: the value box keeps room for its longest value."""
        self._factor = factor
        self._fit_edit()
        self.slider.setMinimumWidth(round(self.SLIDER_WIDTH * factor))

    def _fit_edit(self) -> None:
        """The value box as wide as usual, or as its text needs ("all (1,000,000)" whole)."""
        need = self.edit.fontMetrics().horizontalAdvance(self.edit.text()) + 16
        width = max(round(self.EDIT_WIDTH * getattr(self, "_factor", 1.0)), need)
        if width != self.edit.width():
            self.edit.setFixedWidth(width)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # the text size arrives after set_scale
            self._fit_edit()

    def set_value(self, value: float, emit: bool = False) -> None:
        self._value = value
        self.slider.blockSignals(True)
        self.slider.setValue(self.scale.position(value))
        self.slider.blockSignals(False)
        self.edit.setText(self.scale.text(value))
        self._fit_edit()
        if emit:
            self.value_changed.emit(value)

    def set_scale(self, scale: Scale, value: float) -> None:
        self.scale = scale
        self.slider.blockSignals(True)
        self.slider.setRange(0, scale.top)
        self.slider.blockSignals(False)
        self.set_value(value)

    def _slid(self, pos: int) -> None:
        value = self.scale.value(pos)
        if value != self._value:
            self.set_value(value, emit=True)

    def _typed(self) -> None:
        shown = self.scale.text(self._value)
        if self.edit.text() == shown and not self.edit.isModified():
            return  # nothing typed: e.g. the focus left after Enter applied the value
        typed = self.edit.text().strip()
        try:
            value = self.scale.parse(typed)
        except ValueError as exc:
            self.edit.setText(shown)  # refuse, show the current value
            if isinstance(exc, AmbiguousComma):
                a, b = (f"{v:.12g}" for v in exc.readings)
                why = translate("Controls", "{typed!r} could be {a} or {b}: type the one you "
                                "mean, with a point for decimals; it stays at {value}")
            else:
                a = b = ""
                why = translate("Controls", "{typed!r} is not {rule}; it stays at {value}")
            self.value_refused.emit(why.format(typed=typed[:20], rule=self.scale.rule(),
                                               value=shown, a=a, b=b))
            return
        self.value_accepted.emit(value)
        if value != self._value:
            self.set_value(value, emit=True)
        else:
            self.edit.setText(self.scale.text(value))
