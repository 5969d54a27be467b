"""What the per-sample tab shows: each sample's gradient, clipping it, and the Jacobian behind
``backward(gradient=v)`` (Qt-free, computed in the worker only while the tab is visible).

The numbers come from the core (``per_sample_grads``: ``torch.func.vmap(grad(...))``;
``clip_per_sample``: DP-SGD's order next to ``clip_grad_norm_``; ``jacobian_vjp``:
``torch.func.jacrev`` and a real ``backward(gradient=v)``). They travel as plain dicts of numbers
and numpy arrays: the window's process unpickles them before torch has loaded.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from gradlab.core.config import LabConfig
from gradlab.core.data import Dataset

#: Rows of the Jacobian the tab lists (the rest are counted; vᵀJ always uses every row).
JACOBIAN_ROWS = 50
#: The named choices of v (core.jacobian.V_PRESETS, which imports torch).
V_PRESETS = ("sum", "mean", "weights")


@dataclass(frozen=True, eq=False)
class PerSampleView:
    """``grads``: PerSampleGrads.to_json_dict() (rows, sums, means, autograd's gradients);
    ``clip``: the Clipping's fields, or None under 'none' (no reduced gradient to clip);
    ``jacobian``: JacobianVJP's numbers with J and v cut to JACOBIAN_ROWS rows (``rows`` says
    how many there are); ``v_full`` the whole v when every row is listed (then v can be edited
    entry by entry), else empty. ``v_reset``: the custom v asked for did not fit this batch, so
    1/B each was used."""

    grads: dict[str, Any]
    clip: dict[str, Any] | None
    jacobian: dict[str, Any]
    rows: int
    v_full: tuple[float, ...]
    v_reset: bool = False


def build_per_sample(dataset: Dataset, config: LabConfig, w: float, b: float,
                     batch: np.ndarray, clip: float, v: Any) -> PerSampleView:
    """The tab's numbers for ``batch`` at (w, b); ``clip`` is C, ``v`` a preset or numbers."""
    from gradlab.core.jacobian import jacobian_vjp
    from gradlab.core.persample import clip_per_sample, per_sample_grads
    from gradlab.core.trainer import NoReductionError

    weights = None if config.weights is None else np.asarray(config.weights)
    grads = per_sample_grads(dataset.x, dataset.y, batch, w, b, config.loss, config.reduction,
                             weights)
    try:
        clipping = clip_per_sample(dataset.x, dataset.y, batch, w, b, config.loss,
                                   config.reduction, clip, weights,
                                   row_limit=grads.shown)
        clip_values: dict[str, Any] | None = dataclasses.asdict(clipping)
    except NoReductionError:
        clip_values = None
    reset = False
    if not isinstance(v, str) and (len(v) != batch.size or not np.isfinite(v).all()):
        v, reset = "mean", True
    jv = jacobian_vjp(dataset.x, dataset.y, batch, w, b, config.loss, v, weights)
    k = JACOBIAN_ROWS
    jac = {"batch": jv.index[:k].tolist(), "J": jv.jacobian[:k].tolist(),
           "v": jv.v[:k].tolist(), "v_preset": jv.v_preset, "vTJ": jv.vjp.tolist(),
           "backward_grad_w": jv.backward_grad_w, "backward_grad_b": jv.backward_grad_b,
           "agrees": jv.agrees}
    rows = int(jv.index.size)
    v_full = tuple(jv.v.tolist()) if rows <= k else ()
    return PerSampleView(grads=grads.to_json_dict(), clip=clip_values, jacobian=jac,
                         rows=rows, v_full=v_full, v_reset=reset)
