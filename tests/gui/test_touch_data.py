"""Touch the data: drag, add and remove points in the fit panel; every panel follows."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt

from gradlab.core.config import LabConfig


def _bars(window) -> np.ndarray:  # noqa: ANN001
    return np.asarray(window.shown.view.bar_loss)


def test_dragging_a_point_changes_that_samples_loss_bar(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig())
    np.testing.assert_allclose(_bars(window), [4, 16, 36, 64])
    window.fit_panel.drag_point(3, 4.0, 2.0)  # sample 4: y 8 -> 2, so its loss 64 -> 4
    qtbot.waitUntil(lambda: window.shown.view.layout.n == 4 and _bars(window)[3] == 4.0)
    np.testing.assert_allclose(_bars(window), [4, 16, 36, 4])
    assert window.shown.record.loss == np.mean([4, 16, 36, 4])
    assert window.lab.config.preset == "csv" and "edited" in window.lab.config.source
    window.lab.step()  # training goes on on the edited data from the same w, b
    qtbot.waitUntil(lambda: window.shown.step == 1)
    assert window.shown.record.grad_w == 2 * np.mean(-np.array([2, 4, 6, 2.0]) * [1, 2, 3, 4])


def test_double_click_adds_and_right_click_removes(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig())
    panel = window.fit_panel
    vb = panel.plot.vb
    where = panel.mapFromScene(vb.sceneBoundingRect().center())
    pos = QPoint(where.x(), where.y())
    left, port = Qt.MouseButton.LeftButton, panel.viewport()
    # What a real double-click sends: pyqtgraph reports the click on the second release.
    qtbot.mousePress(port, left, pos=pos)
    qtbot.mouseRelease(port, left, pos=pos)
    qtbot.mouseDClick(port, left, pos=pos)
    qtbot.mouseRelease(port, left, pos=pos)
    qtbot.waitUntil(lambda: window.shown.view.layout.n == 5, timeout=10_000)
    assert len(_bars(window)) == 5
    panel.remove_point(0)
    qtbot.waitUntil(lambda: window.shown.view.layout.n == 4)
    np.testing.assert_allclose(window.shown.view.layout.x[:3], [2, 3, 4])


def test_the_last_point_cannot_be_removed(make_lab, qtbot, tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "one.csv"
    path.write_text("1,2\n")
    window = make_lab(LabConfig())
    window.files.import_csv(str(path))
    qtbot.waitUntil(lambda: window.shown.view.layout.n == 1, timeout=10_000)
    window.fit_panel.remove_point(0)
    qtbot.waitUntil(lambda: window.files.message_box is not None
                    and window.files.message_box.isVisible())
    assert "last point" in window.files.message_box.text()
    window.files.message_box.close()
    assert window.shown.view.layout.n == 1


def test_large_data_is_not_editable(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(preset="noisy-line", n_points=20_000))
    assert not window.fit_panel.editable
