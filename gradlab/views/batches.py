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

from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from gradlab.core.config import LabConfig
from gradlab.core.data import Dataset
from gradlab.core.splitting import Comparison, SplitSettings

#: The last-batch epoch is trained only up to this many batches (it is a teaching view, and the
#: tab must stay responsive on a million samples).
MAX_EPOCH_BATCHES = 2000


@dataclass(frozen=True, eq=False)
class Micro:
    """One micro-batch's backward(): what it added to ``.grad`` and what ``.grad`` held after
    (plain numbers: the window's process never imports torch, so no core object of the
    torch-importing modules crosses to it)."""

    batch: np.ndarray
    loss: float
    scale: float
    grad_w: float
    grad_b: float
    total_w: float
    total_b: float


@dataclass(frozen=True, eq=False)
class AccumulationView:
    """The next step accumulated over micro-batches; ``pressed`` of its ``backward()`` calls
    are on screen (all of them while running)."""

    batch: np.ndarray
    micro: tuple[Micro, ...]
    carried_w: float
    carried_b: float
    comparison: Comparison
    pressed: int
    settings: SplitSettings
    step_number: int

    @property
    def k(self) -> int:
        return len(self.micro)

    @property
    def sizes(self) -> tuple[int, ...]:
        return tuple(int(m.batch.size) for m in self.micro)


@dataclass(frozen=True, eq=False)
class WorkerCardView:
    """One worker in one step (core.distributed.WorkerReport's numbers)."""

    rank: int
    pid: int
    batch: np.ndarray
    loss: float
    local_grad_w: float
    local_grad_b: float
    grad_w: float
    grad_b: float
    w: float
    b: float


@dataclass(frozen=True, eq=False)
class ParallelView:
    """A step the workers took, with every worker's card and the comparison."""

    step: int
    workers: tuple[WorkerCardView, ...]
    grads_agree: bool
    params_agree: bool
    comparison: Comparison


@dataclass(frozen=True, eq=False)
class WorkersView:
    """The group (world size, pids, seconds it took to start) and its last detailed step
    (None before the first), the next batch's shard sizes."""

    settings: SplitSettings
    world_size: int
    pids: tuple[int, ...]
    start_seconds: float
    start_method: str
    next_sizes: tuple[int, ...]
    last: ParallelView | None = None


@dataclass(frozen=True, eq=False)
class LastBatchView:
    """core.lastbatch.LastBatch's numbers (one epoch, its loss three ways)."""

    n: int
    batch_size: int
    drop_last: bool
    sizes: tuple[int, ...]
    last_size: int
    dropped: np.ndarray
    weight_last: float
    weight_full: float
    batch_losses: np.ndarray
    mean_of_means: float
    sample_weighted: float
    full_loss_end: float
    notes: tuple[str, ...]


def _copy(cls: type, obj: Any) -> Any:
    """``cls`` with the fields of the same names taken from ``obj``."""
    return cls(**{f.name: getattr(obj, f.name) for f in fields(cls)})


@dataclass(frozen=True, eq=False)
class BatchesView:
    """The Batches & workers tab's inputs: the split in force and each part's numbers (None
    for a part that is off); ``message`` says why a group ended (shown in the tab)."""

    split: SplitSettings
    accumulation: AccumulationView | None
    workers: WorkersView | None
    last_batch: LastBatchView | None  # None when an epoch is too long to show
    drop_last: bool
    message: object = None
    #: why the tab shows nothing for this run (the logistic model: the split is the line's)
    line_only: object = None


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
                self.value = _copy(LastBatchView, epoch_losses(config, dataset, drop_last))
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
    return AccumulationView(step.record.batch, tuple(_copy(Micro, m) for m in step.micro_batches),
                            step.carried_w, step.carried_b, step.comparison,
                            k if running else max(0, min(pressed, k)), split,
                            trainer.step_count + 1)


def parallel_view(step: Any) -> ParallelView:
    """A ParallelStep's numbers."""
    return ParallelView(step.record.step, tuple(_copy(WorkerCardView, r) for r in step.workers),
                        step.grads_agree, step.params_agree, step.comparison)


def workers_view(trainer: Any, split: SplitSettings, last: ParallelView | None) -> WorkersView:
    """The group of ``trainer`` (a ParallelTrainer) and its last detailed step."""
    group = trainer.group
    n = int(trainer.next_batch_indices().size)
    return WorkersView(split, group.world_size, tuple(group.pids), group.start_seconds,
                       group.start_method, split.shard_sizes_for(n), last)
