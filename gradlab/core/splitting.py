"""Where the mean is taken when a batch is split: the settings, and the theory of the gradient.

A batch split into micro-batches (gradient accumulation) or shards (data-parallel workers) gives
every sample a weight in the gradient: its weight inside its part's reduced loss (1/n_j for mean,
1 for sum, v_i for weighted) times the part's scale (none, 1/K, n_j/n; DDP's 1/W, times W with
the world-size loss scale). One ordinary ``backward()`` over the whole batch gives every sample
1/B (mean), 1 (sum) or v_i. The split gradient equals the one-backward gradient exactly when the
two weight vectors agree; this module says so, and when not, by what factor and why.

No torch here (numpy only): sessions and the window read these settings while torch loads.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from gradlab.core.config import ConfigError
from gradlab.core.messages import QT_TRANSLATE_NOOP, Message

ACCUM_SCALES = ("none", "1/K", "n/N")
DDP_LOSS_SCALES = ("none", "world")
MAX_WORKERS = 4
#: Relative tolerance of "the same gradient" (float64).
MATCH_RTOL = 1e-9


def _sizes(name: str, value: Any) -> tuple[int, ...] | None:
    if value is None:
        return None
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or not value:
        raise ConfigError(name, Message(QT_TRANSLATE_NOOP(
            "messages", "must be a list of whole numbers, got {value!r}"), value=value))
    for v in value:
        if isinstance(v, bool) or not isinstance(v, int):
            raise ConfigError(name, Message(QT_TRANSLATE_NOOP(
                "messages", "must be whole numbers, got {value!r}"), value=v))
        if v < 1:
            raise ConfigError(name, Message(QT_TRANSLATE_NOOP(
                "messages", "every size must be >= 1, got {value}"), value=v))
    return tuple(value)


def _count(name: str, value: Any, low: int, high: int | None = None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(name, Message(QT_TRANSLATE_NOOP(
            "messages", "must be a whole number, got {value!r}"), value=value))
    if value < low or (high is not None and value > high):
        raise ConfigError(name, Message(QT_TRANSLATE_NOOP(
            "messages", "must be from {low} to {high}, got {value}"),
            low=low, high=high if high is not None else "the batch size", value=value))
    return value


@dataclass(frozen=True)
class SplitSettings:
    """How each step's batch is split. All ``None``: no split (the plain trainer).

    Accumulation: ``micro_sizes`` (explicit) or ``micro_batches`` K (as equal as possible),
    ``accum_scale`` and ``forget_zero_grad``. Workers: ``workers`` W, ``shard_sizes`` (default
    even) and ``ddp_loss_scale``. The two modes exclude each other.
    """

    micro_batches: int | None = None
    micro_sizes: tuple[int, ...] | None = None
    accum_scale: str = "1/K"
    forget_zero_grad: bool = False
    workers: int | None = None
    shard_sizes: tuple[int, ...] | None = None
    ddp_loss_scale: str = "none"

    def __post_init__(self) -> None:
        object.__setattr__(self, "micro_sizes", _sizes("micro_sizes", self.micro_sizes))
        object.__setattr__(self, "shard_sizes", _sizes("shard_sizes", self.shard_sizes))
        _count("micro_batches", self.micro_batches, 1)
        _count("workers", self.workers, 1, MAX_WORKERS)
        if self.accum_scale not in ACCUM_SCALES:
            raise ConfigError("accum_scale", Message(QT_TRANSLATE_NOOP(
                "messages", "must be one of {options}; got {value!r}"),
                options=", ".join(ACCUM_SCALES), value=self.accum_scale))
        if self.ddp_loss_scale not in DDP_LOSS_SCALES:
            raise ConfigError("ddp_loss_scale", Message(QT_TRANSLATE_NOOP(
                "messages", "must be one of {options}; got {value!r}"),
                options=", ".join(DDP_LOSS_SCALES), value=self.ddp_loss_scale))
        if not isinstance(self.forget_zero_grad, bool):
            raise ConfigError("forget_zero_grad", Message(QT_TRANSLATE_NOOP(
                "messages", "must be true or false, got {value!r}"), value=self.forget_zero_grad))
        if self.micro_batches is not None and self.micro_sizes is not None:
            raise ConfigError("micro_batches", Message(QT_TRANSLATE_NOOP(
                "messages", "give either the number of micro-batches or their sizes, not both")))
        if self.shard_sizes is not None and self.workers is None:
            object.__setattr__(self, "workers", _count("shard_sizes", len(self.shard_sizes), 1,
                                                       MAX_WORKERS))
        if self.workers is not None and self.shard_sizes is not None \
                and len(self.shard_sizes) != self.workers:
            raise ConfigError("shard_sizes", Message(QT_TRANSLATE_NOOP(
                "messages", "gives {n} sizes for {w} workers"),
                n=len(self.shard_sizes), w=self.workers))
        if self.accumulating and self.parallel:
            raise ConfigError("workers", Message(QT_TRANSLATE_NOOP(
                "messages", "cannot be combined with micro-batches: choose one way to split")))

    @property
    def accumulating(self) -> bool:
        return self.micro_batches is not None or self.micro_sizes is not None

    @property
    def parallel(self) -> bool:
        return self.workers is not None

    @property
    def active(self) -> bool:
        return self.accumulating or self.parallel

    def micro_sizes_for(self, batch_size: int) -> tuple[int, ...]:
        """The micro-batch sizes for a batch of ``batch_size``; ConfigError if they cannot fit."""
        if self.micro_sizes is not None:
            return _fit("micro_sizes", self.micro_sizes, batch_size)
        k = self.micro_batches or 1
        if k > batch_size:
            raise ConfigError("micro_batches", Message(QT_TRANSLATE_NOOP(
                "messages", "{k} micro-batches cannot split a batch of {b} samples"),
                k=k, b=batch_size))
        return even_sizes(batch_size, k)

    def shard_sizes_for(self, batch_size: int) -> tuple[int, ...]:
        """Each worker's shard size for a batch of ``batch_size``; ConfigError if impossible."""
        if self.shard_sizes is not None:
            return _fit("shard_sizes", self.shard_sizes, batch_size)
        w = self.workers or 1
        if w > batch_size:
            raise ConfigError("workers", Message(QT_TRANSLATE_NOOP(
                "messages", "{w} workers need a batch of at least {w} samples; the batch has {b}"),
                w=w, b=batch_size))
        return even_sizes(batch_size, w)

    def check_against(self, batch_size: int, last_batch_size: int | None = None) -> None:
        """Refuse sizes that do not fit the batch (and the epoch's smaller last batch)."""
        for b in (batch_size, last_batch_size or batch_size):
            try:
                if self.accumulating:
                    self.micro_sizes_for(b)
                if self.parallel:
                    self.shard_sizes_for(b)
            except ConfigError as exc:
                if b == batch_size:
                    raise
                raise ConfigError(exc.field, Message(QT_TRANSLATE_NOOP(
                    "messages", "{reason} (the epoch's last batch: batches of {B} leave {b})"),
                    reason=exc.reason, B=batch_size, b=b)) from None

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        for key in ("micro_sizes", "shard_sizes"):
            if d[key] is not None:
                d[key] = list(d[key])
        return d

    @classmethod
    def from_dict(cls, data: Any) -> SplitSettings:
        if not isinstance(data, dict):
            raise ConfigError("split", Message(QT_TRANSLATE_NOOP(
                "messages", "must be an object, got {kind}"), kind=type(data).__name__))
        extra = sorted(set(data) - {f.name for f in dataclasses.fields(cls)})
        if extra:
            raise ConfigError(extra[0], Message(QT_TRANSLATE_NOOP("messages",
                                                                  "is not a known setting")))
        return cls(**data)


def _fit(name: str, sizes: tuple[int, ...], batch_size: int) -> tuple[int, ...]:
    if sum(sizes) != batch_size:
        raise ConfigError(name, Message(QT_TRANSLATE_NOOP(
            "messages", "add up to {total}, but the batch has {b} samples"),
            total=sum(sizes), b=batch_size))
    return sizes


def even_sizes(n: int, k: int) -> tuple[int, ...]:
    """``k`` sizes adding up to ``n``, as equal as possible (the first ones one larger)."""
    q, r = divmod(n, k)
    return tuple(q + 1 if j < r else q for j in range(k))


def part_slices(sizes: Sequence[int]) -> list[slice]:
    """Consecutive slices of the batch, one per part."""
    ends = np.cumsum([0, *sizes])
    return [slice(int(a), int(b)) for a, b in zip(ends[:-1], ends[1:], strict=True)]


def part_scale(kind: str, size: int, batch_size: int, parts: int) -> float:
    """The factor a part's reduced loss is multiplied by before its backward()."""
    if kind in ("none", "world"):
        return float(parts) if kind == "world" else 1.0
    if kind == "1/K":
        return 1.0 / parts
    return size / batch_size  # n/N


def inner_weights(reduction: str, n: int, v: np.ndarray | None) -> np.ndarray:
    """Each sample's weight in one reduced loss over ``n`` samples (v: their weights, if any)."""
    if reduction == "sum":
        return np.ones(n)
    if reduction == "weighted" and v is not None:
        return np.asarray(v, dtype=np.float64)
    return np.full(n, 1.0 / n)  # mean, and weighted without weights (1/n each)


def split_weights(reduction: str, sizes: Sequence[int], scales: Sequence[float],
                  v: np.ndarray | None, after: float = 1.0) -> np.ndarray:
    """Each sample's weight in the split gradient: part scale × weight inside its part × after
    (``after`` = 1/W: DDP's averaging)."""
    out = [scale * after * inner_weights(reduction, sl.stop - sl.start,
                                         None if v is None else v[sl])
           for sl, scale in zip(part_slices(sizes), scales, strict=True)]
    return np.concatenate(out)


@dataclass(frozen=True)
class Comparison:
    """The split gradient next to the one-backward gradient of the same batch.

    ``factor`` is the one number every sample's weight was multiplied by (nan if the weights
    changed unevenly); ``reason`` is one sentence with the live numbers (empty when they match).
    """

    grad_w: float
    grad_b: float
    full_grad_w: float
    full_grad_b: float
    matches: bool
    factor: float
    weights: np.ndarray
    full_weights: np.ndarray
    reason: str


def close(a: Sequence[float], b: Sequence[float], rtol: float = MATCH_RTOL) -> bool:
    """Relative closeness of two gradient vectors (both zero counts as equal)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = max(float(np.linalg.norm(a)), float(np.linalg.norm(b)))
    return bool(np.linalg.norm(a - b) <= rtol * scale) if scale > 0 else True


def _g(x: float) -> str:
    return f"{x:.6g}"


def compare(mode: str, grad: tuple[float, float], full: tuple[float, float],
            weights: np.ndarray, full_weights: np.ndarray, sizes: Sequence[int],
            carried: tuple[float, float] = (0.0, 0.0)) -> Comparison:
    """Compare the split gradient with the full one and say why they differ.

    ``mode`` is "accumulate" or "workers"; ``carried`` the .grad left from earlier steps.
    """
    matches = close(grad, full)
    ratio = weights / np.where(full_weights == 0, np.nan, full_weights)
    same_ratio = np.all(np.isclose(ratio, ratio[0], rtol=1e-12, atol=0))
    factor = float(ratio[0]) if same_ratio and len(ratio) else float("nan")
    reason = "" if matches else _reason(mode, grad, full, factor, weights, full_weights, sizes,
                                        carried)
    return Comparison(float(grad[0]), float(grad[1]), float(full[0]), float(full[1]), matches,
                      factor, _frozen(weights), _frozen(full_weights), reason)


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=np.float64, copy=True)
    a.flags.writeable = False
    return a


def _reason(mode: str, grad: tuple[float, float], full: tuple[float, float], factor: float,
            weights: np.ndarray, full_weights: np.ndarray, sizes: Sequence[int],
            carried: tuple[float, float]) -> Message:
    got, want = f"({_g(grad[0])}, {_g(grad[1])})", f"({_g(full[0])}, {_g(full[1])})"
    k = len(sizes)
    if carried != (0.0, 0.0):
        return Message(QT_TRANSLATE_NOOP(
            "messages", "zero_grad() was forgotten: .grad still held ({cw}, {cb}) from the "
            "earlier steps, so the optimizer used {got} instead of this batch's {want}"),
            cw=_g(carried[0]), cb=_g(carried[1]), got=got, want=want)
    if factor == factor and mode == "workers" and np.isclose(factor, 1.0 / k):
        return Message(QT_TRANSLATE_NOOP(
            "messages", "÷W: DDP averages the gradients of the W = {w} workers, so a loss that "
            "adds its samples up has its gradient divided by {w}: {got} instead of the sum "
            "{want}; multiply each local loss by the world size"), w=k, got=got, want=want)
    if factor == factor and mode == "accumulate" and np.isclose(factor, k):
        return Message(QT_TRANSLATE_NOOP(
            "messages", "×K: the gradients of the K = {k} micro-batch means were added, not "
            "averaged, so the gradient is {got} instead of {want}; scale each loss by 1/K"),
            k=k, got=got, want=want)
    if factor == factor:
        return Message(QT_TRANSLATE_NOOP(
            "messages", "×{f}: every sample counts {f} times what it counts in one backward over "
            "the batch, so the gradient is {got} instead of {want}"),
            f=_g(factor), got=got, want=want)
    if len(set(sizes)) > 1:
        per_part = [float(weights[sl][0]) for sl in part_slices(sizes)]
        return Message(QT_TRANSLATE_NOOP(
            "messages", "unequal sizes: parts of {sizes} samples weight each of their samples by "
            "{weights} instead of {full} each; the mean of the means, {got}, is not the mean "
            "{want}"), sizes=", ".join(map(str, sizes)),
            weights=", ".join(_g(x) for x in per_part), full=_g(float(full_weights[0])),
            got=got, want=want)
    return Message(QT_TRANSLATE_NOOP(
        "messages", "the samples are weighted {weights} instead of {full}, so the gradient is "
        "{got} instead of {want}"), weights=", ".join(_g(x) for x in weights[:8]),
        full=", ".join(_g(x) for x in full_weights[:8]), got=got, want=want)
