"""Crash safety: an unexpected exception anywhere in the GUI is caught by gradlab.crash's hook,
shown in a dialog that offers to save the session, and the session really is saved before the
app quits. The hook never raises and never stacks dialogs. (No modal loop runs here: the
handler's ``ask``, ``choose_path`` and ``quit`` are replaced.)"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from gradlab import crash
from gradlab.core.config import LabConfig
from gradlab.core.session import load_session
from tests.reliability import tally


class Answers:
    """What the 'user' does: the answer to the dialog, the path to save to; records the rest."""

    def __init__(self, choice: str, path: str | None = None) -> None:
        self.choice, self.path = choice, path
        self.dialogs: list[QMessageBox] = []
        self.threads: list[str] = []
        self.quit_codes: list[int] = []
        self.during_ask = None  # called while the "dialog is open"

    def ask(self, box: QMessageBox) -> str:
        self.dialogs.append(box)
        self.threads.append(threading.current_thread().name)
        if self.during_ask is not None:
            self.during_ask()
        return self.choice

    def choose_path(self) -> str | None:
        return self.path

    def quit(self, code: int) -> None:
        self.quit_codes.append(code)


def handler_for(window, answers: Answers) -> crash.CrashHandler:  # noqa: ANN001
    return crash.CrashHandler(QApplication.instance(), window, ask=answers.ask,
                              choose_path=answers.choose_path, quit=answers.quit)


def _raise_in_slot() -> None:
    raise ValueError("a bug in a slot")


@pytest.fixture
def hooked(monkeypatch):  # noqa: ANN001, ANN201
    """Install a handler as the real sys.excepthook for the test (restored afterwards)."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)

    def install(handler: crash.CrashHandler) -> crash.CrashHandler:
        handler.install()
        return handler

    return install


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_gui_slot_is_shown_and_the_session_saved_before_quitting(
        make_lab, qtbot, tmp_path: Path, hooked, capsys) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(preset="noisy-line", lr=0.05), worker_mode="thread")
    window.lab.step(7)
    qtbot.waitUntil(lambda: window.shown.step == 7 and not window.shown.running)
    path = tmp_path / "rescued.gradlab"
    answers = Answers(crash.SAVE, str(path))
    handler = hooked(handler_for(window, answers))
    # A bug in drawing: every frame raises from now on (the worst case: it repeats while the
    # handler waits for the save).
    original = window.loss_panel.show_view

    def broken(view) -> None:  # noqa: ANN001
        raise ZeroDivisionError("a bug in the loss panel")

    window.loss_panel.show_view = broken
    window.lab.latest = window.shown
    window._on_update(window.shown, False)  # as an update arriving: the next frame draws it
    qtbot.waitUntil(lambda: bool(answers.quit_codes), timeout=20_000)
    window.loss_panel.show_view = original
    tally.fault("an exception in a GUI slot (crash dialog, save, quit)")
    assert handler.shown == 1 and answers.threads == ["MainThread"]
    box = answers.dialogs[0]
    assert "ZeroDivisionError: a bug in the loss panel" in box.text()
    assert "Traceback" in box.detailedText() and "broken" in box.detailedText()
    assert crash.SAVE in handler.buttons
    assert answers.quit_codes == [crash.EXIT_CRASHED]
    assert handler.saved_to is not None and handler.save_error is None
    session = load_session(path)  # nothing lost: the run as it was, step 7
    assert session.step == 7 and session.config.lr == 0.05
    assert "unexpected error" in capsys.readouterr().err


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_another_thread_is_shown_in_the_gui_thread(make_lab, qtbot, hooked) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(), worker_mode="thread")
    answers = Answers(crash.KEEP)
    handler = hooked(handler_for(window, answers))
    worker = threading.Thread(target=_raise_in_slot, name="some-helper")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(answers.dialogs), timeout=5_000)
    tally.fault("an exception in a helper thread (shown in the GUI thread)")
    assert answers.threads == ["MainThread"] and handler.count == 1
    assert answers.quit_codes == []  # "Keep working": the lab goes on
    window.lab.step()
    qtbot.waitUntil(lambda: window.shown.step == 1)


@pytest.mark.qt_no_exception_capture
def test_repeated_errors_while_the_dialog_is_open_do_not_stack_dialogs(make_lab, qtbot,  # noqa: ANN001
                                                                       hooked) -> None:
    window = make_lab(LabConfig(), worker_mode="thread")
    answers = Answers(crash.KEEP)
    handler = hooked(handler_for(window, answers))

    def more_errors() -> None:  # what a nested event loop would deliver meanwhile
        for _ in range(50):
            try:
                raise RuntimeError("again")
            except RuntimeError:
                handler.handle(*sys.exc_info())

    answers.during_ask = more_errors
    QTimer.singleShot(0, _raise_in_slot)
    qtbot.waitUntil(lambda: bool(answers.dialogs), timeout=5_000)
    tally.fault("50 errors while the crash dialog is open")
    assert handler.shown == 1 and handler.count == 51 and handler.suppressed == 50
    QTimer.singleShot(0, _raise_in_slot)  # once closed, the next error is shown again
    qtbot.waitUntil(lambda: len(answers.dialogs) == 2, timeout=5_000)


def test_the_hook_never_raises(qtbot, monkeypatch, capsys) -> None:  # noqa: ANN001
    answers = Answers(crash.QUIT)
    handler = handler_for(None, answers)

    class Nasty(Exception):
        def __str__(self) -> str:
            raise RuntimeError("__str__ is broken too")

    for exc in (Nasty(), ValueError("x" * 100_000), OSError(None)):
        handler.handle(type(exc), exc, None)
    assert handler.shown == 3 and answers.quit_codes == [1, 1, 1]
    assert "cannot be shown" in answers.dialogs[0].text()
    assert len(answers.dialogs[1].text()) < 1000  # a 100 kB message is cut in the dialog
    assert crash.SAVE not in handler.buttons  # nothing to save without a window
    # The dialog itself failing, a missing console: printed or dropped, never raised.
    answers.ask = lambda box: (_ for _ in ()).throw(RuntimeError("the dialog broke"))
    handler.handle(ValueError, ValueError("y"), None)
    monkeypatch.setattr(sys, "stderr", None)
    handler.handle(ValueError, ValueError("z"), None)
    handler.handle(KeyboardInterrupt, KeyboardInterrupt(), None)  # the default hook's business
    tally.fault("a crash hook fed broken exceptions, a broken dialog, no console")


def test_without_sessions_the_dialog_offers_quit_and_keep(qtbot) -> None:  # noqa: ANN001
    plain = QWidget()
    qtbot.addWidget(plain)
    handler = crash.CrashHandler(QApplication.instance(), plain)
    box = handler.build_dialog("KeyError", "'w'", "Traceback ...")
    try:
        assert set(handler.buttons) == {crash.QUIT, crash.KEEP}
        assert box.escapeButton() is handler.buttons[crash.KEEP]
        assert "KeyError: 'w'" in box.text()
    finally:
        box.deleteLater()


ENTRY_PROBE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
import gradlab.crash as crash

def ask(self, box):
    print("DIALOG", box.text(), "| SAVE OFFERED" if crash.SAVE in self.buttons else "", flush=True)
    return crash.QUIT

crash.CrashHandler._ask = ask

def boom():
    raise ValueError("a bug in a slot")

def arm():
    for widget in QApplication.instance().topLevelWidgets():
        if hasattr(widget, "lab"):
            widget.lab.ready.connect(lambda: QTimer.singleShot(0, boom))
            return
    QTimer.singleShot(10, arm)

QTimer.singleShot(0, arm)
from gradlab.gui import main
sys.exit(main(["--preset", "seed", "--size", "800x600"]))
"""


def test_the_window_entry_point_installs_the_hook(tmp_path: Path) -> None:
    """The real window run (gradlab.gui, its default worker, in a process of its own): an
    error in the event loop reaches the crash dialog, which offers to save the session, and
    "Quit" ends the run with status 1. (Only the dialog's answer is patched in.)"""
    import os
    import subprocess

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(root)}
    try:
        from gradlab.ui import settings as st

        env[st.ENV_DIR] = str(tmp_path)  # never the user's settings
    except ImportError:
        pass
    proc = subprocess.run([sys.executable, "-c", ENTRY_PROBE], capture_output=True, text=True,
                          timeout=120, cwd=root, env=env)
    tally.fault("an exception in the real window's event loop (gradlab.gui, own process)")
    assert proc.returncode == crash.EXIT_CRASHED, proc.stderr[-2000:]
    assert "DIALOG Something went wrong inside gradlab: ValueError: a bug in a slot" in proc.stdout
    assert "SAVE OFFERED" in proc.stdout
    assert "gradlab: unexpected error" in proc.stderr and "Traceback" in proc.stderr
