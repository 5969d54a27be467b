"""The last batch of an epoch, against an independent numpy epoch."""

from __future__ import annotations

import numpy as np
import pytest

from gradlab.core.config import LabConfig
from gradlab.core.data import Dataset
from gradlab.core.lastbatch import epoch_losses

X = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
Y = np.array([2.0, 4.0, 6.0, 8.0, 10.0])
DATA = Dataset(X, Y, "five")


def numpy_epoch(order, bs, lr, drop_last):
    """SGD on MSE with mean reduction over the given order, by hand."""
    w = b = 0.0
    losses, sizes = [], []
    for start in range(0, len(order), bs):
        idx = order[start:start + bs]
        if drop_last and len(idx) < bs:
            break
        r = w * X[idx] + b - Y[idx]
        losses.append(np.mean(r ** 2))
        sizes.append(len(idx))
        w, b = w - lr * np.mean(2 * r * X[idx]), b - lr * np.mean(2 * r)
    full = np.mean((w * X + b - Y) ** 2)
    return np.array(losses), np.array(sizes), full, (w, b)


@pytest.mark.parametrize("drop_last", [False, True])
def test_three_losses_against_numpy(drop_last):
    cfg = LabConfig(preset="csv", batch_size=2, lr=0.01, seed=3)
    got = epoch_losses(cfg, DATA, drop_last=drop_last)
    order = np.random.default_rng([3, 0]).permutation(5)  # the lab's documented shuffle
    losses, sizes, full, (w, b) = numpy_epoch(order, 2, 0.01, drop_last)
    assert got.sizes == tuple(sizes.tolist()) == ((2, 2) if drop_last else (2, 2, 1))
    assert got.last_size == 1 and got.weight_last == 1.0 and got.weight_full == 0.5
    assert np.allclose(got.batch_losses, losses, rtol=1e-12)
    assert got.mean_of_means == pytest.approx(losses.mean(), rel=1e-12)
    assert got.sample_weighted == pytest.approx((losses * sizes).sum() / sizes.sum(), rel=1e-12)
    assert got.full_loss_end == pytest.approx(full, rel=1e-12)
    assert (got.w_end, got.b_end) == pytest.approx((w, b), rel=1e-12)
    assert got.dropped.tolist() == ([int(order[4])] if drop_last else [])
    text = " ".join(got.notes)
    if drop_last:
        assert "drop_last left out 1 samples" in text
        assert got.mean_of_means == pytest.approx(got.sample_weighted, rel=1e-12)
    else:
        assert "The last batch has 1 samples" in text and "1/1" in text and "1/2" in text
        assert got.mean_of_means != pytest.approx(got.sample_weighted)
    assert "epoch's end" in text


def test_literal_weights_for_the_article_data():
    seed = Dataset(np.array([1.0, 2.0, 3.0, 4.0]), np.array([2.0, 4.0, 6.0, 8.0]), "seed")
    got = epoch_losses(LabConfig(batch_size=3), seed)
    # N = 4, B = 3: batches of 3 and 1; the lone sample weighs 1 instead of 1/3
    assert got.sizes == (3, 1) and got.weight_last == 1.0
    assert got.weight_full == pytest.approx(1 / 3)
    whole = epoch_losses(LabConfig(), seed)  # one batch of 4: the first step's loss is 30
    assert whole.sizes == (4,) and whole.batch_losses.tolist() == [30.0]
    assert whole.mean_of_means == whole.sample_weighted == 30.0
    # after one step w = 0.3, b = 0.1: residuals -1.7x + 0.1 = -1.6, -3.3, -5, -6.7 -> 83.34 / 4
    assert whole.full_loss_end == pytest.approx(20.835)
