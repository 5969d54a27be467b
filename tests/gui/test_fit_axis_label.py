"""The fit panel's x-axis label stays whole (issue 15, nothing cut off): at 1280×720 in
presentation mode and N = 10^6 (`main.py --screenshot … --presentation --size 1280x720 --preset
large --n 1000000 --steps 3`) "x (4,000 of 1,000,000 points shown)" ran past the panel's right
edge. pyqtgraph centres an axis label only when the axis resizes, so the label set after the
first update stayed where the short "x" had been centred; and where even a centred label is
longer than its axis, a shorter form is used."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from gradlab.core.config import LabConfig
from gradlab.core.data import dataset_for
from gradlab.core.trainer import Trainer
from gradlab.ui import theme as th
from gradlab.ui.fit_panel import FitPanel
from gradlab.views.panels import build_view, layout_for

N = 100_000
LONG = "4,000 of 100,000 points shown"
SHORT = "4,000 of 100,000 shown"


@pytest.fixture(scope="module")
def view():  # noqa: ANN201
    config = LabConfig(preset="noisy-line", n_points=N, noise=0.5)
    dataset = dataset_for(config)
    record = Trainer(config, dataset).run(3)[0]
    return build_view(record, dataset, layout_for(dataset), config)


def _label(panel: FitPanel):  # noqa: ANN202 - (text, the label's scene rect, the axis' rect)
    axis = panel.plot.getAxis("bottom")
    label = axis.label
    m = label.document().documentMargin()
    text = label.mapRectToScene(label.boundingRect().adjusted(m, m, -m, -m))
    return axis.labelText, label.isVisible(), text, axis.sceneBoundingRect()


@pytest.mark.parametrize("scale", [1.0, 1.5])
def test_the_x_label_is_centred_under_its_axis_and_inside_the_panel(qtbot, view, scale) -> None:  # noqa: ANN001
    th.set_scale(scale)
    try:
        panel = FitPanel(th.LIGHT)
        qtbot.addWidget(panel)
        panel.resize(1000, 420)
        panel.show()
        qtbot.waitExposed(panel)
        chosen = []
        for width in (1000, 640, 560, 480, 400, 330, 260, 200):
            panel.resize(width, 420)
            panel.show_view(view, 3, True)
            QApplication.processEvents()
            text, visible, rect, axis = _label(panel)
            chosen.append(text)
            if not visible:
                continue
            assert rect.left() >= -0.5 and rect.right() <= width + 0.5, (width, text, rect)
            assert abs(rect.center().x() - axis.center().x()) <= 2, (width, text, rect, axis)
            assert rect.width() <= axis.width() + 0.5 or text == "x", (width, text, rect, axis)
        assert LONG in chosen[0]  # room for all of it
        assert any(SHORT in text for text in chosen)  # then the shorter form ...
        assert chosen[-1] == "x"  # ... and at last the axis' name alone
        lengths = [len(text) for text in chosen]
        assert lengths == sorted(lengths, reverse=True)  # never longer as the panel narrows
    finally:
        th.set_scale(1.0)


def test_a_new_label_is_centred_when_the_data_change_without_a_resize(qtbot, view) -> None:  # noqa: ANN001
    panel = FitPanel(th.LIGHT)
    qtbot.addWidget(panel)
    panel.resize(800, 420)
    panel.show()
    qtbot.waitExposed(panel)
    small = LabConfig()
    data = dataset_for(small)
    panel.show_view(build_view(Trainer(small, data).step(), data, layout_for(data), small), 1,
                    True)
    QApplication.processEvents()
    assert _label(panel)[0] == "x"
    panel.show_view(view, 3, True)  # the same size: no resize event for pyqtgraph to centre in
    QApplication.processEvents()
    text, visible, rect, axis = _label(panel)
    assert LONG in text and visible
    assert abs(rect.center().x() - axis.center().x()) <= 2, (rect, axis)
