"""The window on the screen it has: fitted to a small screen, whatever size was saved or asked
for (issue 15, item 2), and View → Enlarge giving one panel the whole plot area (item 3)."""

from __future__ import annotations

from gradlab.core.config import LabConfig

SEED = LabConfig()


def _share(panel, area) -> tuple[float, float]:  # noqa: ANN001 - widgets
    return panel.width() / area.width(), panel.height() / area.height()


def test_enlarge_fills_the_plot_area_and_all_come_back(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(SEED, worker_mode="thread")
    area = window.training  # the Training tab's page: the plot area
    panels = window.training.panels
    window.enlarge("loss")
    loss = panels["loss"]
    qtbot.waitUntil(lambda: min(_share(loss, area)) > 0.9)
    assert [p.isVisible() for p in panels.values()] == [False, True, False, False]
    window.enlarge(None)
    qtbot.waitUntil(lambda: all(0.4 < s < 0.55 for p in panels.values()
                                for s in _share(p, area)))
    assert all(p.isVisible() for p in panels.values())
