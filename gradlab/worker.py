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

import dataclasses
import functools
import importlib
import math
import time
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot

from gradlab.core.config import LabConfig
from gradlab.core.data import Dataset, dataset_for
from gradlab.core.messages import QT_TRANSLATE_NOOP, Message, error_message
from gradlab.core.records import HistoryBuffer, HistoryChunk, StepRecord
from gradlab.ui.sessions import spelled_config, write_history_csv

if TYPE_CHECKING:
    from gradlab.ui.view import DataLayout, PanelView

# gradlab.ui.view and gradlab.ui.teaching_view (and the core maths under them) are imported where
# they are used: the window's process imports this module for the signals before its first
# paint, and trains (and so builds views) only in a training process or after that paint.

#: Target duration of one slice of steps: short enough that commands are served promptly.
SLICE_SECONDS = 0.005
#: Fastest update rate towards the window: above the ~30 frames/s it draws while running, and
#: no higher, since every update costs the trainer a view and a trip through the pipe.
MAX_UPDATES_PER_SECOND = 40.0
#: While running, the teaching panels are refreshed at most this often (seconds).
TEACH_INTERVAL = 0.25
#: The timeline keeps a trainer snapshot at least this often (steps) ...
SNAPSHOT_EVERY = 250
#: ... covering at least this many recent steps.
TIMELINE_STEPS = 10_000
#: Fields whose change means new data (a new Trainer), not just a reset.
DATA_FIELDS = ("preset", "n_points", "noise", "seed")
#: Fields whose change restarts at step 0 (Trainer.configure resets for these).
RESET_FIELDS = ("init_w", "init_b", *DATA_FIELDS)


def needs_reset(old: LabConfig, new: LabConfig) -> bool:
    """True if going from ``old`` to ``new`` restarts training at step 0 (a new generation)."""
    return any(getattr(old, f) != getattr(new, f) for f in RESET_FIELDS) or old.source != new.source


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The trainer after ``step`` steps, and the settings and data of the steps that follow."""

    step: int
    state: dict
    config: LabConfig
    dataset: Dataset


@dataclass(frozen=True, eq=False)
class Update:
    """One message from the worker to the window; frozen, holds no tensors.

    ``record`` is the record shown: the last step taken, or (right after a reset or a config
    change while paused) a preview of the next step, with ``record.applied`` False. ``history``
    holds the steps taken since the previous update (finite ones only).
    """

    generation: int
    step: int  # steps applied so far
    record: StepRecord
    history: HistoryChunk
    view: PanelView
    config: LabConfig
    running: bool
    steps_per_second: float
    #: a past step shown on the timeline (the run itself is still at its latest step)
    scrubbed: bool = False


def _guarded(method: Callable[..., Any]) -> Callable[..., Any]:
    """Run a slot; any exception pauses the run and is reported, so the app keeps working."""

    @functools.wraps(method)
    def wrapper(self: TrainerWorker, *args: Any) -> Any:
        try:
            return method(self, *args)
        except Exception as exc:  # noqa: BLE001 - reported to the user, never swallowed
            self._fail(exc)
            return None

    return wrapper


class TrainerWorker(QObject):
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
        from gradlab.ui.teaching_view import LandscapeCache

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
        self._pending_chunks: list[HistoryChunk] = []
        self._rate_marks: deque[tuple[float, int]] = deque()
        self._teach_wanted: frozenset[str] = frozenset()
        self._last_teach = 0.0
        self._landscape = LandscapeCache()
        self._mixed = False  # settings changed after step 0: a script from the start differs
        self._snapshots: list[Snapshot] = []
        self._scrub_target: int | None = None
        self._scrub_timer: QTimer | None = None
        # The steps shown so far: what a saved session carries.
        self._log = HistoryBuffer(capacity=1024)
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
            self.load_failed.emit(Message(QT_TRANSLATE_NOOP(
                "messages", "PyTorch could not be loaded: {error}"), error=_name(exc)))
            return
        if self._abort:
            return
        try:
            # The first torch.optim step imports torch._dynamo (~1 s): pay it now, not on Step.
            from gradlab.core.data import make_preset

            self._mod.Trainer(LabConfig(), make_preset("seed")).step()
        except Exception as exc:  # noqa: BLE001
            self.load_failed.emit(Message(QT_TRANSLATE_NOOP(
                "messages", "PyTorch failed its first step: {error}"), error=_name(exc)))
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
        self.finished.emit()

    # ---- commands (queued calls from the window) ---------------------------------------------

    @Slot(object, int)
    @_guarded
    def set_config(self, config: LabConfig, generation: int) -> None:
        """Apply a config; fields like lr apply from the next slice, others restart at step 0."""
        old, self._config = self._config, config
        self._generation = generation
        if self._trainer is None:
            return
        new_data = any(getattr(old, f) != getattr(config, f) for f in DATA_FIELDS)
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
        if reset:
            self._mixed = False
            self._resumed = False
            self._snapshots = []
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

    @Slot(object, object, int)
    @_guarded
    def set_dataset(self, config: LabConfig, dataset: Dataset, generation: int) -> None:
        """New data (a CSV file): a new trainer at step 0."""
        self._config, self._dataset, self._generation = config, dataset, generation
        if self._mod is not None:
            self._rebuild()

    @Slot(int)
    @_guarded
    def reset(self, generation: int) -> None:
        """Back to step 0 (recovers from divergence and errors)."""
        self._generation = generation
        self._drop_pending()  # the old generation's records must not go out under the new number
        self._pause()
        if self._mod is None:
            return
        self._rebuild()

    @Slot(int)
    @_guarded
    def step(self, n: int = 1) -> None:
        """Take ``n`` steps (in slices, so commands are still served), then pause."""
        if not self._can_step():
            return
        if n <= 1:
            self._pause()
            record, chunk = self._trainer.run(1)
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
    @_guarded
    def run(self) -> None:
        """Run until paused (or diverged)."""
        if not self._can_step():
            return
        self._target = None
        self._begin_running()

    @Slot()
    @_guarded
    def pause(self) -> None:
        self._pause()

    @Slot(float)
    @_guarded
    def set_speed(self, steps_per_second: float) -> None:
        """Steps per second; ``inf`` (or <= 0) means as fast as possible."""
        self._speed = math.inf if steps_per_second <= 0 else float(steps_per_second)
        self._pace_t0, self._pace_done = time.perf_counter(), 0
        if self._running and self._timer is not None:
            self._timer.start(0)

    @Slot(str, int)
    @_guarded
    def load_csv(self, path: str, generation: int) -> None:
        """Read a CSV file here (a big one takes a while); on success restart on it under
        ``generation``, otherwise report why and leave everything as it was."""
        from gradlab.core.data import DataError, read_csv

        try:
            dataset = read_csv(path)
            config = self._config.for_data(len(dataset), path, keep_weights=False)
            config.check_against(len(dataset))
        except (DataError, ValueError) as exc:
            self.file_failed.emit(Message(QT_TRANSLATE_NOOP("messages", "{path}: {reason}"),
                                          path=path, reason=error_message(exc)))
            return
        self._config, self._dataset, self._generation = config, dataset, generation
        self.data_loaded.emit(config, dataset, generation)
        if self._mod is not None:
            self._rebuild()

    @Slot(str, int, float, float)
    @_guarded
    def edit_data(self, op: str, index: int, x: float, y: float) -> None:
        """Move, add or remove one point; training goes on from the same w and b on the new data.

        The optimizer starts afresh (momentum and Adam forget their state): the loss surface it
        was following has changed.
        """
        from gradlab.ui.view import layout_for

        if self._trainer is None or self._dataset is None:
            return
        from gradlab.core.data import DataError

        ds = self._dataset
        try:
            if op == "move":
                new = ds.with_point(index, x, y)
            elif op == "add":
                new = ds.with_added(x, y)
            elif op == "remove":
                new = ds.without(index)
            else:
                raise ValueError(f"unknown edit {op!r}")
        except (DataError, IndexError) as exc:
            self.file_failed.emit(error_message(exc))
            return
        cfg = self._config
        n = len(new)
        config = cfg.for_data(n, cfg.source or f"{cfg.preset} (edited)")
        (w, b), steps = self._trainer.params, self._trainer.step_count
        trainer = self._mod.Trainer(config, new)
        trainer.set_params(w, b)
        trainer.step_count = steps
        self._config, self._dataset, self._trainer = config, new, trainer
        self._layout = layout_for(new, config.seed)
        self._landscape.key = None  # same range, new surface
        self._mixed = self._mixed or steps > 0
        self._snapshot(force=True)
        self.data_edited.emit(config, n)
        if not self._running:
            self._show_preview()

    @Slot(int)
    @_guarded
    def show_step(self, step: int) -> None:
        """Show step ``step`` of the run as it was (latest request wins; the run is unchanged)."""
        self._pause()
        self._scrub_target = step
        if self._scrub_timer is not None:
            self._scrub_timer.start(0)

    @Slot(int, int)
    @_guarded
    def rewind(self, step: int, generation: int) -> None:
        """Continue from just after step ``step``: the steps after it are discarded."""
        from gradlab.ui.view import layout_for

        replayed = self._replay(step)
        if replayed is None:
            return
        _record, trainer, snap = replayed
        self._pause()
        self._drop_pending()
        self._generation = generation
        self._trainer, self._config, self._dataset = trainer, snap.config, snap.dataset
        self._layout = layout_for(snap.dataset, snap.config.seed)
        self._landscape.key = None
        self._snapshots = [s for s in self._snapshots if s.step <= step]
        self._log.truncate(step)
        self._snapshot(force=True)
        self.data_edited.emit(snap.config, len(snap.dataset))
        self._show_preview()

    @Slot(str)
    @_guarded
    def export_csv(self, path: str) -> None:
        from gradlab.core.data import write_csv

        if self._dataset is None:
            self.file_failed.emit(Message(QT_TRANSLATE_NOOP("messages",
                                                            "there is no data to export yet")))
            return
        try:
            write_csv(self._dataset, path)
        except OSError as exc:
            self.file_failed.emit(_cannot_write(path, exc))
            return
        self.file_written.emit(path)

    @Slot()
    @_guarded
    def export_code(self) -> None:
        from gradlab.core.codegen import generate_script

        if self._trainer is None or self._dataset is None:
            self.file_failed.emit(_still_loading())
            return
        steps = self._trainer.step_count
        if steps == 1:
            note = Message(QT_TRANSLATE_NOOP(
                "messages", "Replays 1 step of the current settings from the start and prints the "
                "same w and b as the lab."))
        else:
            note = Message(QT_TRANSLATE_NOOP(
                "messages", "Replays {steps} steps of the current settings from the start and "
                "prints the same w and b as the lab."), steps=steps)
        if self._mixed:
            note = Message(QT_TRANSLATE_NOOP(
                "messages", "The settings changed during this run, so this script (the current "
                "settings from the start, {steps} steps) will not end exactly where the lab is."),
                steps=steps)
        elif self._resumed:
            note = Message(QT_TRANSLATE_NOOP(
                "messages", "This run was opened from a saved session: the script replays the "
                "current settings from the start ({steps} steps), which ends where the lab is "
                "only if they did not change before the session was saved."), steps=steps)
        self.code_generated.emit(generate_script(self._config, self._dataset, steps), note)

    @Slot(str)
    @_guarded
    def save_session(self, path: str) -> None:
        """Write the run as it stands (config, data, parameters, optimizer and shuffle state,
        step, history) to ``path``; ``session_saved`` or ``session_failed`` says how it went."""
        from gradlab.core.session import SessionError, save_session

        if self._trainer is None or self._dataset is None:
            self.session_failed.emit(path, _still_loading())
            return
        self._flush()  # steps still waiting to go out belong to the history saved
        try:
            save_session(path, self._config, self._dataset, self._trainer.state_dict(),
                         self._log.chunk())
        except SessionError as exc:
            self.session_failed.emit(path, error_message(exc))
            return
        self.session_saved.emit(path)

    @Slot(str, int)
    @_guarded
    def load_session(self, path: str, generation: int) -> None:
        """Open a session: on success the run stands exactly where it was saved (under
        ``generation``); a file that is not a valid session changes nothing."""
        from gradlab.core.session import SessionError, load_session
        from gradlab.ui.view import finite_history

        if self._mod is None:
            self.session_failed.emit(path, _still_loading())
            return
        try:
            session = load_session(path)  # validates everything, including the trainer state
            config = spelled_config(session.config)
            trainer = dataclasses.replace(session, config=config).make_trainer()
        except SessionError as exc:
            self.session_failed.emit(path, error_message(exc))
            return
        except Exception as exc:  # noqa: BLE001 - whatever a file does to torch is the file's
            self.session_failed.emit(path, Message(QT_TRANSLATE_NOOP("messages", "state: {reason}"),
                                                   reason=error_message(exc)))
            return
        history = finite_history(session.history) if session.history is not None \
            else HistoryChunk.empty()
        self._pause()
        self._drop_pending()
        self._generation = generation
        self._config, self._dataset = config, session.dataset
        self._start_run(trainer, history, resumed=trainer.step_count > 0)
        self.session_loaded.emit(path, config, session.dataset, history, generation)
        self._show_preview()

    @Slot(str)
    @_guarded
    def export_history(self, path: str) -> None:
        """The history (one row per step) as CSV."""
        self._flush()
        try:
            write_history_csv(path, self._log.chunk())
        except OSError as exc:
            self.file_failed.emit(_cannot_write(path, exc))
            return
        self.file_written.emit(path)

    @Slot(object)
    @_guarded
    def set_teaching(self, wanted: frozenset[str]) -> None:
        """Which teaching panels are visible; each is computed only while it is."""
        from gradlab.ui.teaching_view import TEACHING_PANELS

        self._teach_wanted = frozenset(wanted) & TEACHING_PANELS
        if not self._running:
            self._teach(force=True)

    @Slot(object, object)
    @_guarded
    def set_landscape_range(self, w_range: tuple[float, float],
                            b_range: tuple[float, float]) -> None:
        self._landscape.request_range(w_range, b_range)
        if not self._running:
            self._teach(force=True)

    # ---- running ---------------------------------------------------------------------------

    def _can_step(self) -> bool:
        if self._trainer is None:
            return False
        if self._trainer.diverged is not None:
            self.errored.emit(Message(QT_TRANSLATE_NOOP(
                "messages", "The run diverged ({reason}). Press Reset (R) and lower the learning "
                "rate."), reason=self._trainer.diverged))
            return False
        return True

    def _begin_running(self) -> None:
        if not self._running:
            self._running = True
            self.running_changed.emit(True)
        self._pace_t0, self._pace_done = time.perf_counter(), 0
        self._last_emit = time.perf_counter()
        assert self._timer is not None
        self._timer.start(0)

    def _pause(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._target = None
        if self._running:
            self._running = False
            if self._pending_record is None and self._last_emitted is not None:
                # The last slice's record already went out marked running: say it has stopped.
                self._pending_record = self._last_emitted
            try:
                self._flush()
            finally:  # the window must hear that the run stopped even if the last view failed
                self.running_changed.emit(False)

    def _steps_this_slice(self, now: float) -> tuple[int, int]:
        """(steps to take now, milliseconds until the next tick)."""
        k = self._slice_steps
        if self._target is not None:
            k = min(k, self._target - self._trainer.step_count)
        if math.isinf(self._speed):
            return k, 0
        due = int(self._speed * (now - self._pace_t0)) - self._pace_done
        if due > 2 * k:  # fell behind (slow steps): do not try to catch up in a burst
            self._pace_t0 = now - (self._pace_done + k) / self._speed
            due = k
        if due <= 0:
            wait = (self._pace_done + 1) / self._speed - (now - self._pace_t0)
            return 0, max(1, int(wait * 1000))
        return min(k, due), 0

    @Slot()
    def _tick(self) -> None:
        if self._abort or not self._running:
            return
        try:
            self._slice()
        except Exception as exc:  # noqa: BLE001
            self._fail(exc)

    def _slice(self) -> None:
        now = time.perf_counter()
        k, wait_ms = self._steps_this_slice(now)
        if k > 0:
            t0 = time.perf_counter()
            record, chunk = self._trainer.run(k)
            dt = time.perf_counter() - t0
            self._pace_done += len(chunk)
            per_step = dt / max(1, len(chunk))
            smooth = self._step_cost or per_step
            self._step_cost = 0.7 * smooth + 0.3 * per_step
            self._slice_steps = max(1, min(10_000, int(SLICE_SECONDS / max(self._step_cost, 1e-7))))
            self._pending_chunks.append(chunk)
            self._pending_record = record
            self._mark_rate()
            if record is not None and record.diverged:
                self._pause()
                self._report_divergence(record)
                return
            if self._target is not None and self._trainer.step_count >= self._target:
                self._pause()
                return
        now = time.perf_counter()
        # Views cost O(N): at 10^6 samples keep them under ~12% of the time.
        interval = max(1.0 / MAX_UPDATES_PER_SECOND, 8.0 * self._view_cost)
        if now - self._last_emit >= interval:
            self._flush()
        if self._running and not self._abort:
            assert self._timer is not None
            self._timer.start(wait_ms)

    def _report_divergence(self, record: StepRecord) -> None:
        self.diverged.emit(self._generation, Message(QT_TRANSLATE_NOOP(
            "messages", "diverged at step {step}: {reason} — lower the learning rate "
            "(lr = {lr:g}) and press Reset"), step=record.step, reason=record.diverged,
            lr=record.lr))

    def _mark_rate(self) -> None:
        now = time.perf_counter()
        marks = self._rate_marks
        marks.append((now, self._trainer.step_count))
        while len(marks) > 2 and now - marks[0][0] > 1.0:
            marks.popleft()

    def _rate(self) -> float:
        marks = self._rate_marks
        if not self._running or len(marks) < 2:
            return 0.0
        (t0, s0), (t1, s1) = marks[0], marks[-1]
        return (s1 - s0) / (t1 - t0) if t1 > t0 and s1 >= s0 else 0.0

    # ---- output ----------------------------------------------------------------------------

    def _drop_pending(self) -> None:
        self._pending_record = None
        self._last_emitted = None
        self._pending_chunks = []
        self._rate_marks.clear()

    def _flush(self) -> None:
        """Emit the newest record (with its view) and the history since the last update."""
        from gradlab.ui.view import finite_history

        record = self._pending_record
        if record is None:
            return
        chunk = finite_history(HistoryChunk.concat(self._pending_chunks))
        self._snapshot()
        self._log.append(chunk)
        self._emit(record, chunk)
        self._pending_record = None
        self._pending_chunks = []

    def _emit(self, record: StepRecord, history: HistoryChunk) -> None:
        from gradlab.ui.view import build_view

        assert self._layout is not None and self._dataset is not None
        # CPU time, not wall time: time spent waiting for the GIL is not the view's cost.
        t0 = time.thread_time()
        view = build_view(record, self._dataset, self._layout, self._config)
        dt = time.thread_time() - t0
        self._view_cost = dt if self._view_cost == 0 else 0.7 * self._view_cost + 0.3 * dt
        self._last_emit = time.perf_counter()
        self._last_emitted = record
        self.updated.emit(Update(
            generation=self._generation, step=self._trainer.step_count, record=record,
            history=history, view=view, config=self._config, running=self._running,
            steps_per_second=self._rate(),
        ))
        self._teach(force=not self._running)

    def _teach(self, force: bool = False) -> None:
        """Emit a TeachingView for the step on screen, a few times a second at most."""
        if not self._teach_wanted or self._trainer is None or self._dataset is None:
            return
        now = time.perf_counter()
        if not force and now - self._last_teach < TEACH_INTERVAL:
            return
        self._last_teach = now
        record = self._last_emitted
        if record is not None:
            w, b, batch, step = record.w_before, record.b_before, record.batch, record.step
        else:  # no record to show (reduction 'none'): explain the step that would come next
            (w, b), batch = self._trainer.params, self._trainer.next_batch_indices()
            step = self._trainer.step_count + 1
        self._emit_teaching(step, w, b, batch, self._dataset, self._config)

    def _emit_teaching(self, step: int, w: float, b: float, batch: Any, dataset: Dataset,
                       config: LabConfig) -> None:
        from gradlab.ui.teaching_view import build_teaching

        self.taught.emit(build_teaching(self._generation, step, dataset, config, w, b, batch,
                                        self._teach_wanted, self._landscape))

    # ---- timeline --------------------------------------------------------------------------

    def _snapshot(self, force: bool = False) -> None:
        """Remember the trainer now (every SNAPSHOT_EVERY steps, or at once after a change)."""
        t = self._trainer
        if t is None or t.diverged is not None:
            return
        snaps = self._snapshots
        if not force and snaps and t.step_count - snaps[-1].step < SNAPSHOT_EVERY:
            return
        while snaps and snaps[-1].step >= t.step_count:  # superseded: the same step, new settings
            snaps.pop()
        snaps.append(Snapshot(t.step_count, t.state_dict(), self._config, self._dataset))
        cutoff = t.step_count - TIMELINE_STEPS
        while len(snaps) > 1 and snaps[1].step <= cutoff:
            snaps.pop(0)

    def _replay(self, step: int) -> tuple[StepRecord, Any, Snapshot] | None:
        """Step ``step`` re-run from the nearest snapshot before it: (its record, a trainer
        after it, the snapshot). Deterministic, so the numbers are the run's own."""
        if self._trainer is None or not 1 <= step <= self._trainer.step_count:
            return None
        before = [s for s in self._snapshots if s.step <= step - 1]
        if not before:
            return None
        snap = before[-1]
        trainer = self._mod.Trainer(snap.config, snap.dataset)
        trainer.load_state_dict(snap.state)
        if step - 1 > snap.step:
            trainer.run(step - 1 - snap.step)
        return trainer.step(), trainer, snap

    def _scrub(self) -> None:
        from gradlab.ui.view import build_view, layout_for

        step, self._scrub_target = self._scrub_target, None
        if step is None:
            return
        try:
            replayed = self._replay(step)
        except Exception as exc:  # noqa: BLE001 - reported, the run itself is untouched
            self._fail(exc)
            return
        if replayed is None:
            return
        record, _trainer, snap = replayed
        layout = self._layout if snap.dataset is self._dataset else layout_for(snap.dataset)
        view = build_view(record, snap.dataset, layout, snap.config)
        self.updated.emit(Update(
            generation=self._generation, step=record.step, record=record,
            history=HistoryChunk.empty(), view=view, config=snap.config, running=False,
            steps_per_second=0.0, scrubbed=True,
        ))
        if self._teach_wanted:  # the teaching panels show that step too
            self._emit_teaching(record.step, record.w_before, record.b_before, record.batch,
                                snap.dataset, snap.config)

    def _show_preview(self) -> None:
        """Show the loss and gradient the next step would use (after a reset or config change)."""
        self._drop_pending()
        record = self._trainer.preview()
        self._emit(record, HistoryChunk.empty())

    def _rebuild(self) -> None:
        """A fresh trainer for the current config and data, at step 0."""
        self._drop_pending()
        self._pause()
        self._trainer = None
        if self._dataset is None:
            self._dataset = dataset_for(self._config)
        self._start_run(self._mod.Trainer(self._config, self._dataset), HistoryChunk.empty(),
                        resumed=False)
        self._show_preview()

    def _start_run(self, trainer: Any, history: HistoryChunk, resumed: bool) -> None:
        """Make ``trainer`` (for the current config and data) the run, ``history`` its past:
        the previous run's layout, landscape, step and view costs and snapshots go."""
        from gradlab.ui.view import layout_for

        self._trainer = trainer
        self._layout = layout_for(self._dataset, self._config.seed)
        self._landscape.invalidate()
        self._mixed = False
        self._resumed = resumed
        self._log.clear()
        self._log.append(history)
        self._step_cost = self._view_cost = 0.0
        self._slice_steps = 1
        self._snapshots = []
        self._snapshot(force=True)

    def _fail(self, exc: Exception) -> None:
        try:
            self._pause()
        except Exception:  # noqa: BLE001 - what failed may be the pause's flush itself (a view
            pass  # or a snapshot): report the first error, below, not this repeat of it
        self._drop_pending()
        mod = self._mod
        if mod is not None and isinstance(exc, mod.NoReductionError):
            message = Message(QT_TRANSLATE_NOOP(
                "messages", "PyTorch refused: RuntimeError: {error}\n{explanation}"),
                error=exc.torch_message, explanation=exc.explanation)
            try:
                self._teach(force=True)  # the teaching panels explain exactly this
            except Exception as teach_exc:  # noqa: BLE001 - do not hide the error being reported
                message = Message(QT_TRANSLATE_NOOP(
                    "messages", "{message}\n(the explanation panels failed too: {error})"),
                    message=message, error=error_message(teach_exc))
        else:
            where = traceback.extract_tb(exc.__traceback__)[-1]
            message = Message(QT_TRANSLATE_NOOP(
                "messages", "{error}  (in {function}, line {line}). Press Reset (R) to start "
                "again."), error=_name(exc), function=where.name, line=where.lineno)
        self.errored.emit(message)


def _name(exc: BaseException) -> Message:
    """``ValueError: what went wrong`` (the reason translatable when it is a Message)."""
    return Message(QT_TRANSLATE_NOOP("messages", "{name}: {reason}"), name=type(exc).__name__,
                   reason=error_message(exc))


def _cannot_write(path: str, exc: OSError) -> Message:
    return Message(QT_TRANSLATE_NOOP("messages", "{path}: cannot write: {reason}"), path=path,
                   reason=exc.strerror or str(exc))


def _still_loading() -> Message:
    return Message(QT_TRANSLATE_NOOP("messages", "PyTorch is still loading: try again in a "
                                                 "moment"))


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
