"""The lab window driving the real worker thread (offscreen, pytest-qt, no fixed sleeps)."""

from __future__ import annotations

import math
import sys

import numpy as np
import pytest
from PySide6.QtCore import Qt

from gradlab.core.config import LabConfig
from tests.gui.checks import panels_finite

SEED = LabConfig()  # the article's example: x = [1, 2, 3, 4], y = 2x, lr 0.01, mean MSE


def shown_step(window, step: int) -> bool:  # noqa: ANN001
    return window.shown is not None and window.shown.step == step and not window.shown.running


def test_step_on_seed_matches_the_article(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(SEED)
    qtbot.mouseClick(window.controls.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shown_step(window, 1))
    record = window.shown.record
    assert record.w_after == pytest.approx(0.3)
    assert record.b_after == pytest.approx(0.1)
    # The panels' item data are the record's numbers.
    np.testing.assert_allclose(window.loss_panel.bar_heights(), [4, 16, 36, 64])
    np.testing.assert_allclose(record.per_sample_loss, [4, 16, 36, 64])
    assert window.gradient_panel.total("w") == pytest.approx(-30)
    assert window.gradient_panel.total("b") == pytest.approx(-10)
    np.testing.assert_allclose(window.gradient_panel.shares("w"), [-1, -4, -9, -16])
    np.testing.assert_allclose(window.gradient_panel.shares("b"), [-1, -2, -3, -4])
    assert "∂L/∂w = −30" in window.gradient_panel.title("w")
    assert "∂L/∂b = −10" in window.gradient_panel.title("b")
    assert "mean = 30" in window.loss_panel.reduced_label.toPlainText()
    xs, ys = window.fit_panel.line_data()
    np.testing.assert_allclose(ys, 0.3 * xs + 0.1)
    assert "0.3" in window.status.labels["w"].text()
    assert "0.1" in window.status.labels["b"].text()
    assert window.history_panel.buffer.size == 1


def test_shortcuts_step_run_and_reset(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(SEED)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: shown_step(window, 1))
    qtbot.keyClick(window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.shown.step > 5)
    qtbot.keyClick(window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.lab.state == "paused")
    qtbot.keyClick(window, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: shown_step(window, 0))


def test_run_then_pause_stops_stepping(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(preset="noisy-line", lr=0.05))
    window.lab.run()
    qtbot.waitUntil(lambda: window.lab.state == "running" and window.shown.step > 20,
                    timeout=10_000)
    assert window.controls.run_button.text() == "Pause"
    window.lab.pause()
    qtbot.waitUntil(lambda: window.lab.state == "paused" and not window.shown.running)
    paused_at = window.shown.step
    assert window.history_panel.buffer.size == paused_at  # no step lost on the way
    # Commands are served in order: if the worker were still stepping, this would skip ahead.
    window.lab.step()
    qtbot.waitUntil(lambda: window.shown.step != paused_at)
    assert window.shown.step == paused_at + 1
    assert window.controls.run_button.text() == "Run"


def test_reset_returns_to_step_zero(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(SEED.replace(init_w=1.0, init_b=-1.0))
    window.lab.step(5)
    qtbot.waitUntil(lambda: shown_step(window, 5))
    generation = window.lab.generation
    window.lab.reset()
    assert window.lab.generation == generation + 1
    qtbot.waitUntil(lambda: shown_step(window, 0))
    assert window.shown.generation == window.lab.generation
    assert window.shown.record.w_after == 1.0 and window.shown.record.b_after == -1.0
    assert window.history_panel.buffer.size == 0
    assert "step <b>0</b>" in window.status.labels["step"].text()


def test_learning_rate_change_takes_effect_mid_run(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(preset="noisy-line", lr=0.01))
    seen: list[tuple[int, float]] = []
    window.update_shown.connect(lambda u: seen.append((u.step, u.record.lr)))
    window.lab.run()
    qtbot.waitUntil(lambda: window.lab.state == "running" and window.shown.step > 50,
                    timeout=10_000)
    generation = window.lab.generation
    window.controls.lr.edit.setText("0.02")
    window.controls.lr.edit.editingFinished.emit()  # as if typed and Enter pressed
    assert window.lab.config.lr == 0.02
    assert window.lab.generation == generation  # a live change: no reset, history kept
    qtbot.waitUntil(lambda: window.shown.record.lr == 0.02, timeout=5000)
    first_new = next(i for i, (_, lr) in enumerate(seen) if lr == 0.02)
    count_before = len(seen)
    qtbot.waitUntil(lambda: len(seen) > count_before + 3, timeout=5000)
    window.lab.pause()
    qtbot.waitUntil(lambda: window.lab.state == "paused")
    assert all(lr == 0.02 for _, lr in seen[first_new:])
    steps = [s for s, _ in seen]
    assert steps == sorted(steps)  # one continuous run, not restarted


def test_reduction_selector_scales_gradient_by_n(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(SEED)
    # Step 0 shows a preview of the first step: the mean gradient.
    assert window.shown.record.grad_w == pytest.approx(-30)
    combo = window.controls.reduction
    combo.setCurrentIndex(combo.findData("sum"))
    qtbot.waitUntil(lambda: window.shown.record.reduction == "sum")
    assert window.shown.record.grad_w == pytest.approx(-30 * 4)
    assert window.gradient_panel.total("w") == pytest.approx(-120)
    assert window.gradient_panel.total("b") == pytest.approx(-40)
    assert "sum = 120" in window.loss_panel.reduced_label.toPlainText()
    window.lab.step()
    qtbot.waitUntil(lambda: shown_step(window, 1))
    assert window.shown.record.w_after == pytest.approx(1.2)
    assert window.shown.record.b_after == pytest.approx(0.4)


def test_reduction_none_shows_pytorch_error_and_app_recovers(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(SEED)
    combo = window.controls.reduction
    combo.setCurrentIndex(combo.findData("none"))
    qtbot.waitUntil(lambda: window.banner.isVisible())
    text = window.banner.text()
    assert "grad can be implicitly created only for scalar outputs" in text
    assert "backward()" in text
    combo.setCurrentIndex(combo.findData("mean"))
    qtbot.waitUntil(lambda: not window.banner.isVisible())
    window.lab.step()
    qtbot.waitUntil(lambda: shown_step(window, 1))
    assert window.shown.record.w_after == pytest.approx(0.3)


def test_reduction_none_training_tab_shows_no_reduced_numbers(make_lab, qtbot) -> None:  # noqa: ANN001
    """Issue 15, item 7: under none the Training tab shows the per-sample losses at the current
    w, b, no reduced value and no gradient — not the previous reduction's mean = 30 and −30."""
    window = make_lab(SEED, worker_mode="thread")
    window.lab.step()
    qtbot.waitUntil(lambda: shown_step(window, 1))  # w 0.3, b 0.1 now
    combo = window.controls.reduction
    combo.setCurrentIndex(combo.findData("none"))
    qtbot.waitUntil(window.banner.isVisible)  # the Training tab's update came before it
    window.draw_now()
    panels = window.training
    loss, grad = panels.loss_panel, panels.gradient_panel
    # (0.3·x + 0.1 − 2x)² for x = 1..4: the losses at the new w, b
    expected = [(0.3 * x + 0.1 - 2 * x) ** 2 for x in (1, 2, 3, 4)]
    assert loss.bar_heights() == pytest.approx(expected)
    assert "mean" not in loss.reduced_label.toPlainText() and not loss.reduced_label.isVisible()
    assert not loss.reduced_line.isVisible()
    assert "→ mean" not in loss._title and "not reduced" in loss._title
    for which in ("w", "b"):
        assert "no gradient: backward() needs a scalar" in grad.title(which)
        assert "Σ of the shares" not in grad.title(which) and "−30" not in grad.title(which)
        assert grad.total(which) is None
        assert not grad.shares(which).any()
    assert "not reduced" in window.status.labels["loss"].text()
    combo.setCurrentIndex(combo.findData("mean"))  # back: the numbers come back
    qtbot.waitUntil(lambda: window.shown.config.reduction == "mean")
    window.draw_now()
    assert "= Σ of the shares" in grad.title("w") and grad.total("w") is not None
    assert loss.reduced_label.isVisible()


def test_status_loss_keeps_its_meaning_through_a_control_change(make_lab, qtbot) -> None:  # noqa: ANN001
    """Issue 15, item 6: "loss 30 → 20.8" is the loss step 1 was computed at → its loss at the
    new w, b; a control change that does not restart (a preview of step 2 follows) changes
    neither that nor the fit title's claim about step 1."""
    import re

    def status_loss() -> list[float]:
        text = re.sub(r"<[^>]+>", "", window.status.labels["loss"].text())
        return [float(v.replace("−", "-")) for v in re.findall(r"[−-]?\d+(?:\.\d+)?", text)]

    window = make_lab(SEED, worker_mode="thread")
    window.draw_now()
    assert status_loss() == [30.0, 1.0]  # "loss 30 before step 1"
    window.lab.step()
    qtbot.waitUntil(lambda: shown_step(window, 1))
    window.draw_now()
    after = 20.835  # L(0.3, 0.1) of the article's data, by hand
    assert window.shown.view.loss_after == pytest.approx(after)
    assert "→" in window.status.labels["loss"].text()
    assert status_loss() == [30.0, pytest.approx(after, abs=0.01)]
    title = window.fit_panel._title
    assert "after step 1" in title
    for change in ({"lr": 0.02}, {"loss": "mae"}, {"reduction": "sum"}):
        window.apply_config(window.lab.config.replace(**change))
        qtbot.waitUntil(lambda: window.lab.latest.config == window.lab.config)  # noqa: B023
        window.draw_now()
        assert not window.shown.record.applied  # a preview of step 2 is on screen
        assert window.shown.step == 1
        assert status_loss() == [30.0, pytest.approx(after, abs=0.01)], change
        assert window.fit_panel._title == title, change


def test_worker_exception_is_shown_and_app_keeps_working(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(SEED)
    window.lab.apply_config(SEED.replace(batch_size=10))  # more than the 4 samples
    qtbot.waitUntil(lambda: window.banner.isVisible())
    assert "batch_size" in window.banner.text()
    window.lab.apply_config(SEED)
    window.lab.step()
    qtbot.waitUntil(lambda: shown_step(window, 1))
    assert window.shown.record.w_after == pytest.approx(0.3)


def test_divergence_shows_banner_and_pauses(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(preset="unscaled", lr=0.01))
    window.lab.run()
    qtbot.waitUntil(lambda: window.lab.state == "diverged", timeout=10_000)
    text = window.banner.text()
    assert window.banner.isVisible()
    assert text.startswith("diverged at step ")
    assert "became inf" in text or "became nan" in text
    assert "lower the learning rate" in text
    qtbot.waitUntil(lambda: window.controls.run_button.text() == "Run")
    window.flush_history()
    assert panels_finite(window)
    # Reset recovers; a small learning rate then trains.
    window.controls.lr.set_value(1e-6, emit=True)
    window.lab.reset()
    qtbot.waitUntil(lambda: shown_step(window, 0) and not window.banner.isVisible())
    window.lab.step(3)
    qtbot.waitUntil(lambda: shown_step(window, 3))
    assert window.lab.state == "paused"


def test_closing_mid_run_is_fast_and_clean(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(preset="noisy-line", lr=0.01))
    window.lab.run()
    qtbot.waitUntil(lambda: window.lab.state == "running" and window.shown.step > 100,
                    timeout=10_000)
    window.close()  # joins the worker's thread: the benchmark's close_mid_run_s says how fast
    assert window.lab.worker_thread.isFinished()


def test_large_dataset_panels_aggregate_and_redraw_fast(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(preset="large", lr=0.05, batch_size=1000))
    window.lab.step(5)
    qtbot.waitUntil(lambda: shown_step(window, 5), timeout=20_000)
    view = window.shown.view
    assert view.layout.group_size > 1 and view.bar_pos.size <= 200
    assert "groups of" in window.loss_panel.note.toPlainText()
    # under the x axis, not on the data (issue 15)
    assert "of 1,000,000 points shown" in window.fit_panel.plot.getAxis("bottom").labelText
    # The shares of the groups still add up to PyTorch's gradient.
    total = window.gradient_panel.shares("w").sum()
    assert total == pytest.approx(view.grad_w, rel=1e-9, abs=1e-12)
    window.redraw(window.shown)  # how fast: the benchmark's frame_ms_n1000000
    window.flush_history()
    window.grab()


def test_torch_import_failure_is_reported(make_lab, qtbot, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setitem(sys.modules, "gradlab.core.trainer", None)  # in this process only
    window = make_lab(SEED, wait_ready=False, worker_mode="thread")
    qtbot.waitUntil(lambda: window.lab.state == "PyTorch failed to load", timeout=10_000)
    assert "PyTorch could not be loaded" in window.banner.text()
    assert not window.controls.step_button.isEnabled()


def test_dark_theme_switch_redraws(make_lab, qtbot) -> None:  # noqa: ANN001
    """Choosing a theme draws the step on screen again, in the new colours."""
    from PySide6.QtGui import QColor

    from gradlab.ui import theme as th

    window = make_lab(SEED)
    window.lab.step()
    qtbot.waitUntil(lambda: shown_step(window, 1))
    choice = window.controls.theme_choice
    for name in ("dark", "light"):
        with qtbot.waitSignal(window.update_shown, timeout=5000) as drawn:
            choice.setCurrentIndex(choice.findData(name))
        assert drawn.args[0] is window.shown and window.shown.step == 1
        assert window.options.theme.name == name
        background = QColor(th.THEMES[name].background).name()
        for panel in window.training.panels.values():
            assert panel.backgroundBrush().color().name() == background, (name, panel)
        assert window.status.labels["loss"].text() == "loss <b>30</b> → <b>20.84</b>"


def test_none_refcount_does_not_drift(qtbot) -> None:  # noqa: ANN001
    """PySide6 6.12.0 on Python < 3.12 drops a reference to None per call returning None."""
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    qtbot.addWidget(label)
    label.setToolTip("warm up")
    label.setText("warm up")
    before = sys.getrefcount(None)
    for i in range(5000):
        label.setToolTip("tip")
        label.setText(str(i))
    drift = abs(sys.getrefcount(None) - before)
    assert drift < 100, f"None's refcount drifted by {drift} over 10000 Qt calls"


@pytest.mark.parametrize("lr", [1e-7, 0.01, 10.0])
def test_log_slider_round_trips(qtbot, lr: float) -> None:  # noqa: ANN001
    from gradlab.ui.controls import Scale

    scale = Scale(1e-7, 10.0, log=True, steps=800)
    assert scale.value(scale.position(lr)) == pytest.approx(lr, rel=1e-2)
    assert math.isinf(Scale(1, 10_000, log=True, steps=80, inf_at_top=True).parse("max"))


def test_enlarge_one_panel_and_back(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(SEED)
    panels = (window.fit_panel, window.loss_panel, window.gradient_panel, window.history_panel)
    window.enlarge("loss")
    assert [p.isVisible() for p in panels] == [False, True, False, False]
    window.enlarge(None)
    assert all(p.isVisible() for p in panels)


def test_keys_while_pytorch_loads_do_what_the_buttons_can_do(make_lab, qtbot) -> None:  # noqa: ANN001
    """Space twice while loading queued two steps (issue 15, item 18); the empty loss panel
    showed ticks like −3e-13."""
    from PySide6.QtCore import Qt

    window = make_lab(SEED, wait_ready=False)  # a training process: commands wait for it
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.waitUntil(lambda: window.lab.launched, timeout=5_000)
    assert not window.controls.step_button.isEnabled()
    window.loss_panel.grab()  # laid out and painted, as on screen
    (_, _), (y_lo, y_hi) = window.loss_panel.plot.vb.viewRange()
    assert (y_lo, y_hi) == (0.0, 1.0)
    for _ in range(2):
        qtbot.keyClick(window.tabs, Qt.Key.Key_Space)
    assert window.lab.state == "loading PyTorch…"  # the keys came before PyTorch was there
    qtbot.waitUntil(lambda: window.shown is not None, timeout=60_000)
    window.lab.step()  # one more round trip: any step queued while loading came before it
    qtbot.waitUntil(lambda: shown_step(window, 1))
    assert window.history_panel.buffer.size == 1
