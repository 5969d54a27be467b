"""The history panel: the loss on a log scale says where it stops, and a new run starts from
fresh axes."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from gradlab.core.config import LabConfig
from gradlab.core.records import HistoryChunk
from gradlab.ui.history_panel import LOG_FLOOR, HistoryPanel


def _chunk(loss: np.ndarray, first: int = 1) -> HistoryChunk:
    steps = np.arange(first, first + loss.size)
    return HistoryChunk(steps, loss, -loss, -loss / 3, 2 - loss / 30, loss / 100)


def test_losses_under_the_log_floor_are_marked(make_widget, qtbot) -> None:  # noqa: ANN001
    """Issue 15, item 13: a loss of 2.09e-29 was drawn at 1e-16 with nothing saying so."""
    panel: HistoryPanel = make_widget(HistoryPanel, (500, 450))
    qtbot.waitExposed(panel)
    panel.append(_chunk(30 * 0.5 ** np.arange(10)))
    panel.redraw()
    assert panel.floor_note() == ""  # every loss is drawn where it is
    panel.append(_chunk(np.array([1e-20, 2.09e-29]), first=11))
    panel.redraw()
    assert panel.floor_note() == "1e−16: smaller losses drawn here"
    lo, hi = panel.loss_plot.vb.viewRange()[1]
    line = float(np.log10(LOG_FLOOR))
    assert lo < line < hi
    # the note sits under the line (where no loss is drawn), inside the plot
    vb = panel.loss_plot.vb
    panel.grab()  # pyqtgraph places text items when they are painted
    label = panel.floor_line.label.sceneBoundingRect()
    line_y = vb.mapViewToScene(QPointF(0.0, line)).y()
    assert vb.sceneBoundingRect().contains(label)
    assert label.top() >= line_y - 1
    panel.reset_history()
    assert panel.floor_note() == ""


def test_the_loss_curve_is_log10_of_each_loss_and_the_panel_keeps_no_second_array(
        make_widget, qtbot) -> None:  # noqa: ANN001
    """The panel's buffer keeps each loss as the log10 it draws (the worker keeps the losses for
    sessions and exports): the curve is log10 of the losses, computed here on its own; a loss of
    exactly the floor is drawn on the floor's line without the note (it is not smaller), one
    under it is drawn there with the note; cutting the history back takes the note away."""
    panel: HistoryPanel = make_widget(HistoryPanel, (500, 450))
    qtbot.waitExposed(panel)
    losses = np.array([30.0, 20.835, 3.5, 1e-3, LOG_FLOOR])
    panel.append(_chunk(losses))
    panel.redraw()
    x, y = panel.curves["loss"].getData()
    np.testing.assert_array_equal(x, [1, 2, 3, 4, 5])
    np.testing.assert_allclose(y, [np.log10(v) for v in losses.tolist()], rtol=0, atol=1e-15)
    assert panel.floor_note() == ""
    np.testing.assert_array_equal(panel.curves["grad_w"].getData()[1], -losses)  # as given
    panel.append(_chunk(np.array([2.09e-29, 0.0]), first=6))
    panel.redraw()
    assert panel.floor_note() != ""
    y = panel.curves["loss"].getData()[1]
    assert y[-2:] == pytest.approx([-16.0, -16.0], abs=1e-12)  # on the floor's line
    assert panel._decades == (-16.0, 2.0)  # framed from the floor's decade up to 10² ≥ 30
    assert panel.loss_plot.vb.viewRange()[1][0] < -16.0  # and room for the note under it
    panel.truncate(5)
    panel.redraw()
    assert panel.floor_note() == ""
    assert len(panel.buffer) == 5
    # What the panel holds: the buffer's six columns, nothing the size of the history besides.
    panel.append(_chunk(np.linspace(1.0, 2.0, 5000), first=6))
    panel.redraw()
    sizes = [v.nbytes for v in vars(panel).values() if isinstance(v, np.ndarray)]
    assert all(size < 1000 for size in sizes)


def _ranges(panel: HistoryPanel) -> list:
    return [plot.vb.viewRange() for plot in (panel.loss_plot, panel.grad_plot, panel.param_plot)]


def test_a_new_run_starts_from_fresh_axes(make_lab, qtbot) -> None:  # noqa: ANN001
    """Issue 15, item 19: after Reset or a preset change the history kept the old run's axes
    (steps to 50, its losses and parameters) around an empty plot."""
    window = make_lab(LabConfig(lr=0.05), worker_mode="thread")
    panel = window.history_panel
    fresh = _ranges(panel)
    for restart in ("reset", "preset"):
        window.lab.step(30)
        qtbot.waitUntil(lambda: window.shown.step == 30 and not window.shown.running
                        and panel.buffer.size == 30, timeout=20_000)
        window.draw_now()
        assert _ranges(panel) != fresh
        if restart == "reset":
            window.lab.reset()
        else:
            window.teaching_tabs.apply_from_panel(window.lab.config.replace(preset="outlier"))
        qtbot.waitUntil(lambda: window.shown.step == 0
                        and window.shown.generation == window.lab.generation, timeout=20_000)
        window.draw_now()
        now = _ranges(panel)
        assert [y for _x, y in now] == [y for _x, y in fresh], restart
        # x: the loss plot's; the others follow it, aligned on screen (their axes' widths differ)
        assert now[0][0] == fresh[0][0]
        np.testing.assert_allclose([x for x, _y in now], [x for x, _y in fresh], atol=0.05)


@pytest.mark.parametrize("language", ["en", "zh_CN"], indirect=True)
def test_each_row_keeps_its_name_on_a_small_projector(make_lab, qtbot, language: str) -> None:  # noqa: ANN001
    """At 1280×720 in presentation mode the three rows were ~30 px tall, each with its own row
    of step values: the names of the rows (loss, ∂w ∂b, w b) no longer fitted and were left out,
    so nothing said which curve was which. The rows share one step axis, under the bottom row,
    and sit close together (in 简体中文 the taller title left 32 px a row: ∂w ∂b was still out)."""
    from tests.gui.layout_checks import settle

    window = make_lab(LabConfig(preset="seed", lr=0.01), worker_mode="thread")
    window.options.set_presentation(True, full_screen=False)
    window.resize(1280, 720)
    window.lab.step(3)
    qtbot.waitUntil(lambda: window.shown is not None and window.shown.step == 3, timeout=10_000)
    window.draw_now()
    settle(window)
    panel = window.history_panel
    rows = (panel.loss_plot, panel.grad_plot, panel.param_plot)
    for plot in rows:
        assert plot.getAxis("left").label.isVisible(), plot.getAxis("left").labelText
    assert [plot.getAxis("bottom").style["showValues"] for plot in rows] == [False, False, True]
    assert panel.param_plot.getAxis("bottom").labelText in ("step", "步数")


def test_a_range_that_must_grow_leaves_room_to_keep_growing() -> None:
    from gradlab.ui.loss_panel import sticky

    assert sticky(None, 1.0, 4.0, 0.25) == (1.0, 4.0)
    assert sticky((0.0, 10.0), 1.0, 9.0, 0.25) == (0.0, 10.0)  # fits, fills 80 %: kept
    assert sticky((0.0, 10.0), 1.0, 4.0, 0.25) == (1.0, 4.0)  # fills 30 %: fitted again
    assert sticky((0.0, 10.0), 0.0, 12.0, 0.25) == (0.0, 15.0)  # top outgrown: 12 + 3
    assert sticky((0.0, 10.0), -2.0, 12.0, 0.25) == (-5.5, 15.5)  # both: span 14, 3.5 each
    assert sticky((-1.0, 10.0), 0.0, 12.0, 0.25) == (-1.0, 15.0)  # the bottom stays
    assert sticky((-30.0, 10.0), 0.0, 12.0, 0.25) == (0.0, 12.0)  # would fill 27 %: fitted
    assert sticky((0.0, 10.0), 0.0, 12.0) == (0.0, 12.0)  # grow 0: exactly the data


def test_a_parameter_on_its_way_to_the_fit_rarely_moves_its_axis(make_widget, qtbot) -> None:  # noqa: ANN001
    """w and b grow from 0 every run: each frame outgrew the row's range, so its axis was
    rebuilt and the panel painted once more per frame (issue 15, redraw rate)."""
    panel: HistoryPanel = make_widget(HistoryPanel, (500, 450))
    qtbot.waitExposed(panel)
    ranges = []
    for frame in range(40):
        steps = np.arange(frame * 5 + 1, frame * 5 + 6)
        w = 2.0 * (1 - 0.98 ** steps)  # w → 2 from 0
        panel.append(HistoryChunk(steps, 1.0 / steps, -w, -w / 3, w, w / 2))
        panel.redraw()
        lo, hi = panel.param_plot.vb.viewRange()[1]
        assert lo <= 0.02 and hi >= w[-1]  # every value in view (b = w/2 = 0.02 at step 1)
        ranges.append((lo, hi))
    changes = sum(a != b for a, b in zip(ranges, ranges[1:], strict=False))
    assert changes <= 8, changes  # was 39: every frame
