"""Live text and marker size for the plots (Ctrl+= / Ctrl+- / Ctrl+0, presentation mode).

Most sizes follow the theme's constants when a panel restyles itself (``theme.set_scale``, then
``set_theme``). A few are fixed when an item is made or set by a panel from a literal: the text
items drawn inside plots, the legend, and the markers. ``PlotScaler`` brings those to the current
scale, remembering each item's size at scale 1 so that repeated steps never drift; it only
touches an item whose size is not already right, so calling it after every redraw costs nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyqtgraph as pg
from PySide6.QtWidgets import QWidget, QWidgetAction

from gradlab.ui import theme as th
from gradlab.ui.plot_fit import fit_legend

#: Thick pens in presentation mode are this much thicker.
PRESENTATION_LINES = 1.5

_BASE = "_gradlab_base"  # attribute on an item: (size at scale 1, size last set by us)


def _scaled(item: object, current: float, scale: float) -> float:
    """The size ``item`` should have at ``scale``; ``current`` is the size it has now.

    If the item still has the size we set last time, its size at scale 1 is the one remembered;
    otherwise a panel set it since (from a literal, i.e. at scale 1), and ``current`` is it.
    """
    memo = getattr(item, _BASE, None)
    base = memo[0] if memo is not None and abs(memo[1] - current) < 1e-6 else current
    target = base * scale
    try:
        setattr(item, _BASE, (base, target))
    except AttributeError:  # an item that takes no attributes: scaled from where it is
        pass
    return target


def _text_item(item: pg.TextItem, scale: float, text_scale: float) -> None:
    """Plot text made by ``theme.label_font`` is already at the scale it was made at."""
    font = item.textItem.font()
    size = font.pixelSize()
    if size <= 0:
        return
    memo = getattr(item, _BASE, None)
    if memo is not None and memo[1] == size:
        base = memo[0]
    else:  # made (or re-made) by a panel at ``text_scale``
        base = size / text_scale
    target = max(6, round(base * scale))
    item.__dict__[_BASE] = (base, target)
    if target != size:
        font.setPixelSize(target)
        item.setFont(font)


def _legend(legend: pg.LegendItem, scale: float) -> None:
    base = getattr(legend, _BASE, None)
    if base is None:
        text = str(legend.opts.get("labelTextSize") or "9pt")
        try:
            base = (float(text.removesuffix("pt")), legend.layout.horizontalSpacing())
        except ValueError:
            return
        legend.__dict__[_BASE] = base
    base_pt, base_gap = base
    size = f"{max(6.0, round(base_pt * scale, 1)):g}pt"
    if legend.opts.get("labelTextSize") == size:
        return
    # The samples draw their markers at the markers' (scaled) size in a box of fixed size: a
    # wider gap keeps a large marker (the fit's minibatch ring, 26 px at scale 1) off its label.
    legend.layout.setHorizontalSpacing(base_gap + 13.0 * max(0.0, scale - 1.0))
    legend.setLabelTextSize(size)
    for _sample, label in legend.items:
        label.setText(label.text, size=size)
    fit_legend(legend)


def scale_items(items: Iterable[object], scale: float, text_scale: float | None = None) -> None:
    """Bring plot text, legends and markers among ``items`` to ``scale``. ``text_scale``: the
    scale text items were made at if we have not seen them (default: ``scale``)."""
    made_at = scale if text_scale is None else text_scale
    for item in items:
        if isinstance(item, pg.TextItem):
            _text_item(item, scale, made_at)
        elif isinstance(item, pg.LegendItem):
            _legend(item, scale)
        elif isinstance(item, pg.ScatterPlotItem):
            size = item.opts.get("size")
            if isinstance(size, (int, float)):
                target = _scaled(item, float(size), scale)
                if abs(target - size) > 1e-6:
                    item.setSize(target)
        elif isinstance(item, pg.PlotDataItem):
            size = item.opts.get("symbolSize")
            if item.opts.get("symbol") is not None and isinstance(size, (int, float)):
                target = _scaled(item, float(size), scale)
                if abs(target - size) > 1e-6:
                    item.setSymbolSize(target)


class PlotScaler:
    """Keeps the fixed-size plot items of some panels at the theme's current font scale."""

    def __init__(self) -> None:
        self.scale = th.FONT_SCALE
        self._cache: dict[int, list[object]] = {}

    def _items(self, panel: QWidget) -> list[object]:
        views = [panel] if isinstance(panel, pg.GraphicsView) \
            else panel.findChildren(pg.GraphicsView)
        items = [i for view in views for i in view.scene().items() if isinstance(
            i, (pg.TextItem, pg.LegendItem, pg.ScatterPlotItem, pg.PlotDataItem))]
        # PlotDataItem draws through a ScatterPlotItem child: scale the parent, not both.
        return [i for i in items if not (isinstance(i, pg.ScatterPlotItem)
                                          and isinstance(i.parentItem(), pg.PlotDataItem))]

    def rescale(self, panels: Iterable[QWidget], old_scale: float) -> None:
        """The scale changed from ``old_scale`` to the theme's: rescale everything (items made
        before the change were made at ``old_scale``)."""
        self.scale = th.FONT_SCALE
        self._cache.clear()
        for panel in panels:
            scale_items(self._items(panel), self.scale, old_scale)

    def keep(self, panel: QWidget) -> None:
        """After a redraw: a panel may have reset a marker size from a literal."""
        items = self._cache.get(id(panel))
        if items is None:
            items = self._cache[id(panel)] = self._items(panel)
        scale_items(items, self.scale)

    def forget(self) -> None:
        self._cache.clear()


def release_plot_menus(plots: list[pg.PlotItem]) -> None:
    """Delete pyqtgraph's per-plot option menus (we disable them).

    pyqtgraph creates them without a parent, so they would outlive the window as hidden
    top-level widgets; the option widgets are owned by QWidgetActions, deleted here too.
    """
    for plot in plots:
        if plot.ctrlMenu is not None:
            doomed = [plot.ctrlMenu, *plot.findChildren(QWidgetAction)]
            plot.ctrlMenu = None
            for obj in doomed:
                obj.deleteLater()
