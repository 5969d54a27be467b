"""Each sample's own gradient, with ``torch.func.vmap(torch.func.grad(...))``, and clipping it.

The reduced gradient PyTorch gives is Σᵢ ∂L/∂lᵢ · ∇lᵢ: a weighted sum of per-sample gradients
(weight 1/B for 'mean', 1 for 'sum', vᵢ for 'weighted'). Here the rows ∇lᵢ = (∂lᵢ/∂w, ∂lᵢ/∂b) are
computed one per sample with torch.func, and their column sums / means / weighted sums stand next
to the gradient autograd produced with ``.sum().backward()``, ``.mean().backward()`` and
``backward(gradient=v)`` on the trainer's own loss. Per-sample clipping (DP-SGD's order: clip each
row, then reduce) stands next to ``torch.nn.utils.clip_grad_norm_`` on the reduced gradient.

Results are frozen dataclasses of floats and read-only numpy arrays: a worker can send them across
threads.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch.func import grad, vmap

from gradlab.core.trainer import DTYPE, NoReductionError, per_sample_loss, reduce_and_backward

#: Rows kept for a table when the batch is larger (the largest norms, largest first).
ROW_LIMIT = 1000


def _frozen(a: np.ndarray | torch.Tensor) -> np.ndarray:
    if isinstance(a, torch.Tensor):
        a = a.detach().numpy()
    out = np.array(a, dtype=np.float64, copy=True)
    out.flags.writeable = False
    return out


def _batch(x: np.ndarray, y: np.ndarray, index: np.ndarray
           ) -> tuple[np.ndarray, torch.Tensor, torch.Tensor]:
    index = np.asarray(index, dtype=np.int64).reshape(-1)
    xb = torch.tensor(np.asarray(x, dtype=np.float64)[index], dtype=DTYPE)
    yb = torch.tensor(np.asarray(y, dtype=np.float64)[index], dtype=DTYPE)
    return index, xb, yb


Weights = np.ndarray | list[float] | tuple[float, ...] | None


def batch_weights(reduction: str, index: np.ndarray, weights: Weights) -> torch.Tensor | None:
    """The v the trainer passes to ``backward(gradient=v)`` for this batch ('weighted' only):
    the batch's share of the per-dataset ``weights``, or 1/B each when there are none."""
    if reduction != "weighted":
        return None
    if weights is None:
        return torch.full((index.size,), 1.0 / index.size, dtype=DTYPE)
    return torch.tensor(np.asarray(weights, dtype=np.float64)[index], dtype=DTYPE)


def rows(xb: torch.Tensor, yb: torch.Tensor, w: float, b: float, loss: str
         ) -> tuple[torch.Tensor, torch.Tensor]:
    """(∂lᵢ/∂w, ∂lᵢ/∂b) for every sample: ``vmap`` of ``grad`` of one sample's loss.

    One sample's loss is the trainer's own ``per_sample_loss`` on 0-d tensors, so mse, mae and
    huber are the very ops a step runs.
    """
    def one(wt: torch.Tensor, bt: torch.Tensor, xi: torch.Tensor, yi: torch.Tensor
            ) -> torch.Tensor:
        return per_sample_loss(wt * xi + bt, yi, loss)

    wt = torch.tensor(float(w), dtype=DTYPE)
    bt = torch.tensor(float(b), dtype=DTYPE)
    gw, gb = vmap(grad(one, argnums=(0, 1)), in_dims=(None, None, 0, 0))(wt, bt, xb, yb)
    return gw, gb


def per_sample_rows(x: np.ndarray, y: np.ndarray, index: np.ndarray, w: float, b: float,
                    loss: str) -> tuple[np.ndarray, np.ndarray]:
    """Just the rows (∂lᵢ/∂w, ∂lᵢ/∂b) of batch ``index``, in batch order (the ``--json`` trace)."""
    _, xb, yb = _batch(x, y, index)
    gw, gb = rows(xb, yb, w, b, loss)
    return _frozen(gw), _frozen(gb)


def autograd_gradient(xb: torch.Tensor, yb: torch.Tensor, w: float, b: float, loss: str,
                      reduction: str, v: torch.Tensor | None) -> tuple[float, float]:
    """The reduced gradient exactly as a step computes it (``reduce_and_backward``).

    Raises NoReductionError for 'none' with more than one sample.
    """
    wt = torch.tensor(float(w), dtype=DTYPE, requires_grad=True)
    bt = torch.tensor(float(b), dtype=DTYPE, requires_grad=True)
    reduce_and_backward(per_sample_loss(wt * xb + bt, yb, loss), reduction, v)
    return float(wt.grad), float(bt.grad)


@dataclass(frozen=True, eq=False)
class PerSampleGrads:
    """One batch's per-sample gradients, and their sums and means next to autograd's.

    ``index``/``grad_w``/``grad_b``/``norm`` are the rows shown: the whole batch in batch order,
    or, when the batch has more than ``row_limit`` rows, the ``shown`` rows of largest norm,
    largest first (``sorted_by_norm`` True; ``note`` says so). Sums and means always cover all
    ``batch_size`` rows. ``reduced_*`` is the lab's reduction ('weighted': Σ vᵢ·rowᵢ); under
    'none' (B > 1) it is None and ``error`` holds PyTorch's message.
    """

    loss_name: str
    reduction: str
    w: float
    b: float
    batch_size: int
    index: np.ndarray
    grad_w: np.ndarray  # ∂lᵢ/∂w
    grad_b: np.ndarray  # ∂lᵢ/∂b
    norm: np.ndarray  # ‖(∂lᵢ/∂w, ∂lᵢ/∂b)‖
    sorted_by_norm: bool
    sum_w: float
    sum_b: float
    mean_w: float
    mean_b: float
    autograd_sum_w: float  # per.sum().backward()
    autograd_sum_b: float
    autograd_mean_w: float  # per.mean().backward()
    autograd_mean_b: float
    reduced_w: float | None  # the lab's reduction of the rows (Σ ∂L/∂lᵢ · rowᵢ)
    reduced_b: float | None
    autograd_reduced_w: float | None  # the lab's reduction by autograd, as a step computes it
    autograd_reduced_b: float | None
    error: str | None = None

    @property
    def shown(self) -> int:
        return int(self.index.size)

    @property
    def note(self) -> str:
        """Which rows are shown, in English (the window words its own)."""
        if not self.sorted_by_norm:
            return f"all {self.batch_size} samples of the batch, in batch order"
        return (f"the {self.shown} samples with the largest gradient norm of the batch's "
                f"{self.batch_size}, largest first")

    def to_json_dict(self) -> dict:
        return {
            "loss_name": self.loss_name, "reduction": self.reduction, "w": self.w, "b": self.b,
            "batch_size": self.batch_size, "batch": self.index.tolist(),
            "per_sample_grad_w": self.grad_w.tolist(), "per_sample_grad_b": self.grad_b.tolist(),
            "norm": self.norm.tolist(), "sorted_by_norm": self.sorted_by_norm,
            "sum_w": self.sum_w, "sum_b": self.sum_b, "mean_w": self.mean_w,
            "mean_b": self.mean_b, "autograd_sum_w": self.autograd_sum_w,
            "autograd_sum_b": self.autograd_sum_b, "autograd_mean_w": self.autograd_mean_w,
            "autograd_mean_b": self.autograd_mean_b, "reduced_w": self.reduced_w,
            "reduced_b": self.reduced_b, "autograd_reduced_w": self.autograd_reduced_w,
            "autograd_reduced_b": self.autograd_reduced_b, "error": self.error,
        }


def _largest_first(norm: np.ndarray, limit: int | None) -> np.ndarray | None:
    """Positions of the ``limit`` largest norms, largest first (stable); None: keep all."""
    if limit is None or norm.size <= limit:
        return None
    return np.argsort(-norm, kind="stable")[:limit]


def per_sample_grads(
    x: np.ndarray, y: np.ndarray, index: np.ndarray, w: float, b: float, loss: str,
    reduction: str = "mean", weights: Weights = None,
    row_limit: int | None = ROW_LIMIT,
) -> PerSampleGrads:
    """Per-sample gradients of batch ``index`` of (x, y) at (w, b).

    ``weights`` are per *dataset* sample (``LabConfig.weights``), as in explain.chain_rule;
    ``row_limit`` None keeps every row in batch order (the ``--per-sample-grads`` trace).
    """
    if row_limit is not None and row_limit < 1:
        raise ValueError(f"row_limit must be >= 1, got {row_limit}")
    index, xb, yb = _batch(x, y, index)
    gw, gb = rows(xb, yb, w, b, loss)
    s_w, s_b = autograd_gradient(xb, yb, w, b, loss, "sum", None)
    m_w, m_b = autograd_gradient(xb, yb, w, b, loss, "mean", None)
    v = batch_weights(reduction, index, weights)
    red_w = red_b = a_w = a_b = error = None
    try:
        a_w, a_b = autograd_gradient(xb, yb, w, b, loss, reduction, v)
    except NoReductionError as exc:
        error = exc.torch_message
    else:
        dL_dl = _reduction_vector(reduction, index.size, v)
        red_w, red_b = float(dL_dl @ gw), float(dL_dl @ gb)
    norm = torch.hypot(gw, gb)
    keep = _largest_first(norm.numpy(), row_limit)
    shown_w, shown_b, shown_n, shown_i = gw, gb, norm, index
    if keep is not None:
        t = torch.from_numpy(keep)
        shown_w, shown_b, shown_n, shown_i = gw[t], gb[t], norm[t], index[keep]
    return PerSampleGrads(
        loss_name=loss, reduction=reduction, w=float(w), b=float(b), batch_size=int(index.size),
        index=_frozen_index(shown_i), grad_w=_frozen(shown_w), grad_b=_frozen(shown_b),
        norm=_frozen(shown_n), sorted_by_norm=keep is not None,
        sum_w=float(gw.sum()), sum_b=float(gb.sum()),
        mean_w=float(gw.mean()), mean_b=float(gb.mean()),
        autograd_sum_w=s_w, autograd_sum_b=s_b, autograd_mean_w=m_w, autograd_mean_b=m_b,
        reduced_w=red_w, reduced_b=red_b, autograd_reduced_w=a_w, autograd_reduced_b=a_b,
        error=error,
    )


def _frozen_index(index: np.ndarray) -> np.ndarray:
    out = np.array(index, dtype=np.int64, copy=True)
    out.flags.writeable = False
    return out


def _reduction_vector(reduction: str, batch_size: int, v: torch.Tensor | None) -> torch.Tensor:
    """∂L/∂lᵢ as the step's backward sees it: 1/B, 1, vᵢ, or 1 for a one-sample 'none'."""
    if reduction == "mean":
        return torch.full((batch_size,), 1.0 / batch_size, dtype=DTYPE)
    if reduction == "weighted" and v is not None:
        return v
    return torch.ones(batch_size, dtype=DTYPE)


# ---- clipping: each row, or the reduced gradient ------------------------------------------------


@dataclass(frozen=True, eq=False)
class Clipping:
    """Per-sample clipping (DP-SGD's order) next to clipping the reduced gradient.

    Rows are in batch order, or the ``row_limit`` rows of largest norm, largest first
    (``sorted_by_norm``), as in PerSampleGrads; the sums cover the whole batch of ``batch_size``.
    ``share_*`` is each sample's term ∂L/∂lᵢ · rowᵢ of the reduced
    gradient; the reduced gradient is the sum of the shares. Per-sample: each row is scaled to
    norm at most ``max_norm`` (rowᵢ / max(1, ‖rowᵢ‖/C)), then reduced, so only large rows shrink.
    Reduce-then-clip: ``clip_grad_norm_`` scales the whole reduced gradient (every share by the
    same ``reduced_scale``), so a dominant sample stays dominant.
    """

    loss_name: str
    reduction: str
    max_norm: float
    batch_size: int
    sorted_by_norm: bool
    index: np.ndarray
    grad_w: np.ndarray  # ∂lᵢ/∂w, unclipped
    grad_b: np.ndarray
    norm: np.ndarray
    weight: np.ndarray  # ∂L/∂lᵢ
    scale: np.ndarray  # per row: 1 / max(1, ‖rowᵢ‖/C)
    clipped_w: np.ndarray  # rowᵢ · scaleᵢ
    clipped_b: np.ndarray
    share_w: np.ndarray  # per-sample clipping: ∂L/∂lᵢ · clipped rowᵢ
    share_b: np.ndarray
    per_sample_w: float  # Σ share: clip each row, then reduce
    per_sample_b: float
    reduced_w: float  # autograd's reduced gradient, unclipped
    reduced_b: float
    reduced_norm: float  # what clip_grad_norm_ returned (the norm before clipping)
    reduced_scale: float  # clipped / unclipped, for the reduce-then-clip column
    reduce_then_clip_w: float  # .grad after clip_grad_norm_
    reduce_then_clip_b: float

    @property
    def clipped(self) -> np.ndarray:
        """Which rows per-sample clipping shrank."""
        return self.scale < 1.0


def clip_per_sample(
    x: np.ndarray, y: np.ndarray, index: np.ndarray, w: float, b: float, loss: str,
    reduction: str, max_norm: float,
    weights: Weights = None, row_limit: int | None = None,
) -> Clipping:
    """Clip every row to ``max_norm`` then reduce, next to ``clip_grad_norm_`` on the reduced one.

    ``row_limit`` caps the rows returned (largest norms first); None returns every row.
    Raises ValueError for a ``max_norm`` that is not a positive finite number, and
    NoReductionError for 'none' with more than one sample (there is no reduced gradient).
    """
    if not (isinstance(max_norm, (int, float)) and np.isfinite(max_norm) and max_norm > 0):
        raise ValueError(f"the clipping norm must be a positive number, got {max_norm!r}")
    index, xb, yb = _batch(x, y, index)
    v = batch_weights(reduction, index, weights)
    wt = torch.tensor(float(w), dtype=DTYPE, requires_grad=True)
    bt = torch.tensor(float(b), dtype=DTYPE, requires_grad=True)
    reduce_and_backward(per_sample_loss(wt * xb + bt, yb, loss), reduction, v)
    reduced_w, reduced_b = float(wt.grad), float(bt.grad)
    total = torch.nn.utils.clip_grad_norm_([wt, bt], max_norm=float(max_norm))
    after_w, after_b = float(wt.grad), float(bt.grad)
    before = float(np.hypot(reduced_w, reduced_b))
    ratio = float(np.hypot(after_w, after_b)) / before if before > 0 else 1.0

    gw, gb = rows(xb, yb, w, b, loss)
    norm = torch.hypot(gw, gb)
    scale = 1.0 / torch.clamp(norm / float(max_norm), min=1.0)
    cw, cb = gw * scale, gb * scale
    dL_dl = _reduction_vector(reduction, index.size, v)
    share_w, share_b = dL_dl * cw, dL_dl * cb
    per_w, per_b = float(share_w.sum()), float(share_b.sum())
    keep = _largest_first(norm.numpy(), row_limit)
    cols = [gw, gb, norm, dL_dl, scale, cw, cb, share_w, share_b]
    if keep is not None:
        t = torch.from_numpy(keep)
        cols, index_shown = [c[t] for c in cols], index[keep]
    else:
        index_shown = index
    return Clipping(
        loss_name=loss, reduction=reduction, max_norm=float(max_norm),
        batch_size=int(index.size), sorted_by_norm=keep is not None,
        index=_frozen_index(index_shown), **dict(zip(
            ("grad_w", "grad_b", "norm", "weight", "scale", "clipped_w", "clipped_b", "share_w",
             "share_b"), map(_frozen, cols), strict=True)),
        per_sample_w=per_w, per_sample_b=per_b,
        reduced_w=reduced_w, reduced_b=reduced_b, reduced_norm=float(total),
        reduced_scale=ratio, reduce_then_clip_w=after_w, reduce_then_clip_b=after_b,
    )
