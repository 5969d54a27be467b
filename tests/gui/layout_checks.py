"""Layout as a tested property: what a window shows must fit, without overlap, at any size.

``layout_problems(root)`` looks at every visible pyqtgraph view under ``root`` and every plot in
it, and says (one line per problem) where a title, an axis label, a tick label, a legend or a text
drawn in a plot leaves its widget, overlaps another one, or covers a data point; and where a
widget or the text in it is cut off (outside the window, or wider than a scroll area that does
not scroll sideways). Geometry only: nothing needs to be painted, so a whole matrix of window
sizes, text sizes and languages runs in seconds. Any tab's test can call it.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QComboBox,
    QGraphicsSimpleTextItem,
    QGraphicsTextItem,
    QGraphicsView,
    QLabel,
    QLineEdit,
    QScrollArea,
    QTabBar,
    QToolBar,
    QWidget,
)

#: Overlaps and overhangs smaller than this (pixels) are rounding, not a problem.
SLACK = 1.0
#: At most this many data points of one item are checked against legends and texts.
MAX_POINTS = 5000


def _short(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _text_rect(item: QGraphicsTextItem) -> QRectF:
    """The scene rect of a text item's text (without Qt's document margin)."""
    m = item.document().documentMargin()
    return item.mapRectToScene(item.boundingRect().adjusted(m, m, -m, -m))


def _tick_texts(axis: pg.AxisItem) -> list[tuple[QRectF, str]]:
    """The tick labels the axis draws now, in scene coordinates (pyqtgraph's own layout)."""
    if not axis.isVisible() or not axis.style["showValues"]:
        return []
    image = QImage(4, 4, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        if axis.style["tickFont"] is not None:
            painter.setFont(axis.style["tickFont"])
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    if specs is None:
        return []
    return [(axis.mapRectToScene(rect), text) for rect, _flags, text in specs[2]]


def _overlap(a: QRectF, b: QRectF) -> bool:
    common = a.intersected(b)
    return common.width() > SLACK and common.height() > SLACK


def _points(item: pg.GraphicsObject) -> list[QPointF]:
    """Scene positions of the data points a scatter (or a curve's symbols) draws."""
    scatter = item.scatter if isinstance(item, pg.PlotDataItem) else item
    if not isinstance(scatter, pg.ScatterPlotItem) or not scatter.isVisible():
        return []
    x, y = scatter.getData()
    if x is None or len(x) == 0:
        return []
    step = max(1, len(x) // MAX_POINTS)
    return [scatter.mapToScene(QPointF(float(a), float(b)))
            for a, b in zip(x[::step], y[::step], strict=True)]


def _plot_texts(plot: pg.PlotItem, name: str) -> tuple[list, list]:
    """(label, scene rect) of the plot's texts: ``fixed`` (title, axis labels, ticks) and
    ``inside`` (legends and texts drawn in the plot, which must not cover its data)."""
    fixed: list[tuple[str, QRectF]] = []
    inside: list[tuple[str, QRectF]] = []
    title = plot.titleLabel
    if title.isVisible() and title.item.toPlainText().strip():
        fixed.append((f"{name} title '{_short(title.item.toPlainText())}'",
                      _text_rect(title.item)))
    for side in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(side)
        if not axis.isVisible():
            continue
        if axis.label.isVisible() and axis.label.toPlainText().strip():
            fixed.append((f"{name} {side} axis label '{_short(axis.label.toPlainText())}'",
                          _text_rect(axis.label)))
        for rect, text in _tick_texts(axis):
            fixed.append((f"{name} {side} tick '{text}'", rect))
    for child in plot.vb.allChildItems() + plot.vb.childItems():
        if not child.isVisible():
            continue
        if isinstance(child, pg.TextItem) and child.toPlainText().strip():
            inside.append((f"{name} text '{_short(child.toPlainText())}'",
                           _text_rect(child.textItem)))
        elif isinstance(child, pg.LegendItem) and child.items:
            inside.append((f"{name} legend", child.sceneBoundingRect()))
    return fixed, _unique(inside)


def _unique(pairs: list[tuple[str, QRectF]]) -> list[tuple[str, QRectF]]:
    seen, out = set(), []
    for label, rect in pairs:
        key = (label, rect.x(), rect.y())
        if key not in seen:
            seen.add(key)
            out.append((label, rect))
    return out


def _view_problems(view: pg.GraphicsView, where: str) -> list[str]:
    problems: list[str] = []
    plots = sorted((i for i in view.scene().items() if isinstance(i, pg.PlotItem)
                    and i.isVisible()), key=lambda i: (i.scenePos().y(), i.scenePos().x()))
    box = QRectF(view.viewport().rect()).adjusted(-SLACK, -SLACK, SLACK, SLACK)
    texts: list[tuple[str, QRectF]] = []
    covers: list[tuple[str, QRectF, QRectF]] = []  # (label, rect, its plot's view box)
    points: list[QPointF] = []
    for k, plot in enumerate(plots):
        name = f"{where}{type(view).__name__}[{k}]"
        fixed, inside = _plot_texts(plot, name)
        vb_rect = view.mapFromScene(plot.vb.sceneBoundingRect()).boundingRect()
        for label, rect in fixed + inside:
            on_view = view.mapFromScene(rect).boundingRect()
            if not box.contains(QRectF(on_view)):
                problems.append(f"{label} leaves its widget: {_fmt(on_view)} not in "
                                f"{view.width()}×{view.height()}")
            texts.append((label, QRectF(on_view)))
        for label, rect in inside:
            on_view = QRectF(view.mapFromScene(rect).boundingRect())
            covers.append((label, on_view, QRectF(vb_rect)))
        for item in plot.vb.addedItems:
            for p in _points(item):
                points.append(QPointF(view.mapFromScene(p)))
    for k, legend in enumerate(i for i in view.scene().items() if isinstance(i, pg.LegendItem)
                               and i.isVisible() and i.items
                               and not isinstance(i.parentItem(), pg.ViewBox)):
        rect = view.mapFromScene(legend.sceneBoundingRect()).boundingRect()
        label = f"{where}{type(view).__name__} legend outside the plots [{k}]"
        if not box.contains(QRectF(rect)):
            problems.append(f"{label} leaves its widget: {_fmt(rect)}")
        texts.append((label, QRectF(rect)))
    for i, (a_label, a) in enumerate(texts):
        for b_label, b in texts[i + 1:]:
            if _overlap(a, b):
                problems.append(f"{a_label} overlaps {b_label}")
    for label, rect, vb_rect in covers:
        if not vb_rect.adjusted(-SLACK, -SLACK, SLACK, SLACK).contains(rect):
            problems.append(f"{label} leaves its plot: {_fmt(rect)}")
        inner = rect.adjusted(SLACK, SLACK, -SLACK, -SLACK)
        hits = sum(1 for p in points if inner.contains(p))
        if hits:
            problems.append(f"{label} covers {hits} data point(s)")
    return problems


def _scene_view_problems(view: QGraphicsView, where: str) -> list[str]:
    """A plain QGraphicsView's texts (a drawn diagram, e.g. the autograd graph): none overlaps
    another, and each is in sight or the view scrolls to it (its scene rect holds it and the
    scroll bar of that direction is shown)."""
    problems: list[str] = []
    name = f"{where}{type(view).__name__}"
    port = QRectF(view.viewport().rect()).adjusted(-SLACK, -SLACK, SLACK, SLACK)
    reach = view.sceneRect().adjusted(-SLACK, -SLACK, SLACK, SLACK)
    texts: list[tuple[str, QRectF]] = []
    for item in view.scene().items():
        if not item.isVisible() or not isinstance(item, (QGraphicsSimpleTextItem,
                                                         QGraphicsTextItem)):
            continue
        text = item.text() if isinstance(item, QGraphicsSimpleTextItem) else item.toPlainText()
        if not text.strip():
            continue
        label = f"{name} text '{_short(text)}'"
        scene_rect = item.sceneBoundingRect()
        on_view = QRectF(view.mapFromScene(scene_rect).boundingRect())
        texts.append((label, scene_rect))
        if not reach.contains(scene_rect):
            problems.append(f"{label} is outside what the view shows: {_fmt(scene_rect)}")
            continue
        sideways = on_view.left() < port.left() or on_view.right() > port.right()
        down = on_view.top() < port.top() or on_view.bottom() > port.bottom()
        if (sideways and not view.horizontalScrollBar().isVisible()) or (
                down and not view.verticalScrollBar().isVisible()):
            problems.append(f"{label} leaves its widget: {_fmt(on_view)} not in "
                            f"{view.viewport().width()}×{view.viewport().height()}")
    for i, (a_label, a) in enumerate(texts):
        for b_label, b in texts[i + 1:]:
            if _overlap(a, b):
                problems.append(f"{a_label} overlaps {b_label}")
    return problems


def _fmt(rect: QRect | QRectF) -> str:
    r = QRectF(rect)
    return f"({r.x():.0f}, {r.y():.0f}, {r.width():.0f}×{r.height():.0f})"


def _scroller(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea) and not isinstance(parent, pg.GraphicsView):
            return parent
        parent = parent.parentWidget()
    return None


def _inside_chrome(widget: QWidget) -> bool:
    """Tab bars and toolbars hide what does not fit behind their own buttons."""
    parent: QWidget | None = widget
    while parent is not None:
        if isinstance(parent, (QTabBar, QToolBar)):
            return True
        parent = parent.parentWidget()
    return False


def _text_needs(widget: QWidget) -> int | None:
    """Width the text of a one-line text widget needs (None: not a one-line text widget)."""
    if isinstance(widget, QLabel) and not widget.wordWrap() and widget.text() \
            and widget.textFormat() != Qt.TextFormat.RichText and "<" not in widget.text():
        return widget.fontMetrics().horizontalAdvance(widget.text().split("\n")[0])
    if isinstance(widget, QLineEdit) and widget.text():
        return widget.fontMetrics().horizontalAdvance(widget.text())
    if isinstance(widget, QComboBox) and widget.currentText():
        return widget.fontMetrics().horizontalAdvance(widget.currentText())
    return None


def _widget_problems(root: QWidget, where: str) -> list[str]:
    problems: list[str] = []
    window = root.window()
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible() or widget.isWindow() or _inside_chrome(widget) \
                or widget.width() <= 0:
            continue
        name = f"{where}{type(widget).__name__} '{_short(_label_of(widget))}'"
        scroller = _scroller(widget)
        if isinstance(scroller, QScrollArea) and scroller.widget() is not None \
                and scroller.widget().isAncestorOf(widget):
            frame = scroller.viewport()
            sideways = scroller.horizontalScrollBarPolicy() != \
                Qt.ScrollBarPolicy.ScrollBarAlwaysOff
            rect = QRect(widget.mapTo(frame, widget.rect().topLeft()), widget.size())
            if not sideways and (rect.left() < -SLACK or rect.right() > frame.width() + SLACK):
                problems.append(f"{name} is cut off at the side of its scroll area: "
                                f"{_fmt(rect)} in width {frame.width()}")
        elif scroller is None:
            rect = QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())
            if not QRectF(window.rect()).adjusted(-SLACK, -SLACK, SLACK, SLACK).contains(
                    QRectF(rect)):
                problems.append(f"{name} is outside the window: {_fmt(rect)} in "
                                f"{window.width()}×{window.height()}")
        needs = _text_needs(widget)
        if needs is not None:
            room = widget.contentsRect().width()
            if isinstance(widget, (QLineEdit, QComboBox)):
                room -= 8 if isinstance(widget, QLineEdit) else 28  # frame, padding, arrow
            if needs > room + SLACK:
                problems.append(f"{name}: its text needs {needs} px, has {room}")
    return problems


def _label_of(widget: QWidget) -> str:
    for attr in ("text", "currentText", "title", "objectName"):
        getter = getattr(widget, attr, None)
        if callable(getter):
            try:
                value = getter()
            except TypeError:
                continue
            if isinstance(value, str) and value:
                return value
    return ""


def settle(root: QWidget, rounds: int = 3) -> None:
    """Let Qt lay ``root`` out after a resize or a new text size, without painting it.

    Painting a 4K window costs ~50 ms. The layout work a paint does in pyqtgraph is done here
    directly: the axes measure their tick labels (an axis may widen), the view boxes apply their
    new ranges (``prepareForPaint``), the texts in plots take the new transform; posted events
    (layouts, resizes, zero timers) are served between rounds. With
    ``root.setUpdatesEnabled(False)`` in force it is fast, and the result is as with painting.
    """
    from PySide6.QtWidgets import QApplication

    for _ in range(rounds):
        QApplication.processEvents()
        for view in _visible_views(root):
            view.scene().prepareForPaint()  # view boxes apply their new transforms here
            for item in view.scene().items():
                if not item.isVisible():
                    continue
                if isinstance(item, pg.AxisItem):
                    _tick_texts(item)
                elif isinstance(item, pg.TextItem):
                    item.updateTransform(force=True)
    QApplication.processEvents()


def layout_problems(root: QWidget, where: str = "", widgets: bool = True) -> list[str]:
    """Every layout problem of what ``root`` shows now (empty: none). ``where`` prefixes each
    line (e.g. the case: size, text size, language). ``widgets``: also check the widgets and
    their texts, not only the plots."""
    problems: list[str] = []
    for view in _visible_views(root):
        problems += _view_problems(view, where)
    for view in root.findChildren(QGraphicsView):
        if not isinstance(view, pg.GraphicsView) and view.isVisible() and view.width() > 0:
            problems += _scene_view_problems(view, where)
    if widgets:
        problems += _widget_problems(root, where)
    return problems


def _visible_views(root: QWidget) -> Iterable[pg.GraphicsView]:
    views = [root] if isinstance(root, pg.GraphicsView) else root.findChildren(pg.GraphicsView)
    return [v for v in views if v.isVisible() and v.width() > 0 and v.height() > 0]
