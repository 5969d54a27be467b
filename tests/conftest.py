"""Test-wide setup: Qt renders offscreen and never touches the user's real settings."""

from __future__ import annotations

import os
import sys
from pathlib import Path

# Set before anything can import Qt: tests run on machines with no screen.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
