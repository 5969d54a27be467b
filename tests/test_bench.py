"""Run the benchmark's quick mode once so it does not rot: every figure present and finite.

Budgets are the benchmark's business, not CI's: this test checks no timing.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "tests" / "benchmarks" / "bench.py"


def test_quick_benchmark_reports_every_figure(tmp_path: Path) -> None:
    sys.path.insert(0, str(BENCH.parent))
    try:
        import bench
    finally:
        sys.path.remove(str(BENCH.parent))
    out = tmp_path / "bench.json"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, str(BENCH), "--quick", "--json", str(out)],
                          capture_output=True, text=True, timeout=600, cwd=ROOT, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    figures = json.loads(out.read_text())
    for key in bench.BUDGETS:
        assert key in figures, f"{key} missing from the benchmark's JSON"
        assert math.isfinite(figures[key]), f"{key} is {figures[key]}"
    for key in bench.BUDGETS:  # and the table printed every figure
        assert key in proc.stdout
