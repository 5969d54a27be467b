"""The Dark theme switched on while running (issue 15, item 5): the fit legend's text turns light
with it, and disabled fields and buttons look disabled."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette, QTextCursor
from PySide6.QtWidgets import QApplication

from gradlab.core.config import LabConfig
from gradlab.ui import theme as th


def _legend_colours(window) -> set[str]:  # noqa: ANN001
    """The colour each fit legend entry is drawn in (its text as laid out, not an option)."""
    colours = set()
    for _sample, label in window.fit_panel.legend.items:
        cursor = QTextCursor(label.item.document())
        cursor.movePosition(QTextCursor.MoveOperation.NextCharacter)
        colours.add(cursor.charFormat().foreground().color().name())
    return colours


def _lightness(colour: QColor) -> float:
    return colour.lightnessF()


def test_dark_theme_while_running_redraws_the_legend_and_greys_disabled_widgets(
        make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(preset="noisy-line", n_points=50, batch_size=10),
                      worker_mode="thread")
    assert _legend_colours(window) == {th.LIGHT.foreground}
    window.lab.run()
    qtbot.waitUntil(lambda: window.lab.running)
    window.actions.theme_actions["dark"].trigger()
    qtbot.waitUntil(lambda: window.shown.step > 3)
    assert _legend_colours(window) == {th.DARK.foreground}
    window.lab.pause()
    qtbot.waitUntil(lambda: not window.lab.running)

    pal = QApplication.instance().palette()
    background = {QPalette.ColorRole.WindowText: QPalette.ColorRole.Window,
                  QPalette.ColorRole.Text: QPalette.ColorRole.Base,
                  QPalette.ColorRole.ButtonText: QPalette.ColorRole.Button}
    for role, behind in background.items():
        active = pal.color(QPalette.ColorGroup.Active, role)
        disabled = pal.color(QPalette.ColorGroup.Disabled, role)
        ground = pal.color(QPalette.ColorGroup.Disabled, behind)
        # Dimmed: much closer to its background than the enabled text is, yet still readable.
        assert abs(_lightness(disabled) - _lightness(ground)) < 0.6 * abs(
            _lightness(active) - _lightness(ground)), role
        assert abs(_lightness(disabled) - _lightness(ground)) > 0.2, role
