"""The loss-landscape panel shows the core's grid (checked against the trainer's own loss), the
path and the step it is given, and turns clicks and a path leaving the grid into signals."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from gradlab.core.config import LabConfig
from gradlab.core.data import make_preset
from gradlab.core.landscape import LossGrid, loss_grid
from gradlab.ui.landscape_panel import CLIP_FACTOR, DECADES, LandscapePanel, log_image

X = np.array([1.0, 2.0, 3.0, 4.0])
Y = np.array([2.0, 4.0, 6.0, 8.0])
W_RANGE, B_RANGE = (-1.0, 5.0), (-4.0, 4.0)


@pytest.fixture
def panel(qtbot) -> LandscapePanel:  # noqa: ANN001
    p = LandscapePanel()
    qtbot.addWidget(p)
    p.resize(900, 600)
    p.show()
    qtbot.waitExposed(p)
    return p


def seed_grid(n: int = 41) -> LossGrid:
    return loss_grid(X, Y, "mse", "mean", None, W_RANGE, B_RANGE, n=n)


def test_image_is_log_of_the_grid_with_the_right_rect(panel: LandscapePanel) -> None:
    grid = seed_grid()
    panel.show_grid(grid, "mse", "mean")
    L = grid.L
    # Independent of the panel's helper: log10 of L, floored DECADES below the largest loss.
    want = np.log10(np.clip(L, L.max() * 10.0 ** -DECADES, None))
    np.testing.assert_allclose(panel.image_data(), want)
    np.testing.assert_allclose(panel.image_data(), log_image(L)[0])
    n = L.shape[1]
    dw = (W_RANGE[1] - W_RANGE[0]) / (n - 1)
    db = (B_RANGE[1] - B_RANGE[0]) / (L.shape[0] - 1)
    np.testing.assert_allclose(
        panel.image_rect(),
        (W_RANGE[0] - dw / 2, B_RANGE[0] - db / 2, n * dw, L.shape[0] * db), rtol=1e-9,
    )
    assert len(panel.contour_levels()) >= 3
    assert "exact over 4 samples" in panel.note_text()


@pytest.mark.parametrize(("preset", "loss", "reduction"), [
    ("seed", "mse", "mean"), ("outlier", "mae", "mean"), ("outlier", "huber", "sum"),
])
def test_grid_value_is_the_trainers_loss(panel: LandscapePanel, preset: str, loss: str,
                                         reduction: str) -> None:
    from gradlab.core.trainer import Trainer

    data = make_preset(preset)
    grid = loss_grid(data.x, data.y, loss, reduction, None, W_RANGE, B_RANGE, n=31)
    panel.show_grid(grid, loss, reduction)
    for i, j in ((3, 7), (15, 15), (30, 0)):
        w, b = float(grid.W[i, j]), float(grid.B[i, j])
        config = LabConfig(preset=preset, loss=loss, reduction=reduction, init_w=w, init_b=b)
        full = Trainer(config, data).preview().loss  # full batch: the default
        assert grid.L[i, j] == pytest.approx(full, rel=1e-9)
        top = grid.L.max()
        assert panel.image_data()[i, j] == pytest.approx(np.log10(max(full, top * 1e-6)))
        # The image pixel at (w, b) is cell (i, j): the rect puts cell centres on grid points.
        x0, y0, width, height = panel.image_rect()
        col = int((w - x0) / width * grid.L.shape[1])
        row = int((b - y0) / height * grid.L.shape[0])
        assert (row, col) == (i, j)


def test_trajectory_and_arrow_are_what_was_set(panel: LandscapePanel) -> None:
    from gradlab.core.trainer import Trainer

    config = LabConfig()
    trainer = Trainer(config, make_preset("seed"))
    ws, bs = [config.init_w], [config.init_b]
    for _ in range(50):
        r = trainer.step()
        ws.append(r.w_after)
        bs.append(r.b_after)
    panel.show_grid(seed_grid())
    panel.set_trajectory(np.array(ws), np.array(bs))
    tw, tb = panel.trajectory_data()
    np.testing.assert_array_equal(tw, ws)
    np.testing.assert_array_equal(tb, bs)
    nxt = trainer.preview()
    dw, db = -config.lr * nxt.grad_w, -config.lr * nxt.grad_b
    panel.set_step_arrow(ws[-1], bs[-1], dw, db)
    assert panel.arrow_points() == ((ws[-1], bs[-1]), (ws[-1] + dw, bs[-1] + db))
    lx, ly = panel.step_line.getData()
    np.testing.assert_allclose(lx, [ws[-1], ws[-1] + dw])
    np.testing.assert_allclose(ly, [bs[-1], bs[-1] + db])
    assert panel.step_head.isVisible()
    panel.set_step_arrow(ws[-1], bs[-1], 0.0, 0.0)  # no step: no arrow
    assert panel.arrow_points() is None and not panel.step_head.isVisible()


def test_click_emits_the_point_under_the_mouse(panel: LandscapePanel, qtbot) -> None:  # noqa: ANN001
    grid = seed_grid()
    panel.show_grid(grid)
    target = (1.3, -2.2)
    scene = panel.plot.vb.mapViewToScene(QPointF(*target))
    where = panel.mapFromScene(scene)
    with qtbot.waitSignal(panel.start_point_chosen, timeout=2000) as blocker:
        qtbot.mouseClick(panel.viewport(), Qt.MouseButton.LeftButton, pos=where)
    w, b = blocker.args
    cell_w = (W_RANGE[1] - W_RANGE[0]) / (grid.L.shape[1] - 1)
    cell_b = (B_RANGE[1] - B_RANGE[0]) / (grid.L.shape[0] - 1)
    assert abs(w - target[0]) < cell_w and abs(b - target[1]) < cell_b


def test_leaving_the_grid_asks_for_a_range_once(panel: LandscapePanel, qtbot) -> None:  # noqa: ANN001
    panel.show_grid(seed_grid())
    with qtbot.assertNotEmitted(panel.range_requested):
        panel.set_trajectory(np.array([0.0, 1.0, 2.0]), np.array([0.0, 0.5, 0.2]))
    ws, bs = np.array([0.0, 4.0, 8.0]), np.array([0.0, 3.0, 6.5])
    with qtbot.waitSignal(panel.range_requested, timeout=1000) as blocker:
        panel.set_trajectory(ws, bs)
    (w0, w1), (b0, b1) = blocker.args
    assert w0 <= ws.min() and w1 >= ws.max() and b0 <= bs.min() and b1 >= bs.max()
    assert w0 <= 2.0 <= w1 and b0 <= 0.0 <= b1  # the valley stays in view
    with qtbot.assertNotEmitted(panel.range_requested):  # pending: not asked again
        panel.set_trajectory(ws, bs)
    # The worker answers with a grid over that range: the path is inside, nothing more asked.
    with qtbot.assertNotEmitted(panel.range_requested):
        panel.show_grid(loss_grid(X, Y, "mse", "mean", None, (w0, w1), (b0, b1), n=41))
        panel.set_trajectory(ws, bs)


def test_a_new_run_forgets_the_old_path(panel: LandscapePanel, qtbot) -> None:  # noqa: ANN001
    """Issue 15, item 9: after a reset the grid of the new run arrived, and the diverged path
    of the old run (still on the panel) asked for a range 1000× wider: the view never came
    back."""
    panel.show_grid(seed_grid())
    panel.set_trajectory(np.array([0.0, 50.0, -5e4]), np.array([0.0, 20.0, -2e4]))
    panel.set_step_arrow(0.0, 0.0, 1e5, 1e5)
    panel.new_run()
    assert panel.trajectory_data()[0].size == 0 and panel.arrow_points() is None
    with qtbot.assertNotEmitted(panel.range_requested):
        panel.show_grid(seed_grid())
        panel.set_trajectory(np.array([0.0, 0.3]), np.array([0.0, 0.1]))
    assert panel.image_rect()[2] < 10


def test_non_finite_and_absurd_inputs_are_filtered(panel: LandscapePanel) -> None:
    grid = seed_grid(21)
    L = grid.L.copy()
    L[0, 0], L[1, 1], L[2, 2], L[3, 3] = np.inf, np.nan, -np.inf, 1e308
    panel.show_grid(LossGrid(grid.W, grid.B, L, approximate=True, samples_used=1234))
    assert np.isfinite(panel.image_data()).all()
    assert "approximate" in panel.note_text() and "1,234" in panel.note_text()
    ws = np.array([0.0, np.nan, 1.0, np.inf, 1e300, 2.0])
    bs = np.array([0.0, 1.0, -np.inf, 0.5, 1e300, 0.1])
    panel.set_trajectory(ws, bs)
    tw, tb = panel.trajectory_data()
    assert np.isfinite(tw).all() and np.isfinite(tb).all()
    assert tw.size == 3  # the three finite points
    span = CLIP_FACTOR * (W_RANGE[1] - W_RANGE[0]) * 2
    assert np.abs(tw).max() < span
    panel.set_step_arrow(1.0, 1.0, np.nan, 0.1)
    assert panel.arrow_points() is None
    panel.set_step_arrow(1.0, 1.0, 1e300, -1e300)
    assert np.isfinite(panel.step_line.getData()[0]).all()
    everything_bad = LossGrid(grid.W, grid.B, np.full_like(L, np.nan))
    panel.show_grid(everything_bad)
    assert np.isfinite(panel.image_data()).all()
    panel.grab()  # paint everything: no warning, no crash


def test_a_grid_that_cannot_be_placed_is_ignored(panel: LandscapePanel) -> None:
    grid = seed_grid(11)
    panel.show_grid(grid)
    W = np.full_like(grid.W, np.nan)
    panel.show_grid(LossGrid(W, grid.B, grid.L))
    np.testing.assert_allclose(panel.image_data(), log_image(grid.L)[0])


def test_reduction_none_says_the_surface_is_the_means(panel: LandscapePanel) -> None:
    panel.show_grid(seed_grid(), "mse", "none")
    assert "none has no scalar L" in panel.title.text


def test_panels_import_without_torch() -> None:
    # The window imports the panels before torch has loaded (in the worker thread).
    import subprocess
    import sys

    code = ("import sys, gradlab.ui.landscape_panel, gradlab.ui.graph_panel; "
            "sys.exit('torch' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()


def test_a_point_off_the_chart_is_not_drawn_at_its_edge(panel: LandscapePanel) -> None:
    """Issue 15, item 8: a diverging path is drawn where it is in view; the current point off
    the chart is marked by an arrow at the view's edge pointing its way, not drawn at a corner
    of the clip box with a segment it never travelled."""
    panel.show_grid(seed_grid())
    ws = np.array([0.0, 1.0, 2.0, 8.1e157])
    bs = np.array([0.0, 0.5, 1.0, 6.0e157])
    panel.set_trajectory(ws, bs)
    assert panel.current.data.size == 0  # no current marker at the clip box's corner
    assert panel.start.data.size == 1
    dx, dy = panel.dots.getData()
    np.testing.assert_array_equal(dx, ws[:3])
    connect = panel.path.opts["connect"]
    assert list(connect) == [True, True, False, False]  # no segment to the clip box
    assert panel.away.isVisible()
    (x0, x1), (y0, y1) = (W_RANGE, B_RANGE)
    pos = panel.away.pos()
    assert x0 <= pos.x() <= x1 and y0 <= pos.y() <= y1  # in view
    assert pos.x() > (x0 + x1) / 2 and pos.y() > (y0 + y1) / 2  # towards +w, +b
    # Pointing right and up on screen (as the step's head: 180 + the screen angle, whose y
    # grows downwards).
    angle = panel.away.opts["angle"] % 360
    assert 90 < angle < 180
    panel.set_step_arrow(ws[-1], bs[-1], -1e150, -1e150)  # a step from off the chart
    lx, _ly = panel.step_line.getData()
    assert lx is None or len(lx) == 0
    assert not panel.step_head.isVisible()
    panel.set_trajectory(ws[:3], bs[:3])  # back in view: marker, no arrow
    assert panel.current.data.size == 1 and not panel.away.isVisible()
