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
from gradlab.ui.graph_geometry import (  # noqa: F401 - Layout, layered_layout: re-exported
    H_GAP,
    V_GAP,
    VERTICAL,
    Layout,
    Mode,
    Placement,
    fit_scale,
    layered_layout,
)

NAME_PX = 24  # the grad_fn name in a box
DETAIL_PX = 20  # "L = mean(l)   shape ()"
EDGE_PX = 19  # "∂L/∂ŷ" beside an edge
PAD_X, PAD_Y = 18.0, 6.0
#: The graph is fitted to the view, but never blown up beyond this (a 3-node graph on a big
#: screen would otherwise fill it with giant boxes).
MAX_SCALE = 1.6
#: A simpler arrangement is drawn if its text is at least this share of the largest one's.
NEARLY = 0.85
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


class _GraphView(QGraphicsView):
    """A view that keeps the whole graph in sight: refits on every resize. Never below
    ``min_scale`` (the text would be too small to read): then it scrolls instead, and
    ``follow`` keeps the item of interest (the node autograd is running) in sight."""

    def __init__(self, scene: QGraphicsScene) -> None:
        super().__init__(scene)
        self.min_scale = 0.0
        self.focus: Any = None  # the item to keep in sight when the view scrolls
        self.on_resize: Any = None  # the panel's hook: a new size may want another layout
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setInteractive(False)

    def fit(self) -> None:
        rect = self.scene().itemsBoundingRect()
        if rect.isEmpty() or self.width() < 2 or self.height() < 2:
            return
        # The widget's size, not the viewport's: scroll bars shown a moment ago do not count.
        scale = fit_scale(rect, self.width(), self.height()) * 0.995
        scale = min(MAX_SCALE, max(scale, self.min_scale))
        self.setSceneRect(rect.adjusted(-12, -12, 12, 12))
        self.resetTransform()
        self.scale(scale, scale)
        self.follow(start=True)

    def follow(self, start: bool = False) -> None:
        """Bring ``focus`` into sight; ``start``: from the top left (where the loss is)."""
        if start:
            for bar in (self.horizontalScrollBar(), self.verticalScrollBar()):
                bar.setValue(bar.minimum())
        if self.focus is not None and self.focus.scene() is self.scene():
            self.ensureVisible(self.focus, 16, 16)

    def scaled(self) -> float:
        """Scene units to screen pixels."""
        return self.transform().m11()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self.on_resize is None or not self.on_resize():
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

    #: The arrangements this panel may choose from (graph_geometry.MODES: left→right too).
    MODES: tuple[Mode, ...] = (VERTICAL,)
    CAPTION = QT_TRANSLATE_NOOP("GraphPanel", "backward() walks this graph from the loss to w "
                                              "and b")

    def __init__(self, theme: th.Theme = th.LIGHT) -> None:
        super().__init__()
        self.theme = theme
        self._nodes: list[GraphNode] = []
        self._drawn: list[tuple[str, str, str]] = []  # (name, shape text, label)
        self._edges: list[tuple[int, int]] = []
        self._reduction: str | None = None
        self._mode = VERTICAL  # the arrangement drawn (see _choose)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.scene = QGraphicsScene(self)
        self.view = _GraphView(self.scene)
        self.view.on_resize = self._relayout
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setIndent(0)  # else its styled frame adds an indent: a line wraps too early
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

    # ---- arrangement -----------------------------------------------------------------------

    def _sizes(self) -> tuple[int, int, int]:
        """Pixel sizes in the scene of the boxes' names, their details and the edge labels."""
        return NAME_PX, DETAIL_PX, EDGE_PX

    def _min_scale(self) -> float:
        """The least scene-to-screen scale (0: any); below it the view scrolls instead."""
        return 0.0

    def _measure(self, nodes: list[GraphNode], mode: Mode) -> tuple[list[str], float, float]:
        """The boxes' detail texts in ``mode`` and the size of a box that holds any of them
        (measured as laid out: a fallback font's taller glyphs, Chinese, included)."""
        self._mode = mode
        name_px, detail_px, _ = self._sizes()
        details = [self._detail(n) for n in nodes]
        probe = QGraphicsSimpleTextItem()
        probe.setFont(_font(name_px, True))
        names = [_size(probe, n.name) for n in nodes]
        probe.setFont(_font(detail_px))
        subs = [_size(probe, d) for d in details]
        box_w = max(w for w, _ in names + subs) + 2 * PAD_X
        box_h = max(h for _, h in names) + max(h for _, h in subs) + 2 * PAD_Y + 2
        return details, box_w, box_h

    def _choose(self, nodes: list[GraphNode], lay: Layout, keep: bool = True
                ) -> tuple[Mode, list[str], float, float]:
        """The arrangement (of MODES) that shows the text largest in the view as it is now, or
        the one drawn, or a simpler one (earlier in MODES: fewer bends), if it shows it nearly
        as large."""
        drawn, least = self._mode, self._min_scale()
        tried: list[tuple[float, Mode, list[str], float, float]] = []
        try:
            for mode in self.MODES:
                details, box_w, box_h = self._measure(nodes, mode)
                bounds = Placement(lay, mode, box_w, box_h).bounds()
                score = _score(bounds, self.view.width(), self.view.height(), least)
                if mode.keep:  # cut vectors: only where the whole ones do not fit
                    score = min(score, least)
                tried.append((score, mode, details, box_w, box_h))
        finally:
            self._mode = drawn
        best = max(score for score, *_ in tried)
        enough = best if best < least else max(least, best * NEARLY)  # none fits: the best
        # The arrangement drawn stays while it is good enough: no jumps from phase to phase.
        kept = [t for t in tried if keep and t[1] == drawn and t[0] >= enough - 1e-9]
        chosen = (kept or [t for t in tried if t[0] >= enough - 1e-9])[0]
        return chosen[1], chosen[2], chosen[3], chosen[4]

    def _relayout(self) -> bool:
        """The view has a new size: draw the graph again if another arrangement now shows
        its text larger (True), else only refit (False)."""
        if not self._nodes or len(self.MODES) < 2:
            return False
        if self._choose(self._nodes, layered_layout(self._nodes))[0] == self._mode:
            return False
        self._build(self._nodes)
        return True

    def rescale_text(self) -> None:
        """The text size changed (View ▸ Text size, presentation mode): draw again."""
        if self._nodes:
            self._build(self._nodes)

    # ---- drawing -----------------------------------------------------------------------------

    def _build(self, nodes: list[GraphNode]) -> None:
        self._nodes = nodes
        keep = bool(self._drawn)  # a graph is on screen: its arrangement may stay
        self.scene.clear()
        self.view.focus = None
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
        lay = layered_layout(nodes)
        self._mode, details, box_w, box_h = self._choose(nodes, lay, keep)
        place = Placement(lay, self._mode, box_w, box_h)
        name_px, detail_px, edge_px = self._sizes()
        name_font, detail_font = _font(name_px, True), _font(detail_px)
        probe = QGraphicsSimpleTextItem()
        probe.setFont(name_font)
        name_h = max(_size(probe, n.name)[1] for n in nodes)
        fg = QColor(theme.foreground)
        muted = theme.color("foreground", 205)
        for n, detail in zip(nodes, details, strict=True):
            c = place.centre(lay.layer[n.id], lay.x[n.id])
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
            if n is root:
                self.view.focus = box  # in sight first when the view has to scroll
            self._decorate(n, box)
            name = QGraphicsSimpleTextItem(n.name)
            name.setFont(name_font)
            name.setBrush(QBrush(text_color))
            name.setPos(c.x() - name.boundingRect().width() / 2, rect.top() + PAD_Y)
            name.setZValue(2)
            self.scene.addItem(name)
            sub = QGraphicsSimpleTextItem(detail)
            sub.setFont(detail_font)
            sub.setBrush(QBrush(text_color if n.name == "AccumulateGrad" else muted))
            if n is root and vector_loss:
                sub.setBrush(QBrush(QColor(theme.banner_text)))
            sub.setPos(c.x() - sub.boundingRect().width() / 2, rect.top() + PAD_Y + name_h + 2)
            sub.setZValue(2)
            self.scene.addItem(sub)
            self._drawn.append((n.name, shape_text(n.shape), n.label))

        self._draw_edges(nodes, place, reduction, _font(edge_px))
        self._set_note(root, reduction)
        self.view.min_scale = self._min_scale()
        self.view.fit()

    def _draw_edges(self, nodes: list[GraphNode], place: Placement, reduction: str,
                    edge_font: QFont) -> None:
        """The arrows between the boxes, each labelled with the gradient that flows along it
        (top→bottom only: left→right, the gaps between the columns are kept narrow)."""
        theme = self.theme
        index = {n.id: k for k, n in enumerate(nodes)}
        arrow_pen = QPen(theme.color("foreground", 190), 2.5)
        arrow_pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        by_id = {n.id: n for n in nodes}
        for p, c, bends in place.lay.edges:
            points, run = place.route(p, c, bends)
            path = QPainterPath(points[0])
            for point in points[1:]:
                path.lineTo(point)
            line = self.scene.addPath(path, arrow_pen)
            line.setZValue(0)
            end, before = points[-1], points[-2]
            along = math.hypot(end.x() - before.x(), end.y() - before.y()) or 1.0
            tail = QPointF(end.x() + (before.x() - end.x()) * 20 / along,
                           end.y() + (before.y() - end.y()) * 20 / along)
            head = self.scene.addPolygon(_arrow_head(tail, end), QPen(Qt.PenStyle.NoPen),
                                         QBrush(arrow_pen.color()))
            head.setZValue(3)
            self._edges.append((index[p], index[c]))
            q = quantity(by_id[c])
            # 'none': no scalar, so no ∂L/∂… flows anywhere
            if q and reduction != "none" and not place.mode.horizontal:
                self._edge_label(_grad_symbol(q), QPointF(end.x(), (run + end.y()) / 2),
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


def _score(bounds: QRectF, width: float, height: float, least: float) -> float:
    """How large an arrangement of ``bounds`` shows the text in a view of ``width`` × ``height``:
    its scale if it fits at ``least`` or more (up to MAX_SCALE); else, scrolled at ``least``,
    ``least`` times the share of it in sight (below any arrangement that fits), the share
    across counted twice (scrolling down alone reads like a page)."""
    scale = fit_scale(bounds, width, height)
    if scale >= least:
        return min(MAX_SCALE, scale)
    across = min(1.0, width / ((bounds.width() + 24) * least))
    return least * across * across * min(1.0, height / ((bounds.height() + 24) * least))


def _size(probe: QGraphicsSimpleTextItem, text: str) -> tuple[float, float]:
    """The size ``text`` takes laid out in ``probe``'s font (every line, fallback fonts too)."""
    probe.setText(text)
    rect = probe.boundingRect()
    return rect.width(), rect.height()


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

