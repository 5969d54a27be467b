"""Teaching panel: the autograd graph PyTorch built for the current loss, drawn in Qt.

The nodes come from ``gradlab.core.explain.autograd_graph`` (computed in the worker thread, where
torch lives); this widget only lays them out and draws them. No Graphviz: a small layered layout
(loss at the top, w and b at the bottom, long edges bent through dummy points) is enough for the
handful of nodes a linear model produces.

The scene is rebuilt only when the graph changes (another loss, reduction or batch size): while
training, the worker sends the same graph again and again, and that costs one list comparison.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from gradlab.core.explain import GraphNode
from gradlab.i18n import QT_TRANSLATE_NOOP, translate
from gradlab.ui import theme as th

NAME_PX = 24  # the grad_fn name in a box
DETAIL_PX = 20  # "L = mean(l)   shape ()"
EDGE_PX = 19  # "∂L/∂ŷ" beside an edge
PAD_X, PAD_Y = 18.0, 6.0
H_GAP, V_GAP = 70.0, 48.0
#: The graph is fitted to the view, but never blown up beyond this (a 3-node graph on a big
#: screen would otherwise fill it with giant boxes).
MAX_SCALE = 1.6
#: The words among the core's node labels (the rest are formulas: "ŷ = w·x + b", "L = mean(l)").
NODE_WORDS = {
    "per-sample loss l": QT_TRANSLATE_NOOP("GraphPanel", "per-sample loss l"),
    "leaf": QT_TRANSLATE_NOOP("GraphPanel", "leaf"),
}


def shape_text(shape: tuple[int, ...] | None) -> str:
    """``()`` for a scalar, ``(4,)`` for a vector: what ``tuple(tensor.shape)`` prints."""
    return "?" if shape is None else str(tuple(shape))


def quantity(node: GraphNode) -> str:
    """The short symbol of what a node produced ('L', 'l', 'ŷ', 'w·x', 'w'), or ''."""
    label = node.label.strip()
    if " = " in label:
        return label.split(" = ")[0].strip()
    if label.startswith("per-sample loss"):
        return label.split()[-1]
    return label


@dataclass(frozen=True)
class Layout:
    """Positions in layout units: ``x[node]`` (box centres, in box slots) and ``layer[node]``;
    ``edges`` are (parent, child, bend points) with the bends as (layer, x)."""

    layer: dict[int, int]
    x: dict[int, float]
    edges: list[tuple[int, int, list[tuple[int, float]]]]
    depth: int


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


class _GraphView(QGraphicsView):
    """A view that keeps the whole graph in sight: refits on every resize."""

    def __init__(self, scene: QGraphicsScene) -> None:
        super().__init__(scene)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setInteractive(False)

    def fit(self) -> None:
        rect = self.scene().itemsBoundingRect()
        if rect.isEmpty() or self.viewport().width() < 2 or self.viewport().height() < 2:
            return
        rect = rect.adjusted(-12, -12, 12, 12)
        self.setSceneRect(rect)
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self.transform().m11() > MAX_SCALE:
            self.resetTransform()
            self.scale(MAX_SCALE, MAX_SCALE)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.fit()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.fit()


class GraphPanel(QWidget):
    """``show_graph(nodes)`` draws the graph; arrows point the way gradients flow (loss -> w, b).

    Each box shows the grad_fn's name, what it computed and its output shape; each edge is
    labelled with the gradient that travels along it. With reduction 'none' the loss node is
    flagged: its shape is (B,), not (), which is why backward() refuses it.
    """

    CAPTION = QT_TRANSLATE_NOOP("GraphPanel", "backward() walks this graph from the loss to w "
                                              "and b")

    def __init__(self, theme: th.Theme = th.LIGHT) -> None:
        super().__init__()
        self.theme = theme
        self._nodes: list[GraphNode] = []
        self._drawn: list[tuple[str, str, str]] = []  # (name, shape text, label)
        self._edges: list[tuple[int, int]] = []
        self._reduction: str | None = None
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.scene = QGraphicsScene(self)
        self.view = _GraphView(self.scene)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(4)
        layout.addWidget(self.caption)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.note)
        self.set_theme(theme)

    # ---- theme -------------------------------------------------------------------------------

    def set_theme(self, theme: th.Theme) -> None:
        self.theme = theme
        self.setAutoFillBackground(True)
        pal = self.palette()
        pal.setColor(self.backgroundRole(), QColor(theme.background))
        self.setPalette(pal)
        self.view.setBackgroundBrush(QBrush(QColor(theme.background)))
        caption = translate("GraphPanel", self.CAPTION)
        self.caption.setText(
            th.title_html(translate("GraphPanel", "Autograd graph"), theme)
            + f"<span style='color:{theme.foreground};font-size:{th.TITLE_PX}px'>"
            f" — {caption}</span>"
        )
        if self._nodes:
            self._build(self._nodes)

    # ---- data --------------------------------------------------------------------------------

    def show_graph(self, nodes: list[GraphNode], reduction: str | None = None) -> None:
        """Draw ``nodes`` (node 0 is the loss); a graph equal to the one shown costs nothing.

        ``reduction`` only picks the note under the graph (the nodes alone cannot tell 'none'
        from 'weighted': both leave the loss a vector in the graph).
        """
        nodes = list(nodes)
        if nodes == self._nodes and reduction == self._reduction:
            return
        self._reduction = reduction
        self._build(nodes)

    def _build(self, nodes: list[GraphNode]) -> None:
        self._nodes = nodes
        self.scene.clear()
        self._drawn, self._edges = [], []
        if not nodes:
            self.note.setVisible(False)
            return
        theme = self.theme
        root = nodes[0]
        vector_loss = root.shape not in (None, ())
        reduction = self._reduction
        if reduction is None:
            reduction = "none" if vector_loss else ""
        name_font, detail_font, edge_font = _font(NAME_PX, True), _font(DETAIL_PX), _font(EDGE_PX)
        name_fm, detail_fm = QFontMetricsF(name_font), QFontMetricsF(detail_font)
        details = [self._detail(n) for n in nodes]
        box_w = max(max(name_fm.horizontalAdvance(n.name), _width(detail_fm, d))
                    for n, d in zip(nodes, details, strict=True)) + 2 * PAD_X
        lines = max(d.count("\n") + 1 for d in details)  # a subclass may add lines (values)
        # Several lines: room for a fallback font's taller glyphs (Chinese) between them.
        box_h = name_fm.height() + detail_fm.height() * (1 if lines == 1 else 1.25 * lines) \
            + 2 * PAD_Y + 2
        lay = layered_layout(nodes)
        slot_w, slot_h = box_w + H_GAP, box_h + V_GAP

        def centre(layer: int, x: float) -> QPointF:
            return QPointF(x * slot_w, layer * slot_h)

        fg = QColor(theme.foreground)
        muted = theme.color("foreground", 205)
        for n, detail in zip(nodes, details, strict=True):
            c = centre(lay.layer[n.id], lay.x[n.id])
            rect = QRectF(c.x() - box_w / 2, c.y() - box_h / 2, box_w, box_h)
            border, width, fill = theme.color("foreground", 170), 2.0, theme.color("panel")
            text_color = fg
            if n.name == "AccumulateGrad" and n.label in ("w", "b"):
                border = QColor(theme.param_w if n.label == "w" else theme.param_b)
                fill = QColor(border)
                fill.setAlpha(40)
                width = 3.5
                text_color = border.darker(140) if theme.name == "light" else border
            if n is root:
                border = QColor(theme.banner_text if reduction == "none" else theme.reduced)
                fill = QColor(theme.banner_error if reduction == "none" else theme.background)
                width = 4.0
            path = QPainterPath()
            path.addRoundedRect(rect, 10, 10)
            box = self.scene.addPath(path, QPen(border, width), QBrush(fill))
            box.setZValue(1)
            self._decorate(n, box)
            name = QGraphicsSimpleTextItem(n.name)
            name.setFont(name_font)
            name.setBrush(QBrush(text_color))
            name.setPos(c.x() - name_fm.horizontalAdvance(n.name) / 2, rect.top() + PAD_Y)
            name.setZValue(2)
            self.scene.addItem(name)
            sub = QGraphicsSimpleTextItem(detail)
            sub.setFont(detail_font)
            sub.setBrush(QBrush(text_color if n.name == "AccumulateGrad" else muted))
            if n is root and vector_loss:
                sub.setBrush(QBrush(QColor(theme.banner_text)))
            sub.setPos(c.x() - _width(detail_fm, detail) / 2,
                       rect.top() + PAD_Y + name_fm.height() + 2)
            sub.setZValue(2)
            self.scene.addItem(sub)
            self._drawn.append((n.name, shape_text(n.shape), n.label))

        self._draw_edges(nodes, lay, (slot_w, slot_h, box_h), reduction, edge_font)
        self._set_note(root, reduction)
        self.view.fit()

    def _draw_edges(self, nodes: list[GraphNode], lay: Any, sizes: tuple[float, float, float],
                    reduction: str, edge_font: QFont) -> None:
        """The arrows between the boxes, each labelled with the gradient that flows along it."""
        slot_w, slot_h, box_h = sizes
        theme = self.theme
        index = {n.id: k for k, n in enumerate(nodes)}
        arrow_pen = QPen(theme.color("foreground", 190), 2.5)
        arrow_pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        by_id = {n.id: n for n in nodes}
        for p, c, bends in lay.edges:
            # Orthogonal routing: down, across in the gap above the next layer, down again.
            x0, y0 = lay.x[p] * slot_w, lay.layer[p] * slot_h + box_h / 2
            path = QPainterPath(QPointF(x0, y0))
            targets = [*bends, (lay.layer[c], lay.x[c])]
            seg_top = y0  # top of the last vertical segment (where its label is centred)
            for k, xt in targets:
                y_mid = k * slot_h - box_h / 2 - V_GAP / 2
                if abs(xt * slot_w - x0) > 0.5:
                    path.lineTo(x0, y_mid)
                    path.lineTo(xt * slot_w, y_mid)
                    seg_top = y_mid
                x0 = xt * slot_w
            end = QPointF(x0, lay.layer[c] * slot_h - box_h / 2 - 1)
            path.lineTo(end)
            line = self.scene.addPath(path, arrow_pen)
            line.setZValue(0)
            head = self.scene.addPolygon(_arrow_head(QPointF(end.x(), end.y() - 20), end),
                                         QPen(Qt.PenStyle.NoPen), QBrush(arrow_pen.color()))
            head.setZValue(3)
            self._edges.append((index[p], index[c]))
            q = quantity(by_id[c])
            if q and reduction != "none":  # 'none': no scalar, so no ∂L/∂… flows anywhere
                self._edge_label(_grad_symbol(q), QPointF(end.x(), (seg_top + end.y()) / 2),
                                 edge_font)

    def _decorate(self, node: GraphNode, box: Any) -> None:
        """A hook for a subclass (a tooltip, a highlight) on each node's box as it is drawn."""

    def _edge_label(self, text: str, at: QPointF, font: QFont) -> None:
        """The gradient carried by an edge, just right of its last vertical segment."""
        item = QGraphicsSimpleTextItem(text)
        item.setFont(font)
        item.setBrush(QBrush(QColor(self.theme.reduced)))
        item.setPos(at.x() + 10, at.y() - QFontMetricsF(font).height() / 2)
        item.setZValue(2)
        self.scene.addItem(item)

    def _detail(self, node: GraphNode) -> str:
        label = node.label or node.name.removesuffix("Backward0").lower()
        if label in NODE_WORDS:
            label = translate("GraphPanel", NODE_WORDS[label])
        return translate("GraphPanel", "{label}   shape {shape}").format(
            label=label, shape=shape_text(node.shape))

    def _set_note(self, root: GraphNode, reduction: str) -> None:
        shape = shape_text(root.shape)
        if reduction == "none":
            text = translate("GraphPanel", "The loss has shape {shape}: backward() needs shape (), "
                             "a single number. Reduce it first (mean or sum), or pass "
                             "gradient=v.").format(shape=shape)
        elif reduction == "weighted":
            text = translate("GraphPanel", "The loss in the graph has shape {shape}: the weights v "
                             "enter as loss.backward(gradient=v), which starts backward from "
                             "∂L/∂l = v.").format(shape=shape)
        else:
            text = ""
        theme = self.theme
        colours = (theme.banner_text, theme.banner_error) if reduction == "none" else (
            theme.foreground, theme.panel)
        self.note.setStyleSheet(
            f"color:{colours[0]};background:{colours[1]};"
            f"font-size:{th.TITLE_PX}px;padding:6px;border-radius:4px"
        )
        self.note.setText(text)
        self.note.setVisible(bool(text))

    # ---- for tests ---------------------------------------------------------------------------

    def drawn_nodes(self) -> list[tuple[str, str]]:
        """(grad_fn name, output shape text) of every box drawn, loss first."""
        return [(name, shape) for name, shape, _ in self._drawn]

    def drawn_labels(self) -> list[str]:
        """What each box says the node computed ('w', 'b' for the two AccumulateGrad leaves)."""
        return [label for _, _, label in self._drawn]

    def drawn_edges(self) -> list[tuple[int, int]]:
        """Arrows drawn, as (from, to) indices into ``drawn_nodes()``."""
        return list(self._edges)

    def note_text(self) -> str:
        return self.note.text() if self.note.isVisibleTo(self) else ""


def _font(px: int, bold: bool = False) -> QFont:
    f = QFont()
    f.setPixelSize(px)
    f.setBold(bold)
    return f


def _width(fm: QFontMetricsF, text: str) -> float:
    """The width of the widest line of ``text``."""
    return max(fm.horizontalAdvance(line) for line in text.split("\n"))


def _grad_symbol(q: str) -> str:
    return f"∂L/∂{q}" if len(q) <= 1 else f"∂L/∂({q})"


def _arrow_head(a: QPointF, b: QPointF, length: float = 16.0, half: float = 8.0) -> QPolygonF:
    """A filled triangle with its tip at ``b``, pointing along a -> b."""
    dx, dy = b.x() - a.x(), b.y() - a.y()
    norm = math.hypot(dx, dy) or 1.0
    ux, uy = dx / norm, dy / norm
    base = QPointF(b.x() - ux * length, b.y() - uy * length)
    side = QPointF(-uy * half, ux * half)
    return QPolygonF([b, base + side, base - side])

