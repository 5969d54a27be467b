"""The window's frame pacing (ui/pacing.py): how much of a core the drawing may take while a run
goes, and how fast the interval between frames follows the cost of a frame."""

from __future__ import annotations

import pytest

from gradlab.ui import pacing
from gradlab.ui.pacing import MIN_INTERVAL, FramePacer, duty_for


class _Clock:
    """Wall time and the GUI thread's CPU time, advanced by hand."""

    def __init__(self) -> None:
        self.wall = 100.0
        self.cpu = 5.0

    def thread_time(self) -> float:
        return self.cpu

    def perf_counter(self) -> float:
        return self.wall


def _frames(pacer: FramePacer, clock: _Clock, cost: float, seconds: float,
            throttle: bool = True) -> int:
    """Draw whenever allowed for ``seconds``; each frame costs ``cost`` s of CPU (and wall)."""
    end, drawn = clock.wall + seconds, 0
    while clock.wall < end:
        if pacer.may_draw(clock.wall):
            clock.wall += cost
            clock.cpu += cost
            pacer.drew(clock.wall, throttle)
            drawn += 1
        else:
            clock.wall += 0.001
    return drawn


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> _Clock:
    c = _Clock()
    monkeypatch.setattr(pacing, "time", c)  # the module's clock only, not the time module
    return c


def test_the_duty_per_kind_of_run() -> None:
    assert duty_for("thread", None) == pacing.THREAD_DUTY
    assert duty_for("process", None) == pacing.PROCESS_DUTY
    # Data-parallel workers: W + 1 training processes share the cores with the window.
    assert duty_for("process", 2) == pacing.SHARED_DUTY < pacing.THREAD_DUTY < pacing.PROCESS_DUTY


def test_the_drawing_keeps_to_its_share_of_a_core(clock: _Clock) -> None:
    pacer = FramePacer(0.5)
    _frames(pacer, clock, 0.030, 3.0)
    rate = _frames(pacer, clock, 0.030, 4.0) / 4.0
    assert rate == pytest.approx(0.5 / 0.030, rel=0.1)  # 0.5 of a core at 30 ms a frame


def test_a_pause_keeps_the_interval_learnt_and_frames_are_immediate_meanwhile(clock: _Clock
                                                                              ) -> None:
    """The benchmark's runs of 2 s spent most of their time relearning the interval from 1/60 s
    after each pause: with the workers of a data-parallel run it took 1.5 s to reach 0.5 s."""
    pacer = FramePacer(0.1)
    _frames(pacer, clock, 0.050, 3.0)
    learnt = pacer.interval
    assert learnt == pytest.approx(0.45, rel=0.1)  # 50 ms frames at a tenth of a core
    _frames(pacer, clock, 0.050, 1.0, throttle=False)  # paused: every frame at once
    assert pacer.next_allowed - clock.wall <= MIN_INTERVAL
    clock.wall += 5.0  # a long pause, nothing drawn
    assert _frames(pacer, clock, 0.050, 1.0) <= 3  # running again: at the learnt pace at once
    assert pacer.interval == pytest.approx(learnt)


def test_the_interval_follows_a_costlier_frame_within_a_second(clock: _Clock) -> None:
    pacer = FramePacer(0.1)
    _frames(pacer, clock, 0.001, 2.0)
    assert pacer.interval == MIN_INTERVAL
    _frames(pacer, clock, 0.040, 1.0)  # a data-parallel run: frames 20x as costly
    assert pacer.interval >= 0.3


def test_a_new_share_starts_at_the_interval_the_frames_cost_calls_for(clock: _Clock) -> None:
    """Workers switched on after a plain run: the first frames are already spaced for a tenth
    of a core, not walked there by factors of MAX_STEP while the workers wait at the all-reduce
    for a core the window holds."""
    settled = FramePacer(pacing.SHARED_DUTY)  # 40 ms frames at a tenth of a core, learnt
    _frames(settled, clock, 0.040, 4.0)
    pacer = FramePacer(pacing.PROCESS_DUTY)
    _frames(pacer, clock, 0.040, 2.0)  # the same frames, as fast as a plain run allows
    assert pacer.interval < settled.interval / 4
    pacer.set_target(pacing.SHARED_DUTY)
    _frames(pacer, clock, 0.040, 0.2, throttle=False)  # the pause while the workers start
    clock.wall += 0.5
    assert pacer.interval == pytest.approx(settled.interval, rel=0.15)
    assert _frames(pacer, clock, 0.040, 1.0) <= 3  # not a dozen frames in the first second
    pacer.set_target(pacing.PROCESS_DUTY)  # and back: fluent again at once
    assert pacer.interval < settled.interval / 4


def test_a_new_share_before_any_measurement_scales_the_interval() -> None:
    pacer = FramePacer(pacing.PROCESS_DUTY)
    pacer.interval = 0.04
    pacer.set_target(pacing.PROCESS_DUTY / 4)
    assert pacer.interval == pytest.approx(0.16)
    pacer.set_target(pacing.PROCESS_DUTY / 4)  # the same share again: nothing changes
    assert pacer.interval == pytest.approx(0.16)
