"""Bad session files, property-tested: truncated, wrong version, wrong types, missing and extra
keys, huge arrays, lengths that disagree. The core refuses each with a SessionError whose message
is short and names the problem; a session that does load is one a trainer can really step from;
the headless CLI exits 2 with one line. (The window's File → Open: see test_gui_sessions.py.)
"""

from __future__ import annotations

import copy
import json
import math
import os
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gradlab import cli
from gradlab.core import session as session_mod
from gradlab.core.config import LabConfig
from gradlab.core.data import make_preset
from gradlab.core.session import SessionError, load_session, parse_session, session_dict
from gradlab.core.trainer import NoReductionError, Trainer
from tests.reliability import tally

SLOW = 10.0


def _good(optimizer: str = "adam", batch: int | None = 7) -> dict:
    cfg = LabConfig(preset="noisy-line", n_points=12, optimizer=optimizer, batch_size=batch,
                    lr=0.05, reduction="weighted", weights=tuple(float(i) for i in range(12)))
    data = make_preset("noisy-line", n=12)
    trainer = Trainer(cfg, data)
    _, history = trainer.run(3)
    return session_dict(cfg, data, trainer.state_dict(), history)


GOOD = {kind: _good(*args) for kind, args in
        {"adam": ("adam", 7), "momentum": ("momentum", 5), "sgd": ("sgd", None)}.items()}


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a node of a JSON document (keys and list indices), the root excluded."""
    out = []
    if isinstance(node, dict):
        items = node.items()
    elif isinstance(node, list):
        items = list(enumerate(node))[:3] + ([(len(node) - 1, node[-1])] if len(node) > 3 else [])
    else:
        return out
    for key, child in items:
        out.append((*prefix, key))
        out.extend(_paths(child, (*prefix, key)))
    return out


PATHS = {kind: _paths(doc) for kind, doc in GOOD.items()}

big_int = st.integers(min_value=2**64, max_value=10**400) | st.integers(max_value=-(2**64))
json_scalar = st.one_of(
    st.none(), st.booleans(), st.integers(-10, 10**6), big_int,
    st.floats(allow_nan=False, allow_infinity=False), st.sampled_from([1e308, -1e308, 5e-324]),
    st.text(max_size=20), st.sampled_from(["1", "0.5", "nan", "inf", "", "sgd", "adam", "csv"]),
)
json_value = st.recursive(json_scalar, lambda kids: st.lists(kids, max_size=4)
                          | st.dictionaries(st.text(max_size=8), kids, max_size=3), max_leaves=8)

#: How a document is damaged; each is a "kind" of bad session for the summary.
EDITS = ("replace a value", "delete a key", "add an unknown key", "wrong type for a list",
         "lengths disagree", "huge array", "huge number")


@st.composite
def damaged(draw: st.DrawFn) -> tuple[str, dict]:
    """(kind of damage, the damaged document)."""
    base = draw(st.sampled_from(sorted(GOOD)))
    doc = copy.deepcopy(GOOD[base])
    edit = draw(st.sampled_from(EDITS))
    path = draw(st.sampled_from(PATHS[base]))
    *parents, last = path
    parent = doc
    for key in parents:
        parent = parent[key]
    if edit == "replace a value":
        parent[last] = draw(json_value)
    elif edit == "delete a key" and isinstance(parent, dict):
        del parent[last]
    elif edit == "add an unknown key":
        target = parent[last] if isinstance(parent[last], dict) else parent
        if isinstance(target, dict):
            target[draw(st.sampled_from(["colour", "extra", "__tensor__", "0", "2", "dtype"]))] = \
                draw(json_value)
    elif edit == "wrong type for a list":
        if isinstance(parent[last], list):
            parent[last] = draw(st.sampled_from([{}, "1,2,3", 3, None, [[1.0]]]))
    elif edit == "lengths disagree":
        arrays = [doc["dataset"]["x"], doc["dataset"]["y"], *doc["history"].values()]
        victim = draw(st.sampled_from(arrays))
        if draw(st.booleans()) and victim:
            victim.pop()
        else:
            victim.append(1.0)
    elif edit == "huge array":
        where = draw(st.sampled_from(["x", "y", "both", "weights"]))
        n = draw(st.sampled_from([10_001, 100_000]))
        if where == "weights":
            doc["config"]["weights"] = [1.0] * n
        for key in ("x", "y") if where == "both" else (where,) if where != "weights" else ():
            doc["dataset"][key] = [0.5] * n
    else:  # huge number: a float field that a JSON integer overflows
        field = draw(st.sampled_from(["config/lr", "config/init_w", "config/momentum",
                                      "config/noise", "config/seed", "state/w", "state/step",
                                      "dataset/x/0", "history/loss/1", "config/weights/3"]))
        *ps, leaf = field.split("/")
        node = doc
        for key in ps:
            node = node[int(key) if isinstance(node, list) else key]
        node[int(leaf) if isinstance(node, list) else leaf] = draw(big_int)
    return edit, doc


def _assert_refused_clearly(exc: SessionError) -> None:
    message = str(exc)
    assert message and len(message) < 500, message
    assert "Traceback" not in message


def _assert_usable(session: session_mod.Session) -> None:
    """A session that loads must really train: a few steps, no exception but the lab's own."""
    trainer = session.make_trainer()
    try:
        trainer.run(3)
    except NoReductionError:
        assert session.config.reduction == "none"


@tally.fuzz(300)
@given(damaged())
def test_a_damaged_session_is_refused_clearly_or_really_works(case) -> None:  # noqa: ANN001
    kind, doc = case
    tally.tried(f"session: {kind}")
    t0 = time.perf_counter()
    try:
        text = json.dumps(doc, allow_nan=False)
    except ValueError:
        return  # not expressible as strict JSON
    try:
        session = parse_session(text)
    except SessionError as exc:
        _assert_refused_clearly(exc)
    else:
        _assert_usable(session)
    assert time.perf_counter() - t0 < SLOW


@tally.fuzz(120)
@given(st.sampled_from(sorted(GOOD)), st.data())
def test_a_truncated_or_corrupted_file_is_refused(base: str, data) -> None:  # noqa: ANN001
    text = json.dumps(GOOD[base])
    how = data.draw(st.sampled_from(["truncated", "byte flipped", "wrong version"]))
    tally.tried(f"session: {how}")
    if how == "truncated":
        text = text[: data.draw(st.integers(0, len(text) - 1))]
    elif how == "byte flipped":
        at = data.draw(st.integers(0, len(text) - 1))
        text = text[:at] + data.draw(st.sampled_from(list("{}[]\",:0x-.e \\"))) + text[at + 1:]
    else:
        doc = copy.deepcopy(GOOD[base])
        doc["version"] = data.draw(st.one_of(st.integers(), st.floats(allow_nan=False,
                                                                      allow_infinity=False),
                                             st.text(max_size=5), st.none(), st.just(1.0)))
        text = json.dumps(doc)
    try:
        session = parse_session(text)
    except SessionError as exc:
        _assert_refused_clearly(exc)
        if how == "wrong version":
            assert "version" in str(exc)
    else:
        assert how == "byte flipped"  # a harmless flip (e.g. inside a name, or 0 -> 0)
        _assert_usable(session)


@pytest.mark.parametrize("text,named", [
    ('{"format": "gradlab-session", "version": 1, "config": {"lr": 1' + "0" * 5000 + "}}",
     "JSON"),
    ("[" * 50_000 + "]" * 50_000, "nested"),
    ('{"format": "gradlab-session", "version": 1e400}', "version"),
    ('{"format": "gradlab-session", "version": true}', "version"),
    ('{"format": "gradlab-session", "version": 1.0}', "version"),
], ids=["5000 digits", "deep nesting", "version 1e400", "version true", "version 1.0"])
def test_hostile_json(text: str, named: str) -> None:
    tally.tried("session: hostile JSON (deep nesting, 5000-digit numbers)")
    with pytest.raises(SessionError) as info:
        parse_session(text)
    _assert_refused_clearly(info.value)
    assert named in str(info.value)


@pytest.mark.parametrize("field,value,named", [
    ("config/lr", 10**400, "config.lr"),
    ("config/momentum", -(10**400), "config.momentum"),
    ("config/init_b", 10**309, "config.init_b"),
    ("config/noise", 10**400, "config.noise"),
    ("dataset/x/3", 10**400, "dataset.x"),
    ("history/w/0", 10**400, "history.w"),
    ("config/weights/1", 10**400, "config.weights"),
    ("state/optimizer/state/0", 5, "state.optimizer"),
    ("state/b", 10**400, "state.b"),
    ("state/step", 2**64, "state.step"),
    ("state/optimizer/state/7", {"exp_avg": {"__tensor__": 1.0, "dtype": "float64"}},
     "state.optimizer"),
    ("state/optimizer/param_groups/0/params", [0, 0], "state.optimizer"),
], ids=lambda v: v if isinstance(v, str) else "value")
def test_regressions_found_by_the_fuzzer(field: str, value: object, named: str) -> None:
    """Each of these raised OverflowError, AttributeError or loaded garbage before."""
    doc = copy.deepcopy(GOOD["adam"])
    *parents, leaf = field.split("/")
    node = doc
    for key in parents:
        node = node[int(key) if isinstance(node, list) else key]
    node[int(leaf) if isinstance(node, list) else leaf] = value
    tally.tried("session: regressions (huge integers, odd optimizer state)")
    with pytest.raises(SessionError) as info:
        parse_session(json.dumps(doc))
    _assert_refused_clearly(info.value)
    assert named in str(info.value)


def test_huge_files_are_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.gradlab"
    with open(path, "wb") as f:  # sparse: costs no disk
        f.truncate(session_mod.MAX_BYTES + 1)
    tally.tried("session: file larger than the limit")
    t0 = time.perf_counter()
    with pytest.raises(SessionError, match="MB"):
        load_session(path)
    assert time.perf_counter() - t0 < 1.0


def test_a_million_point_session_round_trips_in_bounded_time(tmp_path: Path) -> None:
    cfg = LabConfig(preset="large", batch_size=1000, lr=0.05)
    data = make_preset("large")
    trainer = Trainer(cfg, data)
    _, history = trainer.run(5)
    path = tmp_path / "large.gradlab"
    t0 = time.perf_counter()
    session_mod.save_session(path, cfg, data, trainer.state_dict(), history)
    loaded = load_session(path)
    elapsed = time.perf_counter() - t0
    tally.timing("save + load a 10^6-point session", elapsed)
    assert elapsed < 60
    assert loaded.dataset == data and loaded.make_trainer().state_dict() == trainer.state_dict()


# ---- the headless contract: exit 2, one line, no traceback ---------------------------------

CLI_CASES = {
    "truncated": lambda text: text[: len(text) // 2],
    "wrong version": lambda text: text.replace('"version": 1', '"version": 9', 1),
    "wrong type": lambda text: text.replace('"lr": 0.05', '"lr": "fast"', 1),
    "missing key": lambda text: text.replace('"format": "gradlab-session", ', "", 1),
    "extra key": lambda text: text.replace('"version": 1', '"version": 1, "colour": "red"', 1),
    "lengths disagree": lambda text: text.replace('"x": [', '"x": [1.0, ', 1),
    "huge number": lambda text: text.replace('"lr": 0.05', '"lr": 1' + "0" * 400, 1),
    "not JSON at all": lambda text: "\x89PNG\r\n\x1a\n",
    "empty": lambda text: "",
}


@pytest.mark.parametrize("kind", sorted(CLI_CASES))
def test_headless_bad_session_exits_2_with_one_line(tmp_path: Path, capsys, kind: str) -> None:  # noqa: ANN001
    path = tmp_path / "bad.gradlab"
    path.write_text(CLI_CASES[kind](json.dumps(GOOD["adam"])), encoding="utf-8")
    tally.tried(f"session: headless --session ({kind})")
    code = cli.main(["--headless", "--session", str(path), "--steps", "1"])
    out, err = capsys.readouterr()
    assert code == cli.EXIT_USAGE
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gradlab: error: argument --session: ")
    assert "Traceback" not in err


def test_headless_bad_session_in_a_real_process(tmp_path: Path) -> None:
    """The same through ``python main.py``: the huge number used to end in a traceback."""
    import subprocess
    import sys

    path = tmp_path / "bad.gradlab"
    path.write_text(CLI_CASES["huge number"](json.dumps(GOOD["adam"])), encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, str(root / "main.py"), "--headless", "--session",
                           str(path)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONWARNINGS": "error"})
    tally.tried("session: headless --session in a real process")
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and "config.lr" in proc.stderr
    assert math.isfinite(len(proc.stdout)) and proc.stdout == ""


def test_a_saved_session_always_loads_back(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """A long run's history made a file larger than load_session accepts (about 4.6 million
    steps at 116 bytes a step against 512 MB): the student saved a session they could not open.
    Now the newest steps that fit are kept; data too large for any session is refused before
    anything is written."""
    monkeypatch.setattr(session_mod, "MAX_BYTES", 200_000)
    cfg = LabConfig(preset="noisy-line", n_points=50, lr=0.01)
    data = make_preset("noisy-line", n=50)
    trainer = Trainer(cfg, data)
    _, history = trainer.run(5000)  # ~580 kB of history
    path = tmp_path / "long.gradlab"
    session_mod.save_session(path, cfg, data, trainer.state_dict(), history)
    assert path.stat().st_size <= session_mod.MAX_BYTES
    loaded = load_session(path)
    kept = loaded.history.step
    assert 0 < kept.size < 5000 and kept[-1] == 5000 and (kept == range(5001 - kept.size,
                                                                         5001)).all()
    assert loaded.make_trainer().state_dict() == trainer.state_dict()  # the run itself is exact
    tally.tried("session: a history too long for a loadable file")
    big = make_preset("noisy-line", n=20_000)  # ~800 kB of data alone
    path.write_text("the old file")
    with pytest.raises(SessionError, match="too large to save"):
        session_mod.save_session(path, cfg.replace(n_points=20_000), big,
                                 Trainer(cfg.replace(n_points=20_000), big).state_dict())
    assert path.read_text() == "the old file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long.gradlab"]
    tally.tried("session: data too large for any session")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_is_refused_not_waited_on(tmp_path: Path) -> None:
    """Opening a named pipe as a session waited for a writer for ever (File → Open froze the
    worker; --session never returned)."""
    import threading

    fifo = tmp_path / "pipe.gradlab"
    os.mkfifo(fifo)
    out: dict = {}

    def run() -> None:
        try:
            load_session(fifo)
        except SessionError as exc:
            out["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(5.0)
    if thread.is_alive():  # unblock the reader so the test process can end
        with open(fifo, "w"):
            pass
        pytest.fail("load_session waited on a pipe")
    tally.tried("session: a named pipe instead of a file")
    assert "not a file" in str(out["error"])
    with pytest.raises(SessionError, match="cannot read"):
        load_session(tmp_path)  # a folder: as before
