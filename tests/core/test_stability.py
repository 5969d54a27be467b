"""The stability limit against the issue's worked numbers, autograd's Hessian and real runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gradlab.core.batches import epoch_batches
from gradlab.core.config import LabConfig
from gradlab.core.data import Dataset, dataset_for
from gradlab.core.stability import (
    KIND_ADAM,
    KIND_HUBER,
    KIND_LIMIT,
    KIND_MAE,
    KIND_NO_MINIMUM,
    diverged_as_predicted,
    doubled,
    eigen_errors,
    prediction,
    stability,
)
from gradlab.core.trainer import Trainer

ROOT = Path(__file__).resolve().parents[2]
SEED = dataset_for(LabConfig())


# ---- the issue's worked numbers (derived independently, written here as literals) ---------------


def test_seed_data_under_mean_sum_and_momentum():
    s = stability(LabConfig(), SEED)
    assert s.hessian == ((15.0, 5.0), (5.0, 2.0))
    assert s.lambda_max == pytest.approx(16.7006, abs=1e-4)
    assert s.lr_limit == pytest.approx(0.119756, abs=1e-6)
    assert s.kind == KIND_LIMIT and not s.per_batch
    s = stability(LabConfig(reduction="sum"), SEED)
    assert s.hessian == ((60.0, 20.0), (20.0, 8.0))
    assert s.lambda_max == pytest.approx(66.8024, abs=1e-4)
    assert s.lr_limit == pytest.approx(0.0299390, abs=1e-7)
    s = stability(LabConfig(optimizer="momentum", momentum=0.9), SEED)
    assert s.lr_limit == pytest.approx(0.227537, abs=1e-6)


def test_the_prediction_message_of_the_issue():
    s = stability(LabConfig(reduction="sum", lr=0.05), SEED)
    assert prediction(s, 0.05) == "lr 0.05 > 2/λ_max = 0.0299 under sum: this run will diverge"
    assert prediction(stability(LabConfig(), SEED), 0.05) is None  # mean converges at 0.05
    said = diverged_as_predicted(s, 0.05, 7, "loss became inf")
    assert said.startswith("diverged at step 7: loss became inf, as predicted (lr 0.05 >")
    momentum = stability(LabConfig(optimizer="momentum"), SEED)
    assert prediction(momentum, 0.3) == ("lr 0.3 > 2(1+μ)/λ_max = 0.228 under mean with "
                                         "momentum 0.9: this run will diverge")
    mean = stability(LabConfig(), SEED)  # more digits when 3 would read as the lr itself
    assert prediction(mean, 0.12) == "lr 0.12 > 2/λ_max = 0.1198 under mean: this run will diverge"


def test_messages_keep_their_templates_for_translation():
    s = stability(LabConfig(reduction="sum"), SEED)
    message = prediction(s, 0.05)
    assert message.template.startswith("lr {lr} > {formula}")
    assert s.explanation.translated(lambda _c, t: t) == s.explanation


def test_twice_the_data_halves_sums_limit_and_keeps_means():
    for reduction, factor in (("sum", 0.5), ("mean", 1.0)):
        cfg = LabConfig(reduction=reduction)
        cfg2, data2 = doubled(cfg, SEED)
        assert len(data2) == 8 and data2.x.tolist() == [1, 1, 2, 2, 3, 3, 4, 4]
        assert stability(cfg2, data2).lr_limit == pytest.approx(
            factor * stability(cfg, SEED).lr_limit, rel=1e-12)
    cfg = LabConfig(reduction="weighted", weights=(1.0, 2.0, 3.0, 4.0), batch_size=2)
    cfg2, data2 = doubled(cfg, SEED)
    assert cfg2.weights == (1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0) and cfg2.batch_size == 2


def test_kinds_without_a_fixed_limit_say_why():
    mae = stability(LabConfig(loss="mae"), SEED)
    assert mae.kind == KIND_MAE and mae.lr_limit is None and "lr·x" in mae.explanation
    adam = stability(LabConfig(optimizer="adam"), SEED)
    assert adam.kind == KIND_ADAM and adam.lr_limit is None
    assert "scales each step itself" in adam.explanation
    huber = stability(LabConfig(loss="huber"), SEED)  # ½r² there: half MSE's curvature
    assert huber.kind == KIND_HUBER and huber.hessian == ((7.5, 2.5), (2.5, 1.0))
    assert "quadratic region" in huber.explanation
    assert "Huber's quadratic region" in prediction(huber, 1)
    xt = torch.tensor(SEED.x)  # at w = 2, b = 0 every error is 0: inside the quadratic region
    autograd = torch.autograd.functional.hessian(lambda p: torch.nn.functional.huber_loss(
        p[0] * xt + p[1], torch.tensor(SEED.y)), torch.tensor([2.0, 0.0], dtype=torch.float64))
    np.testing.assert_allclose(autograd.numpy(), np.array(huber.hessian), rtol=1e-12)
    neg = stability(LabConfig(reduction="weighted", weights=(1.0, -5.0, 1.0, 1.0)), SEED)
    assert neg.kind == KIND_NO_MINIMUM and neg.lr_limit is None and neg.minimum is None


def test_minibatch_limits_cover_the_trainers_batches():
    cfg = LabConfig(preset="noisy-line", batch_size=7, reduction="sum", seed=4)
    data = dataset_for(cfg)
    s = stability(cfg, data, epoch=1)
    trainer = Trainer(cfg, data)
    trainer.run(8)  # epoch 0: 7 batches of 7 and one of 1
    seen = []
    for _ in range(8):
        index = trainer.next_batch_indices()
        seen.append(index)
        trainer.step()
    assert [b.tolist() for b in seen] == [b.tolist() for b in epoch_batches(4, 1, 50, 7)]
    lams = [np.linalg.eigvalsh(autograd_hessian(data.x[i], data.y[i], "sum", None))[-1]
            for i in seen]
    assert s.batches == 8 and s.per_batch
    assert s.lambda_max_range == pytest.approx((min(lams), max(lams)), rel=1e-12)
    assert s.lr_limit == pytest.approx(2 / max(lams), rel=1e-12)
    assert s.lr_limit_range == pytest.approx((2 / max(lams), 2 / min(lams)), rel=1e-12)
    assert "per batch" in s.explanation
    assert "steepest of the epoch's 8 batches" in prediction(s, 1.05 * s.lr_limit)


def test_data_beyond_float64_give_strict_json():
    huge = Dataset(np.array([1e200, 2e200]), np.array([0.0, 1.0]))
    s = stability(LabConfig(preset="csv"), huge)
    assert s.kind == "too_large" and s.lr_limit is None
    json.dumps(s.to_json_dict(), allow_nan=False)


def test_eigen_errors_shrink_by_one_minus_lr_lambda_each_step():
    cfg = LabConfig(lr=0.12)  # just above 0.119756: the fast direction flips and grows
    s = stability(cfg, SEED)
    t = Trainer(cfg, SEED)
    _, chunk = t.run(30)
    e = eigen_errors(s, np.r_[0.0, chunk.w], np.r_[0.0, chunk.b])
    assert e.shape == (31, 2)
    np.testing.assert_allclose(e[1:, 0] / e[:-1, 0], 1 - 0.12 * s.lambda_min, rtol=1e-7)
    np.testing.assert_allclose(e[1:, 1] / e[:-1, 1], 1 - 0.12 * s.lambda_max, rtol=1e-7)
    assert abs(e[-1, 1]) > abs(e[0, 1])
    with pytest.raises(ValueError):
        eigen_errors(stability(LabConfig(loss="mae"), SEED), [0.0], [0.0])


def test_stability_imports_no_torch():
    probe = "import sys, gradlab.core.stability; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT,
                         timeout=60)
    assert out.stdout.strip() == "False", out.stderr


# ---- against autograd and real runs (hypothesis) ------------------------------------------------


def autograd_hessian(x: np.ndarray, y: np.ndarray, reduction: str,
                     v: np.ndarray | None) -> np.ndarray:
    """The Hessian autograd computes for the reduced MSE loss: a separate derivation."""
    xt, yt = torch.tensor(x, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)

    def reduced(p: torch.Tensor) -> torch.Tensor:
        per = (p[0] * xt + p[1] - yt) ** 2
        if reduction == "mean":
            return per.mean()
        if reduction == "sum":
            return per.sum()
        return (torch.tensor(v, dtype=torch.float64) * per).sum()

    p0 = torch.tensor([0.3, -0.7], dtype=torch.float64)
    return torch.autograd.functional.hessian(reduced, p0).numpy()


values = st.floats(-10, 10, allow_nan=False, allow_subnormal=False)


@st.composite
def problems(draw, positive: bool = False):
    n = draw(st.integers(1, 12))
    x = np.array(draw(st.lists(values, min_size=n, max_size=n)))
    y = np.array(draw(st.lists(values, min_size=n, max_size=n)))
    low = 0.1 if positive else -3.0
    v = np.array(draw(st.lists(st.floats(low, 3.0), min_size=n, max_size=n)))
    return x, y, v


@settings(max_examples=40, deadline=None)
@given(problems(), st.sampled_from(["mean", "sum", "weighted"]))
def test_lambda_max_equals_eigvalsh_of_autogradss_hessian(problem, reduction):
    x, y, v = problem
    cfg = LabConfig(preset="csv", reduction=reduction,
                    weights=tuple(v.tolist()) if reduction == "weighted" else None)
    s = stability(cfg, Dataset(x, y))
    h = autograd_hessian(x, y, reduction, v)
    scale = np.abs(h).max() + 1e-300
    np.testing.assert_allclose(np.array(s.hessian), h, atol=1e-12 * scale)
    lam = np.linalg.eigvalsh(h)
    assert s.lambda_max == pytest.approx(lam[-1], rel=1e-9, abs=1e-9 * scale)
    assert s.lambda_min == pytest.approx(lam[0], rel=1e-9, abs=1e-9 * scale)


@settings(max_examples=15, deadline=None)
@given(problems(positive=True), st.integers(1, 12), st.integers(0, 3),
       st.sampled_from(["mean", "sum", "weighted"]))
def test_minibatch_range_is_over_autogradss_batch_hessians(problem, batch_size, epoch, reduction):
    x, y, v = problem
    assume(batch_size < x.size)
    cfg = LabConfig(preset="csv", reduction=reduction, batch_size=batch_size, seed=epoch,
                    weights=tuple(v.tolist()) if reduction == "weighted" else None)
    s = stability(cfg, Dataset(x, y), epoch=epoch)
    batches = epoch_batches(epoch, epoch, x.size, batch_size)
    lams = [np.linalg.eigvalsh(autograd_hessian(x[i], y[i], reduction, v[i]))[-1]
            for i in batches]
    assert s.batches == len(batches)
    top = max(lams)
    positive = [lam for lam in lams if lam > 0]
    if positive:
        assert s.lambda_max_range == pytest.approx((min(positive), top), rel=1e-9,
                                                   abs=1e-9 * top)


CASES = {"mean": {}, "sum": {"reduction": "sum"}, "weighted": {"reduction": "weighted"},
         "momentum": {"optimizer": "momentum"}}


@settings(max_examples=8, deadline=None)
@given(problems(positive=True), st.sampled_from(sorted(CASES)), st.floats(0.0, 0.95),
       st.floats(-5, 5), st.floats(-5, 5))
def test_just_below_the_limit_stays_bounded_and_just_above_grows(problem, case, mu, w0, b0):
    x, y, v = problem
    x = x / 3  # x in [-3.3, 3.3]
    data = Dataset(x, y)
    cfg = LabConfig(preset="csv", init_w=w0, init_b=b0, momentum=mu, **CASES[case])
    if case == "weighted":
        cfg = cfg.replace(weights=tuple(v.tolist()))
    s = stability(cfg, data)
    assume(s.kind == KIND_LIMIT)
    start = eigen_errors(s, [w0], [b0])[0]
    assume(abs(start[1]) > 1e-3)  # something to grow along the fast direction
    below = Trainer(cfg.replace(lr=0.98 * s.lr_limit), data)
    record, chunk = below.run(2000)
    assert record.diverged is None
    path = eigen_errors(s, chunk.w, chunk.b)
    assert np.abs(path).max() < 100 * np.abs(start).max()
    above = Trainer(cfg.replace(lr=1.05 * s.lr_limit), data)
    record, chunk = above.run(2000)
    fast = eigen_errors(s, [record.w_after], [record.b_after])[0, 1]
    assert record.diverged is not None or abs(fast) > 1e6 * abs(start[1])
