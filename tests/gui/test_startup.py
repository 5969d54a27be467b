"""What the window does before its first paint, and what it leaves until after (issue 4).

The real entry point runs in a subprocess, as a user starts it; a spy records the state at the
window's first paint and when the window reports that it is up.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: Modules the first paint does not wait for: torch and the trainer (the worker loads them), and
#: the per-sample views and teaching maths (built from the worker's first update on).
LATER = ("torch", "gradlab.core.trainer", "gradlab.views.panels", "gradlab.views.teaching",
         "gradlab.core.explain", "gradlab.core.landscape", "secrets", "hashlib")

SPY = f"""
import gc, json, os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QEvent, QObject, QTimer
from gradlab import gui

LATER = {LATER!r}
seen = {{"painted": False}}

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if obj is self.window and event.type() == QEvent.Type.Paint and not seen["painted"]:
            seen["painted"] = True
            seen["gc_at_paint"] = gc.isenabled()
            seen["loaded_at_paint"] = [m for m in LATER if m in sys.modules]
        return False

def probe(app, window):
    spy = FirstPaint(window)
    spy.window = window
    window.installEventFilter(spy)

def up():
    seen["painted_before_up"] = seen["painted"]
    seen["gc_before_up"] = gc.isenabled()
    original()
    seen["gc_after_up"] = gc.isenabled()
    seen["frozen"] = gc.get_freeze_count()
    from PySide6.QtWidgets import QApplication
    QTimer.singleShot(0, QApplication.instance().closeAllWindows)

original = gui.collect_garbage_from_now_on
gui.collect_garbage_from_now_on = up
gui._install_startup_probe = probe
from gradlab.app import main
seen["code"] = main(["--preset", "seed"])
seen["gc_at_exit"] = gc.isenabled()
from PySide6.QtWidgets import QApplication
seen["windows_left"] = [type(w).__name__ for w in QApplication.topLevelWidgets()]
seen["hooks_restored"] = sys.excepthook is sys.__excepthook__
print(json.dumps(seen))
"""


def test_first_paint_waits_for_neither_torch_nor_the_views_nor_the_collector():
    proc = subprocess.run([sys.executable, "-c", SPY], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # no Qt warning either
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    assert seen["code"] == 0
    assert seen["painted"] is True
    assert seen["loaded_at_paint"] == []
    # The cyclic collector is off until the window is up (after its first paint) ...
    assert seen["gc_at_paint"] is False
    assert seen["painted_before_up"] is True
    assert seen["gc_before_up"] is False
    # ... then start-up's objects are frozen and collection is back on, also after exit.
    assert seen["gc_after_up"] is True
    assert seen["frozen"] > 10_000
    assert seen["gc_at_exit"] is True
    # The window is deleted before main returns, while the application lives, not left to the
    # interpreter's exit (where about one exit in a dozen crashed), and the crash dialog's hook
    # is gone with the window.
    assert seen["windows_left"] == []
    assert seen["hooks_restored"] is True


def test_a_window_made_with_the_collector_on_leaves_it_alone():
    """Windows made elsewhere (tests, the self-test) never freeze anything: frozen objects are
    never collected, so freezing per window would leak."""
    from gradlab.gui import collect_garbage_from_now_on

    assert gc.isenabled()
    before = gc.get_freeze_count()
    collect_garbage_from_now_on()
    assert gc.isenabled()
    assert gc.get_freeze_count() == before


def test_the_plots_hidden_option_menus_are_never_polished(make_lab, qtbot):  # noqa: ANN001
    """pyqtgraph builds ~80 option widgets per plot that the lab never shows; Qt would polish
    each before the first paint. The window's own widgets are polished as usual."""
    import pyqtgraph as pg
    from PySide6.QtCore import Qt

    from gradlab.ui.theme import option_widgets

    window = make_lab()
    plots = [item for view in window.findChildren(pg.GraphicsView)
             for item in view.scene().items() if isinstance(item, pg.PlotItem)]
    assert len(plots) >= 7
    hidden = [w for plot in plots for w in option_widgets(plot)]
    assert len(hidden) >= 7 * 40
    polished = [w for w in hidden if w.testAttribute(Qt.WidgetAttribute.WA_WState_Polished)]
    # Only the scroll bars of the options' list view: a scroll area polishes its own on creation.
    assert {type(w).__name__ for w in polished} <= {"QScrollBar"}
    assert len(polished) <= 4 * len(plots)
    assert window.controls.step_button.testAttribute(Qt.WidgetAttribute.WA_WState_Polished)
    # PlotItem's own methods still work through those widgets.
    plots[0].setLogMode(False, False)
    plots[0].showGrid(x=True, y=True)
