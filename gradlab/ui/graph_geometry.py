"""Where the autograd graph's boxes and arrows go: a layered layout, drawn top→bottom or
left→right, the left→right one optionally wrapped into bands (like lines of text).

Why several arrangements: a linear model's graph is a chain of ~6 levels. Top→bottom it is tall
and narrow, left→right wide and flat; a lecture-hall window (1280×720, text at 125-150 %) has
neither 6 box heights nor 6 box widths to spare, but a chain wrapped into two bands of three
fits. ``GraphPanel`` measures every arrangement for its boxes and picks the one that lets the
text be largest on screen (``best_mode``). Pure geometry: Qt's point and rect types only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF

from gradlab.core.explain import GraphNode

#: Gaps between boxes in scene units: top→bottom (room for the edge labels), then left→right
#: between columns, between rows within a band and between bands.
H_GAP, V_GAP = 70.0, 48.0
COL_GAP, ROW_GAP, BAND_GAP = 52.0, 12.0, 26.0
#: An arrow's sideways jog leaves its box this far from the box's edge.
JOG = 14.0


@dataclass(frozen=True)
class Layout:
    """Positions in layout units: ``x[node]`` (box centres, in box slots) and ``layer[node]``;
    ``edges`` are (parent, child, bend points) with the bends as (layer, x)."""

    layer: dict[int, int]
    x: dict[int, float]
    edges: list[tuple[int, int, list[tuple[int, float]]]]
    depth: int


@dataclass(frozen=True)
class Mode:
    """Top→bottom (``horizontal`` False), or left→right in ``bands`` bands one under the other;
    ``keep``: vectors cut to this many entries with "…" (0: as the panel writes them), only
    for when no arrangement of the whole vectors fits."""

    horizontal: bool = False
    bands: int = 1
    keep: int = 0


VERTICAL = Mode()
#: What GraphPanel tries, in order of preference when they fit equally well.
MODES = (VERTICAL, Mode(True, 1), Mode(True, 2), Mode(True, 3), Mode(True, 2, 3),
         Mode(True, 1, 3), Mode(True, 3, 3))


def layered_layout(nodes: list[GraphNode]) -> Layout:
    """Layers by the longest path from the loss (node 0); leaves on the bottom layer; edges that
    skip layers get dummy points so they never cross a box; each layer is ordered and placed at
    its parents' mean position, pushed apart to one slot per node."""
    by_id = {n.id: n for n in nodes}
    layer = {n.id: 0 for n in nodes}
    for _ in range(len(nodes)):  # longest path: relax until stable (a handful of nodes)
        changed = False
        for n in nodes:
            for c in n.children:
                if c in layer and layer[c] < layer[n.id] + 1:
                    layer[c] = layer[n.id] + 1
                    changed = True
        if not changed:
            break
    depth = max(layer.values(), default=0)
    for n in nodes:
        if not n.children and n.id != nodes[0].id:
            layer[n.id] = depth
    # Slots per layer: real nodes (int ids) and dummies (("d", parent, child, layer)).
    parents: dict[object, list[object]] = {}
    chains: dict[tuple[int, int], list[object]] = {}
    slots: dict[int, list[object]] = {k: [] for k in range(depth + 1)}
    for n in nodes:
        slots[layer[n.id]].append(n.id)
    for n in nodes:
        for c in n.children:
            if c not in by_id:
                continue
            prev: object = n.id
            chain = []
            for k in range(layer[n.id] + 1, layer[c]):
                dummy = ("d", n.id, c, k)
                slots[k].append(dummy)
                parents.setdefault(dummy, []).append(prev)
                chain.append(dummy)
                prev = dummy
            parents.setdefault(c, []).append(prev)
            chains[(n.id, c)] = chain
    x: dict[object, float] = {}
    first_seen = {key: i for k in slots for i, key in enumerate(slots[k])}
    for k in range(depth + 1):
        items = slots[k]
        want = {key: (sum(x[p] for p in parents[key]) / len(parents[key])
                      if parents.get(key) else 0.0) for key in items}
        items.sort(key=lambda key: (want[key], first_seen[key]))
        placed: list[float] = []
        for key in items:
            placed.append(want[key] if not placed else max(want[key], placed[-1] + 1.0))
        moved = [want[key] - p for key, p in zip(items, placed, strict=True)]
        shift = sum(moved) / max(1, len(moved))
        for key, p in zip(items, placed, strict=True):
            x[key] = p + shift
    edges = [
        (p, c, [(key[3], x[key]) for key in chain])  # type: ignore[index]
        for (p, c), chain in chains.items()
    ]
    return Layout({n.id: layer[n.id] for n in nodes}, {n.id: x[n.id] for n in nodes}, edges,
                  depth)


@dataclass
class Placement:
    """Scene coordinates of a ``Layout`` drawn in ``mode`` with boxes of ``box_w`` × ``box_h``.

    Vertical: layer k is row k, a node's slot its column. Horizontal: layer k is column
    k mod ``per_band`` of band k // ``per_band``, a node's slot its row in that band; the bands
    stack downwards, an arrow from one band's last column wraps round to the next band's first.
    """

    lay: Layout
    mode: Mode
    box_w: float
    box_h: float
    per_band: int = field(init=False)
    band_top: list[float] = field(init=False)
    band_low: list[float] = field(init=False)

    def __post_init__(self) -> None:
        levels = self.lay.depth + 1
        self.per_band = levels if not self.mode.horizontal else \
            math.ceil(levels / max(1, min(self.mode.bands, levels)))
        bands = math.ceil(levels / self.per_band)
        lows = [math.inf] * bands
        highs = [-math.inf] * bands
        points = [(self.lay.layer[n], x) for n, x in self.lay.x.items()]
        points += [b for _, _, bends in self.lay.edges for b in bends]
        for k, x in points:
            band = k // self.per_band
            lows[band], highs[band] = min(lows[band], x), max(highs[band], x)
        self.band_low = [0.0 if math.isinf(v) else v for v in lows]
        self.band_top, top = [], 0.0
        for band in range(bands):
            self.band_top.append(top)
            rows = 0.0 if math.isinf(highs[band]) else highs[band] - self.band_low[band]
            top += rows * self.slot_h + self.box_h + BAND_GAP
        self._bottom = top - BAND_GAP

    @property
    def gap_x(self) -> float:
        return COL_GAP if self.mode.horizontal else H_GAP

    @property
    def slot_w(self) -> float:
        return self.box_w + self.gap_x

    @property
    def slot_h(self) -> float:
        return self.box_h + (ROW_GAP if self.mode.horizontal else V_GAP)

    def centre(self, layer: int, x: float) -> QPointF:
        if not self.mode.horizontal:
            return QPointF(x * self.slot_w, layer * self.slot_h)
        band, col = divmod(layer, self.per_band)
        return QPointF(col * self.slot_w,
                       self.band_top[band] + (x - self.band_low[band]) * self.slot_h)

    def bounds(self) -> QRectF:
        """The rect the boxes and arrows cover (for choosing a mode before drawing)."""
        if not self.mode.horizontal:
            xs = [self.centre(0, x).x() for x in self.lay.x.values()]
            xs += [self.centre(0, x).x() for _, _, bends in self.lay.edges for _, x in bends]
            return QRectF(min(xs) - self.box_w / 2, -self.box_h / 2,
                          max(xs) - min(xs) + self.box_w, self.lay.depth * self.slot_h
                          + self.box_h)
        cols = min(self.per_band, self.lay.depth + 1)
        left = -self.box_w / 2 - (self.gap_x / 2 if len(self.band_top) > 1 else 0.0)
        return QRectF(left, -self.box_h / 2, (cols - 1) * self.slot_w + self.box_w / 2 - left,
                      self._bottom)

    def band(self, layer: int) -> int:
        return layer // self.per_band if self.mode.horizontal else 0

    def route(self, parent: int, child: int, bends: list[tuple[int, float]]
              ) -> tuple[list[QPointF], float]:
        """The arrow's polyline from ``parent``'s box to ``child``'s (its last point is the tip,
        on the child's edge) and, for a label, the start of its last straight run."""
        lay, hw, hh = self.lay, self.box_w / 2, self.box_h / 2
        targets = [*bends, (lay.layer[child], lay.x[child])]
        start = self.centre(lay.layer[parent], lay.x[parent])
        if not self.mode.horizontal:  # down, across in the gap above the next layer, down
            pts = [QPointF(start.x(), start.y() + hh)]
            run = pts[0].y()
            for k, x in targets:
                c = self.centre(k, x)
                y_mid = c.y() - hh - V_GAP / 2
                if abs(c.x() - pts[-1].x()) > 0.5:
                    pts += [QPointF(pts[-1].x(), y_mid), QPointF(c.x(), y_mid)]
                    run = y_mid
                pts.append(QPointF(c.x(), c.y()))
            pts[-1] = QPointF(pts[-1].x(), pts[-1].y() - hh - 1)
            return pts, run
        pts = [QPointF(start.x() + hw, start.y())]
        prev = lay.layer[parent]
        run = pts[0].x()
        for k, x in targets:
            c, cur = self.centre(k, x), pts[-1]
            jog = self.centre(prev, 0).x() + hw + JOG  # in the gap right of the column
            if self.band(k) != self.band(prev):  # wrap round to the next band's first column
                gap_y = self.band_top[self.band(k)] - hh - BAND_GAP / 2
                left = c.x() - hw - self.gap_x / 2
                pts += [QPointF(jog, cur.y()), QPointF(jog, gap_y), QPointF(left, gap_y),
                        QPointF(left, c.y())]
                run = left
            elif abs(c.y() - cur.y()) > 0.5:
                pts += [QPointF(jog, cur.y()), QPointF(jog, c.y())]
                run = jog
            pts.append(QPointF(c.x(), c.y()))
            prev = k
        pts[-1] = QPointF(pts[-1].x() - hw - 1, pts[-1].y())
        return pts, run


def fit_scale(rect: QRectF, width: float, height: float, margin: float = 12.0) -> float:
    """The scale at which ``rect`` (plus ``margin`` all round) fills ``width`` × ``height``."""
    if rect.isEmpty() or width < 2 or height < 2:
        return 0.0
    return min(width / (rect.width() + 2 * margin), height / (rect.height() + 2 * margin))
