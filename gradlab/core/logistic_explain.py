"""The teaching views of the logistic model: the chain rule with σ′ (∂lᵢ/∂zᵢ = pᵢ − yᵢ), the
autograd graph of PyTorch's real loss functions, the four reductions with mean's denominator,
per-sample gradients and the loss landscape.

By hand in numpy (``hand_terms``, checked against autograd); torch is imported lazily, so the
landscape and the hand terms load without it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from gradlab.core.config import LabConfig
from gradlab.core.explain import (
    ChainRule,
    Contributions,
    GraphNode,
    ReductionOutcome,
    agree,
    overflow_is_data,
)
from gradlab.core.landscape import LossGrid
from gradlab.core.messages import QT_TRANSLATE_NOOP, Message


@dataclass(frozen=True, eq=False)
class HandTerms:
    """One batch of the logistic model by hand. ``scale`` is the factor PyTorch puts on each
    sample's loss (BCE's per-sample weight; cross-entropy's class weight, 0 when ignored)."""

    index: np.ndarray
    x: np.ndarray
    y: np.ndarray
    z: np.ndarray  # logits w·xᵢ + b
    p: np.ndarray  # σ(zᵢ)
    scale: np.ndarray
    per_sample_loss: np.ndarray  # lᵢ, as PyTorch's reduction='none' gives them
    dl_dz: np.ndarray  # ∂lᵢ/∂zᵢ = scaleᵢ·(pᵢ − yᵢ) (BCE's pos_weight: see ``hand_terms``)
    denominator: float  # what mean divides Σ lᵢ by


def _softplus(z: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, z)


@overflow_is_data
def hand_terms(x: np.ndarray, y: np.ndarray, index: np.ndarray, w: float, b: float,
               config: LabConfig) -> HandTerms:
    """lᵢ = scaleᵢ·[pw·yᵢ·(−log pᵢ) + (1 − yᵢ)·(−log(1 − pᵢ))] and its derivative
    ∂lᵢ/∂zᵢ = scaleᵢ·[pw·yᵢ·(pᵢ − 1) + (1 − yᵢ)·pᵢ], which is scaleᵢ·(pᵢ − yᵢ) when pw = 1."""
    index = np.array(index, dtype=np.int64)  # a copy: torch.from_numpy wants it writable
    xb = np.asarray(x, dtype=np.float64)[index]
    yb = np.asarray(y, dtype=np.float64)[index]
    z = w * xb + b
    p = np.exp(-_softplus(-z))  # σ(z) without overflow
    neg_log_p, neg_log_q = _softplus(-z), _softplus(z)
    if config.loss == "bce":
        scale = (np.ones_like(xb) if config.sample_weights is None
                 else np.asarray(config.sample_weights, dtype=np.float64)[index])
        pw = 1.0 if config.pos_weight is None else config.pos_weight
        per = scale * (pw * yb * neg_log_p + (1 - yb) * neg_log_q)
        dl_dz = scale * (pw * yb * (p - 1) + (1 - yb) * p)
        denominator = float(index.size)
    else:
        cw = np.ones(2) if config.class_weights is None else np.asarray(config.class_weights)
        kept = ~np.isin(index, np.asarray(config.ignore, dtype=np.int64))
        scale = cw[yb.astype(np.int64)] * kept
        per = scale * np.where(yb == 1.0, neg_log_p, neg_log_q)
        dl_dz = scale * (p - yb)
        denominator = float(scale.sum())
    return HandTerms(index, xb, yb, z, p, scale, per, dl_dz, denominator)


def reduction_factors(t: HandTerms, reduction: str, weights: Any = None) -> np.ndarray | None:
    """∂L/∂lᵢ: 1/D under mean (D the denominator; 0 when D = 0: nothing to average), 1 under
    sum, vᵢ under weighted (default 1/B); None for 'none' on more than one sample."""
    n = t.index.size
    if reduction == "mean":
        return np.full(n, 1.0 / t.denominator if t.denominator else 0.0)
    if reduction == "sum" or (reduction == "none" and n == 1):
        return np.ones(n)
    if reduction == "weighted":
        return (np.full(n, 1.0 / n) if weights is None
                else np.asarray(weights, dtype=np.float64)[t.index])
    return None


def logistic_losses(x: np.ndarray, y: np.ndarray, w: float, b: float, config: LabConfig,
                    index: np.ndarray | None = None) -> np.ndarray:
    """Each sample's loss lᵢ (the samples ``index`` of x, y; None: all), as PyTorch's
    reduction='none' gives it: weighted, 0 when ignored."""
    index = np.arange(len(np.asarray(x))) if index is None else index
    return hand_terms(x, y, index, w, b, config).per_sample_loss


def logistic_contributions(x: np.ndarray, y: np.ndarray, index: np.ndarray, w: float, b: float,
                           config: LabConfig) -> Contributions:
    """Each batch sample's share of the reduced gradient (``Contributions`` with ∂lᵢ/∂zᵢ in
    place of ∂lᵢ/∂ŷᵢ): under mean each share is divided by the denominator, not by B."""
    t = hand_terms(x, y, index, w, b, config)
    weight = reduction_factors(t, config.reduction, config.weights)
    if weight is None:
        raise ValueError("reduction 'none' leaves a vector: there is no scalar loss to "
                         "differentiate")
    dL = weight * t.dl_dz
    return Contributions(t.index, weight, t.dl_dz, dL, dL * t.x, dL.copy())


def logistic_reduced_loss(x: np.ndarray, y: np.ndarray, index: np.ndarray, w: float, b: float,
                          config: LabConfig) -> float:
    """The reduced loss of batch ``index`` at (w, b) as the step reduces it (NaN for a mean
    over nothing)."""
    t = hand_terms(x, y, index, w, b, config)
    red = "mean" if config.reduction == "none" and t.index.size > 1 else config.reduction
    if red == "mean" and not t.denominator:
        return float("nan")
    factors = reduction_factors(t, red, config.weights)
    return float(np.dot(factors, t.per_sample_loss))


# ---- PyTorch, as the trainer runs it -----------------------------------------------------------


def _torch_batch(t: HandTerms, w: float, b: float, config: LabConfig, n: int) -> tuple:
    import torch

    from gradlab.core.classify import options_for
    from gradlab.core.trainer import DTYPE

    wt = torch.tensor(float(w), dtype=DTYPE, requires_grad=True)
    bt = torch.tensor(float(b), dtype=DTYPE, requires_grad=True)
    xt, yt = torch.tensor(t.x, dtype=DTYPE), torch.tensor(t.y, dtype=DTYPE)
    opts = options_for(config, n, DTYPE).batch(torch.from_numpy(t.index))
    return wt, bt, xt, yt, opts


def autograd_reduced(t: HandTerms, w: float, b: float, config: LabConfig, n: int,
                     reduction: str) -> tuple[float, float, float] | tuple[str, str]:
    """(L, ∂L/∂w, ∂L/∂b) by the trainer's own calls, or (PyTorch's error, why) for 'none'."""
    import torch

    from gradlab.core.trainer import NoReductionError, logistic_reduce_and_backward

    wt, bt, xt, yt, opts = _torch_batch(t, w, b, config, n)
    v = reduction_factors(t, "weighted", config.weights) if reduction == "weighted" else None
    try:
        _, total = logistic_reduce_and_backward(
            wt * xt + bt, yt, config.loss, opts, reduction,
            None if v is None else torch.tensor(v, dtype=torch.float64))
    except NoReductionError as exc:
        return exc.torch_message, exc.explanation
    return float(total), float(wt.grad), float(bt.grad)


# ---- the chain rule ----------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class LogisticChainRule:
    """The chain rule of one batch: ``rule`` holds the rows with ``pred`` = zᵢ (the logit),
    ``residual`` = pᵢ − yᵢ and ``dl_dpred`` = ∂lᵢ/∂zᵢ; ``denominator`` is mean's."""

    rule: ChainRule
    p: np.ndarray
    denominator: float

    def to_json_dict(self) -> dict:
        return {**self.rule.to_json_dict(), "model": "logistic", "p": self.p.tolist(),
                "denominator": self.denominator}


def logistic_chain_rule(x: np.ndarray, y: np.ndarray, index: np.ndarray, w: float, b: float,
                        config: LabConfig) -> LogisticChainRule:
    """∂L/∂w = Σ ∂L/∂lᵢ · ∂lᵢ/∂zᵢ · xᵢ by hand, next to autograd on PyTorch's own function."""
    t = hand_terms(x, y, index, w, b, config)
    red, n = config.reduction, len(np.asarray(x))
    common = dict(loss_name=config.loss, reduction=red, index=t.index, x=t.x, y=t.y, pred=t.z,
                  residual=t.p - t.y, per_sample_loss=t.per_sample_loss, dl_dpred=t.dl_dz,
                  dpred_dw=t.x.copy(), dpred_db=np.ones_like(t.x), w=float(w), b=float(b),
                  lr=config.lr)
    weight = reduction_factors(t, red, config.weights)
    got = autograd_reduced(t, w, b, config, n, red)
    if weight is None:
        error, why = got
        rule = ChainRule(**common, weight=None, dL_dpred=None, prod_w=None, prod_b=None,
                         loss=None, grad_w=None, grad_b=None, autograd_grad_w=None,
                         autograd_grad_b=None, autograd_loss=None, agrees=False, w_after=None,
                         b_after=None, error=error, explanation=why)
        return LogisticChainRule(rule, t.p, t.denominator)
    dL = weight * t.dl_dz
    gw, gb = float((dL * t.x).sum()), float(dL.sum())
    a_loss, a_gw, a_gb = got
    total = float("nan") if red == "mean" and not t.denominator else float(
        (weight * t.per_sample_loss).sum())
    a_gw, a_gb = (a_gw if np.isfinite(a_gw) else 0.0), (a_gb if np.isfinite(a_gb) else 0.0)
    rule = ChainRule(**common, weight=weight, dL_dpred=dL, prod_w=dL * t.x, prod_b=dL.copy(),
                     loss=total, grad_w=gw, grad_b=gb, autograd_grad_w=a_gw, autograd_grad_b=a_gb,
                     autograd_loss=a_loss, agrees=agree(gw, a_gw) and agree(gb, a_gb),
                     w_after=w - config.lr * gw, b_after=b - config.lr * gb)
    return LogisticChainRule(rule, t.p, t.denominator)


def _g(v: float) -> str:
    return f"{v:.6g}"


_LOSS_TEXT = {
    "bce": "lᵢ = −sᵢ[pw·yᵢ log pᵢ + (1 − yᵢ) log(1 − pᵢ)]   (binary_cross_entropy_with_logits; "
           "sᵢ its weight=)",
    "cross-entropy": "lᵢ = −sᵢ log softmax([0, zᵢ])_yᵢ   (cross_entropy; sᵢ the class weight "
                     "of yᵢ, 0 if ignored)",
}


def denominator_text(config: LabConfig, denominator: float, batch_size: int) -> Message:
    """Why mean divides by what it divides by."""
    d = _g(denominator)
    if config.model == "logistic" and config.loss == "cross-entropy":
        if config.class_weights is not None:
            return Message(QT_TRANSLATE_NOOP(
                "messages", "{d} = Σ of the class weights of the batch's samples not ignored "
                "(not B)"), d=d)
        if config.ignore:
            return Message(QT_TRANSLATE_NOOP(
                "messages", "{d} = the number of samples not ignored (B = {B})"), d=d,
                B=batch_size)
    if config.model == "logistic" and config.sample_weights is not None:
        return Message(QT_TRANSLATE_NOOP(
            "messages", "{d} = the batch size B (BCE's per-sample weights do not change it)"),
            d=d)
    return Message(QT_TRANSLATE_NOOP("messages", "{d} = the batch size B"), d=d)


def format_logistic_chain_rule(lcr: LogisticChainRule, config: LabConfig,
                               max_rows: int = 8) -> str:
    """The derivation as text (``--explain`` for the logistic model)."""
    cr, B = lcr.rule, lcr.rule.batch_size
    lines = [f"Chain rule for the next step: logistic model, loss {cr.loss_name}, reduction "
             f"{cr.reduction}, batch of {B}, at w = {_g(cr.w)}, b = {_g(cr.b)}, lr = {_g(cr.lr)}",
             "",
             "  zᵢ = w·xᵢ + b   pᵢ = σ(zᵢ)        ∂zᵢ/∂w = xᵢ    ∂zᵢ/∂b = 1",
             f"  {_LOSS_TEXT[cr.loss_name]}",
             "  ∂lᵢ/∂zᵢ = sᵢ·(pᵢ − yᵢ)   (σ′(z) = σ(z)(1 − σ(z)) cancels the log's 1/p; "
             "with pos_weight pw: sᵢ·(pw·yᵢ·(pᵢ − 1) + (1 − yᵢ)·pᵢ))"]
    if cr.reduction == "mean":
        lines.append(f"  L = Σ lᵢ / D,  D = {denominator_text(config, lcr.denominator, B)}")
    lines.append("")
    cols = ["i", "xᵢ", "yᵢ", "zᵢ", "pᵢ", "lᵢ", "∂lᵢ/∂zᵢ"]
    if cr.weight is not None:
        cols += ["∂L/∂lᵢ", "∂L/∂zᵢ", "·xᵢ (w)"]
    rows = []
    for k in range(min(B, max_rows)):
        row = [str(int(cr.index[k])), _g(cr.x[k]), _g(cr.y[k]), _g(cr.pred[k]), _g(lcr.p[k]),
               _g(cr.per_sample_loss[k]), _g(cr.dl_dpred[k])]
        if cr.weight is not None and cr.dL_dpred is not None and cr.prod_w is not None:
            row += [_g(cr.weight[k]), _g(cr.dL_dpred[k]), _g(cr.prod_w[k])]
        rows.append(row)
    widths = [max(len(c), *(len(r[j]) for r in rows)) for j, c in enumerate(cols)]
    lines.append("  " + "  ".join(c.rjust(wd) for c, wd in zip(cols, widths, strict=True)))
    lines += ["  " + "  ".join(v.rjust(wd) for v, wd in zip(r, widths, strict=True)) for r in rows]
    if B > len(rows):
        lines.append(f"  …  ({B - len(rows)} more rows)")
    lines.append("")
    if cr.weight is None:
        lines += [f"  PyTorch: RuntimeError: {cr.error}", f"  Why: {cr.explanation}"]
        return "\n".join(lines)
    verdict = "agree within 1e-6" if cr.agrees else "DISAGREE"
    lines += [f"  L = {_g(cr.loss)}   (PyTorch: {_g(cr.autograd_loss)})",
              "                by hand (Σ column)      autograd (loss.backward())",
              f"  ∂L/∂w   {_g(cr.grad_w):>20}  {_g(cr.autograd_grad_w):>26}",
              f"  ∂L/∂b   {_g(cr.grad_b):>20}  {_g(cr.autograd_grad_b):>26}",
              f"  hand and autograd {verdict}"]
    return "\n".join(lines)


# ---- the graph, the reductions, per-sample gradients, the landscape ----------------------------


def logistic_graph(x: np.ndarray, y: np.ndarray, index: np.ndarray, w: float, b: float,
                   config: LabConfig) -> list[GraphNode]:
    """The real ``grad_fn`` graph of the step's loss: e.g. BinaryCrossEntropyWithLogitsBackward0
    under mean (PyTorch reduces inside its function: there is no MeanBackward0), or
    NllLossBackward0 → LogSoftmaxBackward0 → StackBackward0 for cross-entropy."""
    from gradlab.core.classify import logistic_loss
    from gradlab.core.explain import graph_nodes

    t = hand_terms(x, y, index, w, b, config)
    wt, bt, xt, yt, opts = _torch_batch(t, w, b, config, len(np.asarray(x)))
    wx = wt * xt
    z = wx + bt
    red = config.reduction if config.reduction in ("mean", "sum") else "none"
    root = logistic_loss(z, yt, config.loss, opts, red)
    per = root if red == "none" else logistic_loss(z, yt, config.loss, opts, "none")
    nodes, _ = graph_nodes(root, wx, z, per, wt, bt, config.reduction)
    relabel = {"ŷ = w·x + b": "z = w·x + b (logit)"}
    nodes = [dataclasses.replace(nd, label=relabel.get(nd.label, nd.label)) for nd in nodes]
    if red != "none":
        nodes[0] = dataclasses.replace(nodes[0], label=f"L = {config.loss}(z, y), "
                                                       f"reduction={red!r}")
    return nodes


def logistic_reduction_demo(x: np.ndarray, y: np.ndarray, index: np.ndarray, w: float, b: float,
                            config: LabConfig) -> tuple[dict[str, ReductionOutcome], float]:
    """none / mean / sum / weighted on the same batch, each by really running PyTorch, and
    mean's denominator."""
    t = hand_terms(x, y, index, w, b, config)
    out = {}
    for red in ("none", "mean", "sum", "weighted"):
        got = autograd_reduced(t, w, b, config, len(np.asarray(x)), red)
        factors = reduction_factors(t, red, config.weights)
        if len(got) == 2:
            out[red] = ReductionOutcome(red, t.per_sample_loss, None, None, None, None, *got)
        else:
            out[red] = ReductionOutcome(red, t.per_sample_loss, factors, *got)
    return out, t.denominator


def logistic_per_sample_rows(x: np.ndarray, y: np.ndarray, index: np.ndarray, w: float, b: float,
                             config: LabConfig) -> tuple[np.ndarray, np.ndarray]:
    """(∂lᵢ/∂w, ∂lᵢ/∂b) of each sample's own loss (with its weight), in batch order: autograd
    through PyTorch's per-sample loss (lᵢ depends on zᵢ only, so ∂(Σ lⱼ)/∂zᵢ = ∂lᵢ/∂zᵢ)."""
    import torch

    from gradlab.core.classify import logistic_loss

    t = hand_terms(x, y, index, w, b, config)
    wt, bt, xt, yt, opts = _torch_batch(t, w, b, config, len(np.asarray(x)))
    z = (wt * xt + bt).detach().requires_grad_(True)
    (dz,) = torch.autograd.grad(logistic_loss(z, yt, config.loss, opts, "none").sum(), z)
    return (dz * xt).numpy().copy(), dz.numpy().copy()


@overflow_is_data
def logistic_loss_grid(x: np.ndarray, y: np.ndarray, config: LabConfig,
                       w_range: tuple[float, float], b_range: tuple[float, float],
                       n: int = 80) -> LossGrid:
    """L(w, b) over the whole dataset as one full batch would reduce it (mean by its
    denominator, sum, or Σ vᵢ lᵢ; 'none' shows the mean's surface)."""
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    W, B = np.meshgrid(np.linspace(*map(float, w_range), n), np.linspace(*map(float, b_range), n))
    t = hand_terms(x, y, np.arange(x.size), 0.0, 0.0, config)
    red = "mean" if config.reduction == "none" else config.reduction
    factors = reduction_factors(t, red, config.weights)
    total = np.zeros(W.size)
    wf, bf = W.reshape(-1, 1), B.reshape(-1, 1)
    step = max(1, 2_000_000 // W.size)
    for start in range(0, x.size, step):
        sl = slice(start, start + step)
        z = wf * x[None, sl] + bf
        yy, scale = t.y[None, sl], t.scale[None, sl]
        pw = config.pos_weight if config.loss == "bce" and config.pos_weight is not None else 1.0
        per = scale * (pw * yy * _softplus(-z) + (1 - yy) * _softplus(z))
        total += per @ factors[sl]
    L = total.reshape(W.shape)
    if red == "mean" and not t.denominator:
        L = np.full(W.shape, np.nan)
    return LossGrid(W, B, L, False, int(x.size))
