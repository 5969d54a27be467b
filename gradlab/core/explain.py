"""Explanations computed on demand for one record: never on every step.

The functions at the top are numpy only (the chain rule by hand), so they can be checked against
autograd independently. The autograd parts import torch lazily.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from gradlab.core.config import HUBER_DELTA

if TYPE_CHECKING:
    import torch


def overflow_is_data(func):  # noqa: ANN001, ANN202 - a decorator
    """A diverging run overflows to inf: that is a value to show (clipped), not a warning."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        with np.errstate(over="ignore", invalid="ignore"):
            return func(*args, **kwargs)

    return wrapper


@overflow_is_data
def predictions(x: np.ndarray, w: float, b: float) -> np.ndarray:
    return w * np.asarray(x, dtype=np.float64) + b


@overflow_is_data
def losses(x: np.ndarray, y: np.ndarray, w: float, b: float, loss: str,
           r: np.ndarray | None = None) -> np.ndarray:
    """Per-sample losses by hand (numpy), the same formulas as the trainer's torch ops
    (``r``: the residuals ŷ − y when they are known already)."""
    r = predictions(x, w, b) - np.asarray(y, dtype=np.float64) if r is None else r
    if loss == "mse":
        return r * r
    if loss == "mae":
        return np.abs(r)
    a = np.abs(r)
    return np.where(a < HUBER_DELTA, 0.5 * r * r, HUBER_DELTA * (a - 0.5 * HUBER_DELTA))


def dloss_dpred(residual: np.ndarray, loss: str) -> np.ndarray:
    """∂lᵢ/∂ŷᵢ for each sample, given the residual ŷᵢ − yᵢ (PyTorch's backward at the kinks)."""
    r = np.asarray(residual, dtype=np.float64)
    if loss == "mse":
        return 2.0 * r
    if loss == "mae":
        return np.sign(r)
    return np.clip(r, -HUBER_DELTA, HUBER_DELTA)


def reduction_weights(
    reduction: str, batch_size: int, weights: np.ndarray | None = None
) -> np.ndarray:
    """∂L/∂lᵢ: how much each sample's loss counts in the reduced loss L.

    mean: 1/B each; sum: 1 each; weighted: the given vᵢ (default 1/B, so it starts equal to mean).
    'none' has no scalar L for B > 1 (ValueError); a batch of one is its own scalar (weight 1).
    """
    if reduction == "mean":
        return np.full(batch_size, 1.0 / batch_size)
    if reduction == "sum":
        return np.ones(batch_size)
    if reduction == "weighted":
        if weights is None:
            return np.full(batch_size, 1.0 / batch_size)
        v = np.asarray(weights, dtype=np.float64)
        if v.shape != (batch_size,):
            raise ValueError(f"need {batch_size} weights, got {v.size}")
        return v
    if batch_size == 1:  # backward() accepts any one-element tensor: the loss itself, weight 1
        return np.ones(1)
    raise ValueError("reduction 'none' leaves a vector: there is no scalar loss to differentiate")


@dataclass(frozen=True, eq=False)
class Contributions:
    """Each batch sample's share of the reduced gradient; the shares sum to the gradient."""

    index: np.ndarray  # dataset indices of the batch
    weight: np.ndarray  # ∂L/∂lᵢ
    dl_dpred: np.ndarray  # ∂lᵢ/∂ŷᵢ
    dL_dpred: np.ndarray  # ∂L/∂ŷᵢ = weight · dl_dpred
    grad_w: np.ndarray  # ∂L/∂ŷᵢ · xᵢ
    grad_b: np.ndarray  # ∂L/∂ŷᵢ · 1

    @property
    def total_w(self) -> float:
        return float(self.grad_w.sum())

    @property
    def total_b(self) -> float:
        return float(self.grad_b.sum())


@overflow_is_data
def contributions(
    x: np.ndarray, y: np.ndarray, index: np.ndarray, w: float, b: float,
    loss: str, reduction: str, weights: np.ndarray | None = None,
) -> Contributions:
    """The chain rule by hand for the batch ``index`` of (x, y) at parameters (w, b).
    ``weights`` are per *dataset* sample (as in ``LabConfig.weights``); the batch's are taken."""
    index = np.asarray(index, dtype=np.int64)
    xb = np.asarray(x, dtype=np.float64)[index]
    yb = np.asarray(y, dtype=np.float64)[index]
    v = None if weights is None else np.asarray(weights, dtype=np.float64)[index]
    weight = reduction_weights(reduction, index.size, v)
    dl = dloss_dpred(predictions(xb, w, b) - yb, loss)
    dL = weight * dl
    return Contributions(index, weight, dl, dL, dL * xb, dL.copy())


# ---- the chain rule, by hand next to autograd ------------------------------------------------

#: Hand and autograd gradients agree when within this relative *and* absolute tolerance.
AGREE_TOL = 1e-6

#: The seed article's data: its prose prints the first w as "−0.3" (a sign slip).
_SEED_X = (1.0, 2.0, 3.0, 4.0)
_SEED_Y = (2.0, 4.0, 6.0, 8.0)


@dataclass(frozen=True, eq=False)
class ChainRule:
    """The article's derivation for one batch, with numbers: per-row arrays and the two sums.

    Row arrays follow the batch order. For reduction 'none' there is no scalar L, so every
    ∂L/… field is None and ``error``/``explanation`` say why (PyTorch's own message).
    """

    loss_name: str
    reduction: str
    index: np.ndarray
    x: np.ndarray
    y: np.ndarray
    pred: np.ndarray  # ŷᵢ = w·xᵢ + b
    residual: np.ndarray  # ŷᵢ − yᵢ
    per_sample_loss: np.ndarray  # lᵢ
    dl_dpred: np.ndarray  # ∂lᵢ/∂ŷᵢ
    dpred_dw: np.ndarray  # ∂ŷᵢ/∂w = xᵢ
    dpred_db: np.ndarray  # ∂ŷᵢ/∂b = 1
    weight: np.ndarray | None  # ∂L/∂lᵢ
    dL_dpred: np.ndarray | None  # ∂L/∂ŷᵢ = ∂L/∂lᵢ · ∂lᵢ/∂ŷᵢ
    prod_w: np.ndarray | None  # ∂L/∂ŷᵢ · xᵢ
    prod_b: np.ndarray | None  # ∂L/∂ŷᵢ · 1
    loss: float | None  # the reduced L
    grad_w: float | None  # Σ prod_w, by hand
    grad_b: float | None  # Σ prod_b, by hand
    autograd_grad_w: float | None
    autograd_grad_b: float | None
    autograd_loss: float | None
    agrees: bool
    w: float
    b: float
    lr: float
    w_after: float | None  # plain SGD: w − lr·∂L/∂w
    b_after: float | None
    error: str | None = None  # PyTorch's RuntimeError text (reduction 'none')
    explanation: str | None = None

    @property
    def batch_size(self) -> int:
        return int(self.index.size)

    def to_json_dict(self) -> dict:
        def arr(a: np.ndarray | None) -> list | None:
            return None if a is None else a.tolist()

        return {
            "loss_name": self.loss_name, "reduction": self.reduction, "batch": arr(self.index),
            "x": arr(self.x), "y": arr(self.y), "pred": arr(self.pred),
            "residual": arr(self.residual), "per_sample_loss": arr(self.per_sample_loss),
            "dl_dpred": arr(self.dl_dpred), "weight": arr(self.weight),
            "dL_dpred": arr(self.dL_dpred), "prod_w": arr(self.prod_w), "prod_b": arr(self.prod_b),
            "loss": self.loss, "grad_w": self.grad_w, "grad_b": self.grad_b,
            "autograd_grad_w": self.autograd_grad_w, "autograd_grad_b": self.autograd_grad_b,
            "agrees": self.agrees, "w": self.w, "b": self.b, "lr": self.lr,
            "w_after": self.w_after, "b_after": self.b_after,
            "error": self.error, "explanation": self.explanation,
        }


class _Autograd(NamedTuple):
    """What PyTorch gave: L and its gradient, or (for 'none') its error and why."""

    loss: float | None = None
    grad_w: float | None = None
    grad_b: float | None = None
    error: str | None = None
    explanation: str | None = None


def _autograd(
    xb: np.ndarray, yb: np.ndarray, w: float, b: float, loss: str, reduction: str,
    v: np.ndarray | None,
) -> _Autograd:
    """Run PyTorch on the batch exactly as the trainer does."""
    import torch

    from gradlab.core.trainer import DTYPE, NoReductionError, per_sample_loss, reduce_and_backward

    wt = torch.tensor(float(w), dtype=DTYPE, requires_grad=True)
    bt = torch.tensor(float(b), dtype=DTYPE, requires_grad=True)
    xt = torch.tensor(xb, dtype=DTYPE)
    yt = torch.tensor(yb, dtype=DTYPE)
    per = per_sample_loss(wt * xt + bt, yt, loss)
    vt = None if v is None else torch.tensor(v, dtype=DTYPE)
    try:
        total = reduce_and_backward(per, reduction, vt)
    except NoReductionError as exc:
        return _Autograd(error=exc.torch_message, explanation=exc.explanation)
    return _Autograd(float(total), float(wt.grad), float(bt.grad))


def agree(hand: float, autograd: float) -> bool:
    """numpy's ``isclose`` with AGREE_TOL as both tolerances: equal infinities agree (inf − inf
    is NaN, yet inf and inf are the same answer), an infinity no finite value, NaN nothing."""
    if np.isinf(hand) or np.isinf(autograd):
        return bool(hand == autograd)
    return abs(hand - autograd) <= AGREE_TOL + AGREE_TOL * abs(autograd)


@overflow_is_data
def chain_rule(
    x: np.ndarray, y: np.ndarray, index: np.ndarray, w: float, b: float, loss: str,
    reduction: str, weights: np.ndarray | None = None, lr: float = 0.01,
) -> ChainRule:
    """The chain rule for batch ``index`` at (w, b), by hand in numpy and by autograd in torch.

    ``weights`` are per *dataset* sample (``LabConfig.weights``; None means 1/B for 'weighted').
    The update shown is plain SGD, w − lr·g: momentum and Adam use the same gradient but move
    differently.
    """
    index = np.asarray(index, dtype=np.int64)
    xb = np.asarray(x, dtype=np.float64)[index]
    yb = np.asarray(y, dtype=np.float64)[index]
    w, b = float(w), float(b)
    pred = predictions(xb, w, b)
    residual = pred - yb
    per = losses(xb, yb, w, b, loss)
    dl = dloss_dpred(residual, loss)
    common = dict(
        loss_name=loss, reduction=reduction, index=index, x=xb, y=yb, pred=pred,
        residual=residual, per_sample_loss=per, dl_dpred=dl, dpred_dw=xb.copy(),
        dpred_db=np.ones_like(xb), w=w, b=b, lr=float(lr),
    )
    v = None if weights is None else np.asarray(weights, dtype=np.float64)[index]
    if reduction == "none" and index.size != 1:
        refused = _autograd(xb, yb, w, b, loss, reduction, None)
        error, why = refused.error, refused.explanation
        return ChainRule(
            **common, weight=None, dL_dpred=None, prod_w=None, prod_b=None, loss=None,
            grad_w=None, grad_b=None, autograd_grad_w=None, autograd_grad_b=None,
            autograd_loss=None, agrees=False, w_after=None, b_after=None,
            error=error, explanation=why,
        )
    weight = reduction_weights(reduction, index.size, v)
    dL = weight * dl
    prod_w, prod_b = dL * xb, dL.copy()
    gw, gb = float(prod_w.sum()), float(prod_b.sum())
    total = float((weight * per).sum())
    a_loss, a_gw, a_gb, _, _ = _autograd(xb, yb, w, b, loss, reduction, v)
    return ChainRule(
        **common, weight=weight, dL_dpred=dL, prod_w=prod_w, prod_b=prod_b, loss=total,
        grad_w=gw, grad_b=gb, autograd_grad_w=a_gw, autograd_grad_b=a_gb, autograd_loss=a_loss,
        agrees=agree(gw, a_gw) and agree(gb, a_gb),
        w_after=w - lr * gw, b_after=b - lr * gb,
    )


_LOSS_TEXT = {
    "mse": ("lᵢ = (ŷᵢ − yᵢ)²", "∂lᵢ/∂ŷᵢ = 2(ŷᵢ − yᵢ)"),
    "mae": ("lᵢ = |ŷᵢ − yᵢ|", "∂lᵢ/∂ŷᵢ = sign(ŷᵢ − yᵢ)"),
    "huber": ("lᵢ = ½(ŷᵢ − yᵢ)² if |ŷᵢ − yᵢ| < 1, else |ŷᵢ − yᵢ| − ½",
              "∂lᵢ/∂ŷᵢ = clip(ŷᵢ − yᵢ, −1, 1)"),
}


def _g(v: float) -> str:
    return f"{v:.6g}"


def _is_article_setting(cr: ChainRule) -> bool:
    return (
        cr.loss_name == "mse" and cr.reduction == "mean" and cr.w == 0.0 and cr.b == 0.0
        and tuple(cr.x.tolist()) == _SEED_X and tuple(cr.y.tolist()) == _SEED_Y
    )


def format_chain_rule(cr: ChainRule, max_rows: int = 8, optimizer: str = "sgd") -> str:
    """The article's derivation as text, with this batch's numbers (used by ``--explain``)."""
    B = cr.batch_size
    lines = [
        f"Chain rule for the next step: loss {cr.loss_name}, reduction {cr.reduction}, "
        f"batch of {B}, at w = {_g(cr.w)}, b = {_g(cr.b)}, lr = {_g(cr.lr)}",
        "",
        "  ŷᵢ = w·xᵢ + b            ∂ŷᵢ/∂w = xᵢ    ∂ŷᵢ/∂b = 1",
        f"  {_LOSS_TEXT[cr.loss_name][0]}",
        f"  {_LOSS_TEXT[cr.loss_name][1]}",
    ]
    reduce_text = {
        "mean": f"L = (1/B) Σ lᵢ            ∂L/∂lᵢ = 1/B = {_g(1.0 / B)}",
        "sum": "L = Σ lᵢ                  ∂L/∂lᵢ = 1",
        "weighted": "L = Σ vᵢ·lᵢ               ∂L/∂lᵢ = vᵢ   (loss.backward(gradient=v))",
        "none": f"L = [l₁ … l_B], shape ({B},): no reduction, so no single number to differentiate",
    }[cr.reduction]
    lines.append(f"  {reduce_text}")
    if cr.reduction != "none":
        lines += [
            "  ∂L/∂ŷᵢ = ∂L/∂lᵢ · ∂lᵢ/∂ŷᵢ",
            "  ∂L/∂w = Σ ∂L/∂ŷᵢ · xᵢ      ∂L/∂b = Σ ∂L/∂ŷᵢ · 1",
        ]
    lines.append("")
    cols = ["i", "xᵢ", "yᵢ", "ŷᵢ", "ŷᵢ−yᵢ", "lᵢ", "∂lᵢ/∂ŷᵢ"]
    if cr.reduction != "none":
        cols += ["∂L/∂lᵢ", "∂L/∂ŷᵢ", "·xᵢ (w)", "·1 (b)"]
    rows = []
    shown = min(B, max_rows)
    for k in range(shown):
        row = [str(int(cr.index[k])), _g(cr.x[k]), _g(cr.y[k]), _g(cr.pred[k]), _g(cr.residual[k]),
               _g(cr.per_sample_loss[k]), _g(cr.dl_dpred[k])]
        if cr.reduction != "none":
            assert cr.weight is not None and cr.dL_dpred is not None
            assert cr.prod_w is not None and cr.prod_b is not None
            row += [_g(cr.weight[k]), _g(cr.dL_dpred[k]), _g(cr.prod_w[k]), _g(cr.prod_b[k])]
        rows.append(row)
    widths = [max(len(c), *(len(r[j]) for r in rows)) for j, c in enumerate(cols)]
    lines.append("  " + "  ".join(c.rjust(wd) for c, wd in zip(cols, widths, strict=True)))
    lines += ["  " + "  ".join(v.rjust(wd) for v, wd in zip(r, widths, strict=True)) for r in rows]
    if B > shown:
        lines.append(f"  …  ({B - shown} more rows)")
    lines.append("")
    if cr.reduction == "none":
        lines += [f"  PyTorch: RuntimeError: {cr.error}", f"  Why: {cr.explanation}"]
        return "\n".join(lines)
    assert cr.grad_w is not None and cr.grad_b is not None and cr.loss is not None
    assert cr.autograd_grad_w is not None and cr.autograd_grad_b is not None
    verdict = "agree within 1e-6" if cr.agrees else "DISAGREE"
    lines += [
        f"  L = {_g(cr.loss)}",
        "                by hand (Σ column)      autograd (loss.backward())",
        f"  ∂L/∂w   {_g(cr.grad_w):>20}  {_g(cr.autograd_grad_w):>26}",
        f"  ∂L/∂b   {_g(cr.grad_b):>20}  {_g(cr.autograd_grad_b):>26}",
        f"  hand and autograd {verdict}",
        "",
        f"  SGD update: w ← w − lr·∂L/∂w = {_g(cr.w)} − {_g(cr.lr)}·({_g(cr.grad_w)}) = "
        f"{_g(cr.w_after)}",  # type: ignore[arg-type]
        f"              b ← b − lr·∂L/∂b = {_g(cr.b)} − {_g(cr.lr)}·({_g(cr.grad_b)}) = "
        f"{_g(cr.b_after)}",  # type: ignore[arg-type]
    ]
    if optimizer != "sgd":
        lines.append(f"  ({optimizer} uses this same gradient but moves w and b by its own rule.)")
    if _is_article_setting(cr):
        lines += [
            "",
            "  Note: the article writes the first w as −0.3. That is a sign slip: the gradient is "
            "−30, so w − lr·(−30) = 0 + 0.01·30 = +0.3, and PyTorch prints 0.3.",
        ]
    return "\n".join(lines)


# ---- the autograd graph ------------------------------------------------------------------------


@dataclass(frozen=True)
class GraphNode:
    """One ``grad_fn`` node of the graph PyTorch built; ``children`` are ids in the node list.

    ``shape`` is the shape of the tensor the node produced in the forward pass (for
    AccumulateGrad: of the leaf parameter); ``label`` names the leaf ('w', 'b') or the quantity.
    """

    id: int
    name: str
    shape: tuple[int, ...] | None
    children: tuple[int, ...]
    label: str = ""


def autograd_graph(
    x: np.ndarray, y: np.ndarray, w: float, b: float, loss: str, reduction: str,
) -> list[GraphNode]:
    """Walk ``grad_fn.next_functions`` from the real loss tensor; node 0 is the loss.

    The loss node's shape is () after 'mean'/'sum' and (B,) for 'none' and 'weighted' (the
    weighted reduction happens inside ``backward(gradient=v)``, not in the graph).
    """
    import torch

    from gradlab.core.trainer import DTYPE, per_sample_loss

    wt = torch.tensor(float(w), dtype=DTYPE, requires_grad=True)
    bt = torch.tensor(float(b), dtype=DTYPE, requires_grad=True)
    xt = torch.tensor(np.asarray(x, dtype=np.float64), dtype=DTYPE)
    yt = torch.tensor(np.asarray(y, dtype=np.float64), dtype=DTYPE)
    wx = wt * xt
    pred = wx + bt
    per = per_sample_loss(pred, yt, loss)
    root = per.mean() if reduction == "mean" else per.sum() if reduction == "sum" else per
    return graph_nodes(root, wx, pred, per, wt, bt, reduction)[0]


def graph_nodes(
    root: torch.Tensor, wx: torch.Tensor, pred: torch.Tensor, per: torch.Tensor,
    wt: torch.Tensor, bt: torch.Tensor, reduction: str,
) -> tuple[list[GraphNode], list[Any]]:
    """The GraphNodes of the real graph under ``root`` and its ``grad_fn`` objects, same order.

    ``wx``, ``pred``, ``per`` are the tensors w·x, ŷ and l that ``root`` was built from and
    ``wt``, ``bt`` the leaves (for shapes and labels).
    """
    # Shapes and labels of the tensors we built, keyed by their grad_fn.
    known: dict[int, tuple[tuple[int, ...], str]] = {
        id(wx.grad_fn): (tuple(wx.shape), "w·x"),
        id(pred.grad_fn): (tuple(pred.shape), "ŷ = w·x + b"),
        id(per.grad_fn): (tuple(per.shape), "per-sample loss l"),
    }
    if root is not per:
        known[id(root.grad_fn)] = ((), f"L = {reduction}(l)")
    leaves = {id(wt): "w", id(bt): "b"}

    nodes: list[GraphNode] = []
    ids: dict[int, int] = {}
    order: list = []
    stack = [root.grad_fn]
    while stack:  # breadth-first numbering, then children resolved by identity
        fn = stack.pop(0)
        if fn is None or id(fn) in ids:
            continue
        ids[id(fn)] = len(order)
        order.append(fn)
        stack.extend(nxt for nxt, _ in fn.next_functions)
    for k, fn in enumerate(order):
        children = tuple(ids[id(nxt)] for nxt, _ in fn.next_functions if nxt is not None)
        name = type(fn).__name__
        if name == "AccumulateGrad":
            var = fn.variable
            shape, label = tuple(var.shape), leaves.get(id(var), "leaf")
        elif id(fn) in known:
            shape, label = known[id(fn)]
        else:  # an op we did not name (e.g. residual ŷ − y): ask autograd's metadata
            label = "ŷ − y" if name == "SubBackward0" else ""
            meta = getattr(fn, "_input_metadata", None)
            shape = tuple(meta[0].shape) if meta else None
        nodes.append(GraphNode(k, name, shape, children, label))
    return nodes, order


# ---- the four reductions side by side ----------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ReductionOutcome:
    """What one reduction gives for the batch: L and its gradient, or PyTorch's error ('none')."""

    reduction: str
    per_sample_loss: np.ndarray
    weight: np.ndarray | None  # ∂L/∂lᵢ
    loss: float | None
    grad_w: float | None
    grad_b: float | None
    error: str | None = None
    explanation: str | None = None


@overflow_is_data
def reduction_demo(
    x: np.ndarray, y: np.ndarray, index: np.ndarray, w: float, b: float, loss: str,
    weights: np.ndarray | None = None,
) -> dict[str, ReductionOutcome]:
    """none / mean / sum / weighted for the same batch, each by really running PyTorch.

    ``weights`` are per dataset sample (None: 1/B each, so 'weighted' starts equal to 'mean').
    """
    index = np.asarray(index, dtype=np.int64)
    xb = np.asarray(x, dtype=np.float64)[index]
    yb = np.asarray(y, dtype=np.float64)[index]
    per = losses(xb, yb, w, b, loss)
    v = None if weights is None else np.asarray(weights, dtype=np.float64)[index]
    out: dict[str, ReductionOutcome] = {}
    for red in ("none", "mean", "sum", "weighted"):
        result = _autograd(xb, yb, w, b, loss, red, v)
        if result.error is not None:
            out[red] = ReductionOutcome(red, per, None, None, None, None, result.error,
                                        result.explanation)
        else:
            total, gw, gb = result.loss, result.grad_w, result.grad_b
            out[red] = ReductionOutcome(
                red, per, reduction_weights(red, index.size, v), total, gw, gb
            )
    return out
