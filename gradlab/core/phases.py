"""One step of a Trainer, split into its phases: forward → per-sample losses → reduce → backward →
update.

The phases run the trainer's own calls (``per_sample_loss``, ``reduce_and_backward``, the
optimizer's step inside ``Trainer.step``) on a copy of the trainer restored from its
``state_dict``, so the real trainer does not move unless asked, and every number equals what
``Trainer.step()`` gives for that step. Under 'none' the phases stop at *reduce*, which carries
PyTorch's own error from a real ``backward()`` on the vector.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from gradlab.core.records import StepRecord
from gradlab.core.trainer import NoReductionError, Trainer, per_sample_loss, reduce_and_backward

#: The phases of a step, in order.
PHASES = ("forward", "losses", "reduce", "backward", "update")

#: What each reduction does at the reduce phase, as PyTorch code.
REDUCE_CALLS = {
    "mean": "L = l.mean(); L.backward()",
    "sum": "L = l.sum(); L.backward()",
    "weighted": "l.backward(gradient=v)",
    "none": "l.backward()",
}


def _array(a: np.ndarray | torch.Tensor | None) -> np.ndarray | None:
    if a is None:
        return None
    if isinstance(a, torch.Tensor):
        a = a.detach().numpy()
    out = np.array(a, dtype=np.float64, copy=True)
    out.flags.writeable = False
    return out


#: The StepPhases fields each phase produces: what a panel highlights when the phase is shown.
PHASE_FIELDS = {
    "forward": ("pred",),
    "losses": ("per_sample_loss",),
    "reduce": ("loss", "weight", "error", "explanation"),
    "backward": ("grad_l", "grad_pred", "grad_w", "grad_b"),
    "update": ("w_after", "b_after", "diverged"),
}


@dataclass(frozen=True, eq=False)
class Phase:
    """One phase: its name (one of PHASES) and its numbers, JSON-able (floats, lists, text).
    Built fresh by ``StepPhases.phase``: the dict is the caller's own."""

    name: str
    values: dict[str, Any]

    def to_json_dict(self) -> dict[str, Any]:
        return {"phase": self.name, **self.values}


@dataclass(frozen=True, eq=False)
class StepPhases:
    """The next step of a trainer, phase by phase (arrays follow the batch order).

    ``reached`` names the phases that happened: all five, or up to 'reduce' under 'none' (then
    ``error``/``explanation`` carry PyTorch's message and why). ``grad_l`` is ∂L/∂lᵢ, the vector
    the reduction sends back (1/B, 1 or vᵢ), and ``grad_pred`` is ∂L/∂ŷᵢ, both read from autograd
    (``retain_grad``). ``record`` is the step's StepRecord when the phases were applied to the
    real trainer (``apply=True``), else None.
    """

    step: int
    index: np.ndarray
    x: np.ndarray
    y: np.ndarray
    w_before: float
    b_before: float
    loss_name: str
    reduction: str
    optimizer: str
    lr: float
    pred: np.ndarray  # forward: ŷᵢ = w·xᵢ + b
    per_sample_loss: np.ndarray  # losses: lᵢ
    weight: np.ndarray | None  # reduce: ∂L/∂lᵢ as backward received it
    loss: float | None  # reduce: L
    grad_l: np.ndarray | None  # backward: ∂L/∂lᵢ read from l.grad
    grad_pred: np.ndarray | None  # backward: ∂L/∂ŷᵢ read from ŷ.grad
    grad_w: float | None  # backward: w.grad
    grad_b: float | None
    w_after: float | None  # update
    b_after: float | None
    diverged: str | None = None
    error: str | None = None
    explanation: str | None = None
    record: StepRecord | None = None

    @property
    def reached(self) -> tuple[str, ...]:
        return PHASES[:3] if self.error is not None else PHASES

    def phase(self, name: str) -> Phase:
        """The numbers of phase ``name`` (KeyError for a phase this step never reached)."""
        if name not in self.reached:
            raise KeyError(name)
        return Phase(name, self._values(name))

    def phases(self) -> tuple[Phase, ...]:
        return tuple(self.phase(name) for name in self.reached)

    def _values(self, name: str) -> dict[str, Any]:
        def ls(a: np.ndarray | None) -> list | None:
            return None if a is None else a.tolist()

        if name == "forward":
            return {"w": self.w_before, "b": self.b_before, "x": ls(self.x), "pred": ls(self.pred)}
        if name == "losses":
            return {"loss_name": self.loss_name, "y": ls(self.y),
                    "per_sample_loss": ls(self.per_sample_loss)}
        if name == "reduce":
            return {"reduction": self.reduction, "call": REDUCE_CALLS[self.reduction],
                    "loss": self.loss, "weight": ls(self.weight), "error": self.error,
                    "explanation": self.explanation}
        if name == "backward":
            return {"grad_l": ls(self.grad_l), "grad_pred": ls(self.grad_pred),
                    "grad_w": self.grad_w, "grad_b": self.grad_b}
        return {"optimizer": self.optimizer, "lr": self.lr, "w_before": self.w_before,
                "b_before": self.b_before, "w": self.w_after, "b": self.b_after,
                "diverged": self.diverged}

    def to_json_dict(self) -> dict[str, Any]:
        return {"next_step": self.step, "batch": self.index.tolist(),
                "phases": [p.to_json_dict() for p in self.phases()]}


def copy_trainer(trainer: Trainer) -> Trainer:
    """A trainer in the same state (parameters, optimizer state, batch position)."""
    twin = Trainer(trainer.config, trainer.dataset)
    twin.load_state_dict(trainer.state_dict())
    return twin


def step_phases(trainer: Trainer, apply: bool = False) -> StepPhases:
    """The next step of ``trainer`` phase by phase; ``apply`` True takes the step for real.

    Raises RuntimeError, like ``Trainer.step``, if the run has already diverged.
    """
    trainer._check_not_diverged()
    t = trainer if apply else copy_trainer(trainer)
    cfg = t.config
    batch = t._next_batch(advance=False)
    w_before, b_before = t.params
    t._clear_grads()
    # The forward as the maths reads: the per-sample losses, then their reduction. The trainer
    # calls PyTorch's reduced loss for mean and sum (core/losses.py): the same numbers, bit for bit.
    pred = t.w * batch.x + t.b
    pred.retain_grad()
    per = per_sample_loss(pred, batch.y, cfg.loss)
    per.retain_grad()
    common = dict(
        step=trainer.step_count + 1, index=_index(batch.index), x=_array(batch.x),
        y=_array(batch.y), w_before=w_before, b_before=b_before, loss_name=cfg.loss,
        reduction=cfg.reduction, optimizer=cfg.optimizer, lr=cfg.lr, pred=_array(pred),
        per_sample_loss=_array(per),
    )
    try:
        total = reduce_and_backward(per, cfg.reduction, batch.v)
    except NoReductionError as exc:
        t._clear_grads()
        return StepPhases(**common, weight=None, loss=None, grad_l=None, grad_pred=None,
                          grad_w=None, grad_b=None, w_after=None, b_after=None,
                          error=exc.torch_message, explanation=exc.explanation)
    grad_l, grad_pred = _array(per.grad), _array(pred.grad)
    grad_w, grad_b = t.w.grad.item(), t.b.grad.item()
    # The update: the trainer's own step (it runs forward and backward again, identically, and
    # then the optimizer with its divergence checks).
    record = t.step()
    return StepPhases(
        **common, weight=grad_l, loss=total.item(), grad_l=grad_l, grad_pred=grad_pred,
        grad_w=grad_w, grad_b=grad_b, w_after=record.w_after, b_after=record.b_after,
        diverged=record.diverged, record=record if apply else None,
    )


def _index(index: np.ndarray) -> np.ndarray:
    out = np.array(index, dtype=np.int64, copy=True)
    out.flags.writeable = False
    return out


# ---- as text (``--phases``) -------------------------------------------------------------------

_LOSS_FORMULA = {"mse": "lᵢ = (ŷᵢ − yᵢ)²", "mae": "lᵢ = |ŷᵢ − yᵢ|",
                 "huber": "lᵢ = huber(ŷᵢ − yᵢ), δ = 1"}
_OPTIMIZER = {"sgd": "SGD", "momentum": "SGD with momentum", "adam": "Adam"}


def vector_text(a: np.ndarray | None, limit: int = 8) -> str:
    """A vector for a terminal: every entry up to ``limit``, then '… (k more)'."""
    if a is None:
        return "None"
    flat = np.asarray(a, dtype=np.float64).reshape(-1)
    shown = ", ".join(f"{v + 0.0:.6g}" for v in flat[:limit])
    more = f", … ({flat.size - limit} more)" if flat.size > limit else ""
    return f"[{shown}{more}]"


def format_phases(sp: StepPhases) -> str:
    """The next step phase by phase with its numbers (used by ``--phases``)."""
    g, v = (lambda f: f"{f + 0.0:.6g}"), vector_text
    lines = [
        f"Step {sp.step} in phases: loss {sp.loss_name}, reduction {sp.reduction}, optimizer "
        f"{sp.optimizer}, lr {g(sp.lr)}, batch of {sp.index.size} {v(sp.index)}",
        "",
        f"1. forward    ŷ = w·x + b at w = {g(sp.w_before)}, b = {g(sp.b_before)}",
        f"              x = {v(sp.x)}",
        f"              ŷ = {v(sp.pred)}",
        f"2. losses     {_LOSS_FORMULA[sp.loss_name]}",
        f"              y = {v(sp.y)}",
        f"              l = {v(sp.per_sample_loss)}",
        f"3. reduce     {REDUCE_CALLS[sp.reduction]}   (l has shape ({sp.index.size},))",
    ]
    if sp.error is not None:
        lines += [f"              PyTorch: RuntimeError: {sp.error}",
                  f"              Why: {sp.explanation}",
                  "4. backward   does not run: there is no scalar to start from",
                  "5. update     does not run: w and b stay where they are"]
        return "\n".join(lines)
    assert sp.loss is not None and sp.grad_w is not None and sp.grad_b is not None
    assert sp.w_after is not None and sp.b_after is not None
    lines += [
        f"              L = {g(sp.loss)}    ∂L/∂lᵢ = {v(sp.weight)}",
        "4. backward   (autograd, from L back to the leaves)",
        f"              ∂L/∂ŷᵢ = {v(sp.grad_pred)}",
        f"              w.grad = {g(sp.grad_w)}    b.grad = {g(sp.grad_b)}",
        f"5. update     {_OPTIMIZER[sp.optimizer]}: w {g(sp.w_before)} → {g(sp.w_after)}    "
        f"b {g(sp.b_before)} → {g(sp.b_after)}",
    ]
    if sp.diverged is not None:
        lines.append(f"              diverged: {sp.diverged} (w and b kept at their last values)")
    return "\n".join(lines)
