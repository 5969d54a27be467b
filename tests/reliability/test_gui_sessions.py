"""Bad sessions through the window's File → Open (``FileCommands.open_session_from``): with a
session open, every kind the fuzzer found or the issue lists is refused with a message, and the
open session — its file, step, parameters, history and the run that follows — is untouched.
(tests/gui/test_sessions.py covers the common kinds; these are the hostile ones.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gradlab.core.config import LabConfig
from gradlab.core.data import dataset_for
from gradlab.core.session import save_session
from tests.jsondoc import DELETE as _DELETE
from tests.jsondoc import edited as _set
from tests.reliability import tally

ADAM = LabConfig(preset="noisy-line", optimizer="adam", lr=0.05, batch_size=7, seed=3)


def bad_files(good: dict, folder: Path) -> dict[str, tuple[Path, str]]:
    """kind -> (file, a word the message must contain)."""
    text = json.dumps(good)
    docs = {
        "a 400-digit learning rate": (_set(good, "config/lr", 10**400), "config.lr"),
        "a 400-digit x value": (_set(good, "dataset/x/0", 10**400), "dataset.x"),
        "a 400-digit w": (_set(good, "state/w", 10**400), "state.w"),
        "an unknown top-level key": (_set(good, "colour", "red"), "colour"),
        "an unknown config key": (_set(good, "config/speed", 3), "speed"),
        "a missing state key": (_set(good, "state/position", _DELETE), "position"),
        "a list where an object belongs": (_set(good, "config", [1, 2]), "config"),
        "an object where a list belongs": (_set(good, "dataset/x", {"0": 1.0}), "dataset.x"),
        "weights of the wrong length": (_set(good, "config/weights", [1.0, 2.0]), "weights"),
        "optimizer state for no parameter": (
            _set(good, "state/optimizer/state/9", {"exp_avg": 1.0}), "state.optimizer"),
        "a huge history that disagrees": (_set(good, "history/w", [0.5] * 100_000), "history"),
        "a step past 2**62": (_set(good, "state/step", 2**64), "state.step"),
    }
    raw = {
        "5000-digit number": (text.replace('"lr": 0.05', '"lr": 1' + "0" * 5000, 1).encode(),
                              "JSON"),
        "deep nesting": (b"[" * 100_000 + b"]" * 100_000, "nested"),
        "not UTF-8": (b'{"format": "gradlab-session", "name": "\xff\xfe"}', "UTF-8"),
        "empty": (b"", "empty"),
        "a PNG": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "UTF-8"),
    }
    out: dict[str, tuple[Path, str]] = {}
    for k, (kind, (doc, word)) in enumerate(docs.items()):
        path = folder / f"bad{k}.gradlab"
        path.write_text(json.dumps(doc), encoding="utf-8")
        out[kind] = (path, word)
    for k, (kind, (data, word)) in enumerate(raw.items()):
        path = folder / f"raw{k}.gradlab"
        path.write_bytes(data)
        out[kind] = (path, word)
    folder_path = folder / "a folder.gradlab"
    folder_path.mkdir()
    out["a folder"] = (folder_path, "cannot read")
    return out


def settled(window, step: int) -> bool:  # noqa: ANN001
    u = window.shown
    return (u is not None and u.generation == window.lab.generation and u.step == step
            and not u.running and not window._dirty)


def state(window) -> tuple:  # noqa: ANN001
    r = window.shown.record
    return (window.files.session_path, window.lab.generation, window.lab.config, window.shown.step,
            r.w_after, r.b_after, window.history_panel.buffer.size)


@pytest.mark.parametrize("mode", ["thread", "process"])
def test_hostile_sessions_are_refused_and_the_open_one_is_untouched(make_lab, qtbot,  # noqa: ANN001
                                                                    tmp_path: Path,
                                                                    mode: str) -> None:
    from gradlab.core.trainer import Trainer

    data = dataset_for(ADAM)
    trainer = Trainer(ADAM, data)
    _, history = trainer.run(4)
    good = tmp_path / "good.gradlab"
    save_session(good, ADAM, data, trainer.state_dict(), history)
    files = bad_files(json.loads(good.read_text()), tmp_path)

    window = make_lab(ADAM, worker_mode=mode)
    window.files.open_session_from(str(good))
    qtbot.waitUntil(lambda: window.files.session_path == str(good) and settled(window, 4),
                    timeout=20_000)
    window.lab.step(2)
    qtbot.waitUntil(lambda: settled(window, 6), timeout=20_000)
    before = state(window)
    refused: list[str] = []
    window.files.session_refused.connect(refused.append)
    for k, (kind, (path, word)) in enumerate(files.items(), start=1):
        window.files.open_session_from(str(path))
        qtbot.waitUntil(lambda k=k: len(refused) == k, timeout=30_000)
        tally.tried(f"gui: session File → Open ({kind})")
        message = refused[-1]
        assert word in message and "unchanged" in message, (kind, message)
        assert len(message) < 1500, (kind, len(message))
        assert state(window) == before, kind
    window.files.message_box.close()
    # The open session's run goes on exactly as a run that was never interrupted.
    window.lab.step(3)
    qtbot.waitUntil(lambda: settled(window, 9), timeout=20_000)
    trainer.run(5)
    assert (window.shown.record.w_after, window.shown.record.b_after) == trainer.params
