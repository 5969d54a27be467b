"""Runs side by side in the worker: up to three runs beside the main one (core/compare.py), each
a real Trainer, stepped in lockstep with it.

``CompareSlots`` is a mixin of :class:`~gradlab.worker.TrainerWorker` (before ``RunLoop``). The
main run stays the worker's own trainer, driven by the usual Step / Run / Reset and slices;
``_run_main`` steps the compared runs by as many steps as the main one took, so every run's
numbers are those of its own solo run. A compared run that diverges stops (its view says so);
the others go on. After each update the compared runs' new steps go out on ``compared``.
When the main trainer is replaced (a reset, new data, an edit, a rewind, an opened session) the
compared runs follow it (``_sync_comparison``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal, Slot

from gradlab.worker_loop import guarded

if TYPE_CHECKING:
    from gradlab.core.compare import Comparison
    from gradlab.core.records import HistoryChunk, StepRecord

#: The ready-made comparison whose first two runs should coincide: its view carries their
#: largest difference (rounding).
COINCIDE = "sum-lr-over-n"


class CompareSlots:
    """Start, drive, save and stop the runs side by side."""

    #: (generation, views.compare.CompareView): the runs' steps since the last one
    compared = Signal(int, object)

    _config: Any
    _dataset: Any
    _trainer: Any
    _generation: int
    _speed: float
    _target: int | None
    _comparison: Comparison | None = None
    _compare_key = ""
    _compare_title = ""
    _compare_main_spec: dict[str, Any] = {}
    _compare_pending: list[list[HistoryChunk]] = []
    _compare_fresh = False
    _compare_diff: float | None = None

    # ---- commands ----------------------------------------------------------------------------

    @Slot(str, int)
    @guarded
    def start_compare(self, key: str, generation: int) -> None:
        """Start the ready-made comparison ``key`` from step 0 under ``generation``: the main
        run takes its first run's settings, the others are compared with it."""
        from gradlab.core.compare import READY_MADE, ready_made

        found = next((r for r in READY_MADE if r.key == key), None)
        title, main_spec = (found.title, dict(found.runs[0])) if found else ("", {})
        self._begin_comparison(generation, key, title, main_spec,
                               lambda: ready_made(key, self._config, self._dataset))

    @Slot(object, int)
    @guarded
    def start_compare_runs(self, specs: list[dict[str, Any]], generation: int) -> None:
        """Compare the main run, as it is set, with up to three runs that override some of its
        settings (``[{"reduction": "sum", "lr": "lr/N"}, ...]``, as ``--compare`` takes)."""
        from gradlab.core.compare import Comparison

        self._begin_comparison(generation, "custom", "", {},
                               lambda: Comparison(self._config, self._dataset, specs))

    def _begin_comparison(self, generation: int, key: str, title: str,
                          main_spec: dict[str, Any], build: Any) -> None:
        from gradlab.core.config import ConfigError
        from gradlab.core.messages import error_message
        from gradlab.core.records import HistoryChunk

        if self._mod is None or self._dataset is None:
            return
        self._pause()
        self._drop_pending()
        self._generation = generation
        try:
            comparison = build()
        except ConfigError as exc:  # e.g. "0.98*limit" under MAE, a batch larger than the data
            self._comparison = None
            self.errored.emit(error_message(exc))
            self._show_preview()
            return
        self._compare_key, self._compare_title, self._compare_main_spec = key, title, main_spec
        self._config = comparison.main.config
        self._comparison = comparison
        self._start_comparison()
        self._start_run(comparison.main.trainer, HistoryChunk.empty(), resumed=False)
        self.data_edited.emit(self._config, len(self._dataset))
        self._show_preview()

    @Slot(int)
    @guarded
    def stop_compare(self, generation: int) -> None:
        """Back to the main run alone (it goes on where it is)."""
        from gradlab.views.compare import CompareView

        self._comparison = None
        self._compare_pending = []

        self.compared.emit(generation, CompareView(generation, "", "", (), fresh=True))

    # ---- hooks of the run loop ---------------------------------------------------------------

    def _run_main(self, k: int) -> tuple[StepRecord | None, HistoryChunk]:
        self._sync_comparison()  # before the main run moves on from a rewind
        record, chunk = super()._run_main(k)  # type: ignore[misc]
        c = self._comparison
        if c is not None and record is not None and record.diverged is not None:
            c.main.diverged_at = record.step  # the main run stops the loop (worker_loop)
        if c is not None and len(chunk):
            for i, run in enumerate(c.runs[1:], start=1):
                if run.diverged is None:
                    self._run_compared(i, len(chunk))
            self._track_difference(chunk)
        return record, chunk

    def _steps_this_slice(self, now: float) -> tuple[int, int]:
        """Running flat out, a slice steps every run as many times as one run alone would
        (up to ~5 ms per run): a slice of one lockstep step would spend more on its own upkeep
        than on the runs. Commands are still served between slices (within ~20 ms)."""
        k, wait = super()._steps_this_slice(now)  # type: ignore[misc]
        c = self._comparison
        if c is None or k <= 0 or not math.isinf(self._speed):
            return k, wait
        k *= len(c.runs)
        if self._target is not None:
            k = min(k, self._target - self._trainer.step_count)
        return k, wait

    def _run_compared(self, i: int, steps: int) -> None:
        assert self._comparison is not None
        run = self._comparison.runs[i]
        run.trainer.record_per_sample = False  # its record is read for divergence alone
        rec, ch = run.trainer.run(steps)
        if rec is not None and rec.diverged is not None:
            run.diverged_at = rec.step
        self._compare_pending[i].append(ch)

    def _track_difference(self, main_chunk: HistoryChunk) -> None:
        from gradlab.core.compare import largest_difference

        if self._compare_key != COINCIDE or len(self._compare_pending) < 2:
            return
        last = self._compare_pending[1][-1] if self._compare_pending[1] else None
        if last is None or len(last) != len(main_chunk):
            return
        diff = largest_difference(main_chunk, last)
        self._compare_diff = max(self._compare_diff or 0.0, diff)

    def _configure_compared(self, config: Any) -> None:
        """A new main config (no new data): every compared run takes it, its overrides still
        winning; a setting that restarts at step 0 restarts them all."""
        from gradlab.core.config import ConfigError
        from gradlab.core.messages import error_message

        c = self._comparison
        if c is None:
            return
        try:
            reset = c.configure(config)
        except ConfigError as exc:  # e.g. "0.98*limit" under MAE: no limit to be a multiple of
            self.stop_compare(self._generation)
            self.errored.emit(error_message(exc))
            return
        if reset:
            self._start_comparison()

    def _drop_pending(self) -> None:
        super()._drop_pending()  # type: ignore[misc]
        if self._comparison is not None:
            self._compare_pending = [[] for _ in self._comparison.runs]

    def _emit(self, record: StepRecord, history: HistoryChunk, teach: bool = True) -> None:
        super()._emit(record, history, teach)  # type: ignore[misc]
        self._emit_compared(history)

    def _compared_saved(self) -> list[dict[str, Any]]:
        c = self._comparison
        return [] if c is None else [run.saved() for run in c.runs[1:]]

    def _resume_compared(self, session: Any) -> None:
        """An opened session: its compared runs, each where it was saved (none: alone)."""
        from gradlab.core.compare import Comparison, label

        if not session.compare:
            if self._comparison is not None:
                self.stop_compare(self._generation)
            return
        c = Comparison(self._config, self._dataset, [s.overrides for s in session.compare],
                       main_trainer=self._trainer)
        n = len(self._dataset)
        for run, saved in zip(c.runs[1:], session.compare, strict=True):
            run.trainer = saved.make_trainer(self._dataset)
            run.config, run.label = saved.config, label(saved.config, run.spec, n)
            run.diverged_at = int(saved.state["step"]) if saved.diverged is not None else None
        self._comparison = c
        self._compare_key, self._compare_title, self._compare_main_spec = "session", "", {}
        self._start_comparison()

    # ---- keeping the runs together -----------------------------------------------------------

    def _start_comparison(self) -> None:
        assert self._comparison is not None
        self._compare_pending = [[] for _ in self._comparison.runs]
        self._compare_fresh = True
        self._compare_diff = 0.0 if self._compare_key == COINCIDE else None

    def _sync_comparison(self) -> None:
        """The main trainer was replaced: the compared runs follow (at step 0 after a reset or
        new data; from where they were after a hand edit; replayed after a rewind)."""
        from gradlab.core.compare import Comparison

        c = self._comparison
        if c is None or (c.main.trainer is self._trainer and c.dataset is self._dataset):
            return
        t = self._trainer
        old = [(r.trainer.params, r.trainer.step_count, r.diverged) for r in c.runs[1:]]
        new = Comparison(self._config, self._dataset, c.specs, main_trainer=t,
                         main_spec=self._compare_main_spec)
        self._comparison = new
        self._start_comparison()
        steps = t.step_count
        if steps == 0:
            return
        if c.dataset is not self._dataset:  # the data were edited: go on from where they were
            for run, ((w, b), k, diverged) in zip(new.runs[1:], old, strict=True):
                run.trainer.set_params(*((w, b) if diverged is None else t.params))
                run.trainer.step_count = k if diverged is None else steps
            return
        for i in range(1, len(new.runs)):  # rewound (or reopened): replay to the same step
            self._run_compared(i, steps)

    def _emit_compared(self, main_history: HistoryChunk | None = None) -> None:
        from gradlab.core.records import HistoryChunk
        from gradlab.views.compare import CompareView, RunView, stopped
        from gradlab.views.panels import finite_history

        self._sync_comparison()
        c = self._comparison
        if c is None:
            return
        runs = []
        for i, run in enumerate(c.runs):
            if i == 0:
                history = main_history if main_history is not None else HistoryChunk.empty()
            else:
                history = finite_history(HistoryChunk.concat(self._compare_pending[i]))
            (w, b), step = run.trainer.params, run.trainer.step_count
            fate = None if run.diverged is None else stopped(run.diverged_at, run.diverged)
            runs.append(RunView(i, run.label, history, w, b, step, fate, run.diverged_at))
        self._compare_pending = [[] for _ in c.runs]
        view = CompareView(self._generation, self._compare_key, self._compare_title,
                           tuple(runs), self._compare_fresh, self._compare_diff)
        self._compare_fresh = False
        self.compared.emit(self._generation, view)
