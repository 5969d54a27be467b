"""The training thread: a QObject that owns the Trainer, moved to a QThread.

Why this shape (see DESIGN.md, "Data flow"):
- torch is imported *here*, in the worker thread, after the window is up, so the window appears in
  the time Qt + pyqtgraph take to import, and the first Step does not stall on torch._dynamo.
- Running is a single-shot QTimer in this thread driving slices of ~5 ms of steps; between slices
  the thread's event loop serves the queued commands (pause, a new learning rate, reset, stop).
- At most ~40 updates per second leave the thread, each a frozen ``Update``; the expensive panel
  view is built only for those, never per step.
- The worker never touches a widget; the window never touches a tensor.
"""

from __future__ import annotations

import importlib
import math
import time
from collections import deque
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot

from gradlab.core.config import LabConfig, needs_new_data
from gradlab.core.data import Dataset
from gradlab.core.history_log import HistoryLog
from gradlab.core.records import HistoryChunk, StepRecord
from gradlab.views import messages as msg
from gradlab.views.timeline import Timeline
from gradlab.worker_compare import CompareSlots
from gradlab.worker_files import FileSlots
from gradlab.worker_loop import RunLoop, guarded
from gradlab.worker_phases import PhaseSlots
from gradlab.worker_split import SplitSlots
from gradlab.worker_stability import StabilitySlots

if TYPE_CHECKING:
    from gradlab.views.panels import DataLayout

# gradlab.views.panels and gradlab.views.teaching (and the core maths under them) are imported where
# they are used: the window's process imports this module for the signals before its first
# paint, and trains (and so builds views) only in a training process or after that paint.

class TrainerWorker(SplitSlots, FileSlots, PhaseSlots, CompareSlots, StabilitySlots, RunLoop,
                    QObject):
    """Owns the Trainer. Lives in its own QThread; talk to it only through queued signals."""

    #: torch is imported and warmed up; commands are served from now on.
    ready = Signal()
    #: torch could not be imported (the message says why); the worker stays idle.
    #: Messages for the user are ``Message`` objects (str subclasses the window translates), so
    #: their signals carry ``object``: a ``str`` signal would drop the template.
    load_failed = Signal(object)
    #: a new ``Update`` for the window (at most ~40 per second, latest wins).
    updated = Signal(object)
    #: the run diverged and was paused: (generation, message).
    diverged = Signal(int, object)
    #: a command failed; the message is for the user. The worker pauses and keeps serving.
    errored = Signal(object)
    #: running started (True) or stopped (False).
    running_changed = Signal(bool)
    #: the worker stopped; connected to the thread's quit().
    finished = Signal()
    #: a TeachingView for the step on screen (only while a teaching panel is visible)
    taught = Signal(object)
    #: a CSV file was loaded: (config, dataset, generation); the run restarted on it
    data_loaded = Signal(object, object, int)
    #: the data was edited by hand: (config, number of samples); w, b and the step are kept
    data_edited = Signal(object, int)
    #: a file was refused or could not be written; nothing changed (the message says why)
    file_failed = Signal(object)
    #: a file was written (its path)
    file_written = Signal(str)
    #: (script, note): the plain PyTorch equivalent of the run so far
    code_generated = Signal(str, object)
    #: the session was saved to this path
    session_saved = Signal(str)
    #: a session was opened: (path, config, dataset, history, generation); the run now stands
    #: where the session was saved, under ``generation``
    session_loaded = Signal(str, object, object, object, int)
    #: a session could not be saved or opened: (path, message); nothing changed
    session_failed = Signal(str, object)

    def __init__(self, config: LabConfig, dataset: Dataset | None = None) -> None:
        from gradlab.views.teaching import LandscapeCache

        super().__init__()
        self._config = config
        self._dataset = dataset
        self._generation = 0
        self._abort = False  # set from the GUI thread by request_stop(); read between slices
        self._trainer: Any = None
        self._mod: Any = None  # gradlab.core.trainer, once imported
        self._layout: DataLayout | None = None
        self._timer: QTimer | None = None
        self._running = False
        self._target: int | None = None  # stop when step_count reaches this (step(n))
        self._speed = math.inf  # steps per second
        self._slice_steps = 1
        self._step_cost = 0.0  # seconds per step, smoothed
        self._view_cost = 0.0  # seconds per view, smoothed
        self._pace_t0 = 0.0
        self._pace_done = 0
        self._last_emit = 0.0
        self._pending_record: StepRecord | None = None
        self._last_emitted: StepRecord | None = None
        #: (step, loss at, loss after) of the last step taken that was shown (see Update)
        self._step_loss: tuple[int, float, float] | None = None
        self._pending_chunks: list[HistoryChunk] = []
        self._rate_marks: deque[tuple[float, int]] = deque()
        self._teach_wanted: frozenset[str] = frozenset()
        self._last_teach = 0.0
        self._landscape = LandscapeCache()
        self._mixed = False  # settings changed after step 0: a script from the start differs
        self._timeline = Timeline()
        self._scrub_target: int | None = None
        self._scrub_timer: QTimer | None = None
        # The steps shown so far: what a saved session carries (in a temporary file).
        self._log = HistoryLog()
        self._resumed = False  # the run was opened from a session (its past settings unknown)

    # ---- lifecycle --------------------------------------------------------------------------

    @Slot()
    def start(self) -> None:
        """Import torch, warm up one optimizer step, build the trainer, say ``ready``."""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._tick)
        self._scrub_timer = QTimer(self)
        self._scrub_timer.setSingleShot(True)
        self._scrub_timer.timeout.connect(self._scrub)
        try:
            self._mod = importlib.import_module("gradlab.core.trainer")
        except Exception as exc:  # noqa: BLE001 - ImportError, OSError from a broken DLL, ...
            self.load_failed.emit(msg.torch_not_loaded(exc))
            return
        if self._abort:
            return
        try:
            # The first torch.optim step imports torch._dynamo (~1 s): pay it now, not on Step.
            from gradlab.core.data import make_preset

            self._mod.Trainer(LabConfig(), make_preset("seed")).step()
        except Exception as exc:  # noqa: BLE001
            self.load_failed.emit(msg.torch_first_step_failed(exc))
            return
        if self._abort:
            return
        self.ready.emit()
        try:
            self._rebuild()
        except Exception as exc:  # noqa: BLE001 - e.g. a batch size larger than the data
            self._fail(exc)

    def request_stop(self) -> None:
        """Thread-safe: ask a slice in progress to end early. Follow with the ``stop`` slot."""
        self._abort = True

    @Slot()
    def stop(self) -> None:
        """Stop running and tell the thread to quit (via ``finished``)."""
        self._abort = True
        self._running = False
        if self._timer is not None:
            self._timer.stop()
        self.close_split()  # no DDP worker process outlives the window
        self._log.close()
        self.finished.emit()

    # ---- commands (queued calls from the window) ---------------------------------------------

    @Slot(object, int)
    @guarded
    def set_config(self, config: LabConfig, generation: int) -> None:
        """Apply a config; fields like lr apply from the next slice, others restart at step 0."""
        old, self._config = self._config, config
        self._generation = generation
        if self._trainer is None:
            return
        new_data = needs_new_data(old, config)
        if new_data and config.preset != "csv":
            self._dataset = None
            self._rebuild()
            return
        stepped = self._trainer.step_count > 0
        try:
            reset = self._trainer.configure(config)
        except Exception:
            self._config = old  # the trainer kept the old config: stay consistent with it
            raise
        self._configure_compared(config)
        if reset:
            self._landscape.invalidate()  # the new path is framed afresh
            self._mixed = False
            self._resumed = False
            self._timeline.clear()
            self._log.clear()
        elif stepped and config != old:
            self._mixed = True
        self._snapshot(force=True)
        if reset:
            self._drop_pending()
        if not self._running:
            self._show_preview()
        else:
            self._last_emit = 0.0  # the user is waiting: send the first record made with it

    @Slot(int)
    @guarded
    def reset(self, generation: int) -> None:
        """Back to step 0 (recovers from divergence and errors)."""
        self._generation = generation
        self._drop_pending()  # the old generation's records must not go out under the new number
        self._pause()
        if self._mod is None:
            return
        self._rebuild()

    @Slot(int)
    @guarded
    def step(self, n: int = 1) -> None:
        """Take ``n`` steps (in slices, so commands are still served), then pause."""
        if not self._can_step():
            return
        if n <= 1:
            self._pause()
            record, chunk = self._run_main(1)
            self._pending_chunks.append(chunk)
            self._pending_record = record
            self._mark_rate()
            self._flush()
            if record is not None and record.diverged:
                self._report_divergence(record)
            return
        self._target = self._trainer.step_count + n
        self._begin_running()

    @Slot()
    @guarded
    def run(self) -> None:
        """Run until paused (or diverged)."""
        if not self._can_step():
            return
        self._target = None
        self._begin_running()

    @Slot()
    @guarded
    def pause(self) -> None:
        self._pause()

    @Slot(float)
    @guarded
    def set_speed(self, steps_per_second: float) -> None:
        """Steps per second; ``inf`` (or <= 0) means as fast as possible."""
        self._speed = math.inf if steps_per_second <= 0 else float(steps_per_second)
        self._pace_t0, self._pace_done = time.perf_counter(), 0
        if self._running and self._timer is not None:
            self._timer.start(0)

    @Slot(int)
    @guarded
    def show_step(self, step: int) -> None:
        """Show step ``step`` of the run as it was (latest request wins; the run is unchanged)."""
        self._pause()
        self._scrub_target = step
        if self._scrub_timer is not None:
            self._scrub_timer.start(0)

    @Slot(int, int)
    @guarded
    def rewind(self, step: int, generation: int) -> None:
        """Continue from just after step ``step``: the steps after it are discarded."""
        from gradlab.views.panels import layout_for, loss_after

        replayed = self._replay(step)
        if replayed is None:
            return
        record, trainer, snap = replayed
        trainer = self._adopt(trainer)
        self._pause()
        self._drop_pending()
        self._generation = generation
        self._trainer, self._config, self._dataset = trainer, snap.config, snap.dataset
        self._layout = layout_for(snap.dataset, snap.config.seed)
        self._landscape.refresh()
        self._timeline.keep_until(step)
        self._log.truncate(step)
        self._snapshot(force=True)
        reduced = record.reduction != "none" or record.batch_size == 1
        self._step_loss = ((step, record.loss, loss_after(record, snap.dataset,
                                                         snap.config.weights, snap.config))
                           if reduced else None)
        self.data_edited.emit(snap.config, len(snap.dataset))
        self._show_preview()

    @Slot(object)
    @guarded
    def set_teaching(self, wanted: frozenset[str]) -> None:
        """Which teaching panels are visible; each is computed only while it is."""
        from gradlab.views.teaching import TEACHING_PANELS

        self._teach_wanted = frozenset(wanted) & TEACHING_PANELS
        if not self._running:
            self._teach(force=True)

    @Slot(object, object)
    @guarded
    def set_landscape_range(self, w_range: tuple[float, float],
                            b_range: tuple[float, float]) -> None:
        self._landscape.request_range(w_range, b_range)
        if not self._running:
            self._teach(force=True)


def start_worker(worker: TrainerWorker, parent: QObject | None = None) -> QThread:
    """Move ``worker`` to a new thread with the standard wiring, and start it.

    started -> worker.start; worker.finished -> thread.quit; thread.finished -> worker.deleteLater.
    """
    thread = QThread(parent)
    thread.setObjectName("gradlab-trainer")
    worker.moveToThread(thread)
    thread.started.connect(worker.start)
    worker.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
    thread.finished.connect(worker.deleteLater)
    thread.start()
    return thread
