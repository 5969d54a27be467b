"""Sessions resume bit-for-bit, and every kind of bad file is refused with a message naming it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gradlab.core import session as session_mod
from gradlab.core.config import LabConfig
from gradlab.core.data import make_preset
from gradlab.core.records import HistoryChunk
from gradlab.core.session import SessionError, load_session, parse_session, save_session
from gradlab.core.trainer import Trainer
from tests.jsondoc import DELETE as _DELETE
from tests.jsondoc import setter as _set

NOISY = make_preset("noisy-line")


@pytest.mark.parametrize("optimizer,batch_size", [("adam", 7), ("momentum", 16), ("sgd", None)])
def test_saved_after_3_resumed_for_2_equals_5_straight(tmp_path, optimizer, batch_size):
    cfg = LabConfig(preset="noisy-line", optimizer=optimizer, batch_size=batch_size, lr=0.05,
                    seed=2)
    straight = Trainer(cfg, NOISY)
    straight.run(5)

    first = Trainer(cfg, NOISY)
    _, history = first.run(3)
    path = tmp_path / "s.json"
    save_session(path, cfg, NOISY, first.state_dict(), history)
    loaded = load_session(path)
    assert loaded.config == cfg and loaded.dataset == NOISY and loaded.step == 3
    assert loaded.history is not None and loaded.history.step.tolist() == [1, 2, 3]
    resumed = loaded.make_trainer()
    resumed.step()
    r5 = resumed.step()
    assert resumed.params == straight.params  # bit for bit
    assert resumed.state_dict() == straight.state_dict()
    assert r5.step == 5


def test_history_with_a_diverged_value_round_trips_as_nan(tmp_path):
    cfg = LabConfig()
    h = HistoryChunk([1, 2], [1.0, float("inf")], [0.0, 1.0], [0.0, 1.0], [0.1, 0.2], [0.1, 0.2])
    save_session(tmp_path / "s.json", cfg, make_preset("seed"), Trainer(cfg, make_preset("seed"))
                 .state_dict(), h)
    loaded = load_session(tmp_path / "s.json")
    assert loaded.history is not None and loaded.history.loss[0] == 1.0
    assert loaded.history.loss[1] != loaded.history.loss[1]  # NaN


@pytest.fixture()
def good_doc() -> dict:
    cfg = LabConfig(preset="noisy-line", optimizer="adam", batch_size=7, lr=0.05)
    t = Trainer(cfg, NOISY)
    _, h = t.run(3)
    return session_mod.session_dict(cfg, NOISY, t.state_dict(), h)


BAD_EDITS = {
    "wrong format": (_set("format", "not-gradlab"), "format"),
    "wrong version": (_set("version", 2), "version"),
    "version as text": (_set("version", "1"), "version"),
    "missing key": (_set("state", _DELETE), "'state'"),
    "extra key": (_set("colour", "red"), "'colour'"),
    "config wrong type": (_set("config/lr", "fast"), "config.lr"),
    "config missing key": (_set("config/optimizer", _DELETE), "'optimizer'"),
    "config extra key": (_set("config/speed", 3), "config: has an unknown key 'speed'"),
    "config bad value": (_set("config/lr", -1.0), "config.lr"),
    "dataset not a list": (_set("dataset/x", "1,2,3"), "dataset.x"),
    "dataset text item": (_set("dataset/y/4", "2.5"), "dataset.y"),
    "dataset bool item": (_set("dataset/x/0", True), "dataset.x"),
    "dataset length mismatch": (lambda d: d["dataset"]["x"].pop(), "x has 49 values but y has 50"),
    "dataset name not text": (_set("dataset/name", 5), "dataset.name"),
    "weights length mismatch": (_set("config/weights", [1.0, 2.0]), "config.weights"),
    "state wrong type": (_set("state/w", "0.5"), "state.w"),
    "state negative step": (_set("state/step", -1), "state.step"),
    "state position beyond data": (_set("state/position", 500), "state.position"),
    "state extra key": (_set("state/lr", 0.1), "'lr'"),
    "optimizer buffer shape": (_set("state/optimizer/state/0/exp_avg/__tensor__", [1.0, 2.0]),
                               "exp_avg"),
    "optimizer injected weight decay": (
        _set("state/optimizer/param_groups/0/weight_decay", 0.5), "weight_decay"),
    "optimizer of another kind": (_set("config/optimizer", "momentum"), "state.optimizer"),
    "history length mismatch": (lambda d: d["history"]["w"].pop(), "history"),
    "history missing field": (_set("history/grad_b", _DELETE), "'grad_b'"),
}


@pytest.mark.parametrize("kind", sorted(BAD_EDITS))
def test_each_bad_session_is_refused_naming_the_problem(good_doc, kind):
    edit, named = BAD_EDITS[kind]
    edit(good_doc)
    with pytest.raises(SessionError) as info:
        parse_session(json.dumps(good_doc))
    assert named in str(info.value)


@pytest.mark.parametrize("text,named", [
    ("", "empty"),
    ("hello", "not valid JSON"),
    ('{"format": "gradlab-session", "version": 1, "con', "truncated"),
    ("[1, 2]", "list"),
    ('{"format": "gradlab-session", "version": 1, "x": NaN}', "NaN"),
    ('{"format": "gradlab-session", "format": "gradlab-session"}', "twice"),
])
def test_corrupt_files_are_refused(tmp_path, text, named):
    p = tmp_path / "bad.json"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(SessionError, match=named):
        load_session(p)


def test_binary_huge_and_missing_files_are_refused(tmp_path, good_doc, monkeypatch):
    p = tmp_path / "bin.json"
    p.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(SessionError, match="UTF-8"):
        load_session(p)
    with pytest.raises(SessionError, match="cannot read"):
        load_session(tmp_path / "missing.json")
    p = tmp_path / "s.json"
    p.write_text(json.dumps(good_doc), encoding="utf-8")
    monkeypatch.setattr(session_mod, "MAX_SAMPLES", 10)
    with pytest.raises(SessionError, match="dataset.x.*at most 10"):
        load_session(p)
    monkeypatch.setattr(session_mod, "MAX_BYTES", 100)
    with pytest.raises(SessionError, match="MB"):
        load_session(p)


def test_save_is_atomic_and_reports_unwritable_paths(tmp_path):
    cfg = LabConfig()
    state = Trainer(cfg, make_preset("seed")).state_dict()
    with pytest.raises(SessionError, match="cannot write"):
        save_session(tmp_path / "no" / "such" / "dir.json", cfg, make_preset("seed"), state)
    save_session(tmp_path / "ok.json", cfg, make_preset("seed"), state)
    assert [p.name for p in Path(tmp_path).iterdir()] == ["ok.json"]  # no temp file left over
