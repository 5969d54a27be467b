"""The logistic model's losses: PyTorch's own ``binary_cross_entropy_with_logits`` and
``cross_entropy``, with their weights, ``pos_weight`` and ``ignore_index``, and what their
``mean`` divides by.

The model keeps the line's two parameters: z = w·x + b is the logit, p = σ(z). BCE reads z
directly; cross-entropy reads the two logits [0, z] (softmax([0, z])[1] = σ(z)), so both losses
describe the same model and the landscape stays a map over (w, b).

``mean`` is not always "divide by the batch size": BCE's ``weight=`` multiplies each loss and
still divides by B, cross-entropy's class ``weight=`` divides by the sum of the weights of the
batch's classes, and ``ignore_index`` divides by the number of samples not ignored. When that
number is 0 the mean of nothing is NaN, as PyTorch computes it (pytorch #70348).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from gradlab.core.config import LabConfig
from gradlab.core.messages import QT_TRANSLATE_NOOP, Message

# The target a sample gets when cross-entropy ignores it (PyTorch's default ``ignore_index``).
IGNORE_INDEX = -100

ALL_IGNORED = QT_TRANSLATE_NOOP(
    "messages", "every sample of this batch is ignored: the mean of nothing is NaN (PyTorch's "
    "behaviour); the gradient is zero and the step changes nothing")
ZERO_WEIGHT = QT_TRANSLATE_NOOP(
    "messages", "the class weights of this batch's samples add up to 0: the mean divides by 0 and "
    "is NaN (PyTorch's behaviour, its gradient NaN too); the lab skips this step and goes on")


@dataclass(frozen=True, eq=False)
class LossOptions:
    """A logistic loss's settings for one batch, as tensors (None: not set)."""

    weight: torch.Tensor | None = None  # BCE: one weight per sample of the batch
    pos_weight: torch.Tensor | None = None  # BCE: the weight of the positive class's term
    class_weight: torch.Tensor | None = None  # cross-entropy: (w0, w1)
    ignored: torch.Tensor | None = None  # cross-entropy: a bool mask over the batch

    def batch(self, index: torch.Tensor | None) -> LossOptions:
        """The options of the samples ``index`` (None: all of them)."""
        if index is None:
            return self
        return LossOptions(None if self.weight is None else self.weight[index], self.pos_weight,
                           self.class_weight, None if self.ignored is None else self.ignored[index])


def options_for(config: LabConfig, n: int, dtype: torch.dtype = torch.float64) -> LossOptions:
    """The whole dataset's options for ``config`` (the settings its loss does not read are left
    out, so switching loss keeps them in the config without changing the other loss)."""
    if config.model != "logistic":
        return LossOptions()
    if config.loss == "bce":
        return LossOptions(
            weight=None if config.sample_weights is None
            else torch.tensor(config.sample_weights, dtype=dtype),
            pos_weight=None if config.pos_weight is None
            else torch.tensor(config.pos_weight, dtype=dtype))
    ignored = None
    if config.ignore:
        ignored = torch.zeros(n, dtype=torch.bool)
        ignored[list(config.ignore)] = True
    return LossOptions(
        class_weight=None if config.class_weights is None
        else torch.tensor(config.class_weights, dtype=dtype),
        ignored=ignored)


def two_logits(z: torch.Tensor) -> torch.Tensor:
    """The (B, 2) logits [0, z] of cross-entropy: softmax picks class 1 with σ(z)."""
    return torch.stack((torch.zeros_like(z), z), dim=1)


def ce_target(y: torch.Tensor, ignored: torch.Tensor | None) -> torch.Tensor:
    """Class indices 0/1, with IGNORE_INDEX for the ignored samples."""
    target = y.to(torch.int64)
    return target if ignored is None else target.masked_fill(ignored, IGNORE_INDEX)


def logistic_loss(z: torch.Tensor, y: torch.Tensor, loss: str, opts: LossOptions,
                  reduction: str) -> torch.Tensor:
    """PyTorch's own loss over the logits ``z`` with ``reduction`` 'none', 'mean' or 'sum'."""
    if loss == "bce":
        return F.binary_cross_entropy_with_logits(z, y, weight=opts.weight,
                                                  pos_weight=opts.pos_weight, reduction=reduction)
    return F.cross_entropy(two_logits(z), ce_target(y, opts.ignored), weight=opts.class_weight,
                           ignore_index=IGNORE_INDEX, reduction=reduction)


def mean_denominator(y: torch.Tensor, loss: str, opts: LossOptions) -> float:
    """What PyTorch's ``mean`` divides this batch's summed loss by: B for BCE (weights or not);
    for cross-entropy the sum of the class weights of the samples not ignored (each counts 1
    without class weights)."""
    if loss == "bce":
        return float(y.numel())
    keep = y if opts.ignored is None else y[~opts.ignored]
    if opts.class_weight is None:
        return float(keep.numel())
    return float(opts.class_weight[keep.to(torch.int64)].sum().item())


def denominator(config: LabConfig, y: torch.Tensor, opts: LossOptions | None) -> float | None:
    """What the reduced loss was divided by: mean's denominator, 1 for sum, None for a weighted
    sum or no reduction."""
    if config.reduction == "sum":
        return 1.0
    if config.reduction != "mean":
        return None
    if config.model == "logistic":
        return mean_denominator(y, config.loss, opts or LossOptions())
    return float(y.numel())


def per_sample_at(w: float, b: float, x: torch.Tensor, y: torch.Tensor, loss: str,
                  opts: LossOptions) -> torch.Tensor:
    """The per-sample losses at (w, b): the same values a step's forward gave (for records)."""
    with torch.no_grad():
        z = torch.tensor(w, dtype=x.dtype) * x + torch.tensor(b, dtype=x.dtype)
        return logistic_loss(z, y, loss, opts, "none")


def empty_mean_note(y: torch.Tensor, opts: LossOptions) -> Message:
    """Why a cross-entropy mean divided by 0: every sample ignored, or zero class weights."""
    if opts.ignored is not None and bool(opts.ignored.all()):
        return Message(ALL_IGNORED)
    return Message(ZERO_WEIGHT)
