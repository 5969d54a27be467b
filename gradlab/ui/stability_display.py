"""The learning-rate limit on screen: the red zone of the lr slider, the limit written under it,
and, when lr is at or above it, the prediction in the status bar ("lr 0.05 > 2/λ_max = 0.0299
under sum: this run will diverge").

The worker computes the limit (worker_stability.py) when its inputs change and the controller
hands the note here; this module only writes text and shades the slider.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QMainWindow

from gradlab.i18n import tr_message, translate
from gradlab.ui.text import fmt

if TYPE_CHECKING:
    from gradlab.views.stability import StabilityNote

#: Significant digits of the limit under the slider.
DIGITS = 4


def _formula(momentum: float) -> str:
    return "2/λ_max" if momentum == 0 else "2(1+μ)/λ_max"


def limit_text(note: StabilityNote) -> str:
    """The line under the lr slider: the limit, or why there is none."""
    s = note.stability
    kind = s.kind
    if kind == "mae":
        return translate("Stability", "no fixed limit: MAE is not quadratic (each step is lr·x "
                                      "whatever the error)")
    if kind == "adam":
        return translate("Stability", "no fixed limit: Adam scales each step itself")
    if kind == "none":
        return translate("Stability", "no limit: reduction 'none' gives no scalar loss")
    if s.lr_limit is None:
        return translate("Stability", "no limit (see the tooltip)")
    limit = fmt(s.lr_limit, DIGITS)
    if s.per_batch and s.lr_limit_range is not None:
        text = translate("Stability", "stable for lr < {limit} … {top} = {formula} per batch "
                                      "(the epoch's {n} batches)").format(
            limit=limit, top=fmt(s.lr_limit_range[1], DIGITS), formula=_formula(s.momentum),
            n=f"{s.batches:,}")
    else:
        text = translate("Stability", "stable for lr < {formula} = {limit}").format(
            formula=_formula(s.momentum), limit=limit)
    if kind == "huber":
        text = translate("Stability", "{text} (Huber's quadratic region)").format(text=text)
    return text


class StabilityDisplay:
    """Wires the controller's stability notes to the lr slider, its label and the status bar;
    and the "×2 the data" button to the controller."""

    RED = "#c62828"

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        controls = window.controls
        self.slider = controls.lr
        self.label = controls.lr_limit
        self.status = QLabel()
        self.status.setContentsMargins(8, 0, 8, 0)
        self.status.hide()
        # after the state (the one normal widget, see status_bar.py), before the step
        window.statusBar().insertPermanentWidget(1, self.status)
        self.note: StabilityNote | None = None
        window.lab.stability_ready.connect(self.show_note)
        controls.double_button.clicked.connect(window.lab.double_data)

    def show_note(self, note: StabilityNote | None) -> None:
        self.note = note
        if note is None:  # the logistic model: the limit is computed for the line only
            self.slider.set_limit(None)
            self.label.setText(translate("Controls", "Learning-rate limit: shown for the line "
                                         "model only"))
            self.label.setToolTip(self.label.text())
            self.label.setStyleSheet("")
            self.label.show()
            self.status.hide()
            self.status.setText("")
            return
        s = note.stability
        self.slider.set_limit(s.lr_limit)
        self.label.setText(limit_text(note))
        self.label.setToolTip(tr_message(s.explanation))
        self.label.setWhatsThis(self.label.toolTip())
        self.label.show()
        predicted = note.prediction is not None
        self.label.setStyleSheet(f"color: {self.RED}; font-weight: bold;" if predicted else "")
        if predicted:
            self.status.setText(f"<b style='color:{self.RED}'>⚠ "
                                f"{tr_message(note.prediction)}</b>")
            self.status.setToolTip(self.label.toolTip())
            self.status.show()
        else:
            self.status.hide()
            self.status.setText("")

    def prediction_text(self) -> str:
        """The prediction the status bar shows ('' when none)."""
        return tr_message(self.note.prediction) if self.note and self.note.prediction else ""
