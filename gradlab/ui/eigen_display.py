"""The Hessian's eigen-directions on the landscape tab: the two lines through the minimum along
which the loss curves least (slow) and most (fast), and a small plot of the error along each over
the steps (the Distill "Why Momentum Really Works" picture: the fast direction oscillates and,
above the limit, explodes).

The directions and the minimum come from the worker's stability note (core/stability.py); the
errors of the path on screen are the core's ``eigen_errors`` of the last ``RECENT`` steps, a
(K, 2) product done only while the landscape tab is on screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtWidgets import QMainWindow

from gradlab.core.stability import eigen_errors
from gradlab.i18n import translate
from gradlab.ui import theme as th

if TYPE_CHECKING:
    from gradlab.views.stability import StabilityNote

#: The steps the small plot shows (the newest): every step, so the oscillation is not aliased.
RECENT = 2000
SLOW_COLOR = "#00c2ff"
FAST_COLOR = "#ff3b30"


class EigenDisplay:
    """Adds the eigen-lines and the error plot to the landscape panel once it is built."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.panel: Any = None
        self.note: StabilityNote | None = None
        window.lab.stability_ready.connect(self._on_note)
        window.update_shown.connect(lambda _u: self.draw())
        window.tabs.currentChanged.connect(lambda _i: self.draw())

    def _attach(self) -> Any:
        panel = self.window.teaching_tabs.panel("landscape")
        if panel is None or self.panel is not None:
            return self.panel
        self.panel = panel
        dash = Qt.PenStyle.DashLine
        self.lines = [pg.PlotCurveItem(pen=pg.mkPen(c, width=3, style=dash))
                      for c in (SLOW_COLOR, FAST_COLOR)]
        self.line_labels = [pg.TextItem(color=c, anchor=(0, 1), fill=pg.mkBrush(0, 0, 0, 170))
                            for c in (SLOW_COLOR, FAST_COLOR)]
        for item in (*self.lines, *self.line_labels):
            item.setZValue(8)  # above the contours, under the path
            panel.plot.addItem(item, ignoreBounds=True)
        self.errors = panel.addPlot(row=3, col=0, enableMenu=False)
        th.disable_menus(self.errors)
        self.errors.hideButtons()
        self.error_curves = [self.errors.plot(np.zeros(0), np.zeros(0),
                                              pen=pg.mkPen(c, width=2))
                             for c in (SLOW_COLOR, FAST_COLOR)]
        self.errors.addLine(y=0, pen=pg.mkPen("#888888", width=1))
        self.errors.setMaximumHeight(230)
        panel.ci.layout.setRowStretchFactor(1, 4)
        panel.ci.layout.setRowStretchFactor(3, 1)
        self._style()
        return panel

    def _style(self) -> None:
        theme = self.panel.theme
        th.style_plot(self.errors, theme, translate("Eigen", "step"),
                      translate("Eigen", "error"))
        th.set_title(self.errors, th.title_html(translate(
            "Eigen", "Distance from the minimum along each eigen-direction: "
                     "<span style='color:{slow}'>slow (λ_min)</span>, "
                     "<span style='color:{fast}'>fast (λ_max)</span>").format(
            slow=SLOW_COLOR, fast=FAST_COLOR), theme, size=th.AXIS_PX))

    def _on_note(self, note: StabilityNote | None) -> None:
        self.note = note
        self.draw()

    def visible(self) -> bool:
        return self.window.teaching_tabs.current() == "landscape"

    def draw(self) -> None:
        if not self.visible() or self._attach() is None:
            return
        if self.note is None and self.window.lab.config.model != "line":  # issue 19
            for item in (*self.lines, *self.line_labels, *self.error_curves):
                item.setVisible(False)
            self.errors.setTitle(translate("Eigen", "Eigen-directions: shown for the line model "
                                                    "only"))
            return
        if self.note is None:
            return
        s = self.note.stability
        ok = s.minimum is not None
        for item in (*self.lines, *self.line_labels, *self.error_curves):
            item.setVisible(ok)
        if not ok:
            self.errors.setTitle(translate("Eigen", "No single quadratic minimum here (MAE, "
                                                    "Huber or no minimum): no eigen-directions"))
            return
        self._style()
        self._draw_lines(s)
        buf = self.window.history_panel.buffer
        steps = buf.column("step")[-RECENT:]
        if steps.size:
            e = eigen_errors(s, buf.column("w")[-RECENT:], buf.column("b")[-RECENT:])
            for k in range(2):
                self.error_curves[k].setData(steps, np.nan_to_num(e[:, k], posinf=1e300,
                                                                   neginf=-1e300))
        else:
            for curve in self.error_curves:
                curve.setData(np.zeros(0), np.zeros(0))

    def _draw_lines(self, s: Any) -> None:
        vb = self.panel.plot.vb
        (w0, w1), (b0, b1) = vb.viewRange()
        reach = 2 * max(w1 - w0, b1 - b0)
        mw, mb = s.minimum
        lam = (s.lambda_min, s.lambda_max)
        names = (translate("Eigen", "slow: λ_min"), translate("Eigen", "fast: λ_max"))
        for k, ((dw, db), line, label) in enumerate(zip(s.directions, self.lines,
                                                        self.line_labels, strict=True)):
            line.setData([mw - reach * dw, mw + reach * dw], [mb - reach * db, mb + reach * db])
            value = "" if s.per_batch else f" = {lam[k]:.4g}"  # λ of the steepest batch
            label.setText(names[k] + value)
        t = 0.35 * min(w1 - w0, b1 - b0)
        options = [[(mw + k * t * dw, mb + k * t * db) for k in (1, -1, 0.5, -0.5)]
                   for dw, db in s.directions]
        for label, (point, anchor) in zip(self.line_labels, self._placement(vb, options),
                                          strict=True):
            label.setAnchor(anchor)
            label.setPos(*point)

    def _placement(self, vb: Any, options: list[list[tuple[float, float]]]
                   ) -> list[tuple[tuple[float, float], tuple[float, float]]]:
        """A point on each line and an anchor for its label such that both labels lie inside
        the plot and off each other (the first such, in order of preference); failing that,
        the two labels as far apart as the lines allow."""
        view = vb.sceneBoundingRect()
        sizes = [label.boundingRect().size() for label in self.line_labels]
        anchors = ((0.0, 1.0), (1.0, 1.0), (0.0, 0.0), (1.0, 0.0))

        def rect(k: int, point: tuple[float, float], anchor: tuple[float, float]) -> QRectF:
            at = vb.mapViewToScene(QPointF(*point))
            w, h = sizes[k].width(), sizes[k].height()
            return QRectF(at.x() - anchor[0] * w, at.y() - anchor[1] * h, w, h)

        fits = [[(p, a, rect(k, p, a)) for p in options[k] for a in anchors
                 if view.contains(rect(k, p, a))] for k in range(2)]
        for p0, a0, r0 in fits[0]:
            for p1, a1, r1 in fits[1]:
                if not r0.intersects(r1):
                    return [(p0, a0), (p1, a1)]
        return [(options[0][0], anchors[0]), (options[1][1], anchors[3])]

    # ---- for tests ------------------------------------------------------------------------------

    def line_points(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return [line.getData() for line in self.lines]

    def error_data(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return [curve.getData() for curve in self.error_curves]
