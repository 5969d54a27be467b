"""Runs side by side on screen: the Compare menu of ready-made comparisons, each run's loss
overlaid on the history panel and its path on the landscape, in its own colour with a legend
("mean, lr 0.01", "sum, lr 0.01", ...).

The worker steps the runs (worker_compare.py) and sends each one's new steps; this module keeps
them in a HistoryBuffer per run and draws them. Step / Run / Reset and the timeline are the
window's own: they drive the main run, and the worker keeps the others in lockstep with it.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu

from gradlab.core.records import HistoryBuffer
from gradlab.i18n import QT_TRANSLATE_NOOP, tr_message, translate
from gradlab.ui.text import fmt

if TYPE_CHECKING:
    from gradlab.views.compare import CompareView
    from gradlab.views.update import Update

#: The ready-made comparisons of core.compare.READY_MADE (key, title), spelled here because
#: core.compare imports torch, which the window's process must not (a test keeps them equal).
COMPARISONS = (
    ("mean-vs-sum", QT_TRANSLATE_NOOP("messages", "mean vs sum")),
    ("sum-lr-over-n", QT_TRANSLATE_NOOP("messages", "sum with lr/N follows mean")),
    ("batch-4-vs-64", QT_TRANSLATE_NOOP("messages", "batch size 4 vs 64 under sum")),
    ("sgd-vs-adam", QT_TRANSLATE_NOOP("messages", "SGD vs Adam under sum")),
    ("below-above-limit", QT_TRANSLATE_NOOP("messages", "lr just below vs just above the limit")),
)
#: One colour per run (the main run first): distinct on white, dark and the landscape's viridis.
RUN_COLORS = ("#ff7f0e", "#e6007e", "#00a6d6", "#8c564b")
#: Pen widths: the landscape's paths are short (MAX_PATH points), the history's may be long.
PATH_WIDTH = 3
CURVE_WIDTH = 2
LOG_FLOOR = 1e-16
MAX_PATH = 4000
#: While running, the curves are redrawn at most this often (seconds), as the history's are.
DRAW_INTERVAL = 0.25


class CompareDisplay:
    """The Compare menu and the runs' curves, paths and legends."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.view: CompareView | None = None
        self.buffers: list[HistoryBuffer] = []
        self.labels: list[str] = []
        self.fates: list[str] = []  # why a run stopped (its whole message)
        self.stopped_at: list[int | None] = []
        self.largest_difference: float | None = None
        self._upto: int | None = None  # the step the timeline shows (None: the latest)
        self._legend_texts: list[str] | None = None  # what the legends hold now
        self._dirty = False
        self._last_draw = 0.0
        #: (last step, lowest and highest log10 loss) of every run's steps, kept as they come
        self._extent: tuple[float, float, float] | None = None
        self._menu(window)
        hist = window.history_panel.loss_plot
        self.curves = [hist.plot(np.zeros(0), np.zeros(0),
                                 pen=pg.mkPen(c, width=CURVE_WIDTH)) for c in RUN_COLORS]
        for curve in self.curves:
            curve.setZValue(20)
        hist.setDownsampling(auto=True, mode="peak")
        hist.setClipToView(True)
        self.legend = self._legend(hist)
        self.paths: list[pg.PlotCurveItem] = []
        self.path_legend: pg.LegendItem | None = None
        lab = window.lab
        lab.compare_ready.connect(self.show_view)
        lab.generation_started.connect(self._new_generation)
        window.update_shown.connect(self._on_update_shown)
        window.tabs.currentChanged.connect(lambda _i: self.draw())

    # ---- building ------------------------------------------------------------------------------

    def _menu(self, window: QMainWindow) -> None:
        bar = window.menuBar()
        self.menu = QMenu(translate("Compare", "&Compare"), window)
        self.menu.setToolTipsVisible(True)
        tip = translate("Compare", "Up to four runs from the same start on the same data, in "
                                   "lockstep: Step, Run, Reset and the timeline drive them all")
        self.actions: dict[str, QAction] = {}
        for key, title in COMPARISONS:
            action = self.menu.addAction(translate("messages", title))
            action.setToolTip(tip)
            action.setStatusTip(tip)
            action.triggered.connect(lambda _=False, k=key: self._start(k))
            self.actions[key] = action
        self.menu.addSeparator()
        self.stop_action = self.menu.addAction(translate("Compare", "&Stop comparing"))
        self.stop_action.triggered.connect(window.lab.stop_compare)
        self.stop_action.setEnabled(False)
        help_menu = bar.actions()[-1]
        bar.insertMenu(help_menu, self.menu)

    def _start(self, key: str) -> None:
        """A ready-made comparison: the line model's only (said, never raised; issue 19)."""
        if self.window.lab.config.model != "line":
            self.window.show_banner(translate("Compare", "The ready-made comparisons show the "
                                              "line model only (y = w·x + b): switch the model "
                                              "to line to compare runs."))
            return
        self.window.lab.start_compare(key)

    @staticmethod
    def _legend(plot: pg.PlotItem) -> pg.LegendItem:
        legend = pg.LegendItem(offset=(10, -10), labelTextSize="11pt", labelTextColor="#000000",
                               brush=pg.mkBrush(255, 255, 255, 200), pen=pg.mkPen("#888888"))
        legend.setParentItem(plot.vb)
        legend.setZValue(30)
        legend.setVisible(False)
        return legend

    def _landscape(self) -> Any:
        """The landscape panel, with the runs' paths added once it is built."""
        panel = self.window.teaching_tabs.panel("landscape")
        if panel is not None and not self.paths:
            for color in RUN_COLORS:
                path = pg.PlotCurveItem(antialias=True, pen=pg.mkPen(color, width=PATH_WIDTH))
                path.setZValue(15)
                panel.plot.addItem(path, ignoreBounds=True)
                self.paths.append(path)
            self.path_legend = self._legend(panel.plot)
        return panel

    # ---- from the controller -------------------------------------------------------------------

    def _new_generation(self, keep_history: bool) -> None:
        if not keep_history:
            self._clear()

    def _clear(self) -> None:
        self.buffers, self.labels, self.fates, self.stopped_at = [], [], [], []
        self._extent = None
        self.largest_difference = None
        self.draw()

    def show_view(self, view: CompareView) -> None:
        self.stop_action.setEnabled(view.active)
        if not view.active:
            self.view = None
            self._clear()
            return
        if view.fresh or len(self.buffers) != len(view.runs):
            self.buffers = [HistoryBuffer() for _ in view.runs]
        self.view = view
        if view.fresh:
            self._extent = None
        for buf, run in zip(self.buffers, view.runs, strict=True):
            if len(run.history):
                buf.append(run.history)
                self._grow_extent(run.history)
        self.labels = [run.label for run in view.runs]
        self.fates = ["" if run.diverged is None else tr_message(run.diverged)
                      for run in view.runs]
        self.stopped_at = [run.diverged_at if run.diverged is not None else None
                           for run in view.runs]
        self.largest_difference = view.largest_difference
        self._dirty = True
        self._draw_soon(view.fresh)

    def _draw_soon(self, now: bool = False) -> None:
        """Draw now when paused (or asked), at most every DRAW_INTERVAL while running."""
        if now or not self.window.lab.running or \
                time.perf_counter() - self._last_draw >= DRAW_INTERVAL:
            self.draw()

    def _on_update_shown(self, update: Update) -> None:
        upto = update.step if update.scrubbed else None
        if upto != self._upto:
            self._upto = upto
            self.draw()
        elif self._dirty:
            self._draw_soon()
        elif self.buffers:  # the main run's history may have re-framed the loss plot
            self._extend_history_range()

    # ---- drawing -------------------------------------------------------------------------------

    def legend_texts(self) -> list[str]:
        """The legend's entries: each run's label, and its fate or the runs' largest difference."""
        out = []
        for i, label in enumerate(self.labels):
            text = label
            if self.fates[i]:  # short: the legend must not hide the curves (tooltip: all)
                text += " — " + translate("Compare", "diverged at step {step}, stopped").format(
                    step=self.stopped_at[i])
            elif i == 1 and self.largest_difference is not None:
                text += " — " + translate("Compare", "largest |Δw|, |Δb| from the first: "
                                                     "{diff}").format(
                    diff=fmt(self.largest_difference, 3))
            out.append(text)
        return out

    def run_columns(self, i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(step, loss, w, b) of run ``i`` as drawn (up to the step the timeline shows)."""
        buf = self.buffers[i]
        step = buf.column("step")
        keep = slice(None) if self._upto is None else step <= self._upto
        return (step[keep], buf.column("loss")[keep], buf.column("w")[keep],
                buf.column("b")[keep])

    def draw(self) -> None:
        self._dirty = False
        self._last_draw = time.perf_counter()
        n = len(self.buffers)
        texts = self.legend_texts()
        fresh_paths = self.path_legend is None
        panel = self._landscape()
        relabel = texts != self._legend_texts or (fresh_paths and self.path_legend is not None)
        if relabel:  # rebuilding a legend costs tens of milliseconds: only when it changes
            self._legend_texts = texts
            for legend in (self.legend, self.path_legend):
                if legend is not None:
                    legend.clear()
                    legend.setVisible(n > 0)
        for i, curve in enumerate(self.curves):
            path = self.paths[i] if self.paths else None
            if i >= n:
                curve.setData(np.zeros(0), np.zeros(0))
                if path is not None:
                    path.setData(np.zeros(0), np.zeros(0))
                continue
            step, loss, w, b = self.run_columns(i)
            curve.setData(step, np.log10(np.maximum(loss, LOG_FLOOR)))
            if relabel:
                self.legend.addItem(curve, texts[i])
            if path is not None and panel is not None:
                start = self._start_point()
                pw = np.concatenate([[start[0]], w])[-MAX_PATH:]
                pb = np.concatenate([[start[1]], b])[-MAX_PATH:]
                path.setData(*self._clip(panel, pw, pb))
                if relabel:
                    assert self.path_legend is not None
                    self.path_legend.addItem(path, texts[i])
        if n:
            self._extend_history_range()

    def _start_point(self) -> tuple[float, float]:
        cfg = self.window.lab.config
        return float(cfg.init_w), float(cfg.init_b)

    @staticmethod
    def _clip(panel: Any, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Keep exploding paths drawable: within 1000 view-widths of the view."""
        (w0, w1), (b0, b1) = panel.plot.vb.viewRange()
        dw, db = 1000 * (w1 - w0), 1000 * (b1 - b0)
        return np.clip(w, w0 - dw, w1 + dw), np.clip(b, b0 - db, b1 + db)

    def _grow_extent(self, chunk: Any) -> None:
        logs = np.log10(np.maximum(chunk.loss, LOG_FLOOR))
        top, lo, hi = float(chunk.step[-1]), float(logs.min()), float(logs.max())
        if self._extent is not None:
            t0, l0, h0 = self._extent
            top, lo, hi = max(top, t0), min(lo, l0), max(hi, h0)
        self._extent = (top, lo, hi)

    def _extend_history_range(self) -> None:
        """The overlaid losses may reach beyond the main run's: widen the loss plot to them."""
        if self._extent is None:
            return
        plot = self.window.history_panel.loss_plot
        (x0, x1), (y0, y1) = plot.vb.viewRange()
        top, lo, hi = self._extent
        if top > x1:
            plot.setXRange(0, top * 1.2, padding=0.02)
        if lo < y0 or hi > y1:
            plot.setYRange(min(y0, np.floor(lo)), max(y1, np.ceil(hi)), padding=0)
