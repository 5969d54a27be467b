"""The message the worker sends the window for each update: light, so the window's process can
import it before its first paint (the view maths in ``panels`` come later, with the worker)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gradlab.core.config import LabConfig
    from gradlab.core.records import HistoryChunk, StepRecord
    from gradlab.views.panels import PanelView


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
    #: (the loss step ``step`` was computed at, its loss at the w, b after it), if the worker
    #: knows that step: kept while previews of the next step follow it (a control change)
    step_loss: tuple[float, float] | None = None
