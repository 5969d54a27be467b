"""Entry point: ``python main.py``, ``python -m gradlab`` and the ``gradlab`` script all land here.

``--headless`` goes to the Qt-free CLI without importing Qt at all.
"""

from __future__ import annotations

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
    from gradlab.gui import main as gui_main

    return gui_main(argv)
