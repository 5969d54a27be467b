"""Shared pieces of the text-heavy teaching panels (reduction, chain rule): labels styled by a
role in the panel's stylesheet, and text that grows with the panel on a projector."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from gradlab.ui import theme as th
from gradlab.ui.text import unbroken


def text_scale(width: int, height: int, base: tuple[int, int] = (900, 600)) -> float:
    """How much to enlarge the text for a panel of this size: 1 at ``base``, up to 1.5, times
    the user's text size (``theme.FONT_SCALE``, Ctrl+= / Ctrl+-) but never beyond the larger
    of 1.5 and that size; in steps of 0.1 so that a few pixels of resizing never restyle the
    panel."""
    ratio = min(width / base[0], height / base[1])
    user = th.FONT_SCALE
    return round(min(max(1.5, user), min(1.5, max(1.0, ratio)) * user), 1)


def role_label(role: str, text: str = "", wrap: bool = False) -> QLabel:
    """A selectable label styled by its role (font size and colour come from the stylesheet)."""
    label = QLabel(text)
    label.setProperty("role", role)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def set_text(label: QLabel, text: str) -> None:
    """Set a label's text, with symbols that never break across lines (``unbroken``): every
    panel text passes here, in any language."""
    text = unbroken(text)
    if label.text() != text:  # each setText schedules a relayout
        label.setText(text)


def num(value: float | None) -> float:
    return float("nan") if value is None else float(value)


class GrowingTextPanel(QWidget):
    """Bigger panel, bigger text (a projector): on resize, ``_rescaled`` (by default
    ``_restyle``) runs with the new ``_scale`` whenever the step of ``text_scale`` changes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._scale = 1.0

    def _page(self) -> QVBoxLayout:
        """The panel's page (object name "content" for the stylesheet), in a vertical scroll
        area; returns the layout to fill."""
        content = QWidget()
        content.setObjectName("content")
        inner = QVBoxLayout(content)
        inner.setContentsMargins(10, 6, 10, 6)
        inner.setSpacing(6)
        self.scroll = th.scroll_page(self, content)
        return inner

    def _restyle(self) -> None:
        raise NotImplementedError

    def _rescaled(self) -> None:
        self._restyle()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.rescale_text()

    def rescale_text(self) -> None:
        """Restyle if the panel's size or the user's text size asks for another scale."""
        scale = text_scale(self.width(), self.height())
        if scale != self._scale:
            self._scale = scale
            self._rescaled()
