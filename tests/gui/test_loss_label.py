"""The loss panel's reduced-value label stays inside its plot (issue 15, nothing cut off): at
1280×720 in presentation mode and N = 10^6 (`main.py --screenshot … --presentation --size
1280x720 --preset noisy-line --n 1000000 --steps 3`) the label "mean = 3.784" was cut off at the
top: the mean sits at the height of the grouped bars, the notes are left out for lack of room,
and the plot's top margin (22 % above the bars) was less than the label's height."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from gradlab.core.config import LabConfig
from gradlab.core.data import dataset_for
from gradlab.core.trainer import Trainer
from gradlab.ui import theme as th
from gradlab.ui.loss_panel import LossPanel
from gradlab.views.panels import build_view, layout_for


@pytest.mark.parametrize("scale, height", [(1.25, 200), (1.25, 230), (1.25, 260), (1.5, 240),
                                           (1.5, 270), (1.5, 300)])
def test_the_reduced_label_stays_inside_the_plot(qtbot, scale: float, height: int) -> None:  # noqa: ANN001
    th.set_scale(scale)
    try:
        panel = LossPanel(th.LIGHT)
        qtbot.addWidget(panel)
        panel.resize(640, height)
        panel.show()
        qtbot.waitExposed(panel)
        config = LabConfig(preset="noisy-line", n_points=1_000_000, noise=0.5)
        dataset = dataset_for(config)
        trainer = Trainer(config, dataset)
        record = trainer.run(3)[0]  # the first view the panel shows is step 3's
        view = build_view(record, dataset, layout_for(dataset), config)
        for _ in range(2):  # the second time with the plot laid out for the first
            panel.show_view(view)
            QApplication.processEvents()
        label = panel.reduced_label.sceneBoundingRect()
        box = panel.plot.vb.sceneBoundingRect()
        assert panel.reduced_label.isVisible() and label.height() > 0
        if box.height() <= 2 * (label.height() + 4):  # the panel leaves it out of the question
            pytest.fail(f"a plot of {box.height()} px cannot hold a {label.height()} px label")
        assert label.top() >= box.top() - 0.5, (label, box)
        assert label.bottom() <= box.bottom() + 0.5
    finally:
        th.set_scale(1.0)
