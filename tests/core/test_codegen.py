"""The exported script reproduces the trainer bit-for-bit (run in a real Python subprocess)."""

from __future__ import annotations

import ast
import subprocess
import sys

import numpy as np
import pytest

from gradlab.core.codegen import generate_script
from gradlab.core.config import LabConfig
from gradlab.core.data import Dataset, dataset_for, make_preset
from gradlab.core.trainer import Trainer

CONFIGS = {
    "seed-sgd": LabConfig(),
    "minibatch-adam": LabConfig(preset="noisy-line", optimizer="adam", batch_size=7, lr=0.05,
                                seed=3),
    "momentum-mae-sum": LabConfig(preset="outlier", loss="mae", reduction="sum",
                                  optimizer="momentum", momentum=0.8, init_w=-1.0),
    "huber-weighted-partial": LabConfig(
        preset="outlier", loss="huber", reduction="weighted", batch_size=6,
        weights=tuple(float(i % 3) for i in range(20)), init_b=0.25),
    "huber-weighted-default": LabConfig(preset="noisy-line", loss="huber", reduction="weighted",
                                        batch_size=16, optimizer="adam", lr=0.1),
    # Large unedited presets are rebuilt by their numpy code in the script, not inlined.
    "generated-noisy": LabConfig(preset="noisy-line", n_points=1500, seed=5, batch_size=100),
    "generated-outlier": LabConfig(preset="outlier", n_points=1200, noise=0.3, loss="mae"),
    "generated-unscaled": LabConfig(preset="unscaled", n_points=1001, lr=1e-6, seed=1),
    "generated-large": LabConfig(preset="large", n_points=2000, batch_size=1000, lr=0.05),
}
STEPS = 25

RUNNER = """
import contextlib, io, runpy, sys
for path in sys.argv[1:]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        runpy.run_path(path, run_name="__main__")
    print(repr(out.getvalue()))
"""


def test_scripts_print_exactly_the_trainers_floats(tmp_path):
    expected, paths = [], []
    for name, cfg in CONFIGS.items():
        data = dataset_for(cfg)
        t = Trainer(cfg, data)
        t.run(STEPS)
        expected.append(f"w = {t.params[0]!r}\nb = {t.params[1]!r}\n")
        path = tmp_path / f"{name}.py"
        path.write_text(generate_script(cfg, data, STEPS), encoding="utf-8")
        paths.append(str(path))
    # One interpreter runs every script: each pays nothing for a second torch import.
    proc = subprocess.run([sys.executable, "-c", RUNNER, *paths], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    got = [ast.literal_eval(line) for line in proc.stdout.splitlines()]
    assert got == expected


def test_script_inlines_exact_data_and_names_the_setup():
    data = Dataset(np.array([0.1, 1 / 3]), np.array([2e-300, -7.5]), "mine")
    text = generate_script(LabConfig(preset="csv", lr=0.1), data, 3)
    assert "0.3333333333333333" in text and "2e-300" in text
    assert "dtype=torch.float64" in text and "steps = 3" in text
    compile(text, "script.py", "exec")


def test_large_presets_are_generated_and_edited_data_inlined():
    cfg = LabConfig(preset="noisy-line", n_points=1500)
    data = dataset_for(cfg)
    generated = generate_script(cfg, data, 1)
    assert "default_rng([0, 7919])" in generated and len(generated) < 5000
    edited = generate_script(cfg, data.with_point(0, 0.5, 0.5), 1)
    assert "default_rng([0, 7919])" not in edited and "    0.5, " in edited


def test_none_reduction_script_shows_the_failing_backward():
    text = generate_script(LabConfig(reduction="none"), make_preset("seed"), 1)
    assert "per_sample_loss.backward()" in text
    assert "grad can be implicitly created only" in text


def test_bad_steps_are_refused():
    with pytest.raises(ValueError, match="steps"):
        generate_script(LabConfig(), make_preset("seed"), -1)
