"""The lab window: layout and frame pacing.

Controls on the left, the Training tab's four panels and the teaching tabs, a banner for trouble,
the timeline and the status bar. The run belongs to the ``LabController`` (``self.lab``); the
menus (``actions``), file commands (``files``), view options (``options``), teaching tabs,
timeline and status fields live in their own files. The window keeps only the newest Update and
redraws on a display-rate timer when something new arrived; it never computes (the GIL is shared
with a training thread) and never sees a tensor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QLayout,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gradlab.controller import LabController, RunState
from gradlab.core.config import ConfigError, LabConfig
from gradlab.i18n import QT_TRANSLATE_NOOP, tr_message, translate
from gradlab.ui import settings as st
from gradlab.ui import theme as th
from gradlab.ui.actions import Actions
from gradlab.ui.compare_display import CompareDisplay
from gradlab.ui.controls import ControlsPanel
from gradlab.ui.eigen_display import EigenDisplay
from gradlab.ui.file_commands import FileCommands, replace_box
from gradlab.ui.fit_logistic import toggled_ignore
from gradlab.ui.help import PANEL_HELP, TourDialog, about_box
from gradlab.ui.pacing import FramePacer, duty_for
from gradlab.ui.phase_bar import PhaseControls
from gradlab.ui.presentation import release_plot_menus
from gradlab.ui.stability_display import StabilityDisplay
from gradlab.ui.status_bar import StatusFields, model_problem
from gradlab.ui.teaching_tabs import TeachingTabs
from gradlab.ui.timeline_bar import TimelineBar
from gradlab.ui.training_panels import TrainingPanels
from gradlab.ui.view_options import ViewOptions
from gradlab.ui.window_frames import FrameDrawing

if TYPE_CHECKING:
    from collections.abc import Callable

    from gradlab.core.data import Dataset
    from gradlab.core.records import HistoryChunk
    from gradlab.views.update import Update

#: Start the worker after this long even if the window never painted.
START_FALLBACK_MS = 500
TITLE = QT_TRANSLATE_NOOP("MainWindow", "gradlab — why loss.backward() needs a scalar")


class MainWindow(FrameDrawing, QMainWindow):
    """Lays the parts out, wires them to the controller and paces the frames."""

    #: an update was drawn on every panel (for observers: tests, --screenshot)
    update_shown = Signal(object)
    #: a divergence, an error, or torch failing to load was shown in the banner
    trouble_shown = Signal(str)
    #: The window is up: its first paint is done (or START_FALLBACK_MS passed without one, or it
    #: was started unshown) and the worker is starting. Emitted once.
    startup_done = Signal()

    def __init__(self, config: LabConfig, dataset: Dataset | None = None,
                 theme: th.Theme = th.LIGHT, worker_mode: str = "process",
                 settings: st.Settings | None = None,
                 place: Callable[[ViewOptions], None] | None = None) -> None:
        """``worker_mode``: see LabController. ``settings``: where recent files, the text size
        and the layout are kept (default: the user's). ``place``: called with the window's
        ViewOptions before anything is built in the window, to give it its first size
        (``restore_geometry``, a screenshot's ``resize``): the panels are then built at the
        text size that fits it."""
        super().__init__()
        self.settings = settings if settings is not None else st.Settings()
        self.setWindowTitle(translate("MainWindow", TITLE))
        from gradlab.resources import app_icon

        icon = app_icon()
        if icon is not None:
            self.setWindowIcon(icon)
        self.options = ViewOptions(self, theme, place)
        self.shown: Update | None = None  # the update on screen
        self._dirty = self._history_dirty = self._closed = self._start_pending = False
        self._urgent = False
        self.refusal = ""  # the banner's text when it says a typed value was not applied
        self._last_history_draw = 0.0
        self.tour: TourDialog | None = None
        self.about_box: QMessageBox | None = None

        self.controls = ControlsPanel(config, csv_size=len(dataset) if dataset is not None
                                      else None)
        self.controls.set_theme_name(theme.name)
        self.controls.set_scale(th.FONT_SCALE)
        # The controls spell defaults out (N 50 rather than None): start from their spelling, so
        # the first edit is compared like with like and does not look like a new dataset.
        try:
            config = self.controls.config()
        except ConfigError:
            pass
        self.lab = LabController(config, dataset, worker_mode, parent=self)
        self._layout_widgets(theme)
        self.actions = Actions(self)
        self.phases = PhaseControls(self)
        self.files = FileCommands(self)
        self._help_texts()
        self.options.finish()
        self.controls.set_ready(False)
        self.pacer = FramePacer(duty_for(worker_mode, None))
        self._wire()
        self.stability_display = StabilityDisplay(self)
        self.compare_display = CompareDisplay(self)
        self.eigen_display = EigenDisplay(self)
        self.frame_timer = self._frame_timer()
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    def _layout_widgets(self, theme: th.Theme) -> None:
        scroll = self.controls_scroll = QScrollArea()
        scroll.setWidget(self.controls)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.options.fit_controls()
        self.dock = QDockWidget(translate("MainWindow", "Controls"))
        self.dock.setObjectName("controls")
        self.dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                              | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.dock.setWidget(scroll)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.dock)

        self.training = TrainingPanels(theme)
        for name, panel in self.training.panels.items():  # window.fit_panel, ...
            setattr(self, f"{name}_panel", panel)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.hide()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.training, translate("MainWindow", "Training"))
        self.tabs.setTabToolTip(0, translate("MainWindow", "The fit, each sample's loss and "
                                             "gradient share, the history"))
        self.teaching_tabs = TeachingTabs(self, self.tabs)
        self.timeline_bar = TimelineBar(self.lab)
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addWidget(self.banner)
        outer.addWidget(self.tabs, 1)
        outer.addWidget(self.timeline_bar)
        self.setCentralWidget(central)
        # No minimum-size constraint from the layout: offscreen Qt warns about every size-hint
        # change of a top-level window, and the panels cope with small sizes anyway.
        self.layout().setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.status = StatusFields(self.statusBar())
        self.status.show_state(self.lab.state)

    def _wire(self) -> None:
        c, lab = self.controls, self.lab
        c.step_button.clicked.connect(lambda: lab.step())
        c.run_button.clicked.connect(lab.toggle_run)
        c.reset_button.clicked.connect(lab.reset)
        c.config_edited.connect(self.apply_config)
        c.config_invalid.connect(self._refuse)
        c.input_accepted.connect(  # a value was taken: an earlier refusal is out of date
            lambda: self.banner.text() == self.refusal and self.hide_banner())
        c.speed_changed.connect(lab.set_speed)
        c.theme_chosen.connect(self.options.choose_theme)
        f = self.fit_panel
        f.point_moved.connect(lambda i, x, y: lab.edit_data("move", i, x, y))
        f.point_added.connect(lambda x, y: lab.edit_data("add", -1, x, y))
        f.point_removed.connect(lambda i: lab.edit_data("remove", i, 0.0, 0.0))
        f.point_ignored.connect(lambda i: self.apply_config(toggled_ignore(lab.config, i)))
        lab.ready.connect(self._on_ready)
        lab.state_changed.connect(self.status.show_state)
        lab.running_changed.connect(self._on_running_changed)
        lab.update_ready.connect(self._on_update)
        lab.history_added.connect(self._on_history)
        lab.history_truncated.connect(self._on_history_truncated)
        lab.generation_started.connect(self._on_generation)
        lab.failed.connect(self._on_failed)
        lab.recovered.connect(self.hide_banner)
        lab.config_changed.connect(lambda cfg, n: self.controls.set_config(cfg, csv_size=n))
        lab.split_changed.connect(  # DDP workers need the cores more than the window does
            lambda split: self.pacer.set_target(duty_for(lab.worker_mode, split.workers)))

    def _help_texts(self) -> None:
        """Tooltips and "What's This?" texts of the window's own parts."""
        for name, widget in (*self.training.panels.items(), ("banner", self.banner),
                             ("status", self.statusBar())):
            tip, text = (translate("Help", t) for t in PANEL_HELP[name])
            widget.setWhatsThis(text)
            if name == "status":
                widget.setToolTip(tip)
        self.dock.setWhatsThis(translate("MainWindow", "<b>The controls.</b> Every setting of the "
                                         "run. Point at one and press Shift+F1 for what it means; "
                                         "Ctrl+L hides them."))

    # ---- starting and stopping ---------------------------------------------------------------

    def start(self) -> None:
        """Start the worker (torch loads there) once the window has painted.

        Importing torch holds the GIL for most of a second at a time; started before the first
        paint, it would make the window appear that much later. A fallback timer starts it
        anyway if no paint comes (a platform that never exposes the window).
        """
        if self.lab.launched or self._start_pending:
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
        if not self.lab.launched and not self._closed:
            self.lab.launch()
            self.startup_done.emit()

    def shutdown(self) -> None:
        """Stop the worker and join its thread (never terminate()). Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self.frame_timer.stop()
        self._stage_timer.stop()
        self._stages = []
        self.lab.shutdown()
        # Every plot of every panel, including ones added later: none may leave a menu behind.
        release_plot_menus([item for view in self.findChildren(pg.GraphicsView)
                            for item in view.scene().items() if isinstance(item, pg.PlotItem)])

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self._closed:
            self.options.save_settings()
        self.shutdown()
        super().closeEvent(event)

    # ---- input -------------------------------------------------------------------------------

    def apply_config(self, config: LabConfig) -> None:
        """Send a config; the status bar says what it does beyond the value itself (typed
        weights switch the reduction; new data or a new start pause and restart the run)."""
        problem = model_problem(self.lab.config, config, self.shown)
        if problem is not None:  # refused here: the run, its data and settings stay as they are
            self.controls.set_config(self.lab.config)
            self._refuse(problem)
            return
        self.status.note_config(self.lab.config, config, self.lab.running)
        self.lab.apply_config(config)

    def _refuse(self, reason: str) -> None:
        self.refusal = translate("MainWindow", "Not applied: {reason}").format(reason=reason)
        self.show_banner(self.refusal)

    # ---- from the controller -----------------------------------------------------------------

    def _on_ready(self) -> None:
        self.controls.set_ready(True)

    def _on_running_changed(self, running: bool) -> None:
        self.controls.set_running(running)
        self.actions.show_running(running)

    def _on_update(self, update: Update, urgent: bool) -> None:
        self._dirty = True  # the timeline follows with the frame (window_frames._shown)
        if urgent:
            self.pacer.allow_now()
            self._frame(urgent=True)
        else:
            self._wake()

    def _on_history(self, chunk: HistoryChunk) -> None:
        self.history_panel.append(chunk)
        self._history_dirty = True
        self._wake()

    def _on_history_truncated(self, step: int) -> None:
        self.history_panel.truncate(step)
        self._history_dirty = True
        self._wake()

    def _on_generation(self, keep_history: bool) -> None:
        if not keep_history:
            self.history_panel.reset_history()
        self.fit_panel.clear_trail()
        self.hide_banner()

    def _on_failed(self, message: object) -> None:
        text = tr_message(message)  # a Message from the worker, in the current language
        if self.lab.state == RunState.LOAD_FAILED:
            self.show_banner(translate("MainWindow", "{reason} — the controls stay disabled; try "
                                       "--headless to see the full error.").format(reason=text))
        else:
            self.show_banner(text)
        self.trouble_shown.emit(text)

    def show_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.show()

    def hide_banner(self) -> None:
        self.banner.hide()
        self.banner.setText("")

    # ---- layout ------------------------------------------------------------------------------

    def plot_panels(self) -> list[QWidget]:
        return [*self.training.panels.values(), *self.teaching_tabs.built()]

    def panel_widget(self, name: str) -> QWidget:
        """The widget a picture of ``name`` is taken from ("tab": the tab on screen)."""
        if name in self.training.panels:
            return self.training.panels[name]
        if name == "tab":
            built = self.teaching_tabs.panel(self.teaching_tabs.current() or "")
            return built if built is not None else self.tabs.currentWidget()
        raise KeyError(name)

    def enlarge(self, name: str | None) -> None:
        """Show one training panel alone ("fit", "loss", "gradient", "history"; None: all
        four), e.g. to project it."""
        self.tabs.setCurrentIndex(0)
        self.training.enlarge(name)

    def show_tab(self, name: str) -> None:
        """Switch to the Training tab ("training") or a teaching tab by its panel name."""
        if name == "training":
            self.tabs.setCurrentIndex(0)
        else:
            self.teaching_tabs.show(name)

    # ---- help --------------------------------------------------------------------------------

    def show_tour(self) -> TourDialog:
        if self.tour is None:
            self.tour = TourDialog(self, self.show_tab)
        self.tour.go(0)
        self.tour.show()
        return self.tour

    def show_about(self) -> QMessageBox:
        self.about_box = replace_box(self.about_box, about_box(self))
        return self.about_box
