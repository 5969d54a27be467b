"""What the teaching panels show for the current step, computed in the worker thread.

No Qt here (torch only inside the core functions it calls): the worker builds a ``TeachingView``
for the record on screen, only while a teaching panel is visible and at most a few times a second
while running, never once per step. The loss landscape is recomputed only when what it depends on
(data, loss, reduction, weights, range) changes.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from gradlab.core.config import LabConfig
from gradlab.core.data import Dataset
from gradlab.core.explain import (
    ChainRule,
    GraphNode,
    ReductionOutcome,
    chain_rule,
    reduction_demo,
)
from gradlab.core.landscape import LossGrid, default_range, loss_grid
from gradlab.views.graph_values import GraphValues, graph_values
from gradlab.views.per_sample import PerSampleView, build_per_sample

#: The teaching panels a window can ask for.
TEACHING_PANELS = frozenset({"reduction", "chain_rule", "graph", "landscape", "per_sample",
                             "batches"})
LANDSCAPE_CELLS = 80


@dataclass(frozen=True, eq=False)
class TeachingView:
    """The teaching panels' inputs for one step (fields not asked for are None)."""

    generation: int
    step: int
    w: float
    b: float
    batch: np.ndarray
    config: LabConfig
    is_seed: bool
    chain_rule: ChainRule | None = None
    reductions: dict[str, ReductionOutcome] | None = None
    graph: list[GraphNode] | None = None
    landscape: LossGrid | None = None  # None: unchanged since the last view (or not asked for)
    #: What mean divides this batch's summed loss by (the logistic model's cross-entropy: the
    #: class weights of the samples not ignored), and why; None for the line model.
    denominator: float | None = None
    denominator_text: str | None = None
    per_sample: PerSampleView | None = None
    graph_values: GraphValues | None = None  # the graph's values and gradients (graph tab)
    batches: Any = None  # views.batches.BatchesView (the worker builds it: it needs the run)


class LandscapeCache:
    """Keeps the last grid and the inputs it was made from; recomputes only on a change."""

    def __init__(self) -> None:
        self.key: tuple | None = None
        self.grid: LossGrid | None = None
        self.range: tuple[tuple[float, float], tuple[float, float]] | None = None

    def invalidate(self) -> None:
        """Forget everything: a new run frames its own range."""
        self.key = self.grid = self.range = None

    def refresh(self) -> None:
        """Recompute the grid at the next ``get`` (same range), even for the same inputs."""
        self.key = None

    def request_range(self, w_range: tuple[float, float], b_range: tuple[float, float]) -> None:
        w0, w1 = map(float, w_range)
        b0, b1 = map(float, b_range)
        self.range = ((w0, w1), (b0, b1))

    def get(self, dataset: Dataset, config: LabConfig, w: float, b: float) -> LossGrid | None:
        """A new grid if anything it depends on changed, else None (the panel keeps its own)."""
        if self.range is None:
            start = (config.init_w, config.init_b)
            self.range = default_range(dataset.x, dataset.y, [start, (w, b)])
        reduction = "mean" if config.reduction == "none" else config.reduction
        key = (dataset.token, config.loss, reduction, config.weights, self.range, config.model,
               config.class_weights, config.sample_weights, config.pos_weight, config.ignore)
        if key == self.key:
            return None
        weights = None if config.weights is None else np.asarray(config.weights)
        if config.model == "logistic":
            from gradlab.core.logistic_explain import logistic_loss_grid

            self.grid = logistic_loss_grid(dataset.x, dataset.y, config, self.range[0],
                                           self.range[1], n=LANDSCAPE_CELLS)
            self.key = key
            return self.grid
        self.grid = loss_grid(dataset.x, dataset.y, config.loss, reduction, weights,
                              self.range[0], self.range[1], n=LANDSCAPE_CELLS)
        self.key = key
        return self.grid


def build_teaching(
    generation: int, step: int, dataset: Dataset, config: LabConfig, w: float, b: float,
    batch: np.ndarray, wanted: frozenset[str], landscape: LandscapeCache,
    per_sample: tuple[float, object] = (10.0, "mean"), batches: Any = None,
) -> TeachingView:
    """Compute what the visible teaching panels need for the step at (w, b) on ``batch``
    (``per_sample``: the per-sample tab's clipping norm and v)."""
    weights = None if config.weights is None else np.asarray(config.weights)
    batch = np.asarray(batch, dtype=np.int64)
    if config.model == "logistic":  # (the batches tab says it shows the line model only)
        return dataclasses.replace(_logistic_teaching(generation, step, dataset, config, w, b,
                                                      batch, wanted, landscape), batches=batches)
    cr = reductions = graph = grid = None
    if "chain_rule" in wanted:
        cr = chain_rule(dataset.x, dataset.y, batch, w, b, config.loss, config.reduction,
                        weights, lr=config.lr)
    if "reduction" in wanted:
        reductions = reduction_demo(dataset.x, dataset.y, batch, w, b, config.loss, weights)
    gv = None
    if "graph" in wanted:  # the real graph, hooked: values, gradients and autograd's order
        from gradlab.core.graphvalues import valued_graph

        gv = graph_values(valued_graph(dataset.x[batch], dataset.y[batch], w, b, config.loss,
                                       config.reduction,
                                       None if weights is None else weights[batch]))
        graph = list(gv.nodes)
    if "landscape" in wanted:
        grid = landscape.get(dataset, config, w, b)
    ps = None
    if "per_sample" in wanted:
        ps = build_per_sample(dataset, config, w, b, batch, *per_sample)
    return TeachingView(
        generation=generation, step=step, w=w, b=b, batch=batch, config=config,
        is_seed=config.preset == "seed", chain_rule=cr, reductions=reductions, graph=graph,
        landscape=grid, per_sample=ps, graph_values=gv, batches=batches,
    )


def _logistic_teaching(
    generation: int, step: int, dataset: Dataset, config: LabConfig, w: float, b: float,
    batch: np.ndarray, wanted: frozenset[str], landscape: LandscapeCache,
) -> TeachingView:
    """The same panels for the logistic model: ``chain_rule.pred`` holds the logits zᵢ,
    ``residual`` pᵢ − yᵢ and ``dl_dpred`` ∂lᵢ/∂zᵢ; the denominator of mean comes along."""
    from gradlab.core.logistic_explain import (
        denominator_text,
        hand_terms,
        logistic_chain_rule,
        logistic_graph,
        logistic_reduction_demo,
    )

    x, y = dataset.x, dataset.y
    denominator = hand_terms(x, y, batch, w, b, config).denominator
    cr = reductions = graph = grid = None
    if "chain_rule" in wanted:
        cr = logistic_chain_rule(x, y, batch, w, b, config).rule
    if "reduction" in wanted:
        reductions, _ = logistic_reduction_demo(x, y, batch, w, b, config)
    if "graph" in wanted:
        graph = logistic_graph(x, y, batch, w, b, config)
    if "landscape" in wanted:
        grid = landscape.get(dataset, config, w, b)
    return TeachingView(
        generation=generation, step=step, w=w, b=b, batch=batch, config=config, is_seed=False,
        chain_rule=cr, reductions=reductions, graph=graph, landscape=grid,
        denominator=denominator,
        denominator_text=denominator_text(config, denominator, int(batch.size)),
    )
