"""The core and the CLI never import Qt; only the trainer imports torch (the window loads the
rest while torch is still loading in the worker)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
import gradlab.core.config, gradlab.core.data, gradlab.core.records, gradlab.core.explain
import gradlab.core.landscape, gradlab.core.session, gradlab.core.codegen, gradlab.cli
light = "torch" in sys.modules
import gradlab.core.trainer
qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph"))
print(json.dumps({"torch_before_trainer": light, "qt": qt, "torch": "torch" in sys.modules}))
"""


def test_core_and_cli_import_no_qt_and_the_light_modules_no_torch():
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["qt"] == []
    assert result["torch_before_trainer"] is False
    assert result["torch"] is True  # the probe really imported the trainer
