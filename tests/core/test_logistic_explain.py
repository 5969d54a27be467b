"""The logistic model's teaching cores (issue 19): chain rule with ∂l/∂z = p − y, the real autograd
graph, the four reductions with mean's denominator, per-sample gradients and the landscape."""

from __future__ import annotations

import contextlib
import io
import json
import math

import numpy as np
import pytest
from hypothesis import given, settings

from gradlab.core.config import LabConfig
from gradlab.core.data import Dataset, make_preset
from gradlab.core.logistic_explain import (
    format_logistic_chain_rule,
    hand_terms,
    logistic_chain_rule,
    logistic_graph,
    logistic_loss_grid,
    logistic_per_sample_rows,
    logistic_reduction_demo,
)
from gradlab.core.trainer import Trainer
from tests.core.test_logistic import cases, numpy_loss_and_grad

X, Y = np.array([1.0, 2.0, 3.0, 4.0]), np.array([0.0, 0.0, 1.0, 1.0])


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread():
    """One intra-op thread, as the window's training process uses on two cores: the logistic
    losses run parallel kernels even for 40 samples, and on a shared, busy machine two OpenMP
    threads wait at every barrier (measured: 31 ms against 1.7 ms a step). Restored after."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
ALL = np.arange(4)


def cfg(**kw) -> LabConfig:
    return LabConfig(preset="csv", model="logistic", **kw)


def test_chain_rule_on_the_worked_example():
    lcr = logistic_chain_rule(X, Y, ALL, 0.0, 0.0, cfg(loss="bce"))
    cr = lcr.rule
    assert lcr.p.tolist() == [0.5] * 4
    assert cr.residual.tolist() == [0.5, 0.5, -0.5, -0.5]  # p − y
    assert cr.dl_dpred.tolist() == [0.5, 0.5, -0.5, -0.5]  # ∂l/∂z = p − y
    assert cr.weight.tolist() == [0.25] * 4 and lcr.denominator == 4
    assert (cr.grad_w, cr.grad_b) == (-0.5, 0.0) and cr.agrees
    weighted = logistic_chain_rule(X, Y, ALL, 0.0, 0.0, cfg(loss="cross-entropy",
                                                             class_weights=(1, 3)))
    assert weighted.denominator == 8 and weighted.rule.weight.tolist() == [0.125] * 4
    assert (weighted.rule.grad_w, weighted.rule.grad_b) == (-1.125, -0.25)
    text = format_logistic_chain_rule(weighted, cfg(loss="cross-entropy", class_weights=(1, 3)))
    assert "D = 8 = Σ of the class weights" in text and "agree within 1e-6" in text


@settings(max_examples=60, deadline=None)
@given(cases())
def test_chain_rule_by_hand_equals_autograd_and_numpy(case):
    x, y, loss, reduction, extra, v, w, b = case
    config = cfg(loss=loss, reduction=reduction, weights=v if reduction == "weighted" else None,
                 **extra)
    cr = logistic_chain_rule(x, y, np.arange(x.size), w, b, config).rule
    want = numpy_loss_and_grad(x, y, w, b, loss, reduction, v=v, **extra)
    if reduction == "mean" and want[3] == 0:
        assert math.isnan(cr.loss) and (cr.grad_w, cr.grad_b) == (0.0, 0.0)
        return
    assert cr.agrees
    assert math.isclose(cr.grad_w, want[1], rel_tol=1e-9, abs_tol=1e-9)
    assert math.isclose(cr.grad_b, want[2], rel_tol=1e-9, abs_tol=1e-9)
    assert math.isclose(cr.loss, want[0], rel_tol=1e-9, abs_tol=1e-9)


def test_the_graph_is_pytorchs_own_functions():
    bce = [n.name for n in logistic_graph(X, Y, ALL, 0.0, 0.0, cfg(loss="bce"))]
    assert bce[0] == "BinaryCrossEntropyWithLogitsBackward0"  # no MeanBackward0: inside
    assert {"AddBackward0", "MulBackward0", "AccumulateGrad"} <= set(bce)
    ce = logistic_graph(X, Y, ALL, 0.0, 0.0, cfg(loss="cross-entropy", ignore=(3,)))
    names = [n.name for n in ce]
    assert names[:3] == ["NllLossBackward0", "LogSoftmaxBackward0", "StackBackward0"]
    assert ce[0].shape == () and "reduction='mean'" in ce[0].label
    assert any(n.label == "z = w·x + b (logit)" for n in ce)
    none = logistic_graph(X, Y, ALL, 0.0, 0.0, cfg(loss="bce", reduction="none"))
    assert none[0].shape == (4,)


def test_the_four_reductions_with_the_denominator():
    config = cfg(loss="cross-entropy", class_weights=(1, 3), ignore=(0,), weights=(1, 2, 3, 4))
    out, denominator = logistic_reduction_demo(X, Y, ALL, 0.0, 0.0, config)
    assert denominator == 7  # 1 + 3 + 3: sample 0 is ignored
    assert out["none"].loss is None and "scalar outputs" in out["none"].error
    ln2 = math.log(2)
    assert out["mean"].loss == pytest.approx(7 * ln2 / 7)
    assert out["sum"].loss == pytest.approx(7 * ln2)
    assert out["weighted"].loss == pytest.approx((2 * 1 + 3 * 3 + 4 * 3) * ln2)
    assert out["mean"].per_sample_loss.tolist() == pytest.approx([0, ln2, 3 * ln2, 3 * ln2])
    for red in ("mean", "sum", "weighted"):  # what a real step computes
        rec = Trainer(config.replace(reduction=red), Dataset(X, Y)).preview()
        assert (out[red].loss, out[red].grad_w, out[red].grad_b) == (
            rec.loss, rec.grad_w, rec.grad_b)


def test_per_sample_gradients_are_dl_dz_times_x():
    data = make_preset("pass-fail")
    config = LabConfig(preset="pass-fail", model="logistic", loss="bce", pos_weight=2.0,
                       sample_weights=tuple(np.linspace(0.5, 2, 40)))
    index = np.array([3, 17, 30, 39])
    gw, gb = logistic_per_sample_rows(data.x, data.y, index, 0.3, -1.0, config)
    t = hand_terms(data.x, data.y, index, 0.3, -1.0, config)
    np.testing.assert_allclose(gb, t.dl_dz, rtol=1e-12)
    np.testing.assert_allclose(gw, t.dl_dz * data.x[index], rtol=1e-12)
    # mean over the batch of the rows is the step's gradient (BCE divides by B)
    batch = config.replace(batch_size=None)
    rec = Trainer(batch.replace(init_w=0.3, init_b=-1.0), data).preview()
    fw, fb = logistic_per_sample_rows(data.x, data.y, np.arange(40), 0.3, -1.0, batch)
    assert (fw.mean(), fb.mean()) == pytest.approx((rec.grad_w, rec.grad_b), rel=1e-12)


def test_the_landscape_is_the_full_batch_loss():
    data = make_preset("imbalanced")
    config = LabConfig(preset="imbalanced", model="logistic", loss="cross-entropy",
                       class_weights=(1.0, 9.0), ignore=(0, 5))
    grid = logistic_loss_grid(data.x, data.y, config, (-1.0, 2.0), (-8.0, 1.0), n=5)
    for i, j in ((0, 0), (2, 3), (4, 4)):
        w, b = grid.W[i, j], grid.B[i, j]
        rec = Trainer(config.replace(init_w=float(w), init_b=float(b)), data).preview()
        assert grid.L[i, j] == pytest.approx(rec.loss, rel=1e-12)
    empty = logistic_loss_grid(np.array([1.0]), np.array([1.0]),
                               cfg(loss="cross-entropy", ignore=(0,)), (0, 1), (0, 1), n=3)
    assert np.isnan(empty.L).all()


def test_explain_and_per_sample_grads_in_json():
    from gradlab import cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["--preset", "pass-fail", "--loss", "cross-entropy", "--ignore", "1,2",
                         "--explain", "--json"])
    assert code == 0, err.getvalue()
    doc = json.loads(out.getvalue())["explain"]
    assert doc["model"] == "logistic" and doc["denominator"] == 38 and doc["agrees"]
    assert doc["dl_dpred"][1] == 0.0 and doc["dl_dpred"][2] == 0.0  # the ignored samples
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli.main(["--preset", "pass-fail", "--per-sample-grads", "--batch-size", "4",
                         "--json"])
    rec = json.loads(out.getvalue())
    assert code == 0 and len(rec["per_sample_grad_w"]) == 4
    assert sum(rec["per_sample_grad_b"]) / 4 == pytest.approx(rec["grad_b"], rel=1e-12)


def test_the_panel_and_teaching_views_follow_the_model():
    from gradlab.views.panels import build_view, layout_for, loss_after
    from gradlab.views.teaching import LandscapeCache, build_teaching

    data = make_preset("imbalanced")
    config = LabConfig(preset="imbalanced", model="logistic", loss="cross-entropy",
                       class_weights=(1.0, 9.0), ignore=(2,), batch_size=8, lr=0.05)
    trainer = Trainer(config, data)
    trainer.run(3)
    rec = trainer.step()
    view = build_view(rec, data, layout_for(data), config)
    # each sample's share of the gradient (÷ the denominator) adds up to the step's gradient
    assert view.contrib_w.sum() == pytest.approx(rec.grad_w, rel=1e-9, abs=1e-12)
    assert view.contrib_b.sum() == pytest.approx(rec.grad_b, rel=1e-9, abs=1e-12)
    assert view.bar_loss[rec.batch].tolist() == rec.per_sample_loss.tolist()
    assert view.bar_loss[2] == 0.0  # ignored: no loss
    xb, yb = data.x[rec.batch], data.y[rec.batch]
    ignored_here = tuple(k for k, i in enumerate(rec.batch.tolist()) if i == 2)
    want = numpy_loss_and_grad(xb, yb, rec.w_after, rec.b_after, "cross-entropy", "mean",
                               class_weights=(1.0, 9.0), ignore=ignored_here)[0]
    assert loss_after(rec, data, None, config) == pytest.approx(want, rel=1e-12)
    assert math.isnan(loss_after(rec, data))  # the logistic model needs its config
    tv = build_teaching(1, rec.step, data, config, rec.w_before, rec.b_before, rec.batch,
                        frozenset({"chain_rule", "reduction", "graph", "landscape"}),
                        LandscapeCache())
    assert tv.denominator == rec.denominator
    assert "class weights" in tv.denominator_text
    assert (tv.chain_rule.grad_w, tv.chain_rule.grad_b) == pytest.approx(
        (rec.grad_w, rec.grad_b), rel=1e-9)
    assert tv.graph[0].name == "NllLossBackward0"
    assert tv.reductions["mean"].loss == rec.loss
    assert tv.landscape is not None and np.isfinite(tv.landscape.L).all()
