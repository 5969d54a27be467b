"""The worker's side of sessions and history export (numpy only: no Qt, no torch).

The worker keeps the run's history itself (a ``HistoryBuffer``), so that a session it saves is one
consistent picture of *its* state: the parameters, the optimizer, the shuffle position and the
steps that led there, with nothing still in flight to the window.
"""

from __future__ import annotations

import os

import numpy as np

from gradlab.core.config import LabConfig
from gradlab.core.data import PRESET_INFO
from gradlab.core.records import HISTORY_FIELDS, HistoryChunk

#: Extension of session files.
SUFFIX = ".gradlab"


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
