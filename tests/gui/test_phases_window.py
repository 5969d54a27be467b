"""Step in phases in the window: the indicator walks forward → losses → reduce → backward →
update, the numbers shown are the core's (step_phases) and the step taken at *update* is the
step a plain Step takes; Step during the phases finishes the step."""

from __future__ import annotations

import numpy as np
import pytest

from gradlab.core.config import LabConfig
from gradlab.core.data import make_preset
from gradlab.core.phases import step_phases
from gradlab.core.trainer import Trainer
from gradlab.ui.phase_bar import DIM, NOT_YET, phase_text
from gradlab.views.phases import PHASES


def _press(window, qtbot, how: str = "key"):  # noqa: ANN001, ANN202
    """One press of Step in phases (the P key, the button, or Step); the PhaseView shown."""
    with qtbot.waitSignal(window.lab.phase_ready, timeout=30_000) as blocker:
        if how == "key":
            qtbot.keyClick(window.tabs.currentWidget(), "p")
        elif how == "button":
            window.phases.bar.button.click()
        else:
            window.controls.step_button.click()
    return blocker.args[0]


def _opacity(window) -> dict[str, float]:  # noqa: ANN001
    return {n: p.ci.opacity() for n, p in window.training.panels.items()}


def test_seed_walks_the_five_phases_with_the_articles_numbers(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(), worker_mode="thread")
    shown = []
    for k, name in enumerate(PHASES):
        view = _press(window, qtbot, "key" if k % 2 == 0 else "button")
        assert view.name == name and view.step == 1
        shown.append(window.phases.shown_text())
        if name == "forward":  # ŷᵢ = 0·xᵢ + 0 marked on the fit at xᵢ = 1, 2, 3, 4
            x, y = window.phases.marked()
            np.testing.assert_array_equal(x, [1, 2, 3, 4])
            np.testing.assert_array_equal(y, [0, 0, 0, 0])
            assert _opacity(window) == {"fit": 1.0, "loss": NOT_YET, "gradient": NOT_YET,
                                        "history": NOT_YET}
        if name == "losses":  # the bars appear
            assert _opacity(window) == {"fit": DIM, "loss": 1.0, "gradient": NOT_YET,
                                        "history": NOT_YET}
        if name == "backward":
            assert _opacity(window)["gradient"] == 1.0 and _opacity(window)["fit"] == DIM
            assert window.phases.marked()[0].size == 0
    # worked by hand: ŷ = 0, l = (y − 0)² = 4, 16, 36, 64, mean 30, grad (−30, −10), lr 0.01
    assert "ŷ = [0, 0, 0, 0]" in shown[0]
    assert "l = [4, 16, 36, 64]" in shown[1]
    assert "L = 30" in shown[2] and "[0.25, 0.25, 0.25, 0.25]" in shown[2]
    assert "w.grad = −30" in shown[3] and "b.grad = −10" in shown[3]
    assert "w 0 → 0.3" in shown[4] and "b 0 → 0.1" in shown[4]
    qtbot.waitUntil(lambda: window.shown is not None and window.shown.step == 1)
    assert window.shown.record.w_after == pytest.approx(0.3)
    assert set(_opacity(window).values()) == {1.0}


def test_none_stops_at_reduce_with_pytorchs_error(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(reduction="none"), wait_ready=False, worker_mode="thread")
    qtbot.waitUntil(lambda: window.lab.serving, timeout=30_000)
    views = [_press(window, qtbot) for _ in range(3)]
    assert [v.name for v in views] == ["forward", "losses", "reduce"]
    assert views[-1].refused and views[-1].last
    assert "grad can be implicitly created only for scalar outputs" in window.phases.shown_text()
    assert _opacity(window) == {"fit": DIM, "loss": 1.0, "gradient": NOT_YET, "history": NOT_YET}
    assert _press(window, qtbot).name == "forward"  # the same step, walked again
    assert window.lab.run_step == 0


#: Every loss, reduction and optimizer at least once (tests/core/test_phases.py checks the maths
#: of all 36 combinations against a whole step; here: that the window shows exactly the core's).
COMBOS = [("mse", "mean", "momentum"), ("mae", "sum", "adam"), ("huber", "weighted", "sgd"),
          ("mse", "none", "adam")]


def test_each_loss_reduction_optimizer_shows_the_cores_numbers(make_lab, qtbot) -> None:  # noqa: ANN001
    """One step in, then a press of Step finishes the walk: the numbers the window holds and
    shows are step_phases' on an independent trainer, and the step taken is that step."""
    window = make_lab(LabConfig(), worker_mode="thread")
    for loss, reduction, optimizer in COMBOS:
        cfg = window.lab.config.replace(loss=loss, reduction=reduction, optimizer=optimizer,
                                        lr=0.05)
        window.apply_config(cfg)
        qtbot.waitUntil(lambda c=cfg: window.lab.latest is not None
                        and window.lab.latest.config == c, timeout=30_000)
        twin = Trainer(cfg, make_preset("seed"))
        expected = {p.name: p.values for p in step_phases(twin).phases()}
        first = _press(window, qtbot)
        assert first.name == "forward" and first.values == expected, (loss, reduction, optimizer)
        assert window.phases.shown_text().endswith(phase_text(first))
        second = _press(window, qtbot)
        assert second.name == "losses" and window.phases.shown_text().endswith(phase_text(second))
        assert window.lab.phase_open
        done = _press(window, qtbot, "step")  # Step at any phase finishes the step
        assert done.values == expected
        if reduction == "none":
            assert done.refused
            continue
        assert done.name == "update"
        qtbot.waitUntil(lambda: window.shown.step == 1 and window.shown.record.applied)
        record = twin.step()
        assert window.shown.record.w_after == record.w_after == expected["update"]["w"]
        assert window.shown.record.b_after == record.b_after == expected["update"]["b"]
        window.lab.reset()
        qtbot.waitUntil(lambda: window.lab.latest is not None and window.lab.latest.step == 0)


def test_phases_is_in_the_toolbar_in_presentation_mode(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(), worker_mode="thread")
    phases = next(a for a in window.actions.toolbar_buttons if a.text() == "Phases")
    assert not phases.isVisible()  # the controls are shown: the bar's own button is enough
    window.options.set_presentation(True, full_screen=False)
    assert phases.isVisible()
    assert window.actions.toolbar_buttons[0].isVisible()  # the controls fold: Step is here too
    with qtbot.waitSignal(window.lab.phase_ready, timeout=30_000) as blocker:
        phases.trigger()
    assert blocker.args[0].name == "forward"
    window.options.set_presentation(False)
    assert not phases.isVisible()
