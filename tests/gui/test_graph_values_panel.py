"""The autograd-graph tab with values, checked against values derived by hand on the article's
seed (x = 1..4, y = 2x, w = b = 0, MSE): l = (4, 16, 36, 64); MeanBackward0 sends 1/4 to each
element, SumBackward0 1, a weighted backward vᵢ; under none nothing flows and .grad stays None."""

from __future__ import annotations

import pytest

from gradlab.core.config import LabConfig


def _graph(window, qtbot):  # noqa: ANN001, ANN202
    index = next(i for i, n in window.teaching_tabs.names.items() if n == "graph")
    with qtbot.waitSignal(window.lab.teaching_ready, timeout=30_000):
        window.tabs.setCurrentIndex(index)
    return window.teaching_tabs.panels["graph"]


def test_mean_values_and_gradients_on_every_node(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(), worker_mode="thread")
    panel = _graph(window, qtbot)
    boxes = panel.box_texts()
    assert "= 30" in boxes["MeanBackward0 L = mean(l)"]
    pow_box = boxes["PowBackward0 per-sample loss l"]
    assert "= [4, 16, 36, 64]" in pow_box and "∂L/∂l = [0.25, 0.25, 0.25, 0.25]" in pow_box
    assert "∂L/∂ŷ = [−1, −2, −3, −4]" in boxes["AddBackward0 ŷ = w·x + b"]
    assert ".grad = −30" in boxes["AccumulateGrad w"]
    assert ".grad = −10" in boxes["AccumulateGrad b"]
    assert "MeanBackward0 sends 1/B = 0.25 back to each of the 4" in panel.sends.text()


@pytest.mark.parametrize(("reduction", "weights", "says", "pow_grad", "w_grad"), [
    ("sum", None, "SumBackward0 sends 1 back to each of the 4", "[1, 1, 1, 1]", "−120"),
    ("weighted", (0.1, 0.2, 0.3, 0.4), "v = [0.1, 0.2, 0.3, 0.4]", "[0.1, 0.2, 0.3, 0.4]",
     # Σ vᵢ·2(0 − yᵢ)xᵢ = −(0.1·4 + 0.2·16 + 0.3·36 + 0.4·64) = −40
     "−40"),
])
def test_sum_and_weighted_send_what_the_reduction_says(make_lab, qtbot, reduction, weights,  # noqa: ANN001, PLR0913
                                                       says, pow_grad, w_grad) -> None:
    window = make_lab(LabConfig(reduction=reduction, weights=weights), worker_mode="thread")
    panel = _graph(window, qtbot)
    assert says in panel.sends.text()
    boxes = panel.box_texts()
    assert f"∂L/∂l = {pow_grad}" in boxes["PowBackward0 per-sample loss l"]
    assert f".grad = {w_grad}" in boxes["AccumulateGrad w"]


def test_none_sends_nothing_and_grad_stays_none(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(reduction="none"), wait_ready=False, worker_mode="thread")
    qtbot.waitUntil(lambda: window.lab.serving, timeout=30_000)
    panel = _graph(window, qtbot)
    boxes = panel.box_texts()
    assert "= [4, 16, 36, 64]" in boxes["PowBackward0 per-sample loss l"]
    assert "∂L/∂" not in boxes["PowBackward0 per-sample loss l"]
    assert ".grad = None" in boxes["AccumulateGrad w"]
    assert "refused" in panel.sends.text()


def test_phases_show_none_before_backward_and_light_nodes_in_autograds_order(
        make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(), worker_mode="thread")
    panel = _graph(window, qtbot)
    panel.timer.setInterval(1)
    views = []
    for _ in range(4):
        with qtbot.waitSignal(window.lab.phase_ready, timeout=30_000) as blocker:
            window.phases.advance()
        views.append(blocker.args[0])
        if views[-1].name == "reduce":
            assert ".grad = None" in panel.box_texts()["AccumulateGrad w"]
            assert "not run yet" in panel.sends.text()
    assert views[-1].name == "backward"
    order = list(views[-1].graph.order)
    # autograd runs the root first and the leaves last (w's branch after b's on this graph)
    names = [views[-1].graph.nodes[k].name for k in order]
    assert names[:4] == ["MeanBackward0", "PowBackward0", "SubBackward0", "AddBackward0"]
    qtbot.waitUntil(lambda: panel.lit() == order, timeout=5_000)
    assert ".grad = −30" in panel.box_texts()["AccumulateGrad w"]
