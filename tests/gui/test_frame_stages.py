"""While running, a frame is drawn a panel at a time, each in its own turn of the event loop
(issue 15: one frame was a single 25–45 ms stall of the window, during which a click or a key
waited; ``ui_stall_p99_ms`` was 30–47 against a budget of 25). Paused, answering the user's
input, and in every picture taken, all panels show the same step at once."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QApplication

from gradlab.core.config import LabConfig

#: Every part of the window shows the update.
EVERYWHERE = {"fit": True, "loss": True, "status": True, "timeline": True}


def _two_updates(window, qtbot):  # noqa: ANN001, ANN202
    seen = []
    window.lab.update_ready.connect(lambda update, _urgent: seen.append(update))
    for step in (1, 2):
        window.lab.step()
        qtbot.waitUntil(lambda step=step: window.shown is not None and window.shown.step == step)
    u1, u2 = (next(u for u in seen if u.step == k and u.record.applied) for k in (1, 2))
    window.redraw(u1)  # everything shows step 1
    return u1, u2


def _shows(window, update) -> dict[str, bool]:  # noqa: ANN001
    loss = np.sort(window.loss_panel.bar_heights())
    return {
        "fit": f"step {update.step}" in window.fit_panel._title,
        "loss": np.allclose(loss, np.sort(update.view.bar_loss)),
        "status": window.shown is update,
        "timeline": window.timeline_bar.shown is update,
    }


def _frame_while_running(window, update, **kwargs) -> None:  # noqa: ANN001
    window.lab.running = True  # as the controller has it while the worker runs
    window.lab.latest = update
    window._dirty = True
    window.pacer.allow_now()
    window._frame(**kwargs)


def test_a_running_frame_draws_one_panel_per_turn_of_the_event_loop(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(), worker_mode="thread")
    u1, u2 = _two_updates(window, qtbot)
    assert _shows(window, u1) == EVERYWHERE
    shown = []
    window.update_shown.connect(shown.append)
    try:
        _frame_while_running(window, u2)
        # The first panel now, the others after the event loop has had its turns.
        assert _shows(window, u2) == {"fit": True, "loss": False, "status": False,
                                      "timeline": False}
        assert shown == []
        qtbot.waitUntil(lambda: window.shown is u2, timeout=2_000)
        assert _shows(window, u2) == EVERYWHERE
        assert shown == [u2]
        assert not window._stages and not window._stage_timer.isActive()
    finally:
        window.lab.running = False


def test_the_timeline_moves_with_the_frame_not_with_each_update(make_lab, qtbot) -> None:  # noqa: ANN001
    """Updates come up to 40 a second; while data-parallel workers train, frames come about 2 a
    second. The timeline's slider and step text follow the frame, as the status bar does: set
    for every update, they were repainted and laid out 40 times a second for nothing."""
    window = make_lab(LabConfig(), worker_mode="thread")
    u1, u2 = _two_updates(window, qtbot)
    try:
        window.lab.running = True
        window.lab.latest = u2
        window._on_update(u2, False)  # not the answer to an input: drawn by the next frame
        assert window.timeline_bar.shown is u1
        qtbot.waitUntil(lambda: window.shown is u2, timeout=2_000)
        assert _shows(window, u2) == EVERYWHERE
    finally:
        window.lab.running = False


def test_paused_urgent_and_pictures_draw_every_panel_at_once(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(), worker_mode="thread")
    u1, u2 = _two_updates(window, qtbot)
    window.lab.latest, window._dirty = u2, True  # paused
    window.pacer.allow_now()
    window._frame()
    assert _shows(window, u2) == EVERYWHERE
    try:
        window.redraw(u1)
        _frame_while_running(window, u2, urgent=True)  # it answers the user's input
        assert _shows(window, u2) == EVERYWHERE
        window.redraw(u1)
        _frame_while_running(window, u2)
        assert not _shows(window, u2)["status"]
        window.draw_now()  # a picture: the frame being drawn is finished first
        assert _shows(window, u2) == EVERYWHERE
        window.redraw(u1)
        _frame_while_running(window, u2)
        _frame_while_running(window, u1, urgent=True)  # replaces the frame being drawn
        assert _shows(window, u1) == EVERYWHERE
        assert not window._stages and not window._stage_timer.isActive()
    finally:
        window.lab.running = False


def test_closing_in_the_middle_of_a_frame(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(), worker_mode="thread")
    _u1, u2 = _two_updates(window, qtbot)
    _frame_while_running(window, u2)
    assert window._stages
    window.lab.running = False
    window.close()
    assert not window._stages and not window._stage_timer.isActive()
    QApplication.processEvents()


def test_while_a_change_awaits_its_answer_no_frame_is_begun(make_lab, qtbot) -> None:  # noqa: ANN001
    """The lr-change latency's tail (p95 51–78 ms, budget 50) was the answer arriving while the
    window painted a frame of the old settings; it now keeps the thread free for the answer,
    for ANSWER_PATIENCE at most."""
    import time

    from gradlab.controller import ANSWER_PATIENCE

    window = make_lab(LabConfig(), worker_mode="thread")
    u1, u2 = _two_updates(window, qtbot)
    lab = window.lab
    try:
        lab._answer_pending, lab._answer_since = True, time.perf_counter()
        _frame_while_running(window, u2)
        assert _shows(window, u1) == EVERYWHERE  # held back
        assert window.frame_timer.isActive()
        assert 0 < window.frame_timer.remainingTime() <= ANSWER_PATIENCE * 1000
        _frame_while_running(window, u2, urgent=True)  # the answer: drawn at once
        assert _shows(window, u2) == EVERYWHERE
        window.redraw(u1)
        lab._answer_since = time.perf_counter() - 2 * ANSWER_PATIENCE  # it never came
        _frame_while_running(window, u2)
        assert _shows(window, u2)["fit"]  # frames go on as before
    finally:
        lab.running = False
        lab._answer_pending = False


def test_a_change_while_running_is_answered_and_then_no_longer_awaited(make_lab, qtbot) -> None:  # noqa: ANN001
    import time

    window = make_lab(LabConfig(), worker_mode="thread")
    window.lab.run()
    qtbot.waitUntil(lambda: window.lab.running and window.shown.step > 3, timeout=10_000)
    window.apply_config(window.lab.config.replace(lr=0.02))
    assert window.lab.awaiting_answer(time.perf_counter()) > 0
    qtbot.waitUntil(lambda: window.shown.record.lr == 0.02, timeout=5_000)
    assert window.lab.awaiting_answer(time.perf_counter()) == 0
    window.lab.pause()
    qtbot.waitUntil(lambda: not window.lab.running, timeout=5_000)
