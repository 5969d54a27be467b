"""The real entry point in a subprocess: --screenshot, the no-display hint, bad arguments."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

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


_COUNT_ALLOCATOR_CALLS = """
import sys
from gradlab import gui
from gradlab.core import memory
calls = []
gui.give_back_freed_memory_promptly = lambda: calls.append(memory._kept) or True
code = gui.main(sys.argv[1:])
print("calls", calls, "exit", code)
"""


def test_the_window_process_gives_freed_memory_back(tmp_path: Path) -> None:
    """The entry point sets the window's process to give freed blocks back at once (it trains
    nothing itself; core/memory.py), once, before the window is made."""
    out = tmp_path / "shot.png"
    proc = subprocess.run([sys.executable, "-c", _COUNT_ALLOCATOR_CALLS, "--screenshot", str(out),
                           "--preset", "seed", "--steps", "1"],
                          env=_env(QT_QPA_PLATFORM="offscreen"), cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "calls [False] exit 0" in proc.stdout


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


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_closing_while_torch_loads_exits_at_once_and_leaves_no_process() -> None:
    """The startup probe closes the window as soon as it has painted: the training process is
    still starting (importing torch). The app must exit cleanly and quickly, without orphans."""
    import time
    import uuid

    mark = uuid.uuid4().hex  # inherited by every process the app starts
    t0 = time.perf_counter()
    proc = _run([], _env(QT_QPA_PLATFORM="offscreen", GRADLAB_STARTUP_PROBE="painted",
                         GRADLAB_TEST_MARK=mark))
    elapsed = time.perf_counter() - t0
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("painted ") and proc.stderr == ""
    assert elapsed < 20  # a hang, not a budget: about 1 s here, interpreter start included
    deadline = time.perf_counter() + 10
    while (left := _processes_marked(mark)) and time.perf_counter() < deadline:
        time.sleep(0.2)  # the fork server notices its parent has gone within a moment
    assert not left, f"processes left behind: {left}"


def _processes_marked(mark: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if f"GRADLAB_TEST_MARK={mark}".encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found
