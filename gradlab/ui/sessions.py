"""The worker's side of sessions and history export (numpy only: no Qt, no torch).

The worker keeps the run's history itself (``HistoryLog``), so that a session it saves is one
consistent picture of *its* state: the parameters, the optimizer, the shuffle position and the
steps that led there, with nothing still in flight to the window.
"""

from __future__ import annotations

import os

import numpy as np

from gradlab.core.config import LabConfig
from gradlab.core.data import PRESET_INFO
from gradlab.core.records import HISTORY_FIELDS, HistoryChunk
from gradlab.core.session import MAX_HISTORY  # the longest history a session holds

#: Extension of session files.
SUFFIX = ".gradlab"


class HistoryLog:
    """Every step's scalars since step 0 (what the history panel shows); grows by doubling.
    Bounded: it keeps at least the newest ``limit`` steps and at most twice that."""

    def __init__(self, limit: int = MAX_HISTORY) -> None:
        self.limit = limit
        self.clear()

    def clear(self) -> None:
        self._data = np.empty((len(HISTORY_FIELDS), 1024))
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
            self._data = grown
        for row, name in enumerate(HISTORY_FIELDS):
            self._data[row, self.size : self.size + k] = getattr(chunk, name)[start:]
        self.size += k

    def truncate(self, last_step: int) -> None:
        """Forget every step after ``last_step`` (continuing from a past step)."""
        self.size = int(np.searchsorted(self._data[0, : self.size], last_step, side="right"))

    def chunk(self) -> HistoryChunk:
        """A frozen copy of the whole log."""
        return HistoryChunk(*(self._data[i, : self.size] for i in range(len(HISTORY_FIELDS))))


def spelled_config(config: LabConfig) -> LabConfig:
    """``config`` with a generated preset's size and noise written out, as the controls spell
    them (N 50 rather than None). A session saved by the headless trace leaves them out; if the
    window kept that spelling, its first edit would look like new data and restart the run."""
    info = PRESET_INFO.get(config.preset)
    if info is None or info.default_n is None:
        return config
    return config.replace(
        n_points=config.n_points if config.n_points is not None else info.default_n,
        noise=config.noise if config.noise is not None else info.default_noise)


def write_history_csv(path: str | os.PathLike[str], history: HistoryChunk) -> None:
    """step, loss, grad_w, grad_b, w, b: one row per step, full float precision; loss and
    gradient before the step, w and b after it (as in the headless trace)."""
    columns = np.column_stack([np.asarray(getattr(history, name), dtype=np.float64)
                               for name in HISTORY_FIELDS]) if len(history) else \
        np.zeros((0, len(HISTORY_FIELDS)))
    formats = ["%d"] + ["%.17g"] * (len(HISTORY_FIELDS) - 1)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("# gradlab history: loss and gradient before each step, w and b after it\n")
        np.savetxt(f, columns, fmt=formats, delimiter=",", header=",".join(HISTORY_FIELDS),
                   comments="")
