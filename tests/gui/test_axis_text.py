"""A bottom axis is tall enough for its tick labels' whole line (issue 15, nothing cut off): at
1280×720 in presentation mode the ∂L/∂w plot's "500,000" lost the tail of its comma and read as
"500.000". pyqtgraph sizes a bottom axis for 0.8 of its text's line, and an axis is drawn from a
cached pixmap of its bounding rect (theme.style_plot), which clips the rest."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtGui import QFontMetricsF, QImage, QPainter

from gradlab.ui import theme as th


@pytest.mark.parametrize("scale", [1.0, 1.25, 1.5, 2.0])
def test_every_tick_label_of_a_bottom_axis_lies_inside_the_axis(qtbot, scale: float) -> None:  # noqa: ANN001
    th.set_scale(scale)
    try:
        widget = pg.GraphicsLayoutWidget()
        qtbot.addWidget(widget)
        plot = widget.addPlot()
        th.style_plot(plot, th.LIGHT)  # no axis label: the tick labels are the axis' last line
        plot.setXRange(0, 1_000_000, padding=0)
        plot.getAxis("bottom").setTicks([[(v, f"{v:,}") for v in (250_000, 500_000, 750_000)]])
        widget.resize(640, 240)
        widget.show()
        qtbot.waitExposed(widget)
        axis = plot.getAxis("bottom")
        image = QImage(10, 10, QImage.Format.Format_ARGB32)
        painter = QPainter(image)
        try:
            specs = axis.generateDrawSpecs(painter)
        finally:
            painter.end()
        texts = specs[2]
        assert any("," in text for _rect, _flags, text in texts)
        line = QFontMetricsF(axis.style["tickFont"]).height()  # drawn from the rect's top
        bottom = axis.boundingRect().bottom()
        for rect, _flags, text in texts:
            assert rect.top() + line <= bottom + 0.5, (text, rect, line, bottom)
    finally:
        th.set_scale(1.0)
