"""The Training tab: the four live panels (fit, per-sample losses, gradient shares, history) in a
2×2 grid, kept in one list the window iterates over."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QGridLayout, QWidget

from gradlab.ui import theme as th
from gradlab.ui.fit_panel import FitPanel
from gradlab.ui.gradient_panel import GradientPanel
from gradlab.ui.history_panel import HistoryPanel
from gradlab.ui.loss_panel import LossPanel

if TYPE_CHECKING:
    from gradlab.views.update import Update

#: name -> panel class, in grid order (row by row)
PANELS = {"fit": FitPanel, "loss": LossPanel, "gradient": GradientPanel, "history": HistoryPanel}


class TrainingPanels(QWidget):
    """The grid; ``panels`` maps each name of ``PANELS`` to its widget."""

    def __init__(self, theme: th.Theme) -> None:
        super().__init__()
        grid = self.grid = QGridLayout(self)
        grid.setSpacing(4)
        grid.setContentsMargins(0, 0, 0, 0)
        self.panels: dict[str, QWidget] = {}
        for i, (name, cls) in enumerate(PANELS.items()):
            panel = self.panels[name] = cls(theme)
            panel.setMinimumSize(240, 180)
            grid.addWidget(panel, i // 2, i % 2)
        for i in range(2):
            grid.setRowStretch(i, 1)
            grid.setColumnStretch(i, 1)
        self.fit_panel: FitPanel = self.panels["fit"]
        self.loss_panel: LossPanel = self.panels["loss"]
        self.gradient_panel: GradientPanel = self.panels["gradient"]
        self.history_panel: HistoryPanel = self.panels["history"]

    def enlarge(self, name: str | None) -> None:
        """Show one panel alone, filling the plot area (None: all four), e.g. to project it."""
        # An empty row or column keeps its stretch (and so its share of the room): only the
        # chosen panel's row and column stretch.
        row, column = divmod(list(self.panels).index(name), 2) if name in self.panels \
            else (None, None)
        for i in range(2):
            self.grid.setRowStretch(i, 1 if row in (None, i) else 0)
            self.grid.setColumnStretch(i, 1 if column in (None, i) else 0)
        for key, panel in self.panels.items():
            panel.setVisible(name is None or key == name)

    def show_update(self, update: Update) -> None:
        """The fit, the losses and the gradient for ``update`` (the history draws on its own)."""
        for stage in self.update_stages(update):
            stage()

    def update_stages(self, update: Update) -> list[Callable[[], None]]:
        """``show_update`` a panel at a time (the window lets Qt paint each before the next)."""
        view = update.view

        def fit() -> None:
            self.fit_panel.trail_lines.set_smooth(not update.running)
            self.fit_panel.show_view(view, update.step, update.record.applied)

        return [fit, lambda: self.loss_panel.show_view(view),
                lambda: self.gradient_panel.show_view(view)]
