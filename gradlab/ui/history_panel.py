"""Panel 4: loss (log scale), ∂L/∂w, ∂L/∂b, w and b against step.

A growing buffer (doubling, so appending is amortised O(1)) handed to PlotDataItems that downsample
('peak', so spikes survive) and clip to the view: a million steps still draw in a few ms. Pens are
1 px on long curves (wider pens are ~10x slower there). The buffer is for drawing: its loss column
holds log10 of each loss, as drawn (see ``HistoryPanel.append``).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from gradlab.core.records import HistoryBuffer, HistoryChunk
from gradlab.i18n import translate
from gradlab.ui import theme as th
from gradlab.ui.loss_panel import GROW, sticky
from gradlab.ui.text import fmt

#: Log scale cannot show 0: losses below this are drawn at this value.
LOG_FLOOR = 1e-16
#: log10 of LOG_FLOOR, and what the buffer keeps for a loss under it: the floor less one unit in
#: the last place (drawn on the floor's line; told apart from a loss of exactly LOG_FLOOR).
FLOOR_LOG = float(np.log10(LOG_FLOOR))
UNDER_FLOOR = float(np.nextafter(FLOOR_LOG, -np.inf))
#: Curves longer than this are drawn with thin pens.
THIN_ABOVE = 3000
#: Curves up to this long also get a dot per step.
DOTS_UP_TO = 60


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


class DecadeAxis(pg.AxisItem):
    """A linear axis over log10(value) labelled 10⁻³, 10⁰, 10³ ...

    pyqtgraph's own log mode labels minor ticks on short axes, and the labels overlap.
    """

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:  # noqa: N802, N803
        if not (np.isfinite(minVal) and np.isfinite(maxVal)) or maxVal <= minVal:
            return []
        lo, hi = int(np.ceil(minVal)), int(np.floor(maxVal))
        fit = max(2, int(size // 28))
        step = max(1, int(np.ceil((hi - lo + 1) / fit)))
        major = [float(v) for v in range(lo, hi + 1) if v % step == 0]
        ticks = [(float(step), major)]
        if hi - lo <= 2 and size > 100:
            minor = [np.log10(m) + d for d in range(lo - 1, hi + 1) for m in (2.0, 5.0)]
            ticks.append((0.5, [v for v in minor if minVal <= v <= maxVal]))
        return ticks

    def tickStrings(self, values: list, scale: float, spacing: float) -> list[str]:  # noqa: N802
        out = []
        for v in values:
            if abs(v - round(v)) < 1e-9:
                out.append("10" + str(int(round(v))).translate(_SUPERSCRIPT))
            else:
                out.append(f"{10 ** v:.3g}")
        return out


class HistoryPanel(pg.GraphicsLayoutWidget):
    def __init__(self, theme: th.Theme) -> None:
        super().__init__()
        self.buffer = HistoryBuffer()
        self.loss_plot = self.addPlot(row=0, col=0, axisItems={"left": DecadeAxis("left")},
                                      enableMenu=False)
        self.grad_plot = self.addPlot(row=1, col=0, enableMenu=False)
        self.param_plot = self.addPlot(row=2, col=0, enableMenu=False)
        self.curves: dict[str, pg.PlotDataItem] = {}
        specs = [
            (self.loss_plot, "loss", "loss"),
            (self.grad_plot, "grad_w", "∂L/∂w"), (self.grad_plot, "grad_b", "∂L/∂b"),
            (self.param_plot, "w", "w"), (self.param_plot, "b", "b"),
        ]
        for plot in (self.loss_plot, self.grad_plot, self.param_plot):
            th.disable_menus(plot)
            plot.hideButtons()
        # No legends (they hide the newest steps): the axis labels are coloured like the curves.
        for plot, key, _name in specs:
            self.curves[key] = plot.plot(np.zeros(0), np.zeros(0))
        for plot in (self.loss_plot, self.grad_plot, self.param_plot):
            # After the items are added (see DESIGN.md): downsample and clip every curve.
            plot.setDownsampling(auto=True, mode="peak")
            plot.setClipToView(True)
            # Ranges are set by hand, and only when the data outgrow them: a range that moves
            # every frame makes pyqtgraph rebuild the axes' text every frame.
            plot.disableAutoRange()
        self.ci.layout.setRowStretchFactor(0, 3)
        self.ci.layout.setRowStretchFactor(1, 2)
        self.ci.layout.setRowStretchFactor(2, 2)
        # Losses under LOG_FLOOR are drawn on it: a dashed line says so when there are any.
        self.floor_line = pg.InfiniteLine(
            pos=float(np.log10(LOG_FLOOR)), angle=0, movable=False,
            label="", labelOpts={"position": 0.02, "anchors": [(0, 0), (0, 0)]})
        self.floor_line.setVisible(False)
        self.loss_plot.addItem(self.floor_line, ignoreBounds=True)
        self.grad_plot.setXLink(self.loss_plot)
        self.param_plot.setXLink(self.loss_plot)
        self._thin: int | None = None
        self._x_hi = 0.0
        self._y_ranges: dict[int, tuple[float, float]] = {}
        self._decades: tuple[float, float] | None = None  # log10 of the loss, whole decades
        # A new run starts from these (an empty panel's) ranges, not the last run's.
        self._home = [(plot, plot.vb.viewRange()) for plot in
                      (self.loss_plot, self.grad_plot, self.param_plot)]
        self.loss_plot.vb.sigResized.connect(self._resized)
        self.set_theme(theme)

    def set_theme(self, theme: th.Theme) -> None:
        self.theme = theme
        self.setBackground(theme.background)
        def tint(color: str, text: str) -> str:
            return f"<span style='color:{color}'>{text}</span>"

        # Short, tinted like the curves (no legend to hide the newest steps).
        th.style_plot(self.loss_plot, theme, "",
                      tint(theme.loss_curve, translate("HistoryPanel", "loss")))
        th.style_plot(self.grad_plot, theme, "",
                      f"{tint(theme.grad_w, '∂w')}&nbsp;{tint(theme.grad_b, '∂b')}")
        th.style_plot(self.param_plot, theme, translate("HistoryPanel", "step"),
                      f"{tint(theme.param_w, 'w')}&nbsp;&nbsp;{tint(theme.param_b, 'b')}")
        th.set_title(self.loss_plot, th.title_html(
            translate("HistoryPanel", "History (loss on a log scale)"), theme))
        self.floor_line.setPen(pg.mkPen(theme.foreground, width=1.5, style=Qt.PenStyle.DashLine))
        self.floor_line.label.setColor(theme.foreground)
        self.floor_line.label.setFont(th.axis_font())
        self.floor_line.label.setFormat(
            translate("HistoryPanel", "{floor}: smaller losses drawn here").format(
                floor=fmt(LOG_FLOOR)))
        self.floor_line.label.valueChanged()
        self._thin = None
        # One step axis for the three rows (they are linked): its values under the bottom row
        # only, so the rows keep their height for their curves and their own values.
        for plot in (self.loss_plot, self.grad_plot):
            axis = plot.getAxis("bottom")
            axis.setStyle(showValues=False)
            axis.setHeight(4)
        # Rows close together and little frame: on a small projector every pixel of height goes
        # to the rows (each needs room for its name: 32 px in 简体中文 at 1280×720 was too few).
        self.ci.layout.setContentsMargins(9.0, 2.0, 9.0, 2.0)
        self.ci.layout.setVerticalSpacing(1.0)
        self._set_pens()

    def _set_pens(self) -> None:
        n = self.buffer.size
        mode = 0 if n <= DOTS_UP_TO else (1 if n <= THIN_ABOVE else 2)
        if mode == self._thin:
            return
        self._thin = mode
        width = 1 if mode == 2 else 2.5
        colors = {"loss": self.theme.loss_curve, "grad_w": self.theme.grad_w,
                  "grad_b": self.theme.grad_b, "w": self.theme.param_w, "b": self.theme.param_b}
        for key, curve in self.curves.items():
            curve.setPen(pg.mkPen(colors[key], width=width))
            # A few steps are dots joined by lines: a single step is still visible.
            curve.setSymbol("o" if mode == 0 else None)
            curve.setSymbolSize(7)
            curve.setSymbolBrush(colors[key])
            curve.setSymbolPen(None)

    def reset_history(self) -> None:
        # Not "clear": GraphicsLayoutWidget binds ci.clear (remove every plot) on the instance.
        self.buffer.clear()
        for curve in self.curves.values():
            curve.setData(np.zeros(0), np.zeros(0))
        self._x_hi = 0.0
        self._y_ranges.clear()
        self._decades = None
        self._show_floor(False)
        for plot, (_x_range, y_range) in self._home:
            plot.setYRange(*y_range, padding=0)
        self.loss_plot.setXRange(*self._home[0][1][0], padding=0)  # the others are linked
        self._set_pens()

    def append(self, chunk: HistoryChunk) -> None:
        """Keep the chunk's steps, each loss as the log10 the curve draws (``drawn_log10``): the
        panel's buffer is for drawing (the worker keeps the losses themselves for sessions and
        exports), and a second array of logs cost 8 bytes a step and a pass over all of them
        every frame."""
        self.buffer.append(HistoryChunk(chunk.step, drawn_log10(chunk.loss), chunk.grad_w,
                                        chunk.grad_b, chunk.w, chunk.b))

    def _frame_loss(self) -> None:
        """Whole decades at both ends (so the log axis always has labelled ticks), and under
        the floor's line room for its note (the curve is never there); again on a resize."""
        if self._decades is None:
            return
        lo, hi = self._decades
        span = hi - lo
        below = 0.12 * span
        if self.floor_line.isVisible():
            share = (self.floor_line.label.boundingRect().height() + 6) / max(
                self.loss_plot.vb.height(), 1.0)
            share = min(share, 0.6)
            below = max(below, 1.12 * span * share / (1 - share))
        self._set_y(self.loss_plot, lo - below, hi + 0.12 * span)

    def _resized(self) -> None:
        if self.floor_line.isVisible():
            self._frame_loss()

    def _show_floor(self, on: bool) -> None:
        if on != self.floor_line.isVisible():
            self.floor_line.setVisible(on)
            self.floor_line.label.valueChanged()  # a hidden label does not update its text

    def floor_note(self) -> str:
        """The note on the floor line, or "" when no loss is under the floor."""
        return self.floor_line.label.format if self.floor_line.isVisible() else ""

    def truncate(self, last_step: int) -> None:
        self.buffer.truncate(last_step)
        self._x_hi = 0.0
        self._y_ranges.clear()

    def redraw(self) -> None:
        buf = self.buffer
        if buf.size == 0:
            return
        steps = buf.column("step")
        self._set_pens()
        log_loss = buf.column("loss")  # log10, see append
        low = float(log_loss.min())
        self._show_floor(low < FLOOR_LOG)
        self.curves["loss"].setData(steps, log_loss)
        for key in ("grad_w", "grad_b", "w", "b"):
            self.curves[key].setData(steps, buf.column(key))
        last = float(steps[-1])
        if last > self._x_hi or self._x_hi > 4 * max(last, 10):
            self._x_hi = nice_ceiling(max(10.0, 1.5 * last))
            self.loss_plot.setXRange(0, self._x_hi, padding=0.02)  # the others are linked
        lo, hi = np.floor(max(low, FLOOR_LOG)), np.ceil(log_loss.max())
        self._decades = (float(lo), float(max(hi, lo + 1.0)))
        self._frame_loss()
        for plot, keys in ((self.grad_plot, ("grad_w", "grad_b")), (self.param_plot, ("w", "b"))):
            lo = min(float(buf.column(k).min()) for k in keys)
            hi = max(float(buf.column(k).max()) for k in keys)
            pad = 0.08 * ((hi - lo) or max(abs(hi), 1.0))
            self._set_y(plot, lo - pad, hi + pad, grow=GROW)

    def _set_y(self, plot: pg.PlotItem, lo: float, hi: float, grow: float = 0.0) -> None:
        current = self._y_ranges.get(id(plot))
        new = sticky(current, lo, hi, grow)
        if new != current:
            self._y_ranges[id(plot)] = new
            plot.setYRange(*new, padding=0)


def nice_ceiling(x: float) -> float:
    """The next of 1, 2, 5 x 10^k at or above ``x``."""
    mag = 10 ** np.floor(np.log10(x))
    return float(next(m * mag for m in (1, 2, 5, 10) if m * mag >= x))


def drawn_log10(loss: np.ndarray) -> np.ndarray:
    """log10 of each loss as the history draws it: at the floor's line for losses under
    LOG_FLOOR (UNDER_FLOOR, so that the note can say there are some)."""
    loss = np.asarray(loss, dtype=np.float64)
    out = np.log10(np.maximum(loss, LOG_FLOOR))
    out[loss < LOG_FLOOR] = UNDER_FLOOR
    return out
