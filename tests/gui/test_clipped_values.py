"""Values beyond the plots' clip (±1e15) are written as they are; what is drawn is clipped and
the panel says so (issue 15, item 8)."""

from __future__ import annotations

import math

from gradlab.core.config import LabConfig
from gradlab.ui.text import DRAW_LIMIT, fmt
from gradlab.views.panels import LIMIT


def test_a_diverging_run_writes_its_real_numbers(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(lr=1e9), worker_mode="thread")
    window.lab.step(3)
    qtbot.waitUntil(lambda: window.shown.step == 3, timeout=10_000)
    record = window.shown.record
    # The article's data at lr 1e9: w is ~1e10 after step 1 and grows ~10^10-fold a step.
    assert abs(record.w_after) > 1e25 and math.isfinite(record.w_after)
    assert abs(record.grad_w) > 1e15
    w_title = window.gradient_panel.title("w")
    assert f"∂L/∂w = {fmt(record.grad_w)}" in w_title and "off the chart" in w_title
    assert "1e15" not in w_title
    fit_title = window.fit_panel._title
    assert fmt(record.w_after) in fit_title and "1e15" not in fit_title
    assert "line off the chart" in window.fit_panel.plot.getAxis("bottom").labelText
    label = window.loss_panel.reduced_label.toPlainText()
    assert fmt(record.loss) in label
    # What is drawn stays clipped: the Σ bar at the clip.
    assert window.gradient_panel.total("w") == -LIMIT or window.gradient_panel.total("w") == LIMIT


def test_the_windows_clip_is_the_views() -> None:
    assert DRAW_LIMIT == LIMIT
