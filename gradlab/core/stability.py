"""The learning-rate limit of gradient descent: why ``mean`` keeps the learning rate meaningful.

For MSE the reduced loss is quadratic in (w, b) with Hessian ``2·[[Σvx², Σvx], [Σvx, Σv]]`` over
the batch, where v is 1/B (mean), 1 (sum) or the sample weights (weighted). Plain gradient descent
converges exactly when ``lr < 2/λ_max``, heavy-ball momentum μ when ``lr < 2(1+μ)/λ_max``. Under
``sum`` λ_max grows with B; under ``mean`` it does not.

numpy only (no torch, no Qt): the closed form needs a handful of sums, and the result is a frozen
record of floats that may cross threads. Tests check it against ``torch.autograd``'s Hessian.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from gradlab.core.batches import epoch_order
from gradlab.core.config import LabConfig
from gradlab.core.data import Dataset
from gradlab.core.messages import QT_TRANSLATE_NOOP, Message

# What the limit means for this setup (``Stability.kind``).
KIND_LIMIT = "limit"  # MSE with SGD or momentum: a hard limit
KIND_HUBER = "huber"  # the limit of Huber's quadratic region
KIND_MAE = "mae"  # not quadratic: no fixed limit
KIND_ADAM = "adam"  # Adam scales its own steps: no fixed limit
KIND_NONE = "none"  # reduction 'none': no scalar loss to descend
KIND_NO_MINIMUM = "no_minimum"  # a negative curvature (negative weights): nothing converges
KIND_FLAT = "flat"  # zero curvature (all weights zero): no step moves
KIND_TOO_LARGE = "too_large"  # the sums overflow float64

#: Second derivative of each sample's loss in its residual r: (r²)'' = 2, Huber's ½r²'' = 1.
_CURVATURE = {"mse": 2.0, "huber": 1.0, "mae": 0.0}

Matrix = tuple[tuple[float, float], tuple[float, float]]


@dataclass(frozen=True)
class Stability:
    """Everything the window shows about the limit: plain floats and tuples only.

    ``hessian`` and its eigen-pairs belong to the batch that sets the limit (all samples in full
    batch; the steepest batch of the epoch with minibatches). ``directions`` (unit vectors
    (dw, db) along λ_min, then λ_max) and ``minimum`` belong to the full-data loss the landscape
    draws; ``minimum`` is None when the loss is not MSE or has no minimum.
    """

    kind: str
    explanation: str
    loss: str
    reduction: str
    optimizer: str
    momentum: float  # μ in the limit (0 without momentum)
    hessian: Matrix
    lambda_min: float
    lambda_max: float
    eigenvectors: Matrix  # unit (dw, db) along lambda_min, then along lambda_max
    lr_limit: float | None  # None: no fixed limit (see kind)
    batch_size: int
    batches: int  # batches in the epoch looked at (1 in full batch)
    lambda_max_range: tuple[float, float]  # over those batches
    lr_limit_range: tuple[float, float] | None
    directions: Matrix
    minimum: tuple[float, float] | None

    @property
    def per_batch(self) -> bool:
        return self.batches > 1

    def to_json_dict(self) -> dict:
        """Strict JSON: a value beyond float64 (kind ``too_large``) is null."""
        return _finite_only({
            "hessian": [list(row) for row in self.hessian],
            "lambda_min": self.lambda_min,
            "lambda_max": self.lambda_max,
            "lr_limit": self.lr_limit,
            "kind": self.kind,
            "explanation": str(self.explanation),
            "reduction": self.reduction,
            "momentum": self.momentum,
            "eigenvectors": [list(v) for v in self.eigenvectors],
            "batch_size": self.batch_size,
            "batches": self.batches,
            "lambda_max_range": list(self.lambda_max_range),
            "lr_limit_range": None if self.lr_limit_range is None else list(self.lr_limit_range),
            "minimum": None if self.minimum is None else list(self.minimum),
        })


def _finite_only(obj: Any) -> Any:
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite_only(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_finite_only(v) for v in obj]
    return obj


# ---- the maths ---------------------------------------------------------------------------------


def sample_factors(reduction: str, size: int, weights: np.ndarray | None) -> np.ndarray:
    """The factor of each sample's loss in the reduced loss: 1/B, 1, or its weight."""
    if reduction == "sum":
        return np.ones(size)
    if reduction == "weighted" and weights is not None:
        return np.asarray(weights, dtype=np.float64)
    return np.full(size, 1.0 / size)  # mean, and weighted without weights (1/B each)


def reduced_hessian(x: np.ndarray, reduction: str, weights: np.ndarray | None = None,
                    loss: str = "mse") -> np.ndarray:
    """The 2×2 Hessian over (w, b) of the reduced loss of one batch ``x`` (weights: the batch's)."""
    x = np.asarray(x, dtype=np.float64)
    v = sample_factors(reduction, x.size, weights)
    with np.errstate(over="ignore", invalid="ignore"):
        vx = v * x
        sxx, sx, s1 = float(vx @ x), float(vx.sum()), float(v.sum())
    c = _CURVATURE[loss]
    return c * np.array([[sxx, sx], [sx, s1]])


def _eigenvalues(h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(λ_min, λ_max) of stacked symmetric 2×2 matrices ``h[..., 2, 2]``, in closed form."""
    a, b, c = h[..., 0, 0], h[..., 0, 1], h[..., 1, 1]
    with np.errstate(over="ignore", invalid="ignore"):
        mid, rad = (a + c) / 2, np.hypot((a - c) / 2, b)
        return mid - rad, mid + rad


def _eigenvectors(h: np.ndarray) -> Matrix:
    """Unit eigenvectors along λ_min then λ_max, signed so the larger component is positive
    (the picture must not flip when the data change a little)."""
    if not np.isfinite(h).all():
        return ((1.0, 0.0), (0.0, 1.0))
    _, vecs = np.linalg.eigh(h)
    out = []
    for k in range(2):
        v = vecs[:, k]
        if v[int(np.argmax(np.abs(v)))] < 0:
            v = -v
        out.append((float(v[0]), float(v[1])))
    return out[0], out[1]


def _minimum(x: np.ndarray, y: np.ndarray, v: np.ndarray) -> tuple[float, float] | None:
    """The (w, b) minimising Σ vᵢ (w xᵢ + b − yᵢ)², from centred sums; a flat x gives w = 0."""
    sv = float(v.sum())
    if not sv > 0 or (v < 0).any():
        return None
    with np.errstate(over="ignore", invalid="ignore"):
        mx, my = float(v @ x) / sv, float(v @ y) / sv
        dx, dy = x - mx, y - my
        sxx = float(v @ (dx * dx))
        w = float(v @ (dx * dy)) / sxx if sxx > 0 else 0.0
        b = my - w * mx
    return (w, b) if math.isfinite(w) and math.isfinite(b) else None


def _batch_hessians(config: LabConfig, dataset: Dataset, epoch: int) -> np.ndarray:
    """The Hessian of every batch of ``epoch``, shape (K, 2, 2), vectorised over the full batches
    (the batches of ``batches.epoch_batches``, without a Python object per batch)."""
    n = len(dataset)
    bs = config.effective_batch_size(n)
    weights = None if config.weights is None else np.asarray(config.weights)
    weighted = config.reduction == "weighted" and weights is not None
    order = np.arange(n) if bs == n else epoch_order(config.seed, epoch, n)
    m = n // bs
    out = []
    idx = order[:m * bs].reshape(m, bs)
    xb = dataset.x[idx]
    v = weights[idx] if weighted else sample_factors(config.reduction, bs, None)[None, :]
    with np.errstate(over="ignore", invalid="ignore"):
        vx = v * xb
        sxx, sx = np.einsum("ij,ij->i", vx, xb), vx.sum(axis=1)
        s1 = v.sum(axis=1) if weighted else np.full(m, v.sum())
    h = np.empty((m, 2, 2))
    h[:, 0, 0], h[:, 0, 1], h[:, 1, 0], h[:, 1, 1] = sxx, sx, sx, s1
    out.append(_CURVATURE[config.loss] * h)
    rest = order[m * bs:]
    if rest.size:  # the smaller last batch
        wb = None if weights is None else weights[rest]
        out.append(reduced_hessian(dataset.x[rest], config.reduction, wb, config.loss)[None])
    return np.concatenate(out)


# ---- the result --------------------------------------------------------------------------------


def stability(config: LabConfig, dataset: Dataset, epoch: int = 0) -> Stability:
    """The stability limit of ``config`` on ``dataset`` (with minibatches: over the batches of
    ``epoch``, as the trainer draws them). Cheap: a few sums, vectorised over the batches."""
    config.check_against(len(dataset))
    n = len(dataset)
    bs = config.effective_batch_size(n)
    reduction = "mean" if config.reduction == "none" else config.reduction
    loss = config.loss
    mu = config.momentum if config.optimizer == "momentum" else 0.0
    probe = config.replace(reduction=reduction)
    hs = _batch_hessians(probe, dataset, epoch)
    lo, hi = _eigenvalues(hs)
    steep = int(np.nanargmax(hi)) if np.isfinite(hi).any() else 0
    h = hs[steep]
    weights = None if config.weights is None else np.asarray(config.weights)
    full_h = reduced_hessian(dataset.x, reduction,
                             weights if reduction == "weighted" else None, loss)
    v = sample_factors(reduction, n, weights if reduction == "weighted" else None)
    minimum = _minimum(dataset.x, dataset.y, v) if loss == "mse" else None
    finite = bool(np.isfinite(hs).all())
    positive = hi[hi > 0] if finite else np.zeros(0)
    lam_range = ((float(positive.min()), float(positive.max())) if positive.size
                 else (float(hi.min()), float(hi.max())) if finite else (math.inf, math.inf))
    factor = 2.0 * (1.0 + mu)
    kind = _kind(config, finite, float(lo.min()) if finite else 0.0, float(hi.max()))
    limit = factor / lam_range[1] if kind in (KIND_LIMIT, KIND_HUBER) else None
    limits = ((factor / lam_range[1], factor / lam_range[0])
              if limit is not None else None)
    result = Stability(
        kind=kind, explanation="", loss=loss, reduction=config.reduction,
        optimizer=config.optimizer, momentum=mu,
        hessian=_matrix(h), lambda_min=float(lo[steep]), lambda_max=float(hi[steep]),
        eigenvectors=_eigenvectors(h), lr_limit=limit, batch_size=bs, batches=len(hs),
        lambda_max_range=lam_range, lr_limit_range=limits,
        directions=_eigenvectors(full_h), minimum=minimum if kind != KIND_NO_MINIMUM else None,
    )
    return _with_explanation(result)


def _matrix(h: np.ndarray) -> Matrix:
    return (float(h[0, 0]), float(h[0, 1])), (float(h[1, 0]), float(h[1, 1]))


def _kind(config: LabConfig, finite: bool, lam_min: float, lam_max: float) -> str:
    if config.reduction == "none":
        return KIND_NONE
    if config.loss == "mae":
        return KIND_MAE
    if config.optimizer == "adam":
        return KIND_ADAM
    if not finite:
        return KIND_TOO_LARGE
    if lam_min < -1e-12 * abs(lam_max):  # not rounding: a real downward curve
        return KIND_NO_MINIMUM
    if lam_max <= 0:
        return KIND_FLAT
    return KIND_HUBER if config.loss == "huber" else KIND_LIMIT


def _formula(mu: float) -> str:
    return "2/λ_max" if mu == 0 else "2(1+μ)/λ_max"


def _with_explanation(s: Stability) -> Stability:
    return replace(s, explanation=explain(s))


def explain(s: Stability) -> Message:
    """A short English explanation of ``s`` (a Message: the window translates it)."""
    if s.kind == KIND_NONE:
        return Message(QT_TRANSLATE_NOOP(
            "messages", "Reduction 'none' gives no scalar loss to descend: there is no step, so "
                        "no learning-rate limit."))
    if s.kind == KIND_MAE:
        return Message(QT_TRANSLATE_NOOP(
            "messages", "MAE is not quadratic, so there is no fixed limit: the step is lr·x "
                        "whatever the error. A large lr does not blow up; it overshoots and "
                        "rattles around the minimum."))
    if s.kind == KIND_ADAM:
        return Message(QT_TRANSLATE_NOOP(
            "messages", "Adam scales each step itself (by the running size of the gradient), so "
                        "no fixed limit 2/λ_max applies and the reduction hardly changes its "
                        "path: mean and sum take nearly the same steps."))
    if s.kind == KIND_TOO_LARGE:
        return Message(QT_TRANSLATE_NOOP(
            "messages", "The data are too large for the curvature to fit in a float64: no limit "
                        "can be computed."))
    if s.kind == KIND_NO_MINIMUM:
        return Message(QT_TRANSLATE_NOOP(
            "messages", "A negative weight makes the loss curve downwards (λ_min = {lam:.6g} "
                        "< 0): it has no minimum, and gradient descent drifts away at any "
                        "learning rate."), lam=s.lambda_min)
    if s.kind == KIND_FLAT:
        return Message(QT_TRANSLATE_NOOP(
            "messages", "The loss is flat (λ_max = 0: every weight is zero), so the gradient is "
                        "zero and no step moves."))
    parts = [_limit_sentence(s)]
    if s.per_batch:
        assert s.lr_limit_range is not None
        parts.append(Message(QT_TRANSLATE_NOOP(
            "messages", "With minibatches the limit is per batch: from {lo:.6g} to {hi:.6g} over "
                        "the epoch's {n} batches; the steepest batch sets the lower end."),
            lo=s.lr_limit_range[0], hi=s.lr_limit_range[1], n=s.batches))
    if s.kind == KIND_HUBER:
        parts.append(Message(QT_TRANSLATE_NOOP(
            "messages", "That is the quadratic region; beyond it each step is at most lr·δ·x, "
                        "so a larger lr keeps jumping across the minimum instead of settling.")))
    elif s.reduction == "sum":
        parts.append(Message(QT_TRANSLATE_NOOP(
            "messages", "Under sum λ_max grows with the batch size B, so the limit shrinks as "
                        "1/B: twice the data, half the learning rate.")))
    elif s.reduction == "mean":
        parts.append(Message(QT_TRANSLATE_NOOP(
            "messages", "Under mean λ_max does not grow with the batch size: the same learning "
                        "rate works for 4 samples or 400.")))
    return Message(" ".join(f"{{p{k}}}" for k in range(len(parts))),
                   **{f"p{k}": p for k, p in enumerate(parts)})


def _limit_sentence(s: Stability) -> Message:
    if s.kind == KIND_HUBER:
        return Message(QT_TRANSLATE_NOOP(
            "messages", "Where every error is below δ = 1, Huber is ½·error² and gradient descent "
                        "converges exactly when lr < {formula} = {limit:.6g} (λ_max = {lam:.6g})."),
            formula=_formula(s.momentum), limit=s.lr_limit, lam=s.lambda_max)
    if s.momentum:
        return Message(QT_TRANSLATE_NOOP(
            "messages", "With momentum μ = {mu:g} (heavy ball) gradient descent converges "
                        "exactly when lr < 2(1+μ)/λ_max = {limit:.6g} (λ_max = {lam:.6g}, the "
                        "largest curvature of the loss over (w, b))."),
            mu=s.momentum, limit=s.lr_limit, lam=s.lambda_max)
    return Message(QT_TRANSLATE_NOOP(
        "messages", "Gradient descent converges exactly when lr < 2/λ_max = {limit:.6g} (λ_max = "
                    "{lam:.6g}, the largest curvature of the loss over (w, b))."),
        limit=s.lr_limit, lam=s.lambda_max)


# ---- what the window says and draws ------------------------------------------------------------


def _short(value: float, other: float) -> str:
    """``value`` in 3 significant digits, more if it would read the same as ``other``."""
    for digits in range(3, 18):
        text = f"{value:.{digits}g}"
        if text != f"{other:g}" or float(text) == value:
            return text
    return repr(value)


def prediction(s: Stability, lr: float) -> Message | None:
    """What the status says before a run whose lr is at or above the limit, e.g. "lr 0.05 >
    2/λ_max = 0.0299 under sum: this run will diverge"; None when lr is below it (or there is
    no fixed limit)."""
    if s.lr_limit is None or lr < s.lr_limit:
        return None
    values = {"lr": f"{lr:g}", "formula": _formula(s.momentum),
              "limit": _short(s.lr_limit, lr), "reduction": s.reduction}
    if s.momentum:
        values["reduction"] = Message(QT_TRANSLATE_NOOP("messages", "{reduction} with momentum "
                                                        "{mu:g}"), reduction=s.reduction,
                                      mu=s.momentum)
    if lr == s.lr_limit:
        return Message(QT_TRANSLATE_NOOP(
            "messages", "lr {lr} = {formula} = {limit} under {reduction}: this run will "
                        "oscillate for ever without settling"), **values)
    if s.kind == KIND_HUBER:
        return Message(QT_TRANSLATE_NOOP(
            "messages", "lr {lr} > {formula} = {limit} under {reduction} in Huber's quadratic "
                        "region: this run will keep jumping across the minimum instead of "
                        "settling"), **values)
    if s.per_batch:
        assert s.lr_limit_range is not None
        if lr <= s.lr_limit_range[1]:
            return Message(QT_TRANSLATE_NOOP(
                "messages", "lr {lr} > {formula} = {limit} for the steepest of the epoch's {n} "
                            "batches under {reduction}: this run will likely diverge"),
                n=s.batches, **values)
        return Message(QT_TRANSLATE_NOOP(
            "messages", "lr {lr} > {formula} for every batch (at most {top}) under {reduction}: "
                        "this run will diverge"),
            top=_short(s.lr_limit_range[1], lr), **values)
    return Message(QT_TRANSLATE_NOOP(
        "messages", "lr {lr} > {formula} = {limit} under {reduction}: this run will diverge"),
        **values)


def diverged_as_predicted(s: Stability, lr: float, step: int, reason: str) -> Message:
    """What the status says when a run diverges: with the prediction, if there was one."""
    predicted = prediction(s, lr)
    if predicted is None:
        return Message(QT_TRANSLATE_NOOP("messages", "diverged at step {step}: {reason}"),
                       step=step, reason=reason)
    return Message(QT_TRANSLATE_NOOP(
        "messages", "diverged at step {step}: {reason}, as predicted ({prediction})"),
        step=step, reason=reason, prediction=predicted)


def eigen_errors(s: Stability, w: Sequence[float] | np.ndarray,
                 b: Sequence[float] | np.ndarray) -> np.ndarray:
    """The distance from the minimum along each eigen-direction of the full-data loss, for a
    path of (w, b): shape (K, 2), column 0 along λ_min (the slow direction), column 1 along
    λ_max (the fast one, which oscillates and, above the limit, explodes). Raises ValueError
    when there is no minimum (not MSE, or no minimum at all)."""
    if s.minimum is None:
        raise ValueError("this loss has no single quadratic minimum to measure from")
    path = np.stack([np.asarray(w, dtype=np.float64), np.asarray(b, dtype=np.float64)], axis=-1)
    q = np.array(s.directions).T  # columns: the two unit directions
    with np.errstate(over="ignore", invalid="ignore"):
        return (path - np.asarray(s.minimum)) @ q


def doubled(config: LabConfig, dataset: Dataset) -> tuple[LabConfig, Dataset]:
    """"×2 the data": every point twice (weights too). Under sum λ_max doubles and the limit
    halves; under mean nothing moves, which is the point. The batch size stays what it was."""
    n = len(dataset)
    data = Dataset(np.repeat(dataset.x, 2), np.repeat(dataset.y, 2), dataset.name)
    weights = None if config.weights is None else tuple(np.repeat(config.weights, 2).tolist())
    source = config.source or f"{config.preset} (edited)"
    new = config.for_data(2 * n, source, keep_weights=False).replace(
        weights=weights, batch_size=config.batch_size)
    return new, data
