"""Crash safety: an unexpected exception in the window is shown, and the student can save the
session before quitting, so nobody loses their setup.

``install(app, window)`` makes a :class:`CrashHandler` the process's ``sys.excepthook`` (and
``threading.excepthook``). PySide6 hands an exception that escapes a slot or a Qt override to
``sys.excepthook``: in the GUI thread, or in whatever thread raised it (the training thread in
thread mode, a reader thread), so the handler never builds a widget itself — it emits a signal
that Qt queues to the GUI thread.

The dialog says what happened (the details hold the traceback) and offers: save the session and
quit (``MainWindow.save_session_to``, waited for up to SAVE_TIMEOUT_MS), quit, or keep working.
The handler never raises (anything that goes wrong inside it falls back to printing), and never
recurses: while its dialog is open, further exceptions are printed once and counted, not shown.

Testable without a modal loop: ``build_dialog`` only builds; ``ask``, ``choose_path`` and
``quit`` can be replaced (the constructor takes them), and ``handle`` is the hook itself.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

from gradlab.i18n import translate

# How long "Save and quit" waits for the worker to write the session.
SAVE_TIMEOUT_MS = 15_000
# Longest exception message shown in the dialog's text (the details hold everything).
MESSAGE_CHARS = 400
EXIT_CRASHED = 1

SAVE, QUIT, KEEP = "save", "quit", "keep"


def _safe_print(text: str) -> None:
    try:
        stream = sys.stderr or sys.__stderr__
        if stream is not None:
            stream.write(text if text.endswith("\n") else text + "\n")
            stream.flush()
    except Exception:  # noqa: BLE001, S110 - a closed or missing console: nothing more to do
        pass


def describe(exc_type: type[BaseException], exc: BaseException | None,
             tb: TracebackType | None) -> tuple[str, str, str]:
    """(type name, message, full traceback), whatever the exception's ``__str__`` does."""
    name = getattr(exc_type, "__name__", "Exception")
    try:
        message = str(exc)
    except Exception:  # noqa: BLE001 - a broken __str__ must not hide the crash
        message = f"<{name} whose message cannot be shown>"
    try:
        details = "".join(traceback.format_exception(exc_type, exc, tb))
    except Exception:  # noqa: BLE001
        details = f"{name}: {message}\n"
    return name, message, details


class CrashHandler(QObject):
    """The excepthook. Lives in the GUI thread; see the module's docstring."""

    # an exception to show: (type name, message, traceback); queued to the GUI thread
    caught = Signal(str, str, str)

    def __init__(self, app: QApplication, window: QWidget | None = None, *,
                 ask: Callable[[QMessageBox], str] | None = None,
                 choose_path: Callable[[], str | None] | None = None,
                 quit: Callable[[int], None] | None = None) -> None:  # noqa: A002
        super().__init__()
        self.app = app
        self.window = window
        self.ask = ask or self._ask
        self.choose_path = choose_path or self._choose_path
        self.quit = quit or self._quit
        self.caught.connect(self.show, Qt.ConnectionType.AutoConnection)
        self.count = 0  # exceptions seen
        self.shown = 0  # dialogs shown
        self.suppressed = 0  # exceptions while a dialog was open (printed, not shown)
        self.saved_to: str | None = None
        self.save_error: str | None = None
        self.dialog: QMessageBox | None = None
        self._showing = False

    # ---- installing ----------------------------------------------------------------------------

    def install(self) -> None:
        sys.excepthook = self.handle
        threading.excepthook = self._thread_hook

    def uninstall(self) -> None:
        """Once the window has gone: exceptions are printed as Python prints them (there is no
        window to show them in or session to save)."""
        if sys.excepthook == self.handle:
            sys.excepthook = sys.__excepthook__
        if threading.excepthook == self._thread_hook:
            threading.excepthook = threading.__excepthook__
        self.window = None

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        self.handle(args.exc_type, args.exc_value, args.exc_traceback)

    # ---- the hook --------------------------------------------------------------------------------

    def handle(self, exc_type: type[BaseException], exc: BaseException | None,
               tb: TracebackType | None) -> None:
        """sys.excepthook: print the traceback, then show it (in the GUI thread). Never raises.

        While a dialog is open (its event loop may run into the same fault again and again),
        further exceptions are counted and the first of them printed: no second dialog, no flood.
        """
        try:
            if issubclass(exc_type, (KeyboardInterrupt, SystemExit)):
                sys.__excepthook__(exc_type, exc, tb)
                return
            self.count += 1
            name, message, details = describe(exc_type, exc, tb)
            if self._showing:
                self.suppressed += 1
                if self.suppressed == 1:
                    _safe_print(f"gradlab: another unexpected error while the first is shown:\n"
                                f"{details}(further ones are counted, not printed)")
                return
            _safe_print(f"gradlab: unexpected error\n{details}")
            self.caught.emit(name, message, details)  # direct here, queued from other threads
        except BaseException:  # noqa: BLE001 - the hook must never raise
            try:
                sys.__excepthook__(exc_type, exc, tb)
            except BaseException:  # noqa: BLE001, S110
                pass

    # ---- the dialog (GUI thread) -----------------------------------------------------------------

    def _files(self) -> object:
        """The window's file commands (what saves a session), if there is a window."""
        return getattr(self.window, "files", None)

    def can_save(self) -> bool:
        return callable(getattr(self._files(), "save_session_to", None))

    def build_dialog(self, name: str, message: str, details: str) -> QMessageBox:
        """The dialog, built but not shown (tests inspect it)."""
        parent = self.window if isinstance(self.window, QWidget) and self.window.isVisible() \
            else None
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(translate("CrashDialog", "gradlab: unexpected error"))
        shown = message if len(message) <= MESSAGE_CHARS else message[:MESSAGE_CHARS] + "…"
        text = translate("CrashDialog", "Something went wrong inside gradlab: {error}").format(
            error=f"{name}: {shown}" if shown else name)
        if self.can_save():
            info = translate("CrashDialog", "Save your session before quitting, so that you can "
                             "open it again and go on where you were. Or keep working: the lab "
                             "may still be usable.")
        else:
            info = translate("CrashDialog", "You can quit, or keep working: the lab may still be "
                             "usable.")
        box.setText(text)
        box.setInformativeText(info)
        box.setDetailedText(details)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons: dict[str, object] = {}
        if self.can_save():
            self.buttons[SAVE] = box.addButton(translate("CrashDialog", "Save session and quit…"),
                                               QMessageBox.ButtonRole.AcceptRole)
        self.buttons[QUIT] = box.addButton(translate("CrashDialog", "Quit"),
                                           QMessageBox.ButtonRole.DestructiveRole)
        self.buttons[KEEP] = box.addButton(translate("CrashDialog", "Keep working"),
                                           QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(self.buttons.get(SAVE, self.buttons[KEEP]))
        box.setEscapeButton(self.buttons[KEEP])
        return box

    def _ask(self, box: QMessageBox) -> str:
        box.exec()
        clicked = box.clickedButton()
        return next((key for key, button in self.buttons.items() if button is clicked), KEEP)

    def _choose_path(self) -> str | None:
        name = time.strftime("gradlab-recovered-%Y%m%d-%H%M%S.gradlab")
        start = os.path.join(os.path.expanduser("~"), name)
        path, _ = QFileDialog.getSaveFileName(
            self.window if isinstance(self.window, QWidget) else None,
            translate("CrashDialog", "Save the session"), start,
            translate("CrashDialog", "gradlab session (*.gradlab)"))
        return path or None

    def _quit(self, code: int) -> None:
        if isinstance(self.window, QWidget):
            self.window.close()
        self.app.exit(code)

    def show(self, name: str, message: str, details: str) -> None:
        """Show one exception and act on the answer. Never raises, never stacks dialogs."""
        if self._showing:
            self.suppressed += 1
            return
        self._showing = True
        try:
            self.shown += 1
            self.dialog = self.build_dialog(name, message, details)
            choice = self.ask(self.dialog)
            if choice == SAVE and self.can_save():
                path = self.choose_path()
                if not path:
                    return  # cancelled: back to the lab, nothing lost yet
                self.save(path)
                self.quit(EXIT_CRASHED)
            elif choice == QUIT:
                self.quit(EXIT_CRASHED)
        except BaseException as exc:  # noqa: BLE001 - the handler must never raise
            _safe_print(f"gradlab: the error dialog failed too: {type(exc).__name__}: {exc}")
        finally:
            if self.dialog is not None:
                self.dialog.deleteLater()
                self.dialog = None
            self._showing = False

    def save(self, path: str) -> bool:
        """Ask the window to save the session to ``path`` and wait (a bounded time) for the
        answer. Records ``saved_to`` or ``save_error``."""
        files = self._files()
        loop = QEventLoop()
        outcome: dict[str, str] = {}

        def saved(where: str) -> None:
            if os.path.abspath(where) == os.path.abspath(path):
                outcome["saved"] = where
                loop.quit()

        def refused(text: str) -> None:
            outcome["error"] = text
            loop.quit()

        files.session_changed.connect(saved)
        files.session_refused.connect(refused)
        try:
            timer = QTimer()
            timer.setSingleShot(True)
            timer.timeout.connect(loop.quit)
            timer.start(SAVE_TIMEOUT_MS)
            files.save_session_to(path)
            if not outcome:
                loop.exec()
            timer.stop()
        finally:
            files.session_changed.disconnect(saved)
            files.session_refused.disconnect(refused)
        if "saved" in outcome:
            self.saved_to = outcome["saved"]
            _safe_print(f"gradlab: the session was saved to {self.saved_to}")
            return True
        self.save_error = outcome.get("error", "no answer from the training worker in "
                                               f"{SAVE_TIMEOUT_MS // 1000} s")
        _safe_print(f"gradlab: the session was NOT saved: {self.save_error}")
        return False


def install(app: QApplication, window: QWidget | None = None) -> CrashHandler:
    """Make a CrashHandler for ``window`` the process's exception hook; returns it."""
    handler = CrashHandler(app, window)
    handler.setParent(app)  # lives as long as the application
    handler.install()
    return handler
