"""The learning-rate limit in the window (issue 17): the red zone of the lr slider and the limit
written under it equal the core's (and the issue's worked numbers), follow the reduction, the
data ("×2 the data") and the optimizer, and a prediction in the status bar precedes the
divergence it foretells."""

from __future__ import annotations

import re

import numpy as np
import pytest

from gradlab.core.config import LabConfig
from gradlab.core.data import make_preset
from gradlab.core.stability import stability

# The worked numbers (the article's data, full batch), derived independently.
MEAN_LIMIT = 0.119756
SUM_LIMIT = 0.0299390
MOMENTUM_MEAN_LIMIT = 0.227537


def _note(window, qtbot, **want):  # noqa: ANN001, ANN202
    """Wait until the window shows a stability note for the settings ``want``."""
    def shown() -> bool:
        note = window.stability_display.note
        return note is not None and all(
            getattr(note.stability, k, None) == v or getattr(note, k, None) == v
            for k, v in want.items())
    qtbot.waitUntil(shown, timeout=10_000)
    return window.stability_display.note


def _label_number(window) -> float:  # noqa: ANN001
    text = window.controls.lr_limit.text()
    return float(re.search(r"= ([0-9.]+)", text).group(1))


def _check_limit(window, config: LabConfig, limit: float) -> None:  # noqa: ANN001
    core = stability(config, make_preset("seed")).lr_limit
    shown = window.controls.lr.limit()
    assert shown == core
    assert shown == pytest.approx(limit, abs=1e-6)
    assert _label_number(window) == pytest.approx(limit, rel=1e-3)  # 4 significant digits
    slider = window.controls.lr.slider
    assert slider.limit_fraction is not None and 0 < slider.limit_fraction < 1
    assert 0 < slider.limit_x() < slider.width()
    assert window.stability_display.prediction_text() == ""  # lr 0.01 is below every limit


def test_the_limit_on_the_slider_is_the_cores_and_follows_the_settings(make_lab, qtbot  # noqa: ANN001
                                                                       ) -> None:
    window = make_lab(LabConfig(), worker_mode="thread")
    _note(window, qtbot, reduction="mean")
    _check_limit(window, LabConfig(), MEAN_LIMIT)
    c = window.controls
    c.reduction.setCurrentIndex(c.reduction.findData("sum"))
    _note(window, qtbot, reduction="sum")
    _check_limit(window, LabConfig(reduction="sum"), SUM_LIMIT)
    c.reduction.setCurrentIndex(c.reduction.findData("mean"))
    c.optimizer.setCurrentIndex(c.optimizer.findData("momentum"))
    _note(window, qtbot, reduction="mean", optimizer="momentum")
    _check_limit(window, LabConfig(optimizer="momentum", momentum=0.9), MOMENTUM_MEAN_LIMIT)
    c.optimizer.setCurrentIndex(c.optimizer.findData("sgd"))
    c.loss.setCurrentIndex(c.loss.findData("mae"))
    note = _note(window, qtbot, loss="mae", optimizer="sgd")
    assert note.lr_limit is None and window.controls.lr.limit() is None
    assert window.controls.lr.slider.limit_fraction is None
    assert "MAE" in window.controls.lr_limit.text()
    c.loss.setCurrentIndex(c.loss.findData("mse"))
    c.optimizer.setCurrentIndex(c.optimizer.findData("adam"))
    _note(window, qtbot, optimizer="adam", loss="mse")
    assert "Adam" in window.controls.lr_limit.text()
    assert window.controls.lr.limit() is None
    c.optimizer.setCurrentIndex(c.optimizer.findData("sgd"))
    c.loss.setCurrentIndex(c.loss.findData("huber"))
    note = _note(window, qtbot, optimizer="sgd", loss="huber")
    assert window.controls.lr.limit() == note.lr_limit is not None
    assert "quadratic region" in window.controls.lr_limit.text()
    c.loss.setCurrentIndex(c.loss.findData("mse"))
    c.reduction.setCurrentIndex(c.reduction.findData("sum"))
    c.batch.set_value(2.0, emit=True)  # minibatches: the limit is per batch
    config = LabConfig(reduction="sum", batch_size=2)
    note = _note(window, qtbot, loss="mse", reduction="sum", batch_size=2)
    core = stability(config, make_preset("seed"), 0)  # no step yet: the first epoch
    assert window.controls.lr.limit() == core.lr_limit == core.lr_limit_range[0]
    assert "per batch" in window.controls.lr_limit.text()


def test_twice_the_data_halves_sums_limit_and_not_means(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(), worker_mode="thread")
    _note(window, qtbot, reduction="mean", n_samples=4)
    first = window.controls.lr.limit()
    assert first == pytest.approx(MEAN_LIMIT, abs=1e-6)
    window.controls.double_button.click()
    note = _note(window, qtbot, n_samples=8)
    assert window.controls.lr.limit() == first  # mean: where it was
    qtbot.waitUntil(lambda: len(window.shown.record.batch) == 8)  # the redraw follows
    c = window.controls
    c.reduction.setCurrentIndex(c.reduction.findData("sum"))
    note = _note(window, qtbot, reduction="sum", n_samples=8)
    eight = note.lr_limit
    assert eight == pytest.approx(SUM_LIMIT / 2, abs=1e-6)  # 8 points: half of 4 points' limit
    window.controls.double_button.click()
    note = _note(window, qtbot, reduction="sum", n_samples=16)
    assert window.controls.lr.limit() == pytest.approx(eight / 2, rel=1e-12)
    assert window.controls.lr.limit() == pytest.approx(SUM_LIMIT / 4, abs=1e-6)


def test_a_prediction_precedes_the_divergence(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(reduction="sum", lr=0.05), worker_mode="thread")
    events: list[str] = []
    window.trouble_shown.connect(lambda text: events.append("diverged: " + text))
    _note(window, qtbot, reduction="sum")
    said = window.stability_display.prediction_text()
    events.append("predicted: " + said)
    # the words, with the limit to the digits the issue prints
    assert said == "lr 0.05 > 2/λ_max = 0.0299 under sum: this run will diverge"
    assert window.stability_display.status.isVisible()
    assert said in window.stability_display.status.text()
    window.lab.run()
    qtbot.waitUntil(lambda: len(events) == 2, timeout=20_000)
    assert events[0].startswith("predicted: ")
    assert events[1].startswith("diverged: ") and "as predicted" in events[1]
    assert said in events[1]


def test_no_prediction_below_the_limit_and_a_plain_divergence_message(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(reduction="mean", lr=0.05), worker_mode="thread")
    _note(window, qtbot, reduction="mean")
    assert window.stability_display.prediction_text() == ""
    assert not window.stability_display.status.isVisible()
    window.controls.lr.set_value(0.2, emit=True)  # above mean's 0.119756
    note = _note(window, qtbot, lr=0.2)
    assert note.prediction is not None
    assert window.stability_display.prediction_text().startswith("lr 0.2 > 2/λ_max = 0.12")


def test_the_eigen_directions_and_the_errors_along_them(make_lab, qtbot) -> None:  # noqa: ANN001
    """Above lr·λ_max = 1 (here 0.115 · 16.7006 = 1.92) the error along the fast direction flips
    sign every step while the slow one keeps its sign: the Distill picture."""
    from gradlab.core.stability import eigen_errors

    window = make_lab(LabConfig(lr=0.115), worker_mode="thread")
    _note(window, qtbot, reduction="mean", lr=0.115)
    window.show_tab("landscape")
    window.lab.step(30)
    qtbot.waitUntil(lambda: window.shown is not None and window.shown.step == 30
                    and not window.lab.running, timeout=10_000)
    window.draw_now()
    eig = window.eigen_display
    eig.draw()
    s = window.stability_display.note.stability
    assert s.minimum == pytest.approx((2.0, 0.0), abs=1e-12)  # y = 2x exactly
    for (xs, ys), (dw, db) in zip(eig.line_points(), s.directions, strict=True):
        assert len(xs) == 2
        # through the minimum, along the direction
        np.testing.assert_allclose((xs[0] + xs[1]) / 2, 2.0, atol=1e-12)
        np.testing.assert_allclose((ys[0] + ys[1]) / 2, 0.0, atol=1e-12)
        assert (xs[1] - xs[0]) * db == pytest.approx((ys[1] - ys[0]) * dw, abs=1e-9)
    buf = window.history_panel.buffer
    want = eigen_errors(s, buf.column("w"), buf.column("b"))
    (x0, slow), (x1, fast) = eig.error_data()
    np.testing.assert_array_equal(x0, np.arange(1, 31))
    np.testing.assert_array_equal(slow, want[:, 0])
    np.testing.assert_array_equal(fast, want[:, 1])
    assert (np.sign(fast[1:]) != np.sign(fast[:-1])).all()
    assert (np.sign(slow) == np.sign(slow[0])).all()
