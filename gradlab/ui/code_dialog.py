""""Show the code": the plain PyTorch script equivalent to the lab's run, with Copy and Save."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gradlab.i18n import tr_message, translate


class CodeDialog(QDialog):
    """Non-modal: students keep it open beside the lab while they read the script."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("CodeDialog", "The same run in plain PyTorch"))
        self.resize(900, 700)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.editor = QPlainTextEdit()
        self.editor.setReadOnly(True)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(max(font.pointSize(), 12))
        self.editor.setFont(font)
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(translate("CodeDialog", "Copy"))
        self.copy_button.setToolTip(translate("CodeDialog", "Copy the script to the clipboard, to "
                                              "paste into a .py file"))
        self.save_button = QPushButton(translate("CodeDialog", "Save…"))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.close)
        self.copy_button.clicked.connect(self.copy)
        self.save_button.clicked.connect(self._save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.editor, 1)
        layout.addWidget(buttons)

    def show_script(self, script: str, note: str) -> None:
        """``note``: a Message from the worker (translated here) or plain text."""
        self.editor.setPlainText(script)
        self.note.setText(tr_message(note) + "  "
                          + translate("CodeDialog", "Run it with: python script.py"))
        self.show()
        if QGuiApplication.platformName() != "offscreen":  # offscreen cannot raise (and warns)
            self.raise_()

    def script(self) -> str:
        return self.editor.toPlainText()

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.script())

    def _save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, translate("CodeDialog", "Save the script"),
                                              "gradlab_run.py", "Python (*.py)")
        if path:
            try:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(self.script())
            except OSError as exc:
                self.note.setText(translate("CodeDialog", "Could not save {path}: {reason}")
                                  .format(path=path, reason=exc.strerror or exc))
