"""The worker's "Step in phases" command and the per-sample tab's settings.

``PhaseSlots`` is a mixin of :class:`~gradlab.worker.TrainerWorker` (like ``FileSlots``): its
slots and signals are the worker's own. A press computes the next step's phases once (the core's
``step_phases``, on a copy of the trainer, so every number is the one the step itself produces)
and then walks them one per press; the last phase, *update*, takes that step for real through the
worker's ordinary ``step``, so the Training tab and the history get it as any other step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Signal, Slot

from gradlab.worker_loop import guarded


@dataclass
class _Walk:
    """The phases being walked: for which run (generation, step, config) and how far."""

    generation: int
    config: Any
    phases: Any  # StepPhases
    index: int


class PhaseSlots:
    """Step in phases; the clipping norm and v of the per-sample tab."""

    #: a PhaseView: the next step at one phase (see views.phases)
    phased = Signal(object)

    _walk: _Walk | None = None
    #: the per-sample tab's clipping norm C and its v (a preset name or one number per sample)
    per_sample_clip: float = 10.0
    per_sample_v: Any = "mean"

    _config: Any
    _generation: int
    _trainer: Any
    _teach_wanted: frozenset[str]

    def _walk_is_current(self) -> bool:
        walk, t = self._walk, self._trainer
        return (walk is not None and walk.generation == self._generation
                and walk.config == self._config and walk.phases.step == t.step_count + 1
                and walk.index < len(walk.phases.reached) - 1)

    @Slot(bool)
    @guarded
    def step_phase(self, finish: bool = False) -> None:
        """The next phase of the next step (``finish``: straight to its end, taking it).

        A fresh walk starts when none is under way, or when the run moved on or changed since.
        """
        from gradlab.core.phases import PHASES, step_phases
        from gradlab.views.phases import build_phase_view

        if not self._can_step():
            return
        self._pause()
        if self._walk_is_current():
            walk = self._walk
            assert walk is not None
            walk.index = len(walk.phases.reached) - 1 if finish else walk.index + 1
        else:
            phases = step_phases(self._trainer)
            walk = self._walk = _Walk(self._generation, self._config, phases,
                                      len(phases.reached) - 1 if finish else 0)
            if phases.error is None:
                self._show_preview()  # the Training tab shows the step the phases are of
            else:
                self._show_unreduced()
        if PHASES[walk.index] == "update":
            self.step(1)  # the worker's own step: the same step, now taken
        self.phased.emit(build_phase_view(self._generation, walk.phases, walk.index,
                                          "graph" in self._teach_wanted))

    @Slot(float, object)
    @guarded
    def set_per_sample(self, clip: float, v: Any) -> None:
        """The per-sample tab's clipping norm and v; its numbers are recomputed if it is shown."""
        self.per_sample_clip, self.per_sample_v = float(clip), v
        if not self._running and "per_sample" in self._teach_wanted:
            self._teach(force=True)
