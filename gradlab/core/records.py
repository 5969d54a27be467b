"""Frozen records that cross from the worker thread to the window: floats and numpy copies only.

No torch here: the window imports this module while torch is still loading.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a, copy=True)
    a.flags.writeable = False
    return a


@dataclass(frozen=True, eq=False)
class StepRecord:
    """One optimisation step ``step`` (1-based).

    ``loss``, ``per_sample_loss`` and the gradient are taken at the parameters *before* the step;
    ``w_after``/``b_after`` are the parameters after it. A record with ``applied=False`` is a
    preview of the next step: it was computed but not applied, so after == before. A record with
    ``diverged`` set names the first non-finite quantity; its parameters were left at their last
    finite values.
    """

    step: int
    epoch: int
    batch: np.ndarray
    per_sample_loss: np.ndarray
    loss: float
    grad_w: float
    grad_b: float
    w_before: float
    b_before: float
    w_after: float
    b_after: float
    lr: float
    loss_name: str
    reduction: str
    applied: bool = True
    diverged: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "batch", _frozen(np.asarray(self.batch, dtype=np.int64)))
        object.__setattr__(
            self, "per_sample_loss", _frozen(np.asarray(self.per_sample_loss, dtype=np.float64))
        )

    @property
    def batch_size(self) -> int:
        return int(self.batch.size)

    @property
    def finite(self) -> bool:
        return self.diverged is None

    def to_json_dict(self) -> dict:
        """The headless ``--json`` line (see DESIGN.md)."""
        return {
            "step": self.step,
            "batch": self.batch.tolist(),
            "loss": self.loss,
            "per_sample_loss": self.per_sample_loss.tolist(),
            "grad_w": self.grad_w,
            "grad_b": self.grad_b,
            "w": self.w_after,
            "b": self.b_after,
        }


HISTORY_FIELDS = ("step", "loss", "grad_w", "grad_b", "w", "b")


@dataclass(frozen=True, eq=False)
class HistoryChunk:
    """Scalars of consecutive steps: ``loss``/grads before each step, ``w``/``b`` after it."""

    step: np.ndarray
    loss: np.ndarray
    grad_w: np.ndarray
    grad_b: np.ndarray
    w: np.ndarray
    b: np.ndarray

    def __post_init__(self) -> None:
        object.__setattr__(self, "step", _frozen(np.asarray(self.step, dtype=np.int64)))
        for name in HISTORY_FIELDS[1:]:
            value = np.asarray(getattr(self, name), dtype=np.float64)
            object.__setattr__(self, name, _frozen(value))

    def __len__(self) -> int:
        return int(self.step.size)

    @classmethod
    def empty(cls) -> HistoryChunk:
        z = np.zeros(0)
        return cls(z, z, z, z, z, z)

    @classmethod
    def from_record(cls, r: StepRecord) -> HistoryChunk:
        return cls([r.step], [r.loss], [r.grad_w], [r.grad_b], [r.w_after], [r.b_after])

    @classmethod
    def concat(cls, chunks: list[HistoryChunk]) -> HistoryChunk:
        chunks = [c for c in chunks if len(c)]
        if not chunks:
            return cls.empty()
        return cls(*(np.concatenate([getattr(c, f) for c in chunks]) for f in HISTORY_FIELDS))
