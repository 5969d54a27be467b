"""Checks on a live window shared by the GUI and reliability tests."""

from __future__ import annotations

import numpy as np


def panels_finite(window) -> bool:  # noqa: ANN001 - a MainWindow
    """Every number the training panels draw is finite (bars, shares, lines, history curves)."""
    arrays = [window.loss_panel.bar_heights(), window.gradient_panel.shares("w"),
              window.gradient_panel.shares("b"), *window.fit_panel.line_data()]
    for curve in window.history_panel.curves.values():
        x, y = curve.getData()
        if x is not None:
            arrays += [x, y]
    return all(np.isfinite(np.asarray(a, dtype=float)).all() for a in arrays)
