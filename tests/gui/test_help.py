"""Help (tooltips, What's This?, the tour, About) and the desktop identity (icon, names, the
.desktop entry)."""

from __future__ import annotations

import configparser
import importlib.metadata
import re
import shutil
import subprocess
import sys
from pathlib import Path

import PySide6
import pytest
from PySide6.QtCore import QCoreApplication, qVersion
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QMenu,
    QScrollBar,
)

from gradlab import __version__
from gradlab.core.config import LabConfig
from gradlab.ui.help import TOUR

ROOT = Path(__file__).resolve().parents[2]
#: A sentence ends, and another begins.
TWO_SENTENCES = re.compile(r"[.!?]\s+[A-Z]")


def test_every_control_has_a_one_sentence_tooltip_and_whats_this(make_lab) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(), worker_mode="thread")
    kinds = (QAbstractButton, QAbstractSlider, QAbstractSpinBox, QComboBox, QLineEdit)
    controls = [w for kind in kinds for w in window.controls.findChildren(kind)
                if not isinstance(w.parent(), QAbstractSpinBox)  # a spin box's own line edit
                and not isinstance(w, QScrollBar)]  # a combo box's list
    controls += [window.timeline_bar.slider, window.timeline_bar.continue_button]
    assert len(controls) > 25
    for widget in controls:
        tip, text = widget.toolTip(), widget.whatsThis()
        assert tip and text, widget
        assert not TWO_SENTENCES.search(tip), tip
        assert len(text) > len(tip) or text == tip
    for panel in (window.fit_panel, window.loss_panel, window.gradient_panel,
                  window.history_panel, window.dock, window.statusBar()):
        assert panel.whatsThis()
    actions = [a for menu in window.menuBar().findChildren(QMenu) for a in menu.actions()
               if a.text() and not a.isSeparator() and a.menu() is None]
    actions += [a for a in window.actions.toolbar.actions() if not a.isSeparator()]
    recent = window.actions.recent_menu.actions()
    for action in actions:
        if action in recent or action.text().startswith("Enlarge") or action.text() == (
                "Show &all panels"):
            continue
        assert action.toolTip() and not TWO_SENTENCES.search(action.toolTip()), action.text()
    help_menu = next(m for m in window.menuBar().findChildren(QMenu) if m.title() == "&Help")
    assert any(a.text() == "&What's This?" for a in help_menu.actions())


def test_guided_tour_walks_the_panels(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(), worker_mode="thread")
    tour = window.show_tour()
    assert tour.isVisible() and tour.pages.count() == len(TOUR) >= 4
    assert tour.counter.text() == f"1 of {len(TOUR)}" and not tour.back_button.isEnabled()
    seen_tabs = set()
    while tour.next_button.isEnabled():
        tour.next_button.click()
        seen_tabs.add(window.tabs.tabText(window.tabs.currentIndex()))
    assert tour.page == len(TOUR) - 1
    assert {"Training", "Reduction", "Chain rule"} <= seen_tabs  # it shows what it describes
    tour.back_button.click()
    assert tour.page == len(TOUR) - 2
    tour.close()


def test_about_names_every_version(make_lab) -> None:  # noqa: ANN001
    import numpy
    import pyqtgraph

    window = make_lab(LabConfig(), worker_mode="thread")
    box = window.show_about()
    text = box.text()
    for version in (__version__, qVersion(), PySide6.__version__, pyqtgraph.__version__,
                    importlib.metadata.version("torch"), numpy.__version__):
        assert version in text, version
    box.close()


def test_about_never_imports_torch() -> None:
    code = ("import sys; from gradlab.ui.help import versions; v = dict(versions()); "
            "assert 'torch' not in sys.modules, 'imported torch'; print(v['PyTorch'])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == importlib.metadata.version("torch")


def test_window_icon_and_application_identity(make_lab) -> None:  # noqa: ANN001
    from gradlab.gui import set_identity

    set_identity()
    assert QCoreApplication.organizationName() == "gradlab"
    assert QCoreApplication.applicationName() == "gradlab"
    assert QCoreApplication.applicationVersion() == __version__
    assert QGuiApplication.desktopFileName() == "gradlab"
    window = make_lab(LabConfig(), worker_mode="thread")
    assert not window.windowIcon().isNull()


def test_desktop_entry() -> None:
    path = ROOT / "resources" / "linux" / "gradlab.desktop"
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys are case-sensitive
    entry.read(path, encoding="utf-8")
    e = entry["Desktop Entry"]
    assert e["Type"] == "Application" and e["Name"] == "gradlab"
    assert e["Exec"].split()[0] == "gradlab" and "%f" in e["Exec"]  # opens a session file
    assert e["Icon"] == "gradlab" and (ROOT / "resources" / "icons" / "gradlab.svg").is_file()
    assert "application/x-gradlab-session" in e["MimeType"]
    assert "*.gradlab" in (ROOT / "resources" / "linux" / "gradlab-session.xml").read_text()
    if shutil.which("desktop-file-validate"):
        result = subprocess.run(["desktop-file-validate", str(path)], capture_output=True,
                                text=True, timeout=30)
        assert result.returncode == 0 and not result.stdout.strip(), result.stdout


def test_session_file_argument(capsys) -> None:  # noqa: ANN001
    from gradlab import gui

    assert gui.build_parser().parse_args(["lesson.gradlab"]).session_file == "lesson.gradlab"
    assert gui.main(["--screenshot", "x.png", "lesson.gradlab"]) == gui.EXIT_USAGE
    assert "cannot be combined with --screenshot" in capsys.readouterr().err
    assert gui.main(["--font-scale", "500"]) == gui.EXIT_USAGE
    assert "--font-scale" in capsys.readouterr().err


@pytest.mark.parametrize("theme", ["projector"])
def test_theme_argument_colours_the_window(theme: str, tmp_path: Path) -> None:
    """``--theme`` reaches the window: its screenshot has the theme's background."""
    from gradlab import gui
    from gradlab.ui import theme as th

    shot = tmp_path / f"{theme}.png"
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "--screenshot", str(shot),
                           "--theme", theme, "--size", "900x600", "--steps", "0"],
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == gui.EXIT_OK, proc.stderr
    from PySide6.QtGui import QColor, QImage

    image = QImage(str(shot))
    want = QColor(th.THEMES[theme].background)
    samples = [image.pixelColor(image.width() * i // 50, image.height() * j // 50)
               for i in range(50) for j in range(50)]
    share = sum(c.name() == want.name() for c in samples) / len(samples)
    assert share > 0.3, f"{share:.0%} of the window has the {theme} background {want.name()}"


def test_keys_for_every_menu_action_are_unique(make_lab) -> None:  # noqa: ANN001
    window = make_lab(LabConfig(), worker_mode="thread")
    keys: dict[str, str] = {}
    for action in window.findChildren(QAction):
        for key in action.shortcuts():
            text = key.toString()
            assert text not in keys or keys[text] == action.text(), (text, action.text())
            keys[text] = action.text()
