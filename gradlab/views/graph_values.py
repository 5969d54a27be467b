"""The autograd graph with its values, as plain data for the window (no torch objects).

``graph_values`` copies a core ``ValuedGraph`` (read from the real graph with hooks) into
GraphNodes (drawn as before) and, per node id, its value, the gradient that arrived at it and
its place in autograd's order: the window's process can unpickle it before torch has loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gradlab.core.explain import GraphNode

if TYPE_CHECKING:
    from gradlab.core.graphvalues import ValuedGraph


@dataclass(frozen=True, eq=False)
class NodeValues:
    """One node's numbers: its forward output, the gradient that arrived at it in backward
    (None before backward, or for an input without one) and its turn in autograd's order."""

    value: np.ndarray | None
    grad_in: np.ndarray | None
    ran: int | None


@dataclass(frozen=True, eq=False)
class GraphValues:
    """The graph (``nodes``, node 0 the root) and ``values[id]``; see core.graphvalues."""

    reduction: str
    nodes: tuple[GraphNode, ...]
    values: dict[int, NodeValues]
    backward_ran: bool
    sends: np.ndarray | None  # ∂L/∂lᵢ: 1/B (mean), 1 (sum), vᵢ (weighted)
    order: tuple[int, ...]
    leaf_grad: dict[str, float | None]
    error: str | None = None

    def leaf(self, label: str) -> GraphNode:
        return next(n for n in self.nodes if n.name == "AccumulateGrad" and n.label == label)


def graph_values(g: ValuedGraph) -> GraphValues:
    nodes = tuple(GraphNode(id=n.id, name=n.name, shape=n.shape, children=n.children,
                            label=n.label) for n in g.nodes)
    values = {n.id: NodeValues(n.value, n.grad_in, n.ran) for n in g.nodes}
    return GraphValues(reduction=g.reduction, nodes=nodes, values=values,
                       backward_ran=g.backward_ran, sends=g.sends, order=g.order,
                       leaf_grad=dict(g.leaf_grad), error=g.error)
