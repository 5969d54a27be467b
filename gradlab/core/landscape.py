"""The loss surface L(w, b) over a grid, vectorised; numpy only (no torch, no Qt).

MSE is exact and independent of N: L is a quadratic in (w, b) whose coefficients are a handful of
sums over the data. MAE and Huber have no such shortcut, so they are evaluated with chunked
broadcasting; when N × cells is too large to be interactive, the data are subsampled evenly and
the grid is flagged as approximate.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from gradlab.core.explain import losses, overflow_is_data

#: Element operations one MAE/Huber chunk may allocate (memory stays ~ this × 8 bytes × 3).
CHUNK_ELEMENTS = 2_000_000
#: Above this many (sample × cell) evaluations the data are subsampled (≈ 0.2 s of numpy).
MAX_EVALUATIONS = 20_000_000


@dataclass(frozen=True, eq=False)
class LossGrid:
    """``L[i, j]`` is the loss at ``W[i, j]``, ``B[i, j]`` (``np.meshgrid(..., indexing='xy')``:
    rows follow b, columns follow w). Unpacks as ``W, B, L = loss_grid(...)``."""

    W: np.ndarray
    B: np.ndarray
    L: np.ndarray
    approximate: bool = False
    samples_used: int = 0

    def __iter__(self) -> Iterator[np.ndarray]:
        return iter((self.W, self.B, self.L))


def _weights(reduction: str, n: int, weights: np.ndarray | None) -> np.ndarray | None:
    """Per-sample factors of the reduced loss; None means 1/N each (mean)."""
    if reduction in ("mean", "none"):
        return None
    if reduction == "sum":
        return np.ones(n)
    if reduction == "weighted":
        if weights is None:
            return None
        v = np.asarray(weights, dtype=np.float64).reshape(-1)
        if v.size != n:
            raise ValueError(f"need {n} weights, got {v.size}")
        return v
    raise ValueError(f"unknown reduction {reduction!r}")


def _mse_grid(x: np.ndarray, y: np.ndarray, v: np.ndarray | None,
              W: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Σ vᵢ (w xᵢ + b − yᵢ)² from centred sums, so large offsets do not cancel catastrophically."""
    n = x.size
    v = np.full(n, 1.0 / n) if v is None else v
    mx, my = x.mean(), y.mean()
    dx, dy = x - mx, y - my
    sv, svx, svy = v.sum(), (v * dx).sum(), (v * dy).sum()
    svxx, svxy, svyy = (v * dx * dx).sum(), (v * dx * dy).sum(), (v * dy * dy).sum()
    c = W * mx + B - my  # rᵢ = w·dxᵢ − dyᵢ + c
    return (W * W * svxx - 2 * W * svxy + svyy
            + 2 * c * (W * svx - svy) + c * c * sv)


@overflow_is_data
def loss_grid(
    x: np.ndarray, y: np.ndarray, loss: str, reduction: str, weights: np.ndarray | None,
    w_range: tuple[float, float], b_range: tuple[float, float], n: int = 80,
) -> LossGrid:
    """L(w, b) over the full dataset on an ``n`` × ``n`` grid, reduced as the trainer reduces a
    full batch: mean, sum or Σ vᵢ·lᵢ (weights None: 1/N). 'none' has no scalar loss, so the
    surface shown for it is the mean's.
    """
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    if x.size == 0 or x.size != y.size:
        raise ValueError("x and y must be non-empty and of equal length")
    if n < 2:
        raise ValueError("the grid needs at least 2 points per side")
    ws = np.linspace(float(w_range[0]), float(w_range[1]), n)
    bs = np.linspace(float(b_range[0]), float(b_range[1]), n)
    W, B = np.meshgrid(ws, bs)
    v = _weights(reduction, x.size, weights)
    if loss == "mse":
        return LossGrid(W, B, _mse_grid(x, y, v, W, B), False, x.size)
    if loss not in ("mae", "huber"):
        raise ValueError(f"unknown loss {loss!r}")

    cells = W.size
    approximate = x.size * cells > MAX_EVALUATIONS
    scale = 1.0
    if approximate:  # evenly spaced, deterministic subsample, rescaled to the full sum
        m = max(1, MAX_EVALUATIONS // cells)
        pick = np.linspace(0, x.size - 1, m).round().astype(np.int64)
        scale = x.size / pick.size
        x, y = x[pick], y[pick]
        v = None if v is None else v[pick]
    factors = np.full(x.size, 1.0 / x.size) if v is None else v * scale
    wf, bf = W.reshape(-1, 1), B.reshape(-1, 1)
    total = np.zeros(cells)
    step = max(1, CHUNK_ELEMENTS // cells)
    for start in range(0, x.size, step):
        xs, ys = x[start:start + step], y[start:start + step]
        per = losses(xs[None, :], ys[None, :], wf, bf, loss)  # (cells, chunk)
        total += per @ factors[start:start + step]
    return LossGrid(W, B, total.reshape(W.shape), approximate, int(x.size))


def least_squares(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The MSE optimum (w*, b*); a flat x gives w* = 0, b* = mean(y)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    dx = x - x.mean()
    sxx = float((dx * dx).sum())
    w = float((dx * (y - y.mean())).sum() / sxx) if sxx > 0 else 0.0
    return w, float(y.mean() - w * x.mean())


@overflow_is_data
def default_range(
    x: np.ndarray, y: np.ndarray, points: Sequence[tuple[float, float]] = (),
    margin: float = 0.25,
) -> tuple[tuple[float, float], tuple[float, float]]:
    """A (w_range, b_range) that shows the optimum and every given (w, b) point with a margin.

    The minimum half-widths come from the data's scale (std y / std x for w), so the valley is
    visible even when the current point sits on the optimum.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    w_opt, b_opt = least_squares(x, y)
    pts = np.array([(w_opt, b_opt), *[(float(a), float(c)) for a, c in points]], dtype=np.float64)
    pts = pts[np.isfinite(pts).all(axis=1)]
    sx, sy = float(x.std()), float(y.std())
    min_w = max(sy / sx if sx > 0 else 1.0, 0.5)
    min_b = max(sy, abs(float(x.mean())) * min_w, 1.0)
    out = []
    for col, minimum in ((0, min_w), (1, min_b)):
        lo, hi = float(pts[:, col].min()), float(pts[:, col].max())
        half = max((hi - lo) / 2 * (1 + 2 * margin), minimum)
        mid = (lo + hi) / 2
        out.append((mid - half, mid + half))
    return out[0], out[1]
