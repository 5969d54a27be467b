"""The loss surface equals the trainer's full-batch loss at every grid point it is asked about."""

from __future__ import annotations

import numpy as np
import pytest

from gradlab.core import landscape
from gradlab.core.config import LabConfig
from gradlab.core.data import make_preset
from gradlab.core.landscape import default_range, least_squares, loss_grid
from gradlab.core.trainer import Trainer


@pytest.mark.parametrize("preset", ["seed", "unscaled", "outlier"])
@pytest.mark.parametrize("loss", ["mse", "mae", "huber"])
@pytest.mark.parametrize("reduction", ["mean", "sum", "weighted"])
def test_grid_value_equals_the_trainers_loss(preset, loss, reduction):
    data = make_preset(preset)
    weights = (tuple(np.linspace(0.5, 1.5, len(data)).tolist())
               if reduction == "weighted" and preset != "seed" else None)
    w_range, b_range = default_range(data.x, data.y, [(0.0, 0.0)])
    grid = loss_grid(data.x, data.y, loss, reduction, weights, w_range, b_range, n=9)
    W, B, L = grid  # unpacks like a tuple
    assert W.shape == B.shape == L.shape == (9, 9) and not grid.approximate
    for i, j in ((0, 0), (4, 6), (8, 3)):
        cfg = LabConfig(preset=preset, loss=loss, reduction=reduction, weights=weights,
                        init_w=float(W[i, j]), init_b=float(B[i, j]))
        expected = Trainer(cfg, data).preview().loss
        assert L[i, j] == pytest.approx(expected, rel=1e-10, abs=1e-12)


def test_seed_grid_through_the_article_point():
    data = make_preset("seed")
    W, B, L = loss_grid(data.x, data.y, "mse", "mean", None, (-2, 2), (-2, 2), n=5)
    assert (W[2, 2], B[2, 2], L[2, 2]) == (0.0, 0.0, 30.0)
    assert L.min() >= 0


def test_huge_mae_grid_is_subsampled_and_flagged(monkeypatch):
    monkeypatch.setattr(landscape, "MAX_EVALUATIONS", 20_000)
    data = make_preset("noisy-line", n=5000)
    grid = loss_grid(data.x, data.y, "mae", "mean", None, (1, 3), (0, 2), n=20)
    assert grid.approximate and grid.samples_used == 50
    exact = loss_grid(data.x, data.y, "mse", "mean", None, (1, 3), (0, 2), n=20)
    assert not exact.approximate and exact.samples_used == 5000
    again = loss_grid(data.x, data.y, "mae", "mean", None, (1, 3), (0, 2), n=20)
    np.testing.assert_array_equal(grid.L, again.L)  # deterministic
    full = np.abs(2.0 * data.x + 1.0 - data.y).mean()  # the true MAE near the optimum
    assert grid.L[10, 10] == pytest.approx(full, rel=0.5)


def test_default_range_contains_optimum_and_points():
    data = make_preset("unscaled")
    w_opt, b_opt = least_squares(data.x, data.y)
    (w0, w1), (b0, b1) = default_range(data.x, data.y, [(0.0, 0.0), (2.0, -10.0)])
    for w, b in ((w_opt, b_opt), (0.0, 0.0), (2.0, -10.0)):
        assert w0 < w < w1 and b0 < b < b1
    flat = default_range(np.ones(5), np.arange(5.0))
    assert flat[0][0] < 0 < flat[0][1]


def test_none_reduction_shows_the_mean_surface():
    data = make_preset("seed")
    a = loss_grid(data.x, data.y, "huber", "none", None, (-1, 1), (-1, 1), n=4)
    b = loss_grid(data.x, data.y, "huber", "mean", None, (-1, 1), (-1, 1), n=4)
    np.testing.assert_array_equal(a.L, b.L)
