"""Timeline: scrub back to step k and see it as it was; continue from it explicitly."""

from __future__ import annotations

import numpy as np

from gradlab.core.config import LabConfig
from gradlab.core.data import dataset_for
from gradlab.views.timeline import SNAPSHOT_EVERY

CONFIG = LabConfig(preset="noisy-line", lr=0.05, batch_size=7, optimizer="adam")


def _reference(steps: int):  # noqa: ANN202 - the independent run, record by record
    from gradlab.core.trainer import Trainer

    trainer = Trainer(CONFIG, dataset_for(CONFIG))
    return [trainer.step() for _ in range(steps)]


def test_scrub_shows_step_k_as_it_was(make_lab, qtbot) -> None:  # noqa: ANN001
    total = SNAPSHOT_EVERY + 60  # past a snapshot, so scrubbing replays from one
    window = make_lab(CONFIG)
    window.lab.step(total)
    qtbot.waitUntil(lambda: window.shown.step == total and not window.shown.running,
                    timeout=20_000)
    reference = _reference(total)
    for k in (3, SNAPSHOT_EVERY + 1, total - 1):
        window.timeline_bar.slider.setValue(k)  # as the user's drag does
        qtbot.waitUntil(lambda k=k: window.shown.scrubbed and window.shown.step == k)
        got, want = window.shown.record, reference[k - 1]
        assert (got.w_before, got.b_before, got.w_after, got.b_after) == \
            (want.w_before, want.b_before, want.w_after, want.b_after)
        np.testing.assert_array_equal(got.batch, want.batch)
        np.testing.assert_array_equal(window.shown.view.bar_loss[got.batch],
                                      want.per_sample_loss)
        assert window.timeline_bar.label.text() == f"step {k} of {total}"
        assert window.timeline_bar.continue_button.isEnabled()
    assert window.lab.run_step == total  # the run itself is untouched


def test_continue_from_a_past_step_discards_the_future(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(CONFIG)
    window.lab.step(40)
    qtbot.waitUntil(lambda: window.shown.step == 40 and not window.shown.running, timeout=20_000)
    window.lab.show_step(25)
    qtbot.waitUntil(lambda: window.shown.scrubbed and window.shown.step == 25)
    window.timeline_bar.continue_from_shown()
    qtbot.waitUntil(lambda: not window.shown.scrubbed and window.lab.run_step == 25)
    assert window.history_panel.buffer.size == 25
    window.lab.step()
    qtbot.waitUntil(lambda: window.shown.step == 26 and window.shown.record.applied)
    want = _reference(26)[-1]
    got = window.shown.record
    assert (got.w_after, got.b_after) == (want.w_after, want.b_after)


def test_scrubbing_moves_the_teaching_panels_too(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(CONFIG)
    window.lab.step(20)
    qtbot.waitUntil(lambda: window.shown.step == 20 and not window.shown.running, timeout=20_000)
    index = next(i for i, n in window.teaching_tabs.names.items() if n == "chain_rule")
    with qtbot.waitSignal(window.lab.teaching_ready, timeout=10_000):
        window.tabs.setCurrentIndex(index)
    with qtbot.waitSignal(window.lab.teaching_ready, timeout=10_000) as blocker:
        window.lab.show_step(7)
    tv = blocker.args[0]
    want = _reference(7)[-1]
    assert tv.step == 7 and (tv.w, tv.b) == (want.w_before, want.b_before)
    assert tv.chain_rule.agrees and np.isclose(tv.chain_rule.grad_w, want.grad_w, rtol=1e-12)
