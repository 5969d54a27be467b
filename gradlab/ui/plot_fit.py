"""Plot text that fits its panel at any window size and text size (issue 15).

pyqtgraph sizes a plot's title row at 30 px and makes the title at least as wide as its text, so
a long title or a large text size pushes the plot past the right edge of its panel; an axis label
longer than its axis runs into the next plot; a legend sits where it was put, on the data or not.
Here: titles wrap onto more lines (their row as tall as they are), an axis label that does not fit
along its axis is left out (the title says the same), and a legend goes to a corner free of data.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt

#: An axis label may shrink to this share of the axis text size to fit its axis.
MIN_LABEL = 0.6
#: Space kept between a legend and the plot's edges (px).
LEGEND_MARGIN = 6.0


class WrappingTitle(pg.LabelItem):
    """A plot title that wraps rather than widen its plot, in a row as tall as its lines."""

    def __init__(self, plot: pg.PlotItem) -> None:
        super().__init__("", size="11pt", parent=plot)
        self.plot = plot
        option = self.item.document().defaultTextOption()
        option.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.item.document().setDefaultTextOption(option)
        self._row_height = -1.0

    def updateMin(self) -> None:  # noqa: N802 - pyqtgraph override
        """Never wider than its column asks; as tall as the (wrapped) text."""
        bounds = self.itemRect()
        self.setMinimumWidth(0)
        self.setMinimumHeight(bounds.height())
        self._sizeHint = {
            Qt.SizeHint.MinimumSize: (0, bounds.height()),
            Qt.SizeHint.PreferredSize: (0, bounds.height()),
            Qt.SizeHint.MaximumSize: (-1, -1),
            Qt.SizeHint.MinimumDescent: (0, 0),
        }
        self.updateGeometry()

    def resizeEvent(self, ev) -> None:  # noqa: N802, ANN001 - pyqtgraph override
        width = self.rect().width()
        self.item.setTextWidth(-1)
        if width > 0 and self.item.boundingRect().width() > width:
            self.item.setTextWidth(width)  # wrap at the plot's width, lines centred
        super().resizeEvent(ev)
        self.fit_row()

    def fit_row(self) -> None:
        """The title row as tall as the text (pyqtgraph fixes it at 30 px)."""
        if not self.isVisible() or getattr(self, "plot", None) is None:  # (while being made)
            return
        height = float(np.ceil(self.itemRect().height()))
        if height != getattr(self, "_row_height", -1.0):
            self._row_height = height
            self.setMaximumHeight(height)
            self.plot.layout.setRowFixedHeight(0, height)


def wrapping_title(plot: pg.PlotItem) -> WrappingTitle:
    """Put a WrappingTitle in place of pyqtgraph's title label (once per plot)."""
    title = plot.titleLabel
    if isinstance(title, WrappingTitle):
        return title
    new = WrappingTitle(plot)
    plot.layout.removeItem(title)
    title.setParentItem(None)
    if title.scene() is not None:
        title.scene().removeItem(title)
    plot.layout.addItem(new, 0, 1)
    plot.titleLabel = new
    new.setVisible(title.isVisible())
    return new


def set_title(plot: pg.PlotItem, html: str) -> None:
    """Set a plot's title; it wraps to the plot's width and its row follows its height."""
    title = wrapping_title(plot)
    if title.isVisible() and title._row_height > 0:
        # Shown and its row fitted: set the text alone (the row follows in fit_row if the
        # height changes), not pyqtgraph's 30 px row and back, two relayouts for every new
        # number in a title while running (issue 15, redraw rate).
        title.setText(html)
        return
    plot.setTitle(html)  # pyqtgraph fixes the row at 30 px here ...
    title._row_height = -1.0
    title.resizeEvent(None)  # ... and this sets it to the text's height


def fit_axis_labels(plot: pg.PlotItem) -> None:
    """Leave out an axis label longer than its axis (checked whenever the plot resizes)."""
    if getattr(plot, "_labels_fitted", False):
        return
    plot._labels_fitted = True
    plot.vb.sigResized.connect(lambda _vb: _fit_labels(plot))


def set_axis_label(plot: pg.PlotItem, side: str, choices: list[str], **style: object) -> None:
    """Label the axis ``side`` with the first of ``choices`` (longest first) that fits along it
    at full size; the last one shrinks or is left out as any label. Re-checked now and whenever
    the plot resizes (the label changes with the data: "x (4,000 of 1,000,000 points shown)")."""
    plot._label_choices = {**getattr(plot, "_label_choices", {}), side: (tuple(choices), style)}
    fit_axis_labels(plot)
    _fit_labels(plot)


def _fit_labels(plot: pg.PlotItem) -> None:
    choices = getattr(plot, "_label_choices", {})
    for side in ("left", "bottom"):
        axis = plot.getAxis(side)
        texts, style = choices.get(side, ((), {}))
        relabelled = False
        for text in texts:  # the last one is kept whether it fits or not
            if text != axis.labelText or style != axis.labelStyle:
                plot.setLabel(side, text, **style)
                relabelled = True
            along, room = _along_and_room(plot, side)
            if along <= room:
                break
        if not axis.labelText:
            continue
        document = axis.label.document()
        m = document.documentMargin()
        # pyqtgraph leaves 0.8 of the label's box for it, and puts it 5 px past the axis'
        # edge: a wider margin keeps a large label's text off the tick labels (and inside).
        line = axis.label.boundingRect().height() - 2 * m
        margin = max(4.0, float(np.ceil((0.2 * line - 5.0) / 0.6)) + 1.0)
        changed = margin != m
        if changed:
            document.setDocumentMargin(margin)
            m = margin
            axis.resizeEvent()
        along, room = _along_and_room(plot, side)
        # Full size if it fits, else smaller down to MIN_LABEL of it (the history's coloured
        # "loss", "∂w ∂b" name its curves), else left out.
        shown = _label_px(axis)
        full = _tick_px(axis)  # a label's full size is the axis' text size (theme.style_plot)
        want = min(full, int(full * room / (along * full / shown))) if along > 0 else full
        fits = want >= MIN_LABEL * full
        if fits and want != shown:
            axis.labelStyle["font-size"] = f"{want}px"
            axis._updateLabel()
            changed = True
        if fits != axis.label.isVisible() or changed:
            axis.showLabel(fits)  # (also makes the axis as wide or tall as it needs now)
        if relabelled or changed:
            axis.resizeEvent()  # pyqtgraph centres a label along its axis only here


def _along_and_room(plot: pg.PlotItem, side: str) -> tuple[float, float]:
    """The length of the axis label's text along its axis, and the axis' length (px)."""
    label = plot.getAxis(side).label
    along = label.boundingRect().width() - 2 * label.document().documentMargin()
    return along, (plot.vb.height() if side == "left" else plot.vb.width())


def _label_px(axis: pg.AxisItem) -> int:
    """The pixel size of an axis label's text (style_plot sets it as "font-size: Npx")."""
    text = str(axis.labelStyle.get("font-size", ""))
    try:
        return int(float(text.removesuffix("px")))
    except ValueError:
        return _tick_px(axis)


def _tick_px(axis: pg.AxisItem) -> int:
    font = axis.style.get("tickFont")
    return font.pixelSize() if font is not None and font.pixelSize() > 0 else 15


def place_legend(legend: pg.LegendItem, vb: pg.ViewBox,
                 points: Callable[[], tuple[np.ndarray, np.ndarray]]) -> bool:
    """Move ``legend`` to the first corner of ``vb`` (top left, top right, bottom right, bottom
    left) where it covers none of ``points()`` (data coordinates). False: no corner is free."""
    if not legend.items or not legend.isVisible():
        return True
    x, y = points()
    size = legend.boundingRect().size()
    box = vb.boundingRect()
    if box.width() <= 0 or x is None or len(x) == 0:
        return True
    # The points in the view box's own (pixel) coordinates.
    xs, ys = _to_box(vb, np.asarray(x, float), np.asarray(y, float))
    m = LEGEND_MARGIN
    corners = [
        (QPointF(box.left() + m, box.top() + m), (0, 0)),
        (QPointF(box.right() - m, box.top() + m), (1, 0)),
        (QPointF(box.right() - m, box.bottom() - m), (1, 1)),
        (QPointF(box.left() + m, box.bottom() - m), (0, 1)),
    ]
    pad = 10.0  # a marker's radius at large text sizes
    for at, (ax, ay) in corners:
        rect = QRectF(at.x() - ax * size.width(), at.y() - ay * size.height(),
                      size.width(), size.height()).adjusted(-pad, -pad, pad, pad)
        inside = (xs >= rect.left()) & (xs <= rect.right()) & (ys >= rect.top()) \
            & (ys <= rect.bottom())
        if not inside.any():
            legend.anchor(itemPos=(ax, ay), parentPos=(ax, ay),
                          offset=(m * (1 - 2 * ax), m * (1 - 2 * ay)))
            return True
    return False


def fit_legend(legend: pg.LegendItem) -> None:
    """Size a legend to its entries as they are now (pyqtgraph's updateSize adds up the
    entries' last laid-out sizes, so after a smaller text size it stays as large as before)."""
    legend.layout.invalidate()
    hint = legend.layout.effectiveSizeHint(Qt.SizeHint.PreferredSize)
    legend.setGeometry(0, 0, hint.width(), hint.height())


def _to_box(vb: pg.ViewBox, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Data coordinates to the view box's pixels (a linear map: two points give it)."""
    (x0, x1), (y0, y1) = vb.viewRange()
    box = vb.boundingRect()
    sx = box.width() / (x1 - x0) if x1 != x0 else 0.0
    sy = box.height() / (y1 - y0) if y1 != y0 else 0.0
    return box.left() + (x - x0) * sx, box.top() + (y1 - y) * sy


def headroom(vb: pg.ViewBox, legend: pg.LegendItem, y_range: tuple[float, float]) -> float:
    """The top of a y range that leaves the legend's height free above ``y_range``."""
    y0, y1 = y_range
    height = vb.boundingRect().height()
    need = legend.boundingRect().height() + 2 * LEGEND_MARGIN + 10.0
    if height <= need * 1.5:
        return y1
    # the data keep (height - need) px; the rest, above them, is the legend's
    return y0 + (y1 - y0) * height / (height - need)
