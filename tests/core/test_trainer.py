"""The trainer against the seed article's numbers and against plain torch.optim loops (no Qt)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.optim.optimizer import register_optimizer_step_pre_hook

from gradlab.core.config import LabConfig
from gradlab.core.data import Dataset, make_preset
from gradlab.core.explain import contributions
from gradlab.core.trainer import NoReductionError, Trainer, bare_step, epoch_order

SEED = make_preset("seed")


def seed_step(**changes) -> Trainer:
    return Trainer(LabConfig(**changes), SEED)


def test_seed_example_every_number():
    """DESIGN.md's table, one row at a time."""
    r = seed_step().step()
    np.testing.assert_array_equal(r.batch, [0, 1, 2, 3])
    np.testing.assert_allclose(r.per_sample_loss, [4, 16, 36, 64])
    assert r.loss == pytest.approx(30)
    c = contributions(SEED.x, SEED.y, r.batch, 0.0, 0.0, "mse", "mean")
    np.testing.assert_allclose(c.dL_dpred, [-1, -2, -3, -4])
    assert (r.grad_w, r.grad_b) == pytest.approx((-30, -10))
    assert (r.w_after, r.b_after) == pytest.approx((0.3, 0.1))
    assert (r.w_before, r.b_before) == (0.0, 0.0)


def test_seed_example_sum():
    r = seed_step(reduction="sum").step()
    assert (r.loss, r.grad_w, r.grad_b) == pytest.approx((120, -120, -40))
    assert (r.w_after, r.b_after) == pytest.approx((1.2, 0.4))


def test_seed_example_none_raises_pytorchs_error():
    t = seed_step(reduction="none")
    with pytest.raises(NoReductionError) as info:
        t.step()
    assert "grad can be implicitly created only for scalar outputs" in info.value.torch_message
    assert "shape (4,)" in info.value.explanation
    assert t.params == (0.0, 0.0) and t.step_count == 0


@pytest.mark.parametrize("loss", ["mse", "mae", "huber"])
def test_sum_is_n_times_mean_and_weighted_matches(loss):
    data = make_preset("noisy-line", n=30)
    n = len(data)
    common = dict(preset="noisy-line", n_points=30, loss=loss, init_w=0.3, init_b=-0.2)
    mean = Trainer(LabConfig(**common), data).preview()
    total = Trainer(LabConfig(reduction="sum", **common), data).preview()
    assert total.loss == pytest.approx(n * mean.loss, rel=1e-12)
    assert total.grad_w == pytest.approx(n * mean.grad_w, rel=1e-12)
    assert total.grad_b == pytest.approx(n * mean.grad_b, rel=1e-12)
    for weights, ref in (((1.0 / n,) * n, mean), ((1.0,) * n, total), (None, mean)):
        w = Trainer(LabConfig(reduction="weighted", weights=weights, **common), data).preview()
        assert (w.loss, w.grad_w, w.grad_b) == pytest.approx((ref.loss, ref.grad_w, ref.grad_b),
                                                             rel=1e-12)


@pytest.mark.parametrize("reduction", ["mean", "sum", "weighted"])
@pytest.mark.parametrize("loss", ["mse", "mae", "huber"])
def test_contributions_sum_to_the_reduced_gradient(loss, reduction):
    data = make_preset("outlier")
    weights = tuple(np.linspace(0.0, 2.0, len(data)).tolist()) if reduction == "weighted" else None
    t = Trainer(LabConfig(preset="outlier", loss=loss, reduction=reduction, weights=weights,
                          batch_size=7, init_w=1.5, init_b=0.5), data)
    t.step()  # move off the start so the batch is a shuffled minibatch
    r = t.preview()
    w, b = t.params
    c = contributions(data.x, data.y, r.batch, w, b, loss, reduction, weights)
    assert c.total_w == pytest.approx(r.grad_w, rel=1e-9, abs=1e-12)
    assert c.total_b == pytest.approx(r.grad_b, rel=1e-9, abs=1e-12)


def _torch_loop(config: LabConfig, data: Dataset, steps: int) -> tuple[float, float]:
    """The reference: a plain torch.optim loop, written out without any gradlab code."""
    x = torch.tensor(data.x, dtype=torch.float64)
    y = torch.tensor(data.y, dtype=torch.float64)
    w = torch.tensor(config.init_w, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(config.init_b, dtype=torch.float64, requires_grad=True)
    if config.optimizer == "sgd":
        opt = torch.optim.SGD([w, b], lr=config.lr)
    elif config.optimizer == "momentum":
        opt = torch.optim.SGD([w, b], lr=config.lr, momentum=config.momentum)
    else:
        opt = torch.optim.Adam([w, b], lr=config.lr)
    n, bs = len(data), config.batch_size or len(data)
    epoch, pos = 0, 0
    for _ in range(steps):
        if bs == n:
            idx = np.arange(n)
        else:
            idx = np.random.default_rng([config.seed, epoch]).permutation(n)[pos:pos + bs]
            pos += idx.size
            if pos >= n:
                epoch, pos = epoch + 1, 0
        t = torch.from_numpy(idx)
        opt.zero_grad()
        loss = ((w * x[t] + b - y[t]) ** 2).mean()
        loss.backward()
        opt.step()
    return w.item(), b.item()


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("batch_size", [None, 8])
def test_each_optimizer_matches_a_plain_torch_loop(optimizer, batch_size):
    data = make_preset("noisy-line")
    cfg = LabConfig(preset="noisy-line", optimizer=optimizer, lr=0.05, batch_size=batch_size,
                    seed=4, init_w=-1.0, init_b=2.0)
    t = Trainer(cfg, data)
    for _ in range(20):
        t.step()
    assert t.params == _torch_loop(cfg, data, 20)  # bit for bit: the same ops in the same order


def test_run_equals_repeated_step():
    cfg = LabConfig(preset="noisy-line", optimizer="adam", batch_size=6, lr=0.05)
    data = make_preset("noisy-line")
    a, b = Trainer(cfg, data), Trainer(cfg, data)
    steps = [a.step() for _ in range(12)]
    last, chunk = b.run(12)
    assert a.params == b.params
    assert last is not None and last.step == 12
    np.testing.assert_array_equal(chunk.loss, [r.loss for r in steps])
    np.testing.assert_array_equal(chunk.w, [r.w_after for r in steps])


def test_minibatch_shuffle_is_deterministic_for_a_seed():
    data = make_preset("noisy-line", n=23)

    def batches(seed: int) -> list[list[int]]:
        t = Trainer(LabConfig(preset="noisy-line", n_points=23, batch_size=5, seed=seed), data)
        return [t.step().batch.tolist() for _ in range(10)]

    first = batches(3)
    assert first == batches(3)
    assert first != batches(4)
    # an epoch of 23 in batches of 5 is 5, 5, 5, 5, 3 (the partial last batch is kept) ...
    assert [len(b) for b in first[:6]] == [5, 5, 5, 5, 3, 5]
    # ... and covers every sample exactly once, in the documented order
    epoch0 = [i for b in first[:5] for i in b]
    assert epoch0 == epoch_order(3, 0, 23).tolist()
    assert sorted(epoch0) == list(range(23))


def test_divergence_is_detected_and_parameters_stay_finite():
    data = make_preset("unscaled")
    t = Trainer(LabConfig(preset="unscaled", lr=1e6), data)
    last, chunk = t.run(50)
    assert last is not None and last.diverged is not None
    assert last.step < 50
    assert all(np.isfinite(t.params))
    with pytest.raises(RuntimeError, match="diverged"):
        t.step()


def test_preview_changes_nothing():
    t = seed_step(optimizer="adam")
    t.step()
    state = t.state_dict()
    p = t.preview()
    assert not p.applied and p.step == 2
    assert t.state_dict() == state
    assert t.next_batch_indices().tolist() == [0, 1, 2, 3]


def test_none_with_one_sample_goes_through_as_pytorch_does() -> None:
    """backward() needs one element, not zero dimensions: a batch of one is accepted."""
    from gradlab.core.data import Dataset
    from gradlab.core.explain import reduction_demo

    ds = Dataset([3.0], [1.0])
    record = Trainer(LabConfig(preset="csv", reduction="none"), ds).step()
    assert (record.loss, record.grad_w, record.grad_b) == (1.0, -6.0, -2.0)  # l = (0·3 − 1)²
    outcome = reduction_demo(ds.x, ds.y, [0], 0.0, 0.0, "mse")["none"]
    assert outcome.error is None and outcome.grad_w == -6.0
    trainer = Trainer(LabConfig(reduction="none", batch_size=1), make_preset("seed"))
    assert trainer.step().batch_size == 1  # a minibatch of one, likewise


def test_bare_step_skips_only_the_profiler_wrapper_and_honours_hooks():
    """The trainer calls the optimizer's step under torch.optim's profiling wrapper (a third of
    a step's time); anyone who registers a step hook still gets the full ``step()``."""
    w = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([w], lr=0.1)
    step = bare_step(opt)
    assert step != opt.step  # the fast path is available in this torch
    calls = []
    w.grad = torch.tensor(0.5, dtype=torch.float64)
    step()
    handle = opt.register_step_post_hook(lambda *_: calls.append("local"))
    step()
    handle.remove()
    handle = register_optimizer_step_pre_hook(
        lambda *_: calls.append("global"))
    try:
        step()
    finally:
        handle.remove()
    step()
    assert calls == ["local", "global"]
    reference = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    ref_opt = torch.optim.Adam([reference], lr=0.1)
    for _ in range(4):
        reference.grad = torch.tensor(0.5, dtype=torch.float64)
        ref_opt.step()
    assert w.item() == reference.item()
