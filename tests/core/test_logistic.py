"""The logistic model (issue 19): its loss and gradient against an independent numpy derivation
and against PyTorch's functions called directly; what mean divides by; all-ignored batches;
presets, 0/1 CSV labels, settings, sessions and exported code."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from gradlab.core.codegen import generate_script
from gradlab.core.config import ConfigError, LabConfig, needs_reset
from gradlab.core.data import (
    DataError,
    Dataset,
    is_separable,
    label_problem,
    make_preset,
    parse_csv,
)
from gradlab.core.session import SessionError, load_session, parse_session, save_session
from gradlab.core.trainer import Trainer

TABLE = Dataset(np.array([1.0, 2.0, 3.0, 4.0]), np.array([0.0, 0.0, 1.0, 1.0]))


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


# ---- an independent derivation ------------------------------------------------------------------


def numpy_loss_and_grad(x, y, w, b, loss, reduction, *, class_weights=None, ignore=(),
                        sample_weights=None, pos_weight=None, v=None):
    """The logistic losses by hand: z = w·x + b, softplus(z) = -log(1 - σ(z)),
    softplus(-z) = -log σ(z). Returns (L, dL/dw, dL/db, denominator of mean)."""
    z = w * x + b
    p = 1.0 / (1.0 + np.exp(-z))
    sp_pos, sp_neg = np.logaddexp(0.0, -z), np.logaddexp(0.0, z)
    if loss == "bce":
        sw = np.ones_like(x) if sample_weights is None else np.asarray(sample_weights)
        pw = 1.0 if pos_weight is None else pos_weight
        per = sw * (pw * y * sp_pos + (1 - y) * sp_neg)
        dz = sw * (-pw * y * (1 - p) + (1 - y) * p)  # = p − y without pos_weight
        denominator = float(x.size)
    else:
        cw = np.ones(2) if class_weights is None else np.asarray(class_weights)
        keep = np.ones(x.size, bool)
        keep[list(ignore)] = False
        cy = cw[y.astype(int)] * keep
        per = cy * np.where(y == 1, sp_pos, sp_neg)
        dz = cy * (p - y)
        denominator = float(cy.sum())
    if reduction == "mean":
        c = np.full(x.size, 1.0 / denominator if denominator else math.nan)
    elif reduction == "sum":
        c = np.ones(x.size)
    else:
        c = np.asarray(v)
    return float((c * per).sum()), float((c * dz * x).sum()), float((c * dz).sum()), denominator


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


@st.composite
def cases(draw):
    n = draw(st.integers(1, 8))
    x = np.array(draw(st.lists(st.floats(-4, 4), min_size=n, max_size=n)))
    y = np.array(draw(st.lists(st.sampled_from([0.0, 1.0]), min_size=n, max_size=n)))
    loss = draw(st.sampled_from(["bce", "cross-entropy"]))
    reduction = draw(st.sampled_from(["mean", "sum", "weighted"]))
    weights = st.floats(0, 5)
    extra: dict = {}
    if loss == "bce":
        if draw(st.booleans()):
            extra["sample_weights"] = tuple(draw(st.lists(weights, min_size=n, max_size=n)))
        if draw(st.booleans()):
            extra["pos_weight"] = draw(weights)
    else:
        if draw(st.booleans()):
            extra["class_weights"] = tuple(draw(st.lists(st.floats(0.1, 5), min_size=2,
                                                         max_size=2)))
        extra["ignore"] = tuple(sorted(draw(st.sets(st.integers(0, n - 1)))))
    v = tuple(draw(st.lists(st.floats(-2, 2), min_size=n, max_size=n)))
    w, b = draw(st.floats(-3, 3)), draw(st.floats(-3, 3))
    return x, y, loss, reduction, extra, v, w, b


@settings(max_examples=120, deadline=None)
@given(cases())
def test_loss_and_gradient_equal_numpy_and_pytorch(case):
    x, y, loss, reduction, extra, v, w, b = case
    config = LabConfig(preset="csv", model="logistic", loss=loss, reduction=reduction,
                       init_w=w, init_b=b, weights=v if reduction == "weighted" else None,
                       **extra)
    record = Trainer(config, Dataset(x, y)).preview()
    want = numpy_loss_and_grad(x, y, w, b, loss, reduction, v=v, **extra)
    if reduction == "mean" and want[3] == 0:  # every sample ignored: PyTorch's NaN, no step
        assert math.isnan(record.loss) and (record.grad_w, record.grad_b) == (0.0, 0.0)
        assert record.note is not None and record.diverged is None
    else:
        assert close(record.loss, want[0])
        assert close(record.grad_w, want[1]) and close(record.grad_b, want[2])
    if reduction == "mean":  # the same sum, perhaps added in another order
        assert close(record.denominator, want[3])
    else:
        assert record.denominator == (1.0 if reduction == "sum" else None)
    # ... and the loss is PyTorch's own function, called directly
    z = torch.tensor(w * x + b, dtype=torch.float64)
    yt = torch.tensor(y, dtype=torch.float64)
    red = "none" if reduction == "weighted" else reduction
    if loss == "bce":
        sw, pw = extra.get("sample_weights"), extra.get("pos_weight")
        direct = F.binary_cross_entropy_with_logits(
            z, yt, weight=None if sw is None else torch.tensor(sw, dtype=torch.float64),
            pos_weight=None if pw is None else torch.tensor(pw, dtype=torch.float64),
            reduction=red)
    else:
        target = yt.long()
        target[list(extra["ignore"])] = -100
        cw = extra.get("class_weights")
        direct = F.cross_entropy(torch.stack([torch.zeros_like(z), z], 1), target,
                                 weight=None if cw is None else torch.tensor(cw,
                                                                             dtype=torch.float64),
                                 ignore_index=-100, reduction=red)
    np.testing.assert_array_equal(record.per_sample_loss,
                                  direct.numpy() if red == "none" else record.per_sample_loss)
    if reduction == "weighted":
        direct = (direct * torch.tensor(v, dtype=torch.float64)).sum()
    assert (math.isnan(record.loss) and math.isnan(direct.item())) or \
        close(record.loss, direct.item())
    if reduction != "weighted":
        assert (math.isnan(record.loss) and math.isnan(direct.item())) or \
            record.loss == direct.item()  # the very same call


def test_the_chain_rule_by_hand_on_the_worked_example():
    """dℓ/dz = p − y = [0.5, 0.5, −0.5, −0.5]; ∂L/∂w = Σ (p − y)·x / 4 = −0.5 (the issue)."""
    rec = Trainer(LabConfig(preset="csv", model="logistic", loss="bce"), TABLE).step()
    assert (rec.grad_w, rec.grad_b, rec.denominator) == (-0.5, 0.0, 4.0)
    assert (rec.w_after, rec.b_after) == pytest.approx((0.005, 0.0))


# ---- all-ignored batches -----------------------------------------------------------------------


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_an_all_ignored_batch_changes_nothing_and_training_goes_on(optimizer):
    cfg = LabConfig(preset="csv", model="logistic", loss="cross-entropy", ignore=(0, 1),
                    batch_size=2, optimizer=optimizer, lr=0.1, seed=3)
    trainer = Trainer(cfg, TABLE)
    seen_empty = seen_full = False
    for _ in range(8):
        before = (trainer.params, json.dumps(trainer.state_dict()["optimizer"]))
        rec = trainer.step()
        assert rec.diverged is None and trainer.diverged is None
        if sorted(rec.batch.tolist()) == [0, 1]:
            seen_empty = True
            assert math.isnan(rec.loss) and rec.denominator == 0.0
            assert (rec.grad_w, rec.grad_b) == (0.0, 0.0)
            assert "every sample of this batch is ignored" in rec.note
            assert (trainer.params, json.dumps(trainer.state_dict()["optimizer"])) == before
        else:
            seen_full = True
            assert math.isfinite(rec.loss) and rec.note is None
    assert seen_empty and seen_full
    # run(), the window's fast path, goes through it too and keeps the NaN in the history
    fresh = Trainer(cfg, TABLE)
    record, chunk = fresh.run(8)
    assert record is not None and record.diverged is None and len(chunk) == 8
    assert np.isnan(chunk.loss).any() and np.isfinite(chunk.w).all()
    assert fresh.params == trainer.params
    assert fresh.last_note is not None


def test_zero_class_weights_of_a_batch_are_a_note_not_a_divergence():
    cfg = LabConfig(preset="csv", model="logistic", loss="cross-entropy", class_weights=(0, 1),
                    ignore=(2, 3))
    trainer = Trainer(cfg, TABLE)
    preview = trainer.preview()
    assert preview.diverged is None and preview.note is not None
    rec = trainer.step()
    assert math.isnan(rec.loss) and rec.denominator == 0.0 and rec.diverged is None
    assert (rec.grad_w, rec.grad_b, rec.w_after, rec.b_after) == (0.0, 0.0, 0.0, 0.0)
    assert "add up to 0" in rec.note


def test_sum_and_weighted_over_all_ignored_samples_are_zero_not_nan():
    for reduction in ("sum", "weighted"):
        cfg = LabConfig(preset="csv", model="logistic", loss="cross-entropy",
                        ignore=(0, 1, 2, 3), reduction=reduction)
        rec = Trainer(cfg, TABLE).step()
        assert (rec.loss, rec.grad_w, rec.grad_b, rec.note) == (0.0, 0.0, 0.0, None)


def test_none_reduction_raises_pytorchs_error():
    from gradlab.core.trainer import NoReductionError

    cfg = LabConfig(preset="csv", model="logistic", loss="bce", reduction="none")
    with pytest.raises(NoReductionError, match="grad can be implicitly created only for scalar"):
        Trainer(cfg, TABLE).step()


# ---- settings, data ----------------------------------------------------------------------------


def test_settings_are_checked_and_round_trip():
    cfg = LabConfig(model="logistic", preset="pass-fail", loss="cross-entropy",
                    class_weights=[1, 3], ignore=[5, 2, 5], sample_weights=None, pos_weight=2)
    assert cfg.ignore == (2, 5) and cfg.class_weights == (1.0, 3.0) and cfg.pos_weight == 2.0
    assert LabConfig.from_dict(json.loads(json.dumps(cfg.to_dict()))) == cfg
    assert needs_reset(cfg, cfg.replace(model="line", loss="mse"))
    assert not needs_reset(cfg, cfg.replace(loss="bce"))
    for bad, field in ((dict(class_weights=(1, 2, 3)), "class_weights"),
                       (dict(class_weights=(1, math.inf)), "class_weights"),
                       (dict(sample_weights=(1, -1)), "sample_weights"),
                       (dict(ignore=(True,)), "ignore"), (dict(model="tree"), "model"),
                       (dict(loss="mse"), "loss")):
        with pytest.raises(ConfigError) as err:
            LabConfig(model="logistic", loss="bce").replace(**bad)
        assert err.value.field == field
    with pytest.raises(ConfigError, match="out of range") as err:
        LabConfig(model="logistic", loss="cross-entropy", ignore=(4,)).check_against(4)
    with pytest.raises(ConfigError, match="labels 0 or 1"):
        Trainer(LabConfig(model="logistic", loss="bce"), make_preset("seed"))


def test_presets_overlap_separate_and_are_imbalanced():
    pass_fail, separable, imbalanced = (make_preset(n) for n in
                                        ("pass-fail", "separable", "imbalanced"))
    assert len(pass_fail) == 40 and label_problem(pass_fail) is None
    assert not is_separable(pass_fail) and not is_separable(imbalanced)
    assert is_separable(separable)
    ones = np.mean([make_preset("imbalanced", n=1000, seed=s).y.mean() for s in range(3)])
    assert 0.07 < ones < 0.14  # about 1 : 9
    for seed in range(20):  # whatever the seed, the overlapping presets overlap
        assert not is_separable(make_preset("pass-fail", seed=seed))
        assert not is_separable(make_preset("imbalanced", seed=seed))
    # on separable data w keeps growing: the loss has no minimum
    trainer = Trainer(LabConfig(preset="separable", model="logistic", loss="bce", lr=0.1),
                      separable)
    ws = [trainer.run(200)[0].w_after for _ in range(3)]
    assert 0 < ws[0] < ws[1] < ws[2]


def test_csv_for_the_logistic_model_takes_0_1_labels_only():
    assert parse_csv("x,y\n1,0\n2,1.0\n", binary=True).y.tolist() == [0.0, 1.0]
    with pytest.raises(DataError) as err:
        parse_csv("x,y\n1,0\n2,2\n", binary=True)
    assert err.value.line == 3 and "is not 0 or 1" in str(err.value)


# ---- sessions and code -------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [
    dict(loss="cross-entropy", class_weights=(1.0, 3.0), ignore=(2, 5), optimizer="adam"),
    dict(loss="bce", sample_weights=tuple(np.linspace(0.5, 2, 40)), pos_weight=1.5,
         optimizer="momentum"),
])
def test_sessions_round_trip_bit_for_bit(tmp_path, extra):
    data = make_preset("pass-fail")
    cfg = LabConfig(preset="pass-fail", model="logistic", batch_size=7, lr=0.05, **extra)
    straight = Trainer(cfg, data)
    straight.run(9)
    first = Trainer(cfg, data)
    _, history = first.run(4)
    save_session(tmp_path / "s.json", cfg, data, first.state_dict(), history)
    loaded = load_session(tmp_path / "s.json")
    assert loaded.config == cfg and loaded.config.to_dict() == cfg.to_dict()
    resumed = loaded.make_trainer()
    resumed.run(5)
    assert resumed.params == straight.params
    assert resumed.state_dict() == straight.state_dict()


def test_an_older_session_without_the_new_settings_still_loads(tmp_path):
    from gradlab.core.session import session_dict

    cfg = LabConfig()
    doc = session_dict(cfg, make_preset("seed"), Trainer(cfg, make_preset("seed")).state_dict())
    for key in ("model", "class_weights", "sample_weights", "pos_weight", "ignore"):
        del doc["config"][key]
    assert parse_session(json.dumps(doc)).config == cfg
    doc["config"]["model"] = "logistic"
    doc["config"]["loss"] = "bce"
    with pytest.raises(SessionError, match="config.model"):
        parse_session(json.dumps(doc))  # the seed's labels are 2, 4, 6, 8


def test_exported_code_prints_the_labs_w_and_b_for_each_loss(tmp_path):
    """Each loss, with its weights, minibatches and an all-ignored batch on the way."""
    data = make_preset("pass-fail")
    ignore = tuple(range(0, 40, 2)) + (1, 3, 5)
    configs = [
        LabConfig(preset="pass-fail", model="logistic", loss="cross-entropy", ignore=ignore,
                  class_weights=(1.0, 3.0), batch_size=3, optimizer="momentum", lr=0.05),
        LabConfig(preset="pass-fail", model="logistic", loss="bce", pos_weight=2.0,
                  sample_weights=tuple(np.linspace(0.5, 2, 40)), batch_size=7,
                  optimizer="adam", lr=0.05),
    ]
    for k, cfg in enumerate(configs):
        trainer = Trainer(cfg, data)
        trainer.run(30)
        if cfg.loss == "cross-entropy":
            assert trainer.last_note is not None  # the script has to skip a step too
        script = tmp_path / f"run{k}.py"
        script.write_text(generate_script(cfg, data, 30), encoding="utf-8")
        proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                              timeout=120)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.split() == ["w", "=", repr(trainer.params[0]),
                                       "b", "=", repr(trainer.params[1])]
        assert "F.cross_entropy" in script.read_text() or \
            "F.binary_cross_entropy_with_logits" in script.read_text()


def test_class_weights_move_the_boundary_on_imbalanced_data():
    """Weighting the rare class 9× pulls the decision boundary x = −b/w towards the majority."""
    data = make_preset("imbalanced")
    boundary = {}
    for cw in (None, (1.0, 9.0)):
        trainer = Trainer(LabConfig(preset="imbalanced", model="logistic", loss="cross-entropy",
                                    class_weights=cw, lr=0.05), data)
        trainer.run(300)
        w, b = trainer.params
        boundary[cw] = -b / w
    assert boundary[(1.0, 9.0)] < boundary[None] - 1.0
