"""Which samples each minibatch holds: the seeded shuffle the trainer, the stability limit and
the exported code share. numpy only (no torch), so the light modules can use it too."""

from __future__ import annotations

import numpy as np


def epoch_order(seed: int, epoch: int, n: int) -> np.ndarray:
    """The seeded shuffle of epoch ``epoch``: the same (seed, epoch) always gives the same order."""
    return np.random.default_rng([seed, epoch]).permutation(n)


def epoch_batches(seed: int, epoch: int, n: int, batch_size: int) -> list[np.ndarray]:
    """The index arrays of the batches of one epoch started from its beginning (the last one may
    be smaller), as ``Trainer`` draws them; a batch size of ``n`` or more is one batch of all."""
    if batch_size >= n:
        return [np.arange(n)]
    order = epoch_order(seed, epoch, n)
    return [order[k:k + batch_size] for k in range(0, n, batch_size)]
