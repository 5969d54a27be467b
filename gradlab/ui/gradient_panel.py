"""Panel 3: each sample's share of ∂L/∂w and ∂L/∂b, and the scalar gradient the shares add up to.

This is the lab's point made visible: backward() needs one scalar L; the reduction decides how much
each sample's loss counts, and the gradient is the sum of the samples' shares.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg

from gradlab.i18n import translate
from gradlab.ui import theme as th
from gradlab.ui.loss_panel import GROW, bar_ticks, sticky
from gradlab.ui.plot_fit import set_axis_label
from gradlab.ui.text import beyond, count, fmt

if TYPE_CHECKING:  # the views arrive from the worker; their module loads after the first paint
    from gradlab.views.panels import PanelView


class _GradPlot:
    """One parameter's bars: the shares, then a gap, then their sum (Σ)."""

    def __init__(self, plot: pg.PlotItem, symbol: str, color_name: str) -> None:
        self.plot = plot
        self.symbol = symbol
        self.color_name = color_name
        th.disable_menus(plot)
        plot.hideButtons()
        plot.setMouseEnabled(x=False, y=False)
        self.shares = pg.BarGraphItem(x=np.zeros(0), height=np.zeros(0), width=0.7)
        self.total = pg.BarGraphItem(x=np.zeros(0), height=np.zeros(0), width=0.7)
        self.zero = pg.InfiniteLine(pos=0.0, angle=0, movable=False)
        for item in (self.shares, self.total, self.zero):
            plot.addItem(item)
        self.title = ""
        self.x_label = ""
        self.ticks: list[tuple[float, str]] = []
        self.x_range: tuple[float, float] | None = None
        self.y_range: tuple[float, float] | None = None

    def set_theme(self, theme: th.Theme) -> None:
        self.theme = theme
        th.style_plot(self.plot, theme, "",
                      translate("GradientPanel", "share of ∂L/∂{p}").format(p=self.symbol))
        color = getattr(theme, self.color_name)
        self.shares.setOpts(brush=pg.mkBrush(theme.color(self.color_name, 150)),
                            pen=pg.mkPen(color))
        self.total.setOpts(brush=pg.mkBrush(theme.reduced), pen=pg.mkPen(None))
        self.zero.setPen(pg.mkPen(theme.foreground, width=1.5))
        self.title = ""
        self.x_label = ""

    def show(self, pos: np.ndarray, shares: np.ndarray, total: float | None, group: int,
             x_label: str, written: float | None = None) -> None:
        """``total`` None: there is no gradient (reduction none): no Σ bar, the title says why.
        ``written``: the gradient as it is (``total`` is clipped to ±1e15 for the bar)."""
        written = total if written is None else written
        width = 0.7 * group
        span = float(pos[-1] - pos[0]) + group
        # The Σ bar stays visible next to hundreds of bars: at least 4% of the axis wide.
        total_width = max(width, 0.04 * span)
        total_pos = float(pos[-1]) + 0.5 * group + 0.5 * total_width + max(0.8 * group, 0.02 * span)
        self.shares.setOpts(x=pos, height=shares, width=width)
        totals = np.zeros(0) if total is None else np.array([total])
        self.total.setOpts(x=np.full(totals.size, total_pos), height=totals, width=total_width)
        lo = min(0.0, float(shares.min(initial=0.0)), float(totals.min(initial=0.0)))
        hi = max(0.0, float(shares.max(initial=0.0)), float(totals.max(initial=0.0)))
        yspan = (hi - lo) or 1.0
        x_range = (float(pos[0]) - 0.6 * group, total_pos + 0.75 * total_width)
        y_range = sticky(self.y_range, lo - 0.08 * yspan, hi + 0.08 * yspan, grow=GROW)
        if x_range != self.x_range or y_range != self.y_range:
            self.x_range, self.y_range = x_range, y_range
            self.plot.setRange(xRange=x_range, yRange=y_range, padding=0)
        room = self.plot.vb.width() * span / (x_range[1] - x_range[0])
        ticks = bar_ticks(pos, group, [(total_pos, "Σ")] if totals.size else [], room_px=room)
        if ticks != self.ticks:
            self.ticks = ticks
            self.plot.getAxis("bottom").setTicks([ticks])
        color = getattr(self.theme, self.color_name)
        if total is None:
            value = f"∂L/∂{self.symbol}"
            sum_note = translate("GradientPanel", "no gradient: backward() needs a scalar")
        else:
            value = f"∂L/∂{self.symbol} = {fmt(written)}"
            sum_note = translate("GradientPanel", "= Σ of the shares")
            if beyond(written):
                sum_note += " · " + translate("GradientPanel", "Σ bar off the chart")
        title = (f"<span style='color:{color};font-size:{th.LABEL_PX}px;font-weight:700'>"
                 f"{value}</span>"
                 f"<span style='color:{self.theme.foreground};font-size:{th.AXIS_PX}px'>"
                 f"&nbsp;&nbsp;{sum_note}</span>")
        if title != self.title:
            self.title = title
            th.set_title(self.plot, title)
        if x_label != self.x_label:
            self.x_label = x_label
            set_axis_label(self.plot, "bottom", [x_label], color=self.theme.foreground,
                           **{"font-size": f"{th.AXIS_PX}px"})


class GradientPanel(pg.GraphicsLayoutWidget):
    def __init__(self, theme: th.Theme) -> None:
        super().__init__()
        self.w = _GradPlot(self.addPlot(row=0, col=0, enableMenu=False), "w", "grad_w")
        self.b = _GradPlot(self.addPlot(row=1, col=0, enableMenu=False), "b", "grad_b")
        self.b.plot.setXLink(self.w.plot)
        self._view: PanelView | None = None
        for plot in (self.w.plot, self.b.plot):  # the sample numbers fit the new width
            plot.vb.sigResized.connect(
                lambda _vb: self._view is not None and self.show_view(self._view))
        self.set_theme(theme)

    def set_theme(self, theme: th.Theme) -> None:
        self.theme = theme
        self.setBackground(theme.background)
        self.w.set_theme(theme)
        self.b.set_theme(theme)

    def show_view(self, view: PanelView) -> None:
        self._view = view
        group = view.layout.group_size
        if group > 1:
            note = translate("GradientPanel", "sample (each bar: a group of {group})").format(
                group=count(group))
        elif view.batch_size < view.layout.n:
            note = translate("GradientPanel", "sample (outside the batch: no share)")
        else:
            note = translate("GradientPanel", "sample")
        written = view.written
        self.w.show(view.bar_pos, view.contrib_w, view.grad_w if view.reduced else None,
                    group, "", written.get("grad_w"))
        self.b.show(view.bar_pos, view.contrib_b, view.grad_b if view.reduced else None,
                    group, note, written.get("grad_b"))

    # ---- for tests ---------------------------------------------------------------------------

    def shares(self, which: str = "w") -> np.ndarray:
        return np.asarray(getattr(self, which).shares.opts["height"])

    def total(self, which: str = "w") -> float | None:
        heights = np.asarray(getattr(self, which).total.opts["height"])
        return float(heights[0]) if heights.size else None

    def title(self, which: str = "w") -> str:
        return getattr(self, which).title
