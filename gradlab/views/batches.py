"""What the Batches & workers tab shows, computed in the worker (no Qt here).

Three parts, each next to the gradient of the same batch in one ordinary ``backward()``:

- accumulation: the NEXT step's micro-batches, computed by an ``AccumulatingTrainer`` copied
  from the run (so ``.grad`` really accumulates in autograd, one ``backward()`` per micro-batch,
  and the run itself is untouched); the tab reveals them one ``backward()`` press at a time;
- workers: the last step the DDP workers took with every worker's report (``ParallelStep``), and
  the shards the next batch will be cut into;
- the last batch: one epoch from the run's start, its loss three ways (``epoch_losses``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gradlab.core.config import LabConfig
from gradlab.core.data import Dataset
from gradlab.core.splitting import SplitSettings

#: The last-batch epoch is trained only up to this many batches (it is a teaching view, and the
#: tab must stay responsive on a million samples).
MAX_EPOCH_BATCHES = 2000


@dataclass(frozen=True, eq=False)
class AccumulationView:
    """The next step accumulated over micro-batches (``step``: an ``AccumulationStep``);
    ``pressed`` of its ``backward()`` calls are on screen (all of them while running)."""

    step: Any
    pressed: int
    settings: SplitSettings
    step_number: int

    @property
    def k(self) -> int:
        return len(self.step.micro_batches)


@dataclass(frozen=True, eq=False)
class WorkersView:
    """The group (world size, pids, seconds it took to start) and its last detailed step
    (``last``: a ``ParallelStep``, or None before the first), the next batch's shard sizes."""

    settings: SplitSettings
    world_size: int
    pids: tuple[int, ...]
    start_seconds: float
    start_method: str
    next_sizes: tuple[int, ...]
    last: Any = None


@dataclass(frozen=True, eq=False)
class BatchesView:
    """The Batches & workers tab's inputs: the split in force and each part's numbers (None
    for a part that is off); ``message`` says why a group ended (shown in the tab)."""

    split: SplitSettings
    accumulation: AccumulationView | None
    workers: WorkersView | None
    last_batch: Any  # core.lastbatch.LastBatch, or None when an epoch is too long to show
    drop_last: bool
    message: object = None


class LastBatchCache:
    """The last-batch epoch depends only on the data, the settings and drop_last: kept."""

    def __init__(self) -> None:
        self.key: tuple | None = None
        self.value: Any = None

    def get(self, dataset: Dataset, config: LabConfig, drop_last: bool) -> Any:
        from gradlab.core.lastbatch import epoch_losses

        key = (dataset.token, config, drop_last)
        if key != self.key:
            n = len(dataset)
            if -(-n // config.effective_batch_size(n)) > MAX_EPOCH_BATCHES \
                    or config.reduction == "none":
                self.value = None
            else:
                self.value = epoch_losses(config, dataset, drop_last)
            self.key = key
        return self.value


def accumulation_view(trainer: Any, config: LabConfig, dataset: Dataset,
                      split: SplitSettings, pressed: int, running: bool) -> AccumulationView:
    """The next step of ``trainer`` (an AccumulatingTrainer), taken on a copy of it."""
    from gradlab.core.accumulate import AccumulatingTrainer

    copy = AccumulatingTrainer(config, dataset, split)
    copy.load_state_dict(trainer.state_dict())
    step = copy.step_split()
    k = len(step.micro_batches)
    return AccumulationView(step, k if running else max(0, min(pressed, k)), split,
                            trainer.step_count + 1)


def workers_view(trainer: Any, split: SplitSettings, last: Any) -> WorkersView:
    """The group of ``trainer`` (a ParallelTrainer) and its last detailed step."""
    group = trainer.group
    n = int(trainer.next_batch_indices().size)
    return WorkersView(split, group.world_size, tuple(group.pids), group.start_seconds,
                       group.start_method, split.shard_sizes_for(n), last)
