"""The window on the screen it has: fitted to a small screen, whatever size was saved or asked
for (issue 15, item 2), and View → Enlarge giving one panel the whole plot area (item 3)."""

from __future__ import annotations

from gradlab.core.config import LabConfig

SEED = LabConfig()


def _share(panel, area) -> tuple[float, float]:  # noqa: ANN001 - widgets
    return panel.width() / area.width(), panel.height() / area.height()


def test_enlarge_fills_the_plot_area_and_all_come_back(make_lab, qtbot) -> None:  # noqa: ANN001
    window = make_lab(SEED, worker_mode="thread")
    area = window.training  # the Training tab's page: the plot area
    panels = window.training.panels
    window.enlarge("loss")
    loss = panels["loss"]
    qtbot.waitUntil(lambda: min(_share(loss, area)) > 0.9)
    assert [p.isVisible() for p in panels.values()] == [False, True, False, False]
    window.enlarge(None)
    qtbot.waitUntil(lambda: all(0.4 < s < 0.55 for p in panels.values()
                                for s in _share(p, area)))
    assert all(p.isVisible() for p in panels.values())


def _fits(window) -> bool:  # noqa: ANN001 - a QMainWindow
    from PySide6.QtGui import QGuiApplication

    area = QGuiApplication.primaryScreen().availableGeometry()
    return area.contains(window.frameGeometry()) and window.width() > 0.9 * area.width() - 10


def test_first_start_fits_a_screen_smaller_than_the_default_size(make_lab, qtbot) -> None:  # noqa: ANN001
    from PySide6.QtGui import QGuiApplication

    from gradlab.ui.view_options import DEFAULT_SIZE

    area = QGuiApplication.primaryScreen().availableGeometry()  # offscreen: 800×800
    assert DEFAULT_SIZE[0] > area.width() and DEFAULT_SIZE[1] > area.height()
    window = make_lab(SEED, worker_mode="thread")
    assert window.settings.geometry() is None  # a first start: nothing saved
    window.options.restore_layout()
    qtbot.waitUntil(lambda: _fits(window))
    window.options.restore_layout((3000, 2000), size_given=True)  # --size larger than the screen
    qtbot.waitUntil(lambda: _fits(window))
    window.resize(*DEFAULT_SIZE)
    window.options.reset_layout()  # View → Reset layout
    qtbot.waitUntil(lambda: _fits(window))


def test_a_layout_saved_on_a_larger_monitor_fits_this_screen(make_lab, qtbot) -> None:  # noqa: ANN001
    from gradlab.ui import settings as st

    first = make_lab(SEED, worker_mode="thread")
    first.resize(1900, 1150)  # larger than the offscreen screen, as on a big monitor
    first.move(400, 300)
    qtbot.waitUntil(lambda: first.width() == 1900)
    first.close()
    assert st.Settings().geometry() is not None
    second = make_lab(SEED, worker_mode="thread")
    second.options.restore_layout()
    qtbot.waitUntil(lambda: _fits(second))


def test_a_window_placed_before_it_is_built_gets_the_text_size_that_fits_at_once(
        qtbot, monkeypatch) -> None:  # noqa: ANN001
    """Started at the default size on a smaller screen (the offscreen one is 800×800, like a
    projector is smaller than 1600×1000), the panels are built at the text size that fits, not
    built at 100 % and rescaled when the window is first laid out (~40 ms of the start-up)."""
    from gradlab.ui import settings as st
    from gradlab.ui import theme as th
    from gradlab.ui.main_window import MainWindow
    from gradlab.ui.view_options import DEFAULT_SIZE, ViewOptions, fitting_scale

    rescales: list[float] = []
    show_scale = ViewOptions._show_scale
    monkeypatch.setattr(ViewOptions, "_show_scale", lambda self, *a, **k: (
        rescales.append(th.FONT_SCALE), show_scale(self, *a, **k))[1])

    def make(place):  # noqa: ANN001, ANN202
        window = MainWindow(SEED, worker_mode="thread", settings=st.Settings(ephemeral=True),
                            place=place)
        built_at = th.FONT_SCALE
        window.options.restore_layout(DEFAULT_SIZE)
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: not window.options._fit_pending)
        return window, built_at

    placed, built_at = make(lambda options: options.restore_geometry(DEFAULT_SIZE))
    fits = fitting_scale(placed.width(), placed.height(), False)
    assert fits < 1.0  # the screen is smaller than the default size
    assert built_at == fits == th.FONT_SCALE
    assert rescales == []
    placed.close()
    placed.deleteLater()

    # Without a place, the window is built at 100 % and then shrunk: the cost this avoids.
    unplaced, built_at = make(None)
    assert built_at == 1.0 and th.FONT_SCALE == fits and len(rescales) == 1
    unplaced.close()
    unplaced.deleteLater()
