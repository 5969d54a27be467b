"""View options: presentation mode, the controls' dock, the text size, the theme, the window's
layout (restored, reset, saved) and the language (which offers a restart)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QStyle

from gradlab import i18n
from gradlab.i18n import translate
from gradlab.ui import settings as st
from gradlab.ui import theme as th
from gradlab.ui.file_commands import replace_box
from gradlab.ui.presentation import PRESENTATION_LINES, PlotScaler

#: The window's size at first and after Reset layout (shrunk to the screen if it is smaller).
DEFAULT_SIZE = (1600, 1000)
# The largest text size whose plots lay out at DEFAULT_SIZE (normal, presentation mode: no
# controls). A window of another size gets the text size that fits it in proportion (its
# smaller side's share of DEFAULT_SIZE), one of the steps of Ctrl+= / Ctrl+-: 2.5 on a 4K
# screen, less on a 1024×768 projector, where a larger one would push the plots' text off them.
FITS_DEFAULT_SIZE = {False: 1.75, True: 2.0}


def fitting_scale(width: int, height: int, presenting: bool) -> float:
    """The largest text-size step that fits a window of ``width`` × ``height``."""
    room = min(width / DEFAULT_SIZE[0], height / DEFAULT_SIZE[1]) * FITS_DEFAULT_SIZE[presenting]
    return max((s for s in st.FONT_STEPS if s <= room + 1e-9), default=st.FONT_STEPS[0])


class ViewOptions(QObject):
    """How the window looks; remembered in the settings (per mode for the text size)."""

    def __init__(self, window: QMainWindow, theme: th.Theme,
                 place: Callable[[ViewOptions], None] | None = None) -> None:
        """``place``: gives the still empty window its first size (see MainWindow)."""
        super().__init__(window)
        self.window = window
        self.settings = window.settings
        self.theme = theme
        self.presenting = False
        self.font_scale = self.settings.font_scale()  # the one chosen; see shown_scale
        if place is not None:
            place(self)
        # The panels are built at the text size they are shown at: the one chosen, or the one
        # that fits the window's first size. (Built at 100 % on a 1280×720 projector, or on the
        # offscreen screen, a window was shrunk at its first layout: its panels were styled
        # twice before the first paint, 34-43 ms.)
        th.set_scale(self.font_scale if place is None else self.shown_scale())
        self._fit_pending = False
        window.installEventFilter(self)  # a new window size may need a smaller text size
        self.scaler = PlotScaler()
        self._normal_layout: tuple | None = None  # geometry, state before presentation mode
        self._default_state = None  # the dock layout at first (for Reset layout)
        self.language_box: QMessageBox | None = None
        self.language_actions: dict[str, QAction] = {}
        app = QApplication.instance()
        if isinstance(app, QApplication):  # before any widget: no widget has to be re-polished
            th.apply_app_theme(app, theme)

    def finish(self) -> None:
        """Once the window is built: the language menu, the theme, the default layout."""
        self._fill_language_menu()
        self.apply_theme(self.theme, panels=False)  # the panels were made in this theme
        self.scaler.rescale(self.window.plot_panels(), th.FONT_SCALE)  # markers from literals
        self._default_state = self.window.saveState()

    # ---- presentation and the controls ---------------------------------------------------------

    def set_presentation(self, on: bool, full_screen: bool = True) -> None:
        """Presentation mode: full screen (unless ``full_screen`` is False, e.g. for a
        screenshot of a given size), its own text size (larger by default), thicker lines."""
        window, actions = self.window, self.window.actions
        on = bool(on)
        actions.present_action.setChecked(on)
        if on == self.presenting:
            return
        if on:
            self._normal_layout = (window.saveGeometry(), window.saveState())
            self.presenting = True
            self.set_controls_visible(self.settings.presentation_controls(), remember=False)
            if full_screen:
                window.showFullScreen()
        else:
            self.presenting = False
            if window.isFullScreen():
                window.showNormal()
            if self._normal_layout is not None:
                geometry, state = self._normal_layout
                window.restoreGeometry(geometry)
                window.restoreState(state)
                self._normal_layout = None
                self.fit_to_screen()
            actions.controls_action.setChecked(not window.dock.isHidden())
            actions.show_toolbar_buttons()
        self._apply_scale(self.settings.font_scale(self.presenting))

    def set_controls_visible(self, shown: bool, remember: bool = True) -> None:
        """Show or hide the controls; in presentation mode the choice is remembered."""
        self.window.dock.setVisible(bool(shown))
        self.window.actions.controls_action.setChecked(bool(shown))
        if remember and self.presenting:
            self.settings.set_presentation_controls(bool(shown))
        self.window.actions.show_toolbar_buttons()

    # ---- text size -----------------------------------------------------------------------------

    def change_font_scale(self, direction: int) -> None:
        """One text-size step up (+1) or down (-1)."""
        self.set_font_scale(st.next_scale(self.font_scale, direction))

    def set_font_scale(self, scale: float) -> None:
        """Scale every font and marker live (1.0: normal); remembered per mode."""
        scale = st.clamp_scale(scale, self.font_scale)
        self.settings.set_font_scale(scale, self.presenting)
        self._apply_scale(scale)

    def shown_scale(self) -> float:
        """The text size on screen: the one chosen, or the largest that fits the window."""
        window = self.window
        return min(self.font_scale, fitting_scale(window.width(), window.height(),
                                                  self.presenting))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if obj is self.window and event.type() == QEvent.Type.Resize and not self._fit_pending:
            self._fit_pending = True  # once the resizes of this turn of the event loop are done
            QTimer.singleShot(0, self._fit_scale)
        return False

    def _fit_scale(self) -> None:
        self._fit_pending = False
        if self.shown_scale() != th.FONT_SCALE:
            self._show_scale(message=False)

    def _apply_scale(self, scale: float) -> None:
        self.font_scale = scale
        self._show_scale()

    def _show_scale(self, message: bool = True) -> None:
        """Bring every font, marker and thick line to ``shown_scale``."""
        window = self.window
        old = th.FONT_SCALE
        scale = self.shown_scale()
        th.set_scale(scale, PRESENTATION_LINES if self.presenting else 1.0)
        self.scaler.rescale(window.plot_panels(), old)
        window.controls.set_scale(scale)
        self.apply_theme(self.theme)
        for panel in window.teaching_tabs.built():
            rescale = getattr(panel, "rescale_text", None)
            if rescale is not None:
                rescale()
        self.fit_controls()
        QTimer.singleShot(0, self.fit_controls)  # again once the new fonts have settled
        if not message:
            return
        text = translate("MainWindow", "Text size {pct} %").format(
            pct=round(self.font_scale * 100))
        if scale < self.font_scale:
            text = translate("MainWindow", "Text size {pct} % ({fits} % fits this window)").format(
                pct=round(self.font_scale * 100), fits=round(scale * 100))
        window.statusBar().showMessage(text, 4000)

    # ---- theme ---------------------------------------------------------------------------------

    def choose_theme(self, name: str) -> None:
        """Light, dark or projector; remembered."""
        if name not in th.THEMES:
            return
        self.settings.set_theme(name)
        if name != self.theme.name:
            self.apply_theme(th.THEMES[name])

    def apply_theme(self, theme: th.Theme, panels: bool = True) -> None:
        self.theme = theme
        app = QApplication.instance()
        if isinstance(app, QApplication):
            th.apply_app_theme(app, theme)
        window = self.window
        for panel in window.plot_panels() if panels else ():
            panel.set_theme(theme)
        self._style_chrome(theme)
        window.actions.theme_actions[theme.name].setChecked(True)
        window.controls.set_theme_name(theme.name)
        window.redraw_shown()

    def _style_chrome(self, theme: th.Theme) -> None:
        """The banner's and the status bar's look in ``theme`` at the current text size."""
        self.window.banner.setStyleSheet(
            f"QLabel {{ background: {theme.banner_error}; color: {theme.banner_text}; "
            f"font-size: {th.px(18)}px; font-weight: 600; padding: 8px; border-radius: 4px; }}")
        self.window.statusBar().setStyleSheet(f"QStatusBar QLabel {{ font-size: {th.px(17)}px; }}")

    def fit_controls(self) -> None:
        """The controls' dock is as wide as the controls need at the current text size: wider
        after Ctrl+=, and narrow again after Ctrl+- or Ctrl+0 (a dock keeps its width unless
        told)."""
        window = self.window
        window.controls.adjustSize()
        scroll = window.controls_scroll
        width = window.controls.sizeHint().width() + scroll.verticalScrollBar().sizeHint().width() \
            + 6
        scroll.setMinimumWidth(width)
        dock = getattr(window, "dock", None)  # fit_controls runs once before the dock exists
        if dock is not None and not dock.isHidden() and not dock.isFloating():
            window.resizeDocks([dock], [width], Qt.Orientation.Horizontal)

    # ---- layout --------------------------------------------------------------------------------

    def restore_layout(self, size: tuple[int, int] = DEFAULT_SIZE,
                       size_given: bool = False) -> None:
        """The window's size, position and dock layout as the user left them last time; ``size``
        at first (nothing saved) or when it was asked for (``size_given``: ``--size``). Either
        way the window fits its screen: a projector may be smaller than the default size, or
        than the monitor the layout was saved on."""
        self.restore_geometry(size, size_given)
        self.restore_state()

    def restore_state(self) -> None:
        """The dock layout of ``restore_layout`` (for a window whose geometry is restored)."""
        window = self.window
        state = self.settings.window_state()
        if state is not None:
            window.restoreState(state)
        self.fit_to_screen()
        window.actions.controls_action.setChecked(not window.dock.isHidden())
        window.actions.show_toolbar_buttons()

    def restore_geometry(self, size: tuple[int, int] = DEFAULT_SIZE,
                         size_given: bool = False) -> None:
        """The window's size and position of ``restore_layout``, without the dock layout (an
        empty window can take it: see MainWindow's ``place``)."""
        window = self.window
        geometry = self.settings.geometry()
        if geometry is not None:
            window.restoreGeometry(geometry)
        if geometry is None or size_given:
            window.resize(*size)
        self.fit_to_screen()

    def fit_to_screen(self) -> None:
        """Shrink and move the window, its frame included, into its screen's available area
        (without the taskbar), so the history, the timeline and the status bar are on screen."""
        window = self.window
        screen = window.screen() or QGuiApplication.primaryScreen()
        if screen is None or window.isFullScreen() or window.isMaximized():
            return
        area = screen.availableGeometry()
        inner, frame = window.geometry(), window.frameGeometry()
        extra_w, extra_h = frame.width() - inner.width(), frame.height() - inner.height()
        if extra_h <= 0:  # no frame yet (not shown, or the window manager has not said)
            border = window.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth)
            extra_w = 2 * border
            extra_h = window.style().pixelMetric(QStyle.PixelMetric.PM_TitleBarHeight) + extra_w
        w = min(inner.width(), area.width() - extra_w)
        h = min(inner.height(), area.height() - extra_h)
        if (w, h) != (inner.width(), inner.height()):
            window.resize(w, h)
            w, h = window.width(), window.height()  # no smaller than the window can be
        x = max(area.left(), min(frame.x(), area.x() + area.width() - w - extra_w))
        y = max(area.top(), min(frame.y(), area.y() + area.height() - h - extra_h))
        if (x, y) != (frame.x(), frame.y()):
            window.move(x, y)  # a window's position is its frame's

    def reset_layout(self) -> None:
        """Controls on the left, toolbar on top, all panels shown, the default size."""
        window = self.window
        if self.presenting:
            self.set_presentation(False)
        window.restoreState(self._default_state)
        window.actions.toolbar.show()
        self.set_controls_visible(True, remember=False)
        window.enlarge(None)
        window.showNormal()
        window.resize(*DEFAULT_SIZE)
        self.fit_to_screen()
        self.settings.forget_layout()

    def save_settings(self) -> None:
        """What the next start should remember (called when the window closes)."""
        window = self.window
        if self.presenting and self._normal_layout is not None:
            geometry, state = self._normal_layout
        else:
            geometry, state = window.saveGeometry(), window.saveState()
        self.settings.set_layout(geometry, state)
        self.settings.set_theme(self.theme.name)
        self.settings.set_last_preset(window.lab.config.preset)
        self.settings.sync()

    # ---- language ------------------------------------------------------------------------------

    def _fill_language_menu(self) -> None:
        """Follow the system's language, or choose one; the choice is saved (key ``language``)
        and takes effect when gradlab starts, which the window offers to do at once."""
        menu = self.window.actions.language_menu
        menu.setToolTipsVisible(True)
        group = QActionGroup(self)
        saved = i18n.normalize(self.settings.language()) or ""
        system = dict(i18n.available_languages())[i18n.system_language()]
        choices = [("", translate("MainWindow", "Follow the system ({language})").format(
            language=system))] + i18n.available_languages()
        tip = translate("MainWindow", "Show gradlab in this language (after a restart)")
        for code, name in choices:  # each language by its own name
            action = menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(code == saved)
            action.setToolTip(tip)
            action.setStatusTip(tip)
            action.triggered.connect(lambda _=False, c=code: self.choose_language(c))
            group.addAction(action)
            self.language_actions[code] = action
            if not code:
                menu.addSeparator()

    def choose_language(self, code: str) -> None:
        """Save ``code`` ("": follow the system) as the language; when it is not the one on
        screen, offer to restart in it now (the run goes on where it is)."""
        code = i18n.normalize(code) or ""
        self.settings.set_language(code)
        self.settings.sync()
        if code in self.language_actions:
            self.language_actions[code].setChecked(True)
        wanted = i18n.choose_language(None, code or None)
        if wanted == i18n.current_language():
            return
        name = dict(i18n.available_languages())[wanted]
        box = QMessageBox(QMessageBox.Icon.Question, translate("MainWindow", "Language"),
                          translate("MainWindow", "gradlab will be in {language} from its next "
                                    "start. Restart now? The run goes on where it is.").format(
                              language=name), QMessageBox.StandardButton.NoButton, self.window)
        restart = box.addButton(translate("MainWindow", "Restart now"),
                                QMessageBox.ButtonRole.AcceptRole)
        box.addButton(translate("MainWindow", "Later"), QMessageBox.ButtonRole.RejectRole)
        box.buttonClicked.connect(
            lambda button: self.window.files.restart() if button is restart else None)
        self.language_box = replace_box(self.language_box, box)
