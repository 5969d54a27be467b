"""The autograd graph with values: each node's output, and the gradient autograd sent through it.

``explain.autograd_graph`` gives the nodes and their shapes; ``valued_graph`` walks the same real
graph (``grad_fn``/``next_functions``) and adds, read from PyTorch itself:

- each node's forward output: the tensors the lab built (w·x, ŷ, l, L), a leaf's value for
  ``AccumulateGrad``, and for an intermediate we never held (the residual ŷ − y inside the loss)
  the tensor its parent saved for backward (``_saved_self``);
- after ``backward()``, the gradient arriving at each node (``Node.register_prehook``) and the
  gradients it sent on (``Node.register_hook``), and the order autograd ran the nodes in;
- the leaves' ``.grad``: None before backward (not zero: nothing was written yet).

Nothing is recomputed aside: a value that PyTorch did not produce is not shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch

from gradlab.core.explain import GraphNode, graph_nodes
from gradlab.core.trainer import DTYPE, NoReductionError, per_sample_loss, reduce_and_backward

if TYPE_CHECKING:
    from gradlab.core.phases import StepPhases

#: Vectors longer than this are shown as their first entries and "…".
ELIDE_AFTER = 4


def _g(v: float) -> str:
    return f"{v + 0.0:.6g}"  # + 0.0: a -0.0 that autograd produced reads as 0


def elide(value: np.ndarray | None, keep: int = ELIDE_AFTER) -> str:
    """'30' for a scalar, '[4, 16, 36, 64]' for a short vector, '[4, 16, 36, …]' for a longer
    one; '' for no value and 'None' is left to the caller."""
    if value is None:
        return ""
    a = np.asarray(value, dtype=np.float64)
    if a.ndim == 0:
        return _g(float(a))
    flat = a.reshape(-1)
    if flat.size <= keep:
        return "[" + ", ".join(_g(v) for v in flat) + "]"
    return "[" + ", ".join(_g(v) for v in flat[: keep - 1]) + ", …]"


def _frozen(t: torch.Tensor | None) -> np.ndarray | None:
    if t is None:
        return None
    out = np.array(t.detach().numpy(), dtype=np.float64, copy=True)
    out.flags.writeable = False
    return out


@dataclass(frozen=True, eq=False)
class ValueNode(GraphNode):
    """A GraphNode (drawn as before) that also carries numbers read from the real graph.

    ``value`` is the node's forward output (full; ``value_text`` elided). ``grad_in`` is the
    gradient that arrived at the node in backward (∂L/∂output), ``grad_out`` what it sent to each
    of its ``next_functions`` (None for an input with no gradient, e.g. x or y). ``ran`` is the
    node's position in the order autograd ran the nodes, or None if backward did not run.
    """

    value: np.ndarray | None = None
    value_text: str = ""
    grad_in: np.ndarray | None = None
    grad_in_text: str = ""
    grad_out: tuple[np.ndarray | None, ...] = ()
    ran: int | None = None


@dataclass(frozen=True, eq=False)
class ValuedGraph:
    """The graph of one batch's loss, node 0 the root, with values and (after backward) grads.

    ``seed`` is the gradient backward started from, as it arrived at the root: 1 for a scalar L,
    v for 'weighted' (``backward(gradient=v)``). ``sends`` is ∂L/∂lᵢ, what the reduction gives
    each per-sample loss: MeanBackward0 1/B, SumBackward0 1, weighted vᵢ (read from the graph).
    ``order`` lists node ids in the order autograd ran them. ``leaf_grad`` maps 'w'/'b' to
    ``.grad`` (None before backward or when backward refused). Under 'none' (B > 1) ``error``
    holds PyTorch's message.
    """

    loss_name: str
    reduction: str
    nodes: tuple[ValueNode, ...]
    backward_ran: bool
    seed: np.ndarray | None
    sends: np.ndarray | None
    order: tuple[int, ...]
    leaf_grad: dict[str, float | None]
    error: str | None = None
    explanation: str | None = None

    def by_name(self, name: str) -> list[ValueNode]:
        return [n for n in self.nodes if n.name == name]

    def leaf(self, label: str) -> ValueNode:
        return next(n for n in self.nodes if n.name == "AccumulateGrad" and n.label == label)


def _forward_values(fns: list, held: list[torch.Tensor]) -> dict[int, torch.Tensor]:
    """id(node) -> the tensor it produced: ours, a leaf's, or the one its parent saved."""
    values = {id(t.grad_fn): t for t in held if t.grad_fn is not None}
    for fn in fns:
        if type(fn).__name__ == "AccumulateGrad":
            values[id(fn)] = fn.variable
    for fn in fns:  # a unary parent saved its input, which is the child's output
        saved = getattr(fn, "_saved_self", None)
        child = fn.next_functions[0][0] if fn.next_functions else None
        if isinstance(saved, torch.Tensor) and child is not None and id(child) not in values:
            values[id(child)] = saved
    return values


def valued_graph(
    x: np.ndarray, y: np.ndarray, w: float, b: float, loss: str, reduction: str,
    weights: np.ndarray | None = None, backward: bool = True,
) -> ValuedGraph:
    """Build the batch's loss as the trainer does, hook every node, run backward (if asked).

    ``x``, ``y`` (and ``weights``, for 'weighted': one per batch sample, default 1/B) are the
    batch's. With ``backward`` False the graph is as it stands before the backward phase.
    """
    wt = torch.tensor(float(w), dtype=DTYPE, requires_grad=True)
    bt = torch.tensor(float(b), dtype=DTYPE, requires_grad=True)
    xt = torch.tensor(np.asarray(x, dtype=np.float64), dtype=DTYPE)
    yt = torch.tensor(np.asarray(y, dtype=np.float64), dtype=DTYPE)
    wx = wt * xt
    pred = wx + bt
    per = per_sample_loss(pred, yt, loss)
    root = per.mean() if reduction == "mean" else per.sum() if reduction == "sum" else per
    base, fns = graph_nodes(root, wx, pred, per, wt, bt, reduction)
    values = _forward_values(fns, [wx, pred, per, root])
    arrived: dict[int, torch.Tensor | None] = {}
    sent: dict[int, tuple] = {}
    ran: list[int] = []
    for k, fn in enumerate(fns):
        fn.register_prehook(lambda g_out, k=k: _note(ran, arrived, k, g_out))
        fn.register_hook(lambda g_in, g_out, k=k: sent.__setitem__(k, tuple(g_in)))
    v = None
    if reduction == "weighted":
        v = torch.full(per.shape, 1.0 / per.numel(), dtype=DTYPE) if weights is None else \
            torch.tensor(np.asarray(weights, dtype=np.float64), dtype=DTYPE)
    error = explanation = None
    if backward:
        try:
            _backward(root, per, reduction, v)
        except NoReductionError as exc:
            error, explanation = exc.torch_message, exc.explanation
    nodes = tuple(_node(base[k], values.get(id(fn)), arrived.get(k), sent.get(k, ()),
                        ran.index(k) if k in ran else None) for k, fn in enumerate(fns))
    ok = backward and error is None
    return ValuedGraph(
        loss_name=loss, reduction=reduction, nodes=nodes, backward_ran=ok,
        seed=nodes[0].grad_in if ok else None, sends=_sends(nodes, reduction) if ok else None,
        order=tuple(ran),
        leaf_grad={"w": None if wt.grad is None else float(wt.grad),
                   "b": None if bt.grad is None else float(bt.grad)},
        error=error, explanation=explanation,
    )


def _note(ran: list[int], arrived: dict, k: int, g_out: tuple) -> None:
    ran.append(k)
    arrived[k] = g_out[0] if g_out else None


def _backward(root: torch.Tensor, per: torch.Tensor, reduction: str,
              v: torch.Tensor | None) -> None:
    """The trainer's reduce-and-backward ('mean'/'sum' roots are the L we already hold)."""
    if reduction in ("mean", "sum"):
        root.backward()
    else:
        reduce_and_backward(per, reduction, v)


def _sends(nodes: tuple[ValueNode, ...], reduction: str) -> np.ndarray | None:
    """∂L/∂lᵢ: what the root sent on (mean/sum), or what arrived at the root (weighted, none)."""
    root = nodes[0]
    if reduction in ("mean", "sum"):
        return root.grad_out[0] if root.grad_out else None
    return root.grad_in


def _node(base: GraphNode, value: torch.Tensor | None, g_in: torch.Tensor | None,
          g_out: tuple, ran: int | None) -> ValueNode:
    val, grad_in = _frozen(value), _frozen(g_in)
    return ValueNode(
        id=base.id, name=base.name, shape=base.shape, children=base.children, label=base.label,
        value=val, value_text=elide(val), grad_in=grad_in,
        grad_in_text="" if grad_in is None else elide(grad_in),
        grad_out=tuple(_frozen(g) for g in g_out), ran=ran,
    )


def graph_of_phases(sp: StepPhases, backward: bool = True) -> ValuedGraph:
    """The valued graph of the step ``sp`` shows: its batch, parameters before the step, loss,
    reduction and (for 'weighted') the v its backward received. ``backward`` False is the graph
    as it stands during the forward, losses and reduce phases (leaves' .grad None)."""
    v = sp.weight if sp.reduction == "weighted" else None
    return valued_graph(sp.x, sp.y, sp.w_before, sp.b_before, sp.loss_name, sp.reduction,
                        weights=v, backward=backward)
