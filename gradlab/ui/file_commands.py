"""File commands: sessions (open, save, recent files, the title), CSV import and export, pictures,
the history as CSV, the code dialog, and the restart that carries the run in a temporary session.

The worker reads and writes every file (the controller passes the path on); this part asks for
paths, names the session, and says how it went.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QProcess, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QMessageBox, QWidget

from gradlab import i18n
from gradlab.controller import RunState
from gradlab.core.config import needs_new_data
from gradlab.i18n import QT_TRANSLATE_NOOP, tr_message, translate
from gradlab.ui.control_texts import data_label
from gradlab.views.files import SUFFIX

if TYPE_CHECKING:
    from collections.abc import Callable

    from gradlab.core.config import LabConfig
    from gradlab.ui.code_dialog import CodeDialog
    from gradlab.views.update import Update

SESSION_FILTER = QT_TRANSLATE_NOOP("MainWindow", "gradlab session (*.gradlab)")


def start_detached(program: str, arguments: list[str]) -> bool:
    started = QProcess.startDetached(program, arguments)
    return bool(started[0] if isinstance(started, tuple) else started)


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


def replace_box(old: QMessageBox | None, new: QMessageBox) -> QMessageBox:
    """Close and delete the box shown before (if any), open ``new`` (window-modal, does not
    block) and return it."""
    if old is not None:
        old.close()
        old.deleteLater()
    new.open()
    return new


class FileCommands(QObject):
    """What File → … does; ``session_changed`` / ``session_refused`` tell observers (the crash
    handler, tests) how a session request ended."""

    #: a session was saved or opened (its path)
    session_changed = Signal(str)
    #: a session could not be opened or saved (the message shown)
    session_refused = Signal(str)

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.lab = window.lab
        self.settings = window.settings
        self.session_path: str | None = None  # the session saved or opened last
        self._pending: dict[str, str] = {}  # path -> "open" / "save"
        self._restart_file: str | None = None  # the session a restart carries the run in
        self._passing: set[str] = set()  # sessions opened without becoming the session file
        #: starts the new gradlab of a restart: (program, arguments) -> started?
        self.launcher = start_detached
        self.message_box: QMessageBox | None = None
        self.code_dialog: CodeDialog | None = None
        lab = self.lab
        lab.file_failed.connect(self._on_file_failed)
        lab.file_written.connect(self.say_written)
        lab.code_ready.connect(self._on_code)
        lab.data_loaded.connect(self._on_data_loaded)
        lab.session_saved.connect(self._on_session_saved)
        lab.session_opened.connect(self._on_session_opened)
        lab.session_failed.connect(self._on_session_failed)
        # the run changed since the session was saved or opened (the title's "*")
        self.modified = False
        self._data: LabConfig = lab.config  # the data of the session file (or of the start)
        self._names_data = False  # no session file is the run's: the title names the data
        self._saved: LabConfig = lab.config  # the settings saved or opened
        for signal in (lab.history_added, lab.generation_started, lab.config_changed):
            signal.connect(lambda *_: self._set_modified(True))
        lab.update_ready.connect(self._on_update)

    def tell(self, title: str, text: str, warning: bool = False) -> None:
        """A message the user must see (a refused file): a window-modal box that does not block."""
        box = QMessageBox(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information,
                          title, text, QMessageBox.StandardButton.Ok, self.window)
        self.message_box = replace_box(self.message_box, box)

    def _status(self, text: str, ms: int = 5000) -> None:
        self.window.statusBar().showMessage(text, ms)

    # ---- data and code -----------------------------------------------------------------------

    def choose_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, translate("MainWindow", "Import data"),
                                              "", translate("MainWindow",
                                                            "CSV (*.csv);;All files (*)"))
        if path:
            self.import_csv(path)

    def import_csv(self, path: str) -> None:
        """Read ``path`` in the worker; the run restarts on it only if it loads."""
        self.lab.import_csv(path)

    def choose_csv_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.window, translate("MainWindow", "Export data"),
                                              "data.csv", "CSV (*.csv)")
        if path:
            self.lab.export_csv(path)

    def show_code(self) -> None:
        self.lab.request_code()

    def _on_code(self, script: str, note: object) -> None:
        if self.code_dialog is None:
            from gradlab.ui.code_dialog import CodeDialog

            self.code_dialog = CodeDialog(self.window)
        self.code_dialog.show_script(script, note)

    def _on_data_loaded(self, config: LabConfig, n: int) -> None:
        self._status(translate("MainWindow", "Loaded {n} points from {source}").format(
            n=n, source=config.source))

    def _on_file_failed(self, message: object) -> None:
        self.tell(translate("MainWindow", "Not done"), tr_message(message), warning=True)

    def say_written(self, path: str) -> None:
        self._status(translate("MainWindow", "Wrote {path}").format(path=path))

    # ---- sessions ----------------------------------------------------------------------------

    def save_session_to(self, path: str) -> None:
        """Ask the worker to save the run to ``path`` (answered by ``session_changed`` or a
        message). Safe to call from a crash handler: it only sends a queued request."""
        path = str(path)
        self._pending[path] = "save"
        self.lab.save_session(path)

    def open_session_from(self, path: str) -> None:
        """Ask the worker to open the session at ``path``; the run goes on from where it was
        saved. A file that is not a valid session is refused and changes nothing."""
        path = str(path)
        self._pending[path] = "open"
        self.lab.open_session(path)

    def resume_from(self, path: str) -> None:
        """Open the session a restart carried the run in: the run goes on, the file is deleted
        and does not become the window's session file."""
        self._passing.add(str(path))
        self.open_session_from(path)

    def save_session(self) -> None:
        """File → Save session: to the current session file, or ask for one."""
        if self.session_path:
            self.save_session_to(self.session_path)
        else:
            self.choose_session_save()

    def choose_session_save(self) -> None:
        start = self.session_path or os.path.join(self.dialog_folder(), "session" + SUFFIX)
        path, _ = QFileDialog.getSaveFileName(self.window, translate("MainWindow", "Save session"),
                                              start, translate("MainWindow", SESSION_FILTER))
        if path:
            if not Path(path).suffix:
                path += SUFFIX
            self.save_session_to(path)

    def choose_session_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window, translate("MainWindow", "Open session"), self.dialog_folder(),
            translate("MainWindow", SESSION_FILTER) + ";;"
            + translate("MainWindow", "All files (*)"))
        if path:
            self.open_session_from(path)

    def dialog_folder(self) -> str:
        recent = self.settings.recent_files()
        return os.path.dirname(self.session_path or (recent[0] if recent else "")) or ""

    def fill_recent_menu(self, menu: QMenu) -> None:
        menu.clear()
        paths = self.settings.recent_files()
        for i, path in enumerate(paths, start=1):
            action = menu.addAction(f"&{i} {Path(path).name}")
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_session_from(p))
        if not paths:
            menu.addAction(translate("MainWindow", "(none yet)")).setEnabled(False)
        menu.addSeparator()
        clear = menu.addAction(translate("MainWindow", "&Clear the list"))
        clear.setEnabled(bool(paths))
        clear.triggered.connect(lambda _=False: self.settings.set_recent_files([]))

    def _session_named(self, path: str) -> None:
        self.session_path = path
        self.settings.add_recent_file(path)
        self._data = self._saved = self.lab.config
        self._names_data = False
        self.modified = False
        self._retitle()
        self.session_changed.emit(path)

    # ---- the title: the session file, or the data once no file is the run's ------------------

    def _on_update(self, update: Update, _urgent: bool) -> None:
        if update.scrubbed:  # the run itself is unchanged
            return
        if needs_new_data(self._data, update.config):
            # Other data (a CSV, another preset): the session file is not this run's any more,
            # and Save must ask for a file rather than overwrite that session.
            self._data = update.config
            self.session_path = None
            self._names_data = True
            self.modified = True
            self._retitle()
        elif update.config != self._saved:
            self._set_modified(True)

    def _retitle(self) -> None:
        if self.session_path:
            name = Path(self.session_path).name
        elif self._names_data:
            name = data_label(self._data)
        else:
            return  # the window's own title, until a file or other data names the run
        self.window.setWindowTitle(translate("MainWindow", "{name}[*] — gradlab").format(
            name=name))
        self.window.setWindowModified(self.modified)

    def _set_modified(self, modified: bool) -> None:
        self.modified = modified
        if "[*]" in self.window.windowTitle():  # Qt warns when a title has no place for it
            self.window.setWindowModified(modified)

    def _on_session_saved(self, path: str) -> None:
        self._pending.pop(path, None)
        if path == self._restart_file:
            self._relaunch(path)
            return
        self._session_named(path)
        self._status(translate("MainWindow", "Saved the session to {path}").format(path=path))

    def _on_session_opened(self, path: str, accepted: bool) -> None:
        self._pending.pop(path, None)
        if not accepted:
            return  # something newer (a reset, another file) came first
        if path in self._passing:  # carried over by a restart: not the user's file
            self._passing.discard(path)
            _remove(path)
            self._data = self._saved = self.lab.config
            return
        self._session_named(path)
        self._status(translate("MainWindow", "Opened the session {path}").format(path=path))

    def _on_session_failed(self, path: str, message: object) -> None:
        op = self._pending.pop(path, "open")
        if path == self._restart_file:
            self._restart_file = None
        if path in self._passing:
            self._passing.discard(path)
            _remove(path)
        reason = tr_message(message)
        if op == "save":
            text = translate("MainWindow", "The session was not saved to {path}:\n{reason}").format(
                path=path, reason=reason)
        else:
            text = translate("MainWindow", "{path} was not opened:\n{reason}\n\nThe session you "
                             "have open is unchanged.").format(path=path, reason=reason)
            if not os.path.exists(path):
                self.settings.remove_recent_file(path)
        self.tell(translate("MainWindow", "Session"), text, warning=True)
        self.session_refused.emit(text)

    # ---- pictures and history ----------------------------------------------------------------

    def export_panel(self, name: str, path: str) -> bool:
        """Write a picture of a panel to ``path`` (.png or .svg); False (and a message) if not."""
        from gradlab.ui import export

        return self._export(export.export_panel, self.window.panel_widget(name), path)

    def export_window(self, path: str) -> bool:
        """A PNG of the whole window."""
        from gradlab.ui import export

        return self._export(export.export_window, self.window, path)

    def _export(self, write: Callable[[QWidget, str], None], widget: QWidget, path: str) -> bool:
        """Draw what is pending, then ``write(widget, path)``; say how it went."""
        from gradlab.ui import export

        self.window.draw_now()
        try:
            write(widget, str(path))
        except export.ExportError as exc:
            self.tell(translate("MainWindow", "Export"), str(exc), warning=True)
            return False
        self.say_written(str(path))
        return True

    def copy_panel(self, name: str) -> QImage:
        """Put a picture of a panel on the clipboard."""
        from gradlab.ui import export

        self.window.draw_now()
        image = export.copy_panel(self.window.panel_widget(name))
        self._status(translate("MainWindow", "Copied a picture to the clipboard"))
        return image

    def export_history(self, path: str) -> None:
        """The history as CSV, written by the worker (it keeps the history of the run)."""
        self.lab.export_history(str(path))

    def _ask_save_path(self, title: str, name: str, filters: str) -> str:
        start = os.path.join(self.dialog_folder(), name)
        path, chosen = QFileDialog.getSaveFileName(self.window, title, start, filters)
        if path and not Path(path).suffix:
            path += ".svg" if "svg" in chosen.lower() else Path(name).suffix
        return path

    def choose_panel_export(self, name: str) -> None:
        path = self._ask_save_path(
            translate("MainWindow", "Export picture"), f"gradlab-{name}.png",
            translate("MainWindow", "PNG image (*.png);;SVG drawing (*.svg)"))
        if path:
            self.export_panel(name, path)

    def choose_window_export(self) -> None:
        path = self._ask_save_path(
            translate("MainWindow", "Export the window"), "gradlab-window.png",
            translate("MainWindow", "PNG image (*.png)"))
        if path:
            self.export_window(path)

    def choose_history_export(self) -> None:
        path = self._ask_save_path(translate("MainWindow", "Export history"),
                                   "gradlab-history.csv", "CSV (*.csv)")
        if path:
            self.export_history(path)

    # ---- restart -----------------------------------------------------------------------------

    def restart(self) -> None:
        """Start gradlab again and close this window. The run is carried over in a temporary
        session file that the new window opens (and deletes) without making it its own."""
        if self._restart_file is not None:
            return
        if self.lab.state in (RunState.LOADING, RunState.LOAD_FAILED):
            self._relaunch(None)  # nothing to carry over yet
            return
        self._restart_file = os.path.join(
            tempfile.gettempdir(),
            f"gradlab-restart-{os.getpid()}-{self.lab.generation}{SUFFIX}")
        self.save_session_to(self._restart_file)  # answered in _on_session_saved / _failed

    def _relaunch(self, session: str | None) -> None:
        extra = ["--resume", session] if session else []
        if self.window.options.presenting:
            extra.append("--presentation")
        command = i18n.relaunch_command(extra)
        if self.launcher(command[0], command[1:]):
            self.window.close()
            return
        self._restart_file = None
        if session:
            _remove(session)
        self.tell(translate("MainWindow", "Language"),
                  translate("MainWindow", "gradlab could not start again: start it yourself to "
                            "see the new language."), warning=True)
