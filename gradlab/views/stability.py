"""What the window shows of the learning-rate limit: the core's ``Stability`` and the prediction
for the lr in force, built in the worker (Qt-free, frozen: it crosses threads and processes)."""

from __future__ import annotations

from dataclasses import dataclass

from gradlab.core.config import LabConfig
from gradlab.core.data import Dataset
from gradlab.core.messages import Message
from gradlab.core.stability import Stability, prediction, stability


@dataclass(frozen=True)
class StabilityNote:
    """The limit of the settings in force and, when lr is at or above it, what will happen."""

    stability: Stability
    lr: float
    prediction: Message | None
    n_samples: int

    @property
    def lr_limit(self) -> float | None:
        return self.stability.lr_limit


def stability_note(config: LabConfig, dataset: Dataset, epoch: int = 0) -> StabilityNote:
    """The note for ``config`` on ``dataset`` (with minibatches: over ``epoch``'s batches)."""
    s = stability(config, dataset, epoch)
    return StabilityNote(s, config.lr, prediction(s, config.lr), len(dataset))
