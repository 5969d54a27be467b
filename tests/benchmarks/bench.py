"""Benchmark: the lab against bare PyTorch and bare Qt, side by side, in the same run.

    python tests/benchmarks/bench.py [--quick] [--json FILE] [--n N ...]

Machines here are noisy, so the figures that carry budgets are ratios against a floor measured in
the same process (throughput: interleaved A/B/A/B) or in alternated subprocesses (startup). Not
collected by pytest; ``tests/test_bench.py`` runs ``--quick`` once to keep it from rotting.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

BUDGETS = {  # key: (comparison, budget) — printed next to each figure
    "throughput_ratio_n4": (">=", 0.8),
    "throughput_ratio_n1000": (">=", 0.9),
    "throughput_ratio_n100000": (">=", 0.9),
    "throughput_ratio_n1000000": (">=", 0.9),
    "ui_stall_p99_ms": ("<=", 25.0),
    "ui_stall_max_ms": ("", None),
    "redraws_per_s": (">=", 30.0),
    "redraws_per_s_n1000000": (">=", 20.0),
    "input_latency_p95_ms": ("<=", 50.0),
    "startup_ratio": ("<=", 1.3),
    "startup_to_ready_s": ("", None),
    "frame_ms_n1000000": ("<=", 50.0),
    "rss_growth_mb_100k_steps": ("<=", 10.0),
    "close_mid_run_s": ("<=", 1.0),
    "compare_ratio_4runs_n1000": (">=", 0.9),
    "throughput_ratio_logistic_n40": ("", None),
    "ddp_ready_s_w4": ("<=", 1.5),
    "ddp_step_ratio_w2_n1000": (">=", 0.8),
    "accum_step_ratio_k4_n1000": (">=", 0.9),
}
#: Keys ``--only`` can run by themselves (bench_split.py: a split batch, issue 16).
SPLIT_KEYS = ("ddp_ready_s_w4", "ddp_step_ratio_w2_n1000", "accum_step_ratio_k4_n1000")


@dataclass
class Settings:
    quick: bool
    slice_s: float  # length of one A or B slice of the throughput comparison
    pairs: int  # A/B pairs per N
    startup_runs: int
    soak_steps: int
    latency_trials: int
    extras: dict = field(default_factory=dict)


# ---- helpers ---------------------------------------------------------------------------------


def rss_mb(pid: int | str = "self") -> float:
    with open(f"/proc/{pid}/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def percentile(values: list[float], q: float) -> float:
    s = sorted(values)
    if not s:
        return math.nan
    k = (len(s) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def wait_until(app, predicate, timeout: float) -> bool:
    from PySide6.QtCore import QEventLoop

    end = time.perf_counter() + timeout
    while time.perf_counter() < end:
        if predicate():
            return True
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        time.sleep(0.001)
    return predicate()


def pump(app, seconds: float) -> None:
    """Run the real event loop for ``seconds`` (a polling loop would hold the GIL itself)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(max(1, int(seconds * 1000)), loop.quit)
    loop.exec()


def dataset_for_n(n: int):
    from gradlab.core.data import make_preset

    return make_preset("seed") if n == 4 else make_preset("noisy-line", n=n, noise=0.5, seed=0)


def config_for_n(n: int):
    from gradlab.core.config import LabConfig

    preset = "seed" if n == 4 else "noisy-line"
    return LabConfig(preset=preset, n_points=None if n == 4 else n, noise=None if n == 4 else 0.5,
                     lr=0.01, loss="mse", reduction="mean", optimizer="sgd")


def bare_loop_rate(x, y, seconds: float, logistic: bool = False) -> float:
    """Steps/s of the plain PyTorch loop a student would write: same data, loss, reduction, SGD
    (``logistic``: BCE with logits, mean, lr 0.1, as the logistic benchmark's lab run)."""
    import torch
    import torch.nn.functional as F  # noqa: N812 - PyTorch's own spelling

    w = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w, b], lr=0.1 if logistic else 0.01)
    steps = 0
    t0 = time.perf_counter()
    while True:
        for _ in range(10):
            opt.zero_grad()
            loss = F.binary_cross_entropy_with_logits(w * x + b, y) if logistic \
                else ((w * x + b - y) ** 2).mean()
            loss.backward()
            opt.step()
        steps += 10
        dt = time.perf_counter() - t0
        if dt >= seconds:
            return steps / dt


class Lab:
    """The real window (offscreen) with its real worker (a training process, as shipped)."""

    def __init__(self, app, n: int, config=None) -> None:
        from gradlab.ui.main_window import MainWindow

        self.app = app
        self.window = MainWindow(config if config is not None else config_for_n(n), None)
        self.window.resize(1600, 1000)
        self.shown = 0
        self.last = None
        self.window.update_shown.connect(self._on_shown)
        self.window.show()
        self.window.start()
        if not wait_until(app, lambda: self.window.lab.state != "loading PyTorch…"
                          and self.window.lab.latest is not None, 60):
            raise RuntimeError("the worker did not become ready within 60 s")

    def _on_shown(self, update) -> None:
        self.shown += 1
        self.last = update

    def rss_mb(self) -> float:
        """Resident memory of the window's process and of its training process (if separate)."""
        pid = getattr(self.window.lab.worker, "pid", None)
        return rss_mb() + (rss_mb(pid) if pid is not None else 0.0)

    def steps(self) -> int:
        latest = self.window.lab.latest
        return 0 if latest is None else latest.step

    def running_rate(self, seconds: float) -> float:
        """Steps/s while running flat out, measured after the run has settled."""
        self.window.lab.run()
        wait_until(self.app, lambda: self.window.lab.running, 5)
        pump(self.app, 0.2)
        s0, t0 = self.steps(), time.perf_counter()
        pump(self.app, seconds)
        s1, t1 = self.steps(), time.perf_counter()
        self.pause()
        return (s1 - s0) / (t1 - t0)

    def pause(self) -> None:
        self.window.lab.pause()
        wait_until(self.app, lambda: not self.window.lab.running, 5)
        pump(self.app, 0.05)

    def close(self) -> None:
        self.window.close()
        self.window.deleteLater()
        pump(self.app, 0.1)


# ---- the figures -------------------------------------------------------------------------------


def measure_throughput(app, n: int, s: Settings, out: dict) -> None:
    import torch

    ds = dataset_for_n(n)
    x, y = torch.tensor(ds.x), torch.tensor(ds.y)
    lab = Lab(app, n)
    try:
        lab_rates, bare_rates = [], []
        slice_s = s.slice_s * (2 if n >= 1_000_000 else 1)
        for _ in range(s.pairs):  # A/B/A/B
            lab_rates.append(lab.running_rate(slice_s))
            bare_rates.append(bare_loop_rate(x, y, slice_s))
        ratio = statistics.mean(lab_rates) / statistics.mean(bare_rates)
        out[f"throughput_ratio_n{n}"] = ratio
        s.extras[f"steps_per_s_lab_n{n}"] = statistics.mean(lab_rates)
        s.extras[f"steps_per_s_bare_n{n}"] = statistics.mean(bare_rates)
        if n == 1000:
            measure_ui(app, lab, s, out)
        if n == 1_000_000:
            measure_redraws(app, lab, s, out, "redraws_per_s_n1000000")
            measure_frame(app, lab, out)
        if n == 1000:
            measure_close(app, lab, out)
    finally:
        lab.close()


#: The runs beside the main one in ``compare_ratio_4runs_n1000``: plain SGD, like the bare loop.
COMPARED = [{"reduction": "sum", "lr": "lr/N"}, {"lr": 0.005}, {"lr": 0.02}]


def measure_compare(app, s: Settings, out: dict) -> None:
    """Four runs side by side (the main one and COMPARED) at N = 1000, in lockstep, against four
    bare loops run one after the other for the same time: lockstep steps/s over a quarter of
    the bare loop's rate, interleaved A/B/A/B."""
    import torch

    n = 1000
    ds = dataset_for_n(n)
    x, y = torch.tensor(ds.x), torch.tensor(ds.y)
    lab = Lab(app, n)
    try:
        lab.window.lab.compare_runs(COMPARED)
        display = lab.window.compare_display
        if not wait_until(app, lambda: len(display.labels) == 4, 30):
            raise RuntimeError("the comparison did not start within 30 s")
        lab_rates, bare_rates = [], []
        for _ in range(s.pairs):
            lab_rates.append(lab.running_rate(s.slice_s))
            four = [bare_loop_rate(x, y, s.slice_s / 4) for _ in range(4)]
            bare_rates.append(statistics.mean(four) / 4)  # lockstep steps/s of 4 loops in turn
        if not all(b.size for b in display.buffers):
            raise RuntimeError("a compared run took no steps")
        out["compare_ratio_4runs_n1000"] = statistics.mean(lab_rates) / statistics.mean(bare_rates)
        s.extras["lockstep_steps_per_s_lab_4runs_n1000"] = statistics.mean(lab_rates)
        s.extras["lockstep_steps_per_s_bare_4runs_n1000"] = statistics.mean(bare_rates)
    finally:
        lab.close()


def measure_logistic(app, s: Settings, out: dict) -> None:
    """The logistic model (issue 19), reported: the lab on the pass-fail preset (bce, mean,
    SGD) over ``bare_loop_rate(logistic=True)`` on the same data, interleaved A/B/A/B."""
    import torch

    from gradlab.core.config import LabConfig
    from gradlab.core.data import make_preset

    config = LabConfig(preset="pass-fail", model="logistic", loss="bce", reduction="mean",
                       optimizer="sgd", lr=0.1)
    ds = make_preset("pass-fail")
    x, y = torch.tensor(ds.x), torch.tensor(ds.y)
    lab = Lab(app, len(ds), config)
    try:
        lab_rates, bare_rates = [], []
        for _ in range(s.pairs):
            lab_rates.append(lab.running_rate(s.slice_s))
            bare_rates.append(bare_loop_rate(x, y, s.slice_s, logistic=True))
        out["throughput_ratio_logistic_n40"] = statistics.mean(lab_rates) / statistics.mean(
            bare_rates)
        s.extras["steps_per_s_lab_logistic"] = statistics.mean(lab_rates)
        s.extras["steps_per_s_bare_logistic"] = statistics.mean(bare_rates)
    finally:
        lab.close()


#: ``--only KEY``: the measurement that gives KEY, run alone.
ONLY = {"compare_ratio_4runs_n1000": measure_compare,
        "throughput_ratio_logistic_n40": measure_logistic}


def measure_close(app, lab: Lab, out: dict) -> None:
    """Closing the window while it runs: the worker stops, its process ends, the thread joins."""
    lab.window.lab.run()
    wait_until(app, lambda: lab.window.lab.running, 5)
    pump(app, 0.3)
    t0 = time.perf_counter()
    lab.window.close()
    out["close_mid_run_s"] = time.perf_counter() - t0


def measure_redraws(app, lab: Lab, s: Settings, out: dict, key: str) -> None:
    """Updates the window drew per second while running (as ``redraws_per_s``, without the 1 ms
    probe timer)."""
    lab.window.lab.run()
    wait_until(app, lambda: lab.window.lab.running, 5)
    pump(app, 0.2)
    shown0, t0 = lab.shown, time.perf_counter()
    pump(app, s.slice_s * 2)
    out[key] = (lab.shown - shown0) / (time.perf_counter() - t0)
    lab.pause()


def measure_ui(app, lab: Lab, s: Settings, out: dict) -> None:
    """Stalls of a 1 ms GUI timer, redraws/s and lr-change latency while running at N = 1000."""
    from PySide6.QtCore import QEventLoop, Qt, QTimer

    ticks: list[float] = []
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(1)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    lab.window.lab.run()
    wait_until(app, lambda: lab.window.lab.running, 5)
    pump(app, 0.2)
    shown0 = lab.shown
    timer.start()
    t0 = time.perf_counter()
    seconds = s.slice_s * 2
    # A real event loop, not a polling loop: a stall is time the GUI thread could not serve events.
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    timer.stop()
    elapsed = time.perf_counter() - t0
    gaps = [(b - a) * 1000 for a, b in zip(ticks, ticks[1:], strict=False)]
    out["ui_stall_p99_ms"] = percentile(gaps, 0.99)
    out["ui_stall_max_ms"] = max(gaps) if gaps else math.nan
    out["redraws_per_s"] = (lab.shown - shown0) / elapsed

    latencies = []
    base = lab.window.lab.config
    for i in range(s.latency_trials):
        new_lr = 0.01 * (1.5 if i % 2 == 0 else 1.0) * (1 + i * 1e-3)
        target = base.replace(lr=new_lr)
        seen = []
        lab.window.update_shown.connect(seen.append)
        t0 = time.perf_counter()
        lab.window.lab.apply_config(target)
        ok = wait_until(app, lambda seen=seen, lr=new_lr: any(u.record.lr == lr for u in seen), 5)
        latencies.append((time.perf_counter() - t0) * 1000 if ok else math.inf)
        lab.window.update_shown.disconnect(seen.append)
        pump(app, 0.03)
    out["input_latency_p95_ms"] = percentile(latencies, 0.95)
    lab.pause()
    s.extras["input_latency_median_ms"] = statistics.median(latencies)


def measure_frame(app, lab: Lab, out: dict) -> None:
    """Time to redraw every panel (setData and paint) at N = 10^6."""
    update = lab.window.lab.latest
    times = []
    for _ in range(7):
        t0 = time.perf_counter()
        lab.window.redraw(update)
        lab.window.grab()  # paints every panel, synchronously
        times.append((time.perf_counter() - t0) * 1000)
    out["frame_ms_n1000000"] = statistics.median(times[1:])


def measure_rss(app, s: Settings, out: dict) -> None:  # noqa: ARG001 - as every measure
    """Resident memory growth over ``soak_steps`` steps at N = 1000, after a warm-up of 10 000
    steps, of the window's process and its training process together.

    In a process of its own, set up as the app's entry point (gui.py) sets up the window's:
    ``give_back_freed_memory_promptly``. Measured in this process, the figure was as much about
    what the figures before had left in glibc's heap (bare loops with 8 MB tensors, windows at
    N = 10^6; 500 MB resident) as about the soak: the soak's blocks came from that heap's free
    chunks and the old copy of a history buffer stayed in it. Ten runs of 2026-11-30 gave
    -21.5 to 17.0 MB this way, where the same soak in a fresh process grows 5.5-9.0 MB."""
    proc = subprocess.run([sys.executable, "-c", SOAK, str(s.soak_steps)], cwd=ROOT,
                          env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
                          capture_output=True, text=True, timeout=900)
    words = proc.stdout.split()
    if proc.returncode != 0 or len(words) != 3 or words[0] != "soak":
        raise RuntimeError(f"the memory soak failed (exit {proc.returncode}): "
                           f"{proc.stderr.strip()[-300:]}")
    growth, steps = float(words[1]), int(words[2])
    # Report per 100 000 steps (the budget's unit); a quick run measures fewer steps.
    out["rss_growth_mb_100k_steps"] = growth * 100_000 / max(steps, 1)
    s.extras["rss_soak_steps"] = steps


SOAK = textwrap.dedent("""
    import gc, sys
    sys.path.insert(0, "tests/benchmarks")
    from PySide6.QtWidgets import QApplication
    import bench
    from gradlab.core.memory import give_back_freed_memory_promptly
    from gradlab.ui.startup import configure_pyqtgraph

    configure_pyqtgraph()
    app = QApplication([])
    give_back_freed_memory_promptly()  # as gui.py does for the window's process
    soak = int(sys.argv[1])
    lab = bench.Lab(app, 1000)
    try:
        lab.window.lab.run()
        bench.wait_until(app, lambda: lab.steps() >= 10_000, 120)
        bench.pump(app, 0.2)
        gc.collect()  # what start-up left to collect
        rss0, s0 = lab.rss_mb(), lab.steps()
        bench.wait_until(app, lambda: lab.steps() >= s0 + soak, 600)
        steps = lab.steps() - s0
        growth = lab.rss_mb() - rss0
        lab.pause()
    finally:
        lab.close()
    print("soak", growth, steps)
""")


PROBE_BASELINE = textwrap.dedent("""
    import sys, time
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication
    import pyqtgraph as pg
    app = QApplication(sys.argv)
    w = pg.PlotWidget()
    w.plot([0, 1, 2], [0, 1, 4])
    class Probe(QObject):
        def eventFilter(self, obj, ev):
            if ev.type() == QEvent.Type.Paint:
                print("painted", time.time(), flush=True)
                QTimer.singleShot(0, app.quit)
                app.removeEventFilter(self)
            return False
    probe = Probe()
    app.installEventFilter(probe)
    w.resize(1600, 1000)
    w.show()
    app.exec()
""")


def startup_once(cmd: list[str], want: str) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", GRADLAB_STARTUP_PROBE=want)
    # As on a user's machine, compiled bytecode is cached (pip writes it for an installed app;
    # a checkout writes __pycache__ on its first launch). With PYTHONDONTWRITEBYTECODE set (as
    # in some shells and CI images) every launch would recompile gradlab's ~30 modules, ~40 ms
    # the bare script (only installed packages) never pays.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    t0 = time.time()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, cwd=ROOT)
    for line in proc.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == want:
            return float(parts[1]) - t0
    raise RuntimeError(f"{cmd} printed no {want!r} line (exit {proc.returncode}): "
                       f"{proc.stderr.strip()[-300:]}")


def measure_startup(s: Settings, out: dict) -> None:
    lab_cmd = [sys.executable, "main.py"]
    base_cmd = [sys.executable, "-c", PROBE_BASELINE]
    lab_t, base_t, ready_t = [], [], []
    startup_once(base_cmd, "painted")  # warm-up, not timed: bytecode caches, the disk cache
    startup_once(lab_cmd, "painted")
    for _ in range(s.startup_runs):  # alternated
        base_t.append(startup_once(base_cmd, "painted"))
        lab_t.append(startup_once(lab_cmd, "painted"))
    for _ in range(max(2, s.startup_runs // 2)):
        ready_t.append(startup_once(lab_cmd, "ready"))
    out["startup_ratio"] = statistics.median(lab_t) / statistics.median(base_t)
    out["startup_to_ready_s"] = statistics.median(ready_t)
    s.extras["startup_window_s"] = statistics.median(lab_t)
    s.extras["startup_bare_qt_s"] = statistics.median(base_t)


# ---- main -------------------------------------------------------------------------------------


def verdict(key: str, value: float) -> str:
    op, budget = BUDGETS[key]
    if budget is None:
        return "reported"
    ok = value >= budget if op == ">=" else value <= budget
    return f"{'ok ' if ok else 'MISS'} ({op} {budget:g})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a reduced run (under 2 minutes)")
    parser.add_argument("--json", metavar="FILE", help="write the figures as JSON")
    parser.add_argument("--only", metavar="KEY,...", help="measure only these keys, from: "
                        + ", ".join([*sorted(ONLY), *SPLIT_KEYS]))
    parser.add_argument("--n", type=int, action="append", choices=(4, 1000, 100_000, 1_000_000),
                        help="only the figures measured at this N (repeatable; no memory soak "
                             "or start-up)")
    args = parser.parse_args(argv)
    only = None if args.only is None else set(args.only.split(","))
    if only is not None and not only <= {*ONLY, *SPLIT_KEYS}:
        parser.error(f"argument --only: choose from {', '.join([*sorted(ONLY), *SPLIT_KEYS])}")
    s = (Settings(True, 0.5, 1, 3, 20_000, 8) if args.quick
         else Settings(False, 2.0, 3, 7, 100_000, 30))

    from PySide6.QtWidgets import QApplication

    # isort: split
    import pyqtgraph as pg  # after PySide6: pyqtgraph picks the binding already loaded

    from gradlab.ui.startup import configure_pyqtgraph

    configure_pyqtgraph()
    app = QApplication.instance() or QApplication([])
    out: dict[str, float] = {}
    t_start = time.perf_counter()
    from bench_split import measure_split

    if only is None:
        for n in args.n or (4, 1000, 100_000, 1_000_000):
            measure_throughput(app, n, s, out)
        if not args.n:
            measure_compare(app, s, out)
            measure_logistic(app, s, out)
            measure_rss(app, s, out)
            measure_startup(s, out)
    for key in sorted((only or set()) & set(ONLY)):
        ONLY[key](app, s, out)
    if (only is None and not args.n) or (only and only & set(SPLIT_KEYS)):
        measure_split(app, s, out, sys.modules[__name__],
                      None if only is None else only & set(SPLIT_KEYS))
    wall = time.perf_counter() - t_start

    import numpy
    import PySide6
    import torch

    machine = (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
               f"torch {torch.__version__}, PySide6 {PySide6.__version__}, "
               f"pyqtgraph {pg.__version__}, numpy {numpy.__version__}")
    print(f"gradlab benchmark ({'quick' if s.quick else 'full'}, {wall:.0f} s) on {machine}")
    print(f"{'figure':28s} {'value':>10s}  budget")
    for key in (k for k in BUDGETS if k in out):
        print(f"{key:28s} {out[key]:10.3f}  {verdict(key, out[key])}")
    print("details: " + ", ".join(f"{k} {v:.4g}" for k, v in s.extras.items()))
    if args.json:
        Path(args.json).write_text(json.dumps({**out, "details": s.extras, "machine": machine,
                                               "quick": s.quick, "seconds": wall}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
