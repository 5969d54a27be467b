"""The last batch of an epoch: when N is not a multiple of B, ``mean`` weighs its samples more.

``epoch_losses`` trains one epoch with the trainer (same shuffle, optimizer and reduction), with
or without ``drop_last``, and gives the epoch's loss three ways: the mean of the batch means (what
a loop that averages ``loss.item()`` prints), the sample-weighted mean (each batch mean times its
size, over the samples seen), and the full-data loss with the parameters at the epoch's end.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from gradlab.core.config import LabConfig
from gradlab.core.data import Dataset
from gradlab.core.messages import QT_TRANSLATE_NOOP, Message
from gradlab.core.trainer import DTYPE, Trainer, per_sample_loss


@dataclass(frozen=True, eq=False)
class LastBatch:
    """One epoch's batches and its loss three ways (all losses are per-sample means).

    ``weight_last`` is each last-batch sample's weight in its batch's mean (1/b_last) and
    ``weight_full`` a full batch sample's (1/B); ``dropped`` the dataset indices drop_last left
    out. ``notes`` name the differences between the three losses in one sentence each.
    """

    n: int
    batch_size: int
    drop_last: bool
    sizes: tuple[int, ...]
    last_size: int
    dropped: np.ndarray
    weight_last: float
    weight_full: float
    batch_losses: np.ndarray
    mean_of_means: float
    sample_weighted: float
    full_loss_end: float
    w_end: float
    b_end: float
    notes: tuple[str, ...]


def _g(x: float) -> str:
    return f"{x:.6g}"


def epoch_losses(config: LabConfig, dataset: Dataset, drop_last: bool = False) -> LastBatch:
    """Train the first epoch of ``config`` (from its initial parameters) and measure it."""
    trainer = Trainer(config, dataset)
    n = len(dataset)
    bs = config.effective_batch_size(n)
    count, rest = divmod(n, bs)
    last = rest or bs
    losses, sizes = [], []
    dropped = np.zeros(0, dtype=np.int64)
    for k in range(count + (rest > 0)):
        if drop_last and rest and k == count:
            dropped = trainer.next_batch_indices()
            break
        record = trainer.step()
        losses.append(float(record.per_sample_loss.mean()))
        sizes.append(record.batch_size)
        if record.diverged:
            break
    w, b = trainer.params
    with torch.no_grad():
        x, y = torch.tensor(dataset.x, dtype=DTYPE), torch.tensor(dataset.y, dtype=DTYPE)
        full = per_sample_loss(w * x + b, y, config.loss).mean().item()
    arr, size_arr = np.array(losses), np.array(sizes, dtype=np.float64)
    mean_of_means = float(arr.mean())
    weighted = float((arr * size_arr).sum() / size_arr.sum())
    notes = _notes(bs, last if not (drop_last and rest) else bs, sizes, dropped.size,
                   mean_of_means, weighted, full)
    dropped.flags.writeable = False
    arr.flags.writeable = False
    return LastBatch(n, bs, drop_last, tuple(sizes), last, dropped, 1.0 / last, 1.0 / bs, arr,
                     mean_of_means, weighted, full, w, b, notes)


def _notes(bs: int, last: int, sizes: list[int], dropped: int, mean_of_means: float,
           weighted: float, full: float) -> tuple[str, ...]:
    notes = []
    k, seen = len(sizes), sum(sizes)
    if last != bs:
        notes.append(Message(QT_TRANSLATE_NOOP(
            "messages", "The last batch has {b} samples: under mean each weighs 1/{b} in its "
            "batch's loss instead of 1/{B}, so the mean of the {k} batch means ({mm}) counts "
            "its samples {ratio}× as much as the sample-weighted mean over {seen} samples "
            "({sw})."), b=last, B=bs, k=k, mm=_g(mean_of_means), ratio=_g(bs / last),
            seen=seen, sw=_g(weighted)))
    else:
        notes.append(Message(QT_TRANSLATE_NOOP(
            "messages", "Every batch has {B} samples, so the mean of the batch means equals the "
            "sample-weighted mean ({sw})."), B=bs, sw=_g(weighted)))
    if dropped:
        notes.append(Message(QT_TRANSLATE_NOOP(
            "messages", "drop_last left out {d} samples this epoch: no step trained on them, yet "
            "the full-data loss includes them."), d=dropped))
    notes.append(Message(QT_TRANSLATE_NOOP(
        "messages", "The batch losses were each taken before their own step, with parameters "
        "that kept moving; the full-data loss ({full}) is taken once, with the parameters at the "
        "epoch's end, so it differs from the sample-weighted mean ({sw}) by {diff}."),
        full=_g(full), sw=_g(weighted), diff=_g(full - weighted)))
    return tuple(notes)
