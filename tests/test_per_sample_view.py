"""The per-sample tab's numbers (views.per_sample, built in the worker): the article's seed rows,
a batch too big for jacrev, and a typed v that no longer fits the batch."""

from __future__ import annotations

import numpy as np

from gradlab.core.config import LabConfig
from gradlab.core.data import Dataset, make_preset
from gradlab.core.jacobian import JACREV_MAX
from gradlab.views.per_sample import JACOBIAN_ROWS, build_per_sample


def test_seed_rows_sums_means_and_vjp() -> None:
    pv = build_per_sample(make_preset("seed"), LabConfig(), 0.0, 0.0, np.arange(4), 10.0,
                          (1.0, 0.0, 0.0, 0.0))
    g = pv.grads
    # worked by hand: dlᵢ/dw = 2(0 − yᵢ)xᵢ, dlᵢ/db = 2(0 − yᵢ) with x = 1..4, y = 2x
    assert g["per_sample_grad_w"] == [-4.0, -16.0, -36.0, -64.0]
    assert g["per_sample_grad_b"] == [-4.0, -8.0, -12.0, -16.0]
    assert (g["sum_w"], g["sum_b"], g["autograd_sum_w"], g["autograd_sum_b"]) == \
        (-120.0, -40.0, -120.0, -40.0)
    assert (g["mean_w"], g["mean_b"], g["autograd_mean_w"], g["autograd_mean_b"]) == \
        (-30.0, -10.0, -30.0, -10.0)
    j = pv.jacobian
    assert j["J"] == [[-4.0, -4.0], [-16.0, -8.0], [-36.0, -12.0], [-64.0, -16.0]]
    assert j["vTJ"] == [-4.0, -4.0] and (j["backward_grad_w"], j["backward_grad_b"]) == (-4, -4)
    assert pv.v_full == (1.0, 0.0, 0.0, 0.0) and not pv.v_reset


def test_a_big_batch_takes_js_rows_from_vmap_and_lists_a_few() -> None:
    n = JACREV_MAX + 500
    rng = np.random.default_rng(3)
    ds = Dataset(rng.normal(size=n), rng.normal(size=n))
    cfg = LabConfig(preset="csv", reduction="sum")
    pv = build_per_sample(ds, cfg, 0.5, -0.2, np.arange(n), 1.0, "sum")
    x, y = ds.x, ds.y
    r = 2 * (0.5 * x - 0.2 - y)  # dl/dŷ, by hand
    np.testing.assert_allclose(pv.jacobian["vTJ"], [(r * x).sum(), r.sum()], rtol=1e-9)
    assert pv.jacobian["agrees"] and pv.rows == n and len(pv.jacobian["J"]) == JACOBIAN_ROWS
    assert pv.v_full == ()  # too many rows to type v entry by entry
    norms = np.asarray(pv.grads["norm"])
    assert pv.grads["sorted_by_norm"] and (np.diff(norms) <= 0).all()
    assert norms[0] == np.hypot(r * x, r).max()


def test_a_typed_v_that_no_longer_fits_falls_back_to_the_mean() -> None:
    pv = build_per_sample(make_preset("seed"), LabConfig(), 0.0, 0.0, np.arange(4), 10.0,
                          (1.0, 2.0))
    assert pv.v_reset and pv.jacobian["v"] == [0.25] * 4 and pv.jacobian["vTJ"] == [-30, -10]


def test_none_has_no_clipping_but_still_the_rows() -> None:
    pv = build_per_sample(make_preset("seed"), LabConfig(reduction="none"), 0.0, 0.0,
                          np.arange(4), 10.0, "mean")
    assert pv.clip is None
    assert "grad can be implicitly created only for scalar outputs" in pv.grads["error"]
    assert pv.grads["sum_w"] == -120.0
