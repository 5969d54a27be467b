"""One column of the Reduction tab: a reduction's name, code, reduced loss, gradient and step.

Kept apart from reduction_panel.py (which lays the four columns out and feeds them) so each file
stays readable; the texts keep the "ReductionPanel" translation context.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QPushButton, QVBoxLayout

from gradlab.i18n import QT_TRANSLATE_NOOP, translate
from gradlab.ui.text import fmt, reduction_title
from gradlab.ui.text_panel import role_label

#: The none column prints at most this many per-sample losses of the vector, then "…".
MAX_VECTOR_ITEMS = 4

CODE = {
    "none": "loss.backward()",
    "mean": "loss.mean().backward()",
    "sum": "loss.sum().backward()",
    "weighted": "loss.backward(\n    gradient=v)",
}
_TIPS = {
    "none": QT_TRANSLATE_NOOP("ReductionPanel", "No reduction: one loss per sample. backward() "
                              "needs a single number and refuses."),
    "mean": QT_TRANSLATE_NOOP("ReductionPanel", "Every sample counts 1/B: the gradient does not "
                              "grow with the batch size."),
    "sum": QT_TRANSLATE_NOOP("ReductionPanel", "Every sample counts 1: the gradient is B times "
                             "the mean's, so is the step."),
    "weighted": QT_TRANSLATE_NOOP("ReductionPanel", "Each sample counts its own vᵢ: L = Σ vᵢ·lᵢ, "
                                  "exactly loss.backward(gradient=v)."),
}
#: Column titles: PyTorch's name of the reduction (a translation may add a word after it).


def use(name: str) -> str:
    return translate("ReductionPanel", "use {reduction}").format(reduction=name)


def vector(values: Sequence[float]) -> str:
    shown = [fmt(float(v)) for v in values[:MAX_VECTOR_ITEMS]]
    if len(values) > MAX_VECTOR_ITEMS:
        shown.append("…")
    return "[" + ", ".join(shown) + "]"


class Column:
    """One reduction: its name, code, weights, reduced loss, gradient, one-step move, select."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.frame = QFrame()
        self.frame.setObjectName("column")
        self.frame.setProperty("chosen", False)
        self.frame.setToolTip(translate("ReductionPanel", _TIPS[name]))
        self.title = role_label("name", reduction_title(name))
        self.code = role_label("code", "", wrap=True)
        self.weights = role_label("small", "", wrap=True)
        self.weights.setTextFormat(Qt.TextFormat.PlainText)
        self.loss = role_label("big", "", wrap=True)
        self.grad_w = role_label("grad_w", "", wrap=True)
        self.grad_b = role_label("grad_b", "", wrap=True)
        self.step = role_label("small", "", wrap=True)
        self.step.setToolTip(translate("ReductionPanel", "How far one plain SGD step with this lr "
                                       "moves w and b: −lr·∂L/∂w"))
        self.select = QPushButton(use(name))
        self.select.setCheckable(True)
        self.select.setToolTip(translate(
            "ReductionPanel", "Train with reduction '{reduction}' (the same as choosing it in the "
            "controls)").format(reduction=name))
        self.layout = QVBoxLayout(self.frame)
        self.layout.setContentsMargins(10, 8, 10, 8)
        self.layout.setSpacing(4)
        for widget in (self.title, self.code, self.weights, self.loss, self.grad_w, self.grad_b,
                       self.step):
            self.layout.addWidget(widget)

    def finish(self) -> None:
        """The select button at the bottom, under whatever the column added."""
        self.layout.addStretch(1)
        self.layout.addWidget(self.select)



def keep(text: str) -> str:
    """Wrap only between terms: "Δb = 0.01" never splits across lines."""
    return text.replace(" = ", "\u00a0=\u00a0")

