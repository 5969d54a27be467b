"""The run-state machine and the generations, on the LabController alone (no window).

The worker's signals are emitted by hand (a thread worker that is never started), so every
transition is driven exactly; one test at the end runs the real worker in a thread.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from gradlab.controller import LabController, RunState
from gradlab.core.config import LabConfig
from gradlab.core.records import HistoryChunk, StepRecord
from gradlab.views.update import Update

SEED = LabConfig()


def record(step: int) -> StepRecord:
    return StepRecord(step=step, epoch=0, batch=np.arange(4), per_sample_loss=np.ones(4),
                      loss=1.0, grad_w=0.0, grad_b=0.0, w_before=0.0, b_before=0.0,
                      w_after=0.0, b_after=0.0, lr=0.01, loss_name="mse", reduction="mean")


def update(generation: int, step: int, running: bool = False, history: int = 0,
           config: LabConfig = SEED) -> Update:
    chunk = HistoryChunk.concat([HistoryChunk.from_record(record(k))
                                 for k in range(step - history + 1, step + 1)]) \
        if history else HistoryChunk.empty()
    return Update(generation=generation, step=step, record=record(step), history=chunk,
                  view=None, config=config, running=running, steps_per_second=0.0)


class Spy:
    """Everything the controller told its subscribers, in order."""

    def __init__(self, lab: LabController) -> None:
        self.states: list[RunState] = []
        self.updates: list[Update] = []
        self.failures: list[object] = []
        self.history: list[int] = []
        self.generations: list[bool] = []
        lab.state_changed.connect(self.states.append)
        lab.update_ready.connect(lambda u, _urgent: self.updates.append(u))
        lab.failed.connect(self.failures.append)
        lab.history_added.connect(lambda chunk: self.history.append(len(chunk)))
        lab.generation_started.connect(self.generations.append)


@pytest.fixture
def lab(qtbot) -> Iterator[LabController]:  # noqa: ANN001
    controller = LabController(SEED, worker_mode="thread")
    yield controller
    controller.shutdown()
    controller.worker.deleteLater()


def ready(lab: LabController) -> None:
    lab.worker.ready.emit()
    lab.worker.updated.emit(update(lab.generation, 0))


def test_loading_ready_paused_running_paused(lab: LabController) -> None:
    spy = Spy(lab)
    assert lab.state == RunState.LOADING and lab.state == "loading PyTorch…"
    ready(lab)
    assert lab.state == RunState.READY  # the step-0 preview does not leave "ready"
    lab.worker.updated.emit(update(0, 1))  # a Step
    assert lab.state == RunState.PAUSED
    lab.worker.running_changed.emit(True)
    assert lab.state == RunState.RUNNING and lab.running
    lab.worker.updated.emit(update(0, 50, running=True, history=49))
    assert lab.state == RunState.RUNNING and lab.run_step == 50
    lab.worker.running_changed.emit(False)
    assert lab.state == RunState.PAUSED and not lab.running
    assert spy.states == [RunState.READY, RunState.PAUSED, RunState.RUNNING, RunState.PAUSED]
    assert [u.step for u in spy.updates] == [0, 1, 50] and spy.history == [49]


def test_a_stale_update_of_an_old_generation_is_dropped(lab: LabController) -> None:
    ready(lab)
    lab.worker.updated.emit(update(0, 7))
    spy = Spy(lab)
    lab.reset()
    assert lab.generation == 1 and spy.generations == [False] and lab.latest is None
    lab.worker.updated.emit(update(0, 8, history=1))  # sent before the worker saw the reset
    lab.worker.taught.emit(type("TV", (), {"generation": 0})())
    assert spy.updates == [] and spy.history == [] and lab.latest is None
    assert lab.teaching is None and lab.run_step == 7
    fresh = update(1, 0)
    lab.worker.updated.emit(fresh)
    assert spy.updates == [fresh] and lab.latest is fresh and lab.run_step == 0


def test_a_settings_change_that_restarts_is_a_new_generation_and_is_drawn_at_once(
        lab: LabController) -> None:
    ready(lab)
    urgent: list[bool] = []
    lab.update_ready.connect(lambda _u, now: urgent.append(now))
    lab.apply_config(SEED.replace(lr=0.02))  # live: same generation
    assert lab.generation == 0
    lab.worker.updated.emit(update(0, 0, config=SEED))  # made before the change arrived
    lab.worker.updated.emit(update(0, 0, config=SEED.replace(lr=0.02)))
    assert urgent == [False, True]
    lab.apply_config(SEED.replace(lr=0.02, init_w=1.0))  # restarts at step 0
    assert lab.generation == 1


def test_a_file_read_later_keeps_its_reserved_generation(lab: LabController) -> None:
    ready(lab)
    lab.import_csv("data.csv")  # reserved: 1
    lab.reset()  # a newer command: 2
    dataset = type("DS", (), {"__len__": lambda self: 4})()
    lab.worker.data_loaded.emit(SEED.replace(preset="csv"), dataset, 1)
    assert lab.generation == 2 and lab.config == SEED  # the older file's answer is dropped


@pytest.mark.parametrize("state", ["loading", "ready", "running", "paused", "diverged"])
def test_a_failure_in_every_state(lab: LabController, state: str) -> None:
    if state != "loading":
        ready(lab)
    if state in ("running", "paused"):
        lab.worker.running_changed.emit(True)
    if state == "paused":
        lab.worker.running_changed.emit(False)
    if state == "diverged":
        lab.worker.diverged.emit(0, "diverged at step 3")
    assert lab.state.name.lower() == state
    spy = Spy(lab)
    if state == "running":  # the worker pauses before it reports (TrainerWorker._fail)
        lab.worker.running_changed.emit(False)
    lab.worker.errored.emit("ValueError: boom")
    assert spy.failures == ["ValueError: boom"] and not lab.running
    # An error leaves a diverged run diverged; otherwise the run is in error.
    assert lab.state == (RunState.DIVERGED if state == "diverged" else RunState.ERROR)
    lab.worker.updated.emit(update(0, 3))  # a good update of the same generation
    if state == "diverged":
        assert lab.state == RunState.DIVERGED  # only a reset (or new data) leaves "diverged"
        lab.reset()
        lab.worker.updated.emit(update(lab.generation, 0))
    assert lab.state == RunState.PAUSED


def test_a_crash_of_the_training_process_in_every_state_is_an_error(lab: LabController) -> None:
    for prepare in ("ready", "running"):
        ready(lab)
        if prepare == "running":
            lab.worker.running_changed.emit(True)
        spy = Spy(lab)
        lab._on_crashed(-9)
        assert lab.state == RunState.ERROR and not lab.running
        assert "stopped unexpectedly (exit code -9)" in str(spy.failures[0])


def test_pytorch_failing_to_load_is_final(lab: LabController) -> None:
    spy = Spy(lab)
    lab.worker.load_failed.emit("PyTorch could not be loaded: ImportError: no")
    assert lab.state == RunState.LOAD_FAILED and spy.failures == [
        "PyTorch could not be loaded: ImportError: no"]


def test_an_opened_session_replays_nothing_before_its_step(lab: LabController) -> None:
    ready(lab)
    lab.open_session("s.gradlab")  # reserved: 1
    dataset = type("DS", (), {"__len__": lambda self: 4})()
    opened: list[tuple[str, bool]] = []
    lab.session_opened.connect(lambda path, ok: opened.append((path, ok)))
    lab.worker.session_loaded.emit("s.gradlab", SEED, dataset, HistoryChunk.empty(), 1)
    assert opened == [("s.gradlab", True)] and lab.generation == 1
    lab.worker.updated.emit(update(1, 6))
    assert lab.timeline_range() == (6, 6, False)  # steps 1..5 were never taken here
    lab.worker.updated.emit(update(1, 9, history=3))
    assert lab.timeline_range() == (7, 9, True)


def test_the_real_worker_in_a_thread(qtbot) -> None:  # noqa: ANN001
    """Launched for real: ready, a step of the seed example, a reset dropping the old run."""
    lab = LabController(SEED, worker_mode="thread")
    try:
        with qtbot.waitSignal(lab.ready, timeout=60_000):
            lab.launch()
        qtbot.waitUntil(lambda: lab.latest is not None)
        lab.step()
        qtbot.waitUntil(lambda: lab.latest.step == 1)
        assert (lab.latest.record.w_after, lab.latest.record.b_after) == pytest.approx(
            (0.3, 0.1), abs=1e-12)
        assert lab.state == RunState.PAUSED
        lab.reset()
        qtbot.waitUntil(lambda: lab.latest is not None and lab.latest.step == 0)
        assert lab.latest.generation == lab.generation == 1
    finally:
        lab.shutdown()
    assert lab.worker_thread.isFinished()


@pytest.mark.parametrize("n", [1000, 200_000])
def test_a_run_tells_the_allocator_how_large_its_data_are(qtbot, monkeypatch, n) -> None:  # noqa: ANN001
    """The training loop passes N to core/memory.py when a run starts on new data (the options
    take effect from 10^5 samples: at N = 10^6 a step made ~2 500 page faults without them)."""
    from gradlab import worker_loop

    seen: list[int] = []
    monkeypatch.setattr(worker_loop, "keep_freed_memory_for", seen.append)
    lab = LabController(LabConfig(preset="noisy-line", n_points=n, noise=0.5),
                        worker_mode="thread")
    try:
        with qtbot.waitSignal(lab.ready, timeout=60_000):
            lab.launch()
        qtbot.waitUntil(lambda: lab.latest is not None)
    finally:
        lab.shutdown()
    assert seen and set(seen) == {n}


def test_commands_before_pytorch_is_loaded_are_ignored(lab: LabController) -> None:
    """Step is greyed out while PyTorch loads; its key must not queue steps behind the button's
    back (issue 15, item 18)."""
    sent: list[str] = []
    lab._step_sent.connect(lambda n: sent.append(f"step {n}"))
    lab._run_sent.connect(lambda: sent.append("run"))
    lab._reset_sent.connect(lambda g: sent.append(f"reset {g}"))
    for _ in range(2):
        lab.step()
        lab.toggle_run()
        lab.reset()
    assert sent == [] and lab.generation == 0
    ready(lab)
    lab.step()
    assert sent == ["step 1"]
    lab.worker.load_failed.emit("PyTorch could not be loaded: ImportError: no")
    lab.step()
    assert sent == ["step 1"]


@pytest.mark.parametrize("n", [40, 5000])
def test_running_records_carry_per_sample_losses_only_where_a_bar_shows_each(qtbot, n) -> None:  # noqa: ANN001
    """At N = 40 each sample has its bar, and the running record carries each sample's loss
    (PyTorch's own numbers for the bars); at N = 5 000 the bars are grouped and the record
    carries none (making them again cost a third of a step at N = 10^6)."""
    lab = LabController(LabConfig(preset="noisy-line", n_points=n, noise=0.5, lr=0.01),
                        worker_mode="thread")
    try:
        with qtbot.waitSignal(lab.ready, timeout=60_000):
            lab.launch()
        qtbot.waitUntil(lambda: lab.latest is not None)
        lab.run()
        qtbot.waitUntil(lambda: lab.latest.step >= 20 and lab.latest.running, timeout=20_000)
        lab.pause()
        qtbot.waitUntil(lambda: not lab.running)
        record = lab.latest.record
        assert record.batch.size == n
        assert record.per_sample_loss.size == (n if n == 40 else 0)
        layout = lab.latest.view.layout
        assert (layout.group_size == 1) == (n == 40)
        assert lab.latest.view.bar_loss.size == layout.group_starts.size
        assert np.isfinite(lab.latest.view.bar_loss).all()
    finally:
        lab.shutdown()
