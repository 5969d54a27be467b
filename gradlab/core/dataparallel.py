"""Training through data-parallel workers: a Trainer whose gradient DDP's all-reduce made."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from gradlab.core.accumulate import full_batch_grad
from gradlab.core.config import LabConfig
from gradlab.core.data import Dataset
from gradlab.core.distributed import WorkerGroup, WorkerReport
from gradlab.core.records import HistoryChunk, StepRecord
from gradlab.core.splitting import (
    Comparison,
    SplitSettings,
    close,
    compare,
    inner_weights,
    part_scale,
    part_slices,
    split_weights,
)
from gradlab.core.trainer import DTYPE, Trainer, _Batch, per_sample_loss, reduce_and_backward


@dataclass(frozen=True, eq=False)
class ParallelStep:
    """One data-parallel step: the usual record (its gradient is the all-reduced one the
    optimizers used), each worker's report, whether every worker's ``.grad`` and parameters
    agree, and the comparison with one ordinary backward over the whole batch."""

    record: StepRecord
    workers: tuple[WorkerReport, ...]
    grads_agree: bool
    params_agree: bool
    comparison: Comparison

    def to_json_dict(self) -> dict:
        c = self.comparison
        return {**self.record.to_json_dict(), "full_batch_grad_w": c.full_grad_w,
                "full_batch_grad_b": c.full_grad_b, "matches": c.matches,
                "workers": [r.to_json_dict() for r in self.workers]}


class ParallelTrainer(Trainer):
    """A Trainer whose gradient comes from W DDP workers.

    Same minibatch order as ``Trainer``; the batch is sharded (``split.shard_sizes_for``), every
    worker runs forward and backward on its shard and steps its own optimizer. The parent sets
    ``.grad`` to the all-reduced gradient the workers report and steps its own copy of the same
    optimizer on it, so the parent's parameters, optimizer state and sessions stay those of an
    ordinary Trainer; ``step_split`` checks that every worker arrived at the same parameters.
    A trainer given a running ``group`` uses it and leaves it running; one that starts its own
    ends it in ``close()`` (or as a context manager).
    """

    def __init__(self, config: LabConfig, dataset: Dataset, split: SplitSettings,
                 group: WorkerGroup | None = None) -> None:
        _check_split(split, config, len(dataset))
        self.split = split
        self._detail: list[tuple[WorkerReport, ...]] | None = None
        self._queue: list[tuple[WorkerReport, ...]] = []
        self._owns_group = group is None
        self.group = group or WorkerGroup(split.workers or 1)
        if self.group.world_size != (split.workers or 1):
            raise ValueError("the group's size differs from split.workers")
        if not self.group.running:
            self.group.start()
        try:
            super().__init__(config, dataset)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """End the group if this trainer started it."""
        if self._owns_group:
            self.group.close()

    def __enter__(self) -> ParallelTrainer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _sync_workers(self) -> None:
        """Give every worker this trainer's parameters and optimizer state."""
        if self.group.running:
            self.group.setup(self.config, self.dataset.x, self.dataset.y, self._w_now,
                             self._b_now, self.optimizer.state_dict())

    def reset(self) -> None:
        super().reset()
        self._sync_workers()

    def configure(self, config: LabConfig) -> bool:
        _check_split(self.split, config, len(self.dataset))
        reset = super().configure(config)
        if not reset:
            self._sync_workers()
        return reset

    def set_split(self, split: SplitSettings) -> None:
        """New shard sizes or loss scale (same number of workers) from the next step on."""
        _check_split(split, self.config, len(self.dataset))
        if (split.workers or 1) != self.group.world_size:
            raise ValueError("a different number of workers needs a new group")
        self.split = split

    def set_params(self, w: float, b: float) -> None:
        super().set_params(w, b)
        self._sync_workers()

    def load_state_dict(self, state: dict[str, Any]) -> None:
        super().load_state_dict(state)
        self._sync_workers()

    def _loss_and_grad(self, batch: _Batch) -> tuple[torch.Tensor, torch.Tensor]:
        self._clear_grads()
        n = int(batch.index.size)
        with torch.no_grad():
            per = per_sample_loss(self.w * batch.x + self.b, batch.y, self.config.loss)
        if self.config.reduction == "none":  # PyTorch's own error, before any worker moves
            reduce_and_backward(per.detach().requires_grad_(), "none", None)
        shards = self._shards(batch)
        scale = part_scale(self.split.ddp_loss_scale, 0, n, len(shards))
        if self._queue:
            reports = self._queue.pop(0)
        else:
            reports = self.group.step(shards, scale, detail=self._detail is not None)
        if self._detail is not None:
            self._detail.append(reports)
        self.w.grad = torch.tensor(reports[0].grad_w, dtype=DTYPE)
        self.b.grad = torch.tensor(reports[0].grad_b, dtype=DTYPE)
        total = torch.tensor(sum(r.loss for r in reports) / len(reports), dtype=DTYPE)
        return per, total

    def _shards(self, batch: _Batch) -> list[np.ndarray]:
        sizes = self.split.shard_sizes_for(int(batch.index.size))
        return [batch.index[sl] for sl in part_slices(sizes)]

    def run(self, n: int) -> tuple[StepRecord | None, HistoryChunk]:
        """As Trainer.run, with the workers' steps sent in one message (one round trip instead
        of n): the parent replays them on the all-reduced gradients the workers report."""
        self._check_not_diverged()
        if self.config.reduction == "none" or n <= 1:
            return super().run(n)
        saved = (self.epoch, self.position)
        plan = [self._shards(self._next_batch(advance=True)) for _ in range(n)]
        self.epoch, self.position = saved
        scale = part_scale(self.split.ddp_loss_scale, 0, 0, len(plan[0]))
        self._queue = self.group.run(plan, scale)
        try:
            return super().run(len(self._queue))
        finally:
            self._queue = []

    def step_split(self) -> ParallelStep:
        """One data-parallel step with every worker's report and the comparison."""
        self._check_not_diverged()
        cfg = self.config
        batch = self._next_batch(advance=False)
        w0, b0 = self.params
        full = full_batch_grad(w0, b0, batch.x, batch.y, cfg.loss, cfg.reduction, batch.v)
        self._detail = []
        try:
            record = self.step()
            reports = self._detail[0]
        finally:
            self._detail = None
        sizes = tuple(int(r.batch.size) for r in reports)
        v = None if self._weights is None else self._weights[torch.from_numpy(batch.index)].numpy()
        scale = part_scale(self.split.ddp_loss_scale, 0, int(batch.index.size), len(sizes))
        weights = split_weights(cfg.reduction, sizes, [scale] * len(sizes), v,
                                after=1.0 / len(sizes))
        full_weights = inner_weights(cfg.reduction, int(batch.index.size), v)
        comparison = compare("workers", (record.grad_w, record.grad_b), full, weights,
                             full_weights, sizes)
        grads = [(r.grad_w, r.grad_b) for r in reports]
        params = [(r.w, r.b) for r in reports]
        grads_agree = all(close(g, grads[0], 1e-12) for g in grads)
        params_agree = record.diverged is not None or all(
            close(p, (record.w_after, record.b_after), 1e-12) for p in params)
        return ParallelStep(record, reports, grads_agree, params_agree, comparison)


def _check_split(split: SplitSettings, config: LabConfig, n: int) -> None:
    """ConfigError naming the option when the shards cannot split this run's batches."""
    bs = config.effective_batch_size(n)
    split.check_against(bs, n % bs or None)
