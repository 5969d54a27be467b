"""The worker's run loop and output, kept apart from its slots (gradlab/worker.py).

``RunLoop`` is a mixin of TrainerWorker: it steps the trainer in slices driven by a timer in the
worker's thread, paces the updates it emits (at most ~40 a second, each with its view, built
only for the record that goes out), keeps the timeline's snapshots and reports failures. It uses
the worker's signals and state; it has no signals or slots of its own (the training process
mirrors TrainerWorker's own, see remote.py).
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from gradlab.core.data import Dataset, dataset_for
from gradlab.core.memory import keep_freed_memory_for
from gradlab.core.records import HistoryChunk, StepRecord
from gradlab.views import messages as msg
from gradlab.views.update import Update

if TYPE_CHECKING:
    from gradlab.core.config import LabConfig

#: Target duration of one slice of steps: short enough that commands are served promptly.
SLICE_SECONDS = 0.005
#: Fastest update rate towards the window: above the ~30 frames/s it draws while running, and
#: no higher, since every update costs the trainer a view and a trip through the pipe.
MAX_UPDATES_PER_SECOND = 40.0
#: While running, the teaching panels are refreshed at most this often (seconds).
TEACH_INTERVAL = 0.25


def update_time(last: float, now: float, interval: float, slice_seconds: float) -> float | None:
    """Whether an update goes out at the end of a slice of ``slice_seconds`` (``now``): None if
    not yet, else the time it stands for, from which the next one is due ``interval`` later.

    An update is due ``interval`` after the time the previous one stood for, and goes out at the
    end of the slice nearest that time, not the first one after it: with 22 ms steps (N = 10^6)
    and a 25 ms interval, waiting for the first slice after it sent every other step, 20 updates a
    second for a window that could draw 30. Counting from the due time, not from when the update
    went out, keeps the average at 1/interval: counted from when it went out, 20 ms slices (the
    accumulating trainer's) sent one every slice, 50 a second, each with its view."""
    due = last + interval
    if now < due - 0.5 * min(slice_seconds, interval):
        return None
    return due if now - due < interval else now  # far behind (a long slice): start afresh


def guarded(method: Callable[..., Any]) -> Callable[..., Any]:
    """Run a slot; any exception pauses the run and is reported, so the app keeps working."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any) -> Any:
        try:
            return method(self, *args)
        except Exception as exc:  # noqa: BLE001 - reported to the user, never swallowed
            self._fail(exc)
            return None

    return wrapper


class RunLoop:
    """Running, output, timeline and failure handling of a TrainerWorker."""

    # ---- running ---------------------------------------------------------------------------

    def _can_step(self) -> bool:
        if self._trainer is None:
            return False
        if self._trainer.diverged is not None:
            self.errored.emit(msg.already_diverged(self._trainer.diverged))
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
        dt = 0.0
        if k > 0:
            t0 = time.perf_counter()
            record, chunk = self._run_main(k)
            dt = time.perf_counter() - t0
            self._pace_done += len(chunk)
            per_step = dt / max(1, len(chunk))
            smooth = self._step_cost or per_step
            self._step_cost = 0.7 * smooth + 0.3 * per_step
            slice_s = getattr(self._trainer, "slice_seconds", SLICE_SECONDS)  # DDP: longer
            self._slice_steps = max(1, min(10_000, int(slice_s / max(self._step_cost, 1e-7))))
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
        interval = max(getattr(self._trainer, "update_interval", 1.0 / MAX_UPDATES_PER_SECOND),
                       8.0 * self._view_cost)  # DDP: fewer (the window draws few, see pacing)
        stamp = update_time(self._last_emit, now, interval, dt)
        if stamp is not None:
            self._flush()
            self._last_emit = stamp
        if self._running and not self._abort:
            assert self._timer is not None
            self._timer.start(wait_ms)

    def _run_main(self, k: int) -> tuple[StepRecord | None, HistoryChunk]:
        """Up to ``k`` steps of the run (worker_compare.py steps the compared runs with it).
        The record carries each sample's loss only where the view shows one bar per sample."""
        self._trainer.record_per_sample = self._layout is None or self._layout.group_size == 1
        return self._trainer.run(k)

    # Hooks for the runs side by side (worker_compare.py overrides them).
    def _configure_compared(self, config: LabConfig) -> None:
        """The main run took ``config`` (no new data)."""

    def _compared_saved(self) -> list[dict[str, Any]]:
        """What a saved session keeps of the compared runs."""
        return []

    def _resume_compared(self, session: Any) -> None:
        """An opened session is the run now: its compared runs (if any) with it."""

    def _report_divergence(self, record: StepRecord) -> None:
        self.diverged.emit(self._generation,
                           msg.diverged_at(record.step, record.diverged, record.lr))

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
        from gradlab.views.panels import finite_history

        record = self._pending_record
        if record is None:
            return
        chunk = finite_history(HistoryChunk.concat(self._pending_chunks))
        self._snapshot()
        self._log.append(chunk)
        self._emit(record, chunk)
        self._pending_record = None
        self._pending_chunks = []

    def _emit(self, record: StepRecord, history: HistoryChunk, teach: bool = True) -> None:
        from gradlab.views.panels import build_view

        assert self._layout is not None and self._dataset is not None
        # CPU time, not wall time: time spent waiting for the GIL is not the view's cost.
        t0 = time.thread_time()
        view = build_view(record, self._dataset, self._layout, self._config)
        dt = time.thread_time() - t0
        self._view_cost = dt if self._view_cost == 0 else 0.7 * self._view_cost + 0.3 * dt
        self._last_emit = time.perf_counter()
        self._last_emitted = record
        step = self._trainer.step_count
        if record.applied and view.reduced:
            self._step_loss = (record.step, record.loss, view.loss_after)
        known = self._step_loss  # a preview after a control change: step `step` is unchanged
        self.updated.emit(Update(
            generation=self._generation, step=step, record=record,
            history=history, view=view, config=self._config, running=self._running,
            steps_per_second=self._rate(),
            step_loss=known[1:] if known is not None and known[0] == step else None,
        ))
        if teach:
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
        from gradlab.views.teaching import build_teaching

        batches = self._batches_view() if "batches" in self._teach_wanted else None
        self.taught.emit(build_teaching(self._generation, step, dataset, config, w, b, batch,
                                        self._teach_wanted, self._landscape,
                                        (self.per_sample_clip, self.per_sample_v), batches))

    # ---- timeline --------------------------------------------------------------------------

    def _snapshot(self, force: bool = False) -> None:
        self._timeline.remember(self._trainer, self._config, self._dataset, force)

    def _replay(self, step: int) -> tuple[StepRecord, Any, Any] | None:
        """Step ``step`` re-run from the nearest snapshot before it (see views.timeline)."""
        if self._trainer is None:
            return None
        return self._timeline.replay(step, self._trainer.step_count, self._replay_trainer)

    def _scrub(self) -> None:
        from gradlab.views.panels import build_view, layout_for

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
            step_loss=(record.loss, view.loss_after) if view.reduced else None,
        ))
        if self._teach_wanted:  # the teaching panels show that step too
            self._emit_teaching(record.step, record.w_before, record.b_before, record.batch,
                                snap.dataset, snap.config)

    def _show_preview(self) -> None:
        """Show the loss and gradient the next step would use (after a reset or config change)."""
        self._drop_pending()
        record = self._trainer.preview()
        self._emit(record, HistoryChunk.empty())

    def _show_unreduced(self) -> None:
        """Reduction 'none' (PyTorch refused backward()): the Training tab shows the per-sample
        losses the next step would reduce, and no reduced loss or gradient of an earlier one."""
        from gradlab.views.panels import unreduced_record

        trainer = self._trainer
        if trainer is None or self._dataset is None or self._layout is None:
            return
        (w, b), batch = trainer.params, trainer.next_batch_indices()
        record = unreduced_record(trainer.step_count + 1, trainer.epoch, batch, w, b,
                                  self._dataset, self._config)
        self._emit(record, HistoryChunk.empty(), teach=False)

    def _rebuild(self) -> None:
        """A fresh trainer for the current config and data, at step 0."""
        self._drop_pending()
        self._pause()
        self._trainer = None
        if self._dataset is None:
            self._dataset = dataset_for(self._config)
        self._start_run(self._new_trainer(self._config, self._dataset), HistoryChunk.empty(),
                        resumed=False)
        self._show_preview()

    def _start_run(self, trainer: Any, history: HistoryChunk, resumed: bool) -> None:
        """Make ``trainer`` (for the current config and data) the run, ``history`` its past:
        the previous run's layout, landscape, step and view costs and snapshots go."""
        from gradlab.views.panels import layout_for

        self._trainer = trainer
        keep_freed_memory_for(len(self._dataset))
        self._step_loss = None
        self._layout = layout_for(self._dataset, self._config.seed)
        self._landscape.invalidate()
        self._mixed = False
        self._resumed = resumed
        self._log.clear()
        self._log.append(history)
        self._step_cost = self._view_cost = 0.0
        self._slice_steps = 1
        self._timeline.clear()
        self._snapshot(force=True)

    def _fail(self, exc: Exception) -> None:
        try:
            self._pause()
        except Exception:  # noqa: BLE001 - what failed may be the pause's flush itself (a view
            pass  # or a snapshot): report the first error, below, not this repeat of it
        self._drop_pending()
        mod = self._mod
        if mod is not None and isinstance(exc, mod.NoReductionError):
            message = msg.no_reduction(exc.torch_message, exc.explanation)
            try:
                self._show_unreduced()
                self._teach(force=True)  # the teaching panels explain exactly this
            except Exception as teach_exc:  # noqa: BLE001 - do not hide the error being reported
                message = msg.explanation_failed_too(message, teach_exc)
        else:
            message = msg.unexpected(exc)
        self.errored.emit(message)
