"""Typing a value: a decimal comma is a decimal comma, an ambiguous one is refused naming the box
and the text, a refusal goes once a value is taken (issue 15, item 10); Enter gives the keys back
to the plots (item 20)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from gradlab.core.config import LabConfig
from gradlab.ui.value_slider import Scale

AmbiguousComma = ValueError

LR = dict(lo=1e-7, hi=10.0, log=True, steps=800)  # the learning-rate box's scale
LINEAR = dict(lo=-10.0, hi=10.0, steps=200)  # initial w, b
WHOLE = dict(lo=2, hi=1_000_000, log=True, steps=120, integer=True)  # N


@pytest.mark.parametrize(("scale", "text", "value"), [
    (LR, "0,01", 0.01), (LR, "1,5", 1.5), (LR, " 0.01 ", 0.01), (LR, "1,5e-3", 1.5e-3),
    (LR, "０，０１", 0.01), (LR, "0。01", 0.01), (LR, "1,00", 1.0), (LR, "0,001", 0.001),
    (LINEAR, "−0,5", -0.5), (LINEAR, "1,000.5", 1000.5), (LINEAR, "-12,345.25", -12345.25),
    (LINEAR, "1,000,000", 1e6),
    (WHOLE, "1,000", 1000), (WHOLE, "1,000,000", 1e6), (WHOLE, "50", 50),
])
def test_a_comma_is_read_as_the_text_says(qtbot, scale: dict, text: str, value: float) -> None:  # noqa: ANN001
    assert Scale(**scale).parse(text) == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize(("scale", "text", "readings"), [
    (LR, "1,000", (1.0, 1000.0)), (LINEAR, "-2,500", (-2.5, -2500.0)),
    (LR, "2,500e-3", (2.5e-3, 2.5)),
])
def test_a_comma_that_could_be_either_is_refused(qtbot, scale: dict, text: str,  # noqa: ANN001
                                                 readings: tuple[float, float]) -> None:
    with pytest.raises(AmbiguousComma) as caught:
        Scale(**scale).parse(text)
    assert caught.value.readings == pytest.approx(readings)


@pytest.mark.parametrize(("scale", "text"), [
    (LR, "1.000,5"), (LR, "12,34,567"), (LR, "1,2,3"), (LR, ",5,"), (WHOLE, "1,5"),
    (WHOLE, "10,00"), (WHOLE, "0,5"),
])
def test_commas_that_fit_no_reading_are_refused(qtbot, scale: dict, text: str) -> None:  # noqa: ANN001
    with pytest.raises(ValueError):
        Scale(**scale).parse(text)


def test_every_whole_number_the_box_shows_reads_back(qtbot) -> None:  # noqa: ANN001
    scale = Scale(**WHOLE)
    for value in (2, 999, 1000, 12_345, 1_000_000):
        assert scale.parse(scale.text(value)) == value


def _type(qtbot, slider, text: str) -> None:  # noqa: ANN001
    """As if typed into the box and Enter pressed."""
    slider.edit.selectAll()
    qtbot.keyClicks(slider.edit, text)
    slider.edit.editingFinished.emit()


def test_typed_decimal_commas_reach_the_run_and_refusals_go(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(), worker_mode="thread")
    lr = window.controls.lr
    _type(qtbot, lr, "0,05")
    assert window.lab.config.lr == pytest.approx(0.05)  # not 5
    _type(qtbot, lr, "1,5")
    assert window.lab.config.lr == pytest.approx(1.5)  # not 15
    assert not window.banner.isVisible()
    _type(qtbot, lr, "1,000")  # 1 or 1000? refused, naming the box and the text
    assert window.lab.config.lr == pytest.approx(1.5) and lr.edit.text() == "1.5"
    text = window.banner.text()
    assert window.banner.isVisible() and "Not applied" in text and "learning rate" in text
    assert "'1,000'" in text and "1000" in text
    _type(qtbot, lr, "0,02")
    assert window.lab.config.lr == pytest.approx(0.02)
    assert not window.banner.isVisible()  # the refusal went once a value was taken
    _type(qtbot, lr, "abc")
    assert window.banner.isVisible()
    _type(qtbot, lr, "0.02")  # the value it already has: still taken, the refusal goes
    assert not window.banner.isVisible()


def test_enter_applies_and_gives_the_keys_back_to_the_plots(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(), worker_mode="thread")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    edit = window.controls.lr.edit
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    edit.selectAll()
    qtbot.keyClicks(edit, "0.02")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert window.lab.config.lr == pytest.approx(0.02)
    assert not window.lab.running  # Enter in the box applies, it does not run
    assert not edit.hasFocus()
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Space)  # steps
    qtbot.waitUntil(lambda: window.shown.step == 1 and window.shown.record.lr == 0.02)
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_R)  # resets
    qtbot.waitUntil(lambda: window.shown.step == 0)
    assert edit.text() == "0.02" and not window.banner.isVisible()
