"""Soak: a long run in the real window, and what it does to resident memory.

    python tests/benchmarks/soak.py [--steps 1000000] [--n 1000] [--mode process|thread]
                                    [--every 100000] [--limit STEPS] [--json FILE]

Runs ``--steps`` steps flat out at N = ``--n`` in the window (offscreen, the worker mode the app
uses unless ``--mode`` says otherwise) and prints, every ``--every`` steps, the resident memory of
the window's process and of its training process next to the size of the history buffer (the
window keeps every step's loss, gradient and parameters: 48 bytes a step, grown by doubling).

The history is bounded too: the window and the worker keep the newest ``limit`` to 2·``limit``
steps (10^6 by default; ``--limit`` lowers it to see the ceiling within a shorter run; in process
mode only the window's side can be lowered).

The verdict: nothing lost (the history holds the newest steps, each once, up to K = the run's
last step), and memory bounded: once the history has reached its ceiling, neither process grows
by more than ``--slack`` MB; before that, growth beyond the history's own arrays (the buffer, the
worker's log, the plotted log10 loss) stays under ``--slack``. Exit status 0 if both hold, 1 if
not. Not collected by pytest; ``tests/reliability/test_load.py`` runs a short soak in the suite.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")


def rss_mb(pid: int | str = "self") -> float:
    """Resident memory of a process (Linux /proc), in MB; 0 if it has gone."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            pages = int(f.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def wait_until(app, predicate, timeout: float, interval: float = 0.01) -> bool:  # noqa: ANN001
    end = time.perf_counter() + timeout
    while time.perf_counter() < end:
        app.processEvents()
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


@dataclass
class Sample:
    steps: int
    seconds: float
    window_mb: float
    trainer_mb: float  # the training process (0 in thread mode: it is the window's process)
    history_mb: float  # the history buffer's allocation


@dataclass
class Report:
    n: int
    mode: str
    steps: int = 0
    seconds: float = 0.0
    samples: list[Sample] = field(default_factory=list)
    history_complete: bool = False
    window_growth_mb: float = 0.0
    history_growth_mb: float = 0.0
    window_growth_beyond_history_mb: float = 0.0
    trainer_growth_mb: float = 0.0
    limit: int = 0
    ceiling_step: int | None = None  # the first sample with the history at its ceiling
    growth_after_ceiling_mb: float | None = None
    bounded: bool = False

    @property
    def ok(self) -> bool:
        return self.history_complete and self.bounded


def history_mb(window) -> float:  # noqa: ANN001
    return window.history_panel.buffer._data.nbytes / 2**20


def soak(app, steps: int, n: int, mode: str | None, every: int, slack_mb: float,  # noqa: ANN001
         warmup: int = 5_000, log=print, limit: int | None = None) -> Report:  # noqa: ANN001
    """Run ``steps`` steps (after ``warmup`` steps whose memory is the baseline)."""
    from gradlab.core.config import LabConfig
    from gradlab.ui.main_window import MainWindow

    config = LabConfig(preset="noisy-line", n_points=n, lr=0.01)
    window = MainWindow(config, None, **({} if mode is None else {"worker_mode": mode}))
    report = Report(n=n, mode=window.lab.worker_mode)
    buffer = window.history_panel.buffer
    if limit is not None:
        buffer.limit = limit
        if hasattr(window.lab.worker, "_log"):  # thread mode: the worker's log too
            window.lab.worker._log.limit = limit
    report.limit = getattr(buffer, "limit", 0)
    window.resize(1600, 1000)
    window.show()
    window.start()
    try:
        if not wait_until(app, lambda: window.shown is not None, 120):
            raise RuntimeError("the worker did not become ready within 120 s")

        def step() -> int:
            return 0 if window.lab.latest is None else window.lab.latest.step

        def sample(t0: float) -> Sample:
            pid = getattr(window.lab.worker, "pid", None)
            return Sample(step(), time.perf_counter() - t0, rss_mb(),
                          rss_mb(pid) if pid is not None else 0.0, history_mb(window))

        window.lab.run()
        if not wait_until(app, lambda: step() >= warmup, 300):
            raise RuntimeError(f"fewer than {warmup} steps after 300 s")
        t0 = time.perf_counter()
        base = sample(t0)
        report.samples.append(base)
        log(f"{'steps':>10s} {'s':>8s} {'steps/s':>8s} {'window MB':>10s} "
            f"{'trainer MB':>10s} {'history MB':>10s}")

        def show(s: Sample) -> None:
            rate = (s.steps - base.steps) / s.seconds if s.seconds else 0.0
            log(f"{s.steps:10,d} {s.seconds:8.1f} {rate:8.0f} {s.window_mb:10.1f} "
                f"{s.trainer_mb:10.1f} {s.history_mb:10.1f}")

        show(base)
        target = base.steps + steps
        mark = base.steps + every
        while step() < target:
            goal = min(mark, target)
            if not wait_until(app, lambda goal=goal: step() >= goal or window.lab.state
                              in ("diverged", "error"), 3600):
                raise RuntimeError("no progress for an hour")
            if window.lab.state in ("diverged", "error"):
                raise RuntimeError(f"the run stopped: {window.banner.text()}")
            s = sample(t0)
            report.samples.append(s)
            show(s)
            mark += every
        window.lab.pause()
        wait_until(app, lambda: not window.lab.running and window.lab.latest is not None
                   and not window.lab.latest.running, 30)
        wait_until(app, lambda: False, 0.3)  # let the last history arrive
        window.flush_history()
        end = sample(t0)
        report.steps = end.steps - base.steps
        report.seconds = end.seconds
        buf = window.history_panel.buffer
        steps_kept = buf.column("step")
        first = end.steps - buf.size + 1  # the oldest step kept (1 until the ceiling)
        report.history_complete = bool(buf.size >= min(end.steps, report.limit or end.steps)
                                       and (steps_kept == list(range(first, end.steps + 1))).all())
        report.window_growth_mb = end.window_mb - base.window_mb
        report.history_growth_mb = end.history_mb - base.history_mb
        report.window_growth_beyond_history_mb = report.window_growth_mb - report.history_growth_mb
        report.trainer_growth_mb = end.trainer_mb - base.trainer_mb
        ceiling = next((s for s in report.samples if report.limit
                        and s.steps >= 2 * report.limit), None)
        if ceiling is not None and ceiling is not report.samples[-1]:
            report.ceiling_step = ceiling.steps
            report.growth_after_ceiling_mb = max(end.window_mb - ceiling.window_mb,
                                                 end.trainer_mb - ceiling.trainer_mb)
            report.bounded = report.growth_after_ceiling_mb <= slack_mb
        else:
            # Before the ceiling the history's arrays grow: the window's buffer and its plotted
            # log10 loss (1/6 of it), and the worker's log (as large as the buffer, in whichever
            # process the worker runs).
            history = report.history_growth_mb
            if report.mode == "thread":
                beyond_window = report.window_growth_mb - history * (2 + 1 / 6)
                beyond_trainer = 0.0
            else:
                beyond_window = report.window_growth_mb - history * (1 + 1 / 6)
                beyond_trainer = report.trainer_growth_mb - history
            report.bounded = max(beyond_window, beyond_trainer) <= slack_mb
    finally:
        window.close()
        window.deleteLater()
        wait_until(app, lambda: False, 0.1)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1_000_000)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--mode", choices=("process", "thread"), default=None,
                        help="the worker mode (default: the app's)")
    parser.add_argument("--every", type=int, default=100_000, help="print a line this often")
    parser.add_argument("--slack", type=float, default=30.0,
                        help="MB of growth allowed beyond the history (default 30)")
    parser.add_argument("--limit", type=int, default=None,
                        help="keep this many to twice this many steps of history (default: "
                             "the app's, 10^6)")
    parser.add_argument("--json", metavar="FILE", help="write the figures as JSON")
    args = parser.parse_args(argv)

    from PySide6.QtWidgets import QApplication

    # isort: split
    from gradlab.ui.startup import configure_pyqtgraph

    configure_pyqtgraph()
    app = QApplication.instance() or QApplication([])
    report = soak(app, args.steps, args.n, args.mode, args.every, args.slack, limit=args.limit)
    print(f"soak: {report.steps:,} steps at N = {report.n:,} ({report.mode} mode) in "
          f"{report.seconds:.0f} s ({report.steps / max(report.seconds, 1e-9):,.0f} steps/s)")
    kept = "the newest steps kept, each once" if report.history_complete else "STEPS LOST"
    print(f"history: {kept} (limit {report.limit:,}); buffer grew "
          f"{report.history_growth_mb:.1f} MB")
    if report.growth_after_ceiling_mb is not None:
        print(f"after the history reached its ceiling (step {report.ceiling_step:,}): "
              f"{report.growth_after_ceiling_mb:+.1f} MB (the larger of the two processes)")
    print(f"window process: {report.window_growth_mb:+.1f} MB, "
          f"{report.window_growth_beyond_history_mb:+.1f} MB beyond the history buffer")
    if report.mode == "process":
        print(f"training process: {report.trainer_growth_mb:+.1f} MB")
    print(f"verdict: {'bounded' if report.bounded else 'NOT BOUNDED'} "
          f"(slack {args.slack:g} MB), {'nothing lost' if report.history_complete else 'LOST'}")
    if args.json:
        Path(args.json).write_text(json.dumps(asdict(report), indent=2))
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
