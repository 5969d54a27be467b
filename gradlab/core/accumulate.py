"""Gradient accumulation with real autograd: K micro-batches, one ``backward()`` each.

``AccumulatingTrainer`` is a ``Trainer`` (same minibatch order, optimizer, divergence checks and
sessions) whose every step splits the batch into micro-batches, reduces each with the lab's
reduction, scales it (none, 1/K, n_i/n) and calls ``backward()`` on it, so ``.grad`` really
accumulates in autograd; the optimizer then steps on what ``.grad`` holds. With
``forget_zero_grad`` nothing clears ``.grad`` between steps, exactly like a loop that forgot
``optimizer.zero_grad()``. ``step_split()`` also records each micro-batch's contribution to
``.grad`` (the difference of ``.grad`` before and after its backward) and the gradient of the same
batch in one ordinary backward, with the comparison (``splitting.compare``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from gradlab.core.config import LabConfig
from gradlab.core.data import Dataset
from gradlab.core.losses import per_sample_loss, reduced_loss
from gradlab.core.records import StepRecord
from gradlab.core.splitting import (
    Comparison,
    SplitSettings,
    compare,
    inner_weights,
    part_scale,
    part_slices,
    split_weights,
)
from gradlab.core.trainer import DTYPE, Trainer, _Batch, reduce_and_backward


@dataclass(frozen=True, eq=False)
class MicroBatch:
    """One micro-batch's ``backward()``: ``grad_*`` is what it added to ``.grad``, ``total_*``
    what ``.grad`` held after it. ``loss`` is the reduced loss, ``scaled_loss`` = scale × loss is
    the number ``backward()`` ran on."""

    batch: np.ndarray
    loss: float
    scale: float
    scaled_loss: float
    grad_w: float
    grad_b: float
    total_w: float
    total_b: float

    def __post_init__(self) -> None:
        batch = np.array(self.batch, dtype=np.int64, copy=True)
        batch.flags.writeable = False
        object.__setattr__(self, "batch", batch)

    def to_json_dict(self) -> dict:
        return {"batch": self.batch.tolist(), "loss": self.scaled_loss,
                "grad_w": self.grad_w, "grad_b": self.grad_b}


@dataclass(frozen=True, eq=False)
class AccumulationStep:
    """One accumulated step: the usual record (its gradient is the accumulated ``.grad`` the
    optimizer used), the micro-batches in order, the ``.grad`` carried in from earlier steps
    (zero unless zero_grad() was forgotten) and the comparison with one ordinary backward."""

    record: StepRecord
    micro_batches: tuple[MicroBatch, ...]
    carried_w: float
    carried_b: float
    comparison: Comparison

    @property
    def sizes(self) -> tuple[int, ...]:
        return tuple(int(m.batch.size) for m in self.micro_batches)

    def to_json_dict(self) -> dict:
        """The ``--json`` line: the plain step plus the split's fields."""
        c = self.comparison
        return {**self.record.to_json_dict(), "full_batch_grad_w": c.full_grad_w,
                "full_batch_grad_b": c.full_grad_b, "matches": c.matches,
                "micro_batches": [m.to_json_dict() for m in self.micro_batches]}


def _grad_value(t: torch.Tensor) -> float:
    return 0.0 if t.grad is None else t.grad.item()


def full_batch_grad(w: float, b: float, x: torch.Tensor, y: torch.Tensor, loss: str,
                    reduction: str, v: torch.Tensor | None) -> tuple[float, float]:
    """The gradient of the same batch in ONE ordinary backward, on fresh leaves (so the
    trainer's ``.grad`` is left alone)."""
    wl = torch.tensor(w, dtype=DTYPE, requires_grad=True)
    bl = torch.tensor(b, dtype=DTYPE, requires_grad=True)
    reduce_and_backward(per_sample_loss(wl * x + bl, y, loss), reduction, v)
    return wl.grad.item(), bl.grad.item()


class AccumulatingTrainer(Trainer):
    """A Trainer whose every step accumulates ``.grad`` over micro-batches (see module doc)."""

    #: The lab's run loop (worker_loop.py) steps this trainer in slices of this many seconds:
    #: a step is K backward()s, and a longer slice keeps the loop's cost per slice (a record,
    #: a timer tick) small next to the steps it takes. Commands still wait at most this long.
    slice_seconds = 0.02

    def __init__(self, config: LabConfig, dataset: Dataset, split: SplitSettings) -> None:
        self.split = split
        self._detail: list[MicroBatch] | None = None
        self._plans: dict[tuple[int, SplitSettings], list[tuple[slice, float]]] = {}
        self._whole: tuple[Any, list[tuple[slice, float, torch.Tensor, torch.Tensor]]] | None \
            = None
        _check_split(split, config, len(dataset))
        super().__init__(config, dataset)

    def configure(self, config: LabConfig) -> bool:
        _check_split(self.split, config, len(self.dataset))
        return super().configure(config)

    def set_split(self, split: SplitSettings) -> None:
        """New split settings from the next step on; the parameters (and .grad) stay."""
        _check_split(split, self.config, len(self.dataset))
        self.split = split

    def _micro_v(self, batch: _Batch, sl: slice) -> torch.Tensor | None:
        """A micro-batch's weights for 'weighted': the samples' own, else 1/n each."""
        if self.config.reduction != "weighted":
            return None
        if self._weights is None:
            n = sl.stop - sl.start
            return torch.full((n,), 1.0 / n, dtype=DTYPE)
        return batch.v[sl]

    def _plan(self, n: int) -> list[tuple[slice, float]]:
        """Each micro-batch's slice of a batch of ``n`` and its loss scale (cached per size)."""
        key = (n, self.split)
        plan = self._plans.get(key)
        if plan is None:
            sizes = self.split.micro_sizes_for(n)
            plan = [(sl, part_scale(self.split.accum_scale, m, n, len(sizes)))
                    for sl, m in zip(part_slices(sizes), sizes, strict=True)]
            self._plans = {key: plan}
        return plan

    def _parts(self, batch: _Batch) -> list[tuple[slice, float, torch.Tensor, torch.Tensor]]:
        """Each micro-batch's slice, scale and samples (for the whole dataset, the same views
        every step: made once, as a loop over ``tensor_split`` would)."""
        plan = self._plan(int(batch.index.size))
        whole = batch.x is self._x
        if whole and self._whole is not None and self._whole[0] is plan:
            return self._whole[1]
        parts = [(sl, scale, batch.x[sl], batch.y[sl]) for sl, scale in plan]
        if whole:
            self._whole = (plan, parts)
        return parts

    def _loss_and_grad(self, batch: _Batch) -> tuple[torch.Tensor | None, torch.Tensor]:
        """One backward() per micro-batch; returns (None, the sum of the scaled losses): the
        per-sample vector is made by ``_record`` for the steps that are shown."""
        if not self.split.forget_zero_grad:
            self._clear_grads()
        red, detail, w, b = self.config.reduction, self._detail, self.w, self.b
        scaled = []
        for sl, scale, x, y in self._parts(batch):
            if detail is not None:
                before = (_grad_value(self.w), _grad_value(self.b))
            if red == "mean" or red == "sum":  # PyTorch's own reduced loss (core/losses.py)
                reduced = reduced_loss(w * x + b, y, self.config.loss, red)
                loss = reduced * scale if scale != 1.0 else reduced  # × 1.0 changes nothing
                loss.backward()  # adds this micro-batch's gradient to .grad
            else:
                per = per_sample_loss(w * x + b, y, self.config.loss)
                if red == "weighted":
                    v = self._micro_v(batch, sl)
                    per.backward(gradient=v * scale)
                    reduced = (per.detach() * v).sum()
                else:  # 'none': PyTorch's own error (NoReductionError) for more than one sample
                    reduced = reduce_and_backward(per, "none", None)
                loss = reduced * scale
            scaled.append(loss.detach())
            if detail is not None:
                after = (_grad_value(self.w), _grad_value(self.b))
                value = reduced.item()
                detail.append(MicroBatch(batch.index[sl], value, scale, value * scale,
                                         after[0] - before[0], after[1] - before[1], *after))
        return None, torch.stack(scaled).sum()

    def preview(self) -> StepRecord:
        """As Trainer.preview, but ``.grad`` carried between steps survives it."""
        saved = (self.w.grad, self.b.grad)
        self.w.grad = None if saved[0] is None else saved[0].clone()
        self.b.grad = None if saved[1] is None else saved[1].clone()
        try:
            return super().preview()
        finally:
            self.w.grad, self.b.grad = saved

    def state_dict(self) -> dict[str, Any]:
        """As Trainer's, plus the .grad a run that forgets zero_grad() carries on."""
        state = super().state_dict()
        if self.split.forget_zero_grad and self.w.grad is not None:
            state["grad"] = [self.w.grad.item(), self.b.grad.item()]
        return state

    def load_state_dict(self, state: dict[str, Any]) -> None:
        super().load_state_dict(state)
        grad = state.get("grad") if isinstance(state, dict) else None
        if grad is not None and self.split.forget_zero_grad:
            self.w.grad = torch.tensor(float(grad[0]), dtype=DTYPE)
            self.b.grad = torch.tensor(float(grad[1]), dtype=DTYPE)

    def carried_grad(self) -> tuple[float, float]:
        """What ``.grad`` holds before the next step: (0, 0) unless zero_grad() is forgotten."""
        if not self.split.forget_zero_grad:
            return 0.0, 0.0
        return _grad_value(self.w), _grad_value(self.b)

    def step_split(self) -> AccumulationStep:
        """One accumulated step with each micro-batch's contribution and the comparison."""
        self._check_not_diverged()
        cfg = self.config
        batch = self._next_batch(advance=False)
        w0, b0 = self.params
        full = full_batch_grad(w0, b0, batch.x, batch.y, cfg.loss, cfg.reduction, batch.v)
        carried = self.carried_grad()
        self._detail = []
        try:
            record = self.step()
            micro = tuple(self._detail)
        finally:
            self._detail = None
        n = int(batch.index.size)
        sizes = tuple(int(m.batch.size) for m in micro)
        v = None if self._weights is None else self._weights[torch.from_numpy(batch.index)].numpy()
        red = "mean" if cfg.reduction == "none" else cfg.reduction
        weights = split_weights(red, sizes, [m.scale for m in micro], v)
        full_weights = inner_weights(red, n, v)
        comparison = compare("accumulate", (record.grad_w, record.grad_b), full, weights,
                             full_weights, sizes, carried)
        return AccumulationStep(record, micro, carried[0], carried[1], comparison)


def _check_split(split: SplitSettings, config: LabConfig, n: int) -> None:
    """ConfigError naming the option when the micro-batches cannot split this run's batches."""
    bs = config.effective_batch_size(n)
    split.check_against(bs, n % bs or None)
