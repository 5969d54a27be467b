"""What the window shows while a step is taken phase by phase (Qt-free, built in the worker).

A ``PhaseView`` carries the next step's phases from the core (``step_phases``: the trainer's own
calls on a copy of it) as plain numbers, and which phase is on screen; the graph of the step with
its values (``graph_of_phases``) comes along only while the autograd-graph tab is visible. It holds
no object of a torch-importing module: the window's process unpickles it before torch is there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gradlab.core.phases import StepPhases
    from gradlab.views.graph_values import GraphValues

#: The phases of a step, in order (core.phases.PHASES, which imports torch).
PHASES = ("forward", "losses", "reduce", "backward", "update")

#: What each phase touches on the Training tab (panel names of TrainingPanels).
PHASE_PANELS = {
    "forward": ("fit",),
    "losses": ("loss",),
    "reduce": ("loss",),
    "backward": ("gradient",),
    "update": ("fit", "loss", "gradient", "history"),
}


@dataclass(frozen=True, eq=False)
class PhaseView:
    """The step ``step`` at phase ``index`` (into PHASES), for generation ``generation``.

    ``values`` maps each phase the step reaches to its numbers (``Phase.values`` of the core:
    floats, lists and text). ``graph`` is the step's valued graph as it stands at this phase
    (leaves' .grad None before backward), or None when the graph tab is not visible.
    """

    generation: int
    index: int
    step: int
    batch: tuple[int, ...]
    reached: tuple[str, ...]
    values: dict[str, dict[str, Any]]
    graph: GraphValues | None = None

    @property
    def name(self) -> str:
        return PHASES[self.index]

    @property
    def last(self) -> bool:
        """No phase follows this one: the step was taken, or PyTorch refused its backward."""
        return self.index >= len(self.reached) - 1

    @property
    def refused(self) -> bool:
        """Reduction 'none' at the reduce phase: PyTorch's error, and no backward or update."""
        return self.name == "reduce" and self.values["reduce"]["error"] is not None

    def shown(self) -> dict[str, Any]:
        """The numbers of the phase on screen."""
        return self.values[self.name]


def build_phase_view(generation: int, phases: StepPhases, index: int,
                     with_graph: bool) -> PhaseView:
    """The view of phase ``index``; the graph (if asked) after backward from the backward phase
    on, before it otherwise."""
    graph = None
    if with_graph:
        from gradlab.core.graphvalues import graph_of_phases
        from gradlab.views.graph_values import graph_values

        graph = graph_values(graph_of_phases(phases, backward=index >= PHASES.index("backward")))
    return PhaseView(
        generation=generation, index=index, step=phases.step,
        batch=tuple(int(i) for i in phases.index), reached=tuple(phases.reached),
        values={p.name: p.values for p in phases.phases()}, graph=graph,
    )
