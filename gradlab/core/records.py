"""Frozen records that cross from the worker thread to the window: floats and numpy copies only.

No torch here: the window imports this module while torch is still loading.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gradlab.core.memory import give_back_freed_memory


def _frozen(a: np.ndarray) -> np.ndarray:
    """``a`` as a read-only array of its own. An array that already is one (read-only, owning
    its data: a trainer's whole-dataset index, frozen once) is shared, not copied: at N = 10^6
    the copy was 8 MB for every record."""
    if not a.flags.writeable and a.flags.owndata:
        return a
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
    #: "line" or "logistic" (then the loss is over the logits w·x + b, labels 0/1).
    model: str = "line"
    #: What the reduced loss was divided by: mean's denominator (the batch size, or for
    #: cross-entropy the sum of the class weights of the samples not ignored), 1 for sum,
    #: None for a weighted sum or no reduction.
    denominator: float | None = None
    #: A teaching message about this step (a mean over nothing), not a divergence.
    note: str | None = None

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
        out = {
            "step": self.step,
            "batch": self.batch.tolist(),
            "loss": self.loss,
            "per_sample_loss": self.per_sample_loss.tolist(),
            "grad_w": self.grad_w,
            "grad_b": self.grad_b,
            "w": self.w_after,
            "b": self.b_after,
            "denominator": self.denominator,
        }
        if self.note is not None:
            out["note"] = str(self.note)
        return out


HISTORY_FIELDS = ("step", "loss", "grad_w", "grad_b", "w", "b")
#: The longest history kept (by the window, the worker's log and a saved session).
MAX_HISTORY = 1_000_000
#: A buffer's old copy from this size on is given back to the system when the buffer grows.
GIVE_BACK_BYTES = 1 << 20


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


class HistoryBuffer:
    """Columns step, loss, grad_w, grad_b, w, b; grows by doubling. Bounded: it keeps at least
    the newest ``limit`` steps and at most twice that (a run left going overnight stays small).
    The window's history panel and the worker's session log each keep one."""

    def __init__(self, capacity: int = 4096, limit: int = MAX_HISTORY) -> None:
        self.capacity = capacity
        self.limit = limit
        self.clear()

    def clear(self) -> None:
        self._data = np.empty((len(HISTORY_FIELDS), self.capacity))
        self.size = 0

    def __len__(self) -> int:
        return self.size

    def append(self, chunk: HistoryChunk) -> None:
        k = len(chunk)
        if not k:
            return
        start = max(0, k - self.limit)  # a chunk longer than the limit: its newest steps
        k -= start
        if self.size + k > 2 * self.limit:
            # At the ceiling: keep the newest steps. Moved once per ~limit steps appended, so an
            # append stays cheap however long the run (a move per append would copy the whole
            # history every frame).
            keep = self.limit - k
            self._data[:, :keep] = self._data[:, self.size - keep : self.size].copy()
            self.size = keep
        if self.size + k > self._data.shape[1]:
            wanted = max(2 * self._data.shape[1], self.size + k)
            grown = np.empty((self._data.shape[0], max(min(wanted, 2 * self.limit),
                                                       self.size + k)))
            grown[:, : self.size] = self._data[:, : self.size]
            freed, self._data = self._data.nbytes, grown
            if freed >= GIVE_BACK_BYTES:
                give_back_freed_memory()
        for row, name in enumerate(HISTORY_FIELDS):
            self._data[row, self.size : self.size + k] = getattr(chunk, name)[start:]
        self.size += k

    def truncate(self, last_step: int) -> None:
        """Forget every step after ``last_step`` (continuing from a past step)."""
        self.size = int(np.searchsorted(self._data[0, : self.size], last_step, side="right"))

    def column(self, name: str) -> np.ndarray:
        """A view of the filled part (valid until the next append that grows the buffer)."""
        return self._data[HISTORY_FIELDS.index(name), : self.size]

    def chunk(self) -> HistoryChunk:
        """A frozen copy of the whole history."""
        return HistoryChunk(*(self._data[i, : self.size] for i in range(len(HISTORY_FIELDS))))
