"""The headless trace with micro-batches and DDP workers: the issue's table, bad settings, the
exported scripts, sessions, and no process left behind. Runs that start worker processes run as
users run them, in subprocesses (their whole process group must be gone afterwards); the
accumulation runs start none and run in this process (the same ``main``), which spares the
suite a torch import each."""

from __future__ import annotations

import ast
import contextlib
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gradlab.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED = ["--preset", "seed", "--json"]

#: The issue's table: (options, (grad_w, grad_b), matches, full-batch gradient).
TABLE = {
    "2,2 1/K": (["--micro-sizes", "2,2", "--accum-scale", "1/K"], (-30, -10), True, (-30, -10)),
    "2,2 none": (["--micro-sizes", "2,2", "--accum-scale", "none"], (-60, -20), False,
                 (-30, -10)),
    "1,3 1/K": (["--micro-sizes", "1,3", "--accum-scale", "1/K"], (-64 / 3, -8), False,
                (-30, -10)),
    "1,3 n/N": (["--micro-sizes", "1,3", "--accum-scale", "n/N"], (-30, -10), True, (-30, -10)),
    "W2": (["--workers", "2"], (-30, -10), True, (-30, -10)),
    "W2 1,3": (["--workers", "2", "--shard-sizes", "1,3"], (-64 / 3, -8), False, (-30, -10)),
    "W2 sum": (["--workers", "2", "--reduction", "sum"], (-60, -20), False, (-120, -40)),
    "W2 sum world": (["--workers", "2", "--reduction", "sum", "--ddp-loss-scale", "world"],
                     (-120, -40), True, (-120, -40)),
}

#: Runs that export a script (and save a session) after several minibatch steps.
EXPORTS = {
    "accum": ["--preset", "noisy-line", "--batch-size", "10", "--optimizer", "adam", "--lr",
              "0.05", "--loss", "huber", "--micro-sizes", "3,3,4", "--accum-scale", "n/N",
              "--steps", "7"],
    "forget": ["--preset", "seed", "--micro-batches", "2", "--forget-zero-grad", "--steps", "4"],
    "ddp": ["--preset", "noisy-line", "--batch-size", "10", "--optimizer", "momentum",
            "--workers", "2", "--shard-sizes", "3,7", "--reduction", "sum", "--lr", "0.001",
            "--ddp-loss-scale", "world", "--steps", "6"],
}


#: Steps each exported run is resumed by from its saved session.
RESUMED = {"accum": 3, "forget": 2, "ddp": 2}


def _steps(name: str) -> int:
    return int(EXPORTS[name][EXPORTS[name].index("--steps") + 1])


def _popen(args: list[str], cwd: Path) -> subprocess.Popen:
    # Each run gets its own process group: afterwards no process of that group may be left.
    return subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--headless", *args],
                            cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            encoding="utf-8", start_new_session=True)


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    cwd = tmp_path_factory.mktemp("split")
    runs = {name: [*SEED, *args] for name, (args, *_rest) in TABLE.items()}
    for name, args in EXPORTS.items():
        runs[name] = [*args, "--json", "--export-code", f"{name}.py",
                      "--save-session", f"{name}.json"]
        longer = list(args)  # the same run, RESUMED more steps, in one go
        longer[longer.index("--steps") + 1] = str(_steps(name) + RESUMED[name])
        runs[f"{name} whole"] = [*longer, "--json"]
    out = {}
    spawning = [name for name, args in runs.items() if "--workers" in args]
    procs = {name: _popen(runs[name], cwd) for name in spawning}
    for name, args in runs.items():  # meanwhile, the runs without workers, here
        if name not in procs:
            out[name] = _in_process(args, cwd)
    for name, p in procs.items():
        stdout, stderr = p.communicate(timeout=300)
        assert "Traceback" not in stderr, stderr
        out[name] = (p.returncode, stdout, stderr, p.pid)
    return cwd, out


def _in_process(args: list[str], cwd: Path) -> tuple[int, str, str, None]:
    """(exit status, stdout, stderr, no pid) of ``main(args)`` run in ``cwd``."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.chdir(cwd), contextlib.redirect_stdout(stdout), \
            contextlib.redirect_stderr(stderr):
        code = main(args)
    assert "Traceback" not in stderr.getvalue(), stderr.getvalue()
    return code, stdout.getvalue(), stderr.getvalue(), None


def _group_gone(pgid: int) -> bool:
    """No process of the run's group is left (the fork server leaves when its parent has
    gone: wait for that, without a fixed sleep)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("name", list(TABLE))
def test_table(ran, name):
    _, out = ran
    code, stdout, stderr, _ = out[name]
    assert code == 0, stderr
    step = json.loads(stdout.splitlines()[0])
    _, grad, matches, full = TABLE[name]
    assert (step["grad_w"], step["grad_b"]) == pytest.approx(grad, rel=1e-12)
    assert (step["full_batch_grad_w"], step["full_batch_grad_b"]) == full
    assert step["matches"] is matches
    parts = step["micro_batches"] if "--micro-sizes" in TABLE[name][0] else step["workers"]
    assert sum(len(p["batch"]) for p in parts) == 4
    assert sum(p["grad_w"] for p in parts) == pytest.approx(
        grad[0] * (2 if name.startswith("W2") else 1), rel=1e-12)  # DDP averages: ÷W


def test_worker_entries_and_no_process_left(ran):
    _, out = ran
    step = json.loads(out["W2 sum"][1])
    assert step["workers"] == [
        {"rank": 0, "batch": [0, 1], "loss": 20.0, "grad_w": -20.0, "grad_b": -12.0},
        {"rank": 1, "batch": [2, 3], "loss": 100.0, "grad_w": -100.0, "grad_b": -28.0}]
    for name in ("W2", "W2 1,3", "W2 sum", "W2 sum world", "ddp"):
        assert _group_gone(out[name][3]), name


def test_exported_scripts_print_the_labs_w_and_b(ran):
    cwd, out = ran
    paths, expected = [], []
    for name in EXPORTS:
        code, stdout, stderr, _ = out[name]
        assert code == 0, stderr
        last = json.loads(stdout.splitlines()[-1])
        expected.append((last["w"], last["b"]))
        paths.append(cwd / f"{name}.py")
    text = paths[2].read_text(encoding="utf-8")
    assert "127.0.0.1" in text and "DistributedDataParallel" in text and '"gloo"' in text
    assert "# optimizer.zero_grad()  <- forgotten" in paths[1].read_text(encoding="utf-8")
    procs = [subprocess.Popen([sys.executable, str(p)], cwd=cwd, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, start_new_session=True)
             for p in paths]
    for p, (w, b) in zip(procs, expected, strict=True):
        stdout, stderr = p.communicate(timeout=300)
        assert p.returncode == 0, stderr
        lines = dict(line.split(" = ") for line in stdout.splitlines())
        assert ast.literal_eval(lines["w"]) == pytest.approx(w, rel=1e-9, abs=1e-12)
        assert ast.literal_eval(lines["b"]) == pytest.approx(b, rel=1e-9, abs=1e-12)
        assert _group_gone(p.pid)


def test_sessions_keep_the_split_and_resume_exactly(ran):
    cwd, out = ran
    for name in EXPORTS:
        doc = json.loads((cwd / f"{name}.json").read_text(encoding="utf-8"))
        assert doc["split"]["workers" if name == "ddp" else "micro_batches"] in (None, 2) and \
            doc["split"]["forget_zero_grad"] is (name == "forget")
    resume = {name: ["--session", f"{name}.json", "--steps", str(extra), "--json"]
              for name, extra in RESUMED.items()}
    procs = {"ddp": _popen(resume["ddp"], cwd)}  # the one with workers; the others here
    done = {name: _in_process(args, cwd) for name, args in resume.items() if name not in procs}
    for name, p in procs.items():
        stdout, stderr = p.communicate(timeout=300)
        done[name] = (p.returncode, stdout, stderr, p.pid)
    for name in RESUMED:
        code, stdout, stderr, pid = done[name]
        assert code == 0, stderr
        a = json.loads(stdout.splitlines()[-1])
        code, whole, stderr, _ = out[f"{name} whole"]
        assert code == 0, stderr
        b = json.loads(whole.splitlines()[-1])
        assert a["step"] == b["step"] == _steps(name) + RESUMED[name]
        assert (a["w"], a["b"], a["matches"]) == (b["w"], b["b"], b["matches"]), name
        assert ("workers" in a) is (name == "ddp")
        assert pid is None or _group_gone(pid)


@pytest.mark.parametrize("args, named", [
    (["--micro-sizes", "1,2"], "--micro-sizes"),
    (["--micro-sizes", "2,0,2"], "--micro-sizes"),
    (["--micro-sizes", "5,-1"], "--micro-sizes"),
    (["--micro-batches", "5"], "--micro-batches"),
    (["--micro-batches", "0"], "--micro-batches"),
    (["--workers", "5"], "--workers"),
    (["--workers", "3", "--batch-size", "2"], "--workers"),
    (["--workers", "2", "--shard-sizes", "1,2"], "--shard-sizes"),
    (["--workers", "2", "--shard-sizes", "1,1,2"], "--shard-sizes"),
    (["--workers", "2", "--micro-batches", "2"], "--workers"),
    (["--accum-scale", "none"], "--accum-scale"),
    (["--ddp-loss-scale", "world"], "--ddp-loss-scale"),
    (["--micro-sizes", "x"], "--micro-sizes"),
])
def test_bad_settings_exit_2_with_one_line_naming_the_option(capsys, args, named):
    assert main(["--preset", "seed", *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"argument {named}" in err[0] and "Traceback" not in err[0]


def test_split_options_cannot_override_a_session(tmp_path, capsys):
    path = tmp_path / "s.json"
    assert main(["--preset", "seed", "--steps", "0", "--save-session", str(path)]) == 0
    assert main(["--session", str(path), "--micro-batches", "2"]) == 2
    assert "--micro-batches" in capsys.readouterr().err
