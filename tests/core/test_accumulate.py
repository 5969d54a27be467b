"""Gradient accumulation against the issue's worked numbers and an independent numpy derivation."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gradlab.core.accumulate import AccumulatingTrainer
from gradlab.core.config import ConfigError, LabConfig
from gradlab.core.data import Dataset, make_preset
from gradlab.core.splitting import SplitSettings, even_sizes
from gradlab.core.trainer import NoReductionError, Trainer

SEED = Dataset(np.array([1.0, 2.0, 3.0, 4.0]), np.array([2.0, 4.0, 6.0, 8.0]), "seed")


def first(config: LabConfig | None = None, **split):
    return AccumulatingTrainer(config or LabConfig(), SEED, SplitSettings(**split)).step_split()


# ---- the table (independent derivations, written as literals) ------------------------

@pytest.mark.parametrize("split, grad, matches, factor", [
    (dict(micro_sizes=(2, 2), accum_scale="1/K"), (-30.0, -10.0), True, 1.0),
    (dict(micro_sizes=(2, 2), accum_scale="none"), (-60.0, -20.0), False, 2.0),
    (dict(micro_sizes=(1, 3), accum_scale="1/K"), (-64 / 3, -8.0), False, None),
    (dict(micro_sizes=(1, 3), accum_scale="n/N"), (-30.0, -10.0), True, 1.0),
    (dict(micro_batches=2, accum_scale="1/K"), (-30.0, -10.0), True, 1.0),
])
def test_table(split, grad, matches, factor):
    s = first(**split)
    assert (s.record.grad_w, s.record.grad_b) == pytest.approx(grad, rel=1e-12)
    assert (s.comparison.full_grad_w, s.comparison.full_grad_b) == (-30.0, -10.0)
    assert s.comparison.matches is matches
    if factor is None:
        assert np.isnan(s.comparison.factor)
    else:
        assert s.comparison.factor == pytest.approx(factor)
    assert (s.comparison.reason == "") is matches


def test_reasons_name_the_cause_with_the_live_numbers():
    times_k = first(micro_sizes=(2, 2), accum_scale="none").comparison.reason
    assert times_k.startswith("×K") and "K = 2" in times_k and "(-60, -20)" in times_k
    assert "(-30, -10)" in times_k
    unequal = first(micro_sizes=(1, 3)).comparison.reason
    assert unequal.startswith("unequal sizes") and "1, 3" in unequal
    assert "(-21.3333, -8)" in unequal and "(-30, -10)" in unequal


def test_micro_batches_are_the_real_grad_differences():
    s = first(micro_sizes=(1, 3), accum_scale="1/K")
    a, b = s.micro_batches
    assert a.batch.tolist() == [0] and b.batch.tolist() == [1, 2, 3]
    # sample 0: loss 4, dL/dw = 2(0-2)·1 = -4, halved by 1/K; samples 1..3: mean 116/3
    assert (a.loss, a.scale, a.scaled_loss) == (4.0, 0.5, 2.0)
    assert (a.grad_w, a.grad_b) == (-2.0, -2.0)
    assert b.loss == pytest.approx(116 / 3)
    assert (b.grad_w, b.grad_b) == pytest.approx((-58 / 3, -6.0))
    assert (b.total_w, b.total_b) == pytest.approx((-64 / 3, -8.0))
    assert s.to_json_dict()["micro_batches"][0] == {"batch": [0], "loss": 2.0, "grad_w": -2.0,
                                                    "grad_b": -2.0}


def test_forgetting_zero_grad_carries_the_previous_grad():
    t = AccumulatingTrainer(LabConfig(), SEED, SplitSettings(micro_batches=2,
                                                             forget_zero_grad=True))
    one = t.step_split()
    assert one.comparison.matches and (one.carried_w, one.carried_b) == (0.0, 0.0)
    two = t.step_split()
    # after (w, b) = (0.3, 0.1): residuals 0.3x + 0.1 - 2x = -1.7x + 0.1 -> grad (-25, -8.3)
    assert (two.carried_w, two.carried_b) == (-30.0, -10.0)
    assert two.comparison.full_grad_w == pytest.approx(-25.0)
    assert two.comparison.full_grad_b == pytest.approx(-8.3)
    assert (two.record.grad_w, two.record.grad_b) == pytest.approx((-55.0, -18.3))
    assert not two.comparison.matches
    assert two.comparison.reason.startswith("zero_grad() was forgotten")
    assert t.preview().grad_w == pytest.approx(t.preview().grad_w)  # preview keeps the carry
    assert t.carried_grad() == pytest.approx((-55.0, -18.3))


def test_plain_step_run_and_step_split_agree_and_follow_the_trainers_batches():
    cfg = LabConfig(preset="noisy-line", batch_size=7, optimizer="adam", lr=0.05)
    data = make_preset("noisy-line", 31, 0.5, 0)
    split = SplitSettings(micro_batches=3)
    a, b, plain = (AccumulatingTrainer(cfg, data, split), AccumulatingTrainer(cfg, data, split),
                   Trainer(cfg, data))
    for _ in range(9):
        s, p = a.step_split(), plain.step()
        assert s.record.batch.tolist() == p.batch.tolist()
        assert s.comparison.matches is (len(set(s.sizes)) == 1)
    b.run(9)
    assert a.params == b.params


def test_sgd_with_equal_micro_batches_tracks_the_plain_trainer():
    cfg = LabConfig(preset="noisy-line", batch_size=8, lr=0.05)
    data = make_preset("noisy-line", 32, 0.5, 3)
    acc = AccumulatingTrainer(cfg, data, SplitSettings(micro_batches=4))
    plain = Trainer(cfg, data)
    acc.run(12)
    plain.run(12)
    assert acc.params == pytest.approx(plain.params, rel=1e-12)


def test_accumulation_is_real_autograd_on_the_trainers_leaves():
    t = AccumulatingTrainer(LabConfig(), SEED, SplitSettings(micro_batches=2,
                                                             forget_zero_grad=True))
    t.step()
    assert isinstance(t.w.grad, torch.Tensor) and t.w.grad.item() == -30.0


@pytest.mark.parametrize("split, cfg, named", [
    (dict(micro_sizes=(1, 2)), LabConfig(), "micro_sizes"),
    (dict(micro_batches=5), LabConfig(), "micro_batches"),
    (dict(micro_sizes=(2, 1)), LabConfig(batch_size=3), "micro_sizes"),  # last batch has 1
])
def test_sizes_that_do_not_fit_are_refused(split, cfg, named):
    with pytest.raises(ConfigError) as info:
        AccumulatingTrainer(cfg, SEED, SplitSettings(**split))
    assert info.value.field == named


@pytest.mark.parametrize("kwargs, named", [
    (dict(micro_sizes=(2, 0)), "micro_sizes"), (dict(micro_sizes=(2, -1)), "micro_sizes"),
    (dict(micro_batches=0), "micro_batches"), (dict(accum_scale="1/2"), "accum_scale"),
    (dict(workers=5), "workers"), (dict(micro_batches=2, workers=2), "workers"),
    (dict(workers=2, shard_sizes=(1, 1, 2)), "shard_sizes"),
])
def test_bad_settings_name_the_setting(kwargs, named):
    with pytest.raises(ConfigError) as info:
        SplitSettings(**kwargs)
    assert info.value.field == named


def test_unreduced_loss_raises_pytorchs_error():
    with pytest.raises(NoReductionError):
        first(LabConfig(reduction="none"), micro_batches=2)


def test_settings_round_trip():
    s = SplitSettings(micro_sizes=(1, 3), accum_scale="n/N", forget_zero_grad=True)
    assert SplitSettings.from_dict(s.to_dict()) == s
    assert even_sizes(7, 3) == (3, 2, 2)


# ---- hypothesis: the theory and an independent numpy derivation --------------------------------

def _per_sample_grads(x, y, w, b, loss):
    r = w * x + b - y
    if loss == "mse":
        d = 2.0 * r
    elif loss == "mae":
        d = np.sign(r)
    else:  # huber, delta 1
        d = np.where(np.abs(r) <= 1.0, r, np.sign(r))
    return np.stack([d * x, d])  # (2, n)


def _weights(reduction, sizes, scale, v):
    """The per-sample weights of the accumulated gradient and of one backward (by hand)."""
    n, k = sum(sizes), len(sizes)
    full = {"mean": np.full(n, 1 / n), "sum": np.ones(n)}.get(reduction)
    if full is None:
        full = np.full(n, 1 / n) if v is None else v
    split, start = [], 0
    for m in sizes:
        inner = {"mean": np.full(m, 1 / m), "sum": np.ones(m)}.get(reduction)
        if inner is None:
            inner = np.full(m, 1 / m) if v is None else v[start:start + m]
        s = {"none": 1.0, "1/K": 1.0 / k, "n/N": m / n}[scale]
        split.append(s * inner)
        start += m
    return np.concatenate(split), full


@st.composite
def accumulation_cases(draw):
    n = draw(st.integers(2, 7))
    num = st.floats(-4, 4, allow_nan=False, allow_subnormal=False)
    x = np.array(draw(st.lists(num, min_size=n, max_size=n)))
    y = np.array(draw(st.lists(num, min_size=n, max_size=n)))
    cuts = sorted(draw(st.sets(st.integers(1, n - 1), max_size=n - 1)))
    sizes = tuple(np.diff([0, *cuts, n]).tolist())
    reduction = draw(st.sampled_from(["mean", "sum", "weighted"]))
    weights = None
    if reduction == "weighted" and draw(st.booleans()):
        weights = tuple(draw(st.lists(st.floats(0.1, 3), min_size=n, max_size=n)))
    return dict(x=x, y=y, sizes=sizes, reduction=reduction, weights=weights,
                loss=draw(st.sampled_from(["mse", "mae", "huber"])),
                scale=draw(st.sampled_from(["none", "1/K", "n/N"])),
                forget=draw(st.booleans()), steps=draw(st.integers(1, 2)),
                init=(draw(num), draw(num)))


@settings(max_examples=150, deadline=None)
@given(accumulation_cases())
def test_matches_exactly_when_the_theory_says_and_grad_equals_numpy(case):
    cfg = LabConfig(preset="csv", loss=case["loss"], reduction=case["reduction"],
                    weights=case["weights"], init_w=case["init"][0], init_b=case["init"][1],
                    lr=0.01)
    data = Dataset(case["x"], case["y"], "random")
    t = AccumulatingTrainer(cfg, data, SplitSettings(micro_sizes=case["sizes"],
                                                     accum_scale=case["scale"],
                                                     forget_zero_grad=case["forget"]))
    v = None if case["weights"] is None else np.array(case["weights"])
    eff, full = _weights(case["reduction"], case["sizes"], case["scale"], v)
    w, b = case["init"]
    carried = np.zeros(2)
    for _ in range(case["steps"]):
        g = _per_sample_grads(case["x"], case["y"], w, b, case["loss"])
        got = t.step_split()
        want = carried + g @ eff
        want_full = g @ full
        size = np.abs(g).sum() * max(eff.max(), full.max()) + np.abs(carried).sum()
        # Filter coincidences the theory does not speak about: a weight change that happens to
        # change nothing, or a full gradient that cancels to rounding noise.
        weights_equal = np.allclose(eff, full, rtol=1e-12, atol=0)
        theory = weights_equal and not carried.any()
        diff = np.linalg.norm(want - want_full)
        assume(theory or diff > 1e-6 * size)
        assume(np.linalg.norm(want_full) > 1e-6 * size)
        assert got.comparison.matches is theory
        assert np.allclose([got.record.grad_w, got.record.grad_b], want, rtol=1e-9,
                           atol=1e-12 * size)
        assert np.allclose([got.comparison.full_grad_w, got.comparison.full_grad_b], want_full,
                           rtol=1e-9, atol=1e-12 * size)
        start = 0
        for m, micro in zip(case["sizes"], got.micro_batches, strict=True):
            part = g[:, start:start + m] @ eff[start:start + m]
            assert np.allclose([micro.grad_w, micro.grad_b], part, rtol=1e-9, atol=1e-12 * size)
            start += m
        carried = want if case["forget"] else carried
        w, b = w - 0.01 * want[0], b - 0.01 * want[1]
