"""The fit panel's fading trail drawn as one item (issue 15, redraw rate at N = 10^6): the same
lines with the same pens as the eight curve items it replaces for the line model."""

from __future__ import annotations

import numpy as np

from gradlab.core.config import LabConfig
from gradlab.core.data import dataset_for
from gradlab.core.trainer import Trainer
from gradlab.ui import theme as th
from gradlab.ui.fit_panel import TRAIL, FitPanel, clip_line
from gradlab.views.panels import build_view, layout_for


def _views(config: LabConfig, steps: int) -> list:
    dataset = dataset_for(config)
    trainer, layout = Trainer(config, dataset), layout_for(dataset)
    return [build_view(trainer.run(1)[0], dataset, layout, config) for _ in range(steps)]


def _strength(pen, theme: th.Theme) -> float:  # noqa: ANN001 - QPen
    """How far the pen's colour is from the background towards the line's (0 to 1)."""
    from PySide6.QtGui import QColor

    c, bg, line = pen.color(), QColor(theme.background), QColor(theme.line)
    return sum(abs(getattr(c, k)() - getattr(bg, k)()) for k in ("red", "green", "blue")) / sum(
        abs(getattr(line, k)() - getattr(bg, k)()) for k in ("red", "green", "blue"))


def test_the_trail_is_the_lines_before_the_current_one_oldest_faintest(qtbot) -> None:  # noqa: ANN001
    panel = FitPanel(th.LIGHT)
    qtbot.addWidget(panel)
    panel.resize(800, 500)
    panel.show()
    views = _views(LabConfig(lr=0.02), 10)
    for k, view in enumerate(views, start=1):
        panel.show_view(view, k, True)
    lines = panel.trail_lines.lines
    (bx0, bx1), (by0, by1) = panel._box
    big_x = (bx0 - 10 * (bx1 - bx0), bx1 + 10 * (bx1 - bx0))
    big_y = (by0 - 10 * (by1 - by0), by1 + 10 * (by1 - by0))
    # The deque keeps TRAIL lines, the newest is the line itself: TRAIL - 1 older ones.
    older = [(v.w, v.b) for v in views[-TRAIL:-1]]
    assert len(lines) == TRAIL - 1
    for (line, _pen), (w, b) in zip(lines, older, strict=True):
        xs, ys = clip_line(w, b, big_x, big_y)
        assert np.allclose([line.x1(), line.x2()], xs)
        assert np.allclose([line.y1(), line.y2()], ys)
    strengths = [_strength(panel.trail_lines.pens[k], th.LIGHT) for _line, k in lines]
    assert strengths == sorted(strengths) and strengths[0] < strengths[-1]  # newest strongest
    assert 0 < strengths[0] and strengths[-1] < 1
    assert [k for _line, k in lines] == list(range(1, TRAIL))  # as the eight items had it
    # ... and it is drawn: hiding it changes the picture.
    with_trail = panel.grab().toImage()
    panel.trail_lines.setVisible(False)
    assert panel.grab().toImage() != with_trail
    # The curve items the logistic model uses stay empty for the line.
    assert all(item.xData is None or len(item.xData) == 0 for item in panel.trail)


def test_logistic_then_line_leaves_no_stale_curves(qtbot) -> None:  # noqa: ANN001
    panel = FitPanel(th.LIGHT)
    qtbot.addWidget(panel)
    logistic = LabConfig(preset="pass-fail", model="logistic", loss="bce", lr=0.1)
    for k, view in enumerate(_views(logistic, 4), start=1):
        panel.show_view(view, k, True)
    assert any(item.xData is not None and len(item.xData) for item in panel.trail)
    assert panel.trail_lines.lines == []
    panel.clear_trail()
    for k, view in enumerate(_views(LabConfig(), 4), start=1):
        panel.show_view(view, k, True)
    assert all(len(item.xData) == 0 for item in panel.trail)
    assert len(panel.trail_lines.lines) == 3


def test_the_trail_is_smooth_on_a_picture_that_stays_and_cheap_while_running(qtbot) -> None:  # noqa: ANN001
    """Antialiased translucent lines cost Qt ~1 ms each: frames of a run draw the trail without
    antialiasing; the update that stays on screen (paused) is drawn smooth again."""
    from gradlab.core.records import HistoryChunk
    from gradlab.ui.training_panels import TrainingPanels
    from gradlab.views.update import Update

    panels = TrainingPanels(th.LIGHT)
    qtbot.addWidget(panels)
    panels.resize(1200, 800)
    panels.show()
    config = LabConfig(lr=0.02)
    dataset = dataset_for(config)
    trainer, layout = Trainer(config, dataset), layout_for(dataset)
    pictures = {}
    for k, running in enumerate([True, True, True, False], start=1):
        record = trainer.run(1)[0]
        view = build_view(record, dataset, layout, config)
        update = Update(1, k, record, HistoryChunk.empty(), view, config, running, 0.0)
        panels.show_update(update)
        assert panels.fit_panel.trail_lines.antialias is not running
        pictures[running] = panels.fit_panel.grab().toImage()
    panels.fit_panel.trail_lines.set_smooth(False)  # the same lines, drawn the running way
    assert panels.fit_panel.grab().toImage() != pictures[False]


def test_the_trail_is_opaque_in_the_colour_a_faded_line_shows(qtbot) -> None:  # noqa: ANN001
    """Qt draws a 2 px antialiased line about ten times faster opaque than translucent: each
    trail pen is the colour its faded line colour shows over the background, as Qt itself
    composes it (drawn on an image here)."""
    from PySide6.QtGui import QColor, QImage, QPainter

    for theme in (th.LIGHT, th.DARK):
        panel = FitPanel(theme)
        qtbot.addWidget(panel)
        for i, pen in enumerate(panel.trail_lines.pens):
            alpha = 25 + 110 * (i + 1) // TRAIL
            image = QImage(4, 4, QImage.Format.Format_RGB32)
            image.fill(QColor(theme.background))
            painter = QPainter(image)
            painter.fillRect(0, 0, 4, 4, theme.color("line", alpha))
            painter.end()
            want = QColor(image.pixel(1, 1))
            got = pen.color()
            assert got.alpha() == 255
            for k in ("red", "green", "blue"):
                assert abs(getattr(got, k)() - getattr(want, k)()) <= 1, (theme.name, i, k)
