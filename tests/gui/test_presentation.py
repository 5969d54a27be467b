"""Presentation mode, the live text size, themes, the controls that fold away, and the settings
that remember them (always the test's own, never the user's)."""

from __future__ import annotations

import os
from pathlib import Path

import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt

from gradlab.core.config import LabConfig
from gradlab.ui import settings as st
from gradlab.ui import theme as th

NOISY = LabConfig(preset="noisy-line", lr=0.05, batch_size=10)


def axis_px(window) -> int:  # noqa: ANN001
    return window.fit_panel.plot.getAxis("bottom").style["tickFont"].pixelSize()


def sizes(window) -> dict[str, float]:  # noqa: ANN001
    """Sizes that must follow the text scale, from every kind of item."""
    return {
        "axis": axis_px(window),
        "label": window.loss_panel.reduced_label.textItem.font().pixelSize(),
        "note": window.loss_panel.note.textItem.font().pixelSize(),
        "points": window.fit_panel.points.opts["size"],
        "legend": float(window.fit_panel.legend.opts["labelTextSize"].removesuffix("pt")),
        "app_pt": window.controls.font().pointSize(),
        "value_box": window.controls.lr.edit.width(),
        "status_px": int(window.statusBar().styleSheet().split("font-size: ")[1].split("px")[0]),
    }


def test_settings_are_the_tests_own(make_lab) -> None:  # noqa: ANN001
    window = make_lab(NOISY, worker_mode="thread")
    path = Path(window.settings.path)
    assert path.is_relative_to(os.environ[st.ENV_DIR])
    home = Path.home() / ".config"
    assert not path.is_relative_to(home) or str(home).startswith(os.environ[st.ENV_DIR])


def test_text_size_scales_every_font_and_marker_live(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(NOISY, worker_mode="thread")
    window.resize(1600, 1000)  # the default size, where 150 % fits (see the cap test below)
    window.lab.step(2)
    qtbot.waitUntil(lambda: window.shown.step == 2 and not window.shown.running)
    qtbot.waitUntil(lambda: window.width() == 1600)
    base = sizes(window)
    assert base["axis"] == th.BASE_SIZES["AXIS_PX"] and base["points"] == 14
    for _ in range(3):  # 1.0 -> 1.1 -> 1.25 -> 1.5
        window.actions.larger_action.trigger()
    assert window.options.font_scale == 1.5 and th.FONT_SCALE == 1.5
    qtbot.waitUntil(lambda: window.controls.font().pointSize() == 18)  # Qt posts font changes
    big = sizes(window)
    for key, value in base.items():
        assert big[key] == pytest.approx(value * 1.5, rel=0.1), key
    # A redraw (new data: the fit panel restyles its markers from literals) keeps the scale.
    window.controls.n.set_value(60, emit=True)
    qtbot.waitUntil(lambda: window.shown.view.layout.n == 60)
    assert window.fit_panel.points.opts["size"] == pytest.approx(14 * 1.5)
    window.actions.smaller_action.trigger()
    assert window.options.font_scale == 1.25
    window.options.set_font_scale(1.0)  # Ctrl+0
    qtbot.waitUntil(lambda: window.controls.font().pointSize() == 12)
    assert sizes(window) == base
    assert window.settings.font_scale() == 1.0


def test_keyboard_shortcuts_for_text_size_and_presentation(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(NOISY, worker_mode="thread")
    ctrl = Qt.KeyboardModifier.ControlModifier
    qtbot.keyClick(window, Qt.Key.Key_Equal, ctrl)
    assert window.options.font_scale == 1.1
    qtbot.keyClick(window, Qt.Key.Key_Minus, ctrl)
    qtbot.keyClick(window, Qt.Key.Key_Minus, ctrl)
    assert window.options.font_scale == 0.9
    qtbot.keyClick(window, Qt.Key.Key_0, ctrl)
    assert window.options.font_scale == 1.0
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert window.options.presenting and window.isFullScreen()
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert not window.options.presenting and not window.isFullScreen()


def test_presentation_mode_is_larger_thicker_and_comes_back(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(NOISY, worker_mode="thread")
    window.resize(700, 500)  # smaller than the offscreen screen, so it can come back exactly
    qtbot.waitUntil(lambda: window.width() == 700)
    size = window.size()
    normal_line = window.fit_panel.line.opts["pen"].widthF()
    window.actions.present_action.trigger()  # the toolbar button / F11
    assert window.options.presenting and window.isFullScreen()
    assert window.options.font_scale == st.PRESENTATION_FONT
    qtbot.waitUntil(lambda: th.FONT_SCALE == window.options.shown_scale())  # the screen's size
    assert axis_px(window) == round(th.BASE_SIZES["AXIS_PX"] * window.options.shown_scale())
    assert window.fit_panel.line.opts["pen"].widthF() > normal_line  # thicker lines
    # Its own text size, remembered apart from the normal one.
    window.options.set_font_scale(1.5)
    assert window.settings.font_scale(presenting=True) == 1.5
    assert window.settings.font_scale() == 1.0
    # The controls fold away at once; Step / Run / Reset are on the toolbar instead. Phases (Step
    # in phases) is on the toolbar throughout presentation mode.
    assert window.dock.isHidden()
    assert all(a.isVisible() for a in window.actions.toolbar_buttons)
    window.actions.controls_action.trigger()  # shown again on request, and remembered
    assert not window.dock.isHidden()
    assert not any(a.isVisible() for a in window.actions.toolbar_buttons[:3])
    assert window.actions.toolbar_buttons[3].isVisible()  # Phases stays
    assert window.settings.presentation_controls() is True
    window.actions.controls_action.trigger()
    assert window.dock.isHidden() and window.settings.presentation_controls() is False
    step_button = window.actions.toolbar.widgetForAction(window.actions.toolbar_buttons[0])
    qtbot.mouseClick(step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.shown.step == 1)
    window.actions.present_action.trigger()
    assert not window.options.presenting and not window.isFullScreen()
    qtbot.waitUntil(lambda: window.size() == size)
    assert not window.dock.isHidden()  # the normal layout had the controls shown
    assert window.actions.controls_action.isChecked()
    assert not any(a.isVisible() for a in window.actions.toolbar_buttons)
    assert window.options.font_scale == 1.0
    assert window.fit_panel.line.opts["pen"].widthF() == normal_line


def test_themes_include_a_projector_theme_and_persist(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(NOISY, worker_mode="thread")
    window.actions.theme_actions["projector"].trigger()
    assert window.options.theme is th.PROJECTOR
    assert window.controls.theme_choice.currentData() == "projector"
    assert window.fit_panel.backgroundBrush().color().name() == th.PROJECTOR.background
    choice = window.controls.theme_choice
    choice.setCurrentIndex(choice.findData("dark"))
    assert window.options.theme is th.DARK and window.actions.theme_actions["dark"].isChecked()
    assert window.settings.theme() == "dark"
    window.close()
    assert st.Settings().theme() == "dark"


def test_layout_text_size_and_preset_are_remembered(make_lab, qtbot) -> None:  # noqa: ANN001
    first = make_lab(NOISY, worker_mode="thread")
    first.options.set_font_scale(1.25)
    first.options.set_controls_visible(False)
    first.close()
    saved = st.Settings()
    assert saved.last_preset() == "noisy-line"
    assert saved.geometry() is not None and saved.window_state() is not None

    second = make_lab(LabConfig(), worker_mode="thread")
    assert second.options.font_scale == 1.25 and axis_px(second) == round(15 * 1.25)
    second.options.restore_layout()
    assert second.dock.isHidden() and not second.actions.controls_action.isChecked()
    second.options.reset_layout()  # View → Reset layout
    assert not second.dock.isHidden() and second.actions.controls_action.isChecked()
    assert st.Settings().geometry() is None


def test_a_broken_settings_file_gives_the_defaults(tmp_path: Path) -> None:
    folder = Path(os.environ[st.ENV_DIR])
    s = st.Settings()
    s.set_value(st.FONT_SCALE, "huge")
    s.set_value(st.THEME, "neon")
    s.set_value(st.RECENT_FILES, "{not json")
    s.set_value(st.LAST_PRESET, 42)
    s.sync()
    fresh = st.Settings()
    assert Path(fresh.path).is_relative_to(folder)
    assert (fresh.font_scale(), fresh.theme(), fresh.recent_files(), fresh.last_preset()) == (
        1.0, "light", [], None)
    for k in range(12):
        fresh.add_recent_file(str(tmp_path / f"{k}.gradlab"))
    assert len(fresh.recent_files()) == st.MAX_RECENT
    assert fresh.recent_files()[0].endswith("11.gradlab")


def test_presentation_screenshot_at_1920x1080_and_150_percent(tmp_path: Path) -> None:
    """The app's own --screenshot with presentation mode: nothing may be cut off the controls."""
    import subprocess
    import sys

    out = tmp_path / "present.png"
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, str(root / "main.py"), "--screenshot", str(out), "--preset",
         "noisy-line", "--steps", "3", "--size", "1920x1080", "--presentation",
         "--font-scale", "150"], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    from PySide6.QtGui import QImage

    image = QImage(str(out))
    assert (image.width(), image.height()) == (1920, 1080)
    # A screenshot neither reads nor writes the user's settings.
    assert not [p for p in Path(os.environ[st.ENV_DIR]).rglob("*") if p.is_file()]


def test_plot_scaler_never_drifts(qtbot) -> None:  # noqa: ANN001
    from gradlab.ui.presentation import scale_items

    item = pg.ScatterPlotItem(size=14)
    text = pg.TextItem()
    text.setFont(th.label_font(20))
    for scale in (1.1, 1.25, 1.5, 1.75, 1.25, 0.8, 1.0):
        scale_items([item, text], scale, text_scale=th.FONT_SCALE)
        th.set_scale(scale)
    assert item.opts["size"] == pytest.approx(14)
    assert text.textItem.font().pixelSize() == 20


def test_bar_numbers_and_axis_labels_never_overlap(qtbot) -> None:  # noqa: ANN001
    """Large text on a narrow or short plot: fewer labels rather than labels on each other."""
    import numpy as np

    from gradlab.ui.loss_panel import bar_ticks

    pos = np.arange(1, 21, dtype=float)
    assert len(bar_ticks(pos, 1)) == 20  # width unknown: every sample, as before
    assert len(bar_ticks(pos, 1, room_px=1000)) == 20
    th.set_scale(1.5)
    crowded = bar_ticks(pos, 1, room_px=300)  # 15 px per bar, 22 px text
    assert 2 <= len(crowded) < 10
    assert [label for _, label in crowded] == ["1", "5", "10", "15"]

    plot = pg.PlotItem()
    th.style_plot(plot, th.LIGHT)
    axis = plot.getAxis("left")
    lo, hi, size = -62.0, 45.0, 82.0  # a short plot of the history panel, text 22 px
    (major, values), *_ = axis.tickValues(lo, hi, size)
    assert (major * size / (hi - lo)) >= 1.15 * th.AXIS_PX  # labels a text line apart
    assert values  # and still labelled
    th.set_scale(1.0)
    (major, _), *_ = axis.tickValues(lo, hi, 400.0)
    assert major <= 20  # a tall plot keeps pyqtgraph's own spacing


def test_the_text_size_shown_is_the_largest_that_fits_the_window(make_lab, qtbot) -> None:  # noqa: ANN001
    """Ctrl+= on a 1024×768 projector stops where the plots still fit; a 4K screen gets 250 %;
    the size chosen is kept, and comes back on a larger window."""
    from gradlab.ui.view_options import fitting_scale

    assert fitting_scale(1024, 768, presenting=True) == 1.25
    assert fitting_scale(1280, 720, presenting=True) == 1.25
    assert fitting_scale(1920, 1080, presenting=True) == 2.0
    assert fitting_scale(3840, 2160, presenting=True) == 2.5
    assert fitting_scale(1024, 768, presenting=False) == 1.1
    window = make_lab(NOISY, worker_mode="thread")
    window.resize(1024, 768)
    qtbot.waitUntil(lambda: window.width() == 1024)
    window.options.set_font_scale(2.5)
    assert window.options.font_scale == 2.5 and th.FONT_SCALE == 1.1
    assert "110 % fits this window" in window.statusBar().currentMessage()
    window.resize(3840, 2160)
    qtbot.waitUntil(lambda: th.FONT_SCALE == 2.5)
    assert axis_px(window) == round(15 * 2.5)
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: th.FONT_SCALE == 1.25)
    assert window.options.font_scale == 2.5 and window.settings.font_scale() == 2.5


def test_ctrl_0_brings_the_controls_dock_back_to_its_width(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(NOISY, worker_mode="thread")
    window.resize(1600, 1000)
    qtbot.waitUntil(lambda: window.width() == 1600)
    window.options.set_font_scale(1.0)  # the dock fitted to 100 % (whatever came before)
    qtbot.waitUntil(lambda: abs(window.dock.width() - window.controls_scroll.minimumWidth()) <= 2)
    normal = window.dock.width()
    for _ in range(3):  # Ctrl+= three times: 150 %, the controls widen
        window.actions.larger_action.trigger()
    qtbot.waitUntil(lambda: window.dock.width() > 1.3 * normal)
    window.options.set_font_scale(1.0)  # Ctrl+0
    qtbot.waitUntil(lambda: window.dock.width() <= normal + 2)


def test_a_status_note_is_never_drawn_over_the_state(make_lab, qtbot) -> None:  # noqa: ANN001
    """Entering presentation mode says "Text size 125 %" in the status bar; Qt's relayout for
    the new text size used to show the state ("paused") again under the note, both drawn on
    top of each other. While a note is shown the state's place is the note's."""
    window = make_lab(LabConfig(), worker_mode="thread")
    window.resize(1280, 720)
    state = window.status.labels["state"]
    qtbot.waitUntil(lambda: state.isVisible())
    window.options.set_presentation(True, full_screen=False)
    bar = window.statusBar()
    assert bar.currentMessage().startswith("Text size")
    with qtbot.waitSignal(bar.messageChanged, timeout=10_000):  # the note lasts 4 s
        qtbot.waitUntil(lambda: not state.isVisible(), timeout=1_000)
        for _ in range(20):  # Qt's relayout happens on later turns of the event loop
            qtbot.wait(10)
            assert not state.isVisible(), "the state is shown under the note"
    qtbot.waitUntil(lambda: state.isVisible())  # and it comes back after the note
