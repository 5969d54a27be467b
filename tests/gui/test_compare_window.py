"""Runs side by side in the window (issue 17): up to four runs from the same start in lockstep,
their losses overlaid on the history and their paths on the landscape in distinct colours with a
legend; every run's numbers equal its own solo run's; a run that diverges stops and says so,
the others go on; Reset, the timeline and sessions take them all along."""

from __future__ import annotations

import numpy as np

from gradlab.core.compare import READY_MADE, Comparison
from gradlab.core.config import LabConfig
from gradlab.core.data import make_preset
from gradlab.core.trainer import Trainer
from gradlab.ui.compare_display import COMPARISONS, RUN_COLORS

FOUR = [{"reduction": "sum"}, {"reduction": "sum", "lr": "lr/N"},
        {"reduction": "sum", "optimizer": "adam"}]
#: the issue's legend texts for these runs beside the main one (mean, lr 0.01)
LEGEND = ["mean, lr 0.01", "sum, lr 0.01", "sum, lr 0.01/N", "Adam, sum, lr 0.01"]


def test_the_menu_lists_the_cores_ready_made_comparisons() -> None:
    assert [(r.key, r.title) for r in READY_MADE] == list(COMPARISONS)


def _ready(window, qtbot) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: window.lab.serving, timeout=30_000)


def _steps(window, qtbot, k: int) -> None:  # noqa: ANN001
    window.lab.step(k)
    d = window.compare_display
    qtbot.waitUntil(lambda: not window.lab.running and window.shown is not None
                    and window.shown.step == k and d.buffers
                    and all(b.size and b.column("step")[-1] == k or d.fates[i]
                            for i, b in enumerate(d.buffers)), timeout=20_000)


def test_four_runs_in_colour_with_their_legend_equal_their_solo_runs(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(), worker_mode="thread")
    _ready(window, qtbot)
    window.lab.compare_runs(FOUR)
    d = window.compare_display
    qtbot.waitUntil(lambda: len(d.labels) == 4, timeout=10_000)
    assert d.legend_texts() == LEGEND
    window.show_tab("landscape")
    qtbot.waitUntil(lambda: window.teaching_tabs.panel("landscape") is not None)
    _steps(window, qtbot, 40)
    d.draw()
    data = make_preset("seed")
    solo = Comparison(LabConfig(), data, FOUR)  # only to resolve "lr/N" as the core does
    colours = set()
    for i, run in enumerate(solo.runs):
        _record, chunk = Trainer(run.config, data).run(40)  # the run alone
        step, loss, w, b = d.run_columns(i)
        np.testing.assert_array_equal(step, np.arange(1, 41))
        np.testing.assert_array_equal(loss, chunk.loss)  # bit for bit
        np.testing.assert_array_equal(w, chunk.w)
        np.testing.assert_array_equal(b, chunk.b)
        x, y = d.curves[i].getData()
        np.testing.assert_array_equal(x, np.arange(1, 41))
        np.testing.assert_allclose(y, np.log10(chunk.loss))
        px, py = d.paths[i].getData()
        np.testing.assert_array_equal(px[1:], chunk.w)  # from the start (0, 0)
        np.testing.assert_array_equal(py[1:], chunk.b)
        assert (px[0], py[0]) == (0.0, 0.0)
        colours.add(d.curves[i].opts["pen"].color().name())
        assert d.paths[i].opts["pen"].color().name() == RUN_COLORS[i]
    assert len(colours) == 4
    for legend in (d.legend, d.path_legend):
        assert legend.isVisible()
        assert [label.text for _sample, label in legend.items] == LEGEND
    # the main run is the window's own run: the status bar shows its w
    assert window.shown.record.w_after == d.run_columns(0)[2][-1]


def test_a_run_that_diverges_stops_and_says_so_the_others_go_on(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(lr=0.05), worker_mode="thread")
    _ready(window, qtbot)
    window.lab.start_compare("mean-vs-sum")  # at lr 0.05 mean converges and sum diverges
    d = window.compare_display
    qtbot.waitUntil(lambda: len(d.labels) == 2, timeout=10_000)
    _steps(window, qtbot, 600)
    texts = d.legend_texts()
    assert texts[0] == "mean, lr 0.05"
    solo = Trainer(LabConfig(lr=0.05, reduction="sum"), make_preset("seed"))
    record, _chunk = solo.run(600)  # alone, the same run stops at the same step
    assert record.diverged is not None
    assert texts[1] == f"sum, lr 0.05 — diverged at step {record.step}, stopped"
    assert d.fates[1] == f"diverged at step {record.step}: {record.diverged} (stopped; the " \
                         "others go on)"
    assert window.lab.state.value == "paused"  # the main run went on: not diverged
    assert d.run_columns(0)[0][-1] == 600
    assert d.run_columns(1)[0][-1] < 600
    # Reset takes every run back to step 0
    window.lab.reset()
    qtbot.waitUntil(lambda: window.shown is not None and window.shown.step == 0
                    and len(d.labels) == 2 and not any(d.fates), timeout=10_000)
    assert all(b.size == 0 for b in d.buffers)


def test_sum_with_lr_over_n_follows_mean_and_the_timeline_drives_all(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(), worker_mode="thread")
    _ready(window, qtbot)
    window.lab.start_compare("sum-lr-over-n")
    d = window.compare_display
    qtbot.waitUntil(lambda: len(d.labels) == 2, timeout=10_000)
    _steps(window, qtbot, 30)
    assert d.labels == ["mean, lr 0.01", "sum, lr 0.01/N"]
    assert d.largest_difference is not None and d.largest_difference < 1e-12
    assert "largest |Δw|, |Δb|" in d.legend_texts()[1]
    np.testing.assert_allclose(d.run_columns(1)[2], d.run_columns(0)[2], atol=1e-12)
    window.lab.show_step(10)  # the timeline: every run is drawn up to step 10
    qtbot.waitUntil(lambda: window.shown is not None and window.shown.scrubbed
                    and window.shown.step == 10, timeout=10_000)
    assert [d.run_columns(i)[0][-1] for i in range(2)] == [10, 10]
    assert d.curves[1].getData()[0][-1] == 10


def test_a_session_keeps_the_compared_runs(make_lab, qtbot, tmp_path) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(), worker_mode="thread")
    _ready(window, qtbot)
    window.lab.start_compare("sgd-vs-adam")
    d = window.compare_display
    qtbot.waitUntil(lambda: len(d.labels) == 3, timeout=10_000)
    _steps(window, qtbot, 12)
    at = [(d.view.runs[i].w, d.view.runs[i].b) for i in range(3)]
    labels = list(d.labels)
    path = str(tmp_path / "three.gradlab")
    with qtbot.waitSignal(window.lab.session_saved, timeout=10_000):
        window.lab.save_session(path)
    window.lab.stop_compare()
    qtbot.waitUntil(lambda: d.view is None and not d.labels, timeout=10_000)
    window.lab.open_session(path)
    qtbot.waitUntil(lambda: d.view is not None and len(d.labels) == 3, timeout=10_000)
    assert d.labels == labels
    assert [(r.w, r.b) for r in d.view.runs] == at
    assert all(r.step == 12 for r in d.view.runs)
