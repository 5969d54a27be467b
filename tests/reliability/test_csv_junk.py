"""CSV junk, property-tested: every file either loads exactly the numbers it holds, or is refused
with a DataError that names the line and the problem. Never another exception, never a hang.

A document is generated as lines of known kinds (data, header, comment, blank, or one of the junk
kinds the issue lists) joined by \\n, \\r\\n or \\r, with or without a BOM; the oracle knows what
each line means, so it knows the values a good file holds and the line a bad one fails on.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gradlab.core.data import MAX_ROWS, DataError, Dataset, parse_csv, read_csv
from tests.reliability import tally

#: A generous bound that only a hang (or a quadratic blow-up) could miss.
SLOW = 10.0


@dataclass(frozen=True)
class Line:
    text: str
    kind: str  # "data", "header", "comment", "blank", or a junk kind from JUNK
    x: float = 0.0
    y: float = 0.0


# ---- numbers, written the ways spreadsheets and people write them ----------------------------

finite = st.floats(allow_nan=False, allow_infinity=False)
small_int = st.integers(-10**6, 10**6)


@st.composite
def number(draw: st.DrawFn) -> tuple[str, float]:
    """(text, the value it means)."""
    value = draw(st.one_of(finite, small_int.map(float), st.sampled_from([0.0, -0.0, 1e-300,
                                                                         1e300, 5e-324])))
    style = draw(st.sampled_from(["repr", "g", "e", "int", "f"]))
    if style == "int" and value.is_integer() and abs(value) < 1e15:
        text = str(int(value))
    elif style == "g":
        text = f"{value:.17g}"
    elif style == "e":
        text = f"{value:.16e}"
    elif style == "f" and abs(value) < 1e6:
        text = f"{value:.6f}"
    else:
        text = repr(value)
    value = float(text)  # what the text means (f and e may round)
    if value >= 0 and not text.startswith("-") and draw(st.booleans()):
        text = "+" + text
    pad = st.sampled_from(["", " ", "  ", "\t"])
    return draw(pad) + text + draw(pad), value


@st.composite
def data_line(draw: st.DrawFn, x: tuple[str, float] | None = None) -> Line:
    xt, xv = x if x is not None else draw(number())
    yt, yv = draw(number())
    tail = draw(st.sampled_from(["", "", " # a note", "#"]))
    return Line(f"{xt},{yt}{tail}", "data", xv, yv)


HEADERS = ["x,y", "X , Y", '"x","y"', "time (s),distance (m)", "größe,wert", "x,y # units: m"]
COMMENTS = ["# a comment", "  # indented comment", "#x,y", "# 1,2,3,4 ;\t∞"]

#: junk kind -> (strategy for the line's text, a fragment the message must contain)
TEXT_JUNK = ["abc", "1.2.3", "12kg", "--1", "0x1F", "1e", "½", "N/A", "-", "true"]
JUNK: dict[str, tuple[st.SearchStrategy[str], str]] = {
    "NaN/inf cell": (st.tuples(st.sampled_from(["nan", "NaN", "inf", "-inf", "Infinity", "1e999",
                                                "-1e400"]), st.booleans())
                     .map(lambda t: f"{t[0]},1" if t[1] else f"1,{t[0]}"), "not a finite number"),
    "thousands separators": (st.sampled_from(["1,234,5", "2,5,1,234", "12,345.5,7", "1,000,000,2",
                                              '"1,234",5']), "separator"),
    "decimal commas with semicolons": (st.sampled_from(["1,5;2,5", "0,25;7", "3;4,5"]),
                                       "separator"),
    "semicolons": (st.sampled_from(["1;2", "1.5;2.5", " 3 ; 4 "]), "';'"),
    "tabs": (st.sampled_from(["1\t2", "1.5\t\t2.5"]), "tab"),
    "spaces": (st.sampled_from(["1 2", "3.5   4"]), "found 1"),
    "text cell": (st.tuples(st.sampled_from(TEXT_JUNK), st.booleans())
                  .map(lambda t: f"{t[0]},2" if t[1] else f"2,{t[0]}"), "not a number"),
    "empty cell": (st.sampled_from(["1,", ",2", " , 3", "4,  "]), "empty"),
    "extra column": (st.sampled_from(["1,2,3", "1,2,", "1,2,,"]), "found"),
    "one column": (st.sampled_from(["5", "7.25"]), "found 1"),
    "BOM inside the file": (st.sampled_from(["\ufeff1,2", "2,\ufeff3"]), "not a number"),
    "very long line": (st.sampled_from(["q" * 200_000 + ",1", "1," + "9" * 200_000,
                                        "1," * 100_000 + "1"]), ""),
    "control characters": (st.sampled_from(["1\x00,2", "1,\x072", "\x1b[31m1,2"]),
                           "not a number"),
}


@st.composite
def document(draw: st.DrawFn) -> tuple[str, list[Line], str | None]:
    """(text, its lines, the junk kind it holds or None)."""
    lines: list[Line] = []
    for _ in range(draw(st.integers(0, 2))):
        lines.append(draw(st.sampled_from([Line(c, "comment") for c in COMMENTS]
                                          + [Line("", "blank"), Line("   ", "blank")])))
    if draw(st.booleans()):
        lines.append(Line(draw(st.sampled_from(HEADERS)), "header"))
    repeated = draw(st.none() | number())  # "a single repeated x"
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["data"] * 6 + ["comment", "blank", "long"]))
        if kind == "data":
            lines.append(draw(data_line(repeated)))
        elif kind == "comment":
            lines.append(Line(draw(st.sampled_from(COMMENTS)), "comment"))
        elif kind == "blank":
            lines.append(Line(draw(st.sampled_from(["", " ", "\t"])), "blank"))
        else:  # a very long line that is still good data
            lines.append(Line("0" * 100_000 + "1.5," + " " * 100_000 + "2", "data", 1.5, 2.0))
    junk = draw(st.none() | st.sampled_from(sorted(JUNK)))
    if junk is not None:
        text = draw(JUNK[junk][0])
        inside = junk == "BOM inside the file"  # (a BOM that starts the file is fine)
        if inside and not lines:
            lines.append(draw(data_line()))
        at = draw(st.integers(1 if inside else 0, len(lines)))
        lines.insert(at, Line(text, junk))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(line.text for line in lines)
    if lines and draw(st.booleans()):
        text += newline
    if draw(st.booleans()):
        text = "\ufeff" + text
    return text, lines, junk


def expected_failure(lines: list[Line], on_disk: bool = False) -> tuple[int | None, str]:
    """(line number, message fragment) of the refusal the lines must cause; (None, "") if none."""
    first_content = True
    for number_, line in enumerate(lines, start=1):
        if on_disk and "\x00" in line.text:
            return number_, "binary"  # read_csv refuses a NUL byte before parsing
        if line.kind in ("comment", "blank"):
            continue
        if line.kind == "header" and not first_content:
            return number_, "not a number"
        first_content = False
        if line.kind in JUNK:
            return number_, JUNK[line.kind][1]
    return None, ""


def check(text: str, lines: list[Line], junk: str | None, loader,  # noqa: ANN001
          on_disk: bool = False) -> None:
    tally.tried(f"csv: {junk or 'good or edge (no junk)'}")
    t0 = time.perf_counter()
    want_line, fragment = expected_failure(lines, on_disk)
    data = [line for line in lines if line.kind == "data"]
    try:
        got = loader(text)
    except DataError as exc:
        message = str(exc)
        assert time.perf_counter() - t0 < SLOW
        assert len(message) < 400, "a refusal is one readable line, not the file echoed back"
        if want_line is None:
            assert not data, f"good data refused: {message}"
            assert exc.line is None and "no data rows" in message
            return
        assert exc.line == want_line, f"refused at line {exc.line}, the problem is on {want_line}"
        assert message.startswith(f"line {want_line}: ")
        assert fragment in message, message
        return
    assert time.perf_counter() - t0 < SLOW
    assert want_line is None, f"accepted a file with {junk} on line {want_line}"
    assert isinstance(got, Dataset)
    np.testing.assert_array_equal(got.x, [line.x for line in data])
    np.testing.assert_array_equal(got.y, [line.y for line in data])


@tally.fuzz(250)
@given(document())
def test_any_csv_text_loads_exactly_or_is_refused_at_its_line(doc) -> None:  # noqa: ANN001
    check(*doc, loader=parse_csv)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("csv") / "data.csv"


BAD_BYTES = [b"\xff", b"\xfe\xff", b"\xe9", b"\xc3(", b"\x80", b"\xed\xa0\x80", b"\xf8\x88\x80"]


@tally.fuzz(120)
@given(document(), st.data())
def test_files_on_disk_including_non_utf8_bytes(scratch: Path, doc, data) -> None:  # noqa: ANN001
    """read_csv on the same documents; some get a byte that is not UTF-8 on a known line."""
    text, lines, junk = doc
    raw = text.encode("utf-8")
    if lines and data.draw(st.booleans()):
        at = data.draw(st.integers(0, len(lines) - 1))
        bad = data.draw(st.sampled_from(BAD_BYTES))
        newline = next((n for n in ("\r\n", "\n", "\r") if n in text), "\n")
        texts = [line.text.encode("utf-8") for line in lines]
        texts[at] = texts[at][:1] + bad + texts[at][1:]
        raw = (b"\xef\xbb\xbf" if text.startswith("\ufeff") else b"") \
            + newline.encode().join(texts)
        scratch.write_bytes(raw)
        tally.tried("csv: non-UTF-8 bytes")
        with pytest.raises(DataError) as info:
            read_csv(scratch)
        assert info.value.line == at + 1, (info.value.line, at + 1, newline)
        assert "UTF-8" in str(info.value)
        return
    scratch.write_bytes(raw)
    check(text, lines, junk, loader=lambda _text: read_csv(scratch), on_disk=True)


@pytest.mark.parametrize("raw,line,fragment", [
    (b"", None, "no data rows"),
    (b"\xef\xbb\xbf", None, "no data rows"),
    (b"x,y\r\n", None, "no data rows"),
    (b"# just a comment\n\n  \n", None, "no data rows"),
    (b"\xff\xfex\x00,\x00y\x00\n\x001\x00,\x002\x00", 1, "UTF-8"),  # UTF-16, as Excel may save
    (b"1,2\r3,4\r5,\x006\r", 3, "binary"),
    (b"x,y\n1,2\n" + "3,4 # caf\u00e9\n".encode("latin-1"), 3, "UTF-8"),
])
def test_whole_file_problems(scratch: Path, raw: bytes, line: int | None, fragment: str) -> None:
    tally.tried("csv: empty, header only, other encodings")
    scratch.write_bytes(raw)
    with pytest.raises(DataError) as info:
        read_csv(scratch)
    assert info.value.line == line and fragment in str(info.value)


@pytest.mark.parametrize("text,x,y", [
    ("1,2", [1.0], [2.0]),  # one row, no newline
    ("x,y\n3,4\n", [3.0], [4.0]),  # header and one row
    ("\ufeffx,y\r\n1,5\r\n1,6\r\n1,7\r\n", [1.0, 1.0, 1.0], [5.0, 6.0, 7.0]),  # one repeated x
    ("1e-300,1e300\n-1e300,5e-324\n", [1e-300, -1e300], [1e300, 5e-324]),
])
def test_edge_cases_that_are_good_data(text: str, x: list[float], y: list[float]) -> None:
    tally.tried("csv: good edge cases (one row, repeated x, extremes)")
    got = parse_csv(text)
    np.testing.assert_array_equal(got.x, x)
    np.testing.assert_array_equal(got.y, y)


def test_a_million_rows_load_in_bounded_time(scratch: Path) -> None:
    n = 1_000_000
    x = np.arange(n) * 0.5
    y = 2 * x + 1
    rows = (f"{a!r},{b!r}\n" for a, b in zip(x.tolist(), y.tolist(), strict=True))
    scratch.write_text("x,y\n" + "".join(rows), encoding="utf-8")
    t0 = time.perf_counter()
    got = read_csv(scratch)
    elapsed = time.perf_counter() - t0
    tally.tried("csv: 10^6 rows")
    tally.timing("read a 10^6-row CSV", elapsed)
    assert elapsed < 60  # ~2 s here; a generous bound that only a hang would miss
    assert len(got) == n
    np.testing.assert_array_equal(got.x, x)
    np.testing.assert_array_equal(got.y, y)
    # ... and one bad cell on the last of them is found, with its line number.
    with scratch.open("a", encoding="utf-8") as f:
        f.write("1,2,3\n")
    with pytest.raises(DataError) as info:
        read_csv(scratch)
    assert info.value.line == n + 2


def test_too_many_rows_are_refused_at_the_first_extra_line(monkeypatch) -> None:  # noqa: ANN001
    from gradlab.core import data as data_mod

    monkeypatch.setattr(data_mod, "MAX_ROWS", 3)
    tally.tried("csv: more rows than the lab takes")
    with pytest.raises(DataError) as info:
        parse_csv("x,y\n1,1\n2,2\n3,3\n4,4\n5,5\n")
    assert info.value.line == 5 and "3" in str(info.value)
    assert MAX_ROWS >= 1_000_000


def _within(seconds: float, fn):  # noqa: ANN001, ANN202
    """fn() run in a thread: its result or exception, or a failure if it is still running."""
    import threading

    out: dict = {}

    def run() -> None:
        try:
            out["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            out["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s: a hang"
    if "error" in out:
        raise out["error"]
    return out.get("value")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_or_a_folder_is_refused_not_waited_on(tmp_path: Path) -> None:
    """Reading a named pipe would wait for a writer forever (a hang before this was fixed)."""
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    for path in (fifo, tmp_path):
        tally.tried("csv: a pipe or a folder instead of a file")
        with pytest.raises(DataError, match="not a file"):
            _within(5.0, lambda p=path: read_csv(p))


def test_a_file_larger_than_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    from gradlab.core import data as data_mod

    path = tmp_path / "huge.csv"
    with open(path, "wb") as f:  # sparse: costs no disk
        f.truncate(data_mod.MAX_BYTES + 1)
    tally.tried("csv: larger than the size limit")
    t0 = time.perf_counter()
    with pytest.raises(DataError, match="MB"):
        read_csv(path)
    assert time.perf_counter() - t0 < 1.0
