"""The reliability suite: window fixtures shared with tests/gui, and the summary of what was tried.

The summary (bad inputs tried, faults injected, the longest soak, measured close times, and
whether anything failed) is printed at the end of every run that includes this folder, and written
as JSON to the file named by ``GRADLAB_RELIABILITY_REPORT`` if that is set.
"""

from __future__ import annotations

import json
import os
import warnings

import pytest

# Hypothesis reports a failing example with a patch made by libcst, whose import warns about
# mypy_extensions; with warnings as errors that turns a failure into an INTERNALERROR. Import it
# once here, quietly, so a failing property test reads like any other failure.
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    try:
        import hypothesis.extra._patching  # noqa: F401
    except ImportError:
        pass

from tests.gui import conftest as gui_conftest
from tests.gui.conftest import OFFSCREEN_NOISE, make_lab, make_widget  # noqa: F401 - fixtures
from tests.reliability import tally

_fresh_settings = gui_conftest._fresh_settings  # every window test gets settings of its own

HERE = "tests/reliability/"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


def _ours(report: object) -> bool:
    return str(getattr(report, "nodeid", "")).replace("\\", "/").startswith(HERE)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ANN001
    stats = terminalreporter.stats
    passed = sum(1 for r in stats.get("passed", []) if _ours(r) and r.when == "call")
    failed = sum(1 for key in ("failed", "error") for r in stats.get(key, []) if _ours(r))
    if not passed and not failed:
        return
    summary = tally.report(failed, passed)
    terminalreporter.write_sep("=", "gradlab reliability summary")
    for line in tally.lines(summary):
        terminalreporter.write_line(line)
    path = os.environ.get("GRADLAB_RELIABILITY_REPORT")
    if path:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(summary, f, indent=2)
            f.write("\n")
        terminalreporter.write_line(f"written to {path}")
