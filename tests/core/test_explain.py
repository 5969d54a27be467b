"""Chain rule by hand vs autograd, the autograd graph and the reduction demo (no Qt)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradlab.core.config import LabConfig
from gradlab.core.data import make_preset
from gradlab.core.explain import (
    autograd_graph,
    chain_rule,
    contributions,
    format_chain_rule,
    reduction_demo,
)
from gradlab.core.trainer import Trainer

SEED = make_preset("seed")
ALL = np.arange(4)


def test_chain_rule_on_the_seed_example():
    cr = chain_rule(SEED.x, SEED.y, ALL, 0.0, 0.0, "mse", "mean", lr=0.01)
    np.testing.assert_array_equal(cr.pred, [0, 0, 0, 0])
    np.testing.assert_array_equal(cr.residual, [-2, -4, -6, -8])
    np.testing.assert_array_equal(cr.per_sample_loss, [4, 16, 36, 64])
    np.testing.assert_array_equal(cr.dL_dpred, [-1, -2, -3, -4])
    np.testing.assert_array_equal(cr.dpred_dw, SEED.x)
    np.testing.assert_array_equal(cr.dpred_db, [1, 1, 1, 1])
    np.testing.assert_array_equal(cr.prod_w, [-1, -4, -9, -16])
    assert (cr.loss, cr.grad_w, cr.grad_b) == (30.0, -30.0, -10.0)
    assert (cr.autograd_grad_w, cr.autograd_grad_b, cr.autograd_loss) == (-30.0, -10.0, 30.0)
    assert cr.agrees
    assert (cr.w_after, cr.b_after) == pytest.approx((0.3, 0.1))


def test_format_chain_rule_shows_numbers_and_the_sign_slip():
    text = format_chain_rule(chain_rule(SEED.x, SEED.y, ALL, 0.0, 0.0, "mse", "mean"))
    assert "-30" in text and "-10" in text and "agree within 1e-6" in text
    assert "−0.3" in text and "sign slip" in text and "= 0.3" in text
    other = format_chain_rule(chain_rule(SEED.x, SEED.y, ALL, 0.0, 0.0, "mse", "sum"))
    assert "sign slip" not in other and "-120" in other


def test_format_chain_rule_elides_long_batches():
    data = make_preset("noisy-line")
    text = format_chain_rule(chain_rule(data.x, data.y, np.arange(50), 0.5, 0.1, "huber", "mean"))
    assert "…  (42 more rows)" in text
    assert len(text.splitlines()) < 40


def test_chain_rule_none_reports_no_gradient_and_why():
    cr = chain_rule(SEED.x, SEED.y, ALL, 0.0, 0.0, "mse", "none")
    assert cr.grad_w is None and cr.autograd_grad_w is None and cr.w_after is None
    assert "grad can be implicitly created only for scalar outputs" in cr.error
    assert "scalar" in cr.explanation
    assert "RuntimeError" in format_chain_rule(cr)


def test_chain_rule_autograd_equals_the_trainer():
    data = make_preset("outlier")
    cfg = LabConfig(preset="outlier", loss="huber", reduction="weighted", batch_size=5,
                    weights=tuple(np.linspace(0, 1, 20).tolist()), init_w=0.7)
    t = Trainer(cfg, data)
    r = t.preview()
    cr = chain_rule(data.x, data.y, r.batch, *t.params, "huber", "weighted", cfg.weights, cfg.lr)
    assert (cr.autograd_grad_w, cr.autograd_grad_b, cr.autograd_loss) == (r.grad_w, r.grad_b,
                                                                         r.loss)


finite = st.floats(-50, 50, allow_nan=False, allow_infinity=False)


@settings(max_examples=50, deadline=None)
@given(
    data=st.integers(1, 12).flatmap(
        lambda n: st.tuples(st.lists(finite, min_size=n, max_size=n),
                            st.lists(finite, min_size=n, max_size=n),
                            st.lists(st.floats(-2, 2), min_size=n, max_size=n))
    ),
    w=finite, b=finite,
    loss=st.sampled_from(["mse", "mae", "huber"]),
    reduction=st.sampled_from(["mean", "sum", "weighted"]),
    use_weights=st.booleans(),
)
def test_hand_chain_rule_equals_autograd(data, w, b, loss, reduction, use_weights):
    x, y, v = (np.array(a) for a in data)
    weights = v if use_weights else None
    index = np.arange(x.size)[::-1]  # a batch in a different order than the data
    cr = chain_rule(x, y, index, w, b, loss, reduction, weights)
    assert cr.agrees, (cr.grad_w, cr.autograd_grad_w, cr.grad_b, cr.autograd_grad_b)
    assert cr.loss == pytest.approx(cr.autograd_loss, rel=1e-9, abs=1e-9)
    c = contributions(x, y, index, w, b, loss, reduction, weights)
    assert c.total_w == cr.grad_w and c.total_b == cr.grad_b


def _names(nodes):
    return [(n.name, n.shape) for n in nodes]


def test_autograd_graph_mean_vs_none():
    mean = autograd_graph(SEED.x, SEED.y, 0.0, 0.0, "mse", "mean")
    assert _names(mean) == [
        ("MeanBackward0", ()), ("PowBackward0", (4,)), ("SubBackward0", (4,)),
        ("AddBackward0", (4,)), ("MulBackward0", (4,)), ("AccumulateGrad", ()),
        ("AccumulateGrad", ()),
    ]
    assert {n.label for n in mean if n.name == "AccumulateGrad"} == {"w", "b"}
    by_id = {n.id: n for n in mean}
    add = next(n for n in mean if n.name == "AddBackward0")
    assert sorted(by_id[c].name for c in add.children) == ["AccumulateGrad", "MulBackward0"]
    none = autograd_graph(SEED.x, SEED.y, 0.0, 0.0, "mse", "none")
    assert none[0].name == "PowBackward0" and none[0].shape == (4,)
    assert "MeanBackward0" not in {n.name for n in none}
    weighted = autograd_graph(SEED.x, SEED.y, 0.0, 0.0, "mse", "weighted")
    assert weighted[0].shape == (4,)
    total = autograd_graph(SEED.x, SEED.y, 0.0, 0.0, "mae", "sum")
    assert [n.name for n in total[:2]] == ["SumBackward0", "AbsBackward0"]
    huber = autograd_graph(SEED.x, SEED.y, 0.0, 0.0, "huber", "mean")
    assert huber[1].name == "HuberLossBackward0"


def test_reduction_demo_seed_numbers():
    demo = reduction_demo(SEED.x, SEED.y, ALL, 0.0, 0.0, "mse", weights=np.array([1.0, 0, 0, 0]))
    assert list(demo) == ["none", "mean", "sum", "weighted"]
    assert "grad can be implicitly created only for scalar outputs" in demo["none"].error
    assert demo["none"].grad_w is None and "scalar" in demo["none"].explanation
    assert (demo["mean"].loss, demo["mean"].grad_w, demo["mean"].grad_b) == (30, -30, -10)
    assert (demo["sum"].loss, demo["sum"].grad_w, demo["sum"].grad_b) == (120, -120, -40)
    assert (demo["weighted"].loss, demo["weighted"].grad_w, demo["weighted"].grad_b) == (4, -4, -4)
    np.testing.assert_array_equal(demo["mean"].weight, [0.25] * 4)
    default = reduction_demo(SEED.x, SEED.y, ALL, 0.0, 0.0, "mse")
    assert default["weighted"].grad_w == default["mean"].grad_w


def test_equal_infinities_agree_and_nothing_else_does():
    from gradlab.core.explain import AGREE_TOL, agree

    assert agree(np.inf, np.inf) and agree(-np.inf, -np.inf)
    assert not agree(np.inf, -np.inf) and not agree(np.inf, 1e300) and not agree(1e300, np.inf)
    assert not agree(np.nan, np.nan) and not agree(np.nan, 1.0)
    assert agree(1.0, 1.0 + AGREE_TOL) and not agree(1.0, 1.0 + 3 * AGREE_TOL)
    # w = 1e155 on the seed data: every per-sample loss overflows to inf, by hand and in torch,
    # while the gradients stay finite. Hand and autograd give the same L: they agree.
    cr = chain_rule(SEED.x, SEED.y, ALL, 1e155, 0.0, "mse", "mean")
    assert cr.loss == cr.autograd_loss == np.inf
    assert agree(cr.loss, cr.autograd_loss) and cr.agrees
