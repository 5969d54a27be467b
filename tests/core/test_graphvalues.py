"""The autograd graph with values, read from the real graph, against hand-derived numbers.

The seed at w = b = 0, MSE: ŷ = 0, residual ŷ − y = [−2, −4, −6, −8], l = [4, 16, 36, 64].
mean: L = 30, MeanBackward0 sends 1/4 to each lᵢ, PowBackward0 sends 2rᵢ/4 = [−1, −2, −3, −4],
w.grad = Σ −i·i = −30, b.grad = −10. sum: sends 1, then [−4, −8, −12, −16], −120, −40.
weighted v = (1, 0, 0, 0): the root receives v itself, sends [−4, 0, 0, 0]; w.grad = b.grad = −4.
"""

from __future__ import annotations

import numpy as np

from gradlab.core.explain import GraphNode, autograd_graph
from gradlab.core.graphvalues import elide, graph_of_phases, valued_graph

X = np.array([1.0, 2.0, 3.0, 4.0])
Y = np.array([2.0, 4.0, 6.0, 8.0])


def node(graph, name):  # noqa: ANN001, ANN201
    (found,) = graph.by_name(name)
    return found


def listed(a):  # noqa: ANN001, ANN201
    return None if a is None else np.asarray(a).tolist()


def test_mean_values_and_gradients():
    g = valued_graph(X, Y, 0.0, 0.0, "mse", "mean")
    root = g.nodes[0]
    assert root.name == "MeanBackward0" and listed(root.value) == 30.0
    assert listed(root.grad_in) == 1.0 and listed(g.seed) == 1.0
    assert listed(root.grad_out[0]) == [0.25, 0.25, 0.25, 0.25]  # 1/B to each of 4 elements
    assert listed(g.sends) == [0.25, 0.25, 0.25, 0.25]
    pow_ = node(g, "PowBackward0")
    assert listed(pow_.value) == [4.0, 16.0, 36.0, 64.0]
    assert listed(pow_.grad_in) == [0.25] * 4
    assert listed(pow_.grad_out[0]) == [-1.0, -2.0, -3.0, -4.0]
    sub = node(g, "SubBackward0")
    assert listed(sub.value) == [-2.0, -4.0, -6.0, -8.0]  # saved by PowBackward0 for backward
    assert listed(sub.grad_in) == [-1.0, -2.0, -3.0, -4.0]
    assert sub.grad_out[1] is None  # y needs no gradient
    add, mul = node(g, "AddBackward0"), node(g, "MulBackward0")
    assert listed(add.value) == [0.0] * 4 and listed(mul.value) == [0.0] * 4
    assert listed(add.grad_in) == [-1.0, -2.0, -3.0, -4.0]
    assert listed(mul.grad_out[0]) == -30.0 and listed(add.grad_out[1]) == -10.0
    assert listed(g.leaf("w").grad_in) == -30.0 and listed(g.leaf("b").grad_in) == -10.0
    assert listed(g.leaf("w").value) == 0.0
    assert g.leaf_grad == {"w": -30.0, "b": -10.0}
    assert g.backward_ran and g.error is None


def test_sum_and_weighted_send_what_the_reduction_says():
    total = valued_graph(X, Y, 0.0, 0.0, "mse", "sum")
    assert total.nodes[0].name == "SumBackward0" and listed(total.nodes[0].value) == 120.0
    assert listed(total.sends) == [1.0, 1.0, 1.0, 1.0]
    assert listed(node(total, "PowBackward0").grad_out[0]) == [-4.0, -8.0, -12.0, -16.0]
    assert total.leaf_grad == {"w": -120.0, "b": -40.0}
    weighted = valued_graph(X, Y, 0.0, 0.0, "mse", "weighted", weights=np.array([1.0, 0, 0, 0]))
    root = weighted.nodes[0]
    assert root.name == "PowBackward0"  # no reduction node: v enters through backward(gradient=v)
    assert listed(weighted.seed) == [1.0, 0.0, 0.0, 0.0]
    assert listed(root.grad_in) == [1.0, 0.0, 0.0, 0.0] == listed(weighted.sends)
    assert listed(root.grad_out[0]) == [-4.0, 0.0, 0.0, 0.0]
    assert weighted.leaf_grad == {"w": -4.0, "b": -4.0}
    default = valued_graph(X, Y, 0.0, 0.0, "mse", "weighted")
    assert listed(default.sends) == [0.25] * 4


def test_none_keeps_the_values_and_has_no_gradients():
    g = valued_graph(X, Y, 0.0, 0.0, "mse", "none")
    assert g.error == "grad can be implicitly created only for scalar outputs"
    assert "scalar" in g.explanation and not g.backward_ran
    assert g.leaf_grad == {"w": None, "b": None}
    assert g.order == () and g.seed is None and g.sends is None
    assert listed(g.nodes[0].value) == [4.0, 16.0, 36.0, 64.0]
    assert all(n.grad_in is None and n.ran is None for n in g.nodes)


def test_before_backward_the_leaves_grad_is_none():
    g = valued_graph(X, Y, 0.0, 0.0, "mse", "mean", backward=False)
    assert g.leaf_grad == {"w": None, "b": None} and not g.backward_ran
    assert listed(g.nodes[0].value) == 30.0 and g.nodes[0].grad_in is None


def test_order_is_autograds_and_the_nodes_are_the_existing_graph():
    g = valued_graph(X, Y, 0.0, 0.0, "mse", "mean")
    plain = autograd_graph(X, Y, 0.0, 0.0, "mse", "mean")
    assert [(n.id, n.name, n.shape, n.children, n.label) for n in g.nodes] == [
        (n.id, n.name, n.shape, n.children, n.label) for n in plain]
    assert all(isinstance(n, GraphNode) for n in g.nodes)  # the graph panel can draw them
    assert sorted(g.order) == list(range(len(g.nodes))) and g.order[0] == 0
    for n in g.nodes:  # a node runs before every node it sends gradients to
        assert all(n.ran < g.nodes[c].ran for c in n.children)
        assert n.ran == g.order.index(n.id)


def test_huber_and_long_vectors_are_elided():
    g = valued_graph(X, Y, 0.0, 0.0, "huber", "mean")
    huber = node(g, "HuberLossBackward0")
    assert listed(huber.value) == [1.5, 3.5, 5.5, 7.5]  # |r| − ½ beyond δ = 1
    assert listed(huber.grad_out[0]) == [-0.25] * 4  # clip(r, −1, 1) / 4
    assert g.leaf_grad == {"w": -2.5, "b": -1.0}
    long = valued_graph(np.arange(10.0), np.zeros(10), 1.0, 0.0, "mae", "sum")
    top = node(long, "AbsBackward0")
    assert top.value_text == "[0, 1, 2, …]" and top.value.size == 10
    assert elide(np.array(30.0)) == "30" and elide(np.array([4.0, 16.0])) == "[4, 16]"
    assert elide(np.array([-0.0, 1.0])) == "[0, 1]"


def test_the_graph_of_a_step_in_phases_has_the_steps_gradient():
    from gradlab.core.config import LabConfig
    from gradlab.core.data import dataset_for
    from gradlab.core.phases import PHASE_FIELDS, PHASES, step_phases
    from gradlab.core.trainer import Trainer

    config = LabConfig(reduction="weighted", weights=(1.0, 0.0, 0.0, 0.0))
    sp = step_phases(Trainer(config, dataset_for(config)))
    g = graph_of_phases(sp)
    assert listed(g.sends) == [1.0, 0.0, 0.0, 0.0] == listed(sp.weight)
    assert g.leaf_grad == {"w": sp.grad_w, "b": sp.grad_b} == {"w": -4.0, "b": -4.0}
    before = graph_of_phases(sp, backward=False)
    assert before.leaf_grad == {"w": None, "b": None}
    assert tuple(PHASE_FIELDS) == PHASES
    assert all(hasattr(sp, f) for fields in PHASE_FIELDS.values() for f in fields)


def test_a_batch_of_one_goes_through_backward_under_none():
    g = valued_graph(X[:1], Y[:1], 0.0, 0.0, "mse", "none")
    assert g.error is None and g.backward_ran
    assert listed(g.seed) == [1.0]  # the ones PyTorch created for the one-element loss
    assert g.leaf_grad == {"w": -4.0, "b": -4.0}
