"""The teaching tabs inside the window: shown data equals the core's, and choices made on a
teaching panel are the same as choices made in the controls."""

from __future__ import annotations

import numpy as np
import pytest

from gradlab.controller import RunState
from gradlab.core.config import LabConfig


def _open_tab(window, qtbot, name: str):  # noqa: ANN001, ANN202
    index = next(i for i, n in window.teaching_tabs.names.items() if n == name)
    with qtbot.waitSignal(window.lab.teaching_ready, timeout=10_000) as blocker:
        window.tabs.setCurrentIndex(index)
    return blocker.args[0]


def test_reduction_tab_shows_the_four_gradients(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig())
    _open_tab(window, qtbot, "reduction")
    text = str(window.teaching_tabs.panels["reduction"].values())
    assert "−30" in text or "-30" in text
    assert "−120" in text or "-120" in text
    assert "scalar outputs" not in text  # until the student presses backward() on 'none'
    with qtbot.waitSignal(window.lab.teaching_ready, timeout=10_000):
        # PyTorch runs it again, for real
        window.teaching_tabs.panels["reduction"].backward_button.click()
    assert "grad can be implicitly created only for scalar outputs" in \
        str(window.teaching_tabs.panels["reduction"].values())


def test_choosing_a_reduction_on_the_panel_sets_the_controls(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig())
    _open_tab(window, qtbot, "reduction")
    window.teaching_tabs.panels["reduction"].reduction_chosen.emit("sum")
    assert window.controls.reduction.currentData() == "sum"
    qtbot.waitUntil(lambda: window.shown.config.reduction == "sum")
    assert (window.shown.record.grad_w, window.shown.record.grad_b) == (-120.0, -40.0)


def test_typed_weights_become_the_weighted_reduction(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig())
    _open_tab(window, qtbot, "reduction")
    window.teaching_tabs.panels["reduction"].weights_edited.emit((1.0, 0.0, 0.0, 0.0))
    qtbot.waitUntil(lambda: window.shown.config.reduction == "weighted")
    assert window.controls.reduction.currentData() == "weighted"
    assert (window.shown.record.grad_w, window.shown.record.grad_b) == (-4.0, -4.0)


def test_chain_rule_tab_agrees_with_autograd(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig())
    tv = _open_tab(window, qtbot, "chain_rule")
    assert tv.chain_rule.agrees
    shown = str(window.teaching_tabs.panels["chain_rule"].values())
    assert "✓" in shown
    assert "0.3" in shown  # the update w ← 0 − 0.01·(−30)


def test_graph_tab_follows_the_reduction(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig())
    _open_tab(window, qtbot, "graph")
    names = [n for n, _shape in window.teaching_tabs.panels["graph"].drawn_nodes()]
    assert "MeanBackward0" in names
    with qtbot.waitSignal(window.lab.teaching_ready, timeout=10_000):
        window.teaching_tabs.choose_reduction("sum")
    names = [n for n, _shape in window.teaching_tabs.panels["graph"].drawn_nodes()]
    assert "SumBackward0" in names and "MeanBackward0" not in names


def test_back_to_training_stops_teaching_work(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig())
    _open_tab(window, qtbot, "chain_rule")
    window.tabs.setCurrentIndex(0)
    seen = []
    window.lab.teaching_ready.connect(seen.append)
    window.lab.step(3)
    qtbot.waitUntil(lambda: window.shown.step == 3 and not window.shown.running)
    assert seen == []


def test_landscape_tab_grid_path_and_click(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig())
    window.lab.step(5)
    qtbot.waitUntil(lambda: window.shown.step == 5 and not window.shown.running)
    tv = _open_tab(window, qtbot, "landscape")
    grid = tv.landscape
    # the grid's value at a cell equals the trainer's full-batch loss there
    i, j = 7, 11
    w, b = grid.W[i, j], grid.B[i, j]
    x, y = [1, 2, 3, 4.0], [2, 4, 6, 8.0]
    expected = sum((w * xi + b - yi) ** 2 for xi, yi in zip(x, y, strict=True)) / 4
    assert abs(grid.L[i, j] - expected) < 1e-9
    ws, bs = window.teaching_tabs.panels["landscape"].trajectory_data()
    assert len(ws) == 6 and ws[0] == 0.0 and abs(ws[1] - 0.3) < 1e-12  # start, then 5 steps
    window.teaching_tabs.panels["landscape"].start_point_chosen.emit(1.5, -0.5)
    qtbot.waitUntil(lambda: window.shown.step == 0 and window.shown.record.w_before == 1.5)
    assert window.lab.config.init_w == 1.5 and window.lab.config.init_b == -0.5


def test_backward_error_goes_with_a_new_reduction_reset_or_data(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig())
    _open_tab(window, qtbot, "reduction")
    panel = window.teaching_tabs.panels["reduction"]
    combo = window.controls.reduction
    combo.setCurrentIndex(combo.findData("none"))
    qtbot.waitUntil(lambda: window.lab.teaching is not None
                    and window.lab.teaching.config.reduction == "none", timeout=10_000)

    def press_backward() -> None:
        panel.backward_button.click()
        qtbot.waitUntil(lambda: panel.error.isVisibleTo(panel)
                        and "scalar outputs" in panel.values()["none"]["error"], timeout=10_000)

    def error_gone() -> bool:
        return not panel.error.isVisibleTo(panel) and panel.values()["none"]["error"] == ""

    press_backward()
    combo.setCurrentIndex(combo.findData("mean"))  # the reduction changes
    qtbot.waitUntil(lambda: window.lab.teaching is not None
                    and window.lab.teaching.config.reduction == "mean", timeout=10_000)
    qtbot.waitUntil(error_gone, timeout=10_000)

    press_backward()
    generation = window.lab.generation
    window.lab.reset()  # Reset
    qtbot.waitUntil(lambda: window.lab.teaching is not None
                    and window.lab.teaching.generation > generation, timeout=10_000)
    qtbot.waitUntil(error_gone, timeout=10_000)

    press_backward()
    generation = window.lab.generation
    preset = window.controls.preset
    preset.setCurrentIndex(preset.findData("noisy-line"))  # other data
    qtbot.waitUntil(lambda: window.lab.teaching is not None
                    and window.lab.teaching.generation > generation
                    and window.lab.teaching.config.preset == "noisy-line", timeout=10_000)
    qtbot.waitUntil(error_gone, timeout=10_000)
    assert "?" in panel.values()["none"]["grad_w"]  # not pressed yet on the new data


def _width(window) -> float:  # noqa: ANN001
    """The landscape's heat map's width in w."""
    return window.teaching_tabs.panels["landscape"].image_rect()[2]


@pytest.mark.parametrize("restart", ["reset", "preset", "start point"])
def test_landscape_frames_a_new_run_after_a_divergence(make_lab, qtbot, restart: str) -> None:  # noqa: ANN001
    """Issue 15, item 9: the view zoomed out by a diverging run stayed at w ±2000 after a
    reset, a preset change or a new start point, so a good run showed as a dot."""
    window = make_lab(LabConfig(lr=1.0), worker_mode="thread")
    _open_tab(window, qtbot, "landscape")
    first = _width(window)
    assert first < 10
    window.lab.run()
    qtbot.waitUntil(lambda: window.lab.state == RunState.DIVERGED, timeout=20_000)
    qtbot.waitUntil(lambda: _width(window) > 1000 * first, timeout=10_000)
    config = window.lab.config.replace(lr=0.01)
    if restart == "reset":
        window.teaching_tabs.apply_from_panel(config)
        window.lab.reset()
    elif restart == "preset":
        window.teaching_tabs.apply_from_panel(config.replace(preset="noisy-line"))
    else:
        window.teaching_tabs.apply_from_panel(config.replace(init_w=1.0, init_b=0.5))
    qtbot.waitUntil(lambda: window.lab.teaching is not None, timeout=10_000)
    window.lab.step(20)
    qtbot.waitUntil(lambda: window.shown.step == 20 and not window.shown.running,
                    timeout=10_000)
    qtbot.waitUntil(lambda: window.lab.teaching.step == 20, timeout=10_000)
    assert _width(window) < 20
    ws, _bs = window.teaching_tabs.panels["landscape"].trajectory_data()
    assert ws.size == 21 and np.all(np.abs(ws) < 20)  # the new path, not the diverged one


def test_typing_a_weight_says_the_reduction_switched(make_lab, qtbot) -> None:  # noqa: ANN001
    """Issue 15, item 21: the switch to 'weighted' is said in the status bar, not silent."""
    window = make_lab(LabConfig(), worker_mode="thread")
    _open_tab(window, qtbot, "reduction")
    window.teaching_tabs.panels["reduction"].weights_edited.emit((1.0, 0.0, 0.0, 0.0))
    qtbot.waitUntil(lambda: window.shown.config.reduction == "weighted")
    assert "weighted sum" in window.statusBar().currentMessage()


def test_new_data_says_it_paused_and_restarted(make_lab, qtbot) -> None:  # noqa: ANN001
    """Issue 15, item 21: a changed preset or N pauses and restarts the run: the status says so."""
    window = make_lab(LabConfig(), worker_mode="thread")
    window.lab.run()
    qtbot.waitUntil(lambda: window.lab.running)
    preset = window.controls.preset
    preset.setCurrentIndex(preset.findData("noisy-line"))
    qtbot.waitUntil(lambda: window.shown.config.preset == "noisy-line" and not window.lab.running)
    message = window.statusBar().currentMessage()
    assert "New data" in message and "paused" in message and "step 0" in message
    bar = window.statusBar()  # ... where it can be read: left of the permanent fields
    qtbot.waitUntil(lambda: not window.status.labels["state"].isVisible())
    left = min(label.geometry().left() for key, label in window.status.labels.items()
               if key != "state")
    assert bar.fontMetrics().horizontalAdvance(message) < left
    window.statusBar().clearMessage()
    window.apply_config(window.lab.config.replace(init_w=1.0))  # paused now: no pause to say
    assert window.statusBar().currentMessage() == "New starting point: restarted at step 0"
    window.statusBar().clearMessage()
    window.apply_config(window.lab.config.replace(lr=0.02))  # applies from the next step
    assert window.statusBar().currentMessage() == ""


def test_teaching_headers_say_which_w_b_and_step(make_lab, qtbot) -> None:  # noqa: ANN001
    """Issue 15, item 6: the Chain rule and Reduction tabs say at which w, b they evaluate and
    before which step; after a control change the step on screen (1) is still taken, and the
    tabs say they explain step 2, not taken yet, at the w, b after step 1."""
    window = make_lab(LabConfig(), worker_mode="thread")
    _open_tab(window, qtbot, "chain_rule")
    chain = window.teaching_tabs.panels["chain_rule"]
    with qtbot.waitSignal(window.lab.teaching_ready, timeout=10_000):
        window.lab.step()
    heading = chain.values()["heading"]
    assert "step 1" in heading and "at w = 0, b = 0 (before step 1)" in heading
    with qtbot.waitSignal(window.lab.teaching_ready, timeout=10_000):
        window.apply_config(window.lab.config.replace(lr=0.02))
    heading = chain.values()["heading"]
    assert "at w = 0.3, b = 0.1 (before step 2, not taken yet)" in heading
    _open_tab(window, qtbot, "reduction")
    reduction_heading = window.teaching_tabs.panels["reduction"].heading.text()
    assert "at w = 0.3, b = 0.1 (before step 2, not taken yet)" in reduction_heading
