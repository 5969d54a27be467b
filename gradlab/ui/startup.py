"""Starting the window's machinery: pyqtgraph's global options, and a run of a few steps whose
drawn result is then grabbed (``--screenshot`` and ``--self-test`` share it)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QMainWindow



def configure_pyqtgraph(theme_name: str = "light") -> None:
    """pyqtgraph's global options, set once per process (binding first: PySide6)."""
    # PySide6 before pyqtgraph: pyqtgraph would pick PyQt6 first if both were installed.
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
    import PySide6.QtCore  # noqa: F401  (first: pyqtgraph uses the binding already loaded)

    # isort: split
    import pyqtgraph as pg

    from gradlab.ui import theme as th

    theme = th.THEMES[theme_name]
    pg.setConfigOptions(antialias=False, background=theme.background, foreground=theme.foreground)


def after_steps(window: QMainWindow, steps: int, done: Callable[[Any], None],
                trouble: Callable[[str], None]) -> None:
    """Take ``steps`` steps once the worker is ready; call ``done(update)`` once, when the
    update of the last step has been drawn and the run has stopped, and ``trouble(message)``
    for whatever the banner shows (a divergence, PyTorch failing to load)."""
    finished = {"flag": False}

    def on_ready() -> None:
        if steps > 0:
            window.lab.step(steps)

    def on_update(update: Any) -> None:
        if not finished["flag"] and update.step >= steps and not update.running:
            finished["flag"] = True
            done(update)

    # Only the window's and the controller's signals: they are emitted in this (GUI) thread.
    window.lab.ready.connect(on_ready)
    window.update_shown.connect(on_update)
    window.trouble_shown.connect(trouble)


def grab(window: QMainWindow) -> QImage:
    """The whole window as it is now, with everything pending drawn first."""
    from PySide6.QtWidgets import QApplication

    window.draw_now()
    window.flush_history()
    QApplication.processEvents()
    return window.grab().toImage()
