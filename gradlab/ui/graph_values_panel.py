"""The autograd-graph tab with values: each node's output and, after backward, the gradient that
arrived at it; the leaves' ``.grad`` (None before backward); the nodes light up one by one in
autograd's order during the *backward* phase of Step in phases.

The values are the worker's (core.graphvalues: the real graph, read with hooks); the drawing is
GraphPanel's, with two more lines in each box. A vector is elided to a few entries and "…"; the
whole vector is the box's tooltip.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QTimer
from PySide6.QtGui import QFontMetricsF, QPen
from PySide6.QtWidgets import QGraphicsSimpleTextItem, QLabel

from gradlab.i18n import translate
from gradlab.ui import theme as th
from gradlab.ui.graph_geometry import MODES
from gradlab.ui.graph_panel import PAD_X, GraphPanel, _grad_symbol, quantity
from gradlab.ui.text import fmt

if TYPE_CHECKING:
    from gradlab.core.explain import GraphNode
    from gradlab.views.graph_values import GraphValues

#: entries of a vector written in a box before "…"
KEEP = 4
#: milliseconds between two nodes lighting up in the backward phase
LIGHT_MS = 450
#: Text sizes at text size 100 %: the boxes' names, their lines (values), the edge labels.
#: They follow View ▸ Text size; the view shrinks them to fit, but never below ``min_px()``.
SIZES = (19, 17, 17)


def min_px() -> int:
    """The smallest text on screen in the graph: the plots' tick values (theme.AXIS_PX), which
    theme.BASE_SIZES makes readable from the back of a lecture hall."""
    return th.AXIS_PX


def elide(value: np.ndarray | None, keep: int = KEEP) -> str:
    """'30', '[4, 16, 36, 64]' or '[4, 16, 36, …]'."""
    if value is None:
        return ""
    a = np.asarray(value, dtype=np.float64)
    if a.ndim == 0:
        return fmt(float(a))
    flat = a.reshape(-1)
    if flat.size <= keep:
        return "[" + ", ".join(fmt(v) for v in flat) + "]"
    return "[" + ", ".join(fmt(v) for v in flat[: keep - 1]) + ", …]"


def full(value: np.ndarray | None) -> str:
    if value is None:
        return ""
    a = np.asarray(value, dtype=np.float64).reshape(-1)
    return "[" + ", ".join(fmt(v, 8) for v in a) + "]" if a.size > 1 else fmt(float(a[0]), 8)


class ValuedGraphPanel(GraphPanel):
    """GraphPanel plus values: ``show_values(graph_values)`` after each ``show_graph``."""

    #: the values on the boxes (class defaults: GraphPanel.__init__ already draws)
    values: GraphValues | None = None
    _texts: dict[int, Any] = {}  # node id -> its detail text item (see _build)
    _lit = 0  # how many nodes of autograd's order are lit (the animation)
    #: top→bottom or left→right, wrapped into bands: whichever shows the text largest
    MODES = MODES

    def __init__(self, theme: th.Theme = th.LIGHT) -> None:
        self._boxes: dict[int, tuple[Any, QPen]] = {}
        super().__init__(theme)
        self.view.setInteractive(True)  # the boxes' tooltips: the full vectors
        self.sends = QLabel()
        self.sends.setWordWrap(True)
        self.layout().addWidget(self.sends)
        self.timer = QTimer(self)
        self.timer.setInterval(LIGHT_MS)
        self.timer.timeout.connect(self._light_next)

    # ---- data --------------------------------------------------------------------------------

    def show_values(self, gv: GraphValues | None, animate: bool = False) -> None:
        """Put the numbers of ``gv`` on the boxes; ``animate``: light the nodes up one by one
        in autograd's order (the backward phase), else all at once."""
        self.timer.stop()
        self.values = gv
        self._lit = 0  # lit up only while the backward phase is being shown
        if gv is not None and list(gv.nodes) != self._nodes:
            self._nodes = list(gv.nodes)
        if not self._retext():  # new numbers in the same boxes: no new scene (while running)
            self._build(self._nodes)
        self._colour_boxes()
        self._show_sends()
        if animate and gv is not None and gv.backward_ran:
            self.timer.start()

    def _light_next(self) -> None:
        gv = self.values
        if gv is None or self._lit >= len(gv.order):
            self.timer.stop()  # the last node stays lit until the next phase
            return
        self._lit += 1
        self._colour_boxes()

    def _sizes(self) -> tuple[int, int, int]:
        name, detail, edge = SIZES
        return th.px(name), th.px(detail), th.px(edge)

    def _min_scale(self) -> float:
        return min_px() / min(self._sizes())

    def _build(self, nodes: list[GraphNode]) -> None:
        self._boxes = {}
        super()._build(nodes)
        # each box's detail text item, found by its text (None: two boxes say the same)
        items = [i for i in self.scene.items() if isinstance(i, QGraphicsSimpleTextItem)]
        self._texts = {}
        for n in nodes:
            found = [i for i in items if i.text() == self._detail(n)]
            self._texts[n.id] = found[0] if len(found) == 1 else None
        self._colour_boxes()

    def _retext(self) -> bool:
        """Put the new detail texts into the boxes drawn, if each still fits its box (same
        number of lines, no wider); False: the scene must be built again."""
        texts = getattr(self, "_texts", {})
        if not self._nodes or set(texts) != {n.id for n in self._nodes}:
            return False
        updates = []
        for n in self._nodes:
            item, (box, _pen) = texts[n.id], self._boxes.get(n.id, (None, None))
            new = self._detail(n)
            if item is None or box is None or new.count("\n") != item.text().count("\n"):
                return False
            fm = QFontMetricsF(item.font())
            width = max(fm.horizontalAdvance(line) for line in new.split("\n"))
            if width > box.boundingRect().width() - 2 * PAD_X:
                return False
            updates.append((item, box, new, width))
        for item, box, new, width in updates:
            item.setText(new)
            item.setX(box.boundingRect().center().x() - width / 2)
        for n in self._nodes:
            self._decorate(n, self._boxes[n.id][0])
        return True

    def _colour_boxes(self) -> None:
        """The nodes autograd has run so far (in the animation) get a thick outline."""
        gv = self.values
        lit = set(gv.order[: self._lit]) if gv is not None and gv.backward_ran else set()
        pen = QPen(self.theme.color("reduced"), 6.0)
        for k, node in enumerate(self._nodes):
            if node.id in self._boxes:
                box, normal = self._boxes[node.id]
                box.setPen(pen if k in lit else normal)
        if not self._nodes:
            return
        focus = self._nodes[0].id  # the loss; while backward runs, the node it is at
        if gv is not None and self._lit and gv.order:  # a view too small scrolls with it
            focus = self._nodes[gv.order[self._lit - 1]].id
        self.view.focus = self._boxes.get(focus, (None, None))[0]
        self.view.follow()

    def _decorate(self, node: GraphNode, box: Any) -> None:
        if node.id not in self._boxes or self._boxes[node.id][0] is not box:
            self._boxes[node.id] = (box, box.pen())
        gv = self.values
        if gv is None or node.id not in gv.values:
            return
        nv = gv.values[node.id]
        tip = [translate("GraphValuesPanel", "value: {v}").format(v=full(nv.value))]
        if nv.grad_in is not None:
            tip.append(translate("GraphValuesPanel", "gradient arriving: {g}").format(
                g=full(nv.grad_in)))
        box.setToolTip("\n".join(tip))

    def _detail(self, node: GraphNode) -> str:
        """GraphPanel's line, then the value and (after backward) the gradient that arrived, or
        for a leaf its .grad: on one line when the graph is drawn top→bottom (tall, not wide),
        on a line each when left→right (narrow columns)."""
        text = super()._detail(node)
        gv = self.values
        if gv is None or node.id not in gv.values:
            return text
        nv = gv.values[node.id]
        keep = self._mode.keep or KEEP
        parts = [translate("GraphValuesPanel", "= {v}").format(v=elide(nv.value, keep))
                 ] if nv.value is not None else []
        if node.name == "AccumulateGrad" and node.label in ("w", "b"):
            grad = gv.leaf_grad.get(node.label)
            parts.append(translate("GraphValuesPanel", ".grad = None (nothing written yet)")
                         if grad is None else
                         translate("GraphValuesPanel", ".grad = {g}").format(g=fmt(grad)))
        elif nv.grad_in is not None:
            parts.append(f"{_grad_symbol(quantity(node) or '·')} = {elide(nv.grad_in, keep)}")
        join = "\n" if self._mode.horizontal else "    "
        return text + "\n" + join.join(parts) if parts else text

    def _show_sends(self) -> None:
        """What the reduction node sends back to each per-sample loss."""
        gv, theme = self.values, self.theme
        self.sends.setStyleSheet(f"color:{theme.foreground};font-size:{th.px(19)}px")
        if gv is None:
            self.sends.setText("")
            return
        root = gv.nodes[0].name
        if gv.error is not None or gv.reduction == "none":
            text = translate("GraphValuesPanel", "backward() refused: the loss is a vector, so "
                             "nothing is sent back and w.grad, b.grad stay None.")
        elif not gv.backward_ran:
            text = translate("GraphValuesPanel", "backward() has not run yet: the leaves' .grad "
                             "is None, not 0 (nothing has been written to it).")
        elif gv.reduction == "mean":
            text = translate("GraphValuesPanel", "{node} sends 1/B = {v} back to each of the {n} "
                             "per-sample losses.").format(node=root, v=fmt(gv.sends[0]),
                                                          n=gv.sends.size)
        elif gv.reduction == "sum":
            text = translate("GraphValuesPanel", "{node} sends 1 back to each of the {n} "
                             "per-sample losses.").format(node=root, n=gv.sends.size)
        else:
            text = translate("GraphValuesPanel", "backward(gradient=v) sends vᵢ back to each "
                             "per-sample loss: v = {v}.").format(v=elide(gv.sends, 8))
        self.sends.setText(text)

    # ---- for tests ---------------------------------------------------------------------------

    def box_texts(self) -> dict[str, str]:
        """Each drawn node's detail text (with its values), keyed by 'name label'."""
        return {f"{n.name} {n.label}".strip(): self._detail(n) for n in self._nodes}

    def lit(self) -> list[int]:
        """Node positions lit so far, in autograd's order."""
        return [] if self.values is None else list(self.values.order[: self._lit])
