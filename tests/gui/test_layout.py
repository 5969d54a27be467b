"""Layout is a tested property (issue 15): every tab, in presentation mode and not, in both
languages, at projector and monitor sizes from 1024×768 to 4K, at the smallest and the largest
text size, lays out with nothing cut off, nothing overlapping and no legend on the data.

One window per language; the matrix is walked inside it (resize, then let Qt lay out), so the
whole of it takes seconds, not a window per case. GRADLAB_LAYOUT_DUMP=FILE appends every problem
found to FILE (the failure message lists the first 40)."""

from __future__ import annotations

import os

import pytest

from gradlab import i18n
from gradlab.core.config import LabConfig
from gradlab.ui import settings as st
from gradlab.ui import theme as th
from gradlab.ui.teaching_tabs import TEACHING_TABS
from tests.gui.layout_checks import layout_problems, settle

SIZES = ((1024, 768), (1280, 720), (1366, 768), (1920, 1080), (3840, 2160))
SCALES = (st.FONT_STEPS[0], st.FONT_STEPS[-1])



def open_tab(window, qtbot, name: str) -> None:  # noqa: ANN001
    """Show a tab; a teaching tab waits for the worker's data for it."""
    if name == "training":
        window.show_tab("training")
        return
    with qtbot.waitSignal(window.lab.teaching_ready, timeout=20_000):
        window.show_tab(name)


def walk(window, qtbot, tabs: list[str]) -> list[str]:  # noqa: ANN001
    """Every case's problems. Each tab is opened once first (its panel is built and shows the
    worker's data); then the text size changes only 2 × 2 times, the slow part."""
    for tab in tabs:
        open_tab(window, qtbot, tab)
    problems: list[str] = []
    window.draw_now()
    window.setUpdatesEnabled(False)  # geometry only: no 4K paints (see settle)
    for presenting in (False, True):
        window.options.set_presentation(presenting, full_screen=False)
        for scale in SCALES:
            window.options.set_font_scale(scale)
            for w, h in SIZES:
                window.resize(w, h)  # may change the text size shown: slow, so once per size
                for tab in tabs:
                    window.show_tab(tab)
                    settle(window)
                    case = (f"[{i18n.current_language()} {tab} {w}x{h} "
                            f"{'presenting' if presenting else 'normal'} text "
                            f"{window.options.font_scale:g} (shown {th.FONT_SCALE:g})] ")
                    problems += layout_problems(window, case)
    window.setUpdatesEnabled(True)
    return problems


def report(problems: list[str]) -> str:
    """The failing cases (with how many problems each), then the first problems themselves."""
    cases: dict[str, int] = {}
    for line in problems:
        case = line[: line.index("]") + 1]
        cases[case] = cases.get(case, 0) + 1
    listed = "\n".join(f"{n:4d} {case}" for case, n in cases.items())
    dump = os.environ.get("GRADLAB_LAYOUT_DUMP")  # every problem, for the one fixing them
    if dump:
        with open(dump, "a", encoding="utf-8") as f:
            f.write("\n".join(problems) + "\n")
    return (f"{len(problems)} layout problems in {len(cases)} cases:\n{listed}\n"
            + "\n".join(problems[:40]))


@pytest.mark.parametrize("language", ["en", "zh_CN"], indirect=True)
def test_every_tab_lays_out_at_every_size_text_size_and_mode(make_lab, qtbot,  # noqa: ANN001
                                                             language: str) -> None:
    window = make_lab(LabConfig(), worker_mode="thread")
    window.lab.step(1)
    qtbot.waitUntil(lambda: window.shown.step == 1 and not window.shown.running)
    tabs = ["training", *TEACHING_TABS]
    problems = walk(window, qtbot, tabs)
    assert not problems, report(problems)


def test_a_million_samples_lay_out(make_lab, qtbot) -> None:  # noqa: ANN001
    """N = 10⁶, full batch (issue 15, item 4): the sample numbers under the loss bars never run
    together ("200,000400,000"), the batch box shows "all (1,000,000)" whole, the notes and the
    reduced value do not overlap."""
    window = make_lab(LabConfig(preset="large", n_points=1_000_000, batch_size=None),
                      worker_mode="thread")
    window.lab.step(1)
    qtbot.waitUntil(lambda: window.shown.step == 1 and not window.shown.running,
                    timeout=30_000)
    assert window.controls.batch.edit.text() == "all (1,000,000)"
    problems: list[str] = []
    window.setUpdatesEnabled(False)
    for presenting in (False, True):
        window.options.set_presentation(presenting, full_screen=False)
        for scale in SCALES:
            window.options.set_font_scale(scale)
            for w, h in ((1024, 768), (1280, 720), (1600, 1000)):
                window.resize(w, h)
                settle(window)
                problems += layout_problems(window, f"[{w}x{h} {presenting} {scale:g}] ")
    window.setUpdatesEnabled(True)
    assert not problems, report(problems)
