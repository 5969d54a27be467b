"""The real entry point in a subprocess: --screenshot, the no-display hint, bad arguments."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def _env(**changes: str | None) -> dict[str, str]:
    env = dict(os.environ)
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def test_screenshot_smoke(tmp_path: Path) -> None:
    out = tmp_path / "tmp.png"
    proc = _run(["--screenshot", str(out), "--preset", "seed", "--steps", "1"],
                _env(QT_QPA_PLATFORM=None, DISPLAY=None, WAYLAND_DISPLAY=None))
    assert proc.returncode == 0, proc.stderr
    assert out.stat().st_size > 10_000
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert proc.stderr == ""


def test_no_display_prints_one_line_hint_and_exits_2() -> None:
    proc = _run([], _env(QT_QPA_PLATFORM=None, DISPLAY=None, WAYLAND_DISPLAY=None), timeout=60)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "--headless" in lines[0] and "--screenshot" in lines[0]


def test_bad_arguments_one_line_exit_2() -> None:
    for args in (["--size", "huge"], ["--lr", "fast"], ["--bogus"]):
        proc = _run(args, _env(QT_QPA_PLATFORM="offscreen"), timeout=60)
        assert proc.returncode == 2, args
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_display_detection() -> None:
    from gradlab.gui import display_available

    assert not display_available({}, "linux")
    assert display_available({"DISPLAY": ":0"}, "linux")
    assert display_available({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert not display_available({"QT_QPA_PLATFORM": "xcb"}, "linux")
    assert display_available({}, "win32")
