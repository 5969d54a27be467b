"""The bar panels' groups at large N (issue 15, Performance): the view is built from per-dataset
sums instead of passes over every sample, and every value stays what the sample-by-sample chain
rule gives."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from gradlab.core.config import LabConfig
from gradlab.core.data import Dataset, dataset_for
from gradlab.core.explain import contributions, losses
from gradlab.core.trainer import Trainer
from gradlab.views.panels import build_view, layout_for

N = 1000  # groups of 5 samples


def _config(loss: str, reduction: str, batch: int | None, n: int = N) -> LabConfig:
    weights = None
    if reduction == "weighted":
        weights = tuple((np.random.default_rng(3).uniform(0.1, 2.0, n) / n).tolist())
    return LabConfig(preset="noisy-line", n_points=n, noise=0.5, loss=loss, reduction=reduction,
                     weights=weights, batch_size=batch, lr=1e-5 if reduction == "sum" else 0.01)


def _reference(record, dataset: Dataset, config: LabConfig, group: int):
    """Sample by sample: every loss at (w, b) and every batch sample's share, summed by group."""
    n = len(dataset)
    per = losses(dataset.x, dataset.y, record.w_before, record.b_before, record.loss_name)
    c = contributions(dataset.x, dataset.y, record.batch, record.w_before, record.b_before,
                      record.loss_name, record.reduction, config.weights)
    cw, cb = np.zeros(n), np.zeros(n)
    np.add.at(cw, record.batch, c.grad_w)
    np.add.at(cb, record.batch, c.grad_b)
    starts = np.arange(0, n, group)
    return [np.add.reduceat(a, starts) for a in (per, cw, cb)], starts


@pytest.mark.parametrize("loss", ["mse", "mae", "huber"])
@pytest.mark.parametrize("reduction", ["mean", "sum", "weighted"])
@pytest.mark.parametrize("batch", [None, 64])
def test_groups_match_the_samples(loss: str, reduction: str, batch: int | None) -> None:
    config = _config(loss, reduction, batch)
    dataset = dataset_for(config)
    layout = layout_for(dataset)
    trainer = Trainer(config, dataset)
    for _ in range(3):
        record, _ = trainer.run(7)
        view = build_view(record, dataset, layout, config)
        (per, cw, cb), starts = _reference(record, dataset, config, layout.group_size)
        counts = np.diff(np.append(starts, N))
        np.testing.assert_allclose(view.bar_loss, per / counts, rtol=1e-9, atol=0)
        scale_w, scale_b = np.abs(cw).max(), np.abs(cb).max()
        np.testing.assert_allclose(view.contrib_w, cw, rtol=1e-9, atol=1e-12 * scale_w)
        np.testing.assert_allclose(view.contrib_b, cb, rtol=1e-9, atol=1e-12 * scale_b)
        # The shares add up to PyTorch's gradient.
        assert view.contrib_w.sum() == pytest.approx(record.grad_w, rel=1e-9, abs=1e-12)
        if batch is None:  # every sample in every batch: the next step's loss is loss_after
            following, _ = trainer.run(1)
            assert view.loss_after == pytest.approx(following.loss, rel=1e-12)


def test_a_perfect_fit_stays_exact() -> None:
    """y = 2x + 1 exactly, at (2, 1 + 1e-9): the closed-form sums cancel to rounding noise, so
    the groups are summed sample by sample and the tiny losses and shares keep their values."""
    x = np.linspace(-5, 5, N)
    dataset = Dataset(x, 2 * x + 1)
    config = LabConfig(init_w=2.0, init_b=1.0 + 1e-9, lr=1e-3)
    layout = layout_for(dataset)
    record, _ = Trainer(config, dataset).run(1)
    view = build_view(record, dataset, layout, config)
    r = 2 * x + (1 + 1e-9) - (2 * x + 1)  # the residuals, as float64 rounds them
    starts = layout.group_starts
    np.testing.assert_allclose(view.bar_loss, np.add.reduceat(r * r, starts) / 5, rtol=1e-6)
    np.testing.assert_allclose(view.contrib_b, np.add.reduceat(2 * r / N, starts), rtol=1e-6)
    assert view.loss_after == pytest.approx(float(np.mean(
        (2 * x + record.b_after - (2 * x + 1) + (record.w_after - 2) * x) ** 2)), rel=1e-6)
    assert 0 < view.loss_after < 1e-17


def _view_and_peak(record, dataset: Dataset, layout, config: LabConfig):  # noqa: ANN001, ANN202
    """The view of ``record`` and the peak of the memory traced while it was built: a pass over
    the samples (numpy's temporaries of N floats) shows there."""
    tracemalloc.start()
    try:
        view = build_view(record, dataset, layout, config)
        return view, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_full_batch_view_makes_no_pass_over_the_samples() -> None:
    """At N = 10^6 a view is wanted many times a second: the squared error's bars, shares and
    loss after the step come from the layout's sums (O(groups)), not from the samples. A pass
    over the samples (numpy's temporaries of N floats) shows in the memory traced meanwhile."""
    n = 200_000
    config = _config("mse", "mean", None, n)
    dataset = dataset_for(config)
    layout = layout_for(dataset)
    record, _ = Trainer(config, dataset).run(2)
    view, peak = _view_and_peak(record, dataset, layout, config)
    assert peak < n * 8 / 4  # less than a quarter of one array of N floats
    assert view.loss_after == pytest.approx(Trainer(config, dataset).run(3)[0].loss, rel=1e-12)


def test_at_the_least_squares_fit_the_view_still_makes_no_pass() -> None:
    """Where a run converges, Σ r and Σ r·x over all the data are zero (the gradient is), so the
    closed form of those sums always cancels. The loss after the step needs only Σ r², which the
    noisy data keep far from cancelling: measured at N = 10^6, views took 9–12 ms instead of
    1.5 ms once a run had converged, and the window's updates came four times less often."""
    n = 200_000
    base = _config("mse", "mean", None, n)
    dataset = dataset_for(base)
    w, b = np.linalg.lstsq(np.column_stack([dataset.x, np.ones(n)]), dataset.y, rcond=None)[0]
    config = base.replace(init_w=float(w), init_b=float(b))
    layout = layout_for(dataset)
    record, _ = Trainer(config, dataset).run(1)
    view, peak = _view_and_peak(record, dataset, layout, config)
    assert peak < n * 8 / 4
    r = record.w_after * dataset.x + record.b_after - dataset.y
    assert view.loss_after == pytest.approx(float(np.mean(r * r)), rel=1e-12)


@pytest.mark.parametrize("n", [201, 1003, 1200])
def test_uneven_groups(n: int) -> None:
    """The last group is shorter when N is not a multiple of the group size."""
    config = _config("mse", "mean", None, n)
    dataset = dataset_for(config)
    layout = layout_for(dataset)
    record, _ = Trainer(config, dataset).run(1)
    view = build_view(record, dataset, layout, config)
    (per, cw, _cb), starts = _reference(record, dataset, config, layout.group_size)
    np.testing.assert_allclose(view.bar_loss, per / np.diff(np.append(starts, n)), rtol=1e-9)
    np.testing.assert_allclose(view.contrib_w, cw, rtol=1e-9, atol=1e-12 * np.abs(cw).max())


@pytest.mark.parametrize("batch_size", [None, 100])
def test_a_grouped_view_needs_no_per_sample_losses_in_the_record(batch_size) -> None:
    """The run loop's records carry no per-sample vector when the bars are grouped
    (``Trainer.record_per_sample``): the view built from such a record is the view built from
    the full one, number for number, and the run's numbers do not change."""
    cfg = LabConfig(preset="noisy-line", n_points=5000, noise=0.5, lr=0.01,
                    batch_size=batch_size)
    data = dataset_for(cfg)
    layout = layout_for(data)
    assert layout.group_size > 1
    full, lean = Trainer(cfg, data), Trainer(cfg, data)
    lean.record_per_sample = False
    (a, ca), (b, cb) = full.run(7), lean.run(7)
    assert a.per_sample_loss.size == a.batch.size and b.per_sample_loss.size == 0
    assert np.array_equal(a.batch, b.batch)
    assert (a.loss, a.grad_w, a.grad_b, a.w_after, a.b_after) == \
        (b.loss, b.grad_w, b.grad_b, b.w_after, b.b_after)
    assert np.array_equal(ca.loss, cb.loss) and np.array_equal(ca.w, cb.w)
    va, vb = build_view(a, data, layout, cfg), build_view(b, data, layout, cfg)
    for name in ("bar_loss", "contrib_w", "contrib_b", "point_loss", "bar_in_batch"):
        assert np.array_equal(getattr(va, name), getattr(vb, name)), name
    assert va.reduced == vb.reduced and va.written == vb.written


def test_a_full_batch_record_shares_the_trainers_frozen_index() -> None:
    """The whole dataset's index is frozen once and shared by every record (it was an 8 MB
    copy per record at N = 10^6), and nobody can write to it."""
    cfg = LabConfig(preset="noisy-line", n_points=2000, noise=0.5)
    t = Trainer(cfg, dataset_for(cfg))
    a, _ = t.run(3)
    b, _ = t.run(3)
    assert a.batch is b.batch
    assert not a.batch.flags.writeable
    with pytest.raises(ValueError):
        a.batch[0] = 5
    np.testing.assert_array_equal(a.batch, np.arange(2000))
