"""Explanations computed on demand for one record: never on every step.

The functions at the top are numpy only (the chain rule by hand), so they can be checked against
autograd independently. The autograd parts import torch lazily.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gradlab.core.config import HUBER_DELTA


def predictions(x: np.ndarray, w: float, b: float) -> np.ndarray:
    return w * np.asarray(x, dtype=np.float64) + b


def losses(x: np.ndarray, y: np.ndarray, w: float, b: float, loss: str) -> np.ndarray:
    """Per-sample losses by hand (numpy), the same formulas as the trainer's torch ops."""
    r = predictions(x, w, b) - np.asarray(y, dtype=np.float64)
    if loss == "mse":
        return r * r
    if loss == "mae":
        return np.abs(r)
    a = np.abs(r)
    return np.where(a < HUBER_DELTA, 0.5 * r * r, HUBER_DELTA * (a - 0.5 * HUBER_DELTA))


def dloss_dpred(residual: np.ndarray, loss: str) -> np.ndarray:
    """∂lᵢ/∂ŷᵢ for each sample, given the residual ŷᵢ − yᵢ (matching PyTorch's backward at kinks)."""
    r = np.asarray(residual, dtype=np.float64)
    if loss == "mse":
        return 2.0 * r
    if loss == "mae":
        return np.sign(r)
    return np.clip(r, -HUBER_DELTA, HUBER_DELTA)


def reduction_weights(reduction: str, batch_size: int, weights: np.ndarray | None = None) -> np.ndarray:
    """∂L/∂lᵢ: how much each sample's loss counts in the reduced loss L.

    mean: 1/B each; sum: 1 each; weighted: the given vᵢ (default 1/B, so it starts equal to mean).
    'none' has no scalar L, so it has no weights: ValueError.
    """
    if reduction == "mean":
        return np.full(batch_size, 1.0 / batch_size)
    if reduction == "sum":
        return np.ones(batch_size)
    if reduction == "weighted":
        if weights is None:
            return np.full(batch_size, 1.0 / batch_size)
        v = np.asarray(weights, dtype=np.float64)
        if v.shape != (batch_size,):
            raise ValueError(f"need {batch_size} weights, got {v.size}")
        return v
    raise ValueError("reduction 'none' leaves a vector: there is no scalar loss to differentiate")


@dataclass(frozen=True, eq=False)
class Contributions:
    """Each batch sample's share of the reduced gradient; the shares sum to the gradient."""

    index: np.ndarray  # dataset indices of the batch
    weight: np.ndarray  # ∂L/∂lᵢ
    dl_dpred: np.ndarray  # ∂lᵢ/∂ŷᵢ
    dL_dpred: np.ndarray  # ∂L/∂ŷᵢ = weight · dl_dpred
    grad_w: np.ndarray  # ∂L/∂ŷᵢ · xᵢ
    grad_b: np.ndarray  # ∂L/∂ŷᵢ · 1

    @property
    def total_w(self) -> float:
        return float(self.grad_w.sum())

    @property
    def total_b(self) -> float:
        return float(self.grad_b.sum())


def contributions(
    x: np.ndarray, y: np.ndarray, index: np.ndarray, w: float, b: float,
    loss: str, reduction: str, weights: np.ndarray | None = None,
) -> Contributions:
    """The chain rule by hand for the batch ``index`` of (x, y) at parameters (w, b).

    ``weights`` are per *dataset* sample (as in ``LabConfig.weights``); the batch's are taken.
    """
    index = np.asarray(index, dtype=np.int64)
    xb = np.asarray(x, dtype=np.float64)[index]
    yb = np.asarray(y, dtype=np.float64)[index]
    v = None if weights is None else np.asarray(weights, dtype=np.float64)[index]
    weight = reduction_weights(reduction, index.size, v)
    dl = dloss_dpred(predictions(xb, w, b) - yb, loss)
    dL = weight * dl
    return Contributions(index, weight, dl, dL, dL * xb, dL.copy())
