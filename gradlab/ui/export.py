"""Pictures of the panels: PNG and SVG files, and the clipboard.

pyqtgraph panels go through pyqtgraph's own exporters (``ImageExporter``, ``SVGExporter``), so a
figure for a handout is vector graphics with real text. Panels drawn with plain Qt widgets (the
text-heavy teaching tabs) are rendered by Qt: PNG from ``grab()``, SVG with ``QSvgGenerator``.

pyqtgraph 0.14's SVG exporter cannot read the ``Z`` (close path) that Qt 6.10+ writes into SVG
paths (pyqtgraph issue #3485); ``_svg_tolerates_close_path`` sets it aside while the exporter
rewrites coordinates, and puts it back. Should the exporter still fail, Qt renders the SVG.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pyqtgraph as pg
import pyqtgraph.exporters  # noqa: F401 - registers pg.exporters
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QRectF, QSize
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtWidgets import QWidget

from gradlab.i18n import translate

FORMATS = {".png": "PNG", ".svg": "SVG"}


class ExportError(Exception):
    """A picture could not be made or written; the message says why (and names the file)."""


def format_for(path: str) -> str:
    """"PNG" or "SVG" from the file's extension; ExportError for anything else."""
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise ExportError(translate("Export", "{path}: choose a .png or .svg file name").format(
            path=path))
    return fmt


def _scene_of(panel: QWidget) -> pg.GraphicsScene | None:
    if isinstance(panel, pg.GraphicsView):
        return panel.scene()
    views = panel.findChildren(pg.GraphicsView)
    return views[0].scene() if len(views) == 1 and _fills(panel, views[0]) else None


def _fills(panel: QWidget, view: QWidget) -> bool:
    """The pyqtgraph view is (nearly) the whole panel, so exporting it loses nothing."""
    return view.width() * view.height() >= 0.8 * max(1, panel.width() * panel.height())


def panel_image(panel: QWidget) -> QImage:
    """The panel as it is on screen, as an image (pyqtgraph's exporter where it can)."""
    scene = _scene_of(panel)
    if scene is not None:
        image = pg.exporters.ImageExporter(scene).export(toBytes=True)
        if isinstance(image, QImage) and not image.isNull():
            return image
    return panel.grab().toImage()


def export_panel(panel: QWidget, path: str) -> None:
    """Write ``panel`` to ``path`` (.png or .svg); ExportError says why it could not."""
    fmt = format_for(path)
    if fmt == "PNG":
        if not panel_image(panel).save(path, "PNG"):
            raise ExportError(_cannot_write_image(path))
        return
    data = panel_svg(panel)
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise ExportError(translate("Export", "{path}: cannot write: {reason}").format(
            path=path, reason=exc.strerror or exc)) from None


def panel_svg(panel: QWidget) -> bytes:
    scene = _scene_of(panel)
    if scene is not None:
        try:
            with _svg_tolerates_close_path():
                text = pg.exporters.SVGExporter(scene).export(toBytes=True)
            if text:
                return text if isinstance(text, bytes) else str(text).encode("utf-8")
        except Exception:  # noqa: BLE001 - a pyqtgraph exporter bug; Qt can still draw it
            pass
    return _qt_svg(panel)


def _qt_svg(panel: QWidget) -> bytes:
    from PySide6.QtSvg import QSvgGenerator

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    size = QSize(max(1, panel.width()), max(1, panel.height()))
    generator.setSize(size)
    generator.setViewBox(QRectF(0, 0, size.width(), size.height()))
    generator.setTitle("gradlab")
    painter = QPainter(generator)
    try:
        panel.render(painter, QPoint(0, 0))
    finally:
        painter.end()
    buffer.close()
    return bytes(data.data())


def window_image(window: QWidget) -> QImage:
    return window.grab().toImage()


def export_window(window: QWidget, path: str) -> None:
    if Path(path).suffix.lower() != ".png":
        raise ExportError(translate("Export", "{path}: the window is saved as a .png file")
                          .format(path=path))
    if not window_image(window).save(path, "PNG"):
        raise ExportError(_cannot_write_image(path))


def _cannot_write_image(path: str) -> str:
    return translate("Export", "{path}: cannot write the image (is the folder writable?)").format(
        path=path)


def copy_panel(panel: QWidget) -> QImage:
    """Put the panel's picture on the clipboard (for slides); returns it."""
    image = panel_image(panel)
    QGuiApplication.clipboard().setImage(image)
    return image


@contextlib.contextmanager
def _svg_tolerates_close_path() -> Iterator[None]:
    module = sys.modules.get("pyqtgraph.exporters.SVGExporter")
    original = getattr(module, "correctCoordinates", None)
    if original is None:
        yield
        return

    def correct(node, defs, item, options):  # noqa: ANN001, ANN202 - pyqtgraph's signature
        closed = []
        for path in node.getElementsByTagName("path"):
            d = path.getAttribute("d")
            tokens = d.split()
            if "Z" in tokens or "z" in tokens:
                path.setAttribute("d", " ".join(t for t in tokens if t not in ("Z", "z")))
                closed.append(path)
        result = original(node, defs, item, options)
        for path in closed:
            path.setAttribute("d", path.getAttribute("d").rstrip() + " Z")
        return result

    module.correctCoordinates = correct
    try:
        yield
    finally:
        module.correctCoordinates = original
