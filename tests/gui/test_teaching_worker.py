"""The worker computes the teaching panels' inputs for the step on screen, checked against the
worked example (DESIGN.md) and the core, through the real worker thread."""

from __future__ import annotations

import numpy as np

from gradlab.core.config import LabConfig
from gradlab.views.teaching import TEACHING_PANELS

ALL = frozenset(TEACHING_PANELS)


def _taught(window, qtbot, wanted=ALL):  # noqa: ANN001, ANN202
    with qtbot.waitSignal(window.lab.teaching_ready, timeout=10_000) as blocker:
        window.lab.set_teaching(wanted)
    return blocker.args[0]


def test_teaching_view_on_seed_matches_the_article(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig())
    tv = _taught(window, qtbot)
    assert tv.step == 1 and tv.is_seed
    assert (tv.w, tv.b) == (0.0, 0.0)
    cr = tv.chain_rule
    assert cr.agrees
    assert (cr.grad_w, cr.grad_b) == (-30.0, -10.0)
    assert (cr.autograd_grad_w, cr.autograd_grad_b) == (-30.0, -10.0)
    red = tv.reductions
    assert (red["mean"].grad_w, red["mean"].grad_b) == (-30.0, -10.0)
    assert (red["sum"].loss, red["sum"].grad_w, red["sum"].grad_b) == (120.0, -120.0, -40.0)
    assert "grad can be implicitly created only for scalar outputs" in red["none"].error
    names = {(n.name, n.shape) for n in tv.graph}
    assert ("MeanBackward0", ()) in names and ("PowBackward0", (4,)) in names
    grid = tv.landscape
    i, j = np.unravel_index(np.argmin(np.abs(grid.W) + np.abs(grid.B)), grid.W.shape)
    w, b = grid.W[i, j], grid.B[i, j]
    expected = np.mean((w * np.array([1, 2, 3, 4.0]) + b - np.array([2, 4, 6, 8.0])) ** 2)
    assert np.isclose(grid.L[i, j], expected)


def test_teaching_follows_the_step_and_only_recomputes_landscape_on_change(
        make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig())
    first = _taught(window, qtbot)
    assert first.landscape is not None
    with qtbot.waitSignal(window.lab.teaching_ready, timeout=10_000) as blocker:
        window.lab.step()
    tv = blocker.args[0]
    assert tv.step == 1 and tv.chain_rule.w_after == 0.3  # the step just taken: the article's
    assert tv.landscape is None  # nothing it depends on changed: the panel keeps its grid
    with qtbot.waitSignal(window.lab.teaching_ready, timeout=10_000) as blocker:
        window.lab.step()
    tv = blocker.args[0]
    assert tv.step == 2 and np.isclose(tv.w, 0.3) and np.isclose(tv.b, 0.1)


def test_reduction_none_still_explains(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(reduction="none"), wait_ready=False)
    qtbot.waitUntil(lambda: window.lab._error, timeout=30_000)
    tv = _taught(window, qtbot, frozenset({"chain_rule", "graph", "reduction"}))
    assert tv.chain_rule.grad_w is None  # no scalar: no gradient
    loss_node = tv.graph[0]
    assert loss_node.shape == (4,)
    assert "scalar outputs" in tv.reductions["none"].error


def test_nothing_is_computed_when_no_teaching_panel_is_visible(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig())
    seen = []
    window.lab.teaching_ready.connect(seen.append)
    window.lab.step(3)
    qtbot.waitUntil(lambda: window.shown is not None and window.shown.step == 3)
    # A TeachingView would follow its step's update in the same queue: one more step's update
    # arriving proves none came for the steps before it.
    window.lab.step(1)
    qtbot.waitUntil(lambda: window.shown.step == 4)
    assert seen == []
