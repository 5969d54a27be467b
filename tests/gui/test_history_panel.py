"""The history panel: the loss on a log scale says where it stops, and a new run starts from
fresh axes."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF

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
