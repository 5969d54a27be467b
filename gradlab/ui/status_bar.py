"""The status bar's permanent fields: the run's state, and the step, loss, w, b and speed of the
update on screen."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QLabel, QStatusBar

from gradlab.core.config import DATA_FIELDS, needs_reset
from gradlab.i18n import QT_TRANSLATE_NOOP, tr_message, translate
from gradlab.ui.text import count, fmt

if TYPE_CHECKING:
    from gradlab.core.config import LabConfig
    from gradlab.views.update import Update

#: The run's states as the status bar shows them (RunState values are the English keys).
STATES = {
    "loading PyTorch…": QT_TRANSLATE_NOOP("MainWindow", "loading PyTorch…"),
    "ready": QT_TRANSLATE_NOOP("MainWindow", "ready"),
    "running": QT_TRANSLATE_NOOP("MainWindow", "running"),
    "paused": QT_TRANSLATE_NOOP("MainWindow", "paused"),
    "diverged": QT_TRANSLATE_NOOP("MainWindow", "diverged"),
    "error": QT_TRANSLATE_NOOP("MainWindow", "error"),
    "PyTorch failed to load": QT_TRANSLATE_NOOP("MainWindow", "PyTorch failed to load"),
}
#: How long a note on a config change stays in the status bar.
NOTE_MS = 8000
#: Each field's least width, in digits.
WIDTHS = {"step": 10, "loss": 20, "w": 9, "b": 9, "rate": 12}
FIELDS = ("state", "step", "loss", "w", "b", "rate")


def loss_text(u: Update) -> str:
    """One meaning, said on screen: "loss 30 → 20.8" is the loss step ``u.step`` was computed at
    → the same loss at the w, b after it (kept while previews of the next step follow, e.g.
    after a control change); before a step is known, the loss the next step will start from."""
    if not u.view.reduced:  # reduction none: no scalar loss
        return translate("MainWindow", "loss <b>—</b> (not reduced)")
    if u.view.note is not None:  # a mean over nothing: NaN, said plainly (not a divergence)
        return translate("MainWindow", "loss <b>NaN</b> ÷ 0: every sample is ignored")
    if u.view.model == "logistic" and u.view.denominator is not None \
            and u.record.reduction == "mean":
        return _reduced_loss_text(u, f" ÷ {fmt(u.view.denominator)}")
    return _reduced_loss_text(u)


def _reduced_loss_text(u: Update, divided: str = "") -> str:
    """``divided``: " ÷ 4", mean's denominator, said after the loss the step divided."""
    if u.step_loss is not None:
        at, after = u.step_loss
        return translate("MainWindow", "loss <b>{at}</b> → <b>{after}</b>").format(
            at=fmt(at) + divided, after=fmt(after))
    return translate("MainWindow", "loss <b>{loss}</b> before step {step}").format(
        loss=fmt(u.record.loss) + divided, step=count(u.record.step))


def model_problem(old: LabConfig, new: LabConfig, shown: Update | None) -> str | None:
    """Why ``new`` cannot train the data on screen (the logistic model on labels other than
    0/1), translated, or None. New data is checked where it is made."""
    if new.model != "logistic" or shown is None or any(
            getattr(old, f) != getattr(new, f) for f in DATA_FIELDS):
        return None
    problem = shown.view.layout.label_problem
    if problem is None:
        return None
    return translate("Controls", "model") + ": " + tr_message(problem)


class _ShownGuard(QObject):
    """Calls ``check`` (on the next turn of the event loop) whenever the watched widget is shown:
    Qt's own relayout of the status bar can show it under a note."""

    def __init__(self, check: Callable[[], None], parent: QObject) -> None:
        super().__init__(parent)
        self._check = check

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Show:
            QTimer.singleShot(0, self, self._check)  # never after the guard is gone
        return False


class StatusFields:
    """Labels added to ``bar``; ``labels`` by field name."""

    def __init__(self, bar: QStatusBar) -> None:
        self.bar = bar
        self.labels: dict[str, QLabel] = {}
        self._note: str | None = None  # the teaching note last said (said once, not per frame)
        for key in FIELDS:
            label = QLabel()
            label.setContentsMargins(8, 0, 8, 0)
            self.labels[key] = label
            if key == "state":  # a note (showMessage) takes its place for a few seconds
                bar.addWidget(label, 1)
            else:  # as wide as they need (at least a typical value, so they seldom move):
                # the note has the rest
                label.setMinimumWidth(label.fontMetrics().horizontalAdvance("0" * WIDTHS[key]))
                bar.addPermanentWidget(label, 0)
        bar.messageChanged.connect(self._keep_state_under_note)
        self._guard = _ShownGuard(self._keep_state_under_note, bar)
        self.labels["state"].installEventFilter(self._guard)

    def _keep_state_under_note(self, *_: object) -> None:
        """The state's place belongs to a note while one is shown. QStatusBar hides its normal
        widgets for a message, but a relayout (a new text size) shows them again over it."""
        state = self.labels["state"]
        wanted = not self.bar.currentMessage()
        if state.isVisibleTo(self.bar) != wanted:
            state.setVisible(wanted)

    def show_state(self, state: str) -> None:
        state = str(getattr(state, "value", state))
        text = translate("MainWindow", STATES[state]) if state in STATES else state
        self.labels["state"].setText(f"<b>{text}</b>")
        self._keep_state_under_note()

    def show_update(self, u: Update | None) -> None:
        s = self.labels
        if u is None:
            for key in FIELDS[1:]:
                s[key].setText("")
            return
        r = u.record
        self._keep_state_under_note()
        s["step"].setText(translate("MainWindow", "step <b>{step}</b>").format(
            step=count(u.step)))
        s["loss"].setText(loss_text(u))
        if u.view.denominator_text is not None:
            s["loss"].setToolTip("÷ " + tr_message(u.view.denominator_text))
        if u.view.note is not None and u.view.note != self._note:
            self.bar.showMessage(tr_message(u.view.note), NOTE_MS)  # teaching, not divergence
        self._note = u.view.note
        s["w"].setText(f"w <b>{fmt(r.w_after)}</b>")
        s["b"].setText(f"b <b>{fmt(r.b_after)}</b>")
        rate = u.steps_per_second if u.running else 0.0
        shown = rate and math.isfinite(rate)
        s["rate"].setText(translate("MainWindow", "<b>{rate}</b> steps/s").format(
            rate=count(int(round(rate)))) if shown else translate("MainWindow", "— steps/s"))

    def note_config(self, old: LabConfig, new: LabConfig, running: bool) -> None:
        """Say what a config change does beyond the value itself: typed weights switch the
        reduction to the weighted sum; new data or a new start pauses and restarts at step 0."""
        notes = []
        if new.reduction == "weighted" != old.reduction and new.weights != old.weights:
            notes.append(translate("MainWindow", "Typed weights: reduction set to weighted sum"))
        if needs_reset(old, new):
            data = any(getattr(old, f) != getattr(new, f) for f in DATA_FIELDS)
            why = translate("MainWindow", "New data") if data else \
                translate("MainWindow", "New starting point")
            notes.append(translate("MainWindow", "{why}: paused and restarted at step 0").format(
                why=why) if running else
                translate("MainWindow", "{why}: restarted at step 0").format(why=why))
        if notes:
            self.bar.showMessage(" · ".join(notes), NOTE_MS)
