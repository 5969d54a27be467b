"""Colours, pens and fonts: one place, three themes (light, dark, and a high-contrast projector).

Projector rules: light background, large fonts, thick lines on *short* items only (a pen wider
than 1 px is ~10x slower on a long curve), a few flat colours that survive a washed-out beamer.

Sizes scale live (Ctrl+= / Ctrl+-, presentation mode): ``set_scale`` rewrites the module's size
constants, so code that reads ``th.AXIS_PX`` (not a copy of it) at styling time follows; the
window then restyles every panel.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QScrollArea,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from gradlab.i18n import QT_TRANSLATE_NOOP


@dataclass(frozen=True)
class Theme:
    name: str
    background: str
    foreground: str
    grid_alpha: float
    points: str  # data points
    batch: str  # the current minibatch
    line: str  # the fitted line
    line_before: str  # the line the losses were measured at
    bars: str  # samples outside the batch
    bars_batch: str
    reduced: str  # the reduced loss / the summed gradient
    grad_w: str
    grad_b: str
    param_w: str
    param_b: str
    loss_curve: str
    residual_ramp: tuple[str, str, str, str]  # low -> high loss
    banner_error: str
    banner_text: str
    panel: str  # window / controls background

    def color(self, name: str, alpha: int = 255) -> QColor:
        c = QColor(getattr(self, name))
        c.setAlpha(alpha)
        return c

    def faded(self, name: str, alpha: int) -> QColor:
        """The opaque colour that ``color(name, alpha)`` shows over the background. Qt draws a
        2 px antialiased line about ten times faster opaque than translucent."""
        top, under, a = QColor(getattr(self, name)), QColor(self.background), alpha / 255
        return QColor(*(round(a * t + (1 - a) * u) for t, u in
                        zip(top.getRgb()[:3], under.getRgb()[:3], strict=True)))


LIGHT = Theme(
    name="light", background="#ffffff", foreground="#1a1a1a", grid_alpha=0.25,
    points="#1f3b73", batch="#ff7f0e", line="#d62728", line_before="#7f7f7f",
    bars="#b8c4d6", bars_batch="#1f77b4", reduced="#d62728",
    grad_w="#1f77b4", grad_b="#2ca02c", param_w="#1f77b4", param_b="#2ca02c",
    loss_curve="#d62728",
    residual_ramp=("#9ecae1", "#fdae6b", "#f16913", "#a50f15"),
    banner_error="#fde2e1", banner_text="#8b0000", panel="#f4f4f4",
)

DARK = Theme(
    name="dark", background="#121212", foreground="#e8e8e8", grid_alpha=0.3,
    points="#8ab4f8", batch="#ffb74d", line="#ff6b6b", line_before="#9e9e9e",
    bars="#4a5568", bars_batch="#63b3ed", reduced="#ff6b6b",
    grad_w="#63b3ed", grad_b="#68d391", param_w="#63b3ed", param_b="#68d391",
    loss_curve="#ff6b6b",
    residual_ramp=("#4a90b8", "#d6a040", "#e0702a", "#ff4040"),
    banner_error="#5a1a1a", banner_text="#ffd6d6", panel="#1e1e1e",
)

#: High contrast for a washed-out projector: pure black on white, saturated dark colours, no
#: pastel that a beamer turns into white.
PROJECTOR = Theme(
    name="projector", background="#ffffff", foreground="#000000", grid_alpha=0.45,
    points="#000000", batch="#e65c00", line="#c00000", line_before="#404040",
    bars="#8c8c8c", bars_batch="#0047b3", reduced="#c00000",
    grad_w="#0047b3", grad_b="#007a00", param_w="#0047b3", param_b="#007a00",
    loss_curve="#c00000",
    residual_ramp=("#0072c6", "#d98c00", "#e04000", "#a00000"),
    banner_error="#ffd9d9", banner_text="#700000", panel="#ffffff",
)

THEMES = {"light": LIGHT, "dark": DARK, "projector": PROJECTOR}
#: What the theme menus call each theme.
#: Theme names as shown (translate("Theme", label) when showing them).
THEME_LABELS = {"light": QT_TRANSLATE_NOOP("Theme", "Light"),
                "dark": QT_TRANSLATE_NOOP("Theme", "Dark"),
                "projector": QT_TRANSLATE_NOOP("Theme", "Projector (high contrast)")}

#: Sizes at scale 1: readable from the back of a lecture hall at 1600x1000.
BASE_SIZES = {"BASE_PT": 12, "TITLE_PX": 19, "AXIS_PX": 15, "LABEL_PX": 22, "THICK": 4}
#: The current sizes (``set_scale`` rewrites them): fonts in points / pixels, and the pen width
#: of short items (the fitted line, residuals, reduced lines).
BASE_PT = 12
TITLE_PX = 19
AXIS_PX = 15
LABEL_PX = 22  # the big numbers printed in the panels
THICK = 4
#: The current font (and marker) scale and line scale.
FONT_SCALE = 1.0
LINE_SCALE = 1.0


def set_scale(font_scale: float, line_scale: float = 1.0) -> None:
    """Scale every font and marker by ``font_scale`` and thick pens by ``line_scale``."""
    global BASE_PT, TITLE_PX, AXIS_PX, LABEL_PX, THICK, FONT_SCALE, LINE_SCALE
    FONT_SCALE, LINE_SCALE = float(font_scale), float(line_scale)
    BASE_PT = max(6, round(BASE_SIZES["BASE_PT"] * FONT_SCALE))
    TITLE_PX = px(BASE_SIZES["TITLE_PX"])
    AXIS_PX = px(BASE_SIZES["AXIS_PX"])
    LABEL_PX = px(BASE_SIZES["LABEL_PX"])
    THICK = max(1, round(BASE_SIZES["THICK"] * LINE_SCALE))


def px(size: float) -> int:
    """A font or marker size given at scale 1, at the current scale."""
    return max(6, round(size * FONT_SCALE))


def title_html(text: str, theme: Theme, size: int | None = None) -> str:
    style = f"color:{theme.foreground};font-size:{TITLE_PX if size is None else size}px;" \
            "font-weight:600"
    return f"<span style='{style}'>{text}</span>"


def axis_font() -> QFont:
    f = QFont()
    f.setPixelSize(AXIS_PX)
    return f


def label_font(size: int | None = None, bold: bool = True) -> QFont:
    """A font for text drawn in a plot; ``size`` in pixels at scale 1 (default: LABEL_PX)."""
    f = QFont()
    f.setPixelSize(LABEL_PX if size is None else px(size))
    f.setBold(bold)
    return f


def style_plot(plot, theme: Theme, x_label: str = "", y_label: str = "") -> None:  # noqa: ANN001
    """Axis fonts, pens, grid and labels of a pyqtgraph PlotItem."""
    for name in ("left", "bottom"):
        ax = plot.getAxis(name)
        ax.setStyle(tickFont=axis_font(), tickTextOffset=6)
        if name == "bottom":
            # pyqtgraph makes a bottom axis tall enough for 0.8 of its text's line, and the
            # cache below clips the rest: the tail of the comma in "500,000" was cut off. The
            # whole line, 2 px below the axis (the line's own leading is above the digits):
            # 1 px taller than before, where a short panel has no more to give.
            ax.setStyle(autoExpandTextSpace=False, tickTextOffset=2,
                        tickTextHeight=math.ceil(QFontMetricsF(axis_font()).height()))
        ax.setPen(theme.foreground)
        ax.setTextPen(theme.foreground)
        # "w (x0.001)" confuses more than it helps. Empty ranges first: in pyqtgraph 0.14
        # disabling alone freezes whatever scale the current range implies.
        ax.setSIPrefixEnableRanges(())
        ax.enableAutoSIPrefix(False)
        # Replaying an axis' text is ~2 ms per paint in software rendering, with the GIL held
        # (it starves the training thread); cache it as a pixmap until the ticks change.
        ax.setCacheMode(ax.CacheMode.DeviceCoordinateCache)
    uncrowd(plot.getAxis("left"))
    uncrowd(plot.getAxis("bottom"))
    style = {"color": theme.foreground, "font-size": f"{AXIS_PX}px"}
    plot.showGrid(x=True, y=True, alpha=theme.grid_alpha)
    from gradlab.ui.plot_fit import fit_axis_labels, set_axis_label

    fit_axis_labels(plot)
    if x_label:
        set_axis_label(plot, "bottom", [x_label], **style)
    if y_label:
        set_axis_label(plot, "left", [y_label], **style)


def uncrowd(axis) -> None:  # noqa: ANN001 - a pyqtgraph AxisItem
    """An axis labels no more ticks than fit one above the other (a vertical axis) or side by
    side (a horizontal one, by the width of its longest label) at its font size.

    pyqtgraph always labels every major tick and asks for at least two intervals, so on a short
    plot with large text (presentation mode) the labels would overlap; here the major spacing
    grows to the next 1-2-5 step that leaves room. Axes with their own tick rule keep it.
    """
    import pyqtgraph as pg

    if getattr(axis, "_uncrowded", False) or type(axis).tickValues is not pg.AxisItem.tickValues:
        return
    default = axis.tickSpacing

    def tick_spacing(lo: float, hi: float, size: float) -> list:
        levels = default(lo, hi, size)
        font = axis.style.get("tickFont")
        text_px = font.pixelSize() if font is not None and font.pixelSize() > 0 else AXIS_PX
        span = abs(hi - lo)
        if not levels or span <= 0 or size <= 0:
            return levels
        room = 1.15 * text_px
        if axis.orientation in ("bottom", "top"):  # the widest label, with a space each side
            room = _widest_label(axis, lo, hi, levels[0][0]) + 1.2 * text_px
        raw = room * span / size  # the least spacing at which labels do not touch
        if levels[0][0] >= raw:
            return levels
        mag = 10.0 ** math.floor(math.log10(raw))
        major = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
        return [(major, 0)] + [level for level in levels[1:] if level[0] < major]

    axis.tickSpacing = tick_spacing
    axis._uncrowded = True


def _widest_label(axis, lo: float, hi: float, spacing: float) -> float:  # noqa: ANN001
    """Pixel width of the widest tick label an axis would print between ``lo`` and ``hi``."""
    from PySide6.QtGui import QFontMetricsF

    font = axis.style.get("tickFont") or axis_font()
    metrics = QFontMetricsF(font)
    # The longest strings are at the ends (most digits) and next to them (most decimals).
    values = [lo, hi, lo + spacing, hi - spacing]
    strings = axis.tickStrings(values, axis.autoSIPrefixScale * axis.scale, spacing)
    return max((metrics.horizontalAdvance(str(t)) for t in strings), default=0.0)


def set_title(plot, html: str) -> None:  # noqa: ANN001 - a pyqtgraph PlotItem
    """A plot title that never widens the layout (a long title would push the plot off-screen
    in a small window): it wraps onto more lines, its row as tall as they are."""
    from gradlab.ui.plot_fit import set_title as wrap_title

    wrap_title(plot, html)


def disable_menus(plot) -> None:  # noqa: ANN001 - a pyqtgraph PlotItem
    """No right-click menus on the plots (a lecture tool, not an analysis tool).

    pyqtgraph drops its unparented ViewBox menu without deleting it; delete it, or it lingers
    as a hidden top-level widget after the window is gone.
    """
    menu = plot.vb.menu
    plot.setMenuEnabled(False)
    if menu is not None:
        menu.deleteLater()
    # pyqtgraph still builds each plot's options menu: about 80 hidden widgets, which PlotItem's
    # own methods keep in step, so they stay. Every new widget posts itself a polish request, and
    # Qt serves those before the window's first paint (~10 ms for seven plots). These widgets
    # are never shown here, and a widget that is shown is polished then anyway.
    for widget in option_widgets(plot):
        QCoreApplication.removePostedEvents(widget, QEvent.Type.PolishRequest)


def option_widgets(plot) -> list[QWidget]:  # noqa: ANN001 - a pyqtgraph PlotItem
    """The widgets of a plot's options menu (its submenus and the option groups in them)."""
    if plot.ctrlMenu is None:
        return []
    widgets = [plot.ctrlMenu, *plot.ctrlMenu.findChildren(QWidget)]
    for action in plot.findChildren(QWidgetAction):
        group = action.defaultWidget()
        if group is not None:
            widgets += [group, *group.findChildren(QWidget)]
    return widgets


def apply_app_theme(app: QApplication, theme: Theme) -> None:
    """Widget palette and base font for the controls and the status bar.

    Either change reaches every widget (a FontChange / PaletteChange event each, and a re-polish):
    a value equal to the current one is not set again.
    """
    font = app.font()
    if font.pointSize() != BASE_PT:
        font.setPointSize(BASE_PT)
        app.setFont(font)
    pal = QPalette()
    if theme.name == "projector":
        pal = app.style().standardPalette()
        for role, color in ((QPalette.ColorRole.Window, theme.panel),
                            (QPalette.ColorRole.WindowText, theme.foreground),
                            (QPalette.ColorRole.Base, "#ffffff"),
                            (QPalette.ColorRole.Text, theme.foreground),
                            (QPalette.ColorRole.Button, "#f0f0f0"),
                            (QPalette.ColorRole.ButtonText, theme.foreground),
                            (QPalette.ColorRole.ToolTipBase, "#ffffe0"),
                            (QPalette.ColorRole.ToolTipText, theme.foreground),
                            (QPalette.ColorRole.Highlight, theme.bars_batch),
                            (QPalette.ColorRole.HighlightedText, "#ffffff")):
            pal.setColor(role, QColor(color))
        for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                     QPalette.ColorRole.ButtonText):  # disabled still looks disabled
            pal.setColor(QPalette.ColorGroup.Disabled, role, QColor("#8a8a8a"))
    elif theme.name == "dark":
        pal.setColor(QPalette.ColorRole.Window, QColor(theme.panel))
        pal.setColor(QPalette.ColorRole.WindowText, QColor(theme.foreground))
        pal.setColor(QPalette.ColorRole.Base, QColor("#2a2a2a"))
        pal.setColor(QPalette.ColorRole.AlternateBase, QColor("#333333"))
        pal.setColor(QPalette.ColorRole.Text, QColor(theme.foreground))
        pal.setColor(QPalette.ColorRole.Button, QColor("#333333"))
        pal.setColor(QPalette.ColorRole.ButtonText, QColor(theme.foreground))
        pal.setColor(QPalette.ColorRole.ToolTipBase, QColor("#333333"))
        pal.setColor(QPalette.ColorRole.ToolTipText, QColor(theme.foreground))
        pal.setColor(QPalette.ColorRole.Highlight, QColor(theme.bars_batch))
        pal.setColor(QPalette.ColorRole.HighlightedText, QColor("#000000"))
        # setColor(role, …) set every group: without these a disabled field looks enabled.
        disabled = QPalette.ColorGroup.Disabled
        for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                     QPalette.ColorRole.ButtonText):
            pal.setColor(disabled, role, QColor("#7a7a7a"))
        pal.setColor(disabled, QPalette.ColorRole.Base, QColor("#222222"))
        pal.setColor(disabled, QPalette.ColorRole.Button, QColor("#2a2a2a"))
    else:
        pal = app.style().standardPalette()
    if app.palette() != pal:
        app.setPalette(pal)


def scroll_page(owner: QWidget, content: QWidget) -> QScrollArea:
    """Put ``content`` in ``owner`` inside a scroll area: a text-heavy panel scrolls rather
    than clips in a small window. It reflows to the width first; only a table or a row of cards
    that cannot get narrower (a large text size on a small projector) scrolls sideways too."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    scroll.setWidget(content)
    outer = QVBoxLayout(owner)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(scroll)
    return scroll
