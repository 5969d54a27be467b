"""The window's menus, toolbar and keys, declared as data in one place.

Each menu entry is an ``Entry``: its text and tip (translated when built), what it calls, its keys.
``build`` turns the tables into QActions on the window and keeps the ones other parts need to
check, enable or relabel (presentation, controls, text size, themes, Run/Pause).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QLineEdit,
    QMainWindow,
    QMenu,
    QToolBar,
    QWhatsThis,
)

from gradlab.i18n import QT_TRANSLATE_NOOP, translate
from gradlab.ui import theme as th

Key = str | QKeySequence.StandardKey


@dataclass(frozen=True)
class Entry:
    """One menu item: ``call`` is a path of attributes on the window ("lab.step"), called with
    ``args`` (or, for a checkable item, with its new state)."""

    text: str
    tip: str
    call: str
    keys: tuple[Key, ...] = ()
    args: tuple[Any, ...] = ()
    checkable: bool = False
    name: str = ""  # kept as ``Actions.<name>``


SEPARATOR = None

#: name -> menu text of each picture File → Export and Edit → Copy offer
EXPORTABLE = {"fit": QT_TRANSLATE_NOOP("MainWindow", "The &fit…"),
              "loss": QT_TRANSLATE_NOOP("MainWindow", "The &losses…"),
              "gradient": QT_TRANSLATE_NOOP("MainWindow", "The &gradient…"),
              "history": QT_TRANSLATE_NOOP("MainWindow", "The &history…"),
              "tab": QT_TRANSLATE_NOOP("MainWindow", "The current &tab…")}

FILE_MENU = (
    Entry(QT_TRANSLATE_NOOP("MainWindow", "&Open session…"),
          QT_TRANSLATE_NOOP("MainWindow", "Open a saved .gradlab session and carry on exactly "
                            "where it was saved"),
          "files.choose_session_open", ("Ctrl+O",)),
    "recent",
    Entry(QT_TRANSLATE_NOOP("MainWindow", "&Save session"),
          QT_TRANSLATE_NOOP("MainWindow", "Save the run (settings, data, parameters, optimizer "
                            "state and history) to its session file"),
          "files.save_session", (QKeySequence.StandardKey.Save,)),
    Entry(QT_TRANSLATE_NOOP("MainWindow", "Save session &as…"),
          QT_TRANSLATE_NOOP("MainWindow", "Save the run to a new session file"),
          "files.choose_session_save", ("Ctrl+Shift+S",)),
    SEPARATOR,
    Entry(QT_TRANSLATE_NOOP("MainWindow", "&Import CSV…"),
          QT_TRANSLATE_NOOP("MainWindow", "Load data from a CSV file: two numeric columns x, y "
                            "(a header row is allowed)"),
          "files.choose_csv", ("Ctrl+I",)),
    Entry(QT_TRANSLATE_NOOP("MainWindow", "&Export CSV…"),
          QT_TRANSLATE_NOOP("MainWindow", "Save the current data as CSV"),
          "files.choose_csv_export", ("Ctrl+E",)),
    "export",
    Entry(QT_TRANSLATE_NOOP("MainWindow", "Export &history…"),
          QT_TRANSLATE_NOOP("MainWindow", "Save the loss, the gradient, w and b of every step "
                            "as CSV"),
          "files.choose_history_export"),
    Entry(QT_TRANSLATE_NOOP("MainWindow", "Show the &code…"),
          QT_TRANSLATE_NOOP("MainWindow", "The plain PyTorch script that does exactly what the "
                            "lab did"),
          "files.show_code", ("Ctrl+K",)),
    SEPARATOR,
    Entry(QT_TRANSLATE_NOOP("MainWindow", "&Quit"),
          QT_TRANSLATE_NOOP("MainWindow", "Close gradlab"), "close", ("Ctrl+Q",)),
)

VIEW_MENU = (
    Entry(QT_TRANSLATE_NOOP("MainWindow", "Enlarge the &fit"), "", "enlarge", ("Alt+1",),
          ("fit",)),
    Entry(QT_TRANSLATE_NOOP("MainWindow", "Enlarge the &losses"), "", "enlarge", ("Alt+2",),
          ("loss",)),
    Entry(QT_TRANSLATE_NOOP("MainWindow", "Enlarge the &gradient"), "", "enlarge", ("Alt+3",),
          ("gradient",)),
    Entry(QT_TRANSLATE_NOOP("MainWindow", "Enlarge the &history"), "", "enlarge", ("Alt+4",),
          ("history",)),
    Entry(QT_TRANSLATE_NOOP("MainWindow", "Show &all panels"), "", "enlarge", ("Alt+0",),
          (None,)),
    SEPARATOR,
    Entry(QT_TRANSLATE_NOOP("MainWindow", "&Presentation mode"),
          QT_TRANSLATE_NOOP("MainWindow", "Full screen with larger text and thicker lines, for "
                            "a projector (F11)"),
          "options.set_presentation", ("F11",), checkable=True, name="present_action"),
    Entry(QT_TRANSLATE_NOOP("MainWindow", "Show the c&ontrols"),
          QT_TRANSLATE_NOOP("MainWindow", "Show or hide the controls, so the plots take the room "
                            "(Ctrl+L)"),
          "options.set_controls_visible", ("Ctrl+L",), checkable=True, name="controls_action"),
    Entry(QT_TRANSLATE_NOOP("MainWindow", "&Larger text"),
          QT_TRANSLATE_NOOP("MainWindow", "Make every font and marker larger (Ctrl+=)"),
          "options.change_font_scale", ("Ctrl+=", "Ctrl++", QKeySequence.StandardKey.ZoomIn),
          (+1,), name="larger_action"),
    Entry(QT_TRANSLATE_NOOP("MainWindow", "&Smaller text"),
          QT_TRANSLATE_NOOP("MainWindow", "Make every font and marker smaller (Ctrl+-)"),
          "options.change_font_scale", ("Ctrl+-", QKeySequence.StandardKey.ZoomOut), (-1,),
          name="smaller_action"),
    Entry(QT_TRANSLATE_NOOP("MainWindow", "&Normal text size"),
          QT_TRANSLATE_NOOP("MainWindow", "Back to the normal text size (Ctrl+0)"),
          "options.set_font_scale", ("Ctrl+0",), (1.0,)),
    "theme",
    SEPARATOR,
    Entry(QT_TRANSLATE_NOOP("MainWindow", "&Reset layout"),
          QT_TRANSLATE_NOOP("MainWindow", "Put the controls, the toolbar and the window back "
                            "where they were at first"),
          "options.reset_layout"),
)

HELP_MENU = (
    "whats_this",
    Entry(QT_TRANSLATE_NOOP("MainWindow", "Guided &tour…"),
          QT_TRANSLATE_NOOP("MainWindow", "A short tour of the window's panels"), "show_tour"),
    SEPARATOR,
    Entry(QT_TRANSLATE_NOOP("MainWindow", "&About gradlab…"),
          QT_TRANSLATE_NOOP("MainWindow", "The version of gradlab and of the libraries it runs "
                            "on"),
          "show_about"),
)

PHASES_PATH = "phases.advance"  # Step in phases (ui/phase_bar.py)
#: Step / Run / Reset in the toolbar (shown when the controls are hidden)
TOOLBAR_COMMANDS = (
    (QT_TRANSLATE_NOOP("MainWindow", "Step"),
     QT_TRANSLATE_NOOP("MainWindow", "Take one step (Space)"), "lab.step"),
    (QT_TRANSLATE_NOOP("MainWindow", "Run"),
     QT_TRANSLATE_NOOP("MainWindow", "Run or pause (Enter)"), "lab.toggle_run"),
    (QT_TRANSLATE_NOOP("MainWindow", "Reset"),
     QT_TRANSLATE_NOOP("MainWindow", "Back to step 0 (R)"), "lab.reset"),
    (QT_TRANSLATE_NOOP("MainWindow", "Phases"),
     QT_TRANSLATE_NOOP("MainWindow", "The next step one phase per press: forward, losses, "
                       "reduce, backward, update (P)"), PHASES_PATH),
)

ENTER = "enter"  # Enter: see ``enter``
#: Window-wide keys; text boxes still get their own keys (Qt lets them override shortcuts),
#: except Enter, which the shortcut takes before the box sees it (see ``enter``).
KEYS = ((Qt.Key.Key_Space, "lab.step"), (Qt.Key.Key_Return, ENTER),
        (Qt.Key.Key_Enter, ENTER), (Qt.Key.Key_R, "lab.reset"),
        (Qt.Key.Key_P, PHASES_PATH))


def unique_keys(*keys: Key) -> list[QKeySequence]:
    """Key sequences without repeats (the platform's Zoom In is often Ctrl++ already, and a
    shortcut listed twice on one action is ambiguous: it would never fire)."""
    out: list[QKeySequence] = []
    for key in keys:
        sequences = QKeySequence.keyBindings(key) if isinstance(key, QKeySequence.StandardKey) \
            else [QKeySequence(key)]
        out += [s for s in sequences if not s.isEmpty() and s not in out]
    return out


def resolve(window: QMainWindow, path: str) -> Callable[..., Any]:
    target: Any = window
    for part in path.split("."):
        target = getattr(target, part)
    return target


def enter(window: QMainWindow) -> None:
    """Enter runs or pauses, except in a value box, where it applies the typed value (as the
    box's tooltip promises), does not start a run, and gives the keys back to the plots: Space
    and R step and reset next instead of typing into the box."""
    focus = QApplication.focusWidget()
    if isinstance(focus, QAbstractSpinBox):
        focus.interpretText()  # emits valueChanged if the text changed
    elif isinstance(focus, QLineEdit):
        focus.editingFinished.emit()
    else:
        window.lab.toggle_run()
        return
    window.tabs.currentWidget().setFocus(Qt.FocusReason.ShortcutFocusReason)


class Actions:
    """The QActions of the window's menus and toolbar that other parts use."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.theme_actions: dict[str, QAction] = {}
        self.toolbar_buttons: list[QAction] = []
        bar = window.menuBar()
        self._fill(bar.addMenu(translate("MainWindow", "&File")), FILE_MENU)
        self._fill(bar.addMenu(translate("MainWindow", "&Edit")), ())
        self._fill(bar.addMenu(translate("MainWindow", "&View")), VIEW_MENU)
        self.language_menu = bar.addMenu(translate("MainWindow", "&Language"))
        self._fill(bar.addMenu(translate("MainWindow", "&Help")), HELP_MENU)
        self._copy_menu(bar.actions()[1].menu())
        self.present_action.setIconText(translate("MainWindow", "Present"))  # toolbar button
        self.controls_action.setIconText(translate("MainWindow", "Controls"))
        self.controls_action.setChecked(True)
        self._toolbar()
        self.show_toolbar_buttons()
        for key, path in KEYS:
            shortcut = QShortcut(QKeySequence(key), window)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(
                lambda p=path: enter(self.window) if p is ENTER else resolve(self.window, p)())

    def add(self, menu: QMenu, text: str, tip: str, slot: Callable[..., Any],
            keys: tuple[Key, ...] = (), checkable: bool = False) -> QAction:
        """A menu action with its tooltip, status tip and "What's This?" text."""
        action = menu.addAction(text)
        if keys:
            action.setShortcuts(unique_keys(*keys))
        for setter in (action.setStatusTip, action.setToolTip, action.setWhatsThis):
            setter(tip)
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        return action

    def _fill(self, menu: QMenu, entries: tuple) -> None:
        menu.setToolTipsVisible(True)
        for entry in entries:
            if entry is SEPARATOR:
                menu.addSeparator()
            elif isinstance(entry, str):
                getattr(self, f"_{entry}_menu")(menu)
            else:
                self._entry(menu, entry)

    def _entry(self, menu: QMenu, e: Entry) -> QAction:
        def call(checked: bool = False, e: Entry = e) -> None:
            target = resolve(self.window, e.call)
            target(*((checked,) if e.checkable else e.args))

        tip = translate("MainWindow", e.tip) if e.tip else ""
        action = self.add(menu, translate("MainWindow", e.text), tip, call, e.keys, e.checkable)
        if e.name:
            setattr(self, e.name, action)
        return action

    def _recent_menu(self, menu: QMenu) -> None:
        self.recent_menu = menu.addMenu(translate("MainWindow", "Open &recent"))
        self.recent_menu.setToolTipsVisible(True)
        self.recent_menu.aboutToShow.connect(lambda: self.window.files.fill_recent_menu(
            self.recent_menu))

    def _export_menu(self, menu: QMenu) -> None:
        export_menu = menu.addMenu(translate("MainWindow", "E&xport picture"))
        export_menu.setToolTipsVisible(True)
        tip = translate("MainWindow", "Save this panel as a PNG image or an SVG drawing")
        for name, text in EXPORTABLE.items():
            self.add(export_menu, translate("MainWindow", text), tip,
                     lambda _=False, n=name: self.window.files.choose_panel_export(n))
        export_menu.addSeparator()
        self.add(export_menu, translate("MainWindow", "The whole &window…"),
                 translate("MainWindow", "Save a PNG image of the whole window"),
                 lambda _=False: self.window.files.choose_window_export())

    def _copy_menu(self, edit_menu: QMenu) -> None:
        copy_menu = edit_menu.addMenu(translate("MainWindow", "&Copy picture of"))
        copy_menu.setToolTipsVisible(True)
        tip = translate("MainWindow", "Copy a picture of this panel to the clipboard, to paste "
                                      "into slides or notes")
        for name, text in EXPORTABLE.items():
            self.add(copy_menu, translate("MainWindow", text).removesuffix("…"), tip,
                     lambda _=False, n=name: self.window.files.copy_panel(n))

    def _theme_menu(self, menu: QMenu) -> None:
        theme_menu = menu.addMenu(translate("MainWindow", "&Theme"))
        group = QActionGroup(self.window)
        for name, label in th.THEME_LABELS.items():
            action = self.add(theme_menu, translate("Theme", label),
                              translate("MainWindow", "Use this colour theme"),
                              lambda _=False, n=name: self.window.options.choose_theme(n),
                              checkable=True)
            group.addAction(action)
            self.theme_actions[name] = action

    def _whats_this_menu(self, menu: QMenu) -> None:
        whats_this = QWhatsThis.createAction(self.window)
        whats_this.setText(translate("MainWindow", "&What's This?"))
        whats_this.setToolTip(translate("MainWindow", "Click this, then any control or panel, "
                                                      "for what it means"))
        whats_this.setWhatsThis(whats_this.toolTip())
        menu.addAction(whats_this)

    def _toolbar(self) -> None:
        """Presentation mode, the controls, text size; Step / Run / Reset when the controls are
        hidden (the keys Space, Enter and R work either way)."""
        window = self.window
        bar = self.toolbar = QToolBar(translate("MainWindow", "Toolbar"))
        bar.setObjectName("toolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.addAction(self.present_action)
        bar.addAction(self.controls_action)
        bar.addSeparator()
        for text, tip, path in TOOLBAR_COMMANDS:
            action = QAction(translate("MainWindow", text), window)
            action.setToolTip(translate("MainWindow", tip))
            action.setWhatsThis(action.toolTip())
            action.triggered.connect(lambda _=False, p=path: resolve(self.window, p)())
            bar.addAction(action)
            self.toolbar_buttons.append(action)
        self.toolbar_run = self.toolbar_buttons[1]
        bar.addSeparator()
        for action, text in ((self.smaller_action, "A−"), (self.larger_action, "A+")):
            button = QAction(text, window)
            button.setToolTip(action.toolTip())
            button.setWhatsThis(action.whatsThis())
            button.triggered.connect(action.trigger)
            bar.addAction(button)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)

    def show_running(self, running: bool) -> None:
        self.toolbar_run.setText(translate("MainWindow", "Pause") if running
                                 else translate("MainWindow", "Run"))

    def show_toolbar_buttons(self) -> None:
        """Step / Run / Reset / Phases in the toolbar exactly when the controls are hidden;
        Phases in presentation mode too (stepping a phase at a time is for the lecture)."""
        hidden = not self.controls_action.isChecked()
        presenting = getattr(getattr(self.window, "options", None), "presenting", False)
        for action, (_, _, path) in zip(self.toolbar_buttons, TOOLBAR_COMMANDS, strict=True):
            action.setVisible(hidden or (presenting and path == PHASES_PATH))
