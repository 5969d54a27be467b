"""Degenerate but valid data in the window (the core side is tests/test_degenerate_data.py): all
x equal, N = 1, huge and tiny magnitudes, every point dragged onto one spot. It trains (or
diverges with the banner), and every panel, the landscape included, holds finite numbers."""

from __future__ import annotations

import numpy as np
import pytest

from gradlab.core.config import LabConfig
from gradlab.core.data import Dataset
from tests.gui.checks import panels_finite
from tests.reliability import tally

DATA = {
    "all x equal": Dataset(np.full(5, 2.0), np.arange(5.0)),
    "one sample": Dataset([3.0], [1.0]),
    "huge": Dataset([1e150, 2e150], [1.0, 2.0]),
    "tiny": Dataset([1e-300, 2e-300], [1e-300, 0.0]),
    "huge y": Dataset([1.0, 2.0, 3.0], [1e200, -1e200, 3e200]),
}


def open_tab(window, qtbot, name: str) -> None:  # noqa: ANN001
    index = next(i for i, n in window.teaching_tabs.names.items() if n == name)
    window.tabs.setCurrentIndex(index)
    qtbot.waitUntil(lambda: window.lab.teaching is not None, timeout=10_000)


@pytest.mark.parametrize("name", DATA)
def test_degenerate_data_trains_in_the_window_and_every_panel_stays_finite(make_lab, qtbot,  # noqa: ANN001
                                                                          name: str) -> None:
    window = make_lab(LabConfig(preset="csv", lr=0.05, optimizer="adam"), DATA[name],
                      worker_mode="thread")
    window.lab.step(30)
    # The shown update, not just the state: the window paces its frames, so the last update of
    # the run can still be waiting to be drawn when "paused" arrives.
    qtbot.waitUntil(lambda: window.lab.state in ("paused", "diverged") and window.shown.step >= 1
                    and not window.shown.running and not window.lab.running, timeout=20_000)
    tally.tried(f"gui: degenerate data ({name})")
    window.flush_history()
    assert panels_finite(window), name
    if window.lab.state == "diverged":
        assert "diverged at step" in window.banner.text()
    else:
        assert window.shown.step == 30
    open_tab(window, qtbot, "landscape")
    image = window.teaching_tabs.panels["landscape"].image.image
    if name == "huge y":  # L = Σ(ŷ - y)² overflows everywhere: the panel draws no surface
        assert image is None or np.isfinite(image).all()
    else:
        assert image is not None and np.isfinite(image).all(), name
    assert all(np.isfinite(np.asarray(a, dtype=float)).all()
               for a in window.teaching_tabs.panels["landscape"].trajectory_data() if a is not None)
    open_tab(window, qtbot, "chain_rule")
    window.tabs.setCurrentIndex(0)
    window.lab.reset()
    qtbot.waitUntil(lambda: window.shown.step == 0 and not window.banner.isVisible())


def test_every_point_dragged_onto_one_spot(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(preset="noisy-line", n_points=20, lr=0.05), worker_mode="thread")
    for i in range(20):
        window.fit_panel.drag_point(i, 1.5, -3.0)
    qtbot.waitUntil(lambda: window.shown is not None and
                    np.all(window.shown.view.layout.x == 1.5), timeout=10_000)
    tally.tried("gui: every point dragged onto one spot")
    window.lab.step(50)
    qtbot.waitUntil(lambda: window.shown.step == 50 and not window.shown.running, timeout=20_000)
    window.flush_history()
    assert panels_finite(window)
    r = window.shown.record
    assert r.w_after * 1.5 + r.b_after == pytest.approx(-3.0, abs=0.5)  # it fits the one spot
