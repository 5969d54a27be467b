"""What the window shows of the learning-rate limit: the core's ``Stability`` and the prediction
for the lr in force, built in the worker (Qt-free, frozen: it crosses threads and processes)."""

from __future__ import annotations

from dataclasses import dataclass

from gradlab.core.config import LabConfig
from gradlab.core.data import Dataset
from gradlab.core.messages import QT_TRANSLATE_NOOP, Message
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


def diverged_predicted(step: int, reason: str, lr: float, predicted: Message) -> Message:
    """A divergence the limit foretold: the usual message (where, why, what to do) and the
    prediction that came before it."""
    from gradlab.views.messages import diverged_at

    return Message(QT_TRANSLATE_NOOP("messages", "{diverged} — as predicted: {prediction}"),
                   diverged=diverged_at(step, reason, lr), prediction=predicted)
