"""The training loop: a plain, synchronous, deterministic object (no threads, no Qt).

``Trainer.step()`` takes one PyTorch SGD/momentum/Adam step on ``y = w·x + b`` and returns a
frozen ``StepRecord``. ``Trainer.run(n)`` is the fast path for running: it keeps only the scalars
of each step and builds a full record for the last one (with each sample's loss only if
``record_per_sample``: a view that groups the bars by the hundred does not read them).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from math import isfinite
from typing import Any

import numpy as np
import torch

from gradlab.core.batches import epoch_order
from gradlab.core.classify import (
    LossOptions,
    denominator,
    empty_mean_note,
    logistic_loss,
    mean_denominator,
    options_for,
    per_sample_at,
)
from gradlab.core.config import ConfigError, LabConfig, needs_reset
from gradlab.core.data import Dataset, check_model_data
from gradlab.core.losses import per_sample_loss, reduced_loss
from gradlab.core.messages import QT_TRANSLATE_NOOP, Message
from gradlab.core.optim import bare_step, make_optimizer
from gradlab.core.optimizer_state import (
    check_optimizer_state,
    finite_number,
    from_jsonable,
    to_jsonable,
)
from gradlab.core.records import HistoryChunk, StepRecord

DTYPE = torch.float64


class NoReductionError(RuntimeError):
    """``backward()`` on an unreduced loss: carries PyTorch's own message."""

    def __init__(self, torch_message: str, batch_size: int) -> None:
        super().__init__(torch_message)
        self.torch_message = torch_message
        self.batch_size = batch_size

    @property
    def explanation(self) -> str:
        return explain_no_reduction(self.batch_size)


def explain_no_reduction(batch_size: int) -> str:
    return Message(QT_TRANSLATE_NOOP(
        "messages",
        "With reduction 'none' the loss is a tensor of shape ({B},): one loss per sample. "
        "backward() starts from a single number, dL/dL = 1, so it needs a scalar loss; for a "
        "vector PyTorch would have to guess how much each sample counts, and refuses. Reduce "
        "first: loss.mean().backward() weights every sample by 1/B, loss.sum().backward() by 1, "
        "and loss.backward(gradient=v) by your own weights v (that is a weighted sum)."),
        B=batch_size)


def _became(name: str, value: float) -> Message:
    """Why a run diverged: "loss became inf"."""
    return Message(QT_TRANSLATE_NOOP("messages", "{name} became {value}"), name=name, value=value)


def reduce_and_backward(per: torch.Tensor, reduction: str, v: torch.Tensor | None) -> torch.Tensor:
    """Reduce the per-sample losses the way ``reduction`` says and run backward; returns L.

    The explanations' way, and the trainer's for weighted and none; for mean and sum the trainer
    calls PyTorch's reduced loss (``losses.reduced_loss``), whose numbers are these, bit for bit
    (tests/core/test_losses.py). 'none' calls ``backward()`` on the vector for real and raises
    NoReductionError with PyTorch's own message. PyTorch accepts backward() on any one-element
    tensor, so a batch of one goes through (as a sum of one loss): the lab shows that as PyTorch
    does.
    """
    if reduction == "mean":
        total = per.mean()
        total.backward()
    elif reduction == "sum":
        total = per.sum()
        total.backward()
    elif reduction == "weighted":
        if v is None:
            v = torch.full(per.shape, 1.0 / per.numel(), dtype=per.dtype)
        per.backward(gradient=v)
        total = (per.detach() * v).sum()
    else:
        try:
            per.backward()
        except RuntimeError as exc:
            raise NoReductionError(str(exc), int(per.numel())) from None
        total = per.sum()  # one element: backward() treated it as the scalar it holds
    return total.detach()


def logistic_reduce_and_backward(z: torch.Tensor, y: torch.Tensor, loss: str, opts: LossOptions,
                                 reduction: str, v: torch.Tensor | None, want_per: bool = True
                                 ) -> tuple[torch.Tensor | None, torch.Tensor]:
    """The logistic model's loss and backward; returns (per-sample losses, reduced loss).

    For mean and sum the reduced loss *is* PyTorch's own function called with that reduction
    (so its mean divides by what PyTorch divides by), and the per-sample vector is the same
    function with reduction='none', shown next to it. Weighted and none go through
    ``reduce_and_backward`` on the per-sample vector, as for the line. ``want_per`` False: for
    mean and sum the vector is not computed (None; a running step needs only the reduced loss).
    """
    if reduction in ("mean", "sum"):
        total = logistic_loss(z, y, loss, opts, reduction)
        total.backward()
        per = None
        if want_per:
            with torch.no_grad():
                per = logistic_loss(z.detach(), y, loss, opts, "none")
        return per, total.detach()
    per = logistic_loss(z, y, loss, opts, "none")
    return per.detach(), reduce_and_backward(per, reduction, v)


#: A record's per-sample losses when it carries none (``Trainer.record_per_sample``).
_NO_LOSSES = torch.zeros(0, dtype=DTYPE)


@dataclass
class _Batch:
    index: np.ndarray
    x: torch.Tensor
    y: torch.Tensor
    v: torch.Tensor | None  # weights, for the weighted reduction
    opts: LossOptions | None = None  # the logistic loss's weights and ignored samples


class Trainer:
    """Owns the parameters, the optimizer and the minibatch position for one dataset."""

    def __init__(self, config: LabConfig, dataset: Dataset) -> None:
        config.check_against(len(dataset))
        check_model_data(config, dataset)
        self.config = config
        self.dataset = dataset
        self._x = torch.tensor(dataset.x, dtype=DTYPE)
        self._y = torch.tensor(dataset.y, dtype=DTYPE)
        self._order_cache: tuple[int, np.ndarray] | None = None
        self._all = np.arange(len(dataset))
        # The records' copy, read-only and shared (``_all`` stays writable: torch.from_numpy
        # of a read-only array warns).
        self._all_frozen = np.arange(len(dataset))
        self._all_frozen.flags.writeable = False
        #: Whether ``run``'s record carries each sample's loss (``per_sample_loss``; else it is
        #: empty). The lab's run loop turns it off when the view groups the bars: at N = 10^6
        #: making that vector again for the record took a third of a step.
        self.record_per_sample = True
        self._weights: torch.Tensor | None = None
        self.reset()

    # ---- state ---------------------------------------------------------------------------

    def reset(self) -> None:
        """Back to step 0 with the initial parameters and a fresh optimizer."""
        cfg = self.config
        self.w = torch.tensor(cfg.init_w, dtype=DTYPE, requires_grad=True)
        self.b = torch.tensor(cfg.init_b, dtype=DTYPE, requires_grad=True)
        self._set_optimizer(make_optimizer(cfg, [self.w, self.b]))
        self.step_count = 0
        self.epoch = 0
        self.position = 0  # index into the current epoch's order
        self.diverged: str | None = None
        # The last teaching note (step, message): a batch whose mean divided by 0.
        self.last_note: tuple[int, str] | None = None
        self._note: str | None = None
        self._w_now = cfg.init_w
        self._b_now = cfg.init_b
        self._set_weights()

    def _set_optimizer(self, optimizer: torch.optim.Optimizer) -> None:
        self.optimizer = optimizer
        self._optimizer_step = bare_step(optimizer)

    def _clear_grads(self) -> None:
        """What ``optimizer.zero_grad(set_to_none=True)`` does for our two parameters, minus
        its profiler range (about 7 µs a step)."""
        self.w.grad = None
        self.b.grad = None

    def _set_weights(self) -> None:
        w = self.config.weights
        self._weights = None if w is None else torch.tensor(w, dtype=DTYPE)
        self._opts = options_for(self.config, len(self.dataset), DTYPE)

    @property
    def params(self) -> tuple[float, float]:
        return self._w_now, self._b_now

    def configure(self, config: LabConfig) -> bool:
        """Apply a new config. Returns True if it needed a reset (``config.needs_reset``).

        lr, momentum, loss, reduction, weights and batch size apply from the next step and keep
        the parameters; a new optimizer kind keeps the parameters but starts a fresh optimizer.
        """
        config.check_against(len(self.dataset))
        check_model_data(config, self.dataset)
        old, self.config = self.config, config
        if needs_reset(old, config):
            self.reset()
            return True
        if config.optimizer != old.optimizer:
            self._set_optimizer(make_optimizer(config, [self.w, self.b]))
        else:
            for group in self.optimizer.param_groups:
                group["lr"] = config.lr
                if config.optimizer == "momentum":
                    group["momentum"] = config.momentum
        if config.batch_size != old.batch_size:
            self.epoch, self.position = self.epoch + (self.position > 0), 0
        self._set_weights()
        return False

    def set_params(self, w: float, b: float) -> None:
        """Move the parameters by hand (a click on the landscape); the optimizer starts afresh."""
        w, b = float(w), float(b)
        if not (math.isfinite(w) and math.isfinite(b)):
            raise ConfigError("params", Message(QT_TRANSLATE_NOOP("messages",
                                                                  "w and b must be finite")))
        with torch.no_grad():
            self.w.fill_(w)
            self.b.fill_(b)
        self._w_now, self._b_now = w, b
        self._set_optimizer(make_optimizer(self.config, [self.w, self.b]))
        self.diverged = None

    # ---- batches ---------------------------------------------------------------------------

    def _order(self, epoch: int) -> np.ndarray:
        if self._order_cache is None or self._order_cache[0] != epoch:
            self._order_cache = (epoch, epoch_order(self.config.seed, epoch, len(self.dataset)))
        return self._order_cache[1]

    def _batch_index(self, epoch: int, position: int) -> tuple[np.ndarray, int, int]:
        """(indices of the batch at epoch/position, epoch, position after it); all: ``_all``."""
        n = len(self.dataset)
        bs = self.config.effective_batch_size(n)
        if bs == n:
            return self._all, epoch + 1, 0
        index = self._order(epoch)[position : position + bs]
        position += index.size
        return (index, epoch + 1, 0) if position >= n else (index, epoch, position)

    def _next_batch(self, advance: bool) -> _Batch:
        index, epoch, position = self._batch_index(self.epoch, self.position)
        t = None if index is self._all else torch.from_numpy(index)
        x, y = (self._x, self._y) if t is None else (self._x[t], self._y[t])
        v = None
        if self.config.reduction == "weighted":
            if self._weights is None:
                v = torch.full((index.size,), 1.0 / index.size, dtype=DTYPE)
            else:
                v = self._weights if index is self._all else self._weights[index]
        if advance:
            self.epoch, self.position = epoch, position
        opts = self._opts.batch(t) if self.config.model == "logistic" else None
        return _Batch(index, x, y, v, opts)

    def next_batch_indices(self) -> np.ndarray:
        """Dataset indices of the batch the next step will use (nothing advances)."""
        return self._next_batch(advance=False).index.copy()

    # ---- one step --------------------------------------------------------------------------

    def _loss_and_grad(self, batch: _Batch) -> tuple[torch.Tensor | None, torch.Tensor]:
        """Forward and backward; returns (per-sample losses or None, reduced loss), grads in
        w/b.grad. Mean and sum are PyTorch's own reduced losses (``reduced_loss``): the
        per-sample vector is then made only for the steps that are shown."""
        self._clear_grads()
        cfg = self.config
        if batch.opts is not None:
            return logistic_reduce_and_backward(self.w * batch.x + self.b, batch.y, cfg.loss,
                                                batch.opts, cfg.reduction, batch.v, False)
        pred = self.w * batch.x + self.b
        if cfg.reduction in ("mean", "sum"):  # the per-sample vector is made by ``_record``
            total = reduced_loss(pred, batch.y, cfg.loss, cfg.reduction)
            total.backward()
            return None, total.detach()
        per = per_sample_loss(pred, batch.y, cfg.loss)
        total = reduce_and_backward(per, cfg.reduction, batch.v)
        return per.detach(), total

    def _step_values(self, batch: _Batch) -> tuple[torch.Tensor | None, float, float, float]:
        """(per-sample losses or None: ``_record`` makes them, loss, dL/dw, dL/db); .grad set."""
        per, total = self._loss_and_grad(batch)
        # .item() per scalar is several times cheaper than one stack().tolist() for 0-d tensors.
        return per, total.item(), self.w.grad.item(), self.b.grad.item()

    def _advance(self, batch: _Batch) -> tuple[list[float], torch.Tensor | None, str | None]:
        """One step on ``batch``. Returns ([loss, gw, gb, w_after, b_after], per, diverged)."""
        per, loss, gw, gb = self._step_values(batch)
        diverged = None
        self._note = None
        if not (isfinite(loss) and isfinite(gw) and isfinite(gb)) and self._empty_mean(batch):
            # A mean over nothing: PyTorch's NaN, a teaching note and no step (not a divergence).
            self._note = empty_mean_note(batch.y, batch.opts)
            self.last_note = (self.step_count + 1, self._note)
            gw, gb = (gw if isfinite(gw) else 0.0), (gb if isfinite(gb) else 0.0)
            self.step_count += 1
            return [loss, gw, gb, self._w_now, self._b_now], per, None
        if not (isfinite(loss) and isfinite(gw) and isfinite(gb)):
            for name, value in ((QT_TRANSLATE_NOOP("messages", "loss"), loss),
                                (QT_TRANSLATE_NOOP("messages", "gradient dL/dw"), gw),
                                (QT_TRANSLATE_NOOP("messages", "gradient dL/db"), gb)):
                if not isfinite(value):
                    diverged = _became(Message(name), value)
                    break
        if diverged is None:
            self._optimizer_step()
            wa, ba = self.w.item(), self.b.item()
            if not (isfinite(wa) and isfinite(ba)):
                name, value = ("w", wa) if not isfinite(wa) else ("b", ba)
                diverged = _became(name, value)
                with torch.no_grad():  # keep the last finite parameters on screen
                    self.w.fill_(self._w_now)
                    self.b.fill_(self._b_now)
        if diverged is not None:
            wa, ba = self._w_now, self._b_now
            self.diverged = diverged
        self.step_count += 1
        return [loss, gw, gb, wa, ba], per, diverged

    def _empty_mean(self, batch: _Batch) -> bool:
        """True if this batch's cross-entropy mean divided by 0 (all ignored, or zero weights)."""
        cfg = self.config
        return (batch.opts is not None and cfg.loss == "cross-entropy"
                and cfg.reduction == "mean"
                and mean_denominator(batch.y, cfg.loss, batch.opts) == 0.0)

    def _record(self, batch: _Batch, values: list[float], per: torch.Tensor | None,
                diverged: str | None, w_before: float, b_before: float, applied: bool = True,
                per_sample: bool = True) -> StepRecord:
        loss, gw, gb, wa, ba = values
        if not per_sample:
            per = _NO_LOSSES
        elif per is None and self.config.model == "logistic":  # the vector only for records
            per = per_sample_at(w_before, b_before, batch.x, batch.y, self.config.loss,
                                batch.opts or LossOptions())
        elif per is None:  # the forward of the step, again: the same values, bit for bit
            with torch.no_grad():
                per = per_sample_loss(torch.tensor(w_before, dtype=DTYPE) * batch.x
                                      + torch.tensor(b_before, dtype=DTYPE), batch.y,
                                      self.config.loss)
        return StepRecord(
            step=self.step_count if applied else self.step_count + 1,
            epoch=self.epoch,
            batch=self._all_frozen if batch.index is self._all else batch.index,
            per_sample_loss=per.numpy(),
            loss=loss, grad_w=gw, grad_b=gb,
            w_before=w_before, b_before=b_before, w_after=wa, b_after=ba,
            lr=self.config.lr, loss_name=self.config.loss, reduction=self.config.reduction,
            applied=applied, diverged=diverged, model=self.config.model,
            denominator=denominator(self.config, batch.y, batch.opts),
            note=self._note if applied else None,
        )

    def step(self) -> StepRecord:
        """Take one step and return its full record.

        Raises NoReductionError for reduction 'none' (nothing changes), and RuntimeError if the
        run has already diverged (reset or move the parameters first).
        """
        self._check_not_diverged()
        batch = self._next_batch(advance=False)
        wb, bb = self._w_now, self._b_now
        values, per, diverged = self._advance(batch)
        self._next_batch(advance=True)
        self._w_now, self._b_now = values[3], values[4]
        return self._record(batch, values, per, diverged, wb, bb)

    def preview(self) -> StepRecord:
        """The loss and gradient the next step would use, without taking it (applied=False)."""
        batch = self._next_batch(advance=False)
        per, total = self._loss_and_grad(batch)
        loss, gw, gb = torch.stack((total, self.w.grad, self.b.grad)).tolist()
        self._clear_grads()
        w, b = self._w_now, self._b_now
        finite = all(map(math.isfinite, (loss, gw, gb)))
        diverged = None if finite else "loss or gradient is not finite"
        if not finite and self._empty_mean(batch):
            diverged = None
            gw, gb = (gw if isfinite(gw) else 0.0), (gb if isfinite(gb) else 0.0)
        record = self._record(batch, [loss, gw, gb, w, b], per, diverged, w, b, applied=False)
        if not finite and diverged is None:  # the note of a mean over nothing, previewed
            record = dataclasses.replace(record, note=empty_mean_note(batch.y, batch.opts))
        return record

    def run(self, n: int) -> tuple[StepRecord | None, HistoryChunk]:
        """Take up to ``n`` steps; stop early at divergence. Returns (last record, scalars)."""
        self._check_not_diverged()
        out = np.empty((n, 5))
        steps = np.empty(n, dtype=np.int64)
        record = None
        k = 0
        while k < n:
            batch = self._next_batch(advance=True)
            wb, bb = self._w_now, self._b_now
            values, per, diverged = self._advance(batch)
            self._w_now, self._b_now = values[3], values[4]
            out[k] = values
            steps[k] = self.step_count
            k += 1
            if diverged is not None or k == n:
                record = self._record(batch, values, per, diverged, wb, bb,
                                      per_sample=self.record_per_sample)
                break
        chunk = HistoryChunk(steps[:k], out[:k, 0], out[:k, 1], out[:k, 2], out[:k, 3], out[:k, 4])
        return record, chunk

    def _check_not_diverged(self) -> None:
        if self.diverged is not None:
            raise RuntimeError(Message(QT_TRANSLATE_NOOP(
                "messages", "the run diverged ({reason}); reset before stepping again"),
                reason=self.diverged))

    # ---- sessions --------------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """Everything needed to resume bit-for-bit, as JSON-able values."""
        return {
            "step": self.step_count,
            "epoch": self.epoch,
            "position": self.position,
            "w": self._w_now,
            "b": self._b_now,
            "optimizer": to_jsonable(self.optimizer.state_dict()),
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore a ``state_dict``; raises ValueError naming the bad field (nothing changes)."""
        if not isinstance(state, dict):
            raise ValueError(f"state must be an object, got {type(state).__name__}")
        for key in ("step", "epoch", "position"):
            v = state.get(key)
            if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 2**62:
                raise ValueError(f"state.{key} must be a whole number from 0 to 2**62, "
                                 f"got {v!r:.40}")
        if state["position"] >= len(self.dataset):
            raise ValueError(f"state.position {state['position']} is beyond the dataset")
        for key in ("w", "b"):
            v = state.get(key)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not finite_number(v):
                raise ValueError(f"state.{key} must be a finite number, got {v!r:.40}")
        opt = make_optimizer(self.config, [self.w, self.b])
        raw = from_jsonable(state.get("optimizer"))
        try:
            opt.load_state_dict(raw)
        except (KeyError, TypeError, ValueError, RuntimeError, IndexError) as exc:
            raise ValueError(
                f"state.optimizer does not fit the {self.config.optimizer} optimizer: {exc}"
            ) from None
        ids = raw["param_groups"][0]["params"]  # torch took them: a list of one group's ids
        if len(set(map(repr, ids))) != len(ids):
            raise ValueError(f"state.optimizer.param_groups.params has a repeated id: {ids!r:.40}")
        check_optimizer_state(opt, make_optimizer(self.config, [self.w, self.b]), self.config)
        for group in opt.param_groups:
            group["lr"] = self.config.lr
        with torch.no_grad():
            self.w.fill_(float(state["w"]))
            self.b.fill_(float(state["b"]))
        self._set_optimizer(opt)
        self.step_count, self.epoch = state["step"], state["epoch"]
        self.position = state["position"]
        self._w_now, self._b_now = float(state["w"]), float(state["b"])
        self.diverged = None
