"""Runs side by side: each run is its own solo run, bit for bit; a diverging run stops alone."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import numpy as np
import pytest

from gradlab.core.codegen import generate_comparison_script
from gradlab.core.compare import (
    READY_MADE,
    Comparison,
    from_session,
    largest_difference,
    parse_overrides,
    ready_made,
)
from gradlab.core.config import ConfigError, LabConfig
from gradlab.core.data import dataset_for, make_preset
from gradlab.core.session import SessionError, load_session, parse_session, save_session
from gradlab.core.stability import stability
from gradlab.core.trainer import Trainer

NOISY = make_preset("noisy-line")
SEED = make_preset("seed")
MAIN = LabConfig(preset="noisy-line", batch_size=7, lr=0.05, seed=3, init_w=-1.0)
SPECS = [{"reduction": "sum", "lr": 0.002}, {"optimizer": "adam", "batch_size": None},
         {"optimizer": "momentum", "momentum": 0.5, "loss": "huber", "reduction": "weighted",
          "weights": tuple(float(i % 4) for i in range(50))}]


def solo(config: LabConfig, steps: int) -> list:
    t = Trainer(config, NOISY)
    return [t.step() for _ in range(steps)]


def same(a, b) -> bool:
    return a.to_json_dict() == b.to_json_dict() and (a.w_after, a.b_after) == (b.w_after, b.b_after)


def test_every_run_equals_its_solo_run_bit_for_bit():
    cmp = Comparison(MAIN, NOISY, SPECS)
    steps = [cmp.step() for _ in range(20)]
    for k, run in enumerate(cmp.runs):
        alone = solo(run.config, 20)
        assert all(same(s[k].record, r) for s, r in zip(steps, alone, strict=True)), run.label
    assert cmp.runs[1].config == MAIN.replace(reduction="sum", lr=0.002)
    fast = Comparison(MAIN, NOISY, SPECS).run(20)  # the window's path: whole chunks per run
    for k, chunk in enumerate(fast):
        alone = solo(cmp.runs[k].config, 20)
        assert chunk.history.w.tolist() == [r.w_after for r in alone]
        assert chunk.history.loss.tolist() == [r.loss for r in alone]
        assert same(chunk.record, alone[-1])


@pytest.mark.parametrize("data,config", [(SEED, LabConfig()),
                                         (NOISY, LabConfig(preset="noisy-line", lr=0.05)),
                                         (NOISY, LabConfig(preset="noisy-line", batch_size=10,
                                                           optimizer="momentum", lr=0.02))])
def test_sum_with_lr_over_n_follows_mean_to_rounding(data, config):
    cmp = ready_made("sum-lr-over-n", config, data)
    assert [r.config.reduction for r in cmp.runs] == ["mean", "sum"]
    chunks = cmp.run(1000)
    assert len(chunks[0].history) == len(chunks[1].history) == 1000
    assert largest_difference(chunks[0].history, chunks[1].history) <= 1e-12
    assert "sum, lr " in cmp.runs[1].label and ("/N" in cmp.runs[1].label) == (
        config.batch_size is None)


def test_a_diverging_run_stops_and_the_others_go_on():
    cmp = ready_made("below-above-limit", LabConfig(reduction="sum"), SEED)
    limit = stability(LabConfig(reduction="sum"), SEED).lr_limit
    assert [r.config.lr for r in cmp.runs] == [0.98 * limit, 1.05 * limit]
    results = [cmp.step() for _ in range(5000)]  # ×1.1 a step: past float64's range by ~3800
    below, above = cmp.runs
    assert below.diverged is None and below.trainer.step_count == 5000
    assert above.diverged is not None and above.diverged_at is not None
    k = above.diverged_at
    assert results[k - 1][1].record.diverged == above.diverged
    assert results[k][1].record is None and results[k][1].to_json_dict() == {
        "label": above.label, "diverged": str(above.diverged), "diverged_at": k}
    assert results[-1][0].record.step == 5000 and cmp.active
    assert abs(below.trainer.params[0] - 2.0) < 1e-6  # converged to w* = 2
    assert [s.lr_limit for s in cmp.stabilities()] == [limit, limit]


def test_ready_made_comparisons_apply_to_the_noisy_line():
    for item in READY_MADE:
        cmp = ready_made(item.key, MAIN, NOISY)
        assert 2 <= len(cmp.runs) <= 4 and len({r.label for r in cmp.runs}) == len(cmp.runs)
        cmp.run(5)
    batch = ready_made("batch-4-vs-64", MAIN, NOISY)  # 64 > 50 samples: the whole dataset
    assert [r.config.batch_size for r in batch.runs] == [4, None]
    adam = ready_made("sgd-vs-adam", MAIN, NOISY)
    assert [r.label for r in adam.runs][1:] == ["Adam, sum, lr 0.05, batch 7",
                                                "Adam, mean, lr 0.05, batch 7"]
    with pytest.raises(ConfigError, match="no limit"):
        ready_made("below-above-limit", MAIN.replace(optimizer="adam"), NOISY)


def test_parse_overrides_and_its_refusals():
    assert parse_overrides("reduction=sum,lr=0.0025") == {"reduction": "sum", "lr": 0.0025}
    assert parse_overrides("reduction=weighted, weights=1,0,0,0") == {
        "reduction": "weighted", "weights": (1.0, 0.0, 0.0, 0.0)}
    assert parse_overrides("batch-size=all,lr=lr/N") == {"batch_size": None, "lr": "lr/N"}
    assert parse_overrides("lr=0.98*limit,optimizer=momentum,momentum=0.5")["lr"] == "0.98*limit"
    for text, field in [("foo=1", "foo"), ("lr=abc", "lr"), ("lr=0", "lr"), ("reduction=none",
                        "reduction"), ("batch_size=0", "batch_size"), ("momentum=1", "momentum"),
                        ("lr", "compare"), ("", "compare"), ("lr=1,lr=2", "lr"),
                        ("weights=1;x", "weights"), ("loss=l2", "loss"), ("init_w=1", "init_w")]:
        with pytest.raises(ConfigError) as caught:
            parse_overrides(text)
        assert caught.value.field == field, text
    with pytest.raises(ConfigError, match="at most 3"):
        Comparison(MAIN, NOISY, [{"lr": 0.1}] * 4)
    with pytest.raises(ConfigError, match="batch_size"):
        Comparison(LabConfig(), SEED, [{"batch_size": 9}])


def test_a_new_main_config_reaches_runs_that_do_not_override_it():
    cmp = Comparison(LabConfig(), SEED, [{"reduction": "sum", "lr": "lr/N"}, {"lr": 0.001}])
    cmp.step()
    assert cmp.configure(LabConfig(lr=0.02)) is False
    assert [r.config.lr for r in cmp.runs] == [0.02, 0.005, 0.001]
    assert cmp.runs[1].label == "sum, lr 0.02/N"
    assert cmp.configure(LabConfig(lr=0.02, init_w=1.0)) is True
    assert all(r.trainer.step_count == 0 and r.trainer.params == (1.0, 0.0) for r in cmp.runs)


def test_the_exported_script_runs_every_run(tmp_path):
    cmp = Comparison(MAIN, NOISY, SPECS)
    cmp.run(25)
    runs = [(r.label, r.config, r.trainer.step_count) for r in cmp.runs]
    path = tmp_path / "compare.py"
    path.write_text(generate_comparison_script(runs, NOISY), encoding="utf-8")
    proc = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 4
    for line, run in zip(lines, cmp.runs, strict=True):
        assert line.startswith(run.label + " w = ")
        w, b = line.removeprefix(run.label + " w = ").split(" b = ")
        expected = run.trainer.params
        assert abs(ast.literal_eval(w.strip()) - expected[0]) <= 1e-9
        assert abs(ast.literal_eval(b.strip()) - expected[1]) <= 1e-9


def test_sessions_keep_the_compared_runs(tmp_path):
    cmp = Comparison(MAIN, NOISY, SPECS[:2] + [{"lr": 50.0}])  # the third diverges
    cmp.run(100)
    assert cmp.runs[3].diverged is not None
    path = tmp_path / "s.json"
    save_session(path, MAIN, NOISY, cmp.main.trainer.state_dict(),
                 compare=[r.saved() for r in cmp.runs[1:]])
    resumed = from_session(load_session(path))
    assert [r.label for r in resumed.runs] == [r.label for r in cmp.runs]
    assert resumed.runs[3].diverged == cmp.runs[3].diverged
    assert resumed.runs[3].diverged_at == cmp.runs[3].diverged_at
    straight = Comparison(MAIN, NOISY, SPECS[:2] + [{"lr": 50.0}])
    straight.run(105)
    resumed.run(5)
    for a, b in zip(resumed.runs, straight.runs, strict=True):
        assert a.trainer.state_dict() == b.trainer.state_dict()


def _session_text(**changes) -> str:
    cmp = Comparison(LabConfig(), SEED, [{"reduction": "sum"}])
    cmp.run(2)
    from gradlab.core.session import session_dict

    doc = session_dict(LabConfig(), SEED, cmp.main.trainer.state_dict(),
                       compare=[r.saved() for r in cmp.runs[1:]])
    for key, value in changes.items():
        target = doc
        *path, last = key.split(".")
        for part in path:
            target = target[int(part)] if part.isdigit() else target[part]
        target[last] = value
    return json.dumps(doc)


@pytest.mark.parametrize("key,value,field", [
    ("compare", {}, "compare"),
    ("compare", [{"overrides": {"lr": 1}, "state": {}}] * 4, "compare"),
    ("compare.0.overrides", [], "compare[0].overrides"),
    ("compare.0.overrides", {"seed": 3}, "compare[0].overrides.seed"),
    ("compare.0.overrides.lr", -1, "compare[0].overrides.lr"),
    ("compare.0.overrides.lr", "twice", "compare[0].overrides.lr"),
    ("compare.0.overrides.reduction", "none", "compare[0].overrides.reduction"),
    ("compare.0.overrides.batch_size", 9, "compare[0].overrides.batch_size"),
    ("compare.0.state.w", "x", "compare[0].state.w"),
    ("compare.0.state.optimizer", {"state": {}, "param_groups": []}, "compare[0].state.optimizer"),
    ("compare.0.diverged", 3, "compare[0].diverged"),
    ("compare.0.extra", 1, "compare[0]"),
])
def test_bad_compared_runs_in_a_session_are_refused_naming_the_field(key, value, field):
    parse_session(_session_text())  # the unchanged file loads
    with pytest.raises(SessionError) as caught:
        parse_session(_session_text(**{key: value}))
    assert caught.value.field == field, str(caught.value)


def test_a_session_without_compared_runs_loads_as_before(tmp_path):
    path = tmp_path / "old.json"
    save_session(path, LabConfig(), SEED, Trainer(LabConfig(), SEED).state_dict())
    assert "compare" not in json.loads(path.read_text())
    assert load_session(path).compare == ()
    assert len(from_session(load_session(path)).runs) == 1
    assert np.isfinite(dataset_for(LabConfig()).x).all()
