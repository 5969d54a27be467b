"""The fit panel for the logistic model (issue 19): the labels sit at y = 0 and 1, the curve is
p = σ(w·x + b), the decision boundary x = −b/w (where p = 0.5) is marked, and each point's bar
runs from its label to the curve, coloured by its loss.

Kept apart from fit_panel.py (the line's drawing); FitPanel calls ``draw`` for a logistic view
(``panel`` is that FitPanel, untyped here: fit_panel imports this module).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from gradlab.i18n import translate
from gradlab.ui import theme as th
from gradlab.ui.text import fmt

if TYPE_CHECKING:
    from gradlab.views.panels import PanelView

#: Points along the curve: smooth at any window size, cheap to draw.
CURVE_POINTS = 240
#: The y box of the logistic fit: the labels 0 and 1 with room around them.
Y_BOX = (-0.15, 1.15)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) without overflow (tanh form)."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def curve(w: float, b: float, x_box: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """p = σ(w·x + b) over ``x_box``."""
    xs = np.linspace(x_box[0], x_box[1], CURVE_POINTS)
    return xs, sigmoid(w * xs + b)


def boundary(w: float, b: float, x_box: tuple[float, float]) -> float | None:
    """The decision boundary x = −b/w (p = 0.5), if there is one inside ``x_box``."""
    if w == 0:
        return None
    x = -b / w
    return x if x_box[0] <= x <= x_box[1] else None


class LogisticItems:
    """The boundary line and its label, added to the fit panel's plot (hidden for the line)."""

    def __init__(self, panel: Any) -> None:
        self.boundary = pg.InfiniteLine(angle=90, movable=False)
        self.label = pg.TextItem(anchor=(0, 1))  # under the points at 0, right of the line
        self.label.setFont(th.label_font(14, bold=False))
        panel.plot.addItem(self.boundary, ignoreBounds=True)
        panel.plot.addItem(self.label, ignoreBounds=True)
        self.set_visible(False)

    def set_theme(self, theme: th.Theme) -> None:
        self.boundary.setPen(pg.mkPen(theme.reduced, width=2, style=Qt.PenStyle.DotLine))
        self.label.setColor(theme.reduced)
        self.label.fill = pg.mkBrush(theme.color("background", 225))

    def set_visible(self, on: bool) -> None:
        self.boundary.setVisible(on)
        self.label.setVisible(on)


def draw(panel: Any, view: PanelView, big_x: tuple[float, float]) -> None:
    """The curve before and after the step, its trail, the boundary and the loss bars."""
    panel.line.setData(*curve(view.w, view.b, big_x))
    panel.line_before.setData(*curve(view.w_before, view.b_before, big_x))
    trail = list(panel._trail)[:-1]
    for i, item in enumerate(panel.trail):
        j = i - (len(panel.trail) - len(trail))
        if j >= 0:
            item.setData(*curve(*trail[j], big_x))
        else:
            item.setData(np.zeros(0), np.zeros(0))
    items = panel.logistic
    x = boundary(view.w, view.b, panel._box[0])
    items.set_visible(x is not None)
    if x is not None:
        items.boundary.setValue(x)
        items.label.setText(translate("FitPanel", "boundary x = −b/w = {x}").format(x=fmt(x)))
        items.label.setPos(x, Y_BOX[0] + 0.01)
    _hollow(panel, view)
    layout, r = view.layout, view.resid_index
    xs, ys = layout.x[r], layout.y[r]
    p = sigmoid(view.w_before * xs + view.b_before)
    loss = view.point_loss[r]
    top = float(loss.max(initial=0.0))
    level = np.digitize(loss / top if top > 0 else loss * 0.0, (0.25, 0.5, 0.75))
    for i, item in enumerate(panel.residuals):
        sel = level == i
        item.setData(np.repeat(xs[sel], 2), np.column_stack((ys[sel], p[sel])).reshape(-1))


def _hollow(panel: Any, view: PanelView) -> None:
    """The points cross-entropy ignores are drawn hollow (only when that changes)."""
    key = (view.layout.token, view.ignored)
    if key == panel._hollow:
        return
    panel._style_points()  # (forgets the hollow points)
    panel._hollow = key
    if not view.ignored:
        return
    theme = panel.theme
    ignored = np.isin(view.layout.shown, view.ignored)
    panel.points.setBrush([pg.mkBrush(None) if k else pg.mkBrush(theme.points) for k in ignored])
    panel.points.setPen([pg.mkPen(theme.points, width=2.5) if k else panel.points.opts["pen"]
                         for k in ignored])


def toggled_ignore(config: Any, index: int) -> Any:
    """``config`` with sample ``index`` ignored, or no longer ignored."""
    return config.replace(ignore=tuple(sorted(set(config.ignore) ^ {index})))


def equation(view: PanelView) -> str:
    """p = σ(w·x + b) with the numbers of the view."""
    sign = "−" if view.b < 0 else "+"
    return f"p = σ({fmt(view.w)}·x {sign} {fmt(abs(view.b))})"
