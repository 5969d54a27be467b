"""Panel 1: the data, the fitted line, residuals coloured by loss, a fading trail, the minibatch."""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QMenu

from gradlab.core.data import SEPARABLE_NOTE
from gradlab.i18n import translate
from gradlab.ui import fit_logistic
from gradlab.ui import theme as th
from gradlab.ui.fit_trail import TrailLines
from gradlab.ui.plot_fit import headroom, place_legend, set_axis_label
from gradlab.ui.text import beyond, count, fmt

if TYPE_CHECKING:  # the views arrive from the worker; their module loads after the first paint
    from gradlab.views.panels import DataLayout, PanelView

TRAIL = 8
#: Points can be edited by hand while every one of them is drawn (and the data is small).
EDIT_MAX = 4000
#: Residual colour bins, as fractions of the largest loss shown.
BINS = (0.25, 0.5, 0.75)


def clip_line(w: float, b: float, x_range: tuple[float, float],
              y_range: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """The part of y = w·x + b inside the box: huge slopes never hand Qt huge coordinates."""
    x0, x1 = x_range
    y0, y1 = y_range
    if w != 0:
        xa, xb = sorted(((y0 - b) / w, (y1 - b) / w))
        x0, x1 = max(x0, xa), min(x1, xb)
    elif not y0 <= b <= y1:
        return np.zeros(0), np.zeros(0)
    if x0 > x1:
        return np.zeros(0), np.zeros(0)
    xs = np.array([x0, x1])
    return xs, w * xs + b


def _box_range(lo: float, hi: float) -> tuple[float, float]:
    """The data's range, stretched to include 0 when it is near (the first line is y = 0)."""
    span = max(hi - lo, 1e-9)
    if 0 < lo <= span:
        lo = 0.0
    if -span <= hi < 0:
        hi = 0.0
    pad = 0.12 * max(hi - lo, 1e-9)
    return lo - pad, hi + pad


class _DataPoints(pg.ScatterPlotItem):
    """The data points, draggable; right-click removes one. Reports to its panel only."""

    def __init__(self, panel: FitPanel) -> None:
        super().__init__(antialias=True)
        self._panel = panel
        self._drag: int | None = None

    def _hit(self, pos) -> int | None:  # noqa: ANN001 - QPointF
        spots = self.pointsAt(pos)
        return None if len(spots) == 0 else int(spots[0].index())

    def mouseDragEvent(self, ev) -> None:  # noqa: N802, ANN001 - pyqtgraph override
        if not self._panel.editable or ev.button() != Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        if ev.isStart():
            self._drag = self._hit(ev.buttonDownPos())
        if self._drag is None:
            ev.ignore()
            return
        ev.accept()
        pos = ev.pos()
        self._panel.drag_point(self._drag, pos.x(), pos.y())
        if ev.isFinish():
            self._drag = None

    def mouseClickEvent(self, ev) -> None:  # noqa: N802, ANN001 - pyqtgraph override
        hit = self._hit(ev.pos()) if self._panel.editable else None
        if hit is None:
            ev.ignore()
            return
        ev.accept()
        if ev.button() == Qt.MouseButton.RightButton and self._panel.can_ignore:
            self._panel.point_menu(hit).popup(ev.screenPos().toPoint())  # remove or ignore
        elif ev.button() == Qt.MouseButton.RightButton:
            self._panel.remove_point(hit)
        else:
            self._panel.selected = hit


class FitPanel(pg.GraphicsLayoutWidget):
    """Items are created once; ``show_view`` only calls setData.

    Students can touch the data: drag a point, double-click to add one, right-click a point (or
    select it and press Delete) to remove it. The panel only reports the edit (with the dataset
    index); the worker changes the data and every panel follows.
    """

    point_moved = Signal(int, float, float)
    point_added = Signal(float, float)
    point_removed = Signal(int)
    #: right-click → "ignore": the dataset index whose ignoring toggles (cross-entropy only)
    point_ignored = Signal(int)

    def __init__(self, theme: th.Theme) -> None:
        super().__init__()
        self.note: pg.TextItem | None = None  # separable data's note (logistic model)
        self.selected: int | None = None  # index into the drawn points
        self.theme = theme
        self.plot = self.addPlot(row=0, col=0, enableMenu=False)
        th.disable_menus(self.plot)
        self.plot.hideButtons()
        self.trail = [pg.PlotCurveItem(antialias=True) for _ in range(TRAIL)]  # logistic
        self.trail_lines = TrailLines()  # the line model's trail: one item, one paint
        self.residuals = [pg.PlotCurveItem(connect="pairs", antialias=True) for _ in range(4)]
        self.points = _DataPoints(self)
        self.batch = pg.ScatterPlotItem(antialias=True)
        self.line_before = pg.PlotCurveItem(antialias=True)
        self.line = pg.PlotCurveItem(antialias=True)
        for item in [*self.trail, self.trail_lines, *self.residuals]:
            self.plot.addItem(item, ignoreBounds=True)
        self.plot.addItem(self.points)
        self.plot.addItem(self.batch, ignoreBounds=True)
        self.plot.addItem(self.line_before, ignoreBounds=True)
        self.plot.addItem(self.line, ignoreBounds=True)
        self.legend = pg.LegendItem(offset=(10, 10), labelTextSize="11pt", verSpacing=-4)
        self.legend.setParentItem(self.plot.vb)
        self._legend_entries = [
            (self.points, translate("FitPanel", "data")),
            (self.batch, translate("FitPanel", "minibatch")),
            (self.line_before, translate("FitPanel", "line the loss is measured at")),
            (self.line, translate("FitPanel", "line after the step")),
        ]
        for item, name in self._legend_entries:
            self.legend.addItem(item, name)
        self._legend_state: tuple | None = None
        self.plot.vb.sigResized.connect(lambda _vb: self.place_legend())
        self._trail: deque[tuple[float, float]] = deque(maxlen=TRAIL)
        self._layout: DataLayout | None = None
        self._box: tuple[tuple[float, float], tuple[float, float]] = ((0, 1), (0, 1))
        self._note = ""  # "4,000 of 1,000,000 points shown", after the x axis' name
        self._title = ""
        self._full_batch = False
        self._logistic = False
        self._loss = ""
        self._ignored: tuple[int, ...] = ()
        self._hollow: tuple | None = None  # (layout, ignored) drawn hollow
        self._edited = False
        self.scene().sigMouseClicked.connect(self._scene_clicked)
        self.logistic = fit_logistic.LogisticItems(self)  # the boundary x = −b/w (issue 19)
        self.set_theme(theme)

    # ---- theme -------------------------------------------------------------------------------

    def set_theme(self, theme: th.Theme) -> None:
        self.theme = theme
        self.setBackground(theme.background)
        th.style_plot(self.plot, theme, "x", "y")
        self.line.setPen(pg.mkPen(theme.line, width=th.THICK))
        self.line_before.setPen(pg.mkPen(theme.line_before, width=2, style=Qt.PenStyle.DashLine))
        # Faded lines, opaque: under the points and the residuals, as translucent ones would be.
        pens = [pg.mkPen(theme.faded("line", 25 + 110 * (i + 1) // TRAIL), width=2)
                for i in range(TRAIL)]
        for item, pen in zip(self.trail, pens, strict=True):
            item.setPen(pen)
        self.trail_lines.set_pens(pens)
        self.legend.setBrush(pg.mkBrush(theme.color("background", 210)))
        self.legend.setPen(pg.mkPen(theme.color("foreground", 80)))
        self.legend.setLabelTextColor(theme.foreground)
        for _sample, label in self.legend.items:  # the colour above reaches only new entries
            label.setText(label.text)
        self._note = ""  # style_plot set the plain label again
        if self.note is not None:
            self.note.setColor(theme.foreground)
            self.note.fill = pg.mkBrush(theme.color("background", 225))
        if hasattr(self, "logistic"):
            self.logistic.set_theme(theme)
        self._style_points()
        self._title = ""

    def _style_points(self) -> None:
        self._hollow = None  # every point filled again: fit_logistic redraws the ignored ones
        theme, n = self.theme, (self._layout.shown.size if self._layout else 4)
        big = n <= 60
        width = 3 if n <= 60 else 1
        for i, item in enumerate(self.residuals):
            item.setPen(pg.mkPen(theme.residual_ramp[i], width=width))
        if big:
            self.points.setSize(14)
            self.points.setPen(pg.mkPen(theme.background, width=1.5))
            self.batch.setSize(26)
            self.batch.setPen(pg.mkPen(theme.batch, width=3))
            self.batch.setBrush(pg.mkBrush(None))
        else:
            self.points.setSize(5 if n <= 1000 else 3)
            self.points.setPen(pg.mkPen(None))
            self.batch.setSize(7)
            self.batch.setPen(pg.mkPen(None))
            self.batch.setBrush(pg.mkBrush(theme.batch))
        self.points.setBrush(pg.mkBrush(theme.points))

    # ---- data --------------------------------------------------------------------------------

    def clear_trail(self) -> None:
        self._trail.clear()

    # ---- editing ---------------------------------------------------------------------------

    @property
    def editable(self) -> bool:
        layout = self._layout
        return layout is not None and layout.n <= EDIT_MAX and layout.shown.size == layout.n

    def _dataset_index(self, shown_index: int) -> int:
        return int(self._layout.shown[shown_index])

    def drag_point(self, shown_index: int, x: float, y: float) -> None:
        self._edited = True
        self.point_moved.emit(self._dataset_index(shown_index), float(x), float(y))

    def remove_point(self, shown_index: int) -> None:
        self._edited = True
        self.selected = None
        self.point_removed.emit(self._dataset_index(shown_index))

    @property
    def can_ignore(self) -> bool:
        """Right-click offers "ignore" (cross-entropy's ignore_index) besides "remove"."""
        return self._logistic and self._loss == "cross-entropy"

    def point_menu(self, shown_index: int) -> QMenu:
        """The right-click menu of a point: remove it, or (un)ignore it."""
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        index = self._dataset_index(shown_index)
        menu.addAction(translate("FitPanel", "remove this point"),
                       lambda: self.remove_point(shown_index))
        ignored = index in self._ignored
        menu.addAction(translate("FitPanel", "stop ignoring this point") if ignored else
                       translate("FitPanel", "ignore this point (cross-entropy's ignore_index)"),
                       lambda: self.point_ignored.emit(index))
        return menu

    def add_point(self, x: float, y: float) -> None:
        self._edited = True
        self.point_added.emit(float(x), float(y))

    def _scene_clicked(self, ev) -> None:  # noqa: ANN001 - pyqtgraph MouseClickEvent
        if not (ev.double() and ev.button() == Qt.MouseButton.LeftButton and self.editable):
            return
        vb = self.plot.vb
        if vb.sceneBoundingRect().contains(ev.scenePos()):
            pos = vb.mapSceneToView(ev.scenePos())
            self.add_point(pos.x(), pos.y())
            ev.accept()

    def keyPressEvent(self, ev: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if ev.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.selected is not None \
                and self.editable:
            self.remove_point(self.selected)
            ev.accept()
            return
        super().keyPressEvent(ev)

    # ---- data --------------------------------------------------------------------------------

    def _set_layout(self, layout: DataLayout) -> None:
        self._layout = layout
        self._trail.clear()
        x_box = _box_range(*layout.x_range)
        y_box = fit_logistic.Y_BOX if self._logistic else _box_range(*layout.y_range)
        if self._edited:  # a hand edit: keep the view still unless a point left it
            self._edited = False
            (ox0, ox1), (oy0, oy1) = self._box
            x_box = (min(ox0, x_box[0]), max(ox1, x_box[1]))
            y_box = (min(oy0, y_box[0]), max(oy1, y_box[1]))
        self._box = (x_box, y_box)
        self.plot.setRange(xRange=x_box, yRange=y_box, padding=0)
        self.points.setData(layout.x, layout.y)
        self._style_points()

    def show_view(self, view: PanelView, step: int, applied: bool) -> None:
        layout = view.layout
        self._loss, self._ignored = view.loss_name, view.ignored
        logistic = view.model == "logistic"
        if self._layout is None or layout.token != self._layout.token \
                or logistic != self._logistic:
            if logistic != self._logistic:
                self._logistic = logistic
                self._name_lines(logistic)
            self._set_layout(layout)
        (bx0, bx1), (by0, by1) = self._box
        # Lines are clipped to a box 10x the view, so zooming out a little still shows them.
        span_x, span_y = bx1 - bx0, by1 - by0
        big_x = (bx0 - 10 * span_x, bx1 + 10 * span_x)
        big_y = (by0 - 10 * span_y, by1 + 10 * span_y)
        if not self._trail or self._trail[-1] != (view.w, view.b):
            self._trail.append((view.w, view.b))
        self.logistic.set_visible(False)
        if logistic:  # points at 0 and 1, the curve σ(w·x + b), the boundary x = −b/w
            self.trail_lines.set_lines([], (big_x, big_y))
            fit_logistic.draw(self, view, big_x)
        else:
            self._draw_lines(view, big_x, big_y)
        full = view.batch_size >= view.layout.n
        if full != self._full_batch:  # every point is in the batch: rings would only add clutter
            self._full_batch = full
            self.batch.setVisible(not full)
            if full:
                self.legend.removeItem(self.batch)
                self.batch.setData(np.zeros(0), np.zeros(0))
            else:
                self.legend.addItem(self.batch, translate("FitPanel", "minibatch"))
        if not full:  # hidden otherwise: a scatter's setData costs ~1 µs per point in Python
            self.batch.setData(view.batch_x, view.batch_y)
        self._set_title(view, step, applied)
        self.place_legend()

    def place_legend(self) -> None:
        """The legend in a corner free of data points; if none is free, the view makes room
        for it above the data (never on a point)."""
        layout = self._layout
        if layout is None:
            return
        rect = self.legend.boundingRect()
        state = (layout.token, rect.width(), rect.height(), self.plot.vb.width(),
                 self.plot.vb.height(), len(self.legend.items), self._box)
        if state == self._legend_state:
            return
        self._legend_state = state
        x_box, y_box = self._box
        if tuple(self.plot.vb.viewRange()[1]) != y_box:
            self.plot.setRange(xRange=x_box, yRange=y_box, padding=0)
        vb = self.plot.vb
        # A legend larger than a small plot can hold would hide the data: then the plot goes
        # without (the tooltips and Help say what each item is).
        fits = rect.width() <= 0.8 * vb.width() and rect.height() <= 0.45 * vb.height()
        self.legend.setVisible(fits)
        points = (layout.x, layout.y)
        if fits and not place_legend(self.legend, vb, lambda: points):
            self.plot.setRange(xRange=x_box, yRange=(y_box[0], headroom(vb, self.legend, y_box)),
                               padding=0)
            place_legend(self.legend, vb, lambda: points)

    def _name_lines(self, logistic: bool) -> None:
        """The legend says curve for the logistic model, line for the line."""
        names = ((translate("FitPanel", "curve the loss is measured at"),
                  translate("FitPanel", "curve after the step")) if logistic else
                 (translate("FitPanel", "line the loss is measured at"),
                  translate("FitPanel", "line after the step")))
        for item, name in zip((self.line_before, self.line), names, strict=True):
            self.legend.removeItem(item)
            self.legend.addItem(item, name)

    def _draw_lines(self, view: PanelView, big_x: tuple[float, float],
                    big_y: tuple[float, float]) -> None:
        """The line before and after the step, its trail and the residuals."""
        self.line.setData(*clip_line(view.w, view.b, big_x, big_y))
        self.line_before.setData(*clip_line(view.w_before, view.b_before, big_x, big_y))
        if self.trail[-1].xData is not None and len(self.trail[-1].xData):  # was logistic
            for item in self.trail:
                item.setData(np.zeros(0), np.zeros(0))
        self.trail_lines.set_lines([clip_line(*wb, big_x, big_y)
                                    for wb in list(self._trail)[:-1]], (big_x, big_y))
        self._draw_residuals(view, big_y)

    def _draw_residuals(self, view: PanelView, big_y: tuple[float, float]) -> None:
        layout = view.layout
        r = view.resid_index
        x = layout.x[r]
        y = layout.y[r]
        pred = np.clip(view.w_before * x + view.b_before, *big_y)
        loss = view.point_loss[r]
        top = float(loss.max(initial=0.0))
        level = np.digitize(loss / top if top > 0 else loss * 0.0, BINS)
        for i, item in enumerate(self.residuals):
            sel = level == i
            item.setData(np.repeat(x[sel], 2), np.column_stack((y[sel], pred[sel])).reshape(-1))

    def _set_title(self, view: PanelView, step: int, applied: bool) -> None:
        n = view.layout.n
        shown = view.layout.shown.size
        w, b = view.written.get("w", view.w), view.written.get("b", view.b)
        eq = fit_logistic.equation(view) if view.model == "logistic" else \
            f"ŷ = {fmt(w)}·x {'−' if b < 0 else '+'} {fmt(abs(b))}"
        if applied or step > 0:  # a preview after a control change: still after step `step`
            title = translate("FitPanel", "Fit after step {step}: {line}")
        else:
            title = translate("FitPanel", "Fit at step {step}: {line}")
        title = title.format(step=step, line=eq)
        # Under the x axis, not on the data; shorter forms where the long one does not fit.
        off = translate("FitPanel", "line off the chart") if beyond(w) or beyond(b) else ""
        counts = (translate("FitPanel", "{shown} of {n} points shown"),
                  translate("FitPanel", "{shown} of {n} shown")) if shown < n else ("", "")
        notes = [", ".join(filter(None, (off, text.format(shown=count(shown), n=count(n)))))
                 for text in counts]
        if notes[0] != self._note:
            self._note = notes[0]
            labels = dict.fromkeys([*(f"x &nbsp;&nbsp; ({note})" for note in notes if note), "x"])
            set_axis_label(self.plot, "bottom", list(labels), color=self.theme.foreground,
                           **{"font-size": f"{th.AXIS_PX}px"})
        separable = view.model == "logistic" and view.layout.separable  # why w grows on
        self._show_note(translate("messages", SEPARABLE_NOTE) if separable else "")
        if title != self._title:
            self._title = title
            th.set_title(self.plot, th.title_html(title, self.theme))

    def _show_note(self, text: str) -> None:
        """The separable data's note, on the plot above the labels 0 (their corner is empty)."""
        if self.note is None:
            if not text:
                return
            self.note = pg.TextItem(anchor=(1, 1), color=self.theme.foreground,
                                    fill=pg.mkBrush(self.theme.color("background", 225)))
            self.note.setZValue(20)
            self.plot.addItem(self.note, ignoreBounds=True)
        if text != self.note.toPlainText():
            self.note.setText(text)
        self.note.setVisible(bool(text))
        self.note.textItem.setTextWidth(max(240.0, self.plot.vb.width() * 0.5) if text else -1)
        (_x0, x1), _ = self._box
        self.note.setPos(x1, 0.08)

    # ---- for tests ---------------------------------------------------------------------------

    def line_data(self) -> tuple[np.ndarray, np.ndarray]:
        return self.line.getData()
