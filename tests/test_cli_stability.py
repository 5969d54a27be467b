"""``--stability`` and ``--compare`` as users run them: ``python main.py --headless ...``."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

NOISY = ["--preset", "noisy-line", "--batch-size", "7", "--lr", "0.05", "--seed", "3",
         "--steps", "30", "--json"]
COMPARED = ["reduction=sum,lr=0.002", "optimizer=adam,batch_size=all",
            "optimizer=momentum,momentum=0.5,loss=huber"]
DIVERGE = ["--preset", "seed", "--lr", "0.05", "--steps", "500", "--json"]

#: Run as users run them, in child processes started together (torch's import is most of each).
SUBPROCESS = {"mean": ["--stability", "--json"],
              "diverge": [*DIVERGE, "--compare", "reduction=sum"]}
#: The rest run in this process: the same cli.main, without paying torch's import each time.
IN_PROCESS = {
    "sum": ["--stability", "--json", "--reduction", "sum"],
    "momentum": ["--stability", "--json", "--optimizer", "momentum", "--momentum", "0.9"],
    "text": ["--stability", "--reduction", "sum", "--lr", "0.05"],
    "compare": [*NOISY, *(a for c in COMPARED for a in ("--compare", c))],
    "solo0": NOISY,
    "solo1": [*NOISY, "--reduction", "sum", "--lr", "0.002"],
    "solo2": [*NOISY[:2], *NOISY[4:], "--optimizer", "adam"],  # batch_size=all
    "solo3": [*NOISY, "--optimizer", "momentum", "--momentum", "0.5", "--loss", "huber"],
    "diverge_solo": [*DIVERGE, "--reduction", "sum"],
    "follows": ["--preset", "seed", "--steps", "1000", "--json", "--compare",
                "reduction=sum,lr=lr/N"],
    "text_compare": ["--preset", "seed", "--steps", "2", "--compare", "reduction=sum,lr=0.0025"],
    "too many": [a for k in range(4) for a in ("--compare", f"lr={k + 1}")],
    "with session": ["--session", "nothing.json", "--compare", "lr=1"],
}
BAD = {
    "unknown key": ("colour=red", "colour"),
    "bad value": ("reduction=sum,lr=fast", "'fast' is not a number"),
    "bad choice": ("reduction=median", "reduction"),
    "too large a batch": ("batch_size=9", "batch_size"),
    "no pair": ("sum", "expected key=value"),
}


def call(*args: str) -> subprocess.CompletedProcess[str]:
    """``main.py --headless ARGS`` in this process."""
    from gradlab import cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["--headless", *args])
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="module")
def ran(tmp_path_factory) -> dict[str, subprocess.CompletedProcess[str]]:
    cwd = tmp_path_factory.mktemp("cli17")
    jobs = {name: subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--headless", *args], cwd=cwd,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
        for name, args in SUBPROCESS.items()}
    out = {name: call(*args) for name, args in IN_PROCESS.items()}
    out.update({f"bad {name}": call("--compare", spec) for name, (spec, _) in BAD.items()})
    for name, p in jobs.items():
        stdout, stderr = p.communicate(timeout=300)
        out[name] = subprocess.CompletedProcess(p.args, p.returncode, stdout, stderr)
    for proc in out.values():
        assert "Traceback" not in proc.stderr, proc.stderr
    return out


def _one(proc: subprocess.CompletedProcess[str]) -> dict:
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


def test_stability_json_on_the_seed_data(ran):
    mean = _one(ran["mean"])
    assert mean["hessian"] == [[15, 5], [5, 2]]
    assert mean["lambda_max"] == pytest.approx(16.7006, abs=1e-4)
    assert mean["lr_limit"] == pytest.approx(0.119756, abs=1e-6)
    assert mean["lambda_min"] == pytest.approx(0.299390, abs=1e-6)
    total = _one(ran["sum"])
    assert total["hessian"] == [[60, 20], [20, 8]]
    assert total["lambda_max"] == pytest.approx(66.8024, abs=1e-4)
    assert total["lr_limit"] == pytest.approx(0.0299390, abs=1e-6)
    assert _one(ran["momentum"])["lr_limit"] == pytest.approx(0.227537, abs=1e-6)


def test_stability_text_predicts_the_divergence(ran):
    proc = ran["text"]
    assert proc.returncode == 0, proc.stderr
    assert "[[60, 20]," in proc.stdout and "λ_max = 66.8024" in proc.stdout
    assert "lr limit 2/λ_max = 0.029939" in proc.stdout
    assert "lr 0.05 > 2/λ_max = 0.0299 under sum: this run will diverge" in proc.stdout


def _lines(proc: subprocess.CompletedProcess[str]) -> list[dict]:
    return [json.loads(line) for line in proc.stdout.splitlines()]


def test_every_compared_run_equals_its_solo_headless_run(ran):
    proc = ran["compare"]
    assert proc.returncode == 0, proc.stderr
    steps = _lines(proc)
    assert [s["step"] for s in steps] == list(range(1, 31))
    assert [r["label"] for r in steps[0]["runs"]] == [
        "mean, lr 0.05, batch 7", "sum, lr 0.002, batch 7", "Adam, mean, lr 0.05",
        "momentum 0.5, Huber, mean, lr 0.05, batch 7"]
    for k, name in enumerate(["solo0", "solo1", "solo2", "solo3"]):
        assert ran[name].returncode == 0, ran[name].stderr
        alone = _lines(ran[name])
        got = [{key: v for key, v in s["runs"][k].items() if key != "label"} for s in steps]
        assert got == alone, name  # parsed from repr: the same floats, bit for bit


def test_a_diverging_compared_run_stops_and_the_main_run_goes_on(ran):
    proc, solo = ran["diverge"], ran["diverge_solo"]
    assert proc.returncode == 3 and solo.returncode == 3
    alone = _lines(solo)
    k = len(alone) + 1
    assert f"diverged at step {k}" in solo.stderr
    steps = _lines(proc)
    assert len(steps) == 500 and steps[-1]["runs"][0]["step"] == 500  # the main run went on
    assert [s["runs"][1] for s in steps[:k - 1]] == [{"label": "sum, lr 0.05", **a}
                                                    for a in alone]
    assert steps[k - 1]["runs"][1] == {"label": "sum, lr 0.05", "diverged": "loss became inf",
                                       "diverged_at": k} == steps[-1]["runs"][1]
    assert (f"run 2 (sum, lr 0.05) diverged at step {k}: loss became inf, as predicted (lr 0.05 "
            "> 2/λ_max = 0.0299 under sum: this run will diverge) — it stops" in proc.stderr)
    assert "as predicted (lr 0.05 > 2/λ_max = 0.0299 under sum" in solo.stderr


def test_sum_with_lr_over_n_follows_mean(ran):
    steps = _lines(ran["follows"])
    assert len(steps) == 1000
    gap = max(abs(s["runs"][0][p] - s["runs"][1][p]) for s in steps for p in ("w", "b"))
    assert gap <= 1e-12


def test_compare_text_mode(ran):
    proc = ran["text_compare"]
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[:3] == [
        "step 1:",
        "  mean, lr 0.01: loss 30  grad_w -30  grad_b -10  ->  w 0.3  b 0.1",
        "  sum, lr 0.0025: loss 120  grad_w -120  grad_b -40  ->  w 0.3  b 0.1"]


@pytest.mark.parametrize("name", [*BAD, "too many", "with session"])
def test_bad_compare_input_is_one_line_naming_the_option(ran, name):
    proc = ran[f"bad {name}" if name in BAD else name]
    assert proc.returncode == 2 and proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gradlab: error: argument --compare: ")
    if name in BAD:
        assert BAD[name][1] in lines[0]


def test_export_and_session_of_a_comparison(tmp_path):
    first = call("--preset", "seed", "--steps", "3", "--compare", "reduction=sum,lr=lr/N",
                 "--compare", "optimizer=adam", "--save-session", str(tmp_path / "s.json"))
    assert first.returncode == 0, first.stderr
    resumed = call("--session", str(tmp_path / "s.json"), "--steps", "2", "--json",
                   "--export-code", str(tmp_path / "c.py"))
    assert resumed.returncode == 0, resumed.stderr
    steps = _lines(resumed)
    assert [s["step"] for s in steps] == [4, 5] and len(steps[0]["runs"]) == 3
    script = subprocess.run([sys.executable, "c.py"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=120)
    assert script.returncode == 0, script.stderr
    printed = script.stdout.splitlines()
    for line, r in zip(printed, steps[-1]["runs"], strict=True):
        w, b = line.removeprefix(r["label"] + " w = ").split(" b = ")
        assert abs(float(w) - r["w"]) <= 1e-9 and abs(float(b) - r["b"]) <= 1e-9

