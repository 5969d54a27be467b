"""The Batches & workers tab: every row of issue 16's worked table (the article's data, w = b = 0,
MSE), read from the numbers the tab shows and checked against the core and the literal values."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from gradlab.core.accumulate import AccumulatingTrainer
from gradlab.core.config import LabConfig
from gradlab.core.data import make_preset
from gradlab.core.lastbatch import epoch_losses
from gradlab.core.splitting import SplitSettings
from gradlab.ui.batches_parts import pair
from gradlab.ui.text import fmt

SEED = make_preset("seed")


def open_tab(window, qtbot):  # noqa: ANN001, ANN201
    window.show_tab("batches")
    panel = window.teaching_tabs.panel("batches")
    qtbot.waitUntil(lambda: panel.view is not None, timeout=10_000)
    return panel


def choose_accumulation(panel, qtbot, sizes: str, scale: str, forget: bool = False) -> None:  # noqa: ANN001
    """Through the tab's own switches, as a student would."""
    panel.accum_sizes.setText(sizes)
    panel.accum_scale.setCurrentIndex(panel.accum_scale.findData(scale))
    panel.forget.setChecked(forget)
    panel.accum_on.setChecked(True)
    panel.accum_sizes.editingFinished.emit()
    want = tuple(int(s) for s in sizes.split(","))

    def applied() -> bool:
        a = panel.view.accumulation
        return a is not None and a.settings.micro_sizes == want and \
            a.settings.accum_scale == scale and a.settings.forget_zero_grad == forget

    qtbot.waitUntil(applied, timeout=10_000)


def press_all(panel, qtbot) -> None:  # noqa: ANN001
    k = panel.view.accumulation.k
    for j in range(1, k + 1):
        qtbot.mouseClick(panel.backward_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda j=j: panel.view.accumulation.pressed == j, timeout=10_000)
    assert not panel.backward_button.isEnabled()


ACCUM_ROWS = [  # (micro sizes, scale, expected gradient (w, b), matches, words of the reason)
    ("2,2", "1/K", (-30.0, -10.0), True, ""),
    ("2,2", "none", (-60.0, -20.0), False, "×K"),
    ("1,3", "1/K", (-64.0 / 3.0, -8.0), False, "unequal sizes"),
    ("1,3", "n/N", (-30.0, -10.0), True, ""),
]


def test_accumulation_rows_of_the_worked_table(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(), worker_mode="thread")
    panel = open_tab(window, qtbot)
    for sizes, scale, expected, matches, why in ACCUM_ROWS:
        choose_accumulation(panel, qtbot, sizes, scale)
        shown = panel.values()["accum"]
        assert shown["check"].startswith("press backward() 2 more")
        assert shown["blocks"] == []
        press_all(panel, qtbot)
        shown = panel.values()["accum"]
        split = SplitSettings(micro_sizes=tuple(map(int, sizes.split(","))), accum_scale=scale)
        core = AccumulatingTrainer(LabConfig(), SEED, split).step_split()
        c = core.comparison
        assert (c.grad_w, c.grad_b) == pytest.approx(expected, rel=1e-12)
        assert c.matches is matches
        assert shown["grad"] == f".grad now (w, b) = {pair(*expected)}"
        assert shown["full"] == "- - - one backward() over the whole batch = (−30, −10)"
        assert shown["check"].startswith("✓" if matches else "✗")
        assert why in shown["check"]
        if not matches:  # the live numbers are in the sentence
            assert pair(c.grad_w, c.grad_b).replace("−", "-") in shown["check"].replace("−", "-")
        # one coloured block per micro-batch and parameter: what that backward() added
        blocks = shown["blocks"]
        assert len(blocks) == 2 * len(core.micro_batches)
        for m, (x, y0, y1, _) in zip(core.micro_batches, blocks[:len(core.micro_batches)],
                                     strict=True):
            assert x == 0 and y1 - y0 == pytest.approx(m.grad_w, rel=1e-12)
        assert f"{fmt(core.micro_batches[0].loss, 6)} × {fmt(core.micro_batches[0].scale, 6)}" \
            in shown["micro"]
    # Step applies the optimizer to the accumulated .grad: 1,3 with n/N is the article's step
    with qtbot.waitSignal(window.lab.update_ready, timeout=10_000):
        qtbot.mouseClick(panel.step_button, Qt.MouseButton.LeftButton)
    record = window.lab.latest.record
    assert (record.w_after, record.b_after) == pytest.approx((0.3, 0.1), rel=1e-12)
    qtbot.waitUntil(lambda: panel.view.accumulation.step_number == 2, timeout=10_000)
    assert panel.view.accumulation.pressed == 0  # a new step: .grad starts empty


def test_forgetting_zero_grad_carries_the_previous_gradient(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(), worker_mode="thread")
    panel = open_tab(window, qtbot)
    choose_accumulation(panel, qtbot, "2,2", "1/K", forget=True)
    with qtbot.waitSignal(window.lab.update_ready, timeout=10_000):
        window.lab.step(1)
    qtbot.waitUntil(lambda: panel.view.accumulation.step_number == 2, timeout=10_000)
    press_all(panel, qtbot)
    split = SplitSettings(micro_sizes=(2, 2), forget_zero_grad=True)
    trainer = AccumulatingTrainer(LabConfig(), SEED, split)
    trainer.step()
    core = trainer.step_split()
    assert (core.carried_w, core.carried_b) == (-30.0, -10.0)  # step 1's .grad, never cleared
    shown = panel.values()["accum"]
    assert f"carried from earlier steps: .grad = {pair(-30.0, -10.0)}" in shown["micro"]
    assert shown["grad"] == f".grad now (w, b) = {pair(core.record.grad_w, core.record.grad_b)}"
    assert "zero_grad() was forgotten" in shown["check"]
    assert shown["blocks"][0][1:3] == (0.0, -30.0)  # the grey block of the carried .grad


def test_last_batch_three_ways_and_drop_last(make_lab, qtbot) -> None:  # noqa: ANN001
    config = LabConfig(batch_size=3)  # 4 samples in batches of 3: the last batch has 1
    window = make_lab(config, worker_mode="thread")
    panel = open_tab(window, qtbot)
    panel.parts.setCurrentIndex(2)
    shown = panel.values()["last"]
    core = epoch_losses(window.lab.config, SEED)
    assert "1/1 = 1" in shown["weight"] and "1/3 = 0.3333" in shown["weight"]
    assert [v for _, v in shown["losses"]] == [
        fmt(core.mean_of_means, 6), fmt(core.sample_weighted, 6), fmt(core.full_loss_end, 6)]
    assert "The last batch has 1 samples" in shown["notes"]
    panel.drop_last.setChecked(True)
    qtbot.waitUntil(lambda: panel.view.drop_last, timeout=10_000)
    dropped = epoch_losses(window.lab.config, SEED, drop_last=True)
    shown = panel.values()["last"]
    assert "drop_last leaves out 1" in shown["weight"]
    assert "drop_last left out 1 samples" in shown["notes"]
    assert shown["losses"][0][1] == fmt(dropped.mean_of_means, 6)


def test_sessions_keep_the_split_and_the_code_is_the_split_script(make_lab, qtbot, tmp_path) -> None:  # noqa: ANN001, E501
    window = make_lab(LabConfig(), worker_mode="thread")
    panel = open_tab(window, qtbot)
    choose_accumulation(panel, qtbot, "1,3", "n/N")
    with qtbot.waitSignal(window.lab.code_ready, timeout=10_000) as blocker:
        window.lab.request_code()
    script = blocker.args[0]
    assert "micro" in script and "backward()" in script  # the accumulation loop
    path = str(tmp_path / "split.gradlab")
    with qtbot.waitSignal(window.lab.session_saved, timeout=10_000):
        window.lab.save_session(path)
    panel.accum_on.setChecked(False)
    qtbot.waitUntil(lambda: not window.lab.split.active, timeout=10_000)
    with qtbot.waitSignal(window.lab.session_opened, timeout=10_000):
        window.lab.open_session(path)
    want = SplitSettings(micro_sizes=(1, 3), accum_scale="n/N")
    qtbot.waitUntil(lambda: window.lab.split == want, timeout=10_000)
    assert panel.accum_on.isChecked() and panel.accum_sizes.text() == "1,3"
    assert panel.accum_scale.currentData() == "n/N"


def test_sizes_that_do_not_fit_are_refused_in_the_tab(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(), worker_mode="thread")
    panel = open_tab(window, qtbot)
    choose_accumulation(panel, qtbot, "2,2", "1/K")
    panel.accum_sizes.setText("1,2")  # adds up to 3; the batch has 4
    panel.accum_sizes.editingFinished.emit()
    qtbot.waitUntil(panel.accum_message.isVisible, timeout=10_000)
    assert "micro_sizes" in panel.accum_message.text() and "4" in panel.accum_message.text()
    assert window.lab.split == SplitSettings(micro_sizes=(2, 2))  # nothing changed
    panel.accum_sizes.setText("1,x")
    panel.accum_sizes.editingFinished.emit()
    assert "micro_sizes" in panel.accum_message.text()


def test_the_timeline_replays_accumulated_steps(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(), worker_mode="thread")
    panel = open_tab(window, qtbot)
    choose_accumulation(panel, qtbot, "2,2", "none")  # ×K: not what one backward() gives
    window.lab.step(2)
    qtbot.waitUntil(lambda: window.lab.run_step == 2, timeout=10_000)
    with qtbot.waitSignal(window.lab.update_ready, timeout=10_000,
                          check_params_cb=lambda u, _: u.scrubbed) as blocker:
        window.lab.show_step(1)
    record = blocker.args[0].record
    assert (record.grad_w, record.grad_b) == (-60.0, -20.0)  # replayed with the micro-batches


def test_an_empty_gradient_chart_has_a_plain_range(qtbot) -> None:  # noqa: ANN001
    """Before the first backward() every level is 0: the axis shows a plain range around 0,
    not ticks of ±5e-11 that read like a tiny gradient; a tiny real one keeps its own scale."""
    from gradlab.ui import theme as th
    from gradlab.ui.batches_parts import GradBars

    bars = GradBars(th.LIGHT)
    qtbot.addWidget(bars)
    bars.show_blocks((0.0, 0.0), [], None)
    low, high = bars.getViewBox().viewRange()[1]
    assert low <= -0.5 and high >= 0.5
    bars.show_blocks((0.0, 0.0), [(3e-12, -1e-12)], None)
    low, high = bars.getViewBox().viewRange()[1]
    assert -1e-11 < low < -1e-12 and 3e-12 < high < 1e-11
