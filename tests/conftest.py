"""Test-wide setup: Qt renders offscreen and never touches the user's real settings."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

# Set before anything can import Qt: tests run on machines with no screen.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
os.environ.setdefault("MPLBACKEND", "Agg")
# Never the user's real settings, here or in a child process (the app started by a smoke test):
# gradlab's own QSettings go to GRADLAB_SETTINGS_DIR (window tests get a fresh one each, see
# tests/gui/conftest.py), and anything else Qt keeps under XDG_CONFIG_HOME lands here too.
_SETTINGS = tempfile.mkdtemp(prefix="gradlab-test-settings-")
atexit.register(shutil.rmtree, _SETTINGS, ignore_errors=True)
os.environ["GRADLAB_SETTINGS_DIR"] = os.path.join(_SETTINGS, "gradlab")
os.environ["XDG_CONFIG_HOME"] = os.path.join(_SETTINGS, "xdg")
# Tests read English text on screen, whatever the machine's language: the system locale (which
# picks the window's default language, also in the entry-point tests' child processes) is
# English. A test that wants Chinese installs the catalog itself and removes it again.
os.environ["LANGUAGE"] = "en"
os.environ["LC_ALL"] = "C.UTF-8"

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
