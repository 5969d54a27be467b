"""Window fixtures: build the lab, and at teardown prove the worker thread stopped and no
top-level widget leaked (ndv / napari style)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator

import pytest

from gradlab.core.config import LabConfig
from gradlab.core.data import Dataset


@pytest.fixture
def language(request, qapp) -> Iterator[str]:  # noqa: ANN001
    """The app's language for one test (``indirect`` parametrisation: "en", "zh_CN"), English
    again afterwards."""
    from gradlab import i18n

    code = request.param
    assert i18n.install(code) == code
    try:
        yield code
    finally:
        i18n.install("en")


# Offscreen Qt warns on every size-hint change of a top-level window; the window avoids the
# warning itself, but pytest-qt should not fail a test on this platform message either.
OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints"


@pytest.fixture(autouse=True)
def _fresh_settings(tmp_path_factory, monkeypatch) -> Iterator[None]:  # noqa: ANN001
    """Every window test starts from empty settings of its own (never the user's): gradlab's
    Settings and a plain ``QSettings()`` (the organisation and application names the app sets)
    both land in a new folder."""
    from PySide6.QtCore import QCoreApplication

    from gradlab.ui import settings as st

    folder = tmp_path_factory.mktemp("settings")
    monkeypatch.setenv(st.ENV_DIR, str(folder))
    QCoreApplication.setOrganizationName(st.ORGANIZATION)
    QCoreApplication.setApplicationName(st.APPLICATION)
    st.configure_store()
    from gradlab.ui import theme as th

    th.set_scale(1.0)  # a window of an earlier test may have left its text size behind
    yield


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/gui" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture
def make_lab(qtbot) -> Iterator[Callable[..., object]]:  # noqa: ANN001
    """``make_lab(config)`` -> a shown MainWindow whose worker is ready and has shown step 0."""
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from gradlab.ui.main_window import MainWindow

    app = QApplication.instance()
    before = set(app.topLevelWidgets())
    windows: list[MainWindow] = []

    def make(config: LabConfig | None = None, dataset: Dataset | None = None,
             wait_ready: bool = True, worker_mode: str | None = None) -> MainWindow:
        extra = {} if worker_mode is None else {"worker_mode": worker_mode}
        window = MainWindow(config or LabConfig(), dataset, **extra)
        windows.append(window)
        window.resize(1280, 800)
        window.show()
        window.start()
        if wait_ready:
            qtbot.waitUntil(lambda: window.shown is not None, timeout=30_000)
        return window

    yield make

    for window in windows:
        window.close()
        thread = window.lab.worker_thread
        if thread is not None:
            assert thread.isFinished(), "the worker thread is still running after close()"
        window.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app.processEvents()
    gc.collect()  # pyqtgraph's unparented menus go with their (cyclic) Python owners
    leaked = [w for w in app.topLevelWidgets() if w not in before]
    assert not leaked, f"leaked top-level widgets: {leaked}"


@pytest.fixture
def make_widget(qtbot) -> Iterator[Callable[..., object]]:  # noqa: ANN001
    """``make_widget(cls)`` -> a shown ``cls(LIGHT theme)`` at 900×600, closed by qtbot; at
    teardown no top-level widget may be left behind."""
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from gradlab.ui import theme as th

    app = QApplication.instance()
    before = set(app.topLevelWidgets())

    def make(cls: type, size: tuple[int, int] = (900, 600)) -> object:
        widget = cls(th.LIGHT)
        qtbot.addWidget(widget)
        widget.resize(*size)
        widget.show()
        return widget

    yield make
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    leaked = [w for w in app.topLevelWidgets() if w not in before]
    assert not leaked, f"leaked top-level widgets: {leaked}"
