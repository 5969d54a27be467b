"""The Per-sample tab in the window: the numbers it shows are the article's (worked by hand) and
numpy's; v typed in the Jacobian's table gives vᵀJ = backward(gradient=v)'s .grad; per-sample
clipping on the outlier preset shrinks only the outlier's share."""

from __future__ import annotations

import numpy as np
import pytest

from gradlab.core.config import LabConfig
from gradlab.core.data import make_preset


def _number(text: str) -> float:
    return float(text.replace("−", "-"))


def _open(window, qtbot):  # noqa: ANN001, ANN202
    index = next(i for i, n in window.teaching_tabs.names.items() if n == "per_sample")
    with qtbot.waitSignal(window.lab.teaching_ready, timeout=30_000):
        window.tabs.setCurrentIndex(index)
    return window.teaching_tabs.panels["per_sample"]


def _teach(window, qtbot, action) -> None:  # noqa: ANN001
    with qtbot.waitSignal(window.lab.teaching_ready, timeout=30_000):
        action()


def test_seed_table_sums_means_and_jacobian(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(), worker_mode="thread")
    panel = _open(window, qtbot)
    rows = panel.cells(panel.rows)
    assert [r[1] for r in rows] == ["−4", "−16", "−36", "−64"]  # dlᵢ/dw at w = b = 0
    assert [r[2] for r in rows] == ["−4", "−8", "−12", "−16"]  # dlᵢ/db
    sums = panel.sums.texts()
    assert sums[0][1:] == ["−120", "−40", "−120", "−40"]  # Σ rows = autograd's sum gradient
    assert sums[1][1:] == ["−30", "−10", "−30", "−10"]  # mean of rows = autograd's mean
    assert "All 4 samples" in panel.note.text()
    jac = panel.cells(panel.jacobian)
    assert [r[1:3] for r in jac] == [["−4", "−4"], ["−16", "−8"], ["−36", "−12"],
                                     ["−64", "−16"]]
    # v = (1, 0, 0, 0), typed into the table: vᵀJ = (−4, −4), and so is backward's .grad
    for row, value in ((1, "0"), (2, "0"), (3, "0"), (0, "1")):
        _teach(window, qtbot, lambda r=row, v=value: panel.jacobian.item(r, 3).setText(v))
    assert panel.vjp.texts()[0][1:] == ["−4", "−4"]  # v @ J
    assert panel.vjp.texts()[1][1:] == ["−4", "−4"]  # .grad after backward(gradient=v)
    assert "✓" in panel.verdict.text()
    _teach(window, qtbot, panel.preset_buttons["sum"].click)
    assert panel.vjp.texts()[0][1:] == ["−120", "−40"] == panel.vjp.texts()[1][1:]


def test_a_bad_v_entry_is_refused_and_v_is_kept(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(), worker_mode="thread")
    panel = _open(window, qtbot)
    panel.jacobian.item(0, 3).setText("many")
    assert panel.error.isVisibleTo(panel) and "vᵢ" in panel.error.text()
    assert panel.jacobian.item(0, 3).text() == "0.25"


def test_per_sample_clipping_on_the_outlier(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(preset="outlier"), worker_mode="thread")
    panel = _open(window, qtbot)
    data = make_preset("outlier")
    x, y = data.x, data.y
    # Independent: at w = b = 0 under MSE, row i = (2(0 − yᵢ)xᵢ, 2(0 − yᵢ)), mean over 20.
    gw, gb = -2 * y * x, -2 * y
    norm = np.hypot(gw, gb)
    outlier = int(np.argmax(norm))
    assert outlier == 15  # the preset puts it three quarters along
    c = 200.0
    assert np.sort(norm)[-2] < c < norm[outlier]  # C clips the outlier only
    panel.clip_box.setValue(c)
    _teach(window, qtbot, panel.clip_box.editingFinished.emit)
    scale = np.minimum(1.0, c / norm)
    per_sample = (np.mean(gw * scale), np.mean(gb * scale))
    reduced = np.array([gw.mean(), gb.mean()])
    then_clip = reduced * min(1.0, c / np.hypot(*reduced))
    clip = window.lab.teaching.per_sample.clip
    np.testing.assert_allclose(clip["share_w"], gw * scale / 20, rtol=1e-9)
    np.testing.assert_allclose([clip["per_sample_w"], clip["per_sample_b"]], per_sample,
                               rtol=1e-9)
    np.testing.assert_allclose([clip["reduce_then_clip_w"], clip["reduce_then_clip_b"]],
                               then_clip, rtol=1e-6)  # clip_grad_norm_ divides by norm + 1e-6
    rows = panel.cells(panel.rows)
    for i, row in enumerate(rows):
        share, clipped = _number(row[5]), _number(row[6])
        assert share == pytest.approx(gw[i] / 20, rel=1e-3)
        if i == outlier:  # its share shrinks by C/‖row‖ ...
            assert _number(row[4]) == pytest.approx(c / norm[i], rel=1e-3)
            assert clipped == pytest.approx(gw[i] / 20 * c / norm[i], rel=1e-3)
        else:  # ... the others' do not
            assert row[4] == "1" and row[6] == row[5]
    shown = panel.clipping.texts()
    assert _number(shown[1][1]) == pytest.approx(per_sample[0], rel=1e-3)
    assert _number(shown[2][1]) == pytest.approx(then_clip[0], rel=1e-3)
    # reduce-then-clip scales every share alike: the outlier's part of ∂L/∂w is unchanged
    ratio = clip["reduced_scale"]
    assert ratio == pytest.approx(then_clip[0] / reduced[0], rel=1e-6)
    assert (gw[outlier] / 20 * ratio) / clip["reduce_then_clip_w"] == pytest.approx(
        gw[outlier] / gw.sum(), rel=1e-6)
    # per-sample clipping: its part shrinks (about 35 % of ∂L/∂w before, about 21 % after)
    assert gw[outlier] / gw.sum() > 0.35
    assert clip["share_w"][outlier] / clip["per_sample_w"] < 0.22


def test_large_batch_lists_the_largest_rows_first_and_says_so(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(preset="noisy-line", n_points=1200), worker_mode="thread")
    panel = _open(window, qtbot)
    assert "1000 samples of the batch's 1200" in panel.note.text()
    assert "largest first" in panel.note.text()
    norms = [_number(r[3]) for r in panel.cells(panel.rows)]
    assert len(norms) == 1000 and norms == sorted(norms, reverse=True)
