"""Panel 2: one bar per sample's loss (the batch highlighted) and the reduced loss as a line.

Two BarGraphItems with one brush each (batch / not in batch): a brush per bar is ~4x slower.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetricsF

from gradlab.i18n import tr_message, translate
from gradlab.ui import theme as th
from gradlab.ui.text import count, fmt, reduction_word

if TYPE_CHECKING:  # the views arrive from the worker; their module loads after the first paint
    from gradlab.views.panels import PanelView

#: The reduced line is kept on the scale only if it is at most this many times the tallest bar.
OFF_SCALE = 3.0


def bar_ticks(pos: np.ndarray, group_size: int, extra: list[tuple[float, str]] | None = None,
              room_px: float = 0.0) -> list[tuple[float, str]]:
    """Sample numbers under the bars: every one when few, round numbers otherwise.

    ``pos`` is in sample numbers (1-based) also for groups, so round numbers work for both.
    ``room_px``: the width the bars take on screen, if known; every number is labelled only if
    the labels fit side by side at the current text size.
    """
    fits = room_px <= 0 or room_px / max(1, pos.size) >= 1.6 * th.AXIS_PX
    if pos.size == 0:
        ticks: list[tuple[float, str]] = []
    elif group_size == 1 and pos.size <= 20 and fits:
        ticks = [(float(p), str(int(p))) for p in pos]
    else:
        last = float(pos[-1]) + 0.5 * group_size
        # As many labels as fit side by side, a space apart ("200,000400,000" never).
        most, need = 6, 0.0
        if room_px > 0:
            need = QFontMetricsF(th.axis_font()).horizontalAdvance(count(int(last))) \
                + 1.2 * th.AXIS_PX
            most = int(max(1, min(6, room_px / need)))
        raw = last / most
        mag = 10 ** np.floor(np.log10(raw))
        step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw * 0.999)
        values = [k * step for k in range(1, 8) if k * step <= last - 0.3 * step]
        # Sample 1 is labelled too when its label keeps clear of the first round number.
        gap = (values[0] - 1.0) * room_px / last if values and room_px > 0 else np.inf
        if group_size == 1 and gap >= need:
            values.insert(0, 1.0)
        ticks = [(v, count(int(v))) for v in values]
    return ticks + (extra or [])


#: How far past the data a range that had to grow goes (a share of the data's span; ``sticky``).
GROW = 0.25


def sticky(current: tuple[float, float] | None, lo: float, hi: float,
           grow: float = 0.0) -> tuple[float, float]:
    """Keep the current axis range while the data fit in it and fill at least half of it.

    A range that changes every frame makes pyqtgraph rebuild the axis (text, slow) and paint
    its panel once more, every frame. ``grow``: when the data outgrow a side, that side moves
    this share of the data's span past them, so a value that keeps growing (w on its way to the
    fit) does not outgrow the range again on the next frame.
    """
    if current is None:
        return lo, hi
    c_lo, c_hi = current
    span = c_hi - c_lo
    fits = c_lo <= lo and hi <= c_hi
    if fits and (hi - lo) >= 0.5 * span:
        return current
    if not fits and grow > 0:  # the side not outgrown stays (else the two sides take turns)
        room = grow * (hi - lo)
        grown = (lo - room if lo < c_lo else c_lo), (hi + room if hi > c_hi else c_hi)
        if (hi - lo) >= 0.5 * (grown[1] - grown[0]):
            return grown
    return lo, hi


def _reduced_text(view: PanelView, denominator: bool = True) -> str:
    """The reduced value, with mean's denominator: "0.6931 ÷ 4"; a mean over nothing is NaN."""
    value = "NaN" if view.note is not None else fmt(view.written.get("loss", view.loss))
    if denominator and view.reduction == "mean" and view.denominator is not None:
        value += f" ÷ {fmt(view.denominator)}"
    return value


def denominator_notes(view: PanelView) -> list[str]:
    """Why mean divided by what it did, and the note of a mean over nothing (translated)."""
    notes = []
    if view.denominator_text is not None and view.model != "line":  # the line's is B: no news
        notes.append("÷ " + tr_message(view.denominator_text))
    if view.note is not None:
        notes.append(tr_message(view.note))
    return notes


class LossPanel(pg.GraphicsLayoutWidget):
    def __init__(self, theme: th.Theme) -> None:
        super().__init__()
        self.plot = self.addPlot(row=0, col=0, enableMenu=False)
        th.disable_menus(self.plot)
        self.plot.hideButtons()
        self.plot.setMouseEnabled(x=False, y=False)
        self.bars = pg.BarGraphItem(x=np.zeros(0), height=np.zeros(0), width=0.7)
        self.batch_bars = pg.BarGraphItem(x=np.zeros(0), height=np.zeros(0), width=0.7)
        self.reduced_line = pg.InfiniteLine(angle=0, movable=False)
        self.reduced_label = pg.TextItem(anchor=(1, 1))
        self.reduced_label.setFont(th.label_font())
        self.note = pg.TextItem(anchor=(0, 0))
        self.note.setFont(th.label_font(15, bold=False))
        for item in (self.bars, self.batch_bars, self.reduced_line, self.reduced_label):
            self.plot.addItem(item)
        self.plot.addItem(self.note, ignoreBounds=True)
        self._title = ""
        self._ticks: list[tuple[float, str]] = []
        self._x_range: tuple[float, float] | None = None
        self._y_range: tuple[float, float] | None = None
        self._label_state: tuple | None = None
        # Until the first step arrives (PyTorch may still be loading) the axes show a plain
        # 0..1, not auto-ranged rounding noise around nothing (ticks like −3e-13).
        self.plot.setRange(xRange=(0.5, 4.5), yRange=(0.0, 1.0), padding=0)
        self._view: PanelView | None = None
        # The room kept for the reduced value's label and the sample numbers depend on the
        # plot's width: a resized window lays them out again.
        self.plot.vb.sigResized.connect(
            lambda _vb: self._view is not None and self.show_view(self._view))
        self.set_theme(theme)

    def set_theme(self, theme: th.Theme) -> None:
        self.theme = theme
        self.setBackground(theme.background)
        th.style_plot(self.plot, theme, translate("LossPanel", "sample"),
                      translate("LossPanel", "loss"))
        self.bars.setOpts(brush=pg.mkBrush(theme.bars), pen=pg.mkPen(None))
        self.batch_bars.setOpts(brush=pg.mkBrush(theme.bars_batch), pen=pg.mkPen(None))
        self.reduced_line.setPen(pg.mkPen(theme.reduced, width=th.THICK,
                                          style=Qt.PenStyle.DashLine))
        self.reduced_label.setColor(theme.reduced)
        self.reduced_label.fill = pg.mkBrush(theme.color("background", 225))
        self.reduced_label.border = pg.mkPen(theme.reduced, width=1.5)
        self.note.setColor(theme.foreground)
        self._title = ""
        self._label_state = None

    def _room_for_label(self, x_lo: float, x_hi: float) -> float:
        """Widen the x range so the reduced-value label sits right of the last bar, not on it."""
        view_px = self.plot.vb.width()
        label_px = self.reduced_label.boundingRect().width() + 12
        if view_px <= 0:
            return x_hi
        f = min(0.45, label_px / view_px)
        return (x_hi - f * x_lo) / (1.0 - f)

    @staticmethod
    def _notes(view: PanelView) -> str:
        notes = []
        group = view.layout.group_size
        if group > 1:
            notes.append(translate("LossPanel", "{n} samples in groups of {group}: mean loss per "
                                   "group").format(n=count(view.layout.n), group=count(group)))
        if view.batch_size < view.layout.n:
            notes.append(translate("LossPanel", "batch: {batch} of {n}").format(
                batch=count(view.batch_size), n=count(view.layout.n)))
        if view.clipped:
            notes.append(translate("LossPanel", "values beyond ±1e15 are clipped"))
        notes.extend(denominator_notes(view))
        return "\n".join(notes)

    def _headroom(self, top: float, note: str) -> float:
        """A y range whose top band holds the notes (wrapped to the plot's width) and the reduced
        value's label above its line, clear of the bars."""
        vb = self.plot.vb
        if note != self.note.toPlainText():
            self.note.setText(note)
        self.note.setTextWidth(-1)  # wrapped only where it would leave the plot
        if 0 < vb.width() - 12 < self.note.boundingRect().width():
            self.note.setTextWidth(max(50.0, vb.width() - 12))
        if not note:
            return top
        band = self.note.boundingRect().height() + self.reduced_label.boundingRect().height() + 6
        height = vb.height()
        if height <= 0 or top <= 0:  # not laid out yet
            return top
        if height <= 2 * band:  # a plot too short for the notes goes without
            self.note.setText("")  # (the gradient panel's axis still says "a group of ...")
            return top
        return top * height / (height - band)

    def _label_room(self, top: float, label_y: float, shown: bool) -> float:
        """A y range tall enough for the reduced value's label above its line: in a short plot
        (1280×720, presentation mode, the notes left out) the 22 % above the bars is less than
        the label's height, and at N = 10^6 the mean sits at the bars' height."""
        height = self.plot.vb.height()
        label_px = self.reduced_label.boundingRect().height() + 4
        if not shown or label_y <= 0 or height <= 2 * label_px:
            return top
        return max(top, label_y * height / (height - label_px))

    def show_view(self, view: PanelView) -> None:
        self._view = view
        pos, height, in_batch = view.bar_pos, view.bar_loss, view.bar_in_batch
        group = view.layout.group_size
        width = 0.7 * group
        self.bars.setOpts(x=pos[~in_batch], height=height[~in_batch], width=width)
        self.batch_bars.setOpts(x=pos[in_batch], height=height[in_batch], width=width)
        tallest = float(height.max(initial=0.0))
        reduced = view.loss  # 0 when not reduced: then no line and no label
        word = reduction_word(view.reduction)
        on_scale = reduced <= OFF_SCALE * tallest or tallest == 0
        top = max(tallest, reduced if on_scale else 0.0)
        top = top * 1.22 if top > 0 else 1.0
        x_lo, x_hi = float(pos[0]) - 0.6 * group, float(pos[-1]) + 0.6 * group
        text = f" {word} = {_reduced_text(view)} " if view.reduced else ""
        if not on_scale:
            text += translate("LossPanel", "↑ above the plot") + " "
        if text != self.reduced_label.toPlainText():
            self.reduced_label.setText(text)
        if view.reduced and view.model == "line" and \
                self.reduced_label.boundingRect().width() + 12 > 0.45 * self.plot.vb.width():
            text = text.replace(f" {word} = {_reduced_text(view)} ",  # no room for "÷ B"
                                f" {word} = {_reduced_text(view, denominator=False)} ")
            self.reduced_label.setText(text)
        x_hi = self._room_for_label(x_lo, x_hi)
        note = self._notes(view)
        top = self._label_room(self._headroom(top, note), reduced if on_scale else 0.0,
                               view.reduced)
        y_range = sticky(self._y_range, 0.0, top)
        if (x_lo, x_hi) != self._x_range or y_range != self._y_range:
            self._x_range, self._y_range = (x_lo, x_hi), y_range
            self.plot.setRange(xRange=(x_lo, x_hi), yRange=y_range, padding=0)
        top = y_range[1]
        label_y = reduced if on_scale else top
        # Only touch what changed: every setter schedules another repaint of the panel.
        state = (label_y, on_scale, text, x_hi, self.note.toPlainText(), x_lo, top, view.reduced)
        if state != self._label_state:
            self._label_state = state
            self.reduced_line.setValue(label_y)
            self.reduced_line.setVisible(on_scale and view.reduced and view.note is None)
            self.reduced_label.setVisible(view.reduced)
            self.reduced_label.setPos(x_hi, label_y)
            self.note.setPos(x_lo, top)  # (its text: _headroom)
        bars = float(pos[-1] - pos[0]) + group
        ticks = bar_ticks(pos, group, room_px=self.plot.vb.width() * bars / (x_hi - x_lo))
        if ticks != self._ticks:
            self._ticks = ticks
            self.plot.getAxis("bottom").setTicks([ticks])
        title = translate("LossPanel", "Loss per sample ({loss}) → {reduction}") if view.reduced \
            else translate("LossPanel", "Loss per sample ({loss}), not reduced")
        title = title.format(loss=view.loss_name, reduction=word)
        if title != self._title:
            self._title = title
            th.set_title(self.plot, th.title_html(title, self.theme))

    # ---- for tests ---------------------------------------------------------------------------

    def bar_heights(self) -> np.ndarray:
        """All bar heights in sample order (batch and non-batch items merged)."""
        xs = np.concatenate([np.asarray(self.bars.opts["x"]),
                             np.asarray(self.batch_bars.opts["x"])])
        hs = np.concatenate([np.asarray(self.bars.opts["height"]),
                             np.asarray(self.batch_bars.opts["height"])])
        return hs[np.argsort(xs, kind="stable")]
