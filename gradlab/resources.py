"""Find files in ``resources/`` from a checkout, an installed wheel or a frozen bundle.

One helper, so a missing file is reported by name instead of showing up as an empty icon.
"""

from __future__ import annotations

import sys
from pathlib import Path

_CANDIDATES = [
    Path(__file__).resolve().parent.parent / "resources",  # a checkout
    Path(__file__).resolve().parent / "_resources",  # package data in a wheel
]
if hasattr(sys, "_MEIPASS"):  # PyInstaller bundle
    _CANDIDATES.insert(0, Path(sys._MEIPASS) / "resources")  # type: ignore[attr-defined]


def resource_path(relative: str) -> Path:
    """The path of ``resources/<relative>``; FileNotFoundError names the file and the places."""
    for root in _CANDIDATES:
        path = root / relative
        if path.is_file():
            return path
    looked = ", ".join(str(r) for r in _CANDIDATES)
    raise FileNotFoundError(f"resource {relative!r} not found (looked in {looked})")


def icon_path(name: str) -> Path:
    return resource_path(f"icons/{name}.svg")


def app_icon():  # noqa: ANN201 - QIcon, imported lazily so this module stays Qt-free to import
    """The window icon, or None when the file is missing (a missing icon must not stop the lab)."""
    from PySide6.QtGui import QIcon

    try:
        return QIcon(str(icon_path("gradlab")))
    except FileNotFoundError:
        return None
