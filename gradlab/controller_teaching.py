"""The controller's commands for the teaching features, kept apart from the run's own.

``TeachingCommands`` is a mixin of :class:`~gradlab.controller.LabController` (PySide6 registers
a mixin's signals on the QObject class): Step in phases and the per-sample tab (issue 18), the
learning-rate limit, "×2 the data" and runs side by side (issue 17), and the split batch of the
Batches & workers tab (issue 16). Like every command, each goes to the worker as a queued
signal, and what comes back from an older generation is dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal

from gradlab.core.splitting import SplitSettings

if TYPE_CHECKING:
    from gradlab.views.phases import PhaseView


class TeachingCommands:
    """Signals, commands and worker handlers of the teaching features."""

    # ---- to the worker ----
    _phase_sent = Signal(bool)  # finish: straight to the end of the step
    _per_sample_sent = Signal(float, object)  # clipping norm, v
    _double_sent = Signal()
    _compare_sent = Signal(str, int)  # ready-made comparison, new generation
    _compare_stop_sent = Signal(int)
    _compare_runs_sent = Signal(object, int)  # overrides of up to three runs, new generation
    _split_sent = Signal(object)  # SplitSettings
    _split_backward_sent = Signal()
    _drop_last_sent = Signal(bool)

    # ---- for the widgets ----
    #: a PhaseView of the current generation: the next step at one phase
    phase_ready = Signal(object)
    #: the learning-rate limit of the settings in force (a views.stability.StabilityNote)
    stability_ready = Signal(object)
    #: the runs side by side (a views.compare.CompareView; no runs: comparing ended)
    compare_ready = Signal(object)
    #: the split in force changed (a SplitSettings: micro-batches, workers, or none)
    split_changed = Signal(object)
    #: a split setting was refused, or the workers ended (the message, for the tab)
    split_failed = Signal(object)
    #: DDP workers starting: (ready, world size)
    split_progress = Signal(int, int)

    generation: int
    run_step: int
    serving: bool
    _new_generation: Any

    def _init_teaching(self) -> None:
        self.split = SplitSettings()  # the split in force, as the worker last said
        self.phase: PhaseView | None = None  # the phase on screen, while a step is walked
        self.stability: Any = None  # the newest views.stability.StabilityNote
        self.comparison: Any = None  # the newest views.compare.CompareView, while comparing

    def _wire_teaching(self, worker: Any) -> None:
        for signal, slot in (
                (self._phase_sent, worker.step_phase),
                (self._per_sample_sent, worker.set_per_sample),
                (self._double_sent, worker.double_data),
                (self._compare_sent, worker.start_compare),
                (self._compare_stop_sent, worker.stop_compare),
                (self._compare_runs_sent, worker.start_compare_runs),
                (self._split_sent, worker.set_split),
                (self._split_backward_sent, worker.split_backward),
                (self._drop_last_sent, worker.set_drop_last)):
            signal.connect(slot)
        # Methods, never lambdas: a lambda has no thread, so Qt would call it in the worker's.
        for signal, slot in (
                (worker.phased, self._on_phased),
                (worker.stability_changed, self._on_stability),
                (worker.compared, self._on_compared),
                (worker.split_changed, self._on_split_changed),
                (worker.split_failed, self.split_failed),
                (worker.split_progress, self.split_progress)):
            signal.connect(slot)

    # ---- commands ----

    @property
    def phase_open(self) -> bool:
        """A step is being walked phase by phase and has phases left."""
        p = self.phase
        return p is not None and not p.last and p.step == self.run_step + 1

    def step_phase(self) -> None:
        """The next phase of the next step (see worker_phases)."""
        if self.serving:
            self._phase_sent.emit(False)

    def set_per_sample(self, clip: float, v: object) -> None:
        """The per-sample tab's clipping norm and v (a preset name or numbers)."""
        self._per_sample_sent.emit(float(clip), v)

    def double_data(self) -> None:
        """"×2 the data": every point twice; w, b and the step stay."""
        if self.serving:
            self._double_sent.emit()

    def start_compare(self, key: str) -> None:
        """Run the ready-made comparison ``key`` (core.compare.READY_MADE) from step 0."""
        if self.serving:
            self._new_generation()
            self._compare_sent.emit(str(key), self.generation)

    def compare_runs(self, specs: list[dict[str, Any]]) -> None:
        """Compare the run as it is set with up to three that override some settings."""
        if self.serving:
            self._new_generation()
            self._compare_runs_sent.emit([dict(s) for s in specs], self.generation)

    def stop_compare(self) -> None:
        if self.serving:
            self._compare_stop_sent.emit(self.generation)

    def set_split(self, split: SplitSettings) -> None:
        """Split each step's batch: micro-batches, DDP workers, or not (all None)."""
        if self.serving:
            self._split_sent.emit(split)

    def split_backward(self) -> None:
        """One more micro-batch's backward() on the Batches & workers tab."""
        self._split_backward_sent.emit()

    def set_drop_last(self, drop: bool) -> None:
        self._drop_last_sent.emit(bool(drop))

    def _on_split_changed(self, split: SplitSettings) -> None:
        self.split = split
        self.split_changed.emit(split)

    # ---- from the worker ----

    def _on_phased(self, view: PhaseView) -> None:
        if view.generation < self.generation:
            return
        self.phase = view
        self.phase_ready.emit(view)

    def _on_stability(self, generation: int, note: object) -> None:
        if generation >= self.generation:
            self.stability = note
            self.stability_ready.emit(note)

    def _on_compared(self, generation: int, view: Any) -> None:
        if generation >= self.generation:
            self.comparison = view if view.active else None
            self.compare_ready.emit(view)
