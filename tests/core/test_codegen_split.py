"""The accumulation scripts print exactly the lab's w and b (one interpreter runs them all)."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from gradlab.core.accumulate import AccumulatingTrainer
from gradlab.core.codegen_split import generate_split_script
from gradlab.core.config import LabConfig
from gradlab.core.data import dataset_for
from gradlab.core.splitting import SplitSettings

CASES = {
    "weighted-explicit": (LabConfig(preset="outlier", loss="huber", reduction="weighted",
                                    batch_size=5, weights=tuple(float(i % 3) for i in range(20))),
                          SplitSettings(micro_sizes=(2, 3), accum_scale="none")),
    "sum-1/K-momentum": (LabConfig(preset="noisy-line", reduction="sum", batch_size=11,
                                   optimizer="momentum", lr=0.001),
                         SplitSettings(micro_batches=3, accum_scale="1/K")),
    "mae-forget-adam": (LabConfig(preset="seed", loss="mae", optimizer="adam", lr=0.1),
                        SplitSettings(micro_sizes=(1, 3), accum_scale="n/N",
                                      forget_zero_grad=True)),
}
RUNNER = """
import contextlib, io, runpy, sys
for path in sys.argv[1:]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        runpy.run_path(path, run_name="__main__")
    print(repr(out.getvalue()))
"""


def test_accumulation_scripts_reproduce_the_lab(tmp_path):
    expected, paths = [], []
    for name, (cfg, split) in CASES.items():
        data = dataset_for(cfg)
        t = AccumulatingTrainer(cfg, data, split)
        t.run(9)
        expected.append(t.params)
        path = tmp_path / f"{name.replace('/', '_')}.py"
        path.write_text(generate_split_script(cfg, data, 9, split), encoding="utf-8")
        paths.append(str(path))
    proc = subprocess.run([sys.executable, "-c", RUNNER, *paths], capture_output=True, text=True,
                          timeout=180)
    assert proc.returncode == 0, proc.stderr
    for line, (w, b) in zip(proc.stdout.splitlines(), expected, strict=True):
        values = dict(row.split(" = ") for row in ast.literal_eval(line).splitlines())
        assert float(values["w"]) == pytest.approx(w, rel=1e-9, abs=1e-12)
        assert float(values["b"]) == pytest.approx(b, rel=1e-9, abs=1e-12)


def test_scripts_name_the_split():
    cfg = LabConfig()
    data = dataset_for(cfg)
    acc = generate_split_script(cfg, data, 1, SplitSettings(micro_sizes=(1, 3)))
    assert "sizes = [1, 3]" in acc and "(1 / len(sizes))" in acc and "optimizer.zero_grad()" in acc
    ddp = generate_split_script(cfg, data, 1, SplitSettings(workers=2, ddp_loss_scale="world"))
    assert 'os.environ["MASTER_ADDR"] = "127.0.0.1"' in ddp and "* WORLD" in ddp
    assert "mp.spawn(worker" in ddp and 'init_process_group("gloo"' in ddp
    assert generate_split_script(cfg, data, 1, SplitSettings()).count("backward()") == 1
