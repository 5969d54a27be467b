"""Headless ``--phases``, ``--per-sample-grads`` and ``--jacobian``, run as users run them."""

from __future__ import annotations

import contextlib
import io
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

MINIBATCH = ["--preset", "noisy-line", "--batch-size", "7", "--optimizer", "momentum",
             "--lr", "0.05", "--loss", "huber"]

#: Run as users run them (a child process each, started together): the entry point and exit codes.
SUBPROCESS = {
    "rows": ["--preset", "seed", "--per-sample-grads", "--json"],
    "none_text": ["--preset", "seed", "--reduction", "none", "--phases"],
}
#: Run in this process through ``cli.main`` (torch is already loaded: fast).
IN_PROCESS = {
    "inside_json": ["--preset", "seed", "--phases", "--jacobian", "--jacobian-v", "1,0,0,0",
                    "--json"],
    "inside_text": ["--preset", "seed", "--phases", "--jacobian"],
    "none_json": ["--preset", "seed", "--reduction", "none", "--phases", "--json"],
    "phases_at_3": [*MINIBATCH, "--steps", "2", "--per-sample-grads", "--phases", "--json"],
    "three_steps": [*MINIBATCH, "--steps", "3", "--json"],
    "text_rows": ["--preset", "seed", "--per-sample-grads"],
    "bad_v": ["--preset", "seed", "--jacobian", "--jacobian-v", "1,0"],
    "v_alone": ["--preset", "seed", "--jacobian-v", "sum"],
    "v_word": ["--preset", "seed", "--jacobian", "--jacobian-v", "median"],
}


@pytest.fixture(scope="module")
def ran(tmp_path_factory) -> dict[str, subprocess.CompletedProcess[str]]:
    cwd = tmp_path_factory.mktemp("cli-phases")
    procs = {
        name: subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "--headless", *args], cwd=cwd,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
        )
        for name, args in SUBPROCESS.items()
    }
    out = {}
    for name, p in procs.items():
        stdout, stderr = p.communicate(timeout=180)
        out[name] = subprocess.CompletedProcess(p.args, p.returncode, stdout, stderr)
        assert "Traceback" not in stderr, stderr
    return out


@pytest.fixture(scope="module")
def inside() -> dict[str, subprocess.CompletedProcess[str]]:
    """``cli.main`` on each IN_PROCESS argument list, with its stdout, stderr and status."""
    from gradlab import cli

    out = {}
    for name, args in IN_PROCESS.items():
        stdout, stderr = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = cli.main(args)
        out[name] = subprocess.CompletedProcess(args, code, stdout.getvalue(), stderr.getvalue())
        assert "Traceback" not in stderr.getvalue()
    return out


def lines(proc: subprocess.CompletedProcess[str]) -> list[dict]:
    return [json.loads(line) for line in proc.stdout.splitlines()]


def test_per_sample_grads_on_the_seed(ran):
    proc = ran["rows"]
    assert proc.returncode == 0, proc.stderr
    (step,) = lines(proc)
    assert step["per_sample_grad_w"] == [-4.0, -16.0, -36.0, -64.0]
    assert step["per_sample_grad_b"] == [-4.0, -8.0, -12.0, -16.0]
    assert (step["grad_w"], step["grad_b"]) == (-30.0, -10.0)  # the contract's keys stay


def test_per_sample_grads_in_the_text_trace(inside):
    proc = inside["text_rows"]
    assert proc.returncode == 0
    assert proc.stdout.splitlines()[1] == (
        "  per-sample grad_w [-4, -16, -36, -64]  grad_b [-4, -8, -12, -16]")


def test_phases_and_jacobian_json_on_the_seed(inside):
    proc = inside["inside_json"]
    assert proc.returncode == 0, proc.stderr
    phases, jacobian = lines(proc)  # --steps defaults to 0: the first step, in phases
    assert phases["next_step"] == 1 and phases["batch"] == [0, 1, 2, 3]
    by = {p["phase"]: p for p in phases["phases"]}
    assert list(by) == ["forward", "losses", "reduce", "backward", "update"]
    assert by["forward"]["pred"] == [0.0, 0.0, 0.0, 0.0]
    assert by["losses"]["per_sample_loss"] == [4.0, 16.0, 36.0, 64.0]
    assert by["reduce"]["loss"] == 30.0 and by["reduce"]["weight"] == [0.25] * 4
    assert by["reduce"]["error"] is None
    assert by["backward"]["grad_pred"] == [-1.0, -2.0, -3.0, -4.0]
    assert (by["backward"]["grad_w"], by["backward"]["grad_b"]) == (-30.0, -10.0)
    assert by["update"]["w"] == pytest.approx(0.3, abs=1e-15)
    assert by["update"]["b"] == pytest.approx(0.1, abs=1e-15)
    j = jacobian["jacobian"]
    assert j["J"] == [[-4.0, -4.0], [-16.0, -8.0], [-36.0, -12.0], [-64.0, -16.0]]
    assert j["v"] == [1.0, 0.0, 0.0, 0.0] and j["vTJ"] == [-4.0, -4.0]
    assert (j["backward_grad_w"], j["backward_grad_b"]) == (-4.0, -4.0) and j["agrees"]


def test_phases_and_jacobian_text_on_the_seed(inside):
    proc = inside["inside_text"]
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for text in ("1. forward", "ŷ = [0, 0, 0, 0]", "l = [4, 16, 36, 64]",
                 "L = l.mean(); L.backward()", "L = 30", "∂L/∂ŷᵢ = [-1, -2, -3, -4]",
                 "w.grad = -30    b.grad = -10", "SGD: w 0 → 0.3    b 0 → 0.1",
                 "torch.func.jacrev", "v (mean)", "= (-30, -10)", "equal within 1e-9"):
        assert text in out, text


@pytest.mark.parametrize("name", ["none_json", "none_text"])
def test_none_shows_pytorchs_error_at_the_reduce_phase(ran, inside, name):
    proc = ran[name] if name in ran else inside[name]
    assert proc.returncode == 1
    error = "grad can be implicitly created only for scalar outputs"
    if name == "none_text":
        assert f"PyTorch: RuntimeError: {error}" in proc.stdout
        assert "4. backward   does not run" in proc.stdout
        return
    (phases,) = lines(proc)
    assert [p["phase"] for p in phases["phases"]] == ["forward", "losses", "reduce"]
    reduce = phases["phases"][2]
    assert reduce["error"] == error and reduce["loss"] is None and "scalar" in reduce["explanation"]


def test_phases_equal_the_whole_step_and_rows_sum_to_the_gradient(inside):
    first, second, phases = lines(inside["phases_at_3"])
    steps = lines(inside["three_steps"])
    assert [first["step"], second["step"]] == [1, 2]
    for mine, theirs in zip((first, second), steps, strict=False):
        assert {k: v for k, v in mine.items() if not k.startswith("per_sample_grad")} == theirs
        size = len(mine["batch"])
        assert len(mine["per_sample_grad_w"]) == size == 7
        assert math.isclose(sum(mine["per_sample_grad_w"]) / size, mine["grad_w"],
                            rel_tol=1e-9, abs_tol=1e-9)
        assert math.isclose(sum(mine["per_sample_grad_b"]) / size, mine["grad_b"],
                            rel_tol=1e-9, abs_tol=1e-9)
    third = steps[2]
    by = {p["phase"]: p for p in phases["phases"]}
    assert phases["next_step"] == 3 and phases["batch"] == third["batch"]
    assert by["losses"]["per_sample_loss"] == third["per_sample_loss"]
    assert by["reduce"]["loss"] == third["loss"]
    assert (by["backward"]["grad_w"], by["backward"]["grad_b"]) == (third["grad_w"],
                                                                     third["grad_b"])
    assert (by["update"]["w"], by["update"]["b"]) == (third["w"], third["b"])


@pytest.mark.parametrize(("name", "words"), [
    ("bad_v", "argument --jacobian-v: needs one entry per batch sample"),
    ("v_alone", "argument --jacobian-v: only with --jacobian"),
    ("v_word", "argument --jacobian-v: 'median' is not sum, mean, weights"),
])
def test_bad_jacobian_v_is_one_line_and_status_2(inside, name, words):
    proc = inside[name]
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [proc.stderr.strip()]
    assert words in proc.stderr
