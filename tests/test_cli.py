"""The headless contract, run as users run it: ``python main.py --headless ...`` in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--headless", *args], cwd=cwd, capture_output=True,
        text=True, encoding="utf-8", timeout=120,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def error_line(proc: subprocess.CompletedProcess[str]) -> str:
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr  # one short line, no usage dump
    return lines[0]


ADAM_MINIBATCH = ["--preset", "noisy-line", "--batch-size", "7", "--optimizer", "adam",
                  "--lr", "0.05"]

#: The runs that import torch (~3 s each) start together, so two cores overlap them.
PARALLEL = {
    "seed": ["--preset", "seed", "--steps", "1", "--json"],
    "sum": ["--preset", "seed", "--reduction", "sum", "--json"],
    "none": ["--preset", "seed", "--reduction", "none"],
    "explain": ["--preset", "seed", "--explain"],
    "diverge": ["--preset", "unscaled", "--lr", "1e6", "--steps", "50"],
    "save": [*ADAM_MINIBATCH, "--steps", "3", "--save-session", "s.json", "--json"],
    "unwritable": ["--preset", "seed", "--steps", "0", "--export-code", "/dev/full"],
}


@pytest.fixture(scope="module")
def ran(tmp_path_factory) -> dict[str, subprocess.CompletedProcess[str]]:
    cwd = tmp_path_factory.mktemp("cli")
    procs = {
        name: subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "--headless", *args], cwd=cwd,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
        )
        for name, args in PARALLEL.items()
    }
    out = {}
    for name, p in procs.items():
        stdout, stderr = p.communicate(timeout=180)
        out[name] = subprocess.CompletedProcess(p.args, p.returncode, stdout, stderr)
        assert "Traceback" not in stderr, stderr
    out["cwd"] = cwd  # type: ignore[assignment]
    return out


def test_seed_step_json(ran):
    proc = ran["seed"]
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1
    rec = json.loads(lines[0])
    assert rec["step"] == 1 and rec["batch"] == [0, 1, 2, 3]
    assert rec["loss"] == pytest.approx(30)
    assert rec["per_sample_loss"] == pytest.approx([4, 16, 36, 64])
    assert (rec["grad_w"], rec["grad_b"]) == pytest.approx((-30, -10))
    assert (rec["w"], rec["b"]) == pytest.approx((0.3, 0.1))


def test_seed_sum_reduction(ran):
    rec = json.loads(ran["sum"].stdout)
    assert (rec["loss"], rec["w"], rec["b"]) == pytest.approx((120, 1.2, 0.4))


def test_none_reduction_exits_1_with_pytorchs_message(ran):
    proc = ran["none"]
    assert proc.returncode == 1
    assert "grad can be implicitly created only for scalar outputs" in proc.stderr
    assert "scalar" in proc.stderr.splitlines()[-1]


def test_explain_shows_hand_and_autograd_agreeing(ran):
    proc = ran["explain"]
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "by hand" in out and "autograd" in out and "agree within 1e-6" in out
    table = {line.split()[0]: line.split()[1:] for line in out.splitlines()
             if line.strip().startswith("∂L/∂") and len(line.split()) == 3}
    assert table == {"∂L/∂w": ["-30", "-30"], "∂L/∂b": ["-10", "-10"]}
    assert "sign slip" in out
    assert not out.startswith("step")  # explaining the next step does not take it


def test_divergence_exits_3_naming_the_step(ran):
    proc = ran["diverge"]
    assert proc.returncode == 3
    assert "diverged at step 15" in proc.stderr


def test_session_resume_and_export_code(ran):
    """3 steps, save; resume for 2 and export; equals 5 straight steps; the script agrees."""
    assert ran["save"].returncode == 0, ran["save"].stderr
    cwd = ran["cwd"]
    resumed = run("--session", "s.json", "--steps", "2", "--json", "--export-code", "s.py",
                  cwd=cwd)
    assert resumed.returncode == 0, resumed.stderr
    steps = [json.loads(line) for line in resumed.stdout.splitlines()]
    assert [s["step"] for s in steps] == [4, 5]

    from gradlab.core.config import LabConfig
    from gradlab.core.data import make_preset
    from gradlab.core.trainer import Trainer

    straight = Trainer(LabConfig(preset="noisy-line", batch_size=7, optimizer="adam", lr=0.05),
                       make_preset("noisy-line"))
    straight.run(5)
    assert (steps[-1]["w"], steps[-1]["b"]) == straight.params  # bit for bit through JSON

    script = subprocess.run([sys.executable, "s.py"], cwd=cwd, capture_output=True, text=True,
                            timeout=120)
    assert script.returncode == 0, script.stderr
    assert script.stdout == f"w = {straight.params[0]!r}\nb = {straight.params[1]!r}\n"


def test_bad_csv_line_7(tmp_path):
    csv = tmp_path / "d.csv"
    csv.write_text("x,y\n# header above\n1,2\n2,4\n3,6\n4,8\n5,oops\n", encoding="utf-8")
    proc = run("--data", str(csv))
    assert proc.returncode == 2
    assert "line 7" in error_line(proc)


@pytest.mark.parametrize("args,named", [
    (["--lr", "abc"], "--lr"),
    (["--lr", "-1"], "--lr"),
    (["--steps", "-2"], "--steps"),
    (["--batch-size", "9"], "--batch-size"),
    (["--reduction", "weighted", "--weights", "1,2"], "--weights"),
    (["--loss", "l7"], "--loss"),
    (["--momentum", "1.5", "--optimizer", "momentum"], "--momentum"),
    (["--frobnicate"], "--frobnicate"),
    (["--data", "no-such-file.csv"], "no-such-file.csv"),
    (["--session", "no-such-session.json"], "--session"),
    (["--session", "x.json", "--batch-size", "2"], "--batch-size"),
    (["--save-session", "no/such/folder/s.json"], "--save-session"),
])
def test_bad_arguments_exit_2_with_one_line_naming_them(args, named):
    proc = run(*args)
    assert proc.returncode == 2
    assert named in error_line(proc)


def test_bad_session_file_is_named(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "gradlab-session", "version": 9}', encoding="utf-8")
    proc = run("--session", str(bad))
    assert proc.returncode == 2
    assert "version" in error_line(proc) and "bad.json" in error_line(proc)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (a disk that is full)")
def test_unwritable_export_exits_2_without_traceback(ran):
    proc = ran["unwritable"]
    assert proc.returncode == 2
    assert "--export-code" in error_line(proc)
