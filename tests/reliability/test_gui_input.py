"""Bad input through the window: junk CSV files refused with their line while the old data stays
on screen, and bad values typed into the controls refused at the control with a message, or
accepted and handled (a divergence banner) — never a crash. The window trains in a thread here."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from gradlab.core.config import LabConfig
from tests.gui.checks import panels_finite
from tests.reliability import tally

SEED = LabConfig()
SEED_X, SEED_Y = [1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 6.0, 8.0]


def lab(make_lab, config: LabConfig = SEED):  # noqa: ANN001, ANN201
    return make_lab(config, worker_mode="thread")


def shown_step(window, step: int) -> bool:  # noqa: ANN001
    return window.shown is not None and window.shown.step == step and not window.shown.running


# ---- CSV files through File → Import -------------------------------------------------------

BAD_FILES = {
    "empty": (b"", None, "no data rows"),
    "header only": (b"x,y\r\n", None, "no data rows"),
    "NaN cell": (b"x,y\n1,2\n2,nan\n", 3, "finite"),
    "inf cell": (b"1,2\n2,4\n-inf,3\n", 3, "finite"),
    "thousands separators": (b"x,y\n1,2\n1,234,5\n", 3, "comma inside a number"),
    "semicolons": (b"1;2\n3;4\n", 1, "';'"),
    "tabs": (b"x\ty\n1\t2\n", 1, "tab"),
    "BOM inside": ("1,2\n\ufeff3,4\n".encode(), 2, "not a number"),
    "CR only, bad line 3": (b"1,2\r3,4\r5,six\r", 3, "'six'"),
    "very long line": (b"1,2\n" + b"3," + b"7" * 500_000 + b"\n", 2, "finite"),
    "non-UTF-8": (b"x,y\n1,2\n3,4 # \xe9t\xe9\n", 3, "UTF-8"),
    "UTF-16": ("x,y\n1,2\n".encode("utf-16"), 1, "UTF-8"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00", 1, None),
}


def _box_text(window) -> str:  # noqa: ANN001
    box = window.files.message_box
    text = box.text()
    box.close()
    return text


def test_refused_imports_leave_the_run_and_its_data_on_screen(make_lab, qtbot,  # noqa: ANN001
                                                              tmp_path: Path) -> None:
    window = lab(make_lab)
    window.lab.step(2)
    qtbot.waitUntil(lambda: shown_step(window, 2))
    before = (window.lab.generation, window.lab.config, window.shown.record.w_after)
    for kind, (raw, line, fragment) in BAD_FILES.items():
        path = tmp_path / f"{kind}.csv"
        path.write_bytes(raw)
        window.files.message_box = None
        window.files.import_csv(str(path))
        qtbot.waitUntil(lambda: window.files.message_box is not None
                        and window.files.message_box.isVisible(),
                        timeout=10_000)
        text = _box_text(window)
        tally.tried(f"gui: CSV import ({kind})")
        if line is not None:
            assert f"line {line}" in text, (kind, text)
        if fragment is not None:
            assert fragment in text, (kind, text)
        assert len(text) < 600
        # Nothing was replaced: the same run, the same data on every panel.
        now = (window.lab.generation, window.lab.config, window.shown.record.w_after)
        assert now == before, kind
        np.testing.assert_array_equal(window.shown.view.layout.x, SEED_X)
        assert window.controls.preset.currentData() == "seed"
    window.lab.step()  # the run goes on where it was
    qtbot.waitUntil(lambda: shown_step(window, 3))
    assert window.shown.record.w_before == before[2]
    good = tmp_path / "good.csv"
    good.write_text("x,y\n0,1\n1,3\n")
    window.files.import_csv(str(good))
    qtbot.waitUntil(lambda: window.shown is not None and window.shown.view.layout.n == 2,
                    timeout=10_000)
    assert window.lab.config.preset == "csv"


# ---- values typed into the controls -----------------------------------------------------------


def type_into(qtbot, slider, text: str) -> None:  # noqa: ANN001
    """Click into a slider's value box, type ``text`` and press Enter, as a student would."""
    slider.window().activateWindow()
    slider.edit.setFocus()
    qtbot.waitUntil(slider.edit.hasFocus)
    slider.edit.selectAll()
    slider.edit.del_()
    qtbot.keyClicks(slider.edit, text)
    qtbot.keyClick(slider.edit, Qt.Key.Key_Return)


def test_enter_in_a_value_box_applies_the_value_and_does_not_run(make_lab, qtbot) -> None:  # noqa: ANN001
    """Before the fix the window's Enter shortcut (run / pause) took the key from the box: the
    run started and the typed value was not applied."""
    window = lab(make_lab)
    type_into(qtbot, window.controls.lr, "0.02")
    qtbot.waitUntil(lambda: window.shown.config.lr == 0.02)
    assert window.lab.config.lr == 0.02 and not window.lab.running
    window.lab.step()
    qtbot.waitUntil(lambda: shown_step(window, 1))
    assert window.shown.record.w_after == pytest.approx(0.6)  # lr 0.02 · 30
    window.controls.run_button.setFocus()  # elsewhere, Enter still runs and pauses
    qtbot.waitUntil(window.controls.run_button.hasFocus)
    qtbot.keyClick(window.controls.run_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.lab.state == "running")
    window.lab.pause()
    qtbot.waitUntil(lambda: window.lab.state == "paused")


REFUSED = [  # (control, typed text, words the message must contain)
    ("lr", "0", "learning rate"),
    ("lr", "-0.5", "learning rate"),
    ("lr", "nan", "learning rate"),
    ("lr", "abc", "learning rate"),
    ("lr", "", "learning rate"),
    ("batch", "10", "batch size"),  # more than the 4 samples
    ("batch", "0", "batch size"),
    ("batch", "2.5", "batch size"),
    ("momentum", "1", "momentum"),
    ("momentum", "-0.1", "momentum"),
    ("noise", "-1", "noise"),
    ("n", "1", "N"),
    ("init_w", "inf", "initial w"),
    ("speed", "0", "steps/s"),
]


def test_bad_values_are_refused_at_the_control_with_a_message(make_lab, qtbot) -> None:  # noqa: ANN001
    window = lab(make_lab, SEED.replace(preset="noisy-line", n_points=4, momentum=0.5,
                                        optimizer="momentum"))
    controls = window.controls
    for name, text, words in REFUSED:
        slider = getattr(controls, name)
        before_value, before_config = slider.value(), window.lab.config
        window.hide_banner()
        type_into(qtbot, slider, text)
        tally.tried(f"gui: typed {name} {text!r}")
        qtbot.waitUntil(lambda: window.banner.isVisible())
        message = window.banner.text()
        assert words in message and "Not applied" in message, (name, text, message)
        # The control shows the value still in force, and nothing was sent.
        assert slider.value() == before_value, (name, text)
        assert slider.edit.text() == slider.scale.text(before_value), (name, text)
        assert window.lab.config == before_config, (name, text)
    window.lab.step()
    qtbot.waitUntil(lambda: shown_step(window, 1))


def test_a_huge_learning_rate_is_accepted_and_ends_in_the_divergence_banner(  # noqa: ANN001
        make_lab, qtbot) -> None:
    window = lab(make_lab)
    type_into(qtbot, window.controls.lr, "1e9")
    tally.tried("gui: typed lr '1e9'")
    qtbot.waitUntil(lambda: window.lab.config.lr == 1e9 and window.shown.config.lr == 1e9)
    assert not window.lab.running  # Enter in the box does not start a run
    window.lab.run()
    qtbot.waitUntil(lambda: window.lab.state == "diverged", timeout=10_000)
    assert "diverged at step" in window.banner.text()
    window.flush_history()
    assert panels_finite(window)
    type_into(qtbot, window.controls.lr, "0.01")
    window.lab.reset()
    qtbot.waitUntil(lambda: shown_step(window, 0) and not window.banner.isVisible())
    window.lab.step(3)
    qtbot.waitUntil(lambda: shown_step(window, 3))
    assert window.lab.state == "paused"


def test_huge_initial_parameters_diverge_cleanly(make_lab, qtbot) -> None:  # noqa: ANN001
    window = lab(make_lab)
    type_into(qtbot, window.controls.init_w, "1e200")
    tally.tried("gui: typed initial w '1e200'")
    qtbot.waitUntil(lambda: window.lab.config.init_w == 1e200 and window.shown is not None
                    and window.shown.config.init_w == 1e200)
    window.lab.step()
    qtbot.waitUntil(lambda: window.lab.state == "diverged", timeout=10_000)
    window.flush_history()
    assert panels_finite(window)


def test_weights_of_the_wrong_length_or_all_zero(make_lab, qtbot) -> None:  # noqa: ANN001
    window = lab(make_lab, SEED.replace(reduction="weighted"))
    # Wrong length, as a session or a script could send it: refused with a message, and the
    # run keeps its old weights.
    window.lab.apply_config(window.lab.config.replace(weights=(1.0, 2.0)))
    tally.tried("gui: weights of the wrong length")
    qtbot.waitUntil(lambda: window.banner.isVisible())
    assert "weights" in window.banner.text() and "4 samples" in window.banner.text()
    window.lab.apply_config(SEED.replace(reduction="weighted"))
    window.lab.step()
    qtbot.waitUntil(lambda: shown_step(window, 1))
    assert window.shown.record.w_after == pytest.approx(0.3)  # 1/N each: the mean
    # All zero: a legal choice that says "no sample counts": loss 0, nothing moves.
    window.teaching_tabs.set_batch_weights((0.0, 0.0, 0.0, 0.0))  # ignored: no teaching view yet
    window.lab.apply_config(window.lab.config.replace(weights=(0.0, 0.0, 0.0, 0.0)))
    tally.tried("gui: all-zero weights")
    qtbot.waitUntil(lambda: window.shown.config.weights == (0.0, 0.0, 0.0, 0.0))
    window.lab.step()
    qtbot.waitUntil(lambda: shown_step(window, 2))
    record = window.shown.record
    assert (record.loss, record.grad_w, record.grad_b) == (0.0, 0.0, 0.0)
    assert record.w_after == record.w_before
    assert panels_finite(window) and not math.isnan(record.loss)
