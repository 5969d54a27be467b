"""The lab window: controls on the left, four live panels, a banner for trouble, a status bar.

The window keeps only the newest Update and redraws on a display-rate timer when something new
arrived; it never computes (the GIL is shared with the training thread) and never sees a tensor.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, QThread, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QDockWidget,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSlider,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from gradlab.core.config import ConfigError, LabConfig
from gradlab.core.data import Dataset
from gradlab.remote import RemoteWorker
from gradlab.ui import theme as th
from gradlab.ui.chain_rule_panel import ChainRulePanel
from gradlab.ui.code_dialog import CodeDialog
from gradlab.ui.controls import ControlsPanel
from gradlab.ui.fit_panel import FitPanel
from gradlab.ui.gradient_panel import GradientPanel
from gradlab.ui.graph_panel import GraphPanel
from gradlab.ui.history_panel import HistoryPanel
from gradlab.ui.landscape_panel import LandscapePanel
from gradlab.ui.loss_panel import LossPanel
from gradlab.ui.pacing import PROCESS_DUTY, THREAD_DUTY, FramePacer
from gradlab.ui.reduction_panel import ReductionPanel
from gradlab.ui.teaching_view import TeachingView
from gradlab.ui.text import count, fmt
from gradlab.worker import TIMELINE_STEPS, TrainerWorker, Update, needs_reset, start_worker

FRAME_MS = 16
#: Start the worker after this long even if the window never painted.
START_FALLBACK_MS = 500
#: While running, the history curves (whose x-axis moves every frame) are redrawn at most this
#: often; slower still once they hold more than BIG_HISTORY steps.
HISTORY_INTERVAL = 0.25
HISTORY_INTERVAL_BIG = 0.5
BIG_HISTORY = 200_000


def release_plot_menus(plots: list[pg.PlotItem]) -> None:
    """Delete pyqtgraph's per-plot option menus (we disable them).

    pyqtgraph creates them without a parent, so they would outlive the window as hidden
    top-level widgets; the option widgets are owned by QWidgetActions, deleted here too.
    """
    for plot in plots:
        if plot.ctrlMenu is not None:
            doomed = [plot.ctrlMenu, *plot.findChildren(QWidgetAction)]
            plot.ctrlMenu = None
            for obj in doomed:
                obj.deleteLater()


class MainWindow(QMainWindow):
    """Owns the worker thread; sends commands as queued signals, draws what comes back."""

    # commands to the worker (queued: the worker lives in another thread)
    config_sent = Signal(object, int)
    dataset_sent = Signal(object, object, int)
    step_requested = Signal(int)
    run_requested = Signal()
    pause_requested = Signal()
    reset_requested = Signal(int)
    speed_requested = Signal(float)
    teaching_requested = Signal(object)  # frozenset of visible teaching panels
    csv_import_requested = Signal(str, int)  # path, the generation to use if it loads
    csv_export_requested = Signal(str)
    code_requested = Signal()
    data_edit_requested = Signal(str, int, float, float)  # op, index, x, y
    step_view_requested = Signal(int)  # show a past step (the timeline)
    rewind_requested = Signal(int, int)  # continue from a past step: (step, new generation)
    landscape_range_requested = Signal(object, object)  # (w_range, b_range)
    # for observers (tests, --screenshot)
    update_shown = Signal(object)
    worker_ready = Signal()
    trouble_shown = Signal(str)  # divergence, an error, or torch failing to load
    teaching_shown = Signal(object)  # a TeachingView of the current generation arrived

    def __init__(self, config: LabConfig, dataset: Dataset | None = None,
                 theme: th.Theme = th.LIGHT, worker_mode: str = "process") -> None:
        """``worker_mode``: "process" trains in a child process (see remote.py: the window's
        drawing and the trainer then never wait for each other's GIL); "thread" trains in a
        QThread of this process (the same worker; tests inject faults there)."""
        super().__init__()
        self.worker_mode = worker_mode
        self.setWindowTitle("gradlab — why loss.backward() needs a scalar")
        self.theme = theme
        self.config = config
        self.generation = 0
        self.state = "loading PyTorch…"
        self.latest: Update | None = None  # newest update received
        self.shown: Update | None = None  # update on screen
        self._dirty = False
        self._running = False
        self._diverged = False
        self._error = False
        self._last_history_draw = 0.0
        self._history_dirty = False
        self._closed = False
        self._start_pending = False
        self._answer_pending = False
        self.run_step = 0  # the run's latest step (the timeline may show an earlier one)
        self._reserved = 0  # highest generation number handed out for a pending CSV load
        self.teaching: TeachingView | None = None  # newest TeachingView

        csv_size = len(dataset) if dataset is not None else None
        self.controls = ControlsPanel(config, csv_size=csv_size)
        # The controls spell defaults out (N 50 rather than None): start from their spelling, so
        # the first edit is compared like with like and does not look like a new dataset.
        try:
            config = self.config = self.controls.config()
        except ConfigError:
            pass
        scroll = QScrollArea()
        scroll.setWidget(self.controls)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(self.controls.sizeHint().width()
                               + scroll.verticalScrollBar().sizeHint().width() + 6)
        self.dock = QDockWidget("Controls")
        self.dock.setObjectName("controls")
        self.dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                              | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.dock.setWidget(scroll)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.dock)

        self.fit_panel = FitPanel(theme)
        self.loss_panel = LossPanel(theme)
        self.gradient_panel = GradientPanel(theme)
        self.history_panel = HistoryPanel(theme)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.hide()
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addWidget(self.banner)
        grid = QGridLayout()
        grid.setSpacing(4)
        grid.addWidget(self.fit_panel, 0, 0)
        grid.addWidget(self.loss_panel, 0, 1)
        grid.addWidget(self.gradient_panel, 1, 0)
        grid.addWidget(self.history_panel, 1, 1)
        for i in range(2):
            grid.setRowStretch(i, 1)
            grid.setColumnStretch(i, 1)
        training = QWidget()
        training.setLayout(grid)
        grid.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(training, "Training")
        self.tabs.setTabToolTip(0, "The fit, each sample's loss and gradient share, the history")
        self.tabs.currentChanged.connect(self._tab_changed)
        self._teaching_tabs: dict[int, str] = {}  # tab index -> teaching panel name
        outer.addWidget(self.tabs, 1)
        self._teaching_panels(theme)
        outer.addLayout(self._timeline_row())
        self.setCentralWidget(central)
        # No minimum-size constraint from the layout: offscreen Qt warns about every size-hint
        # change of a top-level window, and the panels cope with small sizes anyway.
        self.layout().setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.pacer = FramePacer(PROCESS_DUTY if worker_mode == "process" else THREAD_DUTY)
        for panel in (self.fit_panel, self.loss_panel, self.gradient_panel, self.history_panel):
            panel.setMinimumSize(240, 180)

        self.status_labels: dict[str, QLabel] = {}
        for key in ("state", "step", "loss", "w", "b", "rate"):
            label = QLabel()
            label.setContentsMargins(8, 0, 8, 0)
            self.status_labels[key] = label
            self.statusBar().addPermanentWidget(label, 2 if key == "state" else 1)
        self._set_status()

        self._wire_controls()
        self._shortcuts()
        self._menus()
        self.code_dialog: CodeDialog | None = None
        self.message_box: QMessageBox | None = None
        self.set_theme(theme)
        self.controls.set_ready(False)

        self.frame_timer = QTimer(self)
        self.frame_timer.setInterval(FRAME_MS)
        self.frame_timer.timeout.connect(self._frame)
        self.frame_timer.start()

        if worker_mode == "process":
            self.worker = RemoteWorker(config, dataset)
            self.worker.crashed.connect(self._on_crashed)
        elif worker_mode == "thread":
            self.worker = TrainerWorker(config, dataset)
        else:
            raise ValueError(f"worker_mode must be 'process' or 'thread', not {worker_mode!r}")
        self._wire_worker(self.worker)
        self.thread: QThread | None = None
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # ---- wiring ------------------------------------------------------------------------------

    def _wire_controls(self) -> None:
        c = self.controls
        c.step_button.clicked.connect(self.step)
        c.run_button.clicked.connect(self.toggle_run)
        c.reset_button.clicked.connect(self.reset)
        c.config_edited.connect(self.apply_config)
        c.config_invalid.connect(lambda msg: self.show_banner(f"Not applied: {msg}"))
        c.speed_changed.connect(self.speed_requested)
        f = self.fit_panel
        f.point_moved.connect(lambda i, x, y: self.data_edit_requested.emit("move", i, x, y))
        f.point_added.connect(lambda x, y: self.data_edit_requested.emit("add", -1, x, y))
        f.point_removed.connect(lambda i: self.data_edit_requested.emit("remove", i, 0.0, 0.0))
        c.theme_toggled.connect(lambda dark: self.set_theme(th.DARK if dark else th.LIGHT))

    def _shortcuts(self) -> None:
        # Window-wide; text boxes still get their own keys (Qt lets them override shortcuts),
        # except Enter, which the shortcut takes before the box sees it: see _enter.
        for key, slot in ((Qt.Key.Key_Space, self.step), (Qt.Key.Key_Return, self._enter),
                          (Qt.Key.Key_Enter, self._enter), (Qt.Key.Key_R, self.reset)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)

    def _enter(self) -> None:
        """Enter runs or pauses, except in a value box, where it applies the typed value (as the
        box's tooltip promises) and does not start a run."""
        focus = QApplication.focusWidget()
        if isinstance(focus, QAbstractSpinBox):
            focus.interpretText()  # emits valueChanged if the text changed
        elif isinstance(focus, QLineEdit):
            focus.editingFinished.emit()
        else:
            self.toggle_run()

    def _wire_worker(self, worker: TrainerWorker) -> None:
        self.config_sent.connect(worker.set_config)
        self.dataset_sent.connect(worker.set_dataset)
        self.step_requested.connect(worker.step)
        self.run_requested.connect(worker.run)
        self.pause_requested.connect(worker.pause)
        self.reset_requested.connect(worker.reset)
        self.speed_requested.connect(worker.set_speed)
        self.teaching_requested.connect(worker.set_teaching)
        self.csv_import_requested.connect(worker.load_csv)
        self.csv_export_requested.connect(worker.export_csv)
        self.code_requested.connect(worker.export_code)
        self.data_edit_requested.connect(worker.edit_data)
        self.step_view_requested.connect(worker.show_step)
        self.rewind_requested.connect(worker.rewind)
        worker.data_edited.connect(self._on_data_edited)
        worker.data_loaded.connect(self._on_data_loaded)
        # Methods, never lambdas: a lambda has no thread, so Qt would call it in the worker's.
        worker.file_failed.connect(self._on_file_failed)
        worker.file_written.connect(self._on_file_written)
        worker.code_generated.connect(self._on_code)
        self.landscape_range_requested.connect(worker.set_landscape_range)
        worker.ready.connect(self._on_ready)
        worker.load_failed.connect(self._on_load_failed)
        worker.updated.connect(self._on_updated)
        worker.diverged.connect(self._on_diverged)
        worker.errored.connect(self._on_errored)
        worker.running_changed.connect(self._on_running_changed)
        worker.taught.connect(self._on_taught)

    def start(self) -> None:
        """Start the worker thread (torch loads there) once the window has painted.

        Importing torch holds the GIL for most of a second at a time; started before the first
        paint, it would make the window appear that much later. A fallback timer starts it
        anyway if no paint comes (a platform that never exposes the window).
        """
        if self.thread is not None or self._start_pending:
            return
        if not self.isVisible():
            self._start_now()
            return
        self._start_pending = True
        self.installEventFilter(self)
        QTimer.singleShot(START_FALLBACK_MS, self._start_now)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802, ANN001 - Qt override
        if obj is self and event.type() in (QEvent.Type.UpdateRequest, QEvent.Type.Paint):
            self.removeEventFilter(self)
            QTimer.singleShot(0, self._start_now)  # runs after this paint has finished
        return super().eventFilter(obj, event)

    def _start_now(self) -> None:
        self._start_pending = False
        if self.thread is None and not self._closed:
            if isinstance(self.worker, RemoteWorker):
                self.thread = self.worker.launch(self)
            else:
                self.thread = start_worker(self.worker, self)

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        for text, key, slot, tip in (
            ("&Import CSV…", "Ctrl+O", self.choose_csv,
             "Load data from a CSV file: two numeric columns x, y (a header row is allowed)"),
            ("&Export CSV…", "Ctrl+E", self.choose_csv_export, "Save the current data as CSV"),
            ("Show the &code…", "Ctrl+K", self.show_code,
             "The plain PyTorch script that does exactly what the lab did"),
            (None, None, None, None),
            ("&Quit", "Ctrl+Q", self.close, "Close gradlab"),
        ):
            if text is None:
                file_menu.addSeparator()
                continue
            action = file_menu.addAction(text)
            action.setShortcut(QKeySequence(key))
            action.setStatusTip(tip)
            action.setToolTip(tip)
            action.triggered.connect(slot)
        view_menu = self.menuBar().addMenu("&View")
        for i, (text, panel) in enumerate((
                ("the &fit", self.fit_panel), ("the &losses", self.loss_panel),
                ("the &gradient", self.gradient_panel), ("the &history", self.history_panel)),
                start=1):
            action = view_menu.addAction(f"Enlarge {text}")
            action.setShortcut(QKeySequence(f"Alt+{i}"))
            action.triggered.connect(lambda _=False, p=panel: self.enlarge(p))
        action = view_menu.addAction("Show &all panels")
        action.setShortcut(QKeySequence("Alt+0"))
        action.triggered.connect(lambda _=False: self.enlarge(None))

    def _timeline_row(self) -> QHBoxLayout:
        self.timeline = QSlider(Qt.Orientation.Horizontal)
        self.timeline.setRange(0, 0)
        self.timeline.setEnabled(False)
        self.timeline.setToolTip("Scrub back through the last 10,000 steps: every panel shows the "
                                 "run as it was at that step")
        self.timeline.valueChanged.connect(self._timeline_moved)
        self.timeline_label = QLabel()
        self.continue_button = QPushButton("Continue from here")
        self.continue_button.setToolTip("Train on from the step shown; the steps after it are "
                                         "discarded")
        self.continue_button.setEnabled(False)
        self.continue_button.clicked.connect(self.continue_from_shown)
        row = QHBoxLayout()
        row.addWidget(QLabel("timeline"))
        row.addWidget(self.timeline, 1)
        row.addWidget(self.timeline_label)
        row.addWidget(self.continue_button)
        return row

    def view_step(self, step: int) -> None:
        """Show a past step on every panel (pauses the run; the run itself is kept)."""
        self.step_view_requested.emit(int(step))

    def _timeline_moved(self, value: int) -> None:
        self.view_step(value)

    def _set_timeline(self, update: Update) -> None:
        if update.scrubbed:
            k = update.step
            self.timeline_label.setText(f"step {count(k)} of {count(self.run_step)}")
            self.continue_button.setEnabled(k < self.run_step)
            return
        self.run_step = step = update.step
        self.timeline.blockSignals(True)
        self.timeline.setRange(max(1, step - TIMELINE_STEPS + 1) if step else 0, step)
        self.timeline.setValue(step)
        self.timeline.blockSignals(False)
        self.timeline.setEnabled(step >= 1)
        self.timeline_label.setText(f"step {count(step)}")
        self.continue_button.setEnabled(False)

    def continue_from_shown(self) -> None:
        """Make the step on screen the run's latest: the steps after it are discarded."""
        if self.shown is None or not self.shown.scrubbed:
            return
        k = self.shown.step
        self._new_generation(keep_history=True)
        self.history_panel.truncate(k)
        self._history_dirty = True
        self.rewind_requested.emit(k, self.generation)

    #: name -> (tab title, tooltip); each panel is built the first time its tab is shown
    TEACHING_TABS = {
        "reduction": ("Reduction", "none, mean, sum and weighted side by side for the current "
                      "batch"),
        "chain_rule": ("Chain rule", "The derivation of this step's gradient, by hand next to "
                       "autograd"),
        "graph": ("Autograd graph", "The graph PyTorch builds for the loss; backward() walks it"),
        "landscape": ("Landscape", "L(w, b) over the data, the path of (w, b) and this step's "
                      "arrow; click to start from another point"),
    }

    def _teaching_panels(self, theme: th.Theme) -> None:
        """One tab per teaching panel; the panels themselves wait for their tab (start-up)."""
        self._teaching_pages: dict[str, QWidget] = {}
        for name, (title, tip) in self.TEACHING_TABS.items():
            page = QWidget()
            QVBoxLayout(page).setContentsMargins(0, 0, 0, 0)
            self._teaching_pages[name] = page
            self.add_teaching_tab(name, page, title, tip)
        self.reduction_panel: ReductionPanel | None = None
        self.chain_rule_panel: ChainRulePanel | None = None
        self.graph_panel: GraphPanel | None = None
        self.landscape_panel: LandscapePanel | None = None
        self.teaching_shown.connect(self._show_teaching)

    def _build_teaching_panel(self, name: str) -> None:
        if self._teaching_pages[name].layout().count():
            return
        theme = self.theme
        if name == "reduction":
            panel = self.reduction_panel = ReductionPanel(theme)
            panel.reduction_chosen.connect(self.choose_reduction)
            panel.weights_edited.connect(self.set_batch_weights)
            panel.backward_requested.connect(
                lambda: self.teaching_requested.emit(frozenset({"reduction"})))
        elif name == "chain_rule":
            panel = self.chain_rule_panel = ChainRulePanel(theme)
        elif name == "graph":
            panel = self.graph_panel = GraphPanel(theme)
        else:
            panel = self.landscape_panel = LandscapePanel(theme)
            panel.start_point_chosen.connect(self.start_from)
            panel.range_requested.connect(self.landscape_range_requested)
        self._teaching_pages[name].layout().addWidget(panel)

    def _teaching_built(self) -> list[QWidget]:
        return [p for p in (self.reduction_panel, self.chain_rule_panel, self.graph_panel,
                            self.landscape_panel) if p is not None]

    def _show_teaching(self, tv: TeachingView) -> None:
        """Put a TeachingView (computed in the worker) on the teaching panels."""
        cfg = tv.config
        if tv.reductions is not None and self.reduction_panel is not None:
            self.reduction_panel.show_demo(tv.reductions, tv.batch.size, cfg.lr, cfg.reduction,
                                           tv.batch)
        if tv.chain_rule is not None and self.chain_rule_panel is not None:
            self.chain_rule_panel.show_chain_rule(tv.chain_rule, cfg.optimizer, tv.is_seed,
                                                  tv.step)
        if tv.graph is not None and self.graph_panel is not None:
            self.graph_panel.show_graph(tv.graph, cfg.reduction)
        if "landscape" in self._wanted_teaching() and self.landscape_panel is not None:
            if tv.landscape is not None:
                self.landscape_panel.show_grid(tv.landscape, cfg.loss, cfg.reduction)
            self._show_path()

    def _wanted_teaching(self) -> set[str]:
        name = self._teaching_tabs.get(self.tabs.currentIndex())
        return set() if name is None else {name}

    def _show_path(self) -> None:
        """The landscape's path (start, then w and b after each step) and the step's arrow."""
        buf = self.history_panel.buffer
        ws = np.concatenate(([self.config.init_w], buf.column("w")))
        bs = np.concatenate(([self.config.init_b], buf.column("b")))
        self.landscape_panel.set_trajectory(ws, bs)
        if self.shown is not None:
            r = self.shown.record
            self.landscape_panel.set_step_arrow(r.w_before, r.b_before, -r.lr * r.grad_w,
                                                -r.lr * r.grad_b)

    def start_from(self, w: float, b: float) -> None:
        """A click on the landscape: start again (step 0) from (w, b)."""
        self._apply_from_panel(self.config.replace(init_w=float(w), init_b=float(b)))

    def _apply_from_panel(self, config: LabConfig) -> None:
        """A choice made on a teaching panel is the same as making it in the controls."""
        self.controls.set_config(config)
        self.apply_config(config)

    def choose_reduction(self, reduction: str) -> None:
        self._apply_from_panel(self.config.replace(reduction=reduction))

    def set_batch_weights(self, weights: tuple[float, ...]) -> None:
        """Typed weights for the batch on screen become the dataset's weights (the others keep
        theirs; the default is 1/B)."""
        tv = self.teaching
        if tv is None or self.shown is None or len(weights) != tv.batch.size:
            return
        n = self.shown.view.layout.n
        current = self.config.weights
        v = np.full(n, 1.0 / tv.batch.size) if current is None or len(current) != n \
            else np.array(current)
        v[tv.batch] = weights
        self._apply_from_panel(self.config.replace(reduction="weighted",
                                                   weights=tuple(v.tolist())))

    def add_teaching_tab(self, name: str, widget: QWidget, title: str, tip: str) -> None:
        """A teaching panel in its own tab; the worker computes its inputs only while shown."""
        index = self.tabs.addTab(widget, title)
        self.tabs.setTabToolTip(index, tip)
        self._teaching_tabs[index] = name

    def _tab_changed(self, index: int) -> None:
        name = self._teaching_tabs.get(index)
        if name is not None:
            self._build_teaching_panel(name)
        self.teaching_requested.emit(frozenset() if name is None else frozenset({name}))

    def enlarge(self, panel: QWidget | None) -> None:
        """Show one training panel alone (None: all four), e.g. to project it."""
        self.tabs.setCurrentIndex(0)
        for p in (self.fit_panel, self.loss_panel, self.gradient_panel, self.history_panel):
            p.setVisible(panel is None or p is panel)

    def choose_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import data", "", "CSV (*.csv);;All files (*)")
        if path:
            self.import_csv(path)

    def import_csv(self, path: str) -> None:
        """Read ``path`` in the worker; the run restarts on it only if it loads."""
        self._reserved = max(self.generation, self._reserved) + 1
        self.csv_import_requested.emit(path, self._reserved)

    def choose_csv_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export data", "data.csv", "CSV (*.csv)")
        if path:
            self.csv_export_requested.emit(path)

    def show_code(self) -> None:
        self.code_requested.emit()

    def tell(self, title: str, text: str, warning: bool = False) -> None:
        """A message the user must see (a refused file): a window-modal box that does not block."""
        if self.message_box is not None:
            self.message_box.close()
            self.message_box.deleteLater()
        box = QMessageBox(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information,
                          title, text, QMessageBox.StandardButton.Ok, self)
        self.message_box = box
        box.open()

    def _on_data_loaded(self, config: LabConfig, dataset: Dataset, generation: int) -> None:
        if generation < self.generation:
            return
        self._new_generation(generation)
        self.config = config
        self.controls.set_config(config, csv_size=len(dataset))
        self.statusBar().showMessage(f"Loaded {len(dataset)} points from {config.source}", 5000)

    def _on_data_edited(self, config: LabConfig, n: int) -> None:
        self.config = config
        self.controls.set_config(config, csv_size=n if config.preset == "csv" else None)

    def _on_file_failed(self, message: str) -> None:
        self.tell("Not done", message, warning=True)

    def _on_file_written(self, path: str) -> None:
        self.statusBar().showMessage(f"Wrote {path}", 5000)

    def _on_code(self, script: str, note: str) -> None:
        if self.code_dialog is None:
            self.code_dialog = CodeDialog(self)
        self.code_dialog.show_script(script, note)

    # ---- commands ----------------------------------------------------------------------------

    def step(self, n: int = 1) -> None:
        self.step_requested.emit(int(n) if isinstance(n, int) and n > 0 else 1)

    def toggle_run(self) -> None:
        if self._running:
            self.pause_requested.emit()
        else:
            self.run_requested.emit()

    def run(self) -> None:
        self.run_requested.emit()

    def pause(self) -> None:
        self.pause_requested.emit()

    def reset(self) -> None:
        self._new_generation()
        self.reset_requested.emit(self.generation)

    def apply_config(self, config: LabConfig) -> None:
        """Send a config; a change that restarts at step 0 starts a new generation."""
        if needs_reset(self.config, config):
            self._new_generation()
        self.config = config
        self._answer_pending = True  # draw the first update made with it at once
        self.config_sent.emit(config, self.generation)

    def load_dataset(self, config: LabConfig, dataset: Dataset) -> None:
        self._new_generation()
        self.config = config
        self.dataset_sent.emit(config, dataset, self.generation)

    def _new_generation(self, generation: int | None = None, keep_history: bool = False) -> None:
        """Everything the worker sends from the old generation is dropped from now on."""
        self.generation = max(self.generation, self._reserved) + 1 if generation is None \
            else generation
        self.latest = None
        self.teaching = None
        self._diverged = False
        if not keep_history:
            self.history_panel.reset_history()
        self.fit_panel.clear_trail()
        self.hide_banner()

    # ---- from the worker ---------------------------------------------------------------------

    def _on_ready(self) -> None:
        self.state = "ready"
        self.controls.set_ready(True)
        self._set_status()
        self.worker_ready.emit()

    def _on_crashed(self, exit_code: int) -> None:
        """The training process died (a crash inside torch, or killed): the window carries on."""
        self._on_running_changed(False)
        self._on_errored(f"The training process stopped unexpectedly (exit code {exit_code}). "
                         "Press Reset (R) to start a new one: the settings are kept, hand edits "
                         "to the data since the last import are lost.")

    def _on_load_failed(self, message: str) -> None:
        self.state = "PyTorch failed to load"
        self._set_status()
        self.show_banner(message + " — the controls stay disabled; try --headless to see the "
                         "full error.")
        self.trouble_shown.emit(message)

    def _on_updated(self, update: Update) -> None:
        if update.generation < self.generation:
            return  # stale: from before a reset or a config change
        self.history_panel.append(update.history)
        if len(update.history):
            self._history_dirty = True
        self.latest = update
        self._dirty = True
        self._set_timeline(update)
        if self._error and not self._diverged:
            self._error = False
            self.hide_banner()
        if self._answer_pending and update.config == self.config:
            self._answer_pending = False
            self.pacer.allow_now()
            self._frame()

    def _on_taught(self, teaching: TeachingView) -> None:
        if teaching.generation < self.generation:
            return  # stale: from before a reset or a config change
        self.teaching = teaching
        self.teaching_shown.emit(teaching)

    def _on_diverged(self, generation: int, message: str) -> None:
        if generation < self.generation:
            return
        self._diverged = True
        self.state = "diverged"
        self._show_trouble(message)

    def _on_errored(self, message: str) -> None:
        self._error = True
        if not self._diverged:
            self.state = "error"
        self._show_trouble(message)

    def _show_trouble(self, message: str) -> None:
        self.show_banner(message)
        self._set_status()
        self.trouble_shown.emit(message)

    def _on_running_changed(self, running: bool) -> None:
        self._running = running
        self.controls.set_running(running)
        if running:
            self.state = "running"
        elif self.state == "running":
            self.state = "paused"
        self._set_status()

    # ---- drawing -----------------------------------------------------------------------------

    def _frame(self) -> None:
        """Draw what is new, no more often than the pacer allows (see pacing.py)."""
        if not (self._dirty or self._history_dirty):
            return
        started = time.perf_counter()
        if not self.pacer.may_draw(started):
            return
        if self._history_dirty:
            big = self.history_panel.buffer.size > BIG_HISTORY
            interval = HISTORY_INTERVAL_BIG if big else HISTORY_INTERVAL
            if not self._running or started - self._last_history_draw > interval:
                self._last_history_draw = started
                self.flush_history()
        if self._dirty and self.latest is not None:
            self._dirty = False
            self.redraw(self.latest)
        self.pacer.drew(time.perf_counter(), throttle=self._running)

    def redraw(self, update: Update) -> None:
        """Put ``update`` on every panel and in the status bar."""
        view = update.view
        self.fit_panel.show_view(view, update.step, update.record.applied)
        self.loss_panel.show_view(view)
        self.gradient_panel.show_view(view)
        self.shown = update
        if not self._diverged and not self._error and self.state not in ("running", "ready"):
            self.state = "paused"
        if self.state == "ready" and update.step > 0:
            self.state = "running" if self._running else "paused"
        self._set_status()
        self.update_shown.emit(update)

    def flush_history(self) -> None:
        self._history_dirty = False
        self.history_panel.redraw()

    def _set_status(self) -> None:
        s = self.status_labels
        s["state"].setText(f"<b>{self.state}</b>")
        u = self.shown
        if u is None:
            for key in ("step", "loss", "w", "b", "rate"):
                s[key].setText("")
            return
        r = u.record
        s["step"].setText(f"step <b>{count(u.step)}</b>")
        s["loss"].setText(f"loss <b>{fmt(r.loss)}</b>")
        s["w"].setText(f"w <b>{fmt(r.w_after)}</b>")
        s["b"].setText(f"b <b>{fmt(r.b_after)}</b>")
        rate = u.steps_per_second if u.running else 0.0
        shown = rate and math.isfinite(rate)
        s["rate"].setText(f"<b>{count(int(round(rate)))}</b> steps/s" if shown else "— steps/s")

    def show_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.show()

    def hide_banner(self) -> None:
        self.banner.hide()
        self.banner.setText("")

    def set_theme(self, theme: th.Theme) -> None:
        self.theme = theme
        app = QApplication.instance()
        if isinstance(app, QApplication):
            th.apply_app_theme(app, theme)
        for panel in (self.fit_panel, self.loss_panel, self.gradient_panel, self.history_panel,
                      *self._teaching_built()):
            panel.set_theme(theme)
        self.banner.setStyleSheet(
            f"QLabel {{ background: {theme.banner_error}; color: {theme.banner_text}; "
            f"font-size: 18px; font-weight: 600; padding: 8px; border-radius: 4px; }}")
        self.statusBar().setStyleSheet("QStatusBar QLabel { font-size: 17px; }")
        if self.shown is not None:
            self.redraw(self.shown)
            self.flush_history()

    # ---- shutdown ----------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Stop the worker and join its thread (never terminate()). Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self.frame_timer.stop()
        thread = self.thread
        if thread is not None:
            self.worker.request_stop()
            thread.quit()
            thread.wait()
        # Every plot of every panel, including ones added later: none may leave a menu behind.
        release_plot_menus([item for view in self.findChildren(pg.GraphicsView)
                            for item in view.scene().items() if isinstance(item, pg.PlotItem)])

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.shutdown()
        super().closeEvent(event)
