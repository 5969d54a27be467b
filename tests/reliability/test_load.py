"""Load and soak: a storm of 10 000 control changes while running leaves the window responsive
and in the state of the last change; a short soak keeps every step and bounded memory (the long
one, 10^6 steps, is ``tests/benchmarks/soak.py``)."""

from __future__ import annotations

import importlib.util
import random
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from gradlab.core.config import LabConfig
from tests.gui.checks import panels_finite
from tests.reliability import tally

SOAK = Path(__file__).resolve().parents[1] / "benchmarks" / "soak.py"
_spec = importlib.util.spec_from_file_location("gradlab_soak", SOAK)
soak = sys.modules.setdefault("gradlab_soak", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(soak)

STORM = 10_000


def storm_changes(controls, rng: random.Random):  # noqa: ANN001, ANN201
    """Random edits a restless student makes while the run goes on: every live knob, and the
    initial w and b (each of those restarts at step 0). Not the data (that pauses on purpose),
    not 'none' and no learning rate above 0.1 (those stop a run on purpose too)."""
    top_lr = controls.lr.scale.position(0.1)

    def slide(slider, lo: int = 0, hi: int | None = None):  # noqa: ANN001, ANN202
        return lambda: slider.slider.setValue(rng.randint(lo, slider.scale.top if hi is None
                                                          else hi))

    def pick(combo, allowed: tuple[str, ...]):  # noqa: ANN001, ANN202
        return lambda: combo.setCurrentIndex(combo.findData(rng.choice(allowed)))

    return [slide(controls.lr, 0, top_lr)] * 4 + [
        slide(controls.momentum), slide(controls.batch), slide(controls.init_w),
        slide(controls.init_b),
        pick(controls.loss, ("mse", "mae", "huber")),
        pick(controls.reduction, ("mean", "sum", "weighted")),
        pick(controls.optimizer, ("sgd", "momentum", "adam")),
    ]


@pytest.mark.parametrize("mode", ["thread", "process"])
def test_a_storm_of_control_changes_while_running(make_lab, qtbot, mode: str) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(preset="noisy-line", n_points=200, lr=0.01), worker_mode=mode)
    controls = window.controls
    window.lab.run()
    qtbot.waitUntil(lambda: window.lab.state == "running", timeout=10_000)
    rng = random.Random(2026)
    changes = storm_changes(controls, rng)
    app = QApplication.instance()
    t0 = time.perf_counter()
    for i in range(STORM):
        rng.choice(changes)()
        if i % 50 == 49:  # input arrives through the event loop: let it turn now and then
            app.processEvents()
    # The last change: known values on every kind of knob.
    controls.lr.slider.setValue(controls.lr.scale.position(0.02))
    for combo, value in ((controls.loss, "huber"), (controls.reduction, "sum"),
                         (controls.optimizer, "momentum")):
        combo.setCurrentIndex((combo.findData(value) + 1) % combo.count())
        combo.setCurrentIndex(combo.findData(value))
    storm_s = time.perf_counter() - t0
    expected = controls.config()
    assert (expected.lr, expected.loss, expected.reduction, expected.optimizer) == \
        (0.02, "huber", "sum", "momentum")
    qtbot.waitUntil(lambda: window.lab.config == expected and window.lab.latest is not None
                    and window.lab.latest.config == expected, timeout=60_000)
    caught_up_s = time.perf_counter() - t0 - storm_s
    assert window.lab.state == "running" and not window.banner.isVisible(), window.banner.text()
    # Responsive: a pause is answered, and then a step is taken with the last settings.
    t1 = time.perf_counter()
    window.lab.pause()
    qtbot.waitUntil(lambda: window.lab.state == "paused" and not window.lab.running, timeout=10_000)
    pause_s = time.perf_counter() - t1
    step = window.lab.latest.step
    window.lab.step()
    qtbot.waitUntil(lambda: window.shown is not None and window.shown.step == step + 1
                    and not window.shown.running, timeout=10_000)
    record = window.shown.record
    assert (record.lr, record.loss_name, record.reduction) == (0.02, "huber", "sum")
    assert window.shown.config == expected == controls.config()
    assert controls.lr.edit.text() == controls.lr.scale.text(0.02)
    window.flush_history()
    assert panels_finite(window)
    tally.tried(f"load: {STORM:,} control changes while running ({mode})")
    tally.timing(f"storm ({mode}): {STORM:,} changes made in", storm_s)
    tally.timing(f"storm ({mode}): the last change on screen after the storm", caught_up_s)
    tally.timing(f"storm ({mode}): pause answered after", pause_s)
    assert pause_s < 5.0  # a hang, not a budget


@pytest.mark.parametrize("mode", ["thread", "process"])
def test_a_short_soak_keeps_every_step_and_bounded_memory(make_lab, qtbot, mode: str) -> None:  # noqa: ANN001
    steps, slack_mb = 20_000, 30.0
    window = make_lab(LabConfig(preset="noisy-line", n_points=1000, lr=0.01), worker_mode=mode)

    def rss() -> tuple[float, float]:
        pid = getattr(window.lab.worker, "pid", None)
        return soak.rss_mb(), soak.rss_mb(pid) if pid is not None else 0.0

    window.lab.run()
    qtbot.waitUntil(lambda: window.lab.latest is not None and window.lab.latest.step >= 2_000,
                    timeout=60_000)
    (gui0, trainer0), hist0, s0 = rss(), soak.history_mb(window), window.lab.latest.step
    t0 = time.perf_counter()
    qtbot.waitUntil(lambda: window.lab.latest.step >= s0 + steps, timeout=300_000)
    seconds = time.perf_counter() - t0
    window.lab.pause()
    qtbot.waitUntil(lambda: not window.lab.running and window.lab.latest is not None
                    and not window.lab.latest.running, timeout=10_000)
    last = window.lab.latest.step
    qtbot.waitUntil(lambda: window.history_panel.buffer.size == last, timeout=10_000)
    window.flush_history()
    (gui1, trainer1), hist1 = rss(), soak.history_mb(window)
    # Nothing lost: steps 1..last, each once, in order.
    kept = window.history_panel.buffer.column("step")
    np.testing.assert_array_equal(kept, np.arange(1, last + 1))
    assert panels_finite(window)
    beyond = (gui1 - gui0) - (hist1 - hist0)
    tally.soak(f"window, N = 1,000, {mode} mode (in the suite)", last - s0, seconds,
               (gui1 - gui0) + (trainer1 - trainer0))
    assert beyond < slack_mb, f"the window grew {beyond:.1f} MB beyond its history buffer"
    if mode == "thread":  # the timeline keeps a bounded number of snapshots
        from gradlab.views.timeline import SNAPSHOT_EVERY, TIMELINE_STEPS

        assert len(window.lab.worker._timeline.snapshots) <= TIMELINE_STEPS // SNAPSHOT_EVERY + 3
    else:
        assert trainer1 - trainer0 < slack_mb + (hist1 - hist0)


def _chunk(first: int, k: int):  # noqa: ANN202
    from gradlab.core.records import HistoryChunk

    steps = np.arange(first, first + k)
    return HistoryChunk(steps, steps * 1.0, -steps * 1.0, steps * 0.5, steps * 2.0, steps * 3.0)


@pytest.mark.parametrize("kind", ["window", "worker log"])
def test_the_history_is_bounded_however_long_the_run(kind: str) -> None:
    """Before, the window's history grew without end (48 bytes a step: ~3 GB over a weekend at
    the lab's speed), and the worker's log, once full, copied its whole length on every append
    (the run slowed to a crawl after 10^7 steps). Now each keeps the newest ``limit`` to
    2·``limit`` steps, moving them once per ~``limit`` steps."""
    from gradlab.core.records import HistoryBuffer

    limit = 1000  # the window's buffer starts at 4096 columns, the worker's log at 1024
    log = HistoryBuffer(capacity=4096 if kind == "window" else 1024, limit=limit)
    rng = np.random.default_rng(3)
    step, moves, last_size = 1, 0, 0
    for _ in range(3000):
        k = int(rng.integers(1, 60))
        log.append(_chunk(step, k))
        step += k
        moves += log.size < last_size
        last_size = log.size
        assert limit <= log.size <= 2 * limit or log.size == step - 1
        assert log._data.shape[1] <= max(4096, 2 * limit)
    steps = log._data[0, : log.size]
    np.testing.assert_array_equal(steps, np.arange(step - log.size, step))  # the newest, in order
    np.testing.assert_array_equal(log._data[3, : log.size], steps * 0.5)
    assert moves <= (step // limit) + 1  # amortised: one move per ~limit steps
    log.append(_chunk(step, 5 * limit))  # one chunk longer than the limit
    assert log.size == limit and log._data[0, log.size - 1] == step + 5 * limit - 1
    tally.tried(f"load: {step + 5 * limit:,} steps into a {kind} history of limit {limit:,}")


def test_a_session_keeps_the_newest_history_it_may(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    from gradlab.core import session as session_mod
    from gradlab.core.data import make_preset
    from gradlab.core.trainer import Trainer

    monkeypatch.setattr(session_mod, "MAX_HISTORY", 500)
    cfg = LabConfig(preset="noisy-line", n_points=20, lr=0.01)
    data = make_preset("noisy-line", n=20)
    trainer = Trainer(cfg, data)
    _, history = trainer.run(1200)
    path = tmp_path / "s.gradlab"
    session_mod.save_session(path, cfg, data, trainer.state_dict(), history)
    kept = session_mod.load_session(path).history.step  # loads: no more than it accepts
    np.testing.assert_array_equal(kept, np.arange(701, 1201))
