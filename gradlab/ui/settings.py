"""What the lab remembers between runs (QSettings): window geometry and dock layout, theme, text
size, the last preset, recent sessions, and the language (read by ``gradlab.i18n``).

Lab defaults live in the core's LabConfig, not here (Qt's ``application.py`` example: settings
hold the window's state only). Every value is read defensively: a hand-edited or foreign
settings file gives the default, never an exception.

Where: an INI file in the platform's user config folder under the organisation and application
names set in ``gui.py`` (``~/.config/gradlab/gradlab.ini`` on Linux). ``GRADLAB_SETTINGS_DIR``
moves it (the tests set it, so they never read or write the user's real settings; a child
process such as the app started by a smoke test inherits it).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "gradlab"
APPLICATION = "gradlab"
DOMAIN = "gradlab.invalid"
#: Environment variable naming the folder the settings file lives in (tests).
ENV_DIR = "GRADLAB_SETTINGS_DIR"
#: Recent sessions kept in File → Open recent.
MAX_RECENT = 8
#: Text-size steps (Ctrl+= / Ctrl+- walk through them); 1.0 is Ctrl+0.
FONT_STEPS = (0.7, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5)
#: Presentation mode starts with this text size (until the user picks another there).
PRESENTATION_FONT = 1.25

# Keys (one place, so the translation work and the crash handler can share them).
GEOMETRY = "window/geometry"
WINDOW_STATE = "window/state"
THEME = "view/theme"
FONT_SCALE = "view/font_scale"
PRESENTATION_FONT_SCALE = "view/presentation_font_scale"
PRESENTATION_CONTROLS = "view/presentation_controls"
LAST_PRESET = "lab/last_preset"
RECENT_FILES = "files/recent"
LANGUAGE = "language"


def configure_store() -> None:
    """INI format everywhere (one readable file, also on Windows), in ``$GRADLAB_SETTINGS_DIR``
    when it is set. Affects every ``QSettings()`` made afterwards, ``gradlab.i18n``'s too."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    folder = os.environ.get(ENV_DIR)
    if folder:
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)


def clamp_scale(value: Any, default: float = 1.0) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return default
    if not (FONT_STEPS[0] <= v <= FONT_STEPS[-1]):
        return default
    return v


def next_scale(current: float, direction: int) -> float:
    """The next text-size step up (direction > 0) or down from ``current``."""
    if direction > 0:
        return next((s for s in FONT_STEPS if s > current + 1e-9), FONT_STEPS[-1])
    return next((s for s in reversed(FONT_STEPS) if s < current - 1e-9), FONT_STEPS[0])


class Settings:
    """Typed access to the lab's QSettings. ``ephemeral``: remember nothing (``--screenshot``
    must look the same on every machine and must not change what the user saved)."""

    def __init__(self, ephemeral: bool = False) -> None:
        self.ephemeral = ephemeral
        self._memory: dict[str, Any] = {}
        self._qs: QSettings | None = None
        if not ephemeral:
            configure_store()
            self._qs = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                                 ORGANIZATION, APPLICATION)

    @property
    def path(self) -> str:
        return "" if self._qs is None else self._qs.fileName()

    # ---- raw access ----------------------------------------------------------------------

    def value(self, key: str, default: Any = None) -> Any:
        if self._qs is None:
            return self._memory.get(key, default)
        return self._qs.value(key, default)

    def set_value(self, key: str, value: Any) -> None:
        if self._qs is None:
            self._memory[key] = value
        else:
            self._qs.setValue(key, value)

    def remove(self, key: str) -> None:
        if self._qs is None:
            self._memory.pop(key, None)
        else:
            self._qs.remove(key)

    def sync(self) -> None:
        if self._qs is not None:
            self._qs.sync()

    def _text(self, key: str, default: str = "") -> str:
        v = self.value(key, default)
        return v if isinstance(v, str) else default

    def _bytes(self, key: str) -> QByteArray | None:
        v = self.value(key)
        if isinstance(v, QByteArray) and not v.isEmpty():
            return v
        if isinstance(v, (bytes, bytearray)) and v:
            return QByteArray(bytes(v))
        return None

    # ---- typed values --------------------------------------------------------------------

    def theme(self, default: str = "light") -> str:
        from gradlab.ui.theme import THEMES

        name = self._text(THEME, default)
        return name if name in THEMES else default

    def set_theme(self, name: str) -> None:
        self.set_value(THEME, name)

    def font_scale(self, presenting: bool = False) -> float:
        if presenting:
            return clamp_scale(self.value(PRESENTATION_FONT_SCALE), PRESENTATION_FONT)
        return clamp_scale(self.value(FONT_SCALE), 1.0)

    def set_font_scale(self, scale: float, presenting: bool = False) -> None:
        self.set_value(PRESENTATION_FONT_SCALE if presenting else FONT_SCALE, float(scale))

    def presentation_controls(self) -> bool:
        """Whether presentation mode shows the controls: folded away unless the user showed them
        there (the plots get the screen; Step / Run / Reset stay in the toolbar)."""
        return self._text(PRESENTATION_CONTROLS, "hidden") == "shown"

    def set_presentation_controls(self, shown: bool) -> None:
        self.set_value(PRESENTATION_CONTROLS, "shown" if shown else "hidden")

    def last_preset(self) -> str | None:
        from gradlab.core.config import PRESETS

        name = self._text(LAST_PRESET)
        return name if name in PRESETS else None

    def set_last_preset(self, name: str) -> None:
        from gradlab.core.config import PRESETS

        if name in PRESETS:
            self.set_value(LAST_PRESET, name)

    def language(self) -> str:
        """The saved language code ("" for the system's); written by the Language menu."""
        return self._text(LANGUAGE)

    def set_language(self, code: str) -> None:
        if code:
            self.set_value(LANGUAGE, code)
        else:
            self.remove(LANGUAGE)

    def recent_files(self) -> list[str]:
        """Most recent first. Stored as JSON text: QSettings turns a one-item list into a
        plain string on some platforms."""
        try:
            items = json.loads(self._text(RECENT_FILES, "[]"))
        except ValueError:
            return []
        if not isinstance(items, list):
            return []
        return [p for p in items if isinstance(p, str) and p][:MAX_RECENT]

    def set_recent_files(self, paths: Iterable[str]) -> None:
        self.set_value(RECENT_FILES, json.dumps(list(paths)[:MAX_RECENT]))

    def add_recent_file(self, path: str) -> list[str]:
        path = os.path.abspath(path)
        items = [path] + [p for p in self.recent_files() if p != path]
        self.set_recent_files(items)
        return items[:MAX_RECENT]

    def remove_recent_file(self, path: str) -> list[str]:
        items = [p for p in self.recent_files() if p != os.path.abspath(path)]
        self.set_recent_files(items)
        return items

    def geometry(self) -> QByteArray | None:
        return self._bytes(GEOMETRY)

    def window_state(self) -> QByteArray | None:
        return self._bytes(WINDOW_STATE)

    def set_layout(self, geometry: QByteArray, state: QByteArray) -> None:
        self.set_value(GEOMETRY, geometry)
        self.set_value(WINDOW_STATE, state)

    def forget_layout(self) -> None:
        self.remove(GEOMETRY)
        self.remove(WINDOW_STATE)
