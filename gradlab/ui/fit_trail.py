"""The fading trail of the last lines in the fit panel, as one item (issue 15, redraw rate).

Eight PlotCurveItems (one per old line) cost the window eight setData, eight bounding-rect
computations and eight paint calls in Python every frame while running, about a tenth of a
frame. This item draws the same lines with the same pens in one paint call; its bounding rect is
the box the lines are clipped to (fit_panel.clip_line), so moving lines never change its
geometry. Qt's raster engine strokes a 2 px translucent antialiased line as a filled path, about
1 ms a line (8 ms of a 15 ms fit panel at N = 10^6): the panel's pens are opaque, in the colour a
faded line shows over the background (``Theme.faded``), 0.07 ms a line antialiased. While a run
goes the trail is also drawn without antialiasing (0.01 ms a line); the picture that stays on
screen (paused, a screenshot) is antialiased. The logistic model's trail (curves, not lines) keeps
the panel's curve items.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QRectF
from PySide6.QtGui import QPainter, QPen


class TrailLines(pg.GraphicsObject):
    """Up to ``len(pens)`` line segments, the oldest first, each with its own pen."""

    def __init__(self) -> None:
        super().__init__()
        self.antialias = True  # False while running: see the module's docstring
        self.pens: list[QPen] = []
        self.lines: list[tuple[QLineF, int]] = []  # (line, index of its pen)
        self._rect = QRectF()

    def set_smooth(self, smooth: bool) -> None:
        """Antialiased (a picture that stays) or not (frames of a run)."""
        if smooth != self.antialias:
            self.antialias = smooth
            self.update()

    def set_pens(self, pens: list[QPen]) -> None:
        self.pens = pens
        self.update()

    def set_lines(self, segments: list[tuple[np.ndarray, np.ndarray]],
                  box: tuple[tuple[float, float], tuple[float, float]]) -> None:
        """``segments``: (xs, ys) of two points each (or empty: not drawn), newest last, drawn
        with the last pens; ``box``: the (x, y) ranges every segment lies in."""
        (x0, x1), (y0, y1) = box
        rect = QRectF(x0, y0, x1 - x0, y1 - y0)
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect
        first = len(self.pens) - len(segments)  # the newest line gets the last pen
        lines = [(QLineF(float(xs[0]), float(ys[0]), float(xs[1]), float(ys[1])), first + i)
                 for i, (xs, ys) in enumerate(segments) if len(xs) == 2]
        if lines or self.lines:
            self.lines = lines
            self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return self._rect

    def paint(self, p: QPainter, *_args: object) -> None:
        if not self.lines:
            return
        p.setRenderHint(QPainter.RenderHint.Antialiasing, self.antialias)
        for line, k in self.lines:
            p.setPen(self.pens[k])
            p.drawLine(line)
