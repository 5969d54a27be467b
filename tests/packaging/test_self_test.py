"""``--self-test`` from source: it passes, and it fails fast with a reason instead of hanging.

These run in the default suite (a few seconds each). The frozen app's self-test is in
test_bundle.py, which builds the bundle and is opt-in.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from gradlab.selftest import check_record

ROOT = Path(__file__).resolve().parents[2]


def _run(tmp_path: Path, fake_torch: str | None = None, timeout_s: float | None = None,
         limit: float = 240, fake: str = "torch") -> subprocess.CompletedProcess:
    env = dict(os.environ)
    for key in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "GRADLAB_SELF_TEST_TIMEOUT"):
        env.pop(key, None)  # the self-test must go offscreen by itself
    if fake_torch is not None:
        package = tmp_path / "fake" / fake
        package.mkdir(parents=True)
        (package / "__init__.py").write_text(fake_torch)
        env["PYTHONPATH"] = os.pathsep.join([str(tmp_path / "fake"), env.get("PYTHONPATH", "")])
    if timeout_s is not None:
        env["GRADLAB_SELF_TEST_TIMEOUT"] = str(timeout_s)
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--self-test"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=limit)


def test_self_test_passes_from_source(tmp_path: Path) -> None:
    proc = _run(tmp_path)
    assert proc.returncode == 0, proc.stderr
    line = proc.stdout.strip().splitlines()[-1]
    assert line.startswith("gradlab self-test: ok (source")
    assert "w 0.3 b 0.1 loss 30" in line
    assert proc.stderr == ""
    print(line)


def test_torch_that_fails_to_import_ends_the_self_test(tmp_path: Path) -> None:
    proc = _run(tmp_path, fake_torch='raise ImportError("broken on purpose")\n')
    assert proc.returncode == 1
    assert "self-test failed" in proc.stderr
    assert "broken on purpose" in proc.stderr


def test_torch_that_hangs_hits_the_deadline_with_the_stage(tmp_path: Path) -> None:
    # The hang is bounded, so a helper process stuck in it cannot outlive the test for long.
    proc = _run(tmp_path, fake_torch="import time\ntime.sleep(60)\n", timeout_s=8, limit=60)
    assert proc.returncode == 1
    assert "timed out after 8 s waiting for: the worker to be ready" in proc.stderr


def test_an_unexpected_error_ends_the_self_test_with_the_stage(tmp_path: Path) -> None:
    proc = _run(tmp_path, fake_torch='raise RuntimeError("no plots today")\n', fake="pyqtgraph",
                limit=60)
    assert proc.returncode == 1
    last = proc.stderr.strip().splitlines()[-1]
    assert last == ("gradlab: self-test failed: while waiting for Qt and pyqtgraph to import: "
                    "RuntimeError: no plots today")


def test_check_record_names_what_is_wrong() -> None:
    class Record:
        loss, grad_w, grad_b, w_after, b_after = 30.0, -30.0, -10.0, 0.3, 0.1

    assert check_record(Record()) == []
    Record.w_after = -0.3  # the article's sign slip
    assert check_record(Record()) == ["w_after -0.3 (expected 0.3)"]
    Record.b_after = float("nan")
    assert len(check_record(Record())) == 2
