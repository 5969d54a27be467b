"""The Jacobian behind ``backward(gradient=v)``: vᵀJ, as a matrix product and as autograd does it.

J is the B×2 Jacobian of the per-sample losses l(w, b) with respect to (w, b), by
``torch.func.jacrev`` (by ``vmap(grad)`` rows for a batch above JACREV_MAX).
``l.backward(gradient=v)`` computes the vector-Jacobian product vᵀJ without ever building J;
here both stand side by side. v = all 1 is ``l.sum().backward()``, v = all 1/B is
``l.mean().backward()``, v = the lab's weights is the 'weighted' reduction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch.func import jacrev

from gradlab.core.persample import _batch, _frozen, _frozen_index
from gradlab.core.persample import rows as sample_rows
from gradlab.core.trainer import DTYPE, per_sample_loss

#: The named choices of v; anything else is a custom vector.
V_PRESETS = ("sum", "mean", "weights")
#: Above this batch size J comes from ``vmap(grad)`` row by row: ``jacrev`` pushes B basis
#: vectors of length B through backward (B² numbers: 8 TB for a batch of a million). It is the
#: same matrix: lᵢ depends on sample i only, so row i of J is that sample's gradient.
JACREV_MAX = 2048


def preset_v(preset: str, batch_size: int, batch_weights: np.ndarray | None = None
             ) -> np.ndarray:
    """v for a preset: 'sum' all 1, 'mean' all 1/B, 'weights' the batch's weights (1/B each when
    the lab has none, as the trainer does)."""
    if preset == "sum":
        return np.ones(batch_size)
    if preset == "mean" or (preset == "weights" and batch_weights is None):
        return np.full(batch_size, 1.0 / batch_size)
    if preset == "weights":
        v = np.asarray(batch_weights, dtype=np.float64)
        if v.shape != (batch_size,):
            raise ValueError(f"v needs {batch_size} entries, got {v.size}")
        return v.copy()
    raise ValueError(f"unknown v preset {preset!r}; one of {', '.join(V_PRESETS)}")


@dataclass(frozen=True, eq=False)
class JacobianVJP:
    """J (B×2, columns ∂lᵢ/∂w and ∂lᵢ/∂b), v, vᵀJ = v @ J, and the ``.grad`` of w and b after
    ``per_sample_loss.backward(gradient=v)``."""

    loss_name: str
    w: float
    b: float
    index: np.ndarray
    jacobian: np.ndarray  # (B, 2)
    v: np.ndarray  # (B,)
    v_preset: str  # 'sum', 'mean', 'weights' or 'custom'
    vjp: np.ndarray  # (2,): v @ J
    backward_grad_w: float  # w.grad after per.backward(gradient=v)
    backward_grad_b: float
    per_sample_loss: np.ndarray

    @property
    def agrees(self) -> bool:
        """vᵀJ and backward's .grad agree to 1e-9 (relative and absolute)."""
        return bool(np.allclose(self.vjp, [self.backward_grad_w, self.backward_grad_b],
                                rtol=1e-9, atol=1e-9))

    def to_json_dict(self) -> dict:
        return {
            "loss_name": self.loss_name, "w": self.w, "b": self.b, "batch": self.index.tolist(),
            "per_sample_loss": self.per_sample_loss.tolist(), "J": self.jacobian.tolist(),
            "v": self.v.tolist(), "v_preset": self.v_preset, "vTJ": self.vjp.tolist(),
            "backward_grad_w": self.backward_grad_w, "backward_grad_b": self.backward_grad_b,
            "agrees": self.agrees,
        }


def jacobian_vjp(
    x: np.ndarray, y: np.ndarray, index: np.ndarray, w: float, b: float, loss: str,
    v: str | np.ndarray | list[float] | tuple[float, ...] = "mean",
    weights: np.ndarray | list[float] | tuple[float, ...] | None = None,
) -> JacobianVJP:
    """J, v and vᵀJ for batch ``index`` of (x, y) at (w, b).

    ``v`` is a preset name (see V_PRESETS) or one number per batch sample; ``weights`` are per
    *dataset* sample (``LabConfig.weights``) for the 'weights' preset. ValueError for a v of the
    wrong length or with a non-finite entry.
    """
    index, xb, yb = _batch(x, y, index)
    n = int(index.size)
    if isinstance(v, str):
        bw = None if weights is None else np.asarray(weights, dtype=np.float64)[index]
        vv, name = preset_v(v, n, bw), v
    else:
        vv, name = np.asarray(v, dtype=np.float64).reshape(-1), "custom"
        if vv.size != n:
            raise ValueError(f"v needs one entry per batch sample: {n} samples, {vv.size} given")
    if not np.isfinite(vv).all():
        raise ValueError("v must be finite")
    vt = torch.tensor(vv, dtype=DTYPE)
    w0 = torch.tensor(float(w), dtype=DTYPE)
    b0 = torch.tensor(float(b), dtype=DTYPE)

    def losses(wt: torch.Tensor, bt: torch.Tensor) -> torch.Tensor:
        return per_sample_loss(wt * xb + bt, yb, loss)

    if n <= JACREV_MAX:
        jw, jb = jacrev(losses, argnums=(0, 1))(w0, b0)
    else:
        jw, jb = sample_rows(xb, yb, float(w), float(b), loss)
    J = torch.stack((jw, jb), dim=1)
    vjp = vt @ J
    wt, bt = w0.clone().requires_grad_(True), b0.clone().requires_grad_(True)
    per = losses(wt, bt)
    per.backward(gradient=vt)
    return JacobianVJP(
        loss_name=loss, w=float(w), b=float(b), index=_frozen_index(index),
        jacobian=_frozen(J), v=_frozen(vt), v_preset=name, vjp=_frozen(vjp),
        backward_grad_w=float(wt.grad), backward_grad_b=float(bt.grad),
        per_sample_loss=_frozen(per),
    )


def format_jacobian(jv: JacobianVJP, max_rows: int = 8) -> str:
    """J, v and vᵀJ next to backward's .grad (used by ``--jacobian``)."""
    def g(f: float) -> str:
        return f"{f + 0.0:.6g}"

    n = int(jv.index.size)
    lines = [
        f"The Jacobian of the per-sample losses ({jv.loss_name}) with respect to (w, b), "
        f"batch of {n}, at w = {g(jv.w)}, b = {g(jv.b)} (torch.func.jacrev):",
        "",
    ]
    rows = [(str(int(i)), g(jw), g(jb), g(vi))
            for i, (jw, jb), vi in zip(jv.index[:max_rows], jv.jacobian[:max_rows],
                                        jv.v[:max_rows], strict=True)]
    head = ("i", "∂lᵢ/∂w", "∂lᵢ/∂b", "vᵢ")
    widths = [max(len(h), *(len(r[k]) for r in rows)) for k, h in enumerate(head)]
    lines.append("  " + "  ".join(h.rjust(wd) for h, wd in zip(head, widths, strict=True)))
    lines += ["  " + "  ".join(c.rjust(wd) for c, wd in zip(r, widths, strict=True))
              for r in rows]
    if n > max_rows:
        lines.append(f"  …  ({n - max_rows} more rows)")
    verdict = "equal within 1e-9" if jv.agrees else "DIFFERENT"
    lines += [
        "",
        f"  v ({jv.v_preset}): l.backward(gradient=v) starts backward from ∂L/∂l = v",
        f"  vᵀJ = v @ J (matrix product)                = ({g(jv.vjp[0])}, {g(jv.vjp[1])})",
        f"  w.grad, b.grad after l.backward(gradient=v) = "
        f"({g(jv.backward_grad_w)}, {g(jv.backward_grad_b)})",
        f"  {verdict}",
    ]
    return "\n".join(lines)
