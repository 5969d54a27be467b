"""Pieces of the Batches & workers tab: the check against one backward(), the stacked bars of
``.grad``, the workers' cards and the last batch (the tab itself is batches_panel.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gradlab.i18n import tr_message, translate
from gradlab.ui import theme as th
from gradlab.ui.text import fmt, plain
from gradlab.ui.text_panel import role_label, set_text

#: One colour per micro-batch (or worker), then again.
BLOCK_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                 "#17becf")
CARRIED_COLOUR = "#8a8a8a"


def pair(w: float, b: float) -> str:
    """``(−30, −10)``: a gradient (∂L/∂w, ∂L/∂b) as the tab prints it."""
    return f"({fmt(w, 6)}, {fmt(b, 6)})"


def indices(batch: Sequence[int], limit: int = 8) -> str:
    items = [str(int(i)) for i in list(batch)[:limit]]
    if len(batch) > limit:
        items.append("…")
    return "[" + ", ".join(items) + "]"


def check_text(comparison: Any) -> str:
    """✓ when the split gradient is the one-backward gradient, else ✗ and why (live numbers)."""
    if comparison.matches:
        return translate("BatchesPanel", "✓ the same gradient as one backward() over the whole "
                         "batch (relative 1e-9)")
    return "✗ " + tr_message(comparison.reason)


class GradBars(pg.PlotWidget):
    """Two stacked bars, ∂L/∂w and ∂L/∂b: each block is what one backward() added to .grad
    (carried .grad first, in grey); a dashed line marks the one-backward gradient."""

    def __init__(self, theme: th.Theme) -> None:
        super().__init__()
        self.setMinimumHeight(220)
        self.setMaximumHeight(360)  # the sentences under it stay on screen at 1080
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.theme = theme
        self.blocks: list[tuple[float, float, float, str]] = []  # (x, y0, y1, colour)
        axis = self.getAxis("bottom")
        axis.setTicks([[(0, "w.grad"), (1, "b.grad")]])
        self.setXRange(-0.6, 1.6, padding=0)
        th.style_plot(self.getPlotItem(), theme)

    def show_blocks(self, carried: tuple[float, float], parts: Sequence[tuple[float, float]],
                    full: tuple[float, float] | None) -> None:
        """``parts``: each backward()'s addition to (w.grad, b.grad), in order."""
        self.clear()
        self.addItem(pg.InfiniteLine(pos=0, angle=0, pen=pg.mkPen(self.theme.foreground)))
        self.blocks = []
        lows, highs = [0.0], [0.0]
        for x in (0, 1):
            level = carried[x]
            if level:
                self._block(x, 0.0, level, CARRIED_COLOUR)
            for j, part in enumerate(parts):
                self._block(x, level, level + part[x], BLOCK_COLOURS[j % len(BLOCK_COLOURS)])
                level += part[x]
                lows.append(level)
                highs.append(level)
            lows.append(carried[x])
            highs.append(carried[x])
            if full is not None:
                pen = pg.mkPen(self.theme.foreground, width=3, style=Qt.PenStyle.DashLine)
                self.addItem(pg.PlotDataItem([x - 0.4, x + 0.4], [full[x], full[x]], pen=pen))
                lows.append(full[x])
                highs.append(full[x])
        low, high = min(lows), max(highs)
        # Nothing accumulated yet (every level 0): a unit range, not ticks of ±5e-11 around 0.
        pad = 0.08 * (high - low) if high > low else 1.0
        self.setYRange(low - pad, high + pad, padding=0)

    def _block(self, x: float, y0: float, y1: float, colour: str) -> None:
        self.blocks.append((x, y0, y1, colour))
        self.addItem(pg.BarGraphItem(x=[x], y0=[y0], y1=[y1], width=0.55, brush=colour,
                                     pen=pg.mkPen(self.theme.background, width=2)))


class WorkerCard:
    """One worker: its shard, local loss, local gradient, and the all-reduced .grad."""

    def __init__(self, rank: int) -> None:
        self.frame = QFrame()
        self.frame.setObjectName("card")
        layout = QVBoxLayout(self.frame)
        layout.setContentsMargins(10, 8, 10, 8)
        self.title = role_label("name")
        self.shard = role_label("small", wrap=True)
        self.loss = role_label("small", wrap=True)
        self.local = role_label("small", wrap=True)
        self.reduced = role_label("big", wrap=True)
        for label in (self.title, self.shard, self.loss, self.local, self.reduced):
            layout.addWidget(label)
        layout.addStretch(1)
        self.rank = rank

    def show(self, report: Any, size: int, pid: int | None, colour: str) -> None:
        set_text(self.title, f"<span style='color:{colour}'>■</span> " + translate(
            "BatchesPanel", "worker {rank}").format(rank=self.rank)
            + ("" if pid is None else f" <small>(pid {pid})</small>"))
        if report is None:
            set_text(self.shard, translate("BatchesPanel", "shard of {n} samples").format(n=size))
            for label in (self.loss, self.local, self.reduced):
                set_text(label, "")
            return
        set_text(self.shard, translate("BatchesPanel", "shard {samples}").format(
            samples=indices(report.batch)))
        set_text(self.loss, translate("BatchesPanel", "local loss = {loss}").format(
            loss=fmt(report.loss, 6)))
        set_text(self.local, translate("BatchesPanel", "local gradient {grad}").format(
            grad=pair(report.local_grad_w, report.local_grad_b)))
        set_text(self.reduced, translate("BatchesPanel", ".grad after all-reduce {grad}").format(
            grad=pair(report.grad_w, report.grad_b)))


def last_batch_rows(grid: QGridLayout, last: Any, labels: list[QLabel]) -> None:
    """The epoch's batches, one row each: size, weight per sample, loss (mean)."""
    for label in labels:
        grid.removeWidget(label)
        label.deleteLater()
    labels.clear()
    heads = (translate("BatchesPanel", "batch"), translate("BatchesPanel", "samples"),
             translate("BatchesPanel", "weight of a sample"), translate("BatchesPanel", "loss"))
    shown = list(range(len(last.sizes)))
    if len(shown) > 6:  # the first three and the last three batches
        shown = [*shown[:3], -1, *shown[-3:]]
    rows = [heads]
    for k in shown:
        if k < 0:
            rows.append(("…", "", "", ""))
            continue
        size = last.sizes[k]
        rows.append((str(k + 1), str(size), f"1/{size}", fmt(float(last.batch_losses[k]), 6)))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            label = role_label("small" if r else "name")
            set_text(label, text)
            grid.addWidget(label, r, c)
            labels.append(label)


def three_losses(last: Any) -> list[tuple[str, str]]:
    """The epoch's loss three ways: (what, value)."""
    return [
        (translate("BatchesPanel", "mean of the batch means"), fmt(last.mean_of_means, 6)),
        (translate("BatchesPanel", "sample-weighted mean"), fmt(last.sample_weighted, 6)),
        (translate("BatchesPanel", "full-data loss at the epoch's end"),
         fmt(last.full_loss_end, 6)),
    ]


def loss_boxes(parent_layout: QHBoxLayout) -> list[tuple[QLabel, QLabel]]:
    """Three framed boxes side by side, each a title and a big number."""
    out = []
    for _ in range(3):
        frame = QFrame()
        frame.setObjectName("card")
        box = QVBoxLayout(frame)
        title, value = role_label("small", wrap=True), role_label("big")
        box.addWidget(title)
        box.addWidget(value)
        parent_layout.addWidget(frame, 1)
        out.append((title, value))
    return out


def stack_parts(micro: Sequence[Any], pressed: int) -> list[tuple[float, float]]:
    """The first ``pressed`` micro-batches' additions to (w.grad, b.grad)."""
    return [(m.grad_w, m.grad_b) for m in micro[:pressed]]


def finite(values: Sequence[float]) -> bool:
    return bool(np.all(np.isfinite(np.asarray(values, dtype=np.float64))))


def page(owner: QWidget) -> QVBoxLayout:
    """A scrolling page of the tab; returns the layout to fill."""
    content = QWidget()
    content.setObjectName("content")
    inner = QVBoxLayout(content)
    inner.setContentsMargins(12, 8, 12, 8)
    inner.setSpacing(8)
    th.scroll_page(owner, content)
    return inner


def panel_values(panel: Any) -> dict[str, Any]:
    """The texts a BatchesPanel shows, part by part (tests read them)."""

    def t(label: QLabel) -> str:
        return plain(label.text())

    return {
        "accum": {"title": t(panel.accum_title), "grad": t(panel.accum_grad),
                  "full": t(panel.accum_full), "check": t(panel.accum_check),
                  "micro": t(panel.micro_text), "blocks": list(panel.bars.blocks)},
        "workers": {"status": t(panel.workers_status), "agree": t(panel.workers_agree),
                    "grad": t(panel.workers_grad), "full": t(panel.workers_full),
                    "check": t(panel.workers_check), "message": t(panel.workers_message)
                    if panel.workers_message.isVisible() else "",
                    "cards": [{"shard": t(c.shard), "loss": t(c.loss), "local": t(c.local),
                               "reduced": t(c.reduced)} for c in panel.cards
                              if c.frame.isVisibleTo(panel)]},
        "last": {"weight": t(panel.last_weight), "losses": [
            (t(a), t(b)) for a, b in panel.last_boxes], "notes": t(panel.last_notes)},
    }
