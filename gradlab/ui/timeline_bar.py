"""The timeline under the panels: scrub back through the run's recent steps, and continue from
the step on screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

from gradlab.i18n import translate
from gradlab.ui.help import PANEL_HELP
from gradlab.ui.text import count

if TYPE_CHECKING:
    from gradlab.controller import LabController
    from gradlab.views.update import Update


class TimelineBar(QWidget):
    """A slider over the steps the controller can replay, its label and "Continue from here"."""

    def __init__(self, lab: LabController) -> None:
        super().__init__()
        self.lab = lab
        self.shown: Update | None = None
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.setEnabled(False)
        self.slider.setToolTip(translate("MainWindow", "Scrub back through the last 10,000 "
                                         "steps: every panel shows the run as it was at that "
                                         "step"))
        self.slider.valueChanged.connect(lab.show_step)
        self.label = QLabel()
        self.continue_button = QPushButton(translate("MainWindow", "Continue from here"))
        self.continue_button.setToolTip(translate("MainWindow", "Train on from the step shown; "
                                                  "the steps after it are discarded"))
        self.continue_button.setEnabled(False)
        self.continue_button.clicked.connect(self.continue_from_shown)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(translate("MainWindow", "timeline")))
        row.addWidget(self.slider, 1)
        row.addWidget(self.label)
        row.addWidget(self.continue_button)
        tip, text = (translate("Help", t) for t in PANEL_HELP["timeline"])
        for widget in (self.slider, self.continue_button):
            widget.setWhatsThis(text)
        self.slider.setToolTip(tip)

    def show_update(self, update: Update) -> None:
        """Follow the run (or say which past step is on screen)."""
        self.shown = update
        lab = self.lab
        if update.scrubbed:
            self.label.setText(translate("MainWindow", "step {step} of {last}").format(
                step=count(update.step), last=count(lab.run_step)))
            self.continue_button.setEnabled(update.step < lab.run_step)
            return
        low, high, enabled = lab.timeline_range()
        if low >= high:
            # One step, the one on screen: nothing to scrub to. A slider over one value draws
            # its handle at the far left, which reads as "step 0": keep it at the right end.
            low, enabled = max(0, high - 1), False
        self.slider.blockSignals(True)
        self.slider.setRange(low, high)
        self.slider.setValue(high)
        self.slider.blockSignals(False)
        self.slider.setEnabled(enabled)
        self.label.setText(self._step_text(high))
        self.continue_button.setEnabled(False)

    def _step_text(self, step: int) -> str:
        """"step 6", and whether an opened session's earlier steps are out of reach."""
        floor = self.lab.timeline_floor
        first = self.lab.timeline_range()[0]
        if floor is None or floor < 1 or first > floor + 1:
            return translate("MainWindow", "step {step}").format(step=count(step))
        if step <= floor:
            return translate("MainWindow", "step {step} (opened: earlier steps are not "
                             "replayable)").format(step=count(step))
        return translate("MainWindow", "step {step} (opened at step {floor}: earlier steps are "
                         "not replayable)").format(step=count(step), floor=count(floor))

    def continue_from_shown(self) -> None:
        """Make the step on screen the run's latest: the steps after it are discarded."""
        if self.shown is not None and self.shown.scrubbed:
            self.lab.rewind(self.shown.step)
