"""packaging/icons.py: the Windows .ico and macOS .icns rendered from the SVG are well formed."""

from __future__ import annotations

import importlib.util
import struct
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("_gradlab_icons", ROOT / "packaging" / "icons.py")
icons = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(icons)

PNG = b"\x89PNG\r\n\x1a\n"


def test_icons_are_well_formed(tmp_path: Path, qapp) -> None:  # noqa: ANN001 - pytest-qt's app
    paths = icons.write_icons(tmp_path)
    ico = paths["ico"].read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", ico)
    assert (reserved, kind, count) == (0, 1, len(icons.ICO_SIZES))
    for i, size in enumerate(icons.ICO_SIZES):
        w, h, _, _, planes, bpp, length, offset = struct.unpack_from("<BBBBHHII", ico, 6 + 16 * i)
        assert (w, h) == (size % 256, size % 256) and (planes, bpp) == (1, 32)
        assert ico[offset:offset + 8] == PNG and offset + length <= len(ico)

    icns = paths["icns"].read_bytes()
    assert icns[:4] == b"icns" and struct.unpack_from(">I", icns, 4)[0] == len(icns)
    kinds, pos = [], 8
    while pos < len(icns):
        kind, length = icns[pos:pos + 4], struct.unpack_from(">I", icns, pos + 4)[0]
        assert icns[pos + 8:pos + 16] == PNG
        kinds.append(kind)
        pos += length
    assert pos == len(icns)
    assert kinds == [k for k, _ in icons.ICNS_TYPES]
    assert paths["png"].read_bytes()[:8] == PNG
