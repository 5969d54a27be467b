"""The reduction panel shows what core's ``reduction_demo`` computed (really running PyTorch), and
reports the user's intent as signals; checked on the article's seed data."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from PySide6.QtCore import Qt

from gradlab.core.explain import reduction_demo
from gradlab.core.trainer import explain_no_reduction
from gradlab.ui import theme as th
from gradlab.ui.reduction_panel import MAX_WEIGHT_ROWS, ReductionPanel
from gradlab.ui.text import fmt

X = np.array([1.0, 2.0, 3.0, 4.0])
Y = np.array([2.0, 4.0, 6.0, 8.0])
INDEX = np.arange(4)
TORCH_ERROR = "grad can be implicitly created only for scalar outputs"


@pytest.fixture
def make_panel(make_widget) -> Callable[[], ReductionPanel]:  # noqa: ANN001
    return lambda: make_widget(ReductionPanel)


def seed_demo(weights: tuple[float, ...] | None = None, loss: str = "mse") -> dict:
    v = None if weights is None else np.asarray(weights)
    return reduction_demo(X, Y, INDEX, 0.0, 0.0, loss, v)


def test_seed_gradients_and_relations_are_the_core_numbers(make_panel) -> None:  # noqa: ANN001
    panel = make_panel()
    outcomes = seed_demo()
    panel.show_demo(outcomes, 4, 0.01, "mean")
    shown = panel.values()
    assert shown["mean"]["loss"] == "L = 30"
    assert shown["mean"]["grad_w"] == "∂L/∂w = −30"
    assert shown["mean"]["grad_b"] == "∂L/∂b = −10"
    assert shown["sum"]["loss"] == "L = 120"
    assert shown["sum"]["grad_w"] == "∂L/∂w = −120"
    assert shown["sum"]["grad_b"] == "∂L/∂b = −40"
    for name in ("mean", "sum", "weighted"):  # every column prints exactly the core's value
        out = outcomes[name]
        assert shown[name]["grad_w"] == f"∂L/∂w = {fmt(out.grad_w)}"
        assert shown[name]["grad_b"] == f"∂L/∂b = {fmt(out.grad_b)}"
        assert shown[name]["loss"] == f"L = {fmt(out.loss)}"
    assert "1/B = 0.25" in shown["mean"]["weights"]
    assert "∂L/∂lᵢ = 1" in shown["sum"]["weights"]
    assert "[4, 16, 36, 64]" in shown["none"]["weights"]
    assert "shape (4,)" in shown["none"]["loss"]
    assert "120 = 4 × 30" in shown["relation"]
    assert "−120 = 4 × (−30)" in shown["relation"]
    assert "−40 = 4 × (−10)" in shown["relation"]
    # lr/B on the sum moves w as far as lr on the mean: both 0.3.
    assert "(0.01/4)·(−120) = 0.3" in shown["lr_relation"]
    assert "0.01·(−30) = 0.3" in shown["lr_relation"]
    assert "Δw = 1.2, Δb = 0.4" in shown["sum"]["step"]
    assert shown["chosen"] == "mean"
    assert shown["none"]["error"] == ""  # PyTorch's answer waits for the button


def test_backward_button_emits_and_shows_pytorchs_error(make_panel, qtbot) -> None:  # noqa: ANN001
    panel = make_panel()
    outcomes = seed_demo()
    panel.show_demo(outcomes, 4, 0.01, "mean")
    with qtbot.waitSignal(panel.backward_requested, timeout=1000):
        qtbot.mouseClick(panel.backward_button, Qt.MouseButton.LeftButton)
    error = panel.values()["none"]["error"]
    assert TORCH_ERROR in error and "RuntimeError" in error
    assert outcomes["none"].error in error  # PyTorch's own text, not a paraphrase
    assert explain_no_reduction(4) in error
    assert "✗" in panel.values()["none"]["grad_w"]
    panel.show_demo(seed_demo(), 4, 0.01, "mean")  # the next step keeps the answer up
    assert TORCH_ERROR in panel.values()["none"]["error"]


def test_weighted_one_hot_gives_the_first_samples_gradient(make_panel) -> None:  # noqa: ANN001
    panel = make_panel()
    outcomes = seed_demo((1.0, 0.0, 0.0, 0.0))
    assert outcomes["weighted"].grad_w == pytest.approx(-4.0)
    panel.show_demo(outcomes, 4, 0.01, "weighted")
    shown = panel.values()
    assert shown["weighted"]["grad_w"] == "∂L/∂w = −4"
    assert shown["weighted"]["grad_b"] == "∂L/∂b = −4"
    assert shown["weighted"]["loss"] == "L = 4"
    assert panel.weights() == (1.0, 0.0, 0.0, 0.0)
    assert [box.value() for box in panel.weight_boxes[:4]] == [1.0, 0.0, 0.0, 0.0]
    assert shown["chosen"] == "weighted"
    assert panel.columns["weighted"].frame.property("chosen") is True
    assert panel.columns["mean"].frame.property("chosen") is False


def test_select_buttons_emit_the_reduction(make_panel, qtbot) -> None:  # noqa: ANN001
    panel = make_panel()
    panel.show_demo(seed_demo(), 4, 0.01, "mean")
    for name in ("sum", "none", "weighted", "mean"):
        with qtbot.waitSignal(panel.reduction_chosen, timeout=1000) as blocker:
            qtbot.mouseClick(panel.columns[name].select, Qt.MouseButton.LeftButton)
        assert blocker.args == [name]
        assert panel.values()["chosen"] == name
        assert panel.columns[name].select.isChecked()
        assert sum(col.select.isChecked() for col in panel.columns.values()) == 1


def test_typed_weights_are_emitted_for_the_batch(make_panel, qtbot) -> None:  # noqa: ANN001
    panel = make_panel()
    panel.show_demo(seed_demo(), 4, 0.01, "weighted")
    box = panel.weight_boxes[0]
    box.setFocus()
    box.lineEdit().selectAll()
    with qtbot.assertNotEmitted(panel.weights_edited):  # not per keystroke
        qtbot.keyClicks(box, "1")
    with qtbot.waitSignal(panel.weights_edited, timeout=1000) as blocker:
        qtbot.keyClick(box, Qt.Key.Key_Return)
    assert blocker.args == [(1.0, 0.25, 0.25, 0.25)]
    box = panel.weight_boxes[2]
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, "-0.5")
    with qtbot.waitSignal(panel.weights_edited, timeout=1000) as blocker:
        qtbot.keyClick(box, Qt.Key.Key_Return)
    assert blocker.args == [(1.0, 0.25, -0.5, 0.25)]
    with qtbot.waitSignal(panel.weights_edited, timeout=1000) as blocker:
        qtbot.mouseClick(panel.sum_weights_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [(1.0, 1.0, 1.0, 1.0)]
    with qtbot.waitSignal(panel.weights_edited, timeout=1000) as blocker:
        qtbot.mouseClick(panel.mean_weights_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [(0.25, 0.25, 0.25, 0.25)]


def test_new_data_is_not_mistaken_for_an_edit(make_panel, qtbot) -> None:  # noqa: ANN001
    panel = make_panel()
    with qtbot.assertNotEmitted(panel.weights_edited), \
            qtbot.assertNotEmitted(panel.reduction_chosen):
        panel.show_demo(seed_demo(), 4, 0.01, "mean")
        panel.show_demo(seed_demo((1.0, 0.0, 0.0, 0.0)), 4, 0.01, "sum")
        panel.set_theme(th.DARK)
    assert panel.values()["weighted"]["grad_w"] == "∂L/∂w = −4"
    assert panel.values()["chosen"] == "sum"


def test_large_batch_lists_a_readable_number_of_weights(make_panel, qtbot) -> None:  # noqa: ANN001
    rng = np.random.default_rng(0)
    x = rng.uniform(-3, 3, 100)
    y = 2 * x + 1
    index = np.arange(100)
    outcomes = reduction_demo(x, y, index, 0.0, 0.0, "huber")
    panel = make_panel()
    panel.show_demo(outcomes, 100, 0.05, "mean", index)
    visible = [box for box in panel.weight_boxes if box.isVisibleTo(panel)]
    assert len(visible) == MAX_WEIGHT_ROWS
    assert "92 more" in panel.weights_more.text() and "…" in panel.weights_more.text()
    assert "…" in panel.values()["none"]["weights"]
    assert "shape (100,)" in panel.values()["none"]["loss"]
    assert f"= 100 × {fmt(outcomes['mean'].loss, 6)}" in panel.values()["relation"]
    box = panel.weight_boxes[0]
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, "2")
    with qtbot.waitSignal(panel.weights_edited, timeout=1000) as blocker:
        qtbot.keyClick(box, Qt.Key.Key_Return)
    (weights,) = blocker.args
    assert len(weights) == 100 and weights[0] == 2.0 and set(weights[1:]) == {0.01}
    # A smaller batch next: the rows follow.
    panel.show_demo(seed_demo(loss="mae"), 4, 0.01, "mean")
    assert sum(box.isVisibleTo(panel) for box in panel.weight_boxes) == 4
    assert not panel.weights_more.isVisibleTo(panel)


@pytest.mark.parametrize("loss", ["mae", "huber"])
def test_other_losses_show_their_core_numbers(make_panel, loss: str) -> None:  # noqa: ANN001
    panel = make_panel()
    outcomes = seed_demo((0.5, 0.0, 2.0, 1.0), loss=loss)
    panel.show_demo(outcomes, 4, 0.01, "sum")
    shown = panel.values()
    for name in ("mean", "sum", "weighted"):
        assert shown[name]["grad_w"] == f"∂L/∂w = {fmt(outcomes[name].grad_w)}"
        assert shown[name]["grad_b"] == f"∂L/∂b = {fmt(outcomes[name].grad_b)}"
    assert panel.weights() == (0.5, 0.0, 2.0, 1.0)
