"""The line model's reduced losses (core/losses.py): the trainer calls PyTorch's own
``F.mse_loss(pred, y, reduction='mean')`` (and l1, huber; mean or sum) for its steps, and shows
the per-sample vector built from plain ops. Both must give the same loss and gradient, bit for
bit, or the lab would train on other numbers than it shows and exports."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from gradlab.core.losses import per_sample_loss, reduced_loss
from gradlab.core.trainer import reduce_and_backward


def _loss_and_grad(fused: bool, x: torch.Tensor, y: torch.Tensor, w0: float, b0: float,
                   loss: str, reduction: str) -> tuple[float, float, float]:
    w = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(b0, dtype=torch.float64, requires_grad=True)
    if fused:
        total = reduced_loss(w * x + b, y, loss, reduction)
        total.backward()
    else:
        total = reduce_and_backward(per_sample_loss(w * x + b, y, loss), reduction, None)
    return total.item(), w.grad.item(), b.grad.item()


@settings(max_examples=150, deadline=None)
@given(n=st.integers(1, 3000), scale=st.floats(-3, 3), w=st.floats(-50, 50),
       b=st.floats(-50, 50), seed=st.integers(0, 2**31),
       loss=st.sampled_from(["mse", "mae", "huber"]), reduction=st.sampled_from(["mean", "sum"]))
def test_pytorchs_reduced_loss_is_the_reduced_per_sample_loss_bit_for_bit(
        n, scale, w, b, seed, loss, reduction) -> None:
    rng = np.random.default_rng(seed)
    x = torch.from_numpy(rng.normal(size=n) * 10.0 ** scale)
    y = torch.from_numpy(rng.normal(size=n) * 10.0 ** -scale + 3.0 * x.numpy())
    assert _loss_and_grad(True, x, y, w, b, loss, reduction) == \
        _loss_and_grad(False, x, y, w, b, loss, reduction)


def test_the_article_example() -> None:
    """x = 1..4, y = 2x, w = b = 0 (the article's): residuals -2, -4, -6, -8, so the MSE is
    120 / 4 = 30 with gradient (2·(-60)/4, 2·(-20)/4) = (-30, -10); the MAE 20 / 4 = 5 with
    (-10/4, -4/4)."""
    x = torch.tensor([1.0, 2.0, 3.0, 4.0], dtype=torch.float64)
    assert _loss_and_grad(True, x, 2 * x, 0.0, 0.0, "mse", "mean") == (30.0, -30.0, -10.0)
    assert _loss_and_grad(True, x, 2 * x, 0.0, 0.0, "mse", "sum") == (120.0, -120.0, -40.0)
    assert _loss_and_grad(True, x, 2 * x, 0.0, 0.0, "mae", "mean") == (5.0, -2.5, -1.0)


def test_a_loss_the_line_does_not_have_is_refused() -> None:
    x = torch.zeros(2, dtype=torch.float64)
    with pytest.raises(KeyError):
        reduced_loss(x, x, "cross-entropy", "mean")
