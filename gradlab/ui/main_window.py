"""The lab window: controls on the left, four live panels, a banner for trouble, a status bar.

The window keeps only the newest Update and redraws on a display-rate timer when something new
arrived; it never computes (the GIL is shared with the training thread) and never sees a tensor.

Around that: sessions (the worker reads and writes them from its own state; the window only names
the file), presentation mode and the text size, export of pictures, settings (QSettings through
``ui/settings.py``) and help.
"""

from __future__ import annotations

import math
import os
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QProcess, Qt, QThread, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QImage,
    QKeySequence,
    QShortcut,
)
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
    QToolBar,
    QVBoxLayout,
    QWhatsThis,
    QWidget,
    QWidgetAction,
)

from gradlab import i18n
from gradlab.core.config import ConfigError, LabConfig
from gradlab.core.data import Dataset
from gradlab.i18n import QT_TRANSLATE_NOOP, tr_message, translate
from gradlab.remote import RemoteWorker
from gradlab.ui import settings as st
from gradlab.ui import theme as th
from gradlab.ui.controls import ControlsPanel
from gradlab.ui.fit_panel import FitPanel
from gradlab.ui.gradient_panel import GradientPanel
from gradlab.ui.help import PANEL_HELP, TourDialog, about_html
from gradlab.ui.history_panel import HistoryPanel
from gradlab.ui.loss_panel import LossPanel
from gradlab.ui.pacing import PROCESS_DUTY, THREAD_DUTY, FramePacer
from gradlab.ui.presentation import PRESENTATION_LINES, PlotScaler
from gradlab.ui.sessions import SUFFIX
from gradlab.ui.text import count, fmt
from gradlab.worker import TIMELINE_STEPS, TrainerWorker, Update, needs_reset, start_worker

if TYPE_CHECKING:  # annotations only; the panels are built on first use (not paid at start-up)
    from collections.abc import Callable

    from gradlab.ui.chain_rule_panel import ChainRulePanel
    from gradlab.ui.code_dialog import CodeDialog
    from gradlab.ui.graph_panel import GraphPanel
    from gradlab.ui.landscape_panel import LandscapePanel
    from gradlab.ui.reduction_panel import ReductionPanel
    from gradlab.ui.teaching_view import TeachingView

FRAME_MS = 16
#: Start the worker after this long even if the window never painted.
START_FALLBACK_MS = 500
#: While running, the history curves (whose x-axis moves every frame) are redrawn at most this
#: often; slower still once they hold more than BIG_HISTORY steps.
HISTORY_INTERVAL = 0.25
HISTORY_INTERVAL_BIG = 0.5
#: The window's size after Reset layout (shrunk to the screen if it is smaller).
DEFAULT_SIZE = (1600, 1000)
TITLE = QT_TRANSLATE_NOOP("MainWindow", "gradlab — why loss.backward() needs a scalar")
SESSION_FILTER = QT_TRANSLATE_NOOP("MainWindow", "gradlab session (*.gradlab)")
#: The run's states as the status bar shows them (``window.state`` keeps the English key).
STATES = {
    "loading PyTorch…": QT_TRANSLATE_NOOP("MainWindow", "loading PyTorch…"),
    "ready": QT_TRANSLATE_NOOP("MainWindow", "ready"),
    "running": QT_TRANSLATE_NOOP("MainWindow", "running"),
    "paused": QT_TRANSLATE_NOOP("MainWindow", "paused"),
    "diverged": QT_TRANSLATE_NOOP("MainWindow", "diverged"),
    "error": QT_TRANSLATE_NOOP("MainWindow", "error"),
    "PyTorch failed to load": QT_TRANSLATE_NOOP("MainWindow", "PyTorch failed to load"),
}
BIG_HISTORY = 200_000


def _unique_keys(*keys: str | QKeySequence.StandardKey) -> list[QKeySequence]:
    """Key sequences without repeats (the platform's Zoom In is often Ctrl++ already, and a
    shortcut listed twice on one action is ambiguous: it would never fire)."""
    out: list[QKeySequence] = []
    for key in keys:
        sequences = QKeySequence.keyBindings(key) if isinstance(key, QKeySequence.StandardKey) \
            else [QKeySequence(key)]
        out += [s for s in sequences if not s.isEmpty() and s not in out]
    return out


def _start_detached(program: str, arguments: list[str]) -> bool:
    started = QProcess.startDetached(program, arguments)
    return bool(started[0] if isinstance(started, tuple) else started)


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


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
    session_save_requested = Signal(str)  # path
    session_open_requested = Signal(str, int)  # path, the generation to use if it opens
    history_export_requested = Signal(str)  # path
    # for observers (tests, --screenshot)
    update_shown = Signal(object)
    worker_ready = Signal()
    trouble_shown = Signal(str)  # divergence, an error, or torch failing to load
    teaching_shown = Signal(object)  # a TeachingView of the current generation arrived
    session_changed = Signal(str)  # a session was saved or opened (its path)
    session_refused = Signal(str)  # a session could not be opened or saved (the message shown)
    #: The window is up: its first paint is done (or START_FALLBACK_MS passed without one, or it
    #: was started unshown) and the worker is starting. Emitted once.
    startup_done = Signal()

    def __init__(self, config: LabConfig, dataset: Dataset | None = None,
                 theme: th.Theme = th.LIGHT, worker_mode: str = "process",
                 settings: st.Settings | None = None) -> None:
        """``worker_mode``: "process" trains in a child process (see remote.py: the window's
        drawing and the trainer then never wait for each other's GIL); "thread" trains in a
        QThread of this process (the same worker; tests inject faults there). ``settings``:
        where recent files, the text size and the layout are kept (default: the user's)."""
        super().__init__()
        self.worker_mode = worker_mode
        self.settings = settings if settings is not None else st.Settings()
        self.session_path: str | None = None  # the session saved or opened last
        self.presenting = False
        self.font_scale = self.settings.font_scale()
        th.set_scale(self.font_scale)  # the panels are built at this size
        self._normal_layout: tuple | None = None  # geometry, state before presentation mode
        self._pending_sessions: dict[str, str] = {}  # path -> "open" / "save"
        self._timeline_floor = 0  # steps up to this one cannot be replayed (an opened session)
        self._scaler = PlotScaler()
        self.tour: TourDialog | None = None
        self.about_box: QMessageBox | None = None
        self.language_box: QMessageBox | None = None
        self._restart_file: str | None = None  # the session a restart carries the run in
        self._passing: set[str] = set()  # sessions opened without becoming the session file
        #: starts the new gradlab of a restart: (program, arguments) -> started?
        self.launcher = _start_detached
        self.setWindowTitle(translate("MainWindow", TITLE))
        from gradlab.resources import app_icon

        icon = app_icon()
        if icon is not None:
            self.setWindowIcon(icon)
        self.theme = theme
        app = QApplication.instance()
        if isinstance(app, QApplication):  # before any widget: no widget has to be re-polished
            th.apply_app_theme(app, theme)
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
        self.controls.set_theme_name(theme.name)
        self.controls.set_scale(self.font_scale)
        # The controls spell defaults out (N 50 rather than None): start from their spelling, so
        # the first edit is compared like with like and does not look like a new dataset.
        try:
            config = self.config = self.controls.config()
        except ConfigError:
            pass
        scroll = self.controls_scroll = QScrollArea()
        scroll.setWidget(self.controls)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._fit_controls()
        self.dock = QDockWidget(translate("MainWindow", "Controls"))
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
        self.tabs.addTab(training, translate("MainWindow", "Training"))
        self.tabs.setTabToolTip(0, translate("MainWindow", "The fit, each sample's loss and "
                                             "gradient share, the history"))
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
        self._toolbar()
        self._help_texts()
        self.code_dialog: CodeDialog | None = None
        self.message_box: QMessageBox | None = None
        self.set_theme(theme, panels=False)  # the panels were made in this theme
        self._scaler.rescale(self._plot_panels(), th.FONT_SCALE)  # markers set from literals
        self.controls.set_ready(False)
        self._default_state = self.saveState()  # for Reset layout

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
        c.config_invalid.connect(lambda msg: self.show_banner(
            translate("MainWindow", "Not applied: {reason}").format(reason=msg)))
        c.speed_changed.connect(self.speed_requested)
        f = self.fit_panel
        f.point_moved.connect(lambda i, x, y: self.data_edit_requested.emit("move", i, x, y))
        f.point_added.connect(lambda x, y: self.data_edit_requested.emit("add", -1, x, y))
        f.point_removed.connect(lambda i: self.data_edit_requested.emit("remove", i, 0.0, 0.0))
        c.theme_chosen.connect(self.choose_theme)

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
        self.session_save_requested.connect(worker.save_session)
        self.session_open_requested.connect(worker.load_session)
        self.history_export_requested.connect(worker.export_history)
        worker.data_edited.connect(self._on_data_edited)
        worker.data_loaded.connect(self._on_data_loaded)
        # Methods, never lambdas: a lambda has no thread, so Qt would call it in the worker's.
        worker.file_failed.connect(self._on_file_failed)
        worker.file_written.connect(self._on_file_written)
        worker.code_generated.connect(self._on_code)
        worker.session_saved.connect(self._on_session_saved)
        worker.session_loaded.connect(self._on_session_loaded)
        worker.session_failed.connect(self._on_session_failed)
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
        # Paint, not UpdateRequest: the first UpdateRequest comes before the window is exposed
        # and paints nothing (measured: starting then put ~13 ms in front of the first paint).
        if obj is self and event.type() == QEvent.Type.Paint:
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
            self.startup_done.emit()

    def _action(self, menu, text: str, tip: str, slot, key: str | QKeySequence | None = None,  # noqa: ANN001
                checkable: bool = False) -> QAction:
        """A menu action with its tooltip, status tip and "What's This?" text."""
        action = menu.addAction(text)
        if key is not None:
            action.setShortcut(QKeySequence(key))
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.setWhatsThis(tip)
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        return action

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu(translate("MainWindow", "&File"))
        self._action(file_menu, translate("MainWindow", "&Open session…"),
                     translate("MainWindow", "Open a saved .gradlab session and carry on exactly "
                               "where it was saved"), self.choose_session_open, "Ctrl+O")
        self.recent_menu = file_menu.addMenu(translate("MainWindow", "Open &recent"))
        self.recent_menu.setToolTipsVisible(True)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._action(file_menu, translate("MainWindow", "&Save session"),
                     translate("MainWindow", "Save the run (settings, data, parameters, optimizer "
                               "state and history) to its session file"), self.save_session,
                     QKeySequence.StandardKey.Save)
        self._action(file_menu, translate("MainWindow", "Save session &as…"),
                     translate("MainWindow", "Save the run to a new session file"),
                     self.choose_session_save, "Ctrl+Shift+S")
        file_menu.addSeparator()
        self._action(file_menu, translate("MainWindow", "&Import CSV…"),
                     translate("MainWindow", "Load data from a CSV file: two numeric columns x, y "
                               "(a header row is allowed)"), self.choose_csv, "Ctrl+I")
        self._action(file_menu, translate("MainWindow", "&Export CSV…"),
                     translate("MainWindow", "Save the current data as CSV"),
                     self.choose_csv_export, "Ctrl+E")
        export_menu = file_menu.addMenu(translate("MainWindow", "E&xport picture"))
        export_menu.setToolTipsVisible(True)
        for name, text in self.EXPORTABLE.items():
            self._action(export_menu, translate("MainWindow", text),
                         translate("MainWindow", "Save this panel as a PNG image or an SVG "
                                   "drawing"),
                         lambda _=False, n=name: self.choose_panel_export(n))
        export_menu.addSeparator()
        self._action(export_menu, translate("MainWindow", "The whole &window…"),
                     translate("MainWindow", "Save a PNG image of the whole window"),
                     self.choose_window_export)
        self._action(file_menu, translate("MainWindow", "Export &history…"),
                     translate("MainWindow", "Save the loss, the gradient, w and b of every step "
                               "as CSV"), self.choose_history_export)
        self._action(file_menu, translate("MainWindow", "Show the &code…"),
                     translate("MainWindow", "The plain PyTorch script that does exactly what the "
                               "lab did"), self.show_code, "Ctrl+K")
        file_menu.addSeparator()
        self._action(file_menu, translate("MainWindow", "&Quit"),
                     translate("MainWindow", "Close gradlab"), self.close, "Ctrl+Q")

        edit_menu = self.menuBar().addMenu(translate("MainWindow", "&Edit"))
        copy_menu = edit_menu.addMenu(translate("MainWindow", "&Copy picture of"))
        copy_menu.setToolTipsVisible(True)
        for name, text in self.EXPORTABLE.items():
            self._action(copy_menu, translate("MainWindow", text).removesuffix("…"),
                         translate("MainWindow", "Copy a picture of this panel to the clipboard, "
                                   "to paste into slides or notes"),
                         lambda _=False, n=name: self.copy_panel(n))

        view_menu = self.menuBar().addMenu(translate("MainWindow", "&View"))
        for i, (text, panel) in enumerate((
                (translate("MainWindow", "Enlarge the &fit"), self.fit_panel),
                (translate("MainWindow", "Enlarge the &losses"), self.loss_panel),
                (translate("MainWindow", "Enlarge the &gradient"), self.gradient_panel),
                (translate("MainWindow", "Enlarge the &history"), self.history_panel)),
                start=1):
            action = view_menu.addAction(text)
            action.setShortcut(QKeySequence(f"Alt+{i}"))
            action.triggered.connect(lambda _=False, p=panel: self.enlarge(p))
        action = view_menu.addAction(translate("MainWindow", "Show &all panels"))
        action.setShortcut(QKeySequence("Alt+0"))
        action.triggered.connect(lambda _=False: self.enlarge(None))
        view_menu.addSeparator()
        self.present_action = self._action(
            view_menu, translate("MainWindow", "&Presentation mode"),
            translate("MainWindow", "Full screen with larger text and thicker lines, for a "
                      "projector (F11)"), self.set_presentation, "F11", checkable=True)
        self.present_action.setIconText(translate("MainWindow", "Present"))  # its toolbar button
        self.controls_action = self._action(
            view_menu, translate("MainWindow", "Show the c&ontrols"),
            translate("MainWindow", "Show or hide the controls, so the plots take the room "
                      "(Ctrl+L)"), self.set_controls_visible, "Ctrl+L", checkable=True)
        self.controls_action.setIconText(translate("MainWindow", "Controls"))
        self.controls_action.setChecked(True)
        self.larger_action = self._action(
            view_menu, translate("MainWindow", "&Larger text"),
            translate("MainWindow", "Make every font and marker larger (Ctrl+=)"),
            lambda _=False: self.change_font_scale(+1))
        self.larger_action.setShortcuts(_unique_keys("Ctrl+=", "Ctrl++",
                                                     QKeySequence.StandardKey.ZoomIn))
        self.smaller_action = self._action(
            view_menu, translate("MainWindow", "&Smaller text"),
            translate("MainWindow", "Make every font and marker smaller (Ctrl+-)"),
            lambda _=False: self.change_font_scale(-1))
        self.smaller_action.setShortcuts(_unique_keys("Ctrl+-", QKeySequence.StandardKey.ZoomOut))
        self._action(view_menu, translate("MainWindow", "&Normal text size"),
                     translate("MainWindow", "Back to the normal text size (Ctrl+0)"),
                     lambda _=False: self.set_font_scale(1.0), "Ctrl+0")
        theme_menu = view_menu.addMenu(translate("MainWindow", "&Theme"))
        group = QActionGroup(self)
        self.theme_actions: dict[str, QAction] = {}
        for name, label in th.THEME_LABELS.items():
            action = self._action(theme_menu, translate("Theme", label),
                                  translate("MainWindow", "Use this colour theme"),
                                  lambda _=False, n=name: self.choose_theme(n), checkable=True)
            group.addAction(action)
            self.theme_actions[name] = action
        view_menu.addSeparator()
        self._action(view_menu, translate("MainWindow", "&Reset layout"),
                     translate("MainWindow", "Put the controls, the toolbar and the window back "
                               "where they were at first"), self.reset_layout)

        self._language_menu()

        help_menu = self.menuBar().addMenu(translate("MainWindow", "&Help"))
        whats_this = QWhatsThis.createAction(self)
        whats_this.setText(translate("MainWindow", "&What's This?"))
        whats_this.setToolTip(translate("MainWindow", "Click this, then any control or panel, "
                                        "for what it means"))
        whats_this.setWhatsThis(whats_this.toolTip())
        help_menu.addAction(whats_this)
        self._action(help_menu, translate("MainWindow", "Guided &tour…"),
                     translate("MainWindow", "A short tour of the window's panels"),
                     self.show_tour)
        help_menu.addSeparator()
        self._action(help_menu, translate("MainWindow", "&About gradlab…"),
                     translate("MainWindow", "The version of gradlab and of the libraries it "
                               "runs on"), self.show_about)

    def _toolbar(self) -> None:
        """Presentation mode, the controls, text size; Step / Run / Reset when the controls are
        hidden (the keys Space, Enter and R work either way)."""
        bar = self.toolbar = QToolBar(translate("MainWindow", "Toolbar"))
        bar.setObjectName("toolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.addAction(self.present_action)
        bar.addAction(self.controls_action)
        bar.addSeparator()
        self.toolbar_buttons: list[QAction] = []
        for text, tip, slot in (
                (translate("MainWindow", "Step"), translate("MainWindow", "Take one step (Space)"),
                 self.step),
                (translate("MainWindow", "Run"), translate("MainWindow", "Run or pause (Enter)"),
                 self.toggle_run),
                (translate("MainWindow", "Reset"), translate("MainWindow", "Back to step 0 (R)"),
                 self.reset)):
            action = QAction(text, self)
            action.setToolTip(tip)
            action.setWhatsThis(tip)
            action.triggered.connect(lambda _=False, f=slot: f())
            bar.addAction(action)
            self.toolbar_buttons.append(action)
        self.toolbar_run = self.toolbar_buttons[1]
        bar.addSeparator()
        for action, text in ((self.smaller_action, "A−"), (self.larger_action, "A+")):
            button = QAction(text, self)
            button.setToolTip(action.toolTip())
            button.setWhatsThis(action.whatsThis())
            button.triggered.connect(action.trigger)
            bar.addAction(button)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self._show_toolbar_buttons()

    def _help_texts(self) -> None:
        """Tooltips and "What's This?" texts of the window's own parts."""
        for name, widget in (("fit", self.fit_panel), ("loss", self.loss_panel),
                             ("gradient", self.gradient_panel), ("history", self.history_panel),
                             ("timeline", self.timeline), ("banner", self.banner),
                             ("status", self.statusBar())):
            tip, text = (translate("Help", t) for t in PANEL_HELP[name])
            widget.setWhatsThis(text)
            if name in ("timeline", "status"):
                widget.setToolTip(tip)
        self.continue_button.setWhatsThis(translate("Help", PANEL_HELP["timeline"][1]))
        self.dock.setWhatsThis(translate("MainWindow", "<b>The controls.</b> Every setting of the "
                                         "run. Point at one and press Shift+F1 for what it means; "
                                         "Ctrl+L hides them."))

    def _timeline_row(self) -> QHBoxLayout:
        self.timeline = QSlider(Qt.Orientation.Horizontal)
        self.timeline.setRange(0, 0)
        self.timeline.setEnabled(False)
        self.timeline.setToolTip(translate("MainWindow", "Scrub back through the last 10,000 "
                                           "steps: every panel shows the run as it was at that "
                                           "step"))
        self.timeline.valueChanged.connect(self._timeline_moved)
        self.timeline_label = QLabel()
        self.continue_button = QPushButton(translate("MainWindow", "Continue from here"))
        self.continue_button.setToolTip(translate("MainWindow", "Train on from the step shown; "
                                                  "the steps after it are discarded"))
        self.continue_button.setEnabled(False)
        self.continue_button.clicked.connect(self.continue_from_shown)
        row = QHBoxLayout()
        row.addWidget(QLabel(translate("MainWindow", "timeline")))
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
            self.timeline_label.setText(translate("MainWindow", "step {step} of {last}").format(
                step=count(k), last=count(self.run_step)))
            self.continue_button.setEnabled(k < self.run_step)
            return
        self.run_step = step = update.step
        if self._timeline_floor < 0:
            self._timeline_floor = step
        low = max(1, step - TIMELINE_STEPS + 1, self._timeline_floor + 1) if step else 0
        self.timeline.blockSignals(True)
        self.timeline.setRange(min(low, step), step)
        self.timeline.setValue(step)
        self.timeline.blockSignals(False)
        self.timeline.setEnabled(1 <= step and self._timeline_floor < step)
        self.timeline_label.setText(translate("MainWindow", "step {step}").format(
            step=count(step)))
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
        "reduction": (QT_TRANSLATE_NOOP("MainWindow", "Reduction"),
                      QT_TRANSLATE_NOOP("MainWindow", "none, mean, sum and weighted side by side "
                                                      "for the current batch")),
        "chain_rule": (QT_TRANSLATE_NOOP("MainWindow", "Chain rule"),
                       QT_TRANSLATE_NOOP("MainWindow", "The derivation of this step's gradient, "
                                                       "by hand next to autograd")),
        "graph": (QT_TRANSLATE_NOOP("MainWindow", "Autograd graph"),
                  QT_TRANSLATE_NOOP("MainWindow", "The graph PyTorch builds for the loss; "
                                                  "backward() walks it")),
        "landscape": (QT_TRANSLATE_NOOP("MainWindow", "Landscape"),
                      QT_TRANSLATE_NOOP("MainWindow", "L(w, b) over the data, the path of (w, b) "
                                                      "and this step's arrow; click to start from "
                                                      "another point")),
    }

    def _teaching_panels(self, theme: th.Theme) -> None:
        """One tab per teaching panel; the panels themselves wait for their tab (start-up)."""
        self._teaching_pages: dict[str, QWidget] = {}
        for name, (title, tip) in self.TEACHING_TABS.items():
            page = QWidget()
            QVBoxLayout(page).setContentsMargins(0, 0, 0, 0)
            self._teaching_pages[name] = page
            self.add_teaching_tab(name, page, translate("MainWindow", title),
                                  translate("MainWindow", tip))
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
            from gradlab.ui.reduction_panel import ReductionPanel

            panel = self.reduction_panel = ReductionPanel(theme)
            panel.reduction_chosen.connect(self.choose_reduction)
            panel.weights_edited.connect(self.set_batch_weights)
            panel.backward_requested.connect(
                lambda: self.teaching_requested.emit(frozenset({"reduction"})))
        elif name == "chain_rule":
            from gradlab.ui.chain_rule_panel import ChainRulePanel

            panel = self.chain_rule_panel = ChainRulePanel(theme)
        elif name == "graph":
            from gradlab.ui.graph_panel import GraphPanel

            panel = self.graph_panel = GraphPanel(theme)
        else:
            from gradlab.ui.landscape_panel import LandscapePanel

            panel = self.landscape_panel = LandscapePanel(theme)
            panel.start_point_chosen.connect(self.start_from)
            panel.range_requested.connect(self.landscape_range_requested)
        self._teaching_pages[name].layout().addWidget(panel)
        self._scaler.rescale([panel], th.FONT_SCALE)  # its markers were set from literals

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
        path, _ = QFileDialog.getOpenFileName(self, translate("MainWindow", "Import data"), "",
                                              translate("MainWindow", "CSV (*.csv);;All files (*)"))
        if path:
            self.import_csv(path)

    def import_csv(self, path: str) -> None:
        """Read ``path`` in the worker; the run restarts on it only if it loads."""
        self._reserved = max(self.generation, self._reserved) + 1
        self.csv_import_requested.emit(path, self._reserved)

    def choose_csv_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, translate("MainWindow", "Export data"),
                                              "data.csv", "CSV (*.csv)")
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
        self.statusBar().showMessage(translate("MainWindow", "Loaded {n} points from {source}")
                                     .format(n=len(dataset), source=config.source), 5000)

    def _on_data_edited(self, config: LabConfig, n: int) -> None:
        self.config = config
        self.controls.set_config(config, csv_size=n if config.preset == "csv" else None)

    def _on_file_failed(self, message: str) -> None:
        self.tell(translate("MainWindow", "Not done"), tr_message(message), warning=True)

    def _on_file_written(self, path: str) -> None:
        self.statusBar().showMessage(translate("MainWindow", "Wrote {path}").format(path=path),
                                     5000)

    def _on_code(self, script: str, note: str) -> None:
        if self.code_dialog is None:
            from gradlab.ui.code_dialog import CodeDialog

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
            self._timeline_floor = 0
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
        self._on_errored(translate(
            "MainWindow", "The training process stopped unexpectedly (exit code {code}). Press "
            "Reset (R) to start a new one: the settings are kept, hand edits to the data since "
            "the last import are lost.").format(code=exit_code))

    def _on_load_failed(self, message: str) -> None:
        self.state = "PyTorch failed to load"
        self._set_status()
        message = tr_message(message)
        self.show_banner(translate("MainWindow", "{reason} — the controls stay disabled; try "
                                   "--headless to see the full error.").format(reason=message))
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
        message = tr_message(message)  # a Message from the worker, in the current language
        self.show_banner(message)
        self._set_status()
        self.trouble_shown.emit(message)

    def _on_running_changed(self, running: bool) -> None:
        self._running = running
        self.controls.set_running(running)
        self.toolbar_run.setText(translate("MainWindow", "Pause") if running
                                 else translate("MainWindow", "Run"))
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
        if th.FONT_SCALE != 1.0:  # the fit panel restyles its markers when the data change
            self._scaler.keep(self.fit_panel)
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
        if th.FONT_SCALE != 1.0:  # its dots are restyled as the history grows
            self._scaler.keep(self.history_panel)

    def _set_status(self) -> None:
        s = self.status_labels
        state = translate("MainWindow", STATES[self.state]) if self.state in STATES \
            else self.state
        s["state"].setText(f"<b>{state}</b>")
        u = self.shown
        if u is None:
            for key in ("step", "loss", "w", "b", "rate"):
                s[key].setText("")
            return
        r = u.record
        s["step"].setText(translate("MainWindow", "step <b>{step}</b>").format(
            step=count(u.step)))
        s["loss"].setText(translate("MainWindow", "loss <b>{loss}</b>").format(loss=fmt(r.loss)))
        s["w"].setText(f"w <b>{fmt(r.w_after)}</b>")
        s["b"].setText(f"b <b>{fmt(r.b_after)}</b>")
        rate = u.steps_per_second if u.running else 0.0
        shown = rate and math.isfinite(rate)
        s["rate"].setText(translate("MainWindow", "<b>{rate}</b> steps/s").format(
            rate=count(int(round(rate)))) if shown else translate("MainWindow", "— steps/s"))

    def show_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.show()

    def hide_banner(self) -> None:
        self.banner.hide()
        self.banner.setText("")

    def set_theme(self, theme: th.Theme, panels: bool = True) -> None:
        self.theme = theme
        app = QApplication.instance()
        if isinstance(app, QApplication):
            th.apply_app_theme(app, theme)
        for panel in (self.fit_panel, self.loss_panel, self.gradient_panel, self.history_panel,
                      *self._teaching_built()) if panels else ():
            panel.set_theme(theme)
        self.banner.setStyleSheet(
            f"QLabel {{ background: {theme.banner_error}; color: {theme.banner_text}; "
            f"font-size: {th.px(18)}px; font-weight: 600; padding: 8px; border-radius: 4px; }}")
        self.statusBar().setStyleSheet(f"QStatusBar QLabel {{ font-size: {th.px(17)}px; }}")
        if hasattr(self, "theme_actions"):
            self.theme_actions[theme.name].setChecked(True)
        self.controls.set_theme_name(theme.name)
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
        if not self._closed:
            self.save_settings()
        self.shutdown()
        super().closeEvent(event)

    # ---- sessions ----------------------------------------------------------------------------

    def save_session_to(self, path: str) -> None:
        """Ask the worker to save the run to ``path`` (it answers with ``session_changed`` or
        a message). Safe to call from a crash handler: it only sends a queued request."""
        path = str(path)
        self._pending_sessions[path] = "save"
        self.session_save_requested.emit(path)

    def open_session_from(self, path: str) -> None:
        """Ask the worker to open the session at ``path``; the run goes on from where it was
        saved. A file that is not a valid session is refused and changes nothing."""
        path = str(path)
        self._pending_sessions[path] = "open"
        self._reserved = max(self.generation, self._reserved) + 1
        self.session_open_requested.emit(path, self._reserved)

    def save_session(self) -> None:
        """File → Save session: to the current session file, or ask for one."""
        if self.session_path:
            self.save_session_to(self.session_path)
        else:
            self.choose_session_save()

    def choose_session_save(self) -> None:
        start = self.session_path or os.path.join(self._dialog_folder(), "session" + SUFFIX)
        path, _ = QFileDialog.getSaveFileName(self, translate("MainWindow", "Save session"),
                                              start, translate("MainWindow", SESSION_FILTER))
        if path:
            if not Path(path).suffix:
                path += SUFFIX
            self.save_session_to(path)

    def choose_session_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, translate("MainWindow", "Open session"), self._dialog_folder(),
            translate("MainWindow", SESSION_FILTER) + ";;"
            + translate("MainWindow", "All files (*)"))
        if path:
            self.open_session_from(path)

    def _dialog_folder(self) -> str:
        recent = self.settings.recent_files()
        return os.path.dirname(self.session_path or (recent[0] if recent else "")) or ""

    def _fill_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        paths = self.settings.recent_files()
        for i, path in enumerate(paths, start=1):
            action = menu.addAction(f"&{i} {Path(path).name}")
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_session_from(p))
        if not paths:
            menu.addAction(translate("MainWindow", "(none yet)")).setEnabled(False)
        menu.addSeparator()
        clear = menu.addAction(translate("MainWindow", "&Clear the list"))
        clear.setEnabled(bool(paths))
        clear.triggered.connect(lambda _=False: self.settings.set_recent_files([]))

    def _session_named(self, path: str) -> None:
        self.session_path = path
        self.settings.add_recent_file(path)
        self.setWindowTitle(translate("MainWindow", "{name} — gradlab").format(
            name=Path(path).name))
        self.session_changed.emit(path)

    def _on_session_saved(self, path: str) -> None:
        self._pending_sessions.pop(path, None)
        if path == self._restart_file:
            self._relaunch(path)
            return
        self._session_named(path)
        self.statusBar().showMessage(
            translate("MainWindow", "Saved the session to {path}").format(path=path), 5000)

    def _on_session_loaded(self, path: str, config: LabConfig, dataset: Dataset, history: object,
                           generation: int) -> None:
        self._pending_sessions.pop(path, None)
        if generation < self.generation:
            return  # something newer (a reset, another file) came first
        self._new_generation(generation)
        self.config = config
        self.controls.set_config(config, csv_size=len(dataset) if config.preset == "csv"
                                 else None)
        self.history_panel.append(history)
        self._history_dirty = True
        self._timeline_floor = -1  # the step of the next update: before it, nothing replays
        if path in self._passing:  # carried over by a restart: not the user's file
            self._passing.discard(path)
            _remove(path)
            return
        self._session_named(path)
        self.statusBar().showMessage(
            translate("MainWindow", "Opened the session {path}").format(path=path), 5000)

    def _on_session_failed(self, path: str, message: object) -> None:
        op = self._pending_sessions.pop(path, "open")
        if path == self._restart_file:
            self._restart_file = None
        if path in self._passing:
            self._passing.discard(path)
            _remove(path)
        message = tr_message(message)
        if op == "save":
            text = translate("MainWindow", "The session was not saved to {path}:\n{reason}").format(
                path=path, reason=message)
        else:
            text = translate("MainWindow", "{path} was not opened:\n{reason}\n\nThe session you "
                             "have open is unchanged.").format(path=path, reason=message)
            if not os.path.exists(path):
                self.settings.remove_recent_file(path)
        self.tell(translate("MainWindow", "Session"), text, warning=True)
        self.session_refused.emit(text)

    # ---- export ------------------------------------------------------------------------------

    #: name -> menu text of each picture File → Export and Edit → Copy offer
    EXPORTABLE = {"fit": QT_TRANSLATE_NOOP("MainWindow", "The &fit…"),
                  "loss": QT_TRANSLATE_NOOP("MainWindow", "The &losses…"),
                  "gradient": QT_TRANSLATE_NOOP("MainWindow", "The &gradient…"),
                  "history": QT_TRANSLATE_NOOP("MainWindow", "The &history…"),
                  "tab": QT_TRANSLATE_NOOP("MainWindow", "The current &tab…")}

    def panel_widget(self, name: str) -> QWidget:
        """The widget a picture of ``name`` is taken from ("tab": the tab on screen)."""
        panels = {"fit": self.fit_panel, "loss": self.loss_panel,
                  "gradient": self.gradient_panel, "history": self.history_panel}
        if name in panels:
            return panels[name]
        if name == "tab":
            tab = self._teaching_tabs.get(self.tabs.currentIndex())
            built = {"reduction": self.reduction_panel, "chain_rule": self.chain_rule_panel,
                     "graph": self.graph_panel, "landscape": self.landscape_panel}.get(tab)
            return built if built is not None else self.tabs.currentWidget()
        raise KeyError(name)

    def _draw_now(self) -> None:
        """Everything on screen is up to date (a picture must show the latest step)."""
        if self._dirty and self.latest is not None:
            self._dirty = False
            self.redraw(self.latest)
        if self._history_dirty:
            self.flush_history()

    def export_panel(self, name: str, path: str) -> bool:
        """Write a picture of a panel to ``path`` (.png or .svg); False (and a message) if not."""
        from gradlab.ui import export

        return self._export(export.export_panel, self.panel_widget(name), path)

    def export_window(self, path: str) -> bool:
        """A PNG of the whole window."""
        from gradlab.ui import export

        return self._export(export.export_window, self, path)

    def _export(self, write: Callable[[QWidget, str], None], widget: QWidget, path: str) -> bool:
        """Draw what is pending, then ``write(widget, path)``; say how it went."""
        from gradlab.ui import export

        self._draw_now()
        try:
            write(widget, str(path))
        except export.ExportError as exc:
            self.tell(translate("MainWindow", "Export"), str(exc), warning=True)
            return False
        self._on_file_written(str(path))
        return True

    def copy_panel(self, name: str) -> QImage:
        """Put a picture of a panel on the clipboard."""
        from gradlab.ui import export

        self._draw_now()
        image = export.copy_panel(self.panel_widget(name))
        self.statusBar().showMessage(translate("MainWindow", "Copied a picture to the clipboard"),
                                     5000)
        return image

    def export_history(self, path: str) -> None:
        """The history as CSV, written by the worker (it keeps the history of the run)."""
        self.history_export_requested.emit(str(path))

    def _ask_save_path(self, title: str, name: str, filters: str) -> str:
        start = os.path.join(self._dialog_folder(), name)
        path, chosen = QFileDialog.getSaveFileName(self, title, start, filters)
        if path and not Path(path).suffix:
            path += ".svg" if "svg" in chosen.lower() else Path(name).suffix
        return path

    def choose_panel_export(self, name: str) -> None:
        path = self._ask_save_path(
            translate("MainWindow", "Export picture"), f"gradlab-{name}.png",
            translate("MainWindow", "PNG image (*.png);;SVG drawing (*.svg)"))
        if path:
            self.export_panel(name, path)

    def choose_window_export(self) -> None:
        path = self._ask_save_path(
            translate("MainWindow", "Export the window"), "gradlab-window.png",
            translate("MainWindow", "PNG image (*.png)"))
        if path:
            self.export_window(path)

    def choose_history_export(self) -> None:
        path = self._ask_save_path(translate("MainWindow", "Export history"),
                                   "gradlab-history.csv", "CSV (*.csv)")
        if path:
            self.export_history(path)

    # ---- presentation, text size, theme, layout ---------------------------------------------

    def set_presentation(self, on: bool, full_screen: bool = True) -> None:
        """Presentation mode: full screen (unless ``full_screen`` is False, e.g. for a
        screenshot of a given size), its own text size (larger by default), thicker lines."""
        on = bool(on)
        self.present_action.setChecked(on)
        if on == self.presenting:
            return
        if on:
            self._normal_layout = (self.saveGeometry(), self.saveState())
            self.presenting = True
            self.set_controls_visible(self.settings.presentation_controls(), remember=False)
            if full_screen:
                self.showFullScreen()
        else:
            self.presenting = False
            if self.isFullScreen():
                self.showNormal()
            if self._normal_layout is not None:
                geometry, state = self._normal_layout
                self.restoreGeometry(geometry)
                self.restoreState(state)
                self._normal_layout = None
            self.controls_action.setChecked(not self.dock.isHidden())
            self._show_toolbar_buttons()
        self._apply_scale(self.settings.font_scale(self.presenting))

    def set_controls_visible(self, shown: bool, remember: bool = True) -> None:
        """Show or hide the controls; in presentation mode the choice is remembered."""
        self.dock.setVisible(bool(shown))
        self.controls_action.setChecked(bool(shown))
        if remember and self.presenting:
            self.settings.set_presentation_controls(bool(shown))
        self._show_toolbar_buttons()

    def _show_toolbar_buttons(self) -> None:
        hidden = not self.controls_action.isChecked()
        for action in self.toolbar_buttons:
            action.setVisible(hidden)

    def change_font_scale(self, direction: int) -> None:
        """One text-size step up (+1) or down (-1)."""
        self.set_font_scale(st.next_scale(self.font_scale, direction))

    def set_font_scale(self, scale: float) -> None:
        """Scale every font and marker live (1.0: normal); remembered per mode."""
        scale = st.clamp_scale(scale, self.font_scale)
        self.settings.set_font_scale(scale, self.presenting)
        self._apply_scale(scale)

    def _apply_scale(self, scale: float) -> None:
        old = th.FONT_SCALE
        self.font_scale = scale
        th.set_scale(scale, PRESENTATION_LINES if self.presenting else 1.0)
        self._scaler.rescale(self._plot_panels(), old)
        self.controls.set_scale(scale)
        self.set_theme(self.theme)
        for panel in self._teaching_built():
            rescale = getattr(panel, "rescale_text", None)
            if rescale is not None:
                rescale()
        self._fit_controls()
        QTimer.singleShot(0, self._fit_controls)  # again once the new fonts have settled
        self.statusBar().showMessage(translate("MainWindow", "Text size {pct} %").format(
            pct=round(scale * 100)), 2000)

    def _fit_controls(self) -> None:
        """The controls' dock is as wide as the controls need at the current text size."""
        self.controls.adjustSize()
        scroll = self.controls_scroll
        scroll.setMinimumWidth(self.controls.sizeHint().width()
                               + scroll.verticalScrollBar().sizeHint().width() + 6)

    def _plot_panels(self) -> list[QWidget]:
        return [self.fit_panel, self.loss_panel, self.gradient_panel, self.history_panel,
                *self._teaching_built()]

    def choose_theme(self, name: str) -> None:
        """Light, dark or projector; remembered."""
        if name not in th.THEMES:
            return
        self.settings.set_theme(name)
        if name != self.theme.name:
            self.set_theme(th.THEMES[name])

    def restore_layout(self) -> None:
        """The window's size, position and dock layout as the user left them last time."""
        geometry, state = self.settings.geometry(), self.settings.window_state()
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)
        self.controls_action.setChecked(not self.dock.isHidden())
        self._show_toolbar_buttons()

    def reset_layout(self) -> None:
        """Controls on the left, toolbar on top, all panels shown, the default size."""
        if self.presenting:
            self.set_presentation(False)
        self.restoreState(self._default_state)
        self.toolbar.show()
        self.set_controls_visible(True, remember=False)
        self.enlarge(None)
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        w, h = DEFAULT_SIZE
        if screen is not None:
            w, h = min(w, screen.width()), min(h, screen.height())
        self.showNormal()
        self.resize(w, h)
        self.settings.forget_layout()

    def save_settings(self) -> None:
        """What the next start should remember (called when the window closes)."""
        if self.presenting and self._normal_layout is not None:
            geometry, state = self._normal_layout
        else:
            geometry, state = self.saveGeometry(), self.saveState()
        self.settings.set_layout(geometry, state)
        self.settings.set_theme(self.theme.name)
        self.settings.set_last_preset(self.config.preset)
        self.settings.sync()

    # ---- language ----------------------------------------------------------------------------

    def _language_menu(self) -> None:
        """Follow the system's language, or choose one; the choice is saved (key ``language``)
        and takes effect when gradlab starts, which the window offers to do at once."""
        menu = self.language_menu = self.menuBar().addMenu(translate("MainWindow", "&Language"))
        menu.setToolTipsVisible(True)
        group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        saved = i18n.normalize(self.settings.language()) or ""
        system = dict(i18n.available_languages())[i18n.system_language()]
        choices = [("", translate("MainWindow", "Follow the system ({language})").format(
            language=system))] + i18n.available_languages()
        for code, name in choices:  # each language by its own name
            action = menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(code == saved)
            tip = translate("MainWindow", "Show gradlab in this language (after a restart)")
            action.setToolTip(tip)
            action.setStatusTip(tip)
            action.triggered.connect(lambda _=False, c=code: self.choose_language(c))
            group.addAction(action)
            self.language_actions[code] = action
            if not code:
                menu.addSeparator()

    def choose_language(self, code: str) -> None:
        """Save ``code`` ("": follow the system) as the language; when it is not the one on
        screen, offer to restart in it now (the run goes on where it is)."""
        code = i18n.normalize(code) or ""
        self.settings.set_language(code)
        self.settings.sync()
        if code in self.language_actions:
            self.language_actions[code].setChecked(True)
        wanted = i18n.choose_language(None, code or None)
        if wanted == i18n.current_language():
            return
        if self.language_box is not None:
            self.language_box.close()
            self.language_box.deleteLater()
        name = dict(i18n.available_languages())[wanted]
        box = QMessageBox(QMessageBox.Icon.Question, translate("MainWindow", "Language"),
                          translate("MainWindow", "gradlab will be in {language} from its next "
                                    "start. Restart now? The run goes on where it is.").format(
                              language=name), QMessageBox.StandardButton.NoButton, self)
        restart = box.addButton(translate("MainWindow", "Restart now"),
                                QMessageBox.ButtonRole.AcceptRole)
        box.addButton(translate("MainWindow", "Later"), QMessageBox.ButtonRole.RejectRole)
        box.buttonClicked.connect(lambda button: self.restart() if button is restart else None)
        self.language_box = box
        box.open()

    def restart(self) -> None:
        """Start gradlab again and close this window. The run is carried over in a temporary
        session file that the new window opens (and deletes) without making it its own."""
        if self._restart_file is not None:
            return
        if self.state in ("loading PyTorch…", "PyTorch failed to load"):
            self._relaunch(None)  # nothing to carry over yet
            return
        self._restart_file = os.path.join(
            tempfile.gettempdir(), f"gradlab-restart-{os.getpid()}-{self.generation}{SUFFIX}")
        self.save_session_to(self._restart_file)  # answered in _on_session_saved / _failed

    def _relaunch(self, session: str | None) -> None:
        extra = ["--resume", session] if session else []
        if self.presenting:
            extra.append("--presentation")
        command = i18n.relaunch_command(extra)
        if self.launcher(command[0], command[1:]):
            self.close()
            return
        self._restart_file = None
        if session:
            _remove(session)
        self.tell(translate("MainWindow", "Language"),
                  translate("MainWindow", "gradlab could not start again: start it yourself to "
                            "see the new language."), warning=True)

    def resume_from(self, path: str) -> None:
        """Open the session a restart carried the run in: the run goes on, the file is deleted
        and does not become the window's session file."""
        self._passing.add(str(path))
        self.open_session_from(path)

    # ---- help --------------------------------------------------------------------------------

    def show_tour(self) -> TourDialog:
        if self.tour is None:
            self.tour = TourDialog(self, self.show_tab)
        self.tour.go(0)
        self.tour.show()
        return self.tour

    def show_tab(self, name: str) -> None:
        """Switch to the Training tab ("training") or a teaching tab by its panel name."""
        if name == "training":
            self.tabs.setCurrentIndex(0)
            return
        for index, tab in self._teaching_tabs.items():
            if tab == name:
                self.tabs.setCurrentIndex(index)

    def show_about(self) -> QMessageBox:
        if self.about_box is not None:
            self.about_box.close()
            self.about_box.deleteLater()
        box = QMessageBox(QMessageBox.Icon.NoIcon, translate("MainWindow", "About gradlab"),
                          about_html(),
                          QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.RichText)
        icon = self.windowIcon()
        if not icon.isNull():
            box.setIconPixmap(icon.pixmap(64, 64))
        self.about_box = box
        box.open()
        return box
