"""Teaching panel: the loss landscape L(w, b) as a heat map with contours, the path of (w, b) so
far and the current step's arrow (−lr·∇L).

The grid is computed elsewhere (``gradlab.core.landscape.loss_grid``, in the worker thread): a
surface is ~80×80 evaluations over the whole dataset, too slow for the GUI thread. This widget only
draws it, and *asks* for a new one (``range_requested``) when the path leaves it. Clicking the
plot asks for a new start point (``start_point_chosen``); the worker decides what happens.

Colours are log10(L): a quadratic bowl spans decades, and on a linear scale the valley, where
the interesting part of the path is, would be one flat colour.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QMouseEvent

from gradlab.core.landscape import LossGrid
from gradlab.i18n import translate
from gradlab.ui import theme as th
from gradlab.ui.text import count, fmt

#: Colours span at most this many decades below the grid's largest loss (the rest is clipped).
DECADES = 6.0
#: Contour lines: this many log-spaced levels between the grid's smallest and largest loss.
N_LEVELS = 7
#: Longer paths are thinned to about this many points (the last point is always kept).
MAX_PATH = 4000
#: Path points and arrow tips are clipped to the grid box grown by this factor each way, so a
#: diverging run never hands Qt astronomically large coordinates.
CLIP_FACTOR = 1000.0
#: Margin around the path when asking for a new range (as in ``default_range``).
MARGIN = 0.25
#: A step shorter than this (screen pixels) gets its arrow head here, outside the marker.
MIN_HEAD_PX = 34.0
#: Paths up to this many points also get a dot per step (the step sizes show).
DOTS_UP_TO = 200
COLORMAP = "viridis"
#: Path and markers are drawn on the heat map, so they use fixed colours that read on viridis.
PATH_COLOR = "#ffffff"
MARKER_COLOR = "#ff7f0e"
ARROW_COLOR = "#ff2d55"

Range = tuple[tuple[float, float], tuple[float, float]]


def log_image(L: np.ndarray) -> tuple[np.ndarray, float, float]:
    """(log10 L, lowest, highest colour level) with nothing non-finite left.

    inf and NaN become the largest finite loss; losses are clipped below to ``DECADES`` decades
    under the largest one (and to the smallest positive double), so log10 is always finite.
    """
    L = np.asarray(L, dtype=np.float64)
    finite = np.isfinite(L)
    if not finite.any():
        return np.zeros(L.shape), 0.0, 1.0
    top = float(L[finite].max())
    top = top if top > 0 else 1.0
    floor = max(top * 10.0 ** -DECADES, np.finfo(np.float64).tiny)
    Z = np.log10(np.clip(np.where(finite, L, top), floor, top))
    lo, hi = float(Z.min()), float(Z.max())
    if hi - lo < 1e-9:  # a flat surface: any non-empty colour range
        lo, hi = lo - 0.5, hi + 0.5
    return Z, lo, hi


def grid_rect(grid: LossGrid) -> tuple[float, float, float, float]:
    """(x, y, width, height) of the image: each cell centred on its grid point."""
    ws, bs = grid.W[0, :], grid.B[:, 0]
    dw = (ws[-1] - ws[0]) / max(1, ws.size - 1)
    db = (bs[-1] - bs[0]) / max(1, bs.size - 1)
    return (float(ws[0] - dw / 2), float(bs[0] - db / 2), float(dw * ws.size),
            float(db * bs.size))


def grid_range(grid: LossGrid) -> Range:
    return ((float(grid.W[0, 0]), float(grid.W[0, -1])), (float(grid.B[0, 0]),
                                                           float(grid.B[-1, 0])))


def follow_range(current: Range, points: np.ndarray, margin: float = MARGIN) -> Range:
    """A range holding ``points`` (rows of (w, b)) with a margin, at least as wide as
    ``current`` and at most ``CLIP_FACTOR`` times wider (a diverging run zooms out in stages)."""
    out = []
    for col, (lo0, hi0) in enumerate(current):
        lo, hi = float(points[:, col].min()), float(points[:, col].max())
        half0 = (hi0 - lo0) / 2
        half = min(max((hi - lo) / 2 * (1 + 2 * margin), half0), CLIP_FACTOR * half0)
        mid = (lo + hi) / 2
        mid = float(np.clip(mid, lo0 + half0 - CLIP_FACTOR * half0,
                            lo0 + half0 + CLIP_FACTOR * half0))
        out.append((mid - half, mid + half))
    return out[0], out[1]


def _decade_ticks(lo: float, hi: float, most: int = 7) -> list[tuple[float, str]]:
    """Colour-bar ticks at 1, 2, 5 × 10ᵏ (or decades only, when they are many), as losses."""
    ticks = []
    for d in range(math.floor(lo) - 1, math.ceil(hi) + 1):
        for m in (1.0, 2.0, 5.0):
            v = d + math.log10(m)
            if lo - 1e-9 <= v <= hi + 1e-9:
                ticks.append((v, m))
    if len(ticks) > most:
        ticks = [(v, m) for v, m in ticks if m == 1.0]
        step = max(1, math.ceil(len(ticks) / most))
        ticks = ticks[::step]
    return [(v, fmt(10.0 ** v, 3)) for v, _ in ticks]


class _ShrinkingLabel(pg.LabelItem):
    """A label that never widens the layout: pyqtgraph's LabelItem sets its minimum width to its
    text's on every resize, so a long title or note would push the plot off a narrow panel."""

    def updateMin(self) -> None:  # noqa: N802 - pyqtgraph override
        super().updateMin()
        self.setMinimumWidth(0)
        self._sizeHint[Qt.SizeHint.MinimumSize] = (0, self._sizeHint[Qt.SizeHint.MinimumSize][1])


class LandscapePanel(pg.GraphicsLayoutWidget):
    """Heat map of log L(w, b), contours, the path of (w, b), the current step's arrow.

    Items are created once; ``show_grid``, ``set_trajectory`` and ``set_step_arrow`` only call
    setData / setImage on them.
    """

    start_point_chosen = Signal(float, float)  # (w, b) under a click
    range_requested = Signal(object, object)  # (w_range, b_range): the path left the grid

    def __init__(self, theme: th.Theme = th.LIGHT) -> None:
        super().__init__()
        self.theme = theme
        self.title = _ShrinkingLabel(justify="center")
        self.addItem(self.title, row=0, col=0)
        self.plot = self.addPlot(row=1, col=0, enableMenu=False)
        th.disable_menus(self.plot)
        self.plot.hideButtons()
        # The view is the grid's: panning would show empty space; a new range is asked for.
        self.plot.setMouseEnabled(x=False, y=False)
        self.cmap = pg.colormap.get(COLORMAP)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(self.cmap)
        self.plot.addItem(self.image)
        self.contours = [pg.IsocurveItem(level=0.0, axisOrder="row-major") for _ in range(N_LEVELS)]
        for iso in self.contours:
            iso.setParentItem(self.image)  # drawn in the image's pixel coordinates
            iso.setZValue(5)
        self.path = pg.PlotCurveItem(antialias=True)
        self.dots = pg.ScatterPlotItem(antialias=True, size=6, symbol="o")
        self.start = pg.ScatterPlotItem(antialias=True, size=14, symbol="o")
        self.current = pg.ScatterPlotItem(antialias=True, size=18, symbol="o")
        self.step_line = pg.PlotCurveItem(antialias=True)
        self.step_head = pg.ArrowItem(pxMode=True, headLen=22, tipAngle=36, tailLen=None)
        # Where the current point is when it is off the chart: at the view's edge, pointing to it.
        self.away = pg.ArrowItem(pxMode=True, headLen=26, tipAngle=50, tailLen=18, tailWidth=6)
        self.away.setVisible(False)
        self._away_at: tuple[float, float] | None = None
        for z, item in enumerate((self.path, self.dots, self.step_line, self.start,
                                  self.current, self.step_head, self.away), start=10):
            item.setZValue(z)  # above the contours; the arrow's head above the marker
            self.plot.addItem(item, ignoreBounds=True)
        self.step_head.setVisible(False)
        self.colorbar = pg.ColorBarItem(values=(0.0, 1.0), colorMap=self.cmap, interactive=False,
                                        width=22, colorMapMenu=False)
        # Inside the plot's own layout: the bar spans exactly the heat map's height.
        self.colorbar.setImageItem(self.image, insert_in=self.plot)
        self.note = _ShrinkingLabel(justify="left")
        self.addItem(self.note, row=2, col=0)
        self._grid: LossGrid | None = None
        self._range: Range | None = None
        self._box: Range = ((-1.0, 1.0), (-1.0, 1.0))
        self._requested: Range | None = None
        self._traj = (np.zeros(0), np.zeros(0))
        self._arrow: tuple[tuple[float, float], tuple[float, float]] | None = None
        self._levels: list[float] = []
        self._head_at = (0.0, 0.0, 0.0, 0.0)  # tip (w, b), tail (w, b), clipped
        self._title = ""
        self._what = ""
        self.plot.vb.sigResized.connect(self._place_head)
        self.plot.vb.sigRangeChanged.connect(self._place_head)
        self.plot.vb.sigResized.connect(self._place_away)
        self.plot.vb.sigRangeChanged.connect(self._place_away)
        self.scene().sigMouseClicked.connect(self._scene_clicked)
        self.set_theme(theme)

    # ---- theme -------------------------------------------------------------------------------

    def set_theme(self, theme: th.Theme) -> None:
        self.theme = theme
        self.setBackground(theme.background)
        th.style_plot(self.plot, theme, "w", "b")
        self.plot.showGrid(x=False, y=False)  # the contours are the grid here
        axis = self.colorbar.axis
        axis.setStyle(tickFont=th.axis_font(), tickTextOffset=4)
        axis.setPen(theme.foreground)
        axis.setTextPen(theme.foreground)
        axis.setWidth(64)
        for key in ("left", "top", "bottom", "right"):
            self.colorbar.getAxis(key).setPen(theme.foreground)
        contour_pen = pg.mkPen(255, 255, 255, 150, width=1.5)
        for iso in self.contours:
            iso.setPen(contour_pen)
        self.path.setPen(pg.mkPen(PATH_COLOR, width=2))
        self.dots.setPen(pg.mkPen(None))
        self.dots.setBrush(pg.mkBrush(PATH_COLOR))
        self.start.setPen(pg.mkPen(PATH_COLOR, width=2.5))
        self.start.setBrush(pg.mkBrush(None))
        self.current.setPen(pg.mkPen("#000000", width=2))
        self.current.setBrush(pg.mkBrush(MARKER_COLOR))
        self.step_line.setPen(pg.mkPen(ARROW_COLOR, width=th.THICK))
        self.step_head.setStyle(pen=pg.mkPen(ARROW_COLOR), brush=pg.mkBrush(ARROW_COLOR))
        self.away.setStyle(pen=pg.mkPen("#000000", width=2), brush=pg.mkBrush(MARKER_COLOR))
        self._title = ""
        self._set_title()
        self._set_note()

    def _set_title(self) -> None:
        if self._what:
            title = translate("LandscapePanel", "Loss landscape L(w, b): {what} (log colours)")
        else:
            title = translate("LandscapePanel", "Loss landscape L(w, b) (log colours)")
        title = title.format(what=self._what)
        if title != self._title:
            self._title = title
            self.title.setText(th.title_html(title, self.theme))

    def _set_note(self) -> None:
        grid = self._grid
        if grid is None:
            exact = ""
        elif grid.approximate:
            exact = " · " + translate("LandscapePanel", "approximate: {n} samples evaluated")
        else:
            exact = " · " + translate("LandscapePanel", "exact over {n} samples")
        exact = exact.format(n=count(grid.samples_used)) if grid is not None else ""
        fg = self.theme.foreground
        path = translate("LandscapePanel", "path of (w, b)")
        arrow = translate("LandscapePanel", "arrow: −lr·∇L")
        click = translate("LandscapePanel", "click to start there")
        self.note.setText(
            f"<span style='color:{PATH_COLOR if self.theme.name == 'dark' else fg}'>"
            f"{path}</span> · <span style='color:{ARROW_COLOR}'>{arrow}</span>"
            f" · {click}{exact}",
            color=fg, size=f"{th.AXIS_PX}px",
        )

    # ---- the surface -------------------------------------------------------------------------

    def show_grid(self, grid: LossGrid, loss: str = "", reduction: str = "") -> None:
        """Draw ``grid`` (``loss``/``reduction`` name it in the title). A grid whose box is not
        finite or has no width is refused quietly: it cannot be placed on the axes."""
        (w0, w1), (b0, b1) = grid_range(grid)
        x, y, width, height = grid_rect(grid)
        if not all(map(math.isfinite, (x, y, width, height))) or width <= 0 or height <= 0:
            return
        self._grid = grid
        self._range = ((w0, w1), (b0, b1))
        self._requested = None  # the answer to any pending request has arrived
        Z, lo, hi = log_image(grid.L)
        self.image.setImage(Z, autoLevels=False, levels=(lo, hi))
        self.image.setRect(QRectF(x, y, width, height))
        self.colorbar.setLevels((lo, hi))
        self.colorbar.axis.setTicks([_decade_ticks(lo, hi)])
        self._levels = list(np.linspace(lo, hi, N_LEVELS + 2)[1:-1])
        for iso, level in zip(self.contours, self._levels, strict=True):
            iso.setData(Z, level)
        self._box = ((x, x + width), (y, y + height))
        self.plot.setRange(xRange=self._box[0], yRange=self._box[1], padding=0)
        if reduction == "none":  # no scalar L: core shows the mean's surface
            reduction = translate("LandscapePanel", "mean (none has no scalar L)")
        self._what = ", ".join(p for p in (loss.upper() if loss else "", reduction) if p)
        self._set_title()
        self._set_note()
        # A path drawn before this grid may need clipping to the new box, or may be outside it.
        self.set_trajectory(*self._traj)
        if self._arrow is not None:
            (w, b), (tw, tb) = self._arrow
            self.set_step_arrow(w, b, tw - w, tb - b)

    def new_run(self) -> None:
        """A reset, new data or an opened session: forget the old run's path, arrow and range.
        The grid stays on screen until the new run's arrives; the old path must not ask for a
        range when it does (a diverged path would keep the view zoomed out for good)."""
        self._traj = (np.zeros(0), np.zeros(0))
        self._arrow = None
        self._range = self._requested = None
        self.set_trajectory(*self._traj)
        self.set_step_arrow(0.0, 0.0, 0.0, 0.0)

    # ---- the path ----------------------------------------------------------------------------

    def _clip(self, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        (x0, x1), (y0, y1) = self._box
        sw, sb = CLIP_FACTOR * (x1 - x0), CLIP_FACTOR * (y1 - y0)
        return np.clip(w, x0 - sw, x1 + sw), np.clip(b, y0 - sb, y1 + sb)

    def set_trajectory(self, ws: np.ndarray, bs: np.ndarray) -> None:
        """The path of (w, b) so far, oldest first; non-finite points are dropped. Emits
        ``range_requested`` once when the path leaves the grid (again only after a new grid)."""
        ws = np.asarray(ws, dtype=np.float64).reshape(-1)
        bs = np.asarray(bs, dtype=np.float64).reshape(-1)
        n = min(ws.size, bs.size)
        ws, bs = ws[:n], bs[:n]
        keep = np.isfinite(ws) & np.isfinite(bs)
        if not keep.all():
            ws, bs = ws[keep], bs[keep]
        self._traj = (ws, bs)
        if ws.size > MAX_PATH:  # thin evenly, keeping the first and the last point
            pick = np.unique(np.linspace(0, ws.size - 1, MAX_PATH).round().astype(np.int64))
            ws, bs = ws[pick], bs[pick]
        cw, cb = self._clip(ws, bs)
        # Only what is in view is drawn where it is: a point beyond the clip box is not drawn at
        # the box's edge (that would be a corner it never visited), nor joined to its neighbours.
        inside = (cw == ws) & (cb == bs)
        # pyqtgraph's connect array: one entry per point (point i joins point i + 1).
        self.path.setData(cw, cb, connect=np.append(inside[:-1] & inside[1:], False))
        if cw.size <= DOTS_UP_TO:
            self.dots.setData(cw[inside], cb[inside])
        else:
            self.dots.setData([], [])
        for marker, k in ((self.start, 0), (self.current, -1)):
            if cw.size and inside[k]:
                marker.setData([cw[k]], [cb[k]])
            else:
                marker.setData([], [])
        self._away_at = None if not cw.size or inside[-1] else (float(ws[-1]), float(bs[-1]))
        self._place_away()
        self._follow()

    def _place_away(self, *_: object) -> None:
        """The arrow at the view's edge pointing to the current point when it is off the chart
        (the angle in screen pixels, as the step's head)."""
        if self._away_at is None:
            self.away.setVisible(False)
            return
        (x0, x1), (y0, y1) = self._box
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        w, b = self._away_at
        # Scale the direction down into the box: the arrow's tip sits 5% inside its edge.
        k = min(0.45 * (x1 - x0) / abs(w - cx) if w != cx else math.inf,
                0.45 * (y1 - y0) / abs(b - cy) if b != cy else math.inf)
        tx, ty = cx + (w - cx) * k, cy + (b - cy) * k
        vb = self.plot.vb
        tip, mid = vb.mapViewToScene(QPointF(tx, ty)), vb.mapViewToScene(QPointF(cx, cy))
        dx, dy = tip.x() - mid.x(), tip.y() - mid.y()
        if not (math.isfinite(k) and math.hypot(dx, dy) > 0):
            self.away.setVisible(False)
            return
        self.away.setStyle(angle=180.0 + math.degrees(math.atan2(dy, dx)))
        self.away.setPos(tx, ty)
        self.away.setVisible(True)

    def _follow(self) -> None:
        ws, bs = self._traj
        if self._range is None or ws.size == 0:
            return
        (w0, w1), (b0, b1) = self._range
        inside = (ws.min() >= w0 and ws.max() <= w1 and bs.min() >= b0 and bs.max() <= b1)
        if inside:
            return
        points = np.column_stack((np.r_[ws.min(), ws.max()], np.r_[bs.min(), bs.max()]))
        assert self._grid is not None
        i, j = np.unravel_index(np.nanargmin(np.where(np.isfinite(self._grid.L),
                                                      self._grid.L, np.inf)), self._grid.L.shape)
        # Keep the valley in view too: its lowest cell stands in for the optimum.
        points = np.vstack((points, [[self._grid.W[i, j], self._grid.B[i, j]]]))
        wanted = follow_range(self._range, points)
        if wanted != self._requested:
            self._requested = wanted
            self.range_requested.emit(wanted[0], wanted[1])

    # ---- the step ----------------------------------------------------------------------------

    def set_step_arrow(self, w: float, b: float, dw: float, db: float) -> None:
        """The step about to be taken, −lr·∇L = (dw, db), drawn from (w, b); hidden when not
        finite or zero."""
        values = (float(w), float(b), float(dw), float(db))
        if not all(map(math.isfinite, values)) or (dw == 0 and db == 0):
            self._arrow = None
            self.step_line.setData([], [])
            self.step_head.setVisible(False)
            return
        w, b, dw, db = values
        self._arrow = ((w, b), (w + dw, b + db))
        xs, ys = self._clip(np.array([w, w + dw]), np.array([b, b + db]))
        if xs[0] != w or ys[0] != b:  # it starts off the chart (the away arrow points there)
            self.step_line.setData([], [])
            self.step_head.setVisible(False)
            self._head_at = (0.0, 0.0, 0.0, 0.0)
            return
        self.step_line.setData(xs, ys)
        self._head_at = (float(xs[1]), float(ys[1]), float(xs[0]), float(ys[0]))
        self.step_head.setVisible(True)
        self._place_head()

    def _place_head(self, *_: object) -> None:
        """The head's angle is in screen pixels: w and b have different scales on screen, so
        the data-space angle would point the wrong way. A step shorter than the current-point
        marker gets its head just outside the marker, so its direction still shows.
        Recomputed on resize and range change."""
        if self._arrow is None:
            return
        tx, ty, sx, sy = self._head_at
        vb = self.plot.vb
        tip = vb.mapViewToScene(QPointF(tx, ty))
        tail = vb.mapViewToScene(QPointF(sx, sy))
        dx, dy = tip.x() - tail.x(), tip.y() - tail.y()
        length = math.hypot(dx, dy)
        if not math.isfinite(length) or length == 0:
            self.step_head.setVisible(False)
            return
        self.step_head.setVisible(True)
        # ArrowItem: angle 0 points left (−x), 90 up; scene y grows downwards.
        self.step_head.setStyle(angle=180.0 + math.degrees(math.atan2(dy, dx)))
        if length < MIN_HEAD_PX:
            k = MIN_HEAD_PX / length
            at = vb.mapSceneToView(QPointF(tail.x() + dx * k, tail.y() + dy * k))
            self.step_head.setPos(at)
        else:
            self.step_head.setPos(tx, ty)

    # ---- input -------------------------------------------------------------------------------

    def _scene_clicked(self, ev) -> None:  # noqa: ANN001 - pyqtgraph MouseClickEvent
        if ev.button() != Qt.MouseButton.LeftButton or ev.double():
            return
        vb = self.plot.vb
        if not vb.sceneBoundingRect().contains(ev.scenePos()):
            return
        pos = vb.mapSceneToView(ev.scenePos())
        w, b = float(pos.x()), float(pos.y())
        if math.isfinite(w) and math.isfinite(b):
            ev.accept()
            self.start_point_chosen.emit(w, b)

    def _in_plot(self, ev: QMouseEvent) -> bool:
        scene_pos = self.mapToScene(ev.position().toPoint())
        return self.plot.vb.sceneBoundingRect().contains(scene_pos)

    def mousePressEvent(self, ev: QMouseEvent) -> None:  # noqa: N802 - Qt override
        # The plot takes left clicks (they choose a start point): say so, so Qt does not look
        # for another receiver (no item accepts a press on a view with mouse panning off).
        super().mousePressEvent(ev)
        if ev.button() == Qt.MouseButton.LeftButton and self._in_plot(ev):
            ev.accept()

    def mouseReleaseEvent(self, ev: QMouseEvent) -> None:  # noqa: N802 - Qt override
        super().mouseReleaseEvent(ev)
        if ev.button() == Qt.MouseButton.LeftButton and self._in_plot(ev):
            ev.accept()

    # ---- for tests ---------------------------------------------------------------------------

    def image_data(self) -> np.ndarray:
        """The array the heat map shows (log10 L), rows following b and columns following w."""
        return np.asarray(self.image.image)

    def image_rect(self) -> tuple[float, float, float, float]:
        """(w, b, width, height) of the heat map in data coordinates."""
        r = self.image.mapRectToParent(self.image.boundingRect())
        return (r.x(), r.y(), r.width(), r.height())

    def contour_levels(self) -> list[float]:
        return list(self._levels)

    def trajectory_data(self) -> tuple[np.ndarray, np.ndarray]:
        xs, ys = self.path.getData()
        return (np.zeros(0), np.zeros(0)) if xs is None else (np.asarray(xs), np.asarray(ys))

    def arrow_points(self) -> tuple[tuple[float, float], tuple[float, float]] | None:
        """((w, b), (w + dw, b + db)) of the step arrow, or None when hidden."""
        return self._arrow

    def note_text(self) -> str:
        return self.note.text
