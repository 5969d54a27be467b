"""What the window shows of runs side by side (core/compare.py): each run's legend, the steps it
took since the last update and its fate. Frozen, Qt-free: built in the worker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from gradlab.core.messages import QT_TRANSLATE_NOOP, Message

if TYPE_CHECKING:
    from gradlab.core.records import HistoryChunk


@dataclass(frozen=True, eq=False)
class RunView:
    """One run: ``history`` holds its finite steps since the previous CompareView."""

    index: int
    label: str
    history: HistoryChunk
    w: float  # where it stands now
    b: float
    step: int
    diverged: Message | None  # "diverged at step 416: loss became inf (stopped; ...)"
    diverged_at: int | None = None  # the step it stopped at


@dataclass(frozen=True, eq=False)
class CompareView:
    """All the runs (the main one first); ``fresh``: they (re)started, drop what was drawn.
    ``largest_difference``: the largest |Δw| or |Δb| so far between the first two runs, for
    *sum with lr/N follows mean* (None for the other comparisons)."""

    generation: int
    key: str
    title: str
    runs: tuple[RunView, ...]
    fresh: bool
    largest_difference: float | None = None

    @property
    def active(self) -> bool:
        return bool(self.runs)


def stopped(step: int | None, reason: str) -> Message:
    return Message(QT_TRANSLATE_NOOP("messages", "diverged at step {step}: {reason} (stopped; "
                                                 "the others go on)"), step=step, reason=reason)
