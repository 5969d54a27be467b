"""Figures for the README: ``python packaging/measure.py PATH/TO/gradlab [--runs N]``.

Prints the bundle's size on disk and launch-to-window of the frozen app against
``python main.py`` on this machine: each is started with ``GRADLAB_STARTUP_PROBE=painted`` (the
window prints ``painted <unix time>`` after its first paint and quits), alternately, after one
warm-up run of each, and the median is reported. Offscreen when there is no display.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import disk_usage  # noqa: E402


def source_command() -> list[str]:
    return [sys.executable, str(ROOT / "main.py")]


def _env() -> dict[str, str]:
    env = dict(os.environ, GRADLAB_STARTUP_PROBE="painted")
    if sys.platform.startswith("linux") and not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def launch_to_painted(cmd: list[str], timeout: float = 120) -> float:
    """Seconds from starting ``cmd`` to its window's first paint."""
    t0 = time.time()
    proc = subprocess.run(cmd, env=_env(), capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT)
    for line in proc.stdout.splitlines():
        event, _, stamp = line.partition(" ")
        if event == "painted":
            return float(stamp) - t0
    raise RuntimeError(f"{cmd[0]} never reported its first paint (exit {proc.returncode}): "
                       f"{proc.stderr.strip()[-500:]}")


def compare_launch(frozen: Path, runs: int = 5) -> dict[str, float]:
    """Median launch-to-painted of source and frozen, measured alternately after a warm-up."""
    commands = {"source": source_command(), "frozen": [str(frozen)]}
    for cmd in commands.values():
        launch_to_painted(cmd)  # warm the page cache: the first start of anything is slower
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            times[name].append(launch_to_painted(cmd))
    result = {name: statistics.median(values) for name, values in times.items()}
    result["ratio"] = result["frozen"] / result["source"]
    return result


def bundle_dir(exe: Path) -> Path:
    """The folder to ship: dist/gradlab, or dist/gradlab.app on macOS."""
    for parent in exe.parents:
        if parent.suffix == ".app":
            return parent
    return exe.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python packaging/measure.py", description=__doc__)
    parser.add_argument("exe", type=Path, help="the bundle's executable (build.py's last line)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    root = bundle_dir(args.exe)
    print(f"bundle {root}: {disk_usage(root) / 1e6:.0f} MB on disk")
    r = compare_launch(args.exe, args.runs)
    print(f"launch to window painted (median of {args.runs}): python main.py {r['source']:.2f} s, "
          f"frozen {r['frozen']:.2f} s, ratio {r['ratio']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
