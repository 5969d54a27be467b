"""What the panels draw for one record, computed in the worker thread (numpy only, no Qt, no torch).

The window must do almost no work per frame (the GIL is shared with the training thread), so every
array a panel needs is prepared here, once per *emitted* record, never once per step. Large datasets
are reduced to a few thousand points and a few hundred bar groups; every array is finite.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field

import numpy as np

from gradlab.core.config import LabConfig
from gradlab.core.data import Dataset, is_separable, label_problem
from gradlab.core.explain import contributions, dloss_dpred, losses, predictions
from gradlab.core.records import HISTORY_FIELDS, HistoryChunk, StepRecord
from gradlab.views.groups import GroupSums

#: Above this many samples the bar panels show groups of consecutive samples instead.
MAX_BARS = 200
#: The fit panel draws at most this many data points (a fixed random subset).
MAX_POINTS = 4000
#: ... at most this many batch points and residual segments.
MAX_BATCH_POINTS = 1000
MAX_RESIDUALS = 400
#: Values beyond this are clipped before they reach a plot (a diverging run grows without bound).
LIMIT = 1e15


def finite(a: np.ndarray | float) -> np.ndarray:
    """A copy of ``a`` with NaN -> 0 and everything (±inf too) clipped to ±LIMIT: safe to hand
    to pyqtgraph. (Two ufuncs, not ``nan_to_num`` and ``clip``: a view holds a dozen arrays and
    is built up to 40 times a second, where their Python wrappers cost a third of a millisecond.)"""
    a = np.asarray(a, dtype=np.float64)
    out = np.maximum(a, -LIMIT, out=np.empty_like(a))  # NaN stays NaN
    np.minimum(out, LIMIT, out=out)
    nan = np.isnan(out)
    if nan.any():
        out[nan] = 0.0
    return out


def finite_scalar(v: float) -> float:
    """``finite`` for one number."""
    v = float(v)
    return 0.0 if v != v else min(max(v, -LIMIT), LIMIT)


def beyond(v: float) -> bool:
    """``v`` is not drawn where it is: beyond ±LIMIT or not finite (a drawn item says so)."""
    return not (math.isfinite(v) and abs(v) <= LIMIT)


@dataclass(frozen=True, eq=False)
class DataLayout:
    """Per-dataset constants: the shown subset of points, bar groups and axis ranges."""

    n: int
    shown: np.ndarray  # sorted dataset indices drawn in the fit panel
    x: np.ndarray  # x[shown]
    y: np.ndarray  # y[shown]
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    group_size: int  # 1: one bar per sample
    group_starts: np.ndarray  # first dataset index of each group
    group_counts: np.ndarray
    #: Why this data cannot be the logistic model's (a label not 0/1), or None: the window
    #: refuses the switch to logistic at once, and nothing is lost (issue 19)
    label_problem: str | None = None
    #: The classes do not overlap: the logistic loss has no minimum (SEPARABLE_NOTE)
    separable: bool = False
    #: Identity that survives a process pipe (an unpickled copy is a new object): panels redo
    #: per-dataset work (points, ranges, styles) only when it changes.
    #: (os.urandom rather than the secrets module: that one loads OpenSSL's hashlib, ~4 ms.)
    token: int = field(default_factory=lambda: int.from_bytes(os.urandom(8), "little") >> 1)
    #: The groups' sums for the squared error (None: one bar per sample). The worker's alone:
    #: they stay out of the pipe, the window draws from the views.
    sums: GroupSums | None = field(default=None, repr=False)

    def __getstate__(self) -> dict:
        return {**self.__dict__, "sums": None}


def layout_for(dataset: Dataset, seed: int = 0) -> DataLayout:
    n = len(dataset)
    if n <= MAX_POINTS:
        shown = np.arange(n)
    else:
        shown = np.sort(np.random.default_rng([seed, 4099]).choice(n, MAX_POINTS, replace=False))
    group = 1 if n <= MAX_BARS else math.ceil(n / MAX_BARS)
    starts = np.arange(0, n, group)
    counts = np.diff(np.append(starts, n))
    x, y = dataset.x, dataset.y
    return DataLayout(
        n=n, shown=shown, x=np.array(x[shown]), y=np.array(y[shown]),
        x_range=(float(x.min()), float(x.max())), y_range=(float(y.min()), float(y.max())),
        group_size=group, group_starts=starts, group_counts=counts,
        sums=None if group == 1 else GroupSums.of(x, y, starts),
        label_problem=label_problem(dataset),
        separable=label_problem(dataset) is None and is_separable(dataset),
    )


@dataclass(frozen=True, eq=False)
class PanelView:
    """Everything the four panels need for one record. All arrays finite."""

    layout: DataLayout
    # fit panel
    w: float  # the line after the step
    b: float
    w_before: float  # the line the losses and gradients were measured at
    b_before: float
    point_loss: np.ndarray  # loss of each shown point at (w_before, b_before)
    resid_index: np.ndarray  # positions into layout.shown that get a residual segment
    batch_x: np.ndarray
    batch_y: np.ndarray
    # bar panels: one entry per sample (group_size 1) or per group
    bar_pos: np.ndarray  # 1-based sample number, or the group's centre
    bar_loss: np.ndarray  # loss per sample, or mean loss per group
    bar_in_batch: np.ndarray  # bool
    contrib_w: np.ndarray  # each sample's (group's summed) share of dL/dw
    contrib_b: np.ndarray
    # the reduced numbers, straight from the record (PyTorch's values)
    loss: float
    grad_w: float
    grad_b: float
    reduction: str
    loss_name: str
    batch_size: int
    clipped: bool  # some value was beyond ±LIMIT and was clipped
    #: the step's own loss (its batch, loss function, reduction and weights) at the new w, b:
    #: the status bar's "loss 30 → 20.8"; NaN for a preview (no step taken) and when not reduced
    loss_after: float = math.nan
    #: False for reduction 'none' on more than one sample: no scalar L, so no reduced loss and no
    #: gradient (``loss``, ``grad_w``, ``grad_b`` are 0 then, and meaningless)
    reduced: bool = True
    #: w, b, w_before, b_before, loss, grad_w, grad_b as they are (the fields above are clipped
    #: to ±LIMIT for drawing): what the panels write. Clip what is drawn, never what is written.
    written: dict[str, float] = field(default_factory=dict)
    #: "line" or "logistic"; mean's denominator (record.denominator: ÷ what) and why, as a
    #: Message; a teaching note of the step (a mean over nothing), none of them clipped
    model: str = "line"
    denominator: float | None = None
    denominator_text: str | None = None
    note: str | None = None
    #: the samples cross-entropy ignores (config.ignore; drawn hollow in the fit panel)
    ignored: tuple[int, ...] = ()


def unreduced_record(step: int, epoch: int, batch: np.ndarray, w: float, b: float,
                     dataset: Dataset, config: LabConfig) -> StepRecord:
    """Reduction 'none' on a batch of more than one: PyTorch refuses backward(), so there is no
    loss L and no gradient (NaN) — only the per-sample losses at (w, b) of the batch the next
    step would use (a preview: ``applied`` False, nothing moves)."""
    batch = np.asarray(batch, dtype=np.int64)
    per = _losses(dataset.x, dataset.y, w, b, config, batch)
    return StepRecord(
        step=step, epoch=epoch, batch=batch, per_sample_loss=per, loss=math.nan,
        grad_w=math.nan, grad_b=math.nan, w_before=w, b_before=b, w_after=w, b_after=b,
        lr=config.lr, loss_name=config.loss, reduction=config.reduction, applied=False,
        model=config.model)


def _losses(x: np.ndarray, y: np.ndarray, w: float, b: float, config: LabConfig,
            index: np.ndarray | None = None, loss_name: str | None = None) -> np.ndarray:
    """Per-sample losses of the samples ``index`` (None: all) for the config's model (the
    line's loss ``loss_name``, by default the config's)."""
    if config.model == "logistic":
        from gradlab.core.logistic_explain import logistic_losses

        return logistic_losses(x, y, w, b, config, index)
    loss_name = loss_name or config.loss
    if index is None:
        return losses(x, y, w, b, loss_name)
    return losses(x[index], y[index], w, b, loss_name)


def build_view(record: StepRecord, dataset: Dataset, layout: DataLayout,
               config: LabConfig) -> PanelView:
    """The panel arrays for ``record`` (costs O(N): call it only for records that will be shown)."""
    with np.errstate(all="ignore"):
        return _build_view(record, dataset, layout, config)


def _build_view(record: StepRecord, dataset: Dataset, layout: DataLayout,
                config: LabConfig) -> PanelView:
    wb, bb = record.w_before, record.b_before
    loss_name = record.loss_name
    batch = record.batch
    weights = None if config.weights is None else np.asarray(config.weights)
    reduced = record.reduction != "none" or batch.size == 1
    n = layout.n
    if layout.group_size > 1:
        bar_loss, cw, cb, in_batch = _grouped(record, dataset, layout, weights, reduced, config)
        pos = layout.group_starts + (layout.group_counts - 1) / 2.0 + 1.0
    else:
        share_w, share_b = _shares(record, dataset, weights, reduced, config)
        bar_loss = _losses(dataset.x, dataset.y, wb, bb, config, loss_name=loss_name)
        bar_loss[batch] = record.per_sample_loss  # PyTorch's own numbers for the batch
        in_batch = np.zeros(n, dtype=bool)
        in_batch[batch] = True
        cw = np.zeros(n)
        cb = np.zeros(n)
        np.add.at(cw, batch, share_w)
        np.add.at(cb, batch, share_b)
        pos = np.arange(1, n + 1, dtype=np.float64)
    point_loss = _losses(dataset.x, dataset.y, wb, bb, config, layout.shown) \
        if config.model == "logistic" else losses(layout.x, layout.y, wb, bb, loss_name)
    resid = np.arange(layout.shown.size)
    if resid.size > MAX_RESIDUALS:
        resid = np.linspace(0, resid.size - 1, MAX_RESIDUALS).astype(np.int64)
    shown_batch = batch[:MAX_BATCH_POINTS]
    arrays = {
        "point_loss": point_loss, "bar_loss": bar_loss, "contrib_w": cw, "contrib_b": cb,
        "batch_x": dataset.x[shown_batch], "batch_y": dataset.y[shown_batch],
    }
    scalars = {
        "w": record.w_after, "b": record.b_after, "w_before": wb, "b_before": bb,
        **({"loss": record.loss, "grad_w": record.grad_w, "grad_b": record.grad_b} if reduced
           else {"loss": 0.0, "grad_w": 0.0, "grad_b": 0.0}),
    }
    clipped = not all(np.isfinite(a).all() and np.abs(a).max(initial=0) <= LIMIT
                      for a in arrays.values())
    if record.note is not None:  # a mean over nothing: its NaN is the note's, not clipping
        scalars.pop("loss")
    clipped = clipped or not all(math.isfinite(v) and abs(v) <= LIMIT for v in scalars.values())
    scalars.setdefault("loss", math.nan)
    return PanelView(
        layout=layout,
        loss_after=loss_after(record, dataset, weights, config, layout.sums)
        if reduced and record.applied else math.nan,
        resid_index=resid,
        bar_pos=pos,
        bar_in_batch=in_batch,
        reduction=record.reduction,
        loss_name=loss_name,
        batch_size=record.batch_size,
        clipped=clipped,
        reduced=reduced,
        written={k: float(v) for k, v in scalars.items()},
        **_denominator(record, config),
        **{k: finite(v) for k, v in arrays.items()},
        **{k: finite_scalar(v) for k, v in scalars.items()},
    )


def _shares(record: StepRecord, dataset: Dataset, weights: np.ndarray | None,
            reduced: bool, config: LabConfig) -> tuple[np.ndarray, np.ndarray]:
    """Each batch sample's share of ∂L/∂w and ∂L/∂b, in batch order."""
    if not reduced:  # no scalar L: nobody has a share of a gradient that does not exist
        return np.zeros(record.batch.size), np.zeros(record.batch.size)
    if config.model == "logistic":
        from gradlab.core.logistic_explain import logistic_contributions

        c = logistic_contributions(dataset.x, dataset.y, record.batch, record.w_before,
                                   record.b_before, config.replace(reduction=record.reduction))
        return c.grad_w, c.grad_b
    c = contributions(dataset.x, dataset.y, record.batch, record.w_before, record.b_before,
                      record.loss_name, record.reduction, weights)
    return c.grad_w, c.grad_b


def _same_weight(record: StepRecord, weights: np.ndarray | None) -> float | None:
    """∂L/∂lᵢ when it is the same for every batch sample (None: per-sample weights)."""
    if record.reduction == "sum" or record.reduction == "none":
        return 1.0
    if record.reduction == "mean" or weights is None:
        return 1.0 / record.batch.size
    return None


def _grouped(record: StepRecord, dataset: Dataset, layout: DataLayout,
             weights: np.ndarray | None, reduced: bool, config: LabConfig
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(mean loss, Σ share of ∂L/∂w, of ∂L/∂b, in batch) per bar group at the step's (w, b).

    Passes over every sample only where the step itself used them all (a full batch) and the
    loss has no closed form; the squared error's groups come from the layout's sums."""
    wb, bb, batch, n = record.w_before, record.b_before, record.batch, layout.n
    starts, counts, x, y = layout.group_starts, layout.group_counts, dataset.x, dataset.y
    full = batch.size == n  # every sample once, in some order: work in dataset order
    same = _same_weight(record, weights)
    cw = cb = None
    if config.model == "logistic":  # no closed form here: the samples, as the step saw them
        bar_loss = np.add.reduceat(_losses(x, y, wb, bb, config), starts) / counts
    elif record.loss_name == "mse" and layout.sums is not None:
        s_r, s_rx, s_rr = layout.sums.residual_sums(wb, bb, x, y)
        bar_loss = s_rr / counts
        if full and reduced and same is not None:
            cw, cb = 2.0 * same * s_rx, 2.0 * same * s_r
    elif full:
        r = predictions(x, wb, bb) - y
        bar_loss = np.add.reduceat(losses(x, y, wb, bb, record.loss_name, r), starts) / counts
        if reduced:
            dl = dloss_dpred(r, record.loss_name)
            dl *= same if same is not None else weights
            cb = np.add.reduceat(dl, starts)
            dl *= x
            cw = np.add.reduceat(dl, starts)
    else:
        bar_loss = np.add.reduceat(losses(x, y, wb, bb, record.loss_name), starts) / counts
    group_of = batch // layout.group_size if cw is None or not full else None
    if cw is None:
        share_w, share_b = _shares(record, dataset, weights, reduced, config)
        cw = np.bincount(group_of, weights=share_w, minlength=starts.size)
        cb = np.bincount(group_of, weights=share_b, minlength=starts.size)
    # A group is "in the batch" only when the batch is a small part of the data; otherwise
    # nearly every group holds a batch sample and highlighting says nothing.
    in_batch = np.zeros(starts.size, dtype=bool)
    if group_of is not None and not full:
        in_batch[np.unique(group_of)] = batch.size * 4 <= starts.size
    return bar_loss, cw, cb, in_batch


def _denominator(record: StepRecord, config: LabConfig) -> dict[str, object]:
    """The model, mean's denominator and why (None for the other reductions), the note."""
    why = None
    if record.reduction == "mean" and record.denominator is not None:
        from gradlab.core.logistic_explain import denominator_text

        why = denominator_text(config, record.denominator, record.batch_size)
    return {"model": record.model, "denominator": record.denominator, "denominator_text": why,
            "note": record.note,
            "ignored": config.ignore if config.model == "logistic" else ()}


def loss_after(record: StepRecord, dataset: Dataset, weights: object = None,
               config: LabConfig | None = None, sums: GroupSums | None = None) -> float:
    """The step's reduced loss again, at (w_after, b_after): what the step did to its loss.
    ``weights``: the config's, per dataset sample (None: 1/B for 'weighted'). The logistic
    model needs ``config`` (its class weights and ignored samples); without it: NaN.
    ``sums``: the layout's, for a full batch's squared error without a pass over the samples."""
    batch = record.batch
    if record.model == "logistic":
        if config is None or config.model != "logistic":
            return math.nan
        from gradlab.core.logistic_explain import logistic_reduced_loss

        return logistic_reduced_loss(dataset.x, dataset.y, batch, record.w_after,
                                     record.b_after, config.replace(reduction=record.reduction))
    weights = None if weights is None else np.asarray(weights, dtype=np.float64)
    same = _same_weight(record, weights)
    if (sums is not None and batch.size == len(dataset.x) and record.loss_name == "mse"
            and same is not None):
        with np.errstate(all="ignore"):
            total = sums.total().squared_residual_sums(record.w_after, record.b_after,
                                                       dataset.x, dataset.y)
            return float(same * total[0])
    if batch.size == len(dataset.x):  # every sample once, in some order: no copies by index
        x, y, v = dataset.x, dataset.y, weights
    else:
        x, y, v = dataset.x[batch], dataset.y[batch], None if weights is None else weights[batch]
    per = losses(x, y, record.w_after, record.b_after, record.loss_name)
    if record.reduction == "mean" or (record.reduction == "weighted" and v is None):
        return float(per.mean())
    if v is None:  # sum, or 'none' on one sample
        return float(per.sum())
    return float(np.dot(v, per))


def finite_history(chunk: HistoryChunk) -> HistoryChunk:
    """``chunk`` without its non-finite steps (a diverged step's loss is inf), clipped to ±LIMIT."""
    if not len(chunk):
        return chunk
    ok = np.ones(len(chunk), dtype=bool)
    for name in HISTORY_FIELDS[1:]:
        ok &= np.isfinite(getattr(chunk, name))
    if ok.all() and all(np.abs(getattr(chunk, f)).max() <= LIMIT for f in HISTORY_FIELDS[1:]):
        return chunk
    columns = (finite(getattr(chunk, f)[ok]) for f in HISTORY_FIELDS[1:])
    return HistoryChunk(chunk.step[ok], *columns)
