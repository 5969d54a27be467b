"""Issue 19 in the window: the logistic model's worked table read from the panels, the model
switch, and an all-ignored batch (a teaching note, not a divergence)."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt

from gradlab.core.config import LabConfig
from gradlab.core.data import Dataset
from gradlab.core.splitting import SplitSettings

DATA = Dataset([1.0, 2.0, 3.0, 4.0], [0.0, 0.0, 1.0, 1.0], name="table.csv")


def numbers(html: str) -> list[float]:
    """The numbers a panel's text shows ("−0.5" -> -0.5, "NaN" -> nan)."""
    text = re.sub(r"<[^>]+>", "", html).replace("−", "-")
    return [float(v) for v in re.findall(r"NaN|-?\d+(?:\.\d+)?(?:e-?\d+)?", text)]


def logistic(**changes: object) -> LabConfig:
    return LabConfig(preset="csv", model="logistic", source="table.csv", **changes)


def on_screen(window) -> dict[str, list[float]]:  # noqa: ANN001
    window.draw_now()
    return {
        "loss": numbers(window.loss_panel.reduced_label.toPlainText()),
        "w": numbers(window.gradient_panel.title("w")),
        "b": numbers(window.gradient_panel.title("b")),
        "status": numbers(window.status.labels["loss"].text()),
    }


# The table, derived by hand (x = 1..4, y = 0,0,1,1, w = b = 0: every p = 0.5, every
# loss ln 2): loss, ∂L/∂w, ∂L/∂b, the denominator of mean.
TABLE = [
    ({"loss": "bce"}, 0.693147, -0.5, 0.0, 4),
    ({"loss": "bce", "sample_weights": (1, 1, 3, 3)}, 1.386294, -2.25, -0.5, 4),
    ({"loss": "cross-entropy"}, 0.693147, -0.5, 0.0, 4),
    ({"loss": "cross-entropy", "class_weights": (1, 3)}, 0.693147, -1.125, -0.25, 8),
    ({"loss": "cross-entropy", "ignore": (3,)}, 0.693147, 0.0, 0.166667, 3),
]


@pytest.mark.parametrize(("changes", "loss", "gw", "gb", "den"), TABLE)
def test_each_row_of_the_table_on_the_panels(make_lab, changes, loss, gw, gb,  # noqa: ANN001
                                             den) -> None:
    window = make_lab(logistic(**changes), DATA, worker_mode="thread")
    shown = on_screen(window)
    # the loss panel: "mean = 0.6931 ÷ 4", and the record behind it
    assert shown["loss"] == [pytest.approx(loss, rel=5e-4), den]
    assert window.shown.record.loss == pytest.approx(loss, abs=1e-6)
    assert window.shown.record.denominator == den
    assert window.shown.record.grad_w == pytest.approx(gw, abs=1e-6)
    assert window.shown.record.grad_b == pytest.approx(gb, abs=1e-6)
    assert shown["w"][-1] == pytest.approx(gw, abs=5e-4)
    assert shown["b"][-1] == pytest.approx(gb, abs=5e-4)
    # the status bar: "loss 0.6931 ÷ 4 before step 1"
    assert shown["status"][:2] == [pytest.approx(loss, rel=5e-4), den]
    assert "÷" in window.loss_panel.note.toPlainText()  # ... and why it divides by that


def test_every_sample_ignored_is_a_note_not_a_divergence(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(logistic(loss="cross-entropy", ignore=(0, 1, 2, 3)), DATA,
                      worker_mode="thread")
    shown = on_screen(window)
    label = window.loss_panel.reduced_label.toPlainText()
    assert "NaN" in label and shown["loss"][-1] == 0  # "mean = NaN ÷ 0"
    assert (window.shown.record.grad_w, window.shown.record.grad_b) == (0.0, 0.0)
    assert window.shown.record.denominator == 0
    assert "every sample" in window.status.labels["loss"].text()
    window.resize(1600, 1000)  # the loss panel's notes need a plot tall enough for them
    window.redraw_shown()
    qtbot.waitUntil(lambda: "mean of nothing is NaN" in window.loss_panel.note.toPlainText())
    window.lab.step(2)
    qtbot.waitUntil(lambda: window.shown.step == 2 and window.shown.record.applied,
                    timeout=30_000)
    on_screen(window)
    assert window.lab.state.value != "diverged" and not window.banner.isVisible()
    assert (window.shown.record.w_after, window.shown.record.b_after) == (0.0, 0.0)
    assert "mean of nothing is NaN" in window.statusBar().currentMessage()


def test_class_weight_boxes_and_the_model_switch(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(logistic(loss="bce"), DATA, worker_mode="thread")
    controls = window.controls
    assert [controls.loss.itemData(i) for i in range(controls.loss.count())] == \
        ["bce", "cross-entropy"]
    assert not controls.class_w0.isEnabled()
    controls.loss.setCurrentIndex(controls.loss.findData("cross-entropy"))
    assert controls.class_w0.isEnabled()
    controls.class_w1.set_value(3.0)
    controls.class_w1.value_changed.emit(3.0)
    qtbot.waitUntil(lambda: window.shown.record.denominator == 8, timeout=30_000)
    shown = on_screen(window)
    assert window.lab.config.class_weights == (1.0, 3.0)
    assert shown["loss"] == [pytest.approx(0.693147, rel=5e-4), 8]
    assert shown["w"][-1] == pytest.approx(-1.125, abs=5e-4)
    assert shown["b"][-1] == pytest.approx(-0.25, abs=5e-4)
    # back to the line: the loss box lists the line's losses
    controls.model.setCurrentIndex(controls.model.findData("line"))
    qtbot.waitUntil(lambda: window.shown.record.model == "line", timeout=30_000)
    assert window.lab.config.loss == "mse" and window.lab.config.class_weights is None


def test_logistic_on_labels_other_than_0_1_is_refused(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(), worker_mode="thread")  # the seed preset: y = 2x
    before = window.lab.config
    window.lab.step(1)
    qtbot.waitUntil(lambda: window.shown.step == 1, timeout=30_000)
    window.controls.model.setCurrentIndex(window.controls.model.findData("logistic"))
    assert "0 or 1" in window.refusal and window.banner.isVisible()
    assert window.lab.config == before and window.shown.step == 1
    assert window.controls.model.currentData() == "line"
    assert window.controls.loss.currentData() == "mse"


@pytest.mark.parametrize("preset", ["pass-fail", "separable", "imbalanced"])
def test_each_classification_preset_brings_its_model(make_lab, qtbot, preset) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(), worker_mode="thread")
    window.controls.preset.setCurrentIndex(window.controls.preset.findData(preset))
    qtbot.waitUntil(lambda: window.shown.record.model == "logistic", timeout=30_000)
    assert window.lab.config.model == "logistic" and window.lab.config.loss == "bce"
    assert window.lab.state.value != "error"


def test_right_click_ignores_a_point_drawn_hollow(make_lab, qtbot) -> None:  # noqa: ANN001
    """Right-click → "ignore" (cross-entropy's ignore_index): the table's row "--ignore 3"."""
    window = make_lab(logistic(loss="cross-entropy"), DATA, worker_mode="thread")
    fit = window.fit_panel
    assert fit.can_ignore
    menu = fit.point_menu(3)
    remove, ignore = menu.actions()
    assert "ignore" in ignore.text()
    ignore.trigger()
    menu.close()
    qtbot.waitUntil(lambda: window.shown.record.denominator == 3, timeout=30_000)
    shown = on_screen(window)
    assert window.lab.config.ignore == (3,)
    assert shown["loss"] == [pytest.approx(0.693147, rel=5e-4), 3]
    assert shown["w"][-1] == pytest.approx(0.0, abs=5e-4)
    assert shown["b"][-1] == pytest.approx(0.166667, abs=5e-4)
    brushes = fit.points.data["brush"]
    assert brushes[3].style() == Qt.BrushStyle.NoBrush  # hollow
    assert all(b.style() != Qt.BrushStyle.NoBrush for b in brushes[:3])
    assert len(window.shown.view.layout.x) == 4  # the point is ignored, not removed


def test_line_only_features_say_so_under_logistic(make_lab, qtbot) -> None:  # noqa: ANN001
    """Step in phases and the ready-made comparisons know the line only: a plain message, no
    error state, nothing changed."""
    window = make_lab(logistic(loss="bce"), DATA, worker_mode="thread")
    before = window.lab.config
    window.phases.advance()
    assert "line model only" in window.banner.text() and window.banner.isVisible()
    assert not window.phases.bar.button.isEnabled()
    window.compare_display._start("mean-vs-sum")
    assert "line model only" in window.banner.text()
    qtbot.wait_until(lambda: window.lab.state.value in ("ready", "paused"), timeout=5_000)
    assert window.lab.config == before
    # The limit's note comes with the worker's answer, which may follow the state's change.
    qtbot.waitUntil(lambda: "line model only" in window.controls.lr_limit.text(), timeout=5_000)


def test_the_batches_tab_says_it_shows_the_line_model_only(make_lab, qtbot) -> None:  # noqa: ANN001
    """Opening Batches & workers under the logistic model used to put the lab in its error
    state (the last-batch epoch ran the line's per-sample loss on 'cross-entropy'); it says
    why it is empty instead, and a split is refused with the same sentence."""
    window = make_lab(logistic(loss="cross-entropy"), DATA, worker_mode="thread")
    with qtbot.waitSignal(window.lab.teaching_ready, timeout=20_000):
        window.show_tab("batches")
    panel = window.teaching_tabs.panel("batches")
    qtbot.waitUntil(lambda: "line model only" in panel.accum_message.text())
    assert "line model only" in panel.workers_message.text()
    with qtbot.waitSignal(window.lab.split_failed, timeout=10_000) as refused:
        window.lab.set_split(SplitSettings(micro_batches=2))
    assert "line model only" in str(refused.args[0])
    assert window.lab.state.value in ("ready", "paused")
    assert window.lab.split == SplitSettings()
