"""The Batches & workers tab's data-parallel part on real DDP worker processes: the worked
table's worker rows (the article's data, w = b = 0, MSE) read from the tab against the core and the
literal values; a killed worker ends the group with a message in the tab and the lab goes on; no
process is left behind. Few groups (each costs processes)."""

from __future__ import annotations

import os
import signal

import pytest
from PySide6.QtCore import Qt

from gradlab.core.config import LabConfig
from gradlab.core.splitting import SplitSettings
from gradlab.ui.batches_parts import pair


def gone(pids) -> bool:  # noqa: ANN001
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        return False
    return True


def open_workers(window, qtbot, w: int = 2):  # noqa: ANN001, ANN201
    window.show_tab("batches")
    panel = window.teaching_tabs.panel("batches")
    qtbot.waitUntil(lambda: panel.view is not None, timeout=60_000)
    panel.parts.setCurrentIndex(1)
    panel.workers_w.setValue(w)
    panel.workers_on.setChecked(True)
    qtbot.waitUntil(lambda: panel.view.workers is not None, timeout=120_000)
    return panel


def step_at_zero(window, panel, qtbot) -> dict:  # noqa: ANN001
    """Back to w = b = 0 (the same workers), one Step through them; the tab's numbers."""
    with qtbot.waitSignal(window.lab.update_ready, timeout=30_000):
        window.lab.reset()
    qtbot.waitUntil(lambda: panel.view.workers is not None and panel.view.workers.last is None,
                    timeout=30_000)
    step = window.lab.run_step
    qtbot.mouseClick(panel.workers_step, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.view.workers.last is not None
                    and panel.view.workers.last.step == step + 1, timeout=30_000)
    return panel.values()["workers"]


WORKER_ROWS = [  # (shards, local reduction, × world, gradient, matches, words of the reason)
    ("", "mean", False, (-30.0, -10.0), True, ""),
    ("1,3", "mean", False, (-64.0 / 3.0, -8.0), False, "unequal sizes"),
    ("", "sum", False, (-60.0, -20.0), False, "÷W"),
    ("", "sum", True, (-120.0, -40.0), True, ""),
]


def test_worker_rows_of_the_worked_table_and_a_killed_worker(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(), worker_mode="thread")
    panel = open_workers(window, qtbot)
    first = panel.view.workers.pids
    for shards, reduction, world, expected, matches, why in WORKER_ROWS:
        panel.local_reduction.setCurrentIndex(panel.local_reduction.findData(reduction))
        panel.shard_sizes.setText(shards)
        panel.world_scale.setChecked(world)
        panel.shard_sizes.editingFinished.emit()
        want = SplitSettings(workers=2, shard_sizes=tuple(map(int, shards.split(",")))
                             if shards else None, ddp_loss_scale="world" if world else "none")
        qtbot.waitUntil(lambda r=reduction, s=want: window.lab.config.reduction == r
                        and window.lab.split == s, timeout=10_000)
        shown = step_at_zero(window, panel, qtbot)
        last = panel.view.workers.last
        assert panel.view.workers.pids == first  # the same processes all along
        c = last.comparison
        assert (c.grad_w, c.grad_b) == pytest.approx(expected, rel=1e-12)
        assert c.matches is matches and last.grads_agree and last.params_agree
        assert shown["grad"] == f"all-reduced .grad (w, b) = {pair(*expected)}"
        full = (-30.0, -10.0) if reduction == "mean" else (-120.0, -40.0)
        assert shown["full"] == f"single process, one backward() = {pair(*full)}"
        assert shown["check"].startswith("✓" if matches else "✗") and why in shown["check"]
        assert "every worker holds the same .grad" in shown["agree"]
        cards = shown["cards"]
        assert len(cards) == 2
        for card, report in zip(cards, last.workers, strict=True):
            assert card["reduced"] == f".grad after all-reduce {pair(*expected)}"
            local = pair(report.local_grad_w, report.local_grad_b)
            assert card["local"] == f"local gradient {local}"
        if (shards, reduction, world) == ("", "mean", False):  # each shard's own mean gradient
            assert [c["local"] for c in cards] == ["local gradient (−10, −6)",
                                                   "local gradient (−50, −14)"]
            assert cards[0]["shard"] == "shard [0, 1]"
    # A worker killed between steps: the next step ends the group, the tab says so, the lab
    # trains on in one process and can start a new group.
    os.kill(first[1], signal.SIGKILL)
    qtbot.mouseClick(panel.workers_step, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.values()["workers"]["message"] != "", timeout=30_000)
    assert "worker 1" in panel.values()["workers"]["message"]
    qtbot.waitUntil(lambda: not panel.workers_on.isChecked() and gone(first), timeout=10_000)
    before = window.lab.run_step
    window.lab.step(1)  # in one process now
    qtbot.waitUntil(lambda: window.lab.run_step == before + 1, timeout=10_000)
    panel.workers_on.setChecked(True)
    qtbot.waitUntil(lambda: panel.view.workers is not None, timeout=120_000)
    again = panel.view.workers.pids
    assert len(again) == 2 and not set(again) & set(first)
    window.close()
    qtbot.waitUntil(lambda: gone(again), timeout=10_000)


def test_closing_the_window_in_process_mode_leaves_no_worker(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(), worker_mode="process", wait_ready=False)
    qtbot.waitUntil(lambda: window.shown is not None, timeout=120_000)  # a shared machine
    progress: list[tuple[int, int]] = []
    window.lab.split_progress.connect(lambda r, w: progress.append((r, w)))
    panel = open_workers(window, qtbot, w=2)
    pids = panel.view.workers.pids
    assert progress[0] == (0, 2) and progress[-1] == (2, 2)  # the tab said how far it got
    assert len(pids) == 2 and os.getpid() not in pids
    window.close()
    qtbot.waitUntil(lambda: gone(pids), timeout=10_000)
