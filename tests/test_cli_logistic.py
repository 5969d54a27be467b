"""Headless logistic regression (issue 19): the worked table, the denominator, all-ignored
batches, and one-line refusals of bad input. The numbers are the issue's own derivation (x = [1,
2, 3, 4], y = [0, 0, 1, 1], w = b = 0: every p = 0.5, every loss ln 2), typed in as literals."""

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
LN2 = 0.6931471805599453


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


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """``cli.main`` in this process (torch is loaded once: fast), with its output and status."""
    from gradlab import cli

    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = cli.main(list(args))
    assert "Traceback" not in stderr.getvalue()
    return subprocess.CompletedProcess(list(args), code, stdout.getvalue(), stderr.getvalue())


def one_line(proc: subprocess.CompletedProcess[str]) -> str:
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


@pytest.fixture(scope="module")
def table_csv(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("logistic") / "table.csv"
    path.write_text("x,y\n1,0\n2,0\n3,1\n4,1\n", encoding="utf-8")
    return str(path)


# (options, loss, (dL/dw, dL/db), denominator): the table.
TABLE = [
    (["--loss", "bce"], LN2, (-0.5, 0.0), 4),
    (["--loss", "bce", "--sample-weights", "1,1,3,3"], 1.386294, (-2.25, -0.5), 4),
    (["--loss", "cross-entropy"], LN2, (-0.5, 0.0), 4),
    (["--loss", "cross-entropy", "--class-weights", "1,3"], LN2, (-1.125, -0.25), 8),
    (["--loss", "cross-entropy", "--ignore", "3"], LN2, (0.0, 0.166667), 3),
    (["--loss", "cross-entropy", "--ignore", "0,1,2,3"], math.nan, (0.0, 0.0), 0),
]


@pytest.mark.parametrize(("options", "loss", "grad", "denominator"), TABLE,
                         ids=[" ".join(row[0]) for row in TABLE])
def test_the_worked_table_in_json(table_csv, options, loss, grad, denominator):
    proc = run_cli("--data", table_csv, "--model", "logistic", *options, "--json")
    assert proc.returncode == 0, proc.stderr
    (rec,) = [json.loads(line) for line in proc.stdout.splitlines()]
    assert rec["batch"] == [0, 1, 2, 3]
    if math.isnan(loss):
        assert math.isnan(rec["loss"])
    else:
        assert rec["loss"] == pytest.approx(loss, abs=1e-6)
    assert (rec["grad_w"], rec["grad_b"]) == pytest.approx(grad, abs=1e-6)
    assert rec["denominator"] == denominator


def test_per_sample_losses_sit_next_to_the_reduced_one(table_csv):
    rec = json.loads(run_cli("--data", table_csv, "--model", "logistic", "--loss",
                             "cross-entropy", "--class-weights", "1,3", "--json").stdout)
    # class weights multiply each loss: ln 2, ln 2, 3 ln 2, 3 ln 2; mean = 8 ln 2 / 8
    assert rec["per_sample_loss"] == pytest.approx([LN2, LN2, 3 * LN2, 3 * LN2])
    ignored = json.loads(run_cli("--data", table_csv, "--model", "logistic", "--loss",
                                 "cross-entropy", "--ignore", "3", "--json").stdout)
    assert ignored["per_sample_loss"] == pytest.approx([LN2, LN2, LN2, 0.0])


def test_all_ignored_step_is_a_note_and_changes_nothing(table_csv):
    proc = run_cli("--data", table_csv, "--model", "logistic", "--loss", "cross-entropy",
                   "--ignore", "0,1,2,3", "--steps", "3", "--optimizer", "momentum", "--json")
    assert proc.returncode == 0, proc.stderr  # not a divergence (that would be 3)
    recs = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["step"] for r in recs] == [1, 2, 3]  # training goes on
    for r in recs:
        assert math.isnan(r["loss"]) and r["denominator"] == 0
        assert (r["w"], r["b"]) == (0.0, 0.0)
        assert "the mean of nothing is NaN" in r["note"]
    text = run_cli("--data", table_csv, "--model", "logistic", "--loss", "cross-entropy",
                   "--ignore", "0,1,2,3")
    assert text.returncode == 0
    assert "every sample of this batch is ignored" in text.stdout


def test_an_all_ignored_minibatch_is_skipped_and_the_next_one_trains(table_csv):
    """Batch size 2: the ignored samples 0 and 1 form one of the shuffled batches somewhere."""
    proc = run_cli("--data", table_csv, "--model", "logistic", "--loss", "cross-entropy",
                   "--ignore", "0,1", "--batch-size", "2", "--steps", "8", "--seed", "3",
                   "--json")
    assert proc.returncode == 0, proc.stderr
    recs = [json.loads(line) for line in proc.stdout.splitlines()]
    empty = [r for r in recs if sorted(r["batch"]) == [0, 1]]
    full = [r for r in recs if sorted(r["batch"]) != [0, 1]]
    assert empty and full
    previous = {r["step"]: (r["w"], r["b"]) for r in recs}
    for r in empty:
        assert math.isnan(r["loss"]) and r["denominator"] == 0 and "note" in r
        if r["step"] > 1:
            assert (r["w"], r["b"]) == previous[r["step"] - 1]
    for r in full:
        assert math.isfinite(r["loss"]) and "note" not in r
        assert r["denominator"] == sum(i not in (0, 1) for i in r["batch"])


def test_the_line_model_gets_the_denominator_too():
    rec = json.loads(run_cli("--preset", "seed", "--json").stdout)
    assert (rec["loss"], rec["grad_w"], rec["grad_b"], rec["w"], rec["b"]) == pytest.approx(
        (30, -30, -10, 0.3, 0.1))
    assert rec["denominator"] == 4 and "note" not in rec
    assert json.loads(run_cli("--preset", "seed", "--reduction", "sum", "--json").stdout)[
        "denominator"] == 1


def test_presets_pick_the_logistic_model():
    for preset in ("pass-fail", "separable", "imbalanced"):
        proc = run_cli("--preset", preset, "--steps", "2", "--json")
        assert proc.returncode == 0, proc.stderr
        recs = [json.loads(line) for line in proc.stdout.splitlines()]
        assert len(recs) == 2 and all(math.isfinite(r["loss"]) for r in recs)
        assert set(recs[0]["batch"]) == set(range(len(recs[0]["batch"])))
        assert recs[0]["loss"] == pytest.approx(LN2)  # w = b = 0: every p = 0.5


def test_separable_data_says_why_w_grows():
    proc = run_cli("--preset", "separable", "--steps", "1")
    assert proc.returncode == 0, proc.stderr
    assert "w grows without bound" in proc.stdout


@pytest.mark.parametrize(("args", "expected"), [
    (["--model", "logistic", "--preset", "seed"],
     "argument --model: sample 0 has the label y = 2.0: the logistic model needs labels 0 or 1"),
    (["--preset", "pass-fail", "--loss", "bce", "--ignore", "1"],
     "argument --ignore: only for --loss cross-entropy, not bce"),
    (["--preset", "pass-fail", "--ignore", "1"],
     "argument --ignore: only for --loss cross-entropy, not bce"),
    (["--preset", "pass-fail", "--loss", "cross-entropy", "--class-weights", "1,2,3"],
     "argument --class-weights: needs two weights, one per class (w0,w1), got 3"),
    (["--preset", "pass-fail", "--loss", "cross-entropy", "--class-weights", "1"],
     "argument --class-weights: needs two weights, one per class (w0,w1), got 1"),
    (["--preset", "pass-fail", "--loss", "cross-entropy", "--class-weights", "1,-2"],
     "argument --class-weights: must be >= 0, got -2.0"),
    (["--preset", "pass-fail", "--loss", "cross-entropy", "--ignore", "40"],
     "argument --ignore: sample 40 is out of range: the dataset has 40 samples (indices 0 to 39)"),
    (["--preset", "pass-fail", "--loss", "cross-entropy", "--ignore", "-1"],
     "argument --ignore: sample indices are whole numbers >= 0 (0-based), got -1"),
    (["--preset", "pass-fail", "--loss", "cross-entropy", "--ignore", "a"],
     "argument --ignore: 'a' is not a sample index"),
    (["--preset", "pass-fail", "--sample-weights", "1,2"],
     "argument --sample-weights: needs one weight per sample: 40 samples but 2 weights"),
    (["--preset", "pass-fail", "--pos-weight", "-1"],
     "argument --pos-weight: must be >= 0, got -1.0"),
    (["--preset", "pass-fail", "--loss", "cross-entropy", "--pos-weight", "2"],
     "argument --pos-weight: only for --loss bce, not cross-entropy"),
    (["--preset", "seed", "--class-weights", "1,2"],
     "argument --class-weights: only for the logistic model (--model logistic)"),
    (["--preset", "pass-fail", "--loss", "mse"],
     "argument --loss: 'mse' is not a loss of the logistic model; use one of bce, cross-entropy"),
    (["--preset", "seed", "--loss", "bce"],
     "argument --loss: 'bce' is not a loss of the line model; use one of mse, mae, huber"),
    (["--preset", "pass-fail", "--stability"],
     "argument --stability: not available for the logistic model yet"),
])
def test_bad_input_is_one_line_and_exit_2(args, expected):
    proc = run_cli(*args)
    assert proc.returncode == 2
    assert one_line(proc) == f"gradlab: error: {expected}"


def test_csv_labels_other_than_0_1_are_refused_with_the_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n1,0\n2,1\n# a comment\n3,0.5\n", encoding="utf-8")
    proc = run_cli("--data", str(bad), "--model", "logistic")
    assert proc.returncode == 2
    assert one_line(proc) == (f"gradlab: error: {bad}: line 5: the label y = '0.5' is not 0 or 1 "
                              "(the logistic model needs 0/1 labels)")
    assert run_cli("--data", str(bad)).returncode == 0  # the line fits any y


def test_the_entry_point_prints_the_table_row(table_csv):
    """Once as users run it (a child process): the all-ignored row, status 0."""
    proc = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--headless", "--data", table_csv, "--model",
         "logistic", "--loss", "cross-entropy", "--ignore", "0,1,2,3", "--json"],
        capture_output=True, text=True, encoding="utf-8", timeout=180)
    assert proc.returncode == 0, proc.stderr
    rec = json.loads(proc.stdout)
    assert math.isnan(rec["loss"]) and rec["denominator"] == 0
    assert (rec["grad_w"], rec["grad_b"], rec["w"], rec["b"]) == (0.0, 0.0, 0.0, 0.0)
