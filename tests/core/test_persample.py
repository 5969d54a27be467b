"""Per-sample gradients (torch.func), per-sample clipping and the Jacobian, against the worked
example and an independent numpy derivation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradlab.core.data import make_preset
from gradlab.core.jacobian import jacobian_vjp
from gradlab.core.persample import clip_per_sample, per_sample_grads, per_sample_rows
from gradlab.core.trainer import NoReductionError

X = np.array([1.0, 2.0, 3.0, 4.0])
Y = np.array([2.0, 4.0, 6.0, 8.0])
ALL = np.arange(4)


def numpy_rows(x: np.ndarray, y: np.ndarray, w: float, b: float, loss: str
               ) -> tuple[np.ndarray, np.ndarray]:
    """∂lᵢ/∂w and ∂lᵢ/∂b by hand: ∂lᵢ/∂ŷᵢ times (xᵢ, 1)."""
    r = w * x + b - y
    d = {"mse": 2.0 * r, "mae": np.sign(r), "huber": np.clip(r, -1.0, 1.0)}[loss]
    return d * x, d


def close(a: object, b: object) -> bool:
    return bool(np.allclose(a, b, rtol=1e-9, atol=1e-9))


# ---- the worked example --------------------------------------------------------------------


def test_seed_rows_sums_and_means():
    g = per_sample_grads(X, Y, ALL, 0.0, 0.0, "mse", "mean")
    assert g.grad_w.tolist() == [-4.0, -16.0, -36.0, -64.0]
    assert g.grad_b.tolist() == [-4.0, -8.0, -12.0, -16.0]
    assert (g.sum_w, g.sum_b) == (-120.0, -40.0)
    assert (g.autograd_sum_w, g.autograd_sum_b) == (-120.0, -40.0)
    assert (g.mean_w, g.mean_b) == (-30.0, -10.0)
    assert (g.autograd_mean_w, g.autograd_mean_b) == (-30.0, -10.0)
    assert (g.reduced_w, g.reduced_b) == (-30.0, -10.0)
    assert (g.autograd_reduced_w, g.autograd_reduced_b) == (-30.0, -10.0)
    assert not g.sorted_by_norm and g.shown == 4 and g.index.tolist() == [0, 1, 2, 3]
    assert "in batch order" in g.note
    assert not g.grad_w.flags.writeable  # frozen: safe to hand to another thread


def test_seed_weighted_and_none():
    g = per_sample_grads(X, Y, ALL, 0.0, 0.0, "mse", "weighted", weights=[1.0, 0.0, 0.0, 0.0])
    assert (g.reduced_w, g.reduced_b) == (-4.0, -4.0)
    assert (g.autograd_reduced_w, g.autograd_reduced_b) == (-4.0, -4.0)
    none = per_sample_grads(X, Y, ALL, 0.0, 0.0, "mse", "none")
    assert none.grad_w.tolist() == [-4.0, -16.0, -36.0, -64.0]  # the rows exist without L
    assert none.reduced_w is None and none.autograd_reduced_w is None
    assert "grad can be implicitly created only for scalar outputs" in none.error


def test_seed_jacobian_and_vjp():
    jv = jacobian_vjp(X, Y, ALL, 0.0, 0.0, "mse", v=[1.0, 0.0, 0.0, 0.0])
    assert jv.jacobian.tolist() == [[-4.0, -4.0], [-16.0, -8.0], [-36.0, -12.0], [-64.0, -16.0]]
    assert jv.vjp.tolist() == [-4.0, -4.0]
    assert (jv.backward_grad_w, jv.backward_grad_b) == (-4.0, -4.0)
    assert jv.v_preset == "custom" and jv.agrees
    assert jacobian_vjp(X, Y, ALL, 0.0, 0.0, "mse", v="sum").vjp.tolist() == [-120.0, -40.0]
    mean = jacobian_vjp(X, Y, ALL, 0.0, 0.0, "mse", v="mean")
    assert mean.v.tolist() == [0.25] * 4 and mean.vjp.tolist() == [-30.0, -10.0]
    lab = jacobian_vjp(X, Y, ALL, 0.0, 0.0, "mse", v="weights", weights=[1.0, 0.0, 0.0, 0.0])
    assert lab.v.tolist() == [1.0, 0.0, 0.0, 0.0] and lab.vjp.tolist() == [-4.0, -4.0]
    default = jacobian_vjp(X, Y, ALL, 0.0, 0.0, "mse", v="weights")  # no weights: 1/B, as trained
    assert default.v.tolist() == [0.25] * 4


@pytest.mark.parametrize("v", [[1.0, 0.0], [1.0, float("nan"), 0.0, 0.0], "median"])
def test_jacobian_refuses_a_bad_v(v):
    with pytest.raises(ValueError):
        jacobian_vjp(X, Y, ALL, 0.0, 0.0, "mse", v=v)


# ---- random data: rows against numpy, reductions against autograd -------------------------

finite = st.floats(-20.0, 20.0, allow_nan=False, allow_infinity=False)


@st.composite
def batches(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = draw(st.integers(1, 12))
    x = np.array(draw(st.lists(finite, min_size=n, max_size=n)))
    y = np.array(draw(st.lists(finite, min_size=n, max_size=n)))
    size = draw(st.integers(1, n))
    index = np.array(draw(st.permutations(range(n)))[:size])
    return x, y, index


@settings(max_examples=60, deadline=None)
@given(batches(), finite, finite, st.sampled_from(["mse", "mae", "huber"]),
       st.sampled_from(["mean", "sum", "weighted"]), st.booleans())
def test_rows_equal_numpy_and_reduce_to_autograd(data, w, b, loss, reduction, use_weights):
    x, y, index = data
    weights = np.linspace(-1.0, 2.0, x.size) if use_weights else None
    g = per_sample_grads(x, y, index, w, b, loss, reduction, weights)
    want_w, want_b = numpy_rows(x[index], y[index], w, b, loss)
    assert close(g.grad_w, want_w) and close(g.grad_b, want_b)
    assert close(g.norm, np.hypot(want_w, want_b))
    assert close(g.sum_w, g.autograd_sum_w) and close(g.sum_b, g.autograd_sum_b)
    assert close(g.mean_w, g.autograd_mean_w) and close(g.mean_b, g.autograd_mean_b)
    assert close(g.reduced_w, g.autograd_reduced_w) and close(g.reduced_b, g.autograd_reduced_b)
    v = {"mean": np.full(index.size, 1.0 / index.size), "sum": np.ones(index.size),
         "weighted": np.full(index.size, 1.0 / index.size) if weights is None
         else weights[index]}[reduction]
    assert close(g.autograd_reduced_w, v @ want_w) and close(g.autograd_reduced_b, v @ want_b)
    rw, rb = per_sample_rows(x, y, index, w, b, loss)
    assert rw.tolist() == g.grad_w.tolist() and rb.tolist() == g.grad_b.tolist()


@settings(max_examples=40, deadline=None)
@given(batches(), finite, finite, st.sampled_from(["mse", "mae", "huber"]),
       st.lists(st.floats(-3.0, 3.0), min_size=12, max_size=12))
def test_vjp_is_backward_with_gradient_v(data, w, b, loss, raw_v):
    x, y, index = data
    v = np.array(raw_v[: index.size])
    jv = jacobian_vjp(x, y, index, w, b, loss, v=v)
    want_w, want_b = numpy_rows(x[index], y[index], w, b, loss)
    assert close(jv.jacobian, np.stack([want_w, want_b], axis=1))
    assert close(jv.vjp, [v @ want_w, v @ want_b])
    assert close(jv.vjp, [jv.backward_grad_w, jv.backward_grad_b]) and jv.agrees


# ---- large batches: the rows of largest norm, largest first --------------------------------


def test_large_batch_shows_the_largest_rows_first_and_says_so():
    data = make_preset("noisy-line", n=3000, seed=3)
    index = np.arange(3000)[::-1]
    g = per_sample_grads(data.x, data.y, index, 0.5, -1.0, "mse", "sum", row_limit=10)
    want_w, want_b = numpy_rows(data.x[index], data.y[index], 0.5, -1.0, "mse")
    norm = np.hypot(want_w, want_b)
    top = np.argsort(-norm, kind="stable")[:10]
    assert g.sorted_by_norm and g.shown == 10 and g.batch_size == 3000
    assert g.index.tolist() == index[top].tolist()
    assert np.all(np.diff(g.norm) <= 0)
    assert close(g.norm, norm[top]) and close(g.grad_w, want_w[top])
    assert close(g.sum_w, want_w.sum()) and close(g.sum_w, g.autograd_sum_w)  # all rows summed
    assert "10 samples with the largest gradient norm" in g.note and "3000" in g.note
    assert per_sample_grads(data.x, data.y, index, 0.5, -1.0, "mse", row_limit=None).shown == 3000


# ---- per-sample clipping against clipping the reduced gradient -----------------------------


def test_per_sample_clipping_on_the_outlier_preset():
    data = make_preset("outlier")
    n, outlier, C = len(data), 15, 10.0
    index = np.arange(n)
    w, b = 1.9, 1.0  # near the clean line y = 2x + 1: only the outlier's row is large
    c = clip_per_sample(data.x, data.y, index, w, b, "mse", "mean", C)

    gw, gb = numpy_rows(data.x, data.y, w, b, "mse")
    norm = np.hypot(gw, gb)
    scale = 1.0 / np.maximum(1.0, norm / C)
    assert norm[outlier] > C and np.all(np.delete(norm, outlier) <= C)
    assert close(c.norm, norm) and close(c.scale, scale)
    assert c.clipped.tolist() == [i == outlier for i in range(n)]
    # The outlier's share: its row cut to norm C, then weighted 1/B; the others untouched.
    assert close([c.share_w[outlier], c.share_b[outlier]],
                 np.array([gw[outlier], gb[outlier]]) * C / norm[outlier] / n)
    others = np.arange(n) != outlier
    assert close(c.share_w[others], gw[others] / n) and close(c.share_b[others], gb[others] / n)
    assert close(c.per_sample_w, (gw * scale).mean()) and close(c.per_sample_b, (gb * scale).mean())
    # Reduce, then clip: clip_grad_norm_ scales the mean gradient as a whole (PyTorch adds 1e-6).
    g = np.array([gw.mean(), gb.mean()])
    assert close([c.reduced_w, c.reduced_b], g) and close(c.reduced_norm, np.hypot(*g))
    factor = min(1.0, C / (np.hypot(*g) + 1e-6))
    assert factor < 1.0
    assert close([c.reduce_then_clip_w, c.reduce_then_clip_b], g * factor)
    assert close(c.reduced_scale, factor)
    # The outlier's fraction of the w gradient shrinks only under per-sample clipping.
    before = gw[outlier] / n / g[0]
    assert close(c.share_w[outlier] / c.per_sample_w, (gw[outlier] * scale[outlier] / n)
                 / (gw * scale).mean())
    assert c.share_w[outlier] / c.per_sample_w < before - 0.1
    assert close((gw[outlier] / n * factor) / c.reduce_then_clip_w, before)


def test_clipping_refuses_a_bad_norm_and_an_unreduced_loss():
    with pytest.raises(ValueError, match="clipping norm"):
        clip_per_sample(X, Y, ALL, 0.0, 0.0, "mse", "mean", 0.0)
    with pytest.raises(NoReductionError):
        clip_per_sample(X, Y, ALL, 0.0, 0.0, "mse", "none", 1.0)
    weighted = clip_per_sample(X, Y, ALL, 0.0, 0.0, "mse", "weighted", 1e9, [1.0, 0, 0, 0])
    assert (weighted.per_sample_w, weighted.per_sample_b) == (-4.0, -4.0)  # nothing clipped


def test_the_new_core_modules_import_no_qt():
    import json
    import subprocess
    import sys
    from pathlib import Path

    probe = ("import json, sys\n"
             "import gradlab.core.persample, gradlab.core.jacobian, gradlab.core.phases\n"
             "import gradlab.core.graphvalues\n"
             "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
             "('PySide6', 'shiboken6', 'pyqtgraph'))))\n")
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=root, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []


def test_clipping_caps_the_rows_but_sums_them_all():
    data = make_preset("noisy-line", n=500, seed=2)
    index = np.arange(500)
    full = clip_per_sample(data.x, data.y, index, 0.0, 0.0, "mae", "sum", 3.0)
    capped = clip_per_sample(data.x, data.y, index, 0.0, 0.0, "mae", "sum", 3.0, row_limit=5)
    top = np.argsort(-full.norm, kind="stable")[:5]
    assert capped.sorted_by_norm and not full.sorted_by_norm and capped.batch_size == 500
    assert capped.index.tolist() == top.tolist()
    assert capped.share_w.tolist() == full.share_w[top].tolist()
    assert (capped.per_sample_w, capped.per_sample_b) == (full.per_sample_w, full.per_sample_b)


def test_results_cross_a_process_pipe_and_are_read_only():
    import pickle

    from gradlab.core.config import LabConfig
    from gradlab.core.data import dataset_for
    from gradlab.core.graphvalues import valued_graph
    from gradlab.core.phases import step_phases
    from gradlab.core.trainer import Trainer

    config = LabConfig(reduction="none")
    results = [
        per_sample_grads(X, Y, ALL, 0.0, 0.0, "mse", "none"),
        clip_per_sample(X, Y, ALL, 0.0, 0.0, "mse", "mean", 1.0),
        jacobian_vjp(X, Y, ALL, 0.0, 0.0, "mse"),
        step_phases(Trainer(config, dataset_for(config))),
        step_phases(Trainer(LabConfig(), dataset_for(LabConfig()))),
        valued_graph(X, Y, 0.0, 0.0, "mse", "mean"),
    ]
    for result in results:
        again = pickle.loads(pickle.dumps(result))
        assert type(again) is type(result)
        for name, value in vars(result).items():
            if isinstance(value, np.ndarray):
                assert not value.flags.writeable, name
                assert np.array_equal(getattr(again, name), value)
