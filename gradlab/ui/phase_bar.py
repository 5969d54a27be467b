"""Step in phases: a button, a phase indicator and the phase's numbers, above the tabs.

Each press (the button, the P key, or the toolbar's "Phases" in presentation mode) asks the
worker for the next phase of the next step (forward → per-sample losses → reduce → backward →
update); Step (Space) at any phase finishes that step. While a phase is shown, the Training
panels it touched stay bright and the others are dimmed; *forward* marks ŷᵢ on the fit. The
numbers are the worker's (core.phases.step_phases, the step's own calls); nothing here computes,
and nothing is drawn unless a phase arrives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QPushButton, QVBoxLayout, QWidget

from gradlab.i18n import QT_TRANSLATE_NOOP, translate
from gradlab.ui import theme as th
from gradlab.ui.text import fmt
from gradlab.views.phases import PHASE_PANELS, PHASES

if TYPE_CHECKING:
    from gradlab.views.phases import PhaseView
    from gradlab.views.update import Update

#: the indicator's words for the phases, in order
PHASE_TITLES = {
    "forward": QT_TRANSLATE_NOOP("PhaseBar", "1 forward"),
    "losses": QT_TRANSLATE_NOOP("PhaseBar", "2 per-sample losses"),
    "reduce": QT_TRANSLATE_NOOP("PhaseBar", "3 reduce"),
    "backward": QT_TRANSLATE_NOOP("PhaseBar", "4 backward"),
    "update": QT_TRANSLATE_NOOP("PhaseBar", "5 update"),
}
#: the opacity of a panel a phase already touched, and of one no phase so far has touched
DIM = 0.45
NOT_YET = 0.12
#: entries of a vector shown before "…"
SHOWN = 6


def vector(values: list[float] | None) -> str:
    """[−4, −8, −12, −16]; longer vectors end in '…'."""
    if values is None:
        return "None"
    head = ", ".join(fmt(v) for v in values[:SHOWN])
    return f"[{head}{', …' if len(values) > SHOWN else ''}]"


def phase_text(view: PhaseView) -> str:
    """The numbers of the phase on screen, in the current language (rich text)."""
    v, name = view.shown(), view.name
    if name == "forward":
        return translate("PhaseBar", "ŷᵢ = w·xᵢ + b at w = {w}, b = {b}: ŷ = {pred} "
                         "(the diamonds on the fit)").format(
            w=fmt(v["w"]), b=fmt(v["b"]), pred=vector(v["pred"]))
    if name == "losses":
        return translate("PhaseBar", "Each sample's loss ({loss}): l = {l}, one bar per "
                         "sample; still a vector").format(loss=v["loss_name"],
                                                          l=vector(v["per_sample_loss"]))
    if name == "reduce":
        if v["error"] is not None:
            return translate("PhaseBar", "<code>{call}</code>: PyTorch refuses: "
                             "<i>RuntimeError: {error}</i>. Backward and update do not run; "
                             "choose a reduction.").format(call=v["call"], error=v["error"])
        return translate("PhaseBar", "<code>{call}</code>: L = {L}, one number; backward will "
                         "start from ∂L/∂lᵢ = {weight}").format(
            call=v["call"], L=fmt(v["loss"]), weight=vector(v["weight"]))
    if name == "backward":
        return translate("PhaseBar", "Autograd sends the gradient back: ∂L/∂ŷᵢ = {gp}; "
                         "w.grad = {gw}, b.grad = {gb}").format(
            gp=vector(v["grad_pred"]), gw=fmt(v["grad_w"]), gb=fmt(v["grad_b"]))
    return translate("PhaseBar", "{opt}, lr {lr}: w {w0} → {w1}, b {b0} → {b1}; the line "
                     "moves and the step is taken").format(
        opt=v["optimizer"], lr=fmt(v["lr"]), w0=fmt(v["w_before"]), w1=fmt(v["w"]),
        b0=fmt(v["b_before"]), b1=fmt(v["b"]))


def opacity(panel: str, index: int) -> float:
    """A Training panel at phase ``index``: bright if the phase touches it, dimmed if an earlier
    phase did, nearly hidden if none has yet (the bars appear at *per-sample losses*)."""
    if panel in PHASE_PANELS[PHASES[index]]:
        return 1.0
    first = next(k for k, name in enumerate(PHASES) if panel in PHASE_PANELS[name])
    return DIM if first < index else NOT_YET


class PhaseBar(QWidget):
    """The button, the five phases (the current one filled) and the current phase's numbers."""

    def __init__(self) -> None:
        super().__init__()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 2)
        outer.setSpacing(2)
        row = QHBoxLayout()
        row.setSpacing(6)
        self.button = QPushButton(translate("PhaseBar", "Step in phases"))
        self.button.setToolTip(translate("PhaseBar", "Take the next step one phase per press "
                                         "(P): forward, per-sample losses, reduce, backward, "
                                         "update. Step (Space) finishes it."))
        self.button.setWhatsThis(self.button.toolTip())
        row.addWidget(self.button)
        self.chips: dict[str, QLabel] = {}
        self.arrows: list[QLabel] = []
        for i, name in enumerate(PHASES):
            if i:
                self.arrows.append(QLabel("→"))
                row.addWidget(self.arrows[-1])
            title = translate("PhaseBar", PHASE_TITLES[name])
            chip = self.chips[name] = QLabel(title)
            chip.setToolTip(title)
            row.addWidget(chip)
        row.addStretch(1)
        self._row = row
        outer.addLayout(row)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.hide()
        outer.addWidget(self.detail)
        self.current: str | None = None
        self._style: tuple[Any, ...] = ()

    def restyle(self, theme: th.Theme, force: bool = False) -> None:
        """Colours and sizes for ``theme`` at the current text size (only when they changed)."""
        key = (theme.name, th.FONT_SCALE, self.current)
        if key == self._style and not force:
            return
        self._style = key
        size = th.px(16)
        for name, chip in self.chips.items():
            on = name == self.current
            chip.setStyleSheet(
                f"QLabel {{ font-size: {size}px; padding: 2px 8px; border-radius: 4px; "
                f"border: 2px solid {theme.bars_batch}; "
                f"background: {theme.bars_batch if on else 'transparent'}; "
                f"color: {theme.background if on else theme.foreground}; "
                f"font-weight: {700 if on else 400}; }}")
        self.detail.setStyleSheet(f"QLabel {{ font-size: {th.px(17)}px; }}")
        self._fit_chips()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit_chips()

    def _fit_chips(self) -> None:
        """Every phase's name when the row has room; else the current phase's name and the
        others' numbers (their names on hover); else numbers only (the line below names the
        phase). A large text size on a projector must not push the row off the window."""
        titles = {n: translate("PhaseBar", PHASE_TITLES[n]) for n in PHASES}
        short = {n: t.split(" ", 1)[0] for n, t in titles.items()}
        gaps = self._row.spacing() * (len(self.chips) + len(self.arrows))
        fixed = self.button.sizeHint().width() + sum(a.sizeHint().width() for a in self.arrows)
        room = self.width() - fixed - gaps - 4
        choice = short
        for candidate in (titles, {n: titles[n] if n == self.current else short[n]
                                   for n in PHASES}):
            if sum(self._width_of(self.chips[n], t) for n, t in candidate.items()) <= room:
                choice = candidate
                break
        for name, chip in self.chips.items():
            if chip.text() != choice[name]:
                chip.setText(choice[name])

    @staticmethod
    def _width_of(chip: QLabel, text: str) -> int:
        """The width ``chip`` asks for with ``text`` (its style's padding and border included)."""
        if chip.text() == text:
            return chip.sizeHint().width()
        old = chip.text()
        chip.setText(text)
        width = chip.sizeHint().width()
        chip.setText(old)
        return width

    def show_phase(self, view: PhaseView | None, theme: th.Theme) -> None:
        """The indicator at ``view``'s phase with its numbers; None: no step is being walked."""
        self.current = None if view is None else view.name
        if view is None:
            self.detail.hide()
            self.detail.setText("")
        else:
            self.detail.setText(translate("PhaseBar", "Step {step}, {phase}: {text}").format(
                step=view.step, phase=translate("PhaseBar", PHASE_TITLES[view.name]),
                text=phase_text(view)))
            self.detail.show()
        self.restyle(theme)


#: Step in phases under the logistic model (issue 19).
LINE_ONLY_PHASES = QT_TRANSLATE_NOOP(
    "MainWindow", "Step in phases shows the line model only (y = w·x + b): switch the model to "
                  "line to walk a step phase by phase.")


class PhaseControls:
    """Puts the bar above the window's tabs and shows each phase on it and on the panels."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.lab = window.lab
        self.bar = PhaseBar()
        window.centralWidget().layout().insertWidget(1, self.bar)
        self.bar.button.clicked.connect(self.advance)
        self.marks = pg.ScatterPlotItem(antialias=True, symbol="d")
        window.fit_panel.plot.addItem(self.marks, ignoreBounds=True)
        self.marks.hide()
        self.view: PhaseView | None = None
        self.lab.phase_ready.connect(self.show_phase)
        self.lab.update_ready.connect(self._on_update)
        self.lab.generation_started.connect(lambda _keep: self.show_phase(None))
        window.update_shown.connect(lambda _u: self.bar.restyle(window.options.theme))
        self.bar.restyle(window.options.theme)

    def advance(self) -> None:
        """The next phase of the next step (the line model's only: said, never raised)."""
        if self.lab.config.model != "line":
            self.window.show_banner(translate("MainWindow", LINE_ONLY_PHASES))
            return
        self.lab.step_phase()

    def _on_update(self, update: Update, _urgent: bool) -> None:
        """The run went past the step being walked (Run, a step taken otherwise): stand down."""
        line = update.record.model == "line"
        if line != self.bar.button.isEnabled():  # the phases know the line model only
            self.bar.button.setEnabled(line)
            self.bar.button.setToolTip(self.bar.button.whatsThis() if line
                                       else translate("MainWindow", LINE_ONLY_PHASES))
        view = self.view
        if view is not None and not update.scrubbed and update.step >= view.step \
                and not view.last:
            self.show_phase(None)
        elif view is not None and view.last and update.step > view.step:
            self.show_phase(None)

    def show_phase(self, view: PhaseView | None) -> None:
        self.view = view
        theme = self.window.options.theme
        self.bar.show_phase(view, theme)
        active = view is not None and (not view.last or view.refused)  # refused: stays
        for name, panel in self.window.training.panels.items():
            panel.ci.setOpacity(1.0 if view is None or not active else opacity(name, view.index))
        pred = view.values["forward"] if active and view is not None else None
        if pred is not None and view is not None and view.index < PHASES.index("backward"):
            size = th.px(22)
            self.marks.setData(np.asarray(pred["x"]), np.asarray(pred["pred"]), size=size,
                               pen=pg.mkPen(theme.line, width=2),
                               brush=pg.mkBrush(theme.color("line", 140)))
            self.marks.show()
        else:
            self.marks.hide()
        graph = self.window.teaching_tabs.panel("graph")
        if view is not None and view.graph is not None and graph is not None:
            graph.show_graph(list(view.graph.nodes), view.values["reduce"]["reduction"])
            graph.show_values(view.graph, animate=view.name == "backward")

    def shown_text(self) -> str:
        """The indicator's numbers as shown (for tests)."""
        return self.bar.detail.text()

    def marked(self) -> tuple[np.ndarray, np.ndarray]:
        """The ŷᵢ marks on the fit (for tests): (x, ŷ), empty when hidden."""
        if not self.marks.isVisible():
            return np.zeros(0), np.zeros(0)
        x, y = self.marks.getData()
        return np.asarray(x), np.asarray(y)
