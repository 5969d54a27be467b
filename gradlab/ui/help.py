"""Help: the "What's This?" texts of the panels, a short guided tour, and About.

Texts are plain literals (one sentence or paragraph each, no pieces glued together), so they can
be handed to the translation system as they are.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from gradlab.i18n import QT_TRANSLATE_NOOP, translate

#: name -> (tooltip, "What's This?" text) of the window's parts (marked for translation;
#: the window translates them when it shows them).
PANEL_HELP = {
    "fit": (
        QT_TRANSLATE_NOOP("Help", "The data, the fitted line and each sample's residual"),
        QT_TRANSLATE_NOOP(
            "Help",
            "<b>The fit.</b> The points are the data; the red line is ŷ = w·x + b after the "
            "step, the dashed grey line the one the losses were measured at. Each vertical "
            "segment is a sample's residual ŷᵢ − yᵢ, coloured by its loss. Rings mark the "
            "minibatch. Drag a point to move it, double-click to add one, right-click to remove "
            "one."),
    ),
    "loss": (
        QT_TRANSLATE_NOOP(
            "Help",
            "Each sample's loss, and the single number backward() starts from"),
        QT_TRANSLATE_NOOP(
            "Help",
            "<b>The losses.</b> One bar per sample: its loss lᵢ at the parameters before the "
            "step (the minibatch in colour). The dashed line is the reduced loss — the mean, the "
            "sum or the weighted sum of the bars — the scalar that loss.backward() "
            "differentiates."),
    ),
    "gradient": (
        QT_TRANSLATE_NOOP("Help", "Each sample's share of ∂L/∂w and ∂L/∂b, and their total"),
        QT_TRANSLATE_NOOP(
            "Help",
            "<b>The gradient.</b> Each bar is one sample's contribution to ∂L/∂w (top) and ∂L/∂b "
            "(bottom); the red bar Σ is their total, the gradient the optimizer uses. With mean "
            "every share is divided by the batch size; with sum it is not."),
    ),
    "history": (
        QT_TRANSLATE_NOOP("Help", "The loss, the gradient and the parameters over the steps"),
        QT_TRANSLATE_NOOP(
            "Help",
            "<b>The history.</b> The loss on a log scale, ∂L/∂w and ∂L/∂b, and w and b after "
            "each step. A loss that falls in a straight line on the log scale is converging "
            "steadily; a gradient that flips sign every step means the learning rate is too "
            "large."),
    ),
    "timeline": (
        QT_TRANSLATE_NOOP("Help", "Scrub back through the last 10,000 steps"),
        QT_TRANSLATE_NOOP(
            "Help",
            "<b>The timeline.</b> Drag to show any of the last 10,000 steps exactly as it was; "
            "every panel follows. Continue from here trains on from the step shown and discards "
            "the steps after it."),
    ),
    "status": (
        QT_TRANSLATE_NOOP("Help", "What the run is doing: its state, step, loss, w, b and speed"),
        QT_TRANSLATE_NOOP(
            "Help",
            "<b>The status bar.</b> The run's state (ready, running, paused, diverged), the step "
            "shown, its loss as “loss 30 → 20.8”: the loss the step was computed at → the same "
            "loss at the w, b after it (before any step: the loss the next one starts from), "
            "w and b after it, and the steps per second while running. A change that restarts "
            "the run or switches the reduction is said on the left for a few seconds."),
    ),
    "banner": (
        QT_TRANSLATE_NOOP("Help", "Why the run stopped, when it did"),
        QT_TRANSLATE_NOOP(
            "Help",
            "<b>The banner.</b> Appears when the run diverged or a command failed, with the "
            "reason and what to do next; it disappears when the run goes on."),
    ),
}

#: The guided tour: (title, text, name of the tab to show or None).
TOUR = (
    (QT_TRANSLATE_NOOP("Help", "Welcome to gradlab"),
     QT_TRANSLATE_NOOP(
         "Help",
         "gradlab trains y = w·x + b with real PyTorch and shows every number of each step. Its "
         "question: the model makes one loss per sample, but loss.backward() needs a single "
         "number — so how does the vector become a scalar, and what does that choice change?"),
     None),
    (QT_TRANSLATE_NOOP("Help", "The controls"),
     QT_TRANSLATE_NOOP(
         "Help",
         "On the left: the data, the starting w and b, the loss, the reduction (mean, sum, "
         "weighted or none), the optimizer, the learning rate and the batch size. Step (Space) "
         "takes one step, Run (Enter) keeps going, Reset (R) starts again. Point at any control "
         "and press Shift+F1 for what it means."),
     "training"),
    (QT_TRANSLATE_NOOP("Help", "The four training panels"),
     QT_TRANSLATE_NOOP(
         "Help",
         "Top left, the data and the fitted line; top right, each sample's loss and the reduced "
         "loss; bottom left, each sample's share of the gradient and their total; bottom right, "
         "the history of the loss, the gradient and the parameters."),
     "training"),
    (QT_TRANSLATE_NOOP("Help", "Why .mean()?"),
     QT_TRANSLATE_NOOP(
         "Help",
         "The Reduction tab puts none, mean, sum and weighted side by side for the current "
         "batch. Press backward() under none to see PyTorch's own error: a vector has no single "
         "derivative to start from."),
     "reduction"),
    (QT_TRANSLATE_NOOP("Help", "By hand and by autograd"),
     QT_TRANSLATE_NOOP(
         "Help",
         "The Chain rule tab derives this step's gradient by hand next to autograd's; the "
         "Autograd graph tab shows the graph backward() walks; the Landscape tab shows the loss "
         "over (w, b) and the path the optimizer takes."),
     "chain_rule"),
    (QT_TRANSLATE_NOOP("Help", "In the lecture hall"),
     QT_TRANSLATE_NOOP(
         "Help",
         "F11 switches to presentation mode: full screen, larger text and thicker lines. Ctrl+= "
         "and Ctrl+- change the text size, Ctrl+0 restores it, and View → Theme has a "
         "high-contrast theme for a washed-out projector. File → Save session keeps the run to "
         "open again exactly where it was."),
     None),
)


def versions() -> list[tuple[str, str]]:
    """(component, version) for About. torch's comes from its package metadata (or from the
    module if this process has already loaded it): never import torch here, it takes seconds
    and belongs to the worker."""
    import importlib.metadata  # here, not at start-up: it costs ~10 ms to import

    import numpy
    import pyqtgraph
    import PySide6

    from gradlab import __version__

    torch = sys.modules.get("torch")
    torch_version = getattr(torch, "__version__", None)
    if torch_version is None:
        try:
            torch_version = importlib.metadata.version("torch")
        except importlib.metadata.PackageNotFoundError:
            torch_version = translate("Help", "not found")
    return [("gradlab", __version__), ("Qt", qVersion()), ("PySide6", PySide6.__version__),
            ("pyqtgraph", pyqtgraph.__version__), ("PyTorch", str(torch_version)),
            ("NumPy", numpy.__version__), ("Python", sys.version.split()[0])]


def about_html() -> str:
    rows = "".join(f"<tr><td>{name}</td><td>&nbsp;&nbsp;<b>{version}</b></td></tr>"
                   for name, version in versions())
    intro = translate("Help", "A desktop teaching lab for gradient descent: why loss.backward() "
                      "needs a scalar, and what mean, sum and a weighted sum do to every step.")
    licence = translate("Help", "MIT licence.")
    return f"<h3>gradlab</h3><p>{intro}</p><table>{rows}</table><p>{licence}</p>"


def about_box(parent: QWidget) -> QMessageBox:
    """The About box (not yet shown): the version of gradlab and of what it runs on."""
    box = QMessageBox(QMessageBox.Icon.NoIcon, translate("MainWindow", "About gradlab"),
                      about_html(), QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.RichText)
    icon = parent.windowIcon()
    if not icon.isNull():
        box.setIconPixmap(icon.pixmap(64, 64))
    return box


class TourDialog(QDialog):
    """A few pages about the window, with Back / Next; ``show_tab`` is told which tab each page
    is about (the window switches to it)."""

    def __init__(self, parent: QWidget | None = None,
                 show_tab: Callable[[str], None] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("Help", "Guided tour"))
        self._show_tab = show_tab
        self.pages = QStackedWidget()
        for title, text, _tab in TOUR:
            title, text = translate("Help", title), translate("Help", text)
            page = QLabel(f"<h2>{title}</h2><p>{text}</p>")
            page.setWordWrap(True)
            page.setTextFormat(Qt.TextFormat.RichText)
            page.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            page.setMinimumWidth(420)
            self.pages.addWidget(page)
        self.counter = QLabel()
        self.back_button = QPushButton(translate("Help", "Back"))
        self.back_button.setToolTip(translate("Help", "The previous page of the tour"))
        self.next_button = QPushButton(translate("Help", "Next"))
        self.next_button.setToolTip(translate("Help", "The next page of the tour"))
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.close)
        row = QHBoxLayout()
        row.addWidget(self.counter)
        row.addStretch(1)
        row.addWidget(self.back_button)
        row.addWidget(self.next_button)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addLayout(row)
        self.resize(560, 300)
        self.go(0)

    @property
    def page(self) -> int:
        return self.pages.currentIndex()

    def go(self, index: int) -> None:
        index = max(0, min(len(TOUR) - 1, index))
        self.pages.setCurrentIndex(index)
        self.counter.setText(translate("Help", "{page} of {pages}").format(
            page=index + 1, pages=len(TOUR)))
        self.back_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < len(TOUR) - 1)
        tab = TOUR[index][2]
        if tab is not None and self._show_tab is not None:
            self._show_tab(tab)

    def next(self) -> None:
        self.go(self.page + 1)

    def back(self) -> None:
        self.go(self.page - 1)
