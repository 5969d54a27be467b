"""File menu: CSV import/export through the worker, and "Show the code"."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from gradlab.core.config import LabConfig
from gradlab.core.data import read_csv


def _close_box(window) -> str:  # noqa: ANN001
    box = window.files.message_box
    text = box.text()
    box.close()
    return text


def test_import_csv_restarts_on_the_new_data(make_lab, qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "line.csv"
    path.write_text("x,y\n# a comment\n0,1\n1,3\n2,5\n")
    window = make_lab(LabConfig())
    generation = window.lab.generation
    window.files.import_csv(str(path))
    qtbot.waitUntil(lambda: window.shown is not None and window.lab.generation > generation
                    and window.shown.generation == window.lab.generation, timeout=10_000)
    assert window.lab.config.preset == "csv" and window.lab.config.source == str(path)
    assert window.controls.preset.currentData() == "csv"
    np.testing.assert_allclose(window.shown.view.bar_loss, [1.0, 9.0, 25.0])  # w = b = 0


def test_bad_csv_is_refused_with_its_line_and_nothing_is_lost(
        make_lab, qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "bad.csv"
    path.write_text("x,y\n1,2\n2,4\n3,6\n4,8\n5,10\n6,abc\n")
    window = make_lab(LabConfig())
    window.lab.step()
    qtbot.waitUntil(lambda: window.shown.step == 1)
    generation = window.lab.generation
    window.files.import_csv(str(path))
    qtbot.waitUntil(lambda: window.files.message_box is not None
                    and window.files.message_box.isVisible(),
                    timeout=10_000)
    text = _close_box(window)
    assert "line 7" in text and "abc" in text
    assert window.lab.generation == generation and window.lab.config.preset == "seed"
    window.lab.step()  # the seed run goes on where it was
    qtbot.waitUntil(lambda: window.shown.step == 2)
    assert np.isclose(window.shown.record.w_before, 0.3)


def test_export_csv_round_trips(make_lab, qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    window = make_lab(LabConfig())
    out = tmp_path / "out.csv"
    window.lab.export_csv(str(out))
    qtbot.waitUntil(lambda: "Wrote" in window.statusBar().currentMessage(), timeout=10_000)
    data = read_csv(out)
    np.testing.assert_array_equal(data.x, [1, 2, 3, 4])
    np.testing.assert_array_equal(data.y, [2, 4, 6, 8])


def test_show_the_code_reproduces_the_lab(make_lab, qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(preset="noisy-line", lr=0.05, batch_size=8, optimizer="adam"))
    window.lab.step(7)
    qtbot.waitUntil(lambda: window.shown.step == 7 and not window.shown.running)
    window.files.show_code()
    qtbot.waitUntil(lambda: window.files.code_dialog is not None
                    and window.files.code_dialog.isVisible(),
                    timeout=10_000)
    script = tmp_path / "s.py"
    script.write_text(window.files.code_dialog.script())
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    values = dict(line.split(" = ") for line in out.strip().splitlines())
    assert float(values["w"]) == window.shown.record.w_after
    assert float(values["b"]) == window.shown.record.b_after
    window.files.code_dialog.copy()
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text() == window.files.code_dialog.script()
    window.files.code_dialog.close()


def _show_code(window, qtbot) -> tuple[str, str]:  # noqa: ANN001
    """Ask for the code; (the script shown, and saved by Save…, the dialog's note)."""
    dialog = window.files.code_dialog
    before = None if dialog is None else dialog.script()
    if dialog is not None:
        dialog.editor.setPlainText("")
    window.files.show_code()
    qtbot.waitUntil(lambda: window.files.code_dialog is not None
                    and window.files.code_dialog.isVisible()
                    and window.files.code_dialog.script() not in ("", before), timeout=10_000)
    return window.files.code_dialog.script(), window.files.code_dialog.note.text()


def test_the_script_says_what_the_dialog_says_after_an_lr_change(
        make_lab, qtbot, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    import ast

    from PySide6.QtWidgets import QFileDialog

    window = make_lab(LabConfig(), worker_mode="thread")
    window.lab.step(2)
    qtbot.waitUntil(lambda: window.shown.step == 2 and not window.shown.running)
    script, note = _show_code(window, qtbot)
    doc = " ".join(ast.get_docstring(ast.parse(script)).split())
    assert "prints the same w and b as the lab" in doc and "prints the same w and b" in note
    path = tmp_path / "plain.py"
    path.write_text(script)
    out = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    values = dict(line.split(" = ") for line in out.strip().splitlines())
    assert float(values["w"]) == window.shown.record.w_after  # and it really does
    assert float(values["b"]) == window.shown.record.b_after

    window.lab.apply_config(window.lab.config.replace(lr=0.02))  # mid-run: no restart
    qtbot.waitUntil(lambda: window.shown.config.lr == 0.02)
    window.lab.step()
    qtbot.waitUntil(lambda: window.shown.step == 3 and not window.shown.running)
    script, note = _show_code(window, qtbot)
    doc = " ".join(ast.get_docstring(ast.parse(script)).split())
    assert "will not end exactly where the lab is" in note
    assert "will not end exactly where the lab is" in doc  # the file says what the dialog says
    assert "same w and b" not in doc and "same w and b" not in note
    saved = tmp_path / "saved.py"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *args, **kwargs: (str(saved), "")))
    window.files.code_dialog.save_button.click()  # Save… writes what the dialog shows
    assert saved.read_text(encoding="utf-8") == script
    window.files.code_dialog.close()
