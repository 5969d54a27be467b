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

    Running (``run``), the workers work ahead: the next steps are sent before the parent takes
    the ones just received (see ``run``). The steps ahead are dropped, and the workers set back
    to the parent's state, whenever anything else happens (a setting, a single step, a reset).
    """

    def __init__(self, config: LabConfig, dataset: Dataset, split: SplitSettings,
                 group: WorkerGroup | None = None) -> None:
        _check_split(split, config, len(dataset))
        self.split = split
        self._detail: list[tuple[WorkerReport, ...]] | None = None
        self._queue: list[np.ndarray] = []  # the rows of the steps being replayed
        # Steps the workers took ahead of this trainer: rows received (from the state `_at`),
        # and the ticket of the run sent after them (the group's, not yet collected).
        self._ahead = np.empty((0, split.workers or 1, 5))
        self._ticket: int | None = None
        self._at: tuple[int, int, int] | None = None
        self._shard_cache: tuple[np.ndarray, tuple[int, ...], list[np.ndarray]] | None = None
        #: Send the next steps before replaying these (``run``): for a loop that runs again.
        self.work_ahead = False
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

    def _drop_ahead(self) -> bool:
        """Forget the steps the workers took ahead; True if there were any (the workers are then
        not where this trainer is: ``_sync_workers`` sets them back)."""
        ahead = self._ticket is not None or len(self._ahead) > 0
        self._ahead = self._ahead[:0]
        self._ticket = self._at = None
        return ahead

    def _sync_workers(self) -> None:
        """Give every worker this trainer's parameters and optimizer state."""
        self._drop_ahead()  # the group takes (and drops) a reply still on its way
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
        if self._drop_ahead():
            self._sync_workers()
        self.split = split

    def set_params(self, w: float, b: float) -> None:
        super().set_params(w, b)
        self._sync_workers()

    def load_state_dict(self, state: dict[str, Any]) -> None:
        super().load_state_dict(state)
        self._sync_workers()

    def _loss_and_grad(self, batch: _Batch) -> tuple[torch.Tensor, torch.Tensor]:
        """One step through the workers, in step with this trainer (one round trip)."""
        if self._drop_ahead():
            self._sync_workers()
        self._clear_grads()
        n = int(batch.index.size)
        with torch.no_grad():
            per = per_sample_loss(self.w * batch.x + self.b, batch.y, self.config.loss)
        if self.config.reduction == "none":  # PyTorch's own error, before any worker moves
            reduce_and_backward(per.detach().requires_grad_(), "none", None)
        shards = self._shards(batch.index)
        scale = part_scale(self.split.ddp_loss_scale, 0, n, len(shards))
        reports = self.group.step(shards, scale, detail=self._detail is not None)
        if self._detail is not None:
            self._detail.append(reports)
        self.w.grad = torch.tensor(reports[0].grad_w, dtype=DTYPE)
        self.b.grad = torch.tensor(reports[0].grad_b, dtype=DTYPE)
        total = torch.tensor(sum(r.loss for r in reports) / len(reports), dtype=DTYPE)
        return per, total

    def _step_values(self, batch: _Batch) -> tuple[torch.Tensor | None, float, float, float]:
        if not self._queue:
            return super()._step_values(batch)
        # A step the workers took in a run: the same numbers as above, without the round trip
        # or the per-sample forward (``_record`` computes it for the one step that is shown).
        row = self._queue.pop()
        self._clear_grads()
        gw, gb = float(row[0, 1]), float(row[0, 2])
        self.w.grad = torch.tensor(gw, dtype=DTYPE)
        self.b.grad = torch.tensor(gb, dtype=DTYPE)
        return None, sum(row[:, 0].tolist()) / len(row), gw, gb

    def _shards(self, index: np.ndarray) -> list[np.ndarray]:
        """Each worker's part of the batch ``index`` (the same list for the same batch array and
        sizes: the whole dataset's shards are sent once per run)."""
        sizes = self.split.shard_sizes_for(int(index.size))
        cache = self._shard_cache
        if cache is not None and cache[0] is index and cache[1] == sizes:
            return cache[2]
        shards = [index[sl] for sl in part_slices(sizes)]
        self._shard_cache = (index, sizes, shards)
        return shards

    def _plan(self, skip: int, n: int) -> list[list[np.ndarray]]:
        """The shards of the ``n`` steps that follow the next ``skip`` (nothing advances)."""
        epoch, position = self.epoch, self.position
        for _ in range(skip):
            _, epoch, position = self._batch_index(epoch, position)
        plan = []
        for _ in range(n):
            index, epoch, position = self._batch_index(epoch, position)
            plan.append(self._shards(index))
        return plan

    def _submit(self, skip: int, n: int) -> int:
        plan = self._plan(skip, n)
        return self.group.submit(plan, part_scale(self.split.ddp_loss_scale, 0, 0,
                                                  len(plan[0])))

    def run(self, n: int) -> tuple[StepRecord | None, HistoryChunk]:
        """As Trainer.run, with the workers' steps sent in one message (one round trip instead
        of n): the parent replays them on the all-reduced gradients the workers report.

        With ``work_ahead`` (the lab's run loop, which calls again at once), the next n steps
        go to the workers BEFORE the parent replays these, so that the workers compute while
        the parent replays, draws and sends its update. Every step is still computed once, by
        the workers, in order, from the state the parent is in: rows received ahead are used
        only while the parent is at the step they start from (``_at``); anything else (a
        setting, a single step, a reset) drops them and sets the workers back."""
        self._check_not_diverged()
        at = (self.step_count, self.epoch, self.position)
        if self._at != at and self._drop_ahead():
            self._sync_workers()
        if self.config.reduction == "none" or (n <= 1 and not self.work_ahead
                                               and self._ticket is None):
            return super().run(n)
        more = True  # False once the workers stopped at a step that is not finite
        if self._ticket is not None and len(self._ahead) < n:
            more = self._take_rows(self._ticket)
        if more and len(self._ahead) < n:
            more = self._take_rows(self._submit(len(self._ahead), n - len(self._ahead)))
        if more and self.work_ahead and self._ticket is None:
            self._ticket = self._submit(len(self._ahead), n)
        take, self._ahead = self._ahead[:n], self._ahead[n:]
        done = self._take_at_once(take)
        if done is None:
            self._queue = list(take[::-1])
            try:
                record, chunk = super().run(len(take))
            finally:
                self._queue = []
        else:
            record, chunk = done
        self._at = (self.step_count, self.epoch, self.position)
        if len(chunk) < len(take):  # diverged: nothing ahead is of use
            self._drop_ahead()
        return record, chunk

    def _take_at_once(self, rows: np.ndarray) -> tuple[StepRecord, HistoryChunk] | None:
        """The workers' steps ``rows`` taken in one go, without replaying each: plain SGD keeps
        no state, so this trainer's parameters after them are the workers' (bit for bit what
        its own ``optimizer.step()`` on the same gradient gives; tests/core/test_distributed.py
        compares the two). Replaying cost the training process ~0.2 ms a step, CPU that two
        workers on two cores wait for at every all-reduce. None (replay each step) for another
        optimizer or a step that is not finite (a divergence is reported as it happened)."""
        if len(rows) == 0 or self.config.optimizer != "sgd" or not np.isfinite(rows).all():
            return None
        k = len(rows)
        for _ in range(k - 1):  # the batches of all but the last step: only the position moves
            _, self.epoch, self.position = self._batch_index(self.epoch, self.position)
        before = (self._w_now, self._b_now) if k == 1 else \
            (float(rows[-2, 0, 3]), float(rows[-2, 0, 4]))
        batch = self._next_batch(advance=True)
        losses = [sum(row[:, 0].tolist()) / len(row) for row in rows]  # as _step_values
        out = np.column_stack((losses, rows[:, 0, 1:5]))
        steps = np.arange(self.step_count + 1, self.step_count + k + 1)
        self.step_count += k
        values = out[-1].tolist()
        self._w_now, self._b_now = values[3], values[4]
        with torch.no_grad():
            self.w.fill_(values[3])
            self.b.fill_(values[4])
        self.w.grad = torch.tensor(values[1], dtype=DTYPE)  # as the last replayed step leaves
        self.b.grad = torch.tensor(values[2], dtype=DTYPE)
        self._note = None
        record = self._record(batch, values, None, None, *before)
        return record, HistoryChunk(steps, *out.T)

    def _take_rows(self, ticket: int) -> bool:
        """Add the rows of the run ``ticket`` to those ahead; False if the workers stopped at a
        step that is not finite (they go no further)."""
        self._ticket = None
        rows = self.group.collect(ticket)
        if rows is None:  # someone else used the group: the workers are elsewhere
            self._sync_workers()
            rows = self.group.collect(self._submit(0, 1))
            assert rows is not None
        self._ahead = np.concatenate((self._ahead, rows))
        return bool(len(rows)) and bool(np.isfinite(rows[-1]).all())

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
