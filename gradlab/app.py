"""Entry point: ``python main.py``, ``python -m gradlab`` and the ``gradlab`` script all land here.

``--headless`` goes to the Qt-free CLI without importing Qt at all.
"""

from __future__ import annotations

import gc
import sys


def main(argv: list[str] | None = None) -> int:
    # In a frozen app the training process is this executable started again: let
    # multiprocessing take over here before any argument parsing (no-op otherwise).
    import multiprocessing

    multiprocessing.freeze_support()
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--headless" in argv:
        from gradlab.cli import main as cli_main

        return cli_main(argv)
    # Starting the window allocates ~10^5 lasting objects (Qt's enums, pyqtgraph, numpy) and
    # frees almost none: the cyclic collector spent ~40 ms of the ~0.5 s before the first paint
    # scanning them, again and again. The window turns it back on once it is up (gui.py).
    gc.disable()
    try:
        from gradlab.gui import main as gui_main

        return gui_main(argv)
    finally:
        gc.enable()
