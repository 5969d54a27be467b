"""The autograd graph panel draws exactly the grad_fn graph the core reads off PyTorch."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QGraphicsSimpleTextItem

from gradlab.core.explain import autograd_graph
from gradlab.ui.graph_panel import GraphPanel, layered_layout, shape_text

X = np.array([1.0, 2.0, 3.0, 4.0])
Y = np.array([2.0, 4.0, 6.0, 8.0])


def graph(loss: str = "mse", reduction: str = "mean"):  # noqa: ANN201
    return autograd_graph(X, Y, 0.0, 0.0, loss, reduction)


@pytest.fixture
def panel(make_widget, qtbot) -> GraphPanel:  # noqa: ANN001
    p = make_widget(GraphPanel)
    qtbot.waitExposed(p)
    return p


def scene_texts(p: GraphPanel) -> list[str]:
    return [it.text() for it in p.scene.items() if isinstance(it, QGraphicsSimpleTextItem)]


def test_mean_graph_names_and_shapes(panel: GraphPanel) -> None:
    nodes = graph()
    panel.show_graph(nodes, "mean")
    drawn = panel.drawn_nodes()
    assert drawn == [(n.name, shape_text(n.shape)) for n in nodes]  # one box per core node
    assert drawn[0] == ("MeanBackward0", "()")
    for name in ("PowBackward0", "SubBackward0", "AddBackward0", "MulBackward0"):
        assert (name, "(4,)") in drawn
    leaves = sorted(label for (name, shape), label in zip(drawn, panel.drawn_labels(), strict=True)
                    if name == "AccumulateGrad" and shape == "()")
    assert leaves == ["b", "w"]
    # Arrows follow the core's edges, from the loss towards the leaves.
    want = sorted((k, c) for k, n in enumerate(nodes) for c in n.children)
    assert sorted(panel.drawn_edges()) == want
    texts = scene_texts(panel)
    for name, _ in drawn:
        assert name in texts
    assert "L = mean(l)   shape ()" in texts and "w   shape ()" in texts
    assert "∂L/∂w" in texts and "∂L/∂b" in texts
    assert panel.note_text() == ""
    assert "backward() walks this graph from the loss to w and b" in panel.caption.text()


def test_none_leaves_a_vector_loss_and_says_why(panel: GraphPanel) -> None:
    panel.show_graph(graph(reduction="none"), "none")
    drawn = panel.drawn_nodes()
    assert drawn[0] == ("PowBackward0", "(4,)")
    names = [name for name, _ in drawn]
    assert "MeanBackward0" not in names and "SumBackward0" not in names
    assert "backward() needs shape ()" in panel.note_text()
    assert not any(t.startswith("∂L") for t in scene_texts(panel))  # no scalar L to flow


def test_switching_reduction_redraws_without_stale_items(panel: GraphPanel, qtbot) -> None:  # noqa: ANN001
    panel.show_graph(graph(reduction="mean"), "mean")
    panel.show_graph(graph(reduction="sum"), "sum")
    names = [name for name, _ in panel.drawn_nodes()]
    assert names[0] == "SumBackward0" and "MeanBackward0" not in names
    texts = scene_texts(panel)
    assert "SumBackward0" in texts and "MeanBackward0" not in texts
    fresh = GraphPanel()
    qtbot.addWidget(fresh)
    fresh.show_graph(graph(reduction="sum"), "sum")
    assert len(panel.scene.items()) == len(fresh.scene.items())


def test_same_graph_again_is_not_rebuilt(panel: GraphPanel) -> None:
    panel.show_graph(graph(), "mean")
    before = set(map(id, panel.scene.items()))
    panel.show_graph(graph(), "mean")  # the worker resends it every frame while running
    assert set(map(id, panel.scene.items())) == before


@pytest.mark.parametrize(("loss", "op"), [("mae", "AbsBackward0"),
                                          ("huber", "HuberLossBackward0")])
def test_loss_changes_the_graph(panel: GraphPanel, loss: str, op: str) -> None:
    panel.show_graph(graph(loss=loss), "mean")
    assert (op, "(4,)") in panel.drawn_nodes()
    assert "PowBackward0" not in [name for name, _ in panel.drawn_nodes()]


def test_graph_fits_the_view_and_stays_legible(panel: GraphPanel, qtbot) -> None:  # noqa: ANN001
    panel.show_graph(graph(), "mean")
    for size in ((900, 600), (1400, 900), (700, 500)):
        panel.resize(*size)
        qtbot.waitUntil(lambda s=size: panel.size().width() == s[0])
        view = panel.view
        shown = view.mapFromScene(view.scene().itemsBoundingRect()).boundingRect()
        assert view.viewport().rect().contains(shown)
    panel.resize(900, 600)
    qtbot.waitUntil(lambda: panel.size().width() == 900)
    # Box names are 24 px in the scene: on a 900 × 600 panel they stay above 18 px on screen.
    assert 24 * panel.view.transform().m11() >= 18


def test_layout_puts_loss_on_top_and_leaves_at_the_bottom() -> None:
    nodes = graph()
    lay = layered_layout(nodes)
    assert lay.layer[nodes[0].id] == 0
    leaves = [n.id for n in nodes if not n.children]
    assert {lay.layer[i] for i in leaves} == {lay.depth}
    for a in nodes:
        for b in nodes:
            if a.id < b.id and lay.layer[a.id] == lay.layer[b.id]:
                assert abs(lay.x[a.id] - lay.x[b.id]) >= 1.0 - 1e-9
