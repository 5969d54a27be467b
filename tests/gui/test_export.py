"""Pictures of the panels (PNG, SVG, the clipboard), the whole window, and the history as CSV."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtSvg import QSvgRenderer

from gradlab.core.config import LabConfig

NOISY = LabConfig(preset="noisy-line", lr=0.05, batch_size=10)


@pytest.fixture
def lab(make_lab, qtbot):  # noqa: ANN001, ANN201
    window = make_lab(NOISY, worker_mode="thread")
    window.lab.step(5)
    qtbot.waitUntil(lambda: window.shown.step == 5 and not window.shown.running)
    return window


@pytest.mark.parametrize("name", ["fit", "loss", "gradient", "history"])
def test_each_training_panel_to_png_and_svg(lab, tmp_path: Path, name: str) -> None:  # noqa: ANN001
    panel = lab.panel_widget(name)
    png, svg = tmp_path / f"{name}.png", tmp_path / f"{name}.svg"
    assert lab.files.export_panel(name, str(png)) and lab.files.export_panel(name, str(svg))
    image = QImage(str(png))
    assert (image.width(), image.height()) == (panel.width(), panel.height())
    assert len({image.pixel(x, y) for x in range(0, image.width(), 7)
                for y in range(0, image.height(), 7)}) > 3  # a picture, not a blank
    text = svg.read_text(encoding="utf-8")
    assert "pyqtgraph SVG export" in text  # pyqtgraph's own exporter, vector graphics
    assert QSvgRenderer(str(svg)).isValid()
    assert "Wrote" in lab.statusBar().currentMessage()


def test_teaching_tab_and_whole_window(lab, qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    lab.show_tab("reduction")
    qtbot.waitUntil(lambda: lab.teaching_tabs.panel("reduction") is not None
                    and lab.lab.teaching is not None)
    for suffix in (".png", ".svg"):
        out = tmp_path / f"tab{suffix}"
        assert lab.files.export_panel("tab", str(out))
        assert out.stat().st_size > 1000
    assert QSvgRenderer(str(tmp_path / "tab.svg")).isValid()
    lab.show_tab("landscape")  # a pyqtgraph teaching panel
    qtbot.waitUntil(lambda: lab.teaching_tabs.panel("landscape") is not None)
    assert lab.files.export_panel("tab", str(tmp_path / "landscape.svg"))
    assert "pyqtgraph" in (tmp_path / "landscape.svg").read_text(encoding="utf-8")
    window_png = tmp_path / "window.png"
    assert lab.files.export_window(str(window_png))
    image = QImage(str(window_png))
    assert (image.width(), image.height()) == (lab.width(), lab.height())


def test_a_wrong_file_name_is_refused_with_a_message(lab, tmp_path: Path) -> None:  # noqa: ANN001
    assert not lab.files.export_panel("fit", str(tmp_path / "fit.jpg"))
    assert ".png or .svg" in lab.files.message_box.text()
    assert not lab.files.export_window(str(tmp_path / "window.svg"))
    assert not lab.files.export_panel("fit", str(tmp_path / "no" / "such" / "fit.png"))
    assert "cannot write" in lab.files.message_box.text()
    lab.files.message_box.close()


def test_copy_a_panel_to_the_clipboard(lab) -> None:  # noqa: ANN001
    QGuiApplication.clipboard().clear()
    image = lab.files.copy_panel("loss")
    pasted = QGuiApplication.clipboard().image()
    assert not pasted.isNull() and pasted.size() == image.size()
    assert "clipboard" in lab.statusBar().currentMessage()


def test_history_to_csv(lab, qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    out = tmp_path / "history.csv"
    lab.files.export_history(str(out))
    qtbot.waitUntil(lambda: str(out) in lab.statusBar().currentMessage(), timeout=10_000)
    lines = out.read_text().splitlines()
    assert lines[0].startswith("#") and lines[1] == "step,loss,grad_w,grad_b,w,b"
    table = np.loadtxt(out, delimiter=",", skiprows=2)
    buf = lab.history_panel.buffer
    assert table.shape == (5, 6)
    np.testing.assert_array_equal(table[:, 0], [1, 2, 3, 4, 5])
    np.testing.assert_array_equal(table[:, 4], buf.column("w"))  # full precision
    np.testing.assert_array_equal(table[:, 3], buf.column("grad_b"))
    assert table[-1, 4] == lab.shown.record.w_after
