"""LabController: the one owner of the run on the window's side (no widgets here).

It owns the worker (a training process behind a pipe, or a QThread in tests), the generation
numbers, the run-state machine and the newest update; widgets send it commands and subscribe to
its signals. Nothing else in the window keeps run state.

Generations: a reset, new data or a change that restarts at step 0 starts a new generation, and
everything the worker sends from an older one is dropped here. A file that is read in the worker
(a CSV, a session) is given the number it will use *if* it loads; until then the old run goes on.

States (``RunState``): loading → ready → running ⇄ paused; diverged and error leave by a reset or
by the next good update; load_failed is final. A crash of the training process is an error.
"""

from __future__ import annotations

import enum
import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from gradlab.controller_teaching import TeachingCommands
from gradlab.core.config import LabConfig, needs_reset
from gradlab.views.messages import process_crashed
from gradlab.views.timeline import TIMELINE_STEPS
from gradlab.worker import TrainerWorker, start_worker

#: After a settings change, how long the window holds back frames (while running) for the first
#: update made with it: the worker answers in 10-20 ms, and a frame begun meanwhile (up to 45 ms
#: of painting) would delay the answer's.
ANSWER_PATIENCE = 0.1

if TYPE_CHECKING:
    from gradlab.core.data import Dataset
    from gradlab.core.records import HistoryChunk
    from gradlab.views.teaching import TeachingView
    from gradlab.views.update import Update


class RunState(str, enum.Enum):
    """The run's state; the value is the English text the status bar translates."""

    LOADING = "loading PyTorch…"
    READY = "ready"
    RUNNING = "running"
    PAUSED = "paused"
    DIVERGED = "diverged"
    ERROR = "error"
    LOAD_FAILED = "PyTorch failed to load"


class LabController(TeachingCommands, QObject):
    """Commands in, signals out; talks to the worker only through queued signals."""

    # ---- to the worker (queued: it lives in another thread or process) ----
    _config_sent = Signal(object, int)
    _step_sent = Signal(int)
    _run_sent = Signal()
    _pause_sent = Signal()
    _reset_sent = Signal(int)
    _speed_sent = Signal(float)
    _teaching_sent = Signal(object)  # frozenset of visible teaching panels
    _csv_import_sent = Signal(str, int)  # path, the generation to use if it loads
    _csv_export_sent = Signal(str)
    _code_sent = Signal()
    _edit_sent = Signal(str, int, float, float)  # op, index, x, y
    _show_step_sent = Signal(int)
    _rewind_sent = Signal(int, int)  # step, new generation
    _landscape_range_sent = Signal(object, object)
    _session_save_sent = Signal(str)
    _session_open_sent = Signal(str, int)
    _history_export_sent = Signal(str)

    # ---- for the widgets ----
    #: the worker has loaded PyTorch and serves commands
    ready = Signal()
    #: the run's state changed (a RunState)
    state_changed = Signal(object)
    #: the worker is running (True) or not (False)
    running_changed = Signal(bool)
    #: a new Update of the current generation; ``urgent``: it answers a settings change, so
    #: it is drawn at once rather than at the next paced frame
    update_ready = Signal(object, bool)
    #: steps taken since the previous update (or the history of an opened session)
    history_added = Signal(object)
    #: a new generation started; ``keep_history``: the history up to the rewind point stays
    generation_started = Signal(bool)
    #: the history after this step was discarded (continue from a past step)
    history_truncated = Signal(int)
    #: a TeachingView of the current generation
    teaching_ready = Signal(object)
    #: the worker changed the settings (data loaded or edited, a session, a rewind):
    #: (config, CSV size or None) for the controls
    config_changed = Signal(object, object)
    #: something to show in the banner: a divergence, an error, a crash, PyTorch failing to load
    failed = Signal(object)
    #: an error was cleared by a good update (the banner can go)
    recovered = Signal()
    #: a CSV was loaded: (config, number of points)
    data_loaded = Signal(object, int)
    file_failed = Signal(object)
    file_written = Signal(str)
    code_ready = Signal(str, object)
    session_saved = Signal(str)
    #: a session was read: (path, accepted); not accepted if something newer came first
    session_opened = Signal(str, bool)
    session_failed = Signal(str, object)

    def __init__(self, config: LabConfig, dataset: Dataset | None = None,
                 worker_mode: str = "process", parent: QObject | None = None) -> None:
        """``worker_mode``: "process" trains in a child process (remote.py: the window's drawing
        and the trainer never wait for each other's GIL); "thread" in a QThread of this process
        (the same worker; tests inject faults there)."""
        super().__init__(parent)
        if worker_mode not in ("process", "thread"):
            raise ValueError(f"worker_mode must be 'process' or 'thread', not {worker_mode!r}")
        self.worker_mode = worker_mode
        self.config = config
        self._dataset = dataset  # what a new training process starts from after a crash
        self.generation = 0
        self._reserved = 0  # highest generation handed out for a file still being read
        self.state = RunState.LOADING
        self.running = False
        self._diverged = False
        self._error = False
        self._answer_pending = False
        self._answer_since = 0.0
        self.latest: Update | None = None
        self._init_teaching()
        self.teaching: TeachingView | None = None
        self.run_step = 0  # the run's latest step (the timeline may show an earlier one)
        #: steps up to this one cannot be replayed; None: the step of the next update (an
        #: opened session, whose earlier steps the worker never took)
        self.timeline_floor: int | None = 0
        self.worker_thread: Any = None  # QThread, or remote.WorkerHandle
        self._stopped = False
        if worker_mode == "process":
            from gradlab.remote import RemoteWorker

            self.worker: Any = RemoteWorker(config, dataset)
            self.worker.crashed.connect(self._on_crashed)
        else:
            self.worker = TrainerWorker(config, dataset)
        self._wire(self.worker)

    def _wire(self, worker: Any) -> None:
        for signal, slot in (
                (self._config_sent, worker.set_config), (self._step_sent, worker.step),
                (self._run_sent, worker.run), (self._pause_sent, worker.pause),
                (self._reset_sent, worker.reset), (self._speed_sent, worker.set_speed),
                (self._teaching_sent, worker.set_teaching),
                (self._csv_import_sent, worker.load_csv),
                (self._csv_export_sent, worker.export_csv), (self._code_sent, worker.export_code),
                (self._edit_sent, worker.edit_data), (self._show_step_sent, worker.show_step),
                (self._rewind_sent, worker.rewind),
                (self._landscape_range_sent, worker.set_landscape_range),
                (self._session_save_sent, worker.save_session),
                (self._session_open_sent, worker.load_session),
                (self._history_export_sent, worker.export_history)):
            signal.connect(slot)
        # Methods, never lambdas: a lambda has no thread, so Qt would call it in the worker's.
        for signal, slot in (
                (worker.ready, self._on_ready), (worker.load_failed, self._on_load_failed),
                (worker.updated, self._on_updated), (worker.diverged, self._on_diverged),
                (worker.errored, self._on_errored),
                (worker.running_changed, self._on_running_changed),
                (worker.taught, self._on_taught), (worker.data_loaded, self._on_data_loaded),
                (worker.data_edited, self._on_data_edited),
                (worker.session_loaded, self._on_session_loaded),
                (worker.file_failed, self.file_failed), (worker.file_written, self.file_written),
                (worker.code_generated, self.code_ready),
                (worker.session_saved, self.session_saved),
                (worker.session_failed, self.session_failed)):
            signal.connect(slot)
        self._wire_teaching(worker)

    # ---- lifecycle -------------------------------------------------------------------------

    def launch(self) -> None:
        """Start the worker (torch loads there). Once only; not after ``shutdown``."""
        if self.worker_thread is not None or self._stopped:
            return
        if self.worker_mode == "process":
            self.worker_thread = self.worker.launch()
        else:
            self.worker_thread = start_worker(self.worker, self)

    @property
    def launched(self) -> bool:
        return self.worker_thread is not None

    def shutdown(self) -> None:
        """Stop the worker and join its thread (never terminate()). Safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        thread = self.worker_thread
        if thread is not None:
            self.worker.request_stop()
            thread.quit()
            thread.wait()
            if self.worker_mode == "thread":  # its thread has ended: end its DDP workers here
                self.worker.close_split()

    # ---- commands --------------------------------------------------------------------------

    @property
    def serving(self) -> bool:
        """The worker has loaded PyTorch: Step, Run and Reset mean something. Before that (or
        if it never loads) they are ignored, whether they come from a button or a key."""
        return self.state not in (RunState.LOADING, RunState.LOAD_FAILED)

    def step(self, n: int = 1) -> None:
        if self.serving and n == 1 and self.phase_open:
            self._phase_sent.emit(True)  # Step during the phases finishes the step walked
        elif self.serving:
            self._step_sent.emit(int(n) if isinstance(n, int) and n > 0 else 1)

    def run(self) -> None:
        if self.serving:
            self._run_sent.emit()

    def pause(self) -> None:
        self._pause_sent.emit()

    def toggle_run(self) -> None:
        if self.running:
            self.pause()
        else:
            self.run()

    def reset(self) -> None:
        """Back to step 0; after a crash of the training process, in a new one."""
        if not self.serving:
            return
        self._new_generation()
        worker = self.worker
        if self.worker_mode == "process" and worker.has_crashed and not self._stopped:
            worker.launch(self.config, self._dataset)
        self._reset_sent.emit(self.generation)

    def apply_config(self, config: LabConfig) -> None:
        """Send a config; a change that restarts at step 0 starts a new generation."""
        if needs_reset(self.config, config):
            self._new_generation()
        self.config = config
        self._answer_pending = True  # the first update made with it is drawn at once
        self._answer_since = time.perf_counter()
        self._config_sent.emit(config, self.generation)

    def awaiting_answer(self, now: float) -> float:
        """Seconds the window should still hold back a frame for the answer to a settings change
        (0: none is awaited, or it took longer than ANSWER_PATIENCE)."""
        if not self._answer_pending:
            return 0.0
        return max(0.0, self._answer_since + ANSWER_PATIENCE - now)

    def set_speed(self, steps_per_second: float) -> None:
        self._speed_sent.emit(float(steps_per_second))

    def set_teaching(self, names: frozenset[str]) -> None:
        """Which teaching panels are visible: the worker computes only those."""
        self._teaching_sent.emit(frozenset(names))

    def set_landscape_range(self, w_range: tuple[float, float],
                            b_range: tuple[float, float]) -> None:
        self._landscape_range_sent.emit(w_range, b_range)

    def edit_data(self, op: str, index: int, x: float, y: float) -> None:
        """Move ("move"), add ("add") or remove ("remove") a point; w, b and the step stay."""
        self._edit_sent.emit(op, int(index), float(x), float(y))

    def show_step(self, step: int) -> None:
        """Show a past step on every panel (pauses the run; the run itself is kept)."""
        self._show_step_sent.emit(int(step))

    def rewind(self, step: int) -> None:
        """Continue from past step ``step``: the steps after it are discarded."""
        self._new_generation(keep_history=True)
        self.history_truncated.emit(int(step))
        self._rewind_sent.emit(int(step), self.generation)

    def import_csv(self, path: str) -> None:
        """Read ``path`` in the worker; the run restarts on it only if it loads."""
        self._csv_import_sent.emit(str(path), self._reserve())

    def export_csv(self, path: str) -> None:
        self._csv_export_sent.emit(str(path))

    def export_history(self, path: str) -> None:
        self._history_export_sent.emit(str(path))

    def request_code(self) -> None:
        self._code_sent.emit()

    def save_session(self, path: str) -> None:
        self._session_save_sent.emit(str(path))

    def open_session(self, path: str) -> None:
        """Open a session in the worker; the run goes on from it only if it is valid."""
        self._session_open_sent.emit(str(path), self._reserve())

    # ---- generations and state ---------------------------------------------------------------

    def _reserve(self) -> int:
        self._reserved = max(self.generation, self._reserved) + 1
        return self._reserved

    def _new_generation(self, generation: int | None = None, keep_history: bool = False) -> None:
        """Everything the worker sends from the old generation is dropped from now on."""
        self.generation = max(self.generation, self._reserved) + 1 if generation is None \
            else generation
        self.latest = None
        self.teaching = None
        self.phase = None
        self._diverged = False
        if not keep_history:
            self.timeline_floor = 0
        self.generation_started.emit(keep_history)

    def _set_state(self, state: RunState) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

    def timeline_range(self) -> tuple[int, int, bool]:
        """(first, last, enabled): the steps the timeline can show now."""
        step = self.run_step
        floor = step if self.timeline_floor is None else self.timeline_floor
        low = max(1, step - TIMELINE_STEPS + 1, floor + 1) if step else 0
        return min(low, step), step, 1 <= step and floor < step

    # ---- from the worker -------------------------------------------------------------------

    def _on_ready(self) -> None:
        self._set_state(RunState.READY)
        self.ready.emit()

    def _on_load_failed(self, message: object) -> None:
        self._set_state(RunState.LOAD_FAILED)
        self.failed.emit(message)

    def _on_crashed(self, exit_code: int) -> None:
        """The training process died (a crash inside torch, or killed): the window carries on."""
        self._on_running_changed(False)
        self._on_errored(process_crashed(exit_code))

    def _on_updated(self, update: Update) -> None:
        if update.generation < self.generation:
            return  # stale: from before a reset or a config change
        if len(update.history):
            self.history_added.emit(update.history)
        self.latest = update
        if not update.scrubbed:
            self.run_step = update.step
            if self.timeline_floor is None:
                self.timeline_floor = update.step
        if self._error and not self._diverged:
            self._error = False
            self.recovered.emit()
        if not (self._diverged or self._error):
            if self.state == RunState.READY:
                if update.step > 0:
                    self._set_state(RunState.RUNNING if self.running else RunState.PAUSED)
            elif self.state != RunState.RUNNING:
                self._set_state(RunState.PAUSED)
        urgent = self._answer_pending and update.config == self.config
        if urgent:
            self._answer_pending = False
        self.update_ready.emit(update, urgent)

    def _on_taught(self, teaching: TeachingView) -> None:
        if teaching.generation < self.generation:
            return
        self.teaching = teaching
        self.teaching_ready.emit(teaching)

    def _on_diverged(self, generation: int, message: object) -> None:
        if generation < self.generation:
            return
        self._diverged = True
        self._set_state(RunState.DIVERGED)
        self.failed.emit(message)

    def _on_errored(self, message: object) -> None:
        self._error = True
        if not self._diverged:
            self._set_state(RunState.ERROR)
        self.failed.emit(message)

    def _on_running_changed(self, running: bool) -> None:
        self.running = running
        if running:
            self._set_state(RunState.RUNNING)
        elif self.state == RunState.RUNNING:
            self._set_state(RunState.PAUSED)
        self.running_changed.emit(running)

    def _on_data_loaded(self, config: LabConfig, dataset: Dataset, generation: int) -> None:
        if generation < self.generation:
            return
        self._new_generation(generation)
        self.config, self._dataset = config, dataset
        self.config_changed.emit(config, len(dataset))
        self.data_loaded.emit(config, len(dataset))

    def _on_data_edited(self, config: LabConfig, n: int) -> None:
        self.config = config
        self.config_changed.emit(config, n if config.preset == "csv" else None)

    def _on_session_loaded(self, path: str, config: LabConfig, dataset: Dataset,
                           history: HistoryChunk, generation: int) -> None:
        if generation < self.generation:
            self.session_opened.emit(path, False)  # something newer came first
            return
        self._new_generation(generation)
        self.config, self._dataset = config, dataset
        self.timeline_floor = None  # before the next update's step, nothing replays
        self.config_changed.emit(config, len(dataset) if config.preset == "csv" else None)
        self.history_added.emit(history)
        self.session_opened.emit(path, True)
