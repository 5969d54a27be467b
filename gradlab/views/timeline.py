"""The timeline's memory: trainer snapshots every few hundred steps, from which any recent step
is re-run exactly (the runs are deterministic), so scrubbing back costs no per-step storage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gradlab.core.config import LabConfig
    from gradlab.core.data import Dataset
    from gradlab.core.records import StepRecord

#: A snapshot at least this often (steps) ...
SNAPSHOT_EVERY = 250
#: ... covering at least this many recent steps.
TIMELINE_STEPS = 10_000


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The trainer after ``step`` steps, and the settings and data of the steps that follow."""

    step: int
    state: dict
    config: LabConfig
    dataset: Dataset


class Timeline:
    """Snapshots of one run, oldest first."""

    def __init__(self) -> None:
        self.snapshots: list[Snapshot] = []

    def clear(self) -> None:
        self.snapshots = []

    def remember(self, trainer: Any, config: LabConfig, dataset: Dataset,
                 force: bool = False) -> None:
        """Keep the trainer's state now (every SNAPSHOT_EVERY steps, or at once after a
        change of settings or data); a diverged trainer is not worth keeping."""
        if trainer is None or trainer.diverged is not None:
            return
        snaps = self.snapshots
        step = trainer.step_count
        if not force and snaps and step - snaps[-1].step < SNAPSHOT_EVERY:
            return
        while snaps and snaps[-1].step >= step:  # superseded: the same step, new settings
            snaps.pop()
        snaps.append(Snapshot(step, trainer.state_dict(), config, dataset))
        cutoff = step - TIMELINE_STEPS
        while len(snaps) > 1 and snaps[1].step <= cutoff:
            snaps.pop(0)

    def keep_until(self, step: int) -> None:
        """Forget the snapshots after ``step`` (the run continues from there)."""
        self.snapshots = [s for s in self.snapshots if s.step <= step]

    def replay(self, step: int, last: int, trainer_class: Any
               ) -> tuple[StepRecord, Any, Snapshot] | None:
        """Step ``step`` (of a run at step ``last``) re-run from the nearest snapshot before it:
        (its record, a trainer after it, the snapshot); None if it is out of reach."""
        if not 1 <= step <= last:
            return None
        before = [s for s in self.snapshots if s.step <= step - 1]
        if not before:
            return None
        snap = before[-1]
        trainer = trainer_class(snap.config, snap.dataset)
        trainer.load_state_dict(snap.state)
        if step - 1 > snap.step:
            trainer.run(step - 1 - snap.step)
        return trainer.step(), trainer, snap
