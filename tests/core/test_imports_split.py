"""The split settings, their theory and the scripts load without torch (sessions and the window
read them while torch is still loading); the torch modules import no Qt."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
import gradlab.core.splitting, gradlab.core.codegen_split, gradlab.core.session, gradlab.cli
light = "torch" in sys.modules
import gradlab.core.accumulate, gradlab.core.distributed, gradlab.core.dataparallel
import gradlab.core.lastbatch
qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph"))
print(json.dumps({"torch_before": light, "qt": qt}))
"""


def test_split_modules_are_light_and_qt_free():
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT,
                          timeout=180)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result == {"torch_before": False, "qt": []}
