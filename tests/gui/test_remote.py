"""The trainer in its own process: same interface as the thread, survives a crash, stops fast."""

from __future__ import annotations

import os
import signal
import time

import pytest

from gradlab.core.config import LabConfig

SEED = LabConfig(preset="seed", lr=0.01)


def test_remote_worker_mirrors_every_signal_and_command() -> None:
    from gradlab.remote import COMMANDS, SIGNALS, RemoteWorker
    from gradlab.worker import TrainerWorker

    for name in SIGNALS:
        assert hasattr(RemoteWorker, name), name
        assert hasattr(TrainerWorker, name), name
    assert {"set_config", "step", "run", "pause", "reset", "load_csv", "rewind"} <= set(COMMANDS)
    assert "start" not in COMMANDS and "_tick" not in COMMANDS
    remote = RemoteWorker(SEED)
    for name in COMMANDS:
        assert callable(getattr(remote, name)), name
    remote.deleteLater()


def test_trains_in_another_process(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(SEED)
    assert window.lab.worker_mode == "process"
    pid = window.lab.worker.pid
    assert pid is not None and pid != os.getpid()
    window.lab.step()
    qtbot.waitUntil(lambda: window.shown.step == 1, timeout=10_000)
    assert (window.shown.record.w_after, window.shown.record.b_after) == pytest.approx((0.3, 0.1))


def test_a_crashed_trainer_is_reported_and_reset_starts_a_new_one(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(SEED)
    old = window.lab.worker.pid
    os.kill(old, signal.SIGKILL)
    qtbot.waitUntil(lambda: "stopped unexpectedly" in window.banner.text(), timeout=10_000)
    assert window.lab.state == "error"
    window.lab.reset()
    qtbot.waitUntil(lambda: window.lab.state == "ready"
                    and window.lab.worker.pid not in (None, old),
                    timeout=30_000)
    window.lab.step()
    qtbot.waitUntil(lambda: window.shown is not None and window.shown.step == 1, timeout=10_000)
    assert (window.shown.record.w_after, window.shown.record.b_after) == pytest.approx((0.3, 0.1))


def test_closing_mid_run_stops_the_process_quickly(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(preset="large", lr=0.05))
    process = window.lab.worker._link.process
    window.lab.toggle_run()
    qtbot.waitUntil(lambda: window.shown.step > 3, timeout=20_000)
    t0 = time.perf_counter()
    window.close()
    elapsed = time.perf_counter() - t0
    print(f"closed mid-run at N = 10^6 in {elapsed * 1000:.0f} ms")
    assert elapsed < 5.0  # a hang, not a timing budget: ~50 ms measured
    assert not process.is_alive() and window.lab.worker_thread.isFinished()


def test_closing_while_the_process_starts(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(SEED, wait_ready=False)
    # launched after the first paint
    qtbot.waitUntil(lambda: window.lab.worker_thread is not None, timeout=5_000)
    link = window.lab.worker._link
    t0 = time.perf_counter()
    window.close()
    elapsed = time.perf_counter() - t0
    print(f"closed while starting in {elapsed * 1000:.0f} ms")
    assert elapsed < 5.0
    # A child that came up after the close is ended by the starting thread the moment it
    # exists: wait for that (it may be an instant after close() returned), never leave it.
    qtbot.waitUntil(lambda: not link.started or not link.process.is_alive(), timeout=5_000)


def test_large_records_cross_the_pipe_without_their_per_sample_arrays() -> None:
    import pickle

    from gradlab.core.data import make_preset
    from gradlab.core.records import HistoryChunk
    from gradlab.core.trainer import Trainer
    from gradlab.remote import PIPE_SAMPLES, slim
    from gradlab.views.panels import build_view, layout_for
    from gradlab.views.update import Update

    for n, kept in ((4, True), (PIPE_SAMPLES + 1, False)):
        config = LabConfig(preset="noisy-line", n_points=n, noise=0.5) if n > 4 else SEED
        data = make_preset(config.preset, n=config.n_points, noise=config.noise) if n > 4 \
            else make_preset("seed")
        record = Trainer(config, data).step()
        view = build_view(record, data, layout_for(data), config)
        update = Update(1, 1, record, HistoryChunk.empty(), view, config, False, 0.0)
        sent = pickle.loads(pickle.dumps(slim(update)))
        assert (sent.record.batch.size == n) is kept
        assert sent.record.per_sample_loss.size == sent.record.batch.size
        assert (sent.record.loss, sent.record.grad_w, sent.record.w_after) == (
            record.loss, record.grad_w, record.w_after)
        assert sent.view.grad_w == view.grad_w


def test_a_datasets_layout_crosses_the_pipe_once() -> None:
    import pickle

    import numpy as np

    from gradlab.core.data import make_preset
    from gradlab.core.records import HistoryChunk
    from gradlab.core.trainer import Trainer
    from gradlab.remote import LayoutOnce
    from gradlab.views.panels import build_view, layout_for
    from gradlab.views.update import Update

    config = LabConfig(preset="noisy-line", n_points=1000, noise=0.5)
    big = Trainer(config, make_preset(config.preset, n=1000, noise=0.5))
    other = Trainer(SEED, make_preset("seed"))
    runs = [(big, layout_for(big.dataset))] * 3 + [(other, layout_for(other.dataset))] * 2
    child, window = LayoutOnce(), LayoutOnce()
    sizes, got = [], []
    for i, (trainer, layout) in enumerate(runs):
        record = trainer.step()
        view = build_view(record, trainer.dataset, layout, trainer.config)
        wire = pickle.dumps(child.pack(Update(1, i, record, HistoryChunk.empty(), view, config,
                                              True, 0.0)))
        sizes.append(len(wire))
        got.append(window.unpack(pickle.loads(wire)))
        assert got[-1].view.w == view.w and got[-1].step == i
        for field in ("shown", "x", "y", "group_starts", "group_counts"):
            assert np.array_equal(getattr(got[-1].view.layout, field), getattr(layout, field))
    # sent in full for the first update of each dataset, left out (and put back) after that
    assert sizes[1] < sizes[0] - 20_000 and sizes[2] < sizes[0] - 20_000
    assert got[1].view.layout is got[0].view.layout is got[2].view.layout
    assert got[3].view.layout is not got[2].view.layout
    assert got[4].view.layout is got[3].view.layout and got[3].view.layout.n == 4


def test_the_trainer_leaves_a_core_for_the_window() -> None:
    from gradlab.remote import training_threads

    assert [training_threads(c) for c in (1, 2, 4, 16)] == [1, 1, 3, 15]


def test_updates_go_out_at_the_slice_nearest_their_time() -> None:
    """With 22 ms steps and a 25 ms interval, the first slice after the interval sent every other
    step (20 updates a second at N = 10^6). The slice nearest the due time, with the next one due
    an interval after that time (not after the update went out), gives 1/interval on average for
    any slice length shorter than the interval, and one update a slice for longer ones."""
    from gradlab.worker_loop import update_time

    def updates_per_second(slice_s: float, interval: float) -> float:
        now, last, sent = 0.0, 0.0, 0
        while now < 20.0:
            now += slice_s
            stamp = update_time(last, now, interval, slice_s)
            if stamp is not None:
                last, sent = stamp, sent + 1
        return sent / now

    for slice_s in (0.001, 0.005, 0.020, 0.022, 0.024):
        assert updates_per_second(slice_s, 0.025) == pytest.approx(40, rel=0.01), slice_s
    assert updates_per_second(0.030, 0.025) == pytest.approx(1 / 0.030, rel=0.01)
    assert updates_per_second(0.010, 0.100) == pytest.approx(10, rel=0.01)
    assert update_time(0.0, 0.012, 0.025, 0.022) is None  # half a slice early at most
    assert update_time(0.0, 0.015, 0.025, 0.022) == 0.025
    assert update_time(0.0, 0.060, 0.025, 0.060) == 0.060  # far behind: counted from now


def test_a_start_that_fails_after_the_close_reports_nothing() -> None:
    """CI, 2026-11-29: the window closed while the fork server was still importing torch, the
    interpreter exited, the fork server went with it, and the starting thread then reported
    'could not start' to a window that no longer existed. After ``stop`` nothing is reported."""
    import multiprocessing
    import threading

    from gradlab.remote import _Link

    release = threading.Event()

    class Starting:  # a Process whose fork server dies while the window closes
        def __init__(self, **kwargs: object) -> None:
            self.pid = None

        def start(self) -> None:
            release.wait(10)
            raise EOFError("unexpected EOF")

    class Context:
        Pipe = staticmethod(multiprocessing.Pipe)
        Process = Starting

    told: list[str] = []
    link = _Link(Context(), SEED, None, lambda name, args: told.append(name))
    link.stop()  # returns at once: the process does not exist yet
    assert link.abandoned
    release.set()
    link.thread.join(10)
    assert not link.thread.is_alive()
    assert told == []


def test_a_start_that_fails_is_reported() -> None:
    import multiprocessing

    from gradlab.remote import _Link

    class NoResources:
        def __init__(self, **kwargs: object) -> None:
            self.pid = None

        def start(self) -> None:
            raise OSError(24, "Too many open files")

    class Context:
        Pipe = staticmethod(multiprocessing.Pipe)
        Process = NoResources

    told: list[tuple] = []
    link = _Link(Context(), SEED, None, lambda name, args: told.append((name, args)))
    link.thread.join(10)
    assert [name for name, _ in told] == ["load_failed"]
    assert "Too many open files" in told[0][1][0]
