"""Sessions: versioned JSON of config + dataset + trainer state (+ optional history).

A session resumes bit-for-bit: floats are written with ``repr`` precision and the trainer state
includes the optimizer's buffers and the shuffle position. Loading validates *everything*,
including building a Trainer and loading its state, before it returns, so a caller never
half-applies a bad file. Every problem is a ``SessionError`` naming the field.
"""

from __future__ import annotations

import copy
import json
import math
import os
import stat
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from gradlab.core.config import LATER_FIELDS, ConfigError, LabConfig, brief
from gradlab.core.data import MAX_ROWS, DataError, Dataset, check_model_data
from gradlab.core.messages import QT_TRANSLATE_NOOP, Message, error_message
from gradlab.core.records import HISTORY_FIELDS, MAX_HISTORY, HistoryChunk
from gradlab.core.splitting import SplitSettings

if TYPE_CHECKING:
    from gradlab.core.trainer import Trainer

FORMAT = "gradlab-session"
VERSION = 1
#: Refuse files larger than this before reading them (the 10^6-point preset is ~40 MB).
MAX_BYTES = 512 * 2**20
#: Longest dataset / history a session may hold.
MAX_SAMPLES = MAX_ROWS
#: The newest steps of history a session keeps (~120 MB of JSON, a few seconds to read; the
#: window and the worker keep no more than twice this either: a run left going stays bounded).
_FLOAT_MAX = 1.7976931348623157e308

_TOP_KEYS = {"format", "version", "config", "dataset", "state"}
#: Optional top-level keys: a file without them (an older one) loads as before.
_OPTIONAL_KEYS = {"history", "compare", "split"}
_STATE_KEYS = {"step", "epoch", "position", "w", "b", "optimizer"}
#: Optional: the .grad carried into the next step when zero_grad() is forgotten.
_STATE_OPTIONAL = {"grad"}


class SessionError(ValueError):
    """A session file the lab cannot use; ``field`` names the part (e.g. ``config.lr``)."""

    def __init__(self, message: str, field: str = "") -> None:
        message = brief(message)  # a file's 100 kB string is not quoted back in full
        super().__init__(brief(Message(QT_TRANSLATE_NOOP("messages", "{field}: {reason}"),
                                       field=field, reason=message)) if field else message)
        self.field = field
        self.reason = message


@dataclass(frozen=True, eq=False)
class SavedRun:
    """A compared run kept in a session (see core/compare.py): its overrides of the main run's
    settings, the config they give, its ``Trainer.state_dict()`` and why it stopped, if it did."""

    overrides: Mapping[str, Any]
    config: LabConfig
    state: Mapping[str, Any]
    diverged: str | None = None

    def make_trainer(self, dataset: Dataset) -> Trainer:
        from gradlab.core.trainer import Trainer

        trainer = Trainer(self.config, dataset)
        trainer.load_state_dict(copy.deepcopy(dict(self.state)))
        trainer.diverged = self.diverged
        return trainer

    def to_json_dict(self) -> dict[str, Any]:
        from gradlab.core.compare import saved_run_json

        return saved_run_json(self.overrides, self.state, self.diverged)


@dataclass(frozen=True, eq=False)
class Session:
    """A fully validated session. ``state`` is a ``Trainer.state_dict()``; ``compare`` holds the
    runs compared side by side with the main one (none in older files)."""

    config: LabConfig
    dataset: Dataset
    state: Mapping[str, Any]
    history: HistoryChunk | None = None
    compare: tuple[SavedRun, ...] = ()
    #: How each step's batch was split (None: not split; files before issue 16 have none).
    split: SplitSettings | None = None

    @property
    def step(self) -> int:
        return int(self.state["step"])

    def make_trainer(self) -> Trainer:
        """A new Trainer positioned exactly where the session was saved: an
        AccumulatingTrainer for a session with micro-batches. (Data-parallel sessions resume
        in a ``ParallelTrainer`` the caller starts, with ``load_state_dict(session.state)``;
        this trainer computes the same steps in one process, which is what validation needs.)
        """
        from gradlab.core.trainer import Trainer

        if self.split is not None and self.split.accumulating:
            from gradlab.core.accumulate import AccumulatingTrainer

            trainer: Trainer = AccumulatingTrainer(self.config, self.dataset, self.split)
        else:
            trainer = Trainer(self.config, self.dataset)
        trainer.load_state_dict(copy.deepcopy(dict(self.state)))
        return trainer


# ---- saving ------------------------------------------------------------------------------------


def _history_dict(history: HistoryChunk | Mapping[str, Any]) -> dict[str, list]:
    out: dict[str, list] = {}
    for name in HISTORY_FIELDS:
        values = np.asarray(
            history[name] if isinstance(history, Mapping) else getattr(history, name)
        )
        values = values[max(0, values.size - MAX_HISTORY):]  # the newest steps
        if name == "step":
            out[name] = [int(v) for v in values.tolist()]
        else:  # strict JSON has no inf/NaN: a diverged value is stored as null
            out[name] = [v if math.isfinite(v) else None for v in map(float, values.tolist())]
    if len({len(v) for v in out.values()}) > 1:
        raise SessionError(Message(QT_TRANSLATE_NOOP(
            "messages", "all history arrays must have the same length")), "history")
    return out


def session_dict(
    config: LabConfig, dataset: Dataset, trainer_state: Mapping[str, Any],
    history: HistoryChunk | Mapping[str, Any] | None = None,
    compare: Sequence[Mapping[str, Any]] = (),
    split: SplitSettings | None = None,
) -> dict[str, Any]:
    """The JSON-able session object (what ``save_session`` writes). ``compare``: each compared
    run's ``{"overrides": ..., "state": ..., "diverged"?: ...}`` (``CompareRun.saved()``)."""
    doc: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "config": config.to_dict(),
        "dataset": {"name": dataset.name, "x": dataset.x.tolist(), "y": dataset.y.tolist()},
        "state": dict(trainer_state),
    }
    if split is not None and split.active:
        doc["split"] = split.to_dict()
    if history is not None:
        doc["history"] = _history_dict(history)
    if compare:
        doc["compare"] = [dict(run) for run in compare]
    return doc


def _fit_history(doc: dict[str, Any], size: int) -> tuple[dict[str, list], str]:
    """The newest steps of ``doc``'s history that keep the file under MAX_BYTES, and the text."""
    history = doc["history"]
    steps = len(history["step"])
    rest = size - len(json.dumps(history))
    keep = int(steps * (MAX_BYTES * 0.99 - rest) / max(size - rest, 1))
    kept = {name: values[len(values) - keep:] if keep > 0 else [] for name, values in
            history.items()}
    return kept, json.dumps({**doc, "history": kept}, allow_nan=False)


def save_session(
    path: str | os.PathLike[str], config: LabConfig, dataset: Dataset,
    trainer_state: Mapping[str, Any], history: HistoryChunk | Mapping[str, Any] | None = None,
    compare: Sequence[Mapping[str, Any]] = (),
    split: SplitSettings | None = None,
) -> None:
    """Write the session atomically (a crash never leaves a half-written file behind).

    Raises SessionError if the state is not JSON-able or the file cannot be written.
    """
    try:
        doc = session_dict(config, dataset, trainer_state, history, compare, split)
        text = json.dumps(doc, allow_nan=False)
        if len(text) >= MAX_BYTES and "history" in doc:
            # A long run's history can make a file too large to load back: keep its newest steps.
            doc["history"], text = _fit_history(doc, len(text))
    except (TypeError, ValueError) as exc:
        raise SessionError(Message(QT_TRANSLATE_NOOP("messages", "cannot be written as JSON: "
                                                     "{reason}"), reason=str(exc)),
                           "state") from None
    if len(text) >= MAX_BYTES:  # never write a file that load_session would refuse
        raise SessionError(Message(QT_TRANSLATE_NOOP(
            "messages", "the session would be {size} MB, more than the {limit} MB a session may "
            "be: the data are too large to save"), size=len(text) // 2**20,
            limit=MAX_BYTES // 2**20))
    p = Path(path)
    if p.exists() and not p.is_file():  # never swap a device or a folder for a regular file
        try:
            with open(p, "w", encoding="utf-8") as f:
                f.write(text + "\n")
        except OSError as exc:
            raise SessionError(_cannot_write(p, exc)) from None
        return
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent or ".")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.write("\n")
        os.replace(tmp, p)
        tmp = None
    except OSError as exc:
        raise SessionError(_cannot_write(p, exc)) from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _cannot_write(p: Path, exc: OSError) -> Message:
    return Message(QT_TRANSLATE_NOOP("messages", "cannot write {path}: {reason}"), path=str(p),
                   reason=exc.strerror or str(exc))


# ---- loading -----------------------------------------------------------------------------------


def _no_constants(name: str) -> Any:
    raise SessionError(Message(QT_TRANSLATE_NOOP(
        "messages", "{name} is not valid JSON (strict JSON has no NaN or Infinity)"), name=name))


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise SessionError(Message(QT_TRANSLATE_NOOP("messages", "the key {key!r} appears "
                                                         "twice"), key=key))
        out[key] = value
    return out


def _keys(obj: Any, where: str, required: set[str], optional: set[str] = frozenset()) -> dict:
    if not isinstance(obj, dict):
        raise SessionError(Message(QT_TRANSLATE_NOOP("messages", "must be an object, got {kind}"),
                                   kind=_kind(obj)), where)
    missing = sorted(required - set(obj))
    if missing:
        raise SessionError(Message(QT_TRANSLATE_NOOP("messages", "is missing the key {key!r}"),
                                   key=missing[0]), where)
    extra = sorted(set(obj) - required - optional)
    if extra:
        raise SessionError(Message(QT_TRANSLATE_NOOP("messages", "has an unknown key {key!r}"),
                                   key=extra[0]), where)
    return obj


def _kind(obj: Any) -> str:
    kind = {dict: QT_TRANSLATE_NOOP("messages", "an object"),
            list: QT_TRANSLATE_NOOP("messages", "a list"),
            str: QT_TRANSLATE_NOOP("messages", "text"),
            bool: QT_TRANSLATE_NOOP("messages", "true/false"),
            type(None): QT_TRANSLATE_NOOP("messages", "null")}.get(type(obj))
    return Message(kind or QT_TRANSLATE_NOOP("messages", "a number"))


def _numbers(obj: Any, where: str, limit: int, nullable: bool = False,
             integer: bool = False) -> np.ndarray:
    if not isinstance(obj, list):
        raise SessionError(Message(QT_TRANSLATE_NOOP("messages", "must be a list of numbers, got "
                                                     "{kind}"), kind=_kind(obj)), where)
    if len(obj) > limit:
        raise SessionError(Message(QT_TRANSLATE_NOOP(
            "messages", "has {n} values; at most {limit} are allowed"), n=len(obj), limit=limit),
            where)
    ok = (int,) if integer else (int, float)
    for k, v in enumerate(obj):
        if (v is None and nullable) or (type(v) in ok):
            continue
        if integer:
            template = QT_TRANSLATE_NOOP("messages", "item {k} must be a whole number, got "
                                         "{value!r:.40}")
        else:
            template = QT_TRANSLATE_NOOP("messages", "item {k} must be a number, got {value!r:.40}")
        raise SessionError(Message(template, k=k, value=v), where)
    if integer:
        if any(v < 0 or v > 2**62 for v in obj):
            raise SessionError(Message(QT_TRANSLATE_NOOP("messages",
                                                         "steps must be whole numbers >= 0")),
                               where)
        return np.array(obj, dtype=np.int64)
    try:
        arr = np.array([math.nan if v is None else v for v in obj], dtype=np.float64)
    except OverflowError:  # a whole number beyond float's range
        k = next((k for k, v in enumerate(obj) if type(v) is int and abs(v) > _FLOAT_MAX), 0)
        raise SessionError(Message(QT_TRANSLATE_NOOP("messages", "item {k} is not a finite number"),
                                   k=k), where) from None
    if not nullable and not np.isfinite(arr).all():
        raise SessionError(Message(QT_TRANSLATE_NOOP("messages", "item {k} is not a finite number"),
                                   k=int(np.argmin(np.isfinite(arr)))), where)
    return arr


def _history(obj: Any) -> HistoryChunk:
    h = _keys(obj, "history", set(HISTORY_FIELDS))
    arrays = {
        name: _numbers(h[name], f"history.{name}", MAX_HISTORY, nullable=name != "step",
                       integer=name == "step")
        for name in HISTORY_FIELDS
    }
    lengths = {name: a.size for name, a in arrays.items()}
    if len(set(lengths.values())) > 1:
        raise SessionError(Message(QT_TRANSLATE_NOOP("messages", "arrays differ in length: "
                                                     "{lengths}"),
                                   lengths=", ".join(f"{k} {v}" for k, v in lengths.items())),
                           "history")
    return HistoryChunk(**arrays)


def parse_session(text: str) -> Session:
    """Validate a session's JSON text completely; SessionError names the first problem."""
    try:
        doc = json.loads(text, parse_constant=_no_constants, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise SessionError(Message(QT_TRANSLATE_NOOP(
            "messages", "not valid JSON (truncated or corrupt?) at line {line}, column {column}: "
            "{reason}"), line=exc.lineno, column=exc.colno, reason=exc.msg)) from None
    except RecursionError:
        raise SessionError(Message(QT_TRANSLATE_NOOP(
            "messages", "not a session: nested too deeply"))) from None
    except SessionError:
        raise
    except ValueError:  # Python refuses to read whole numbers of more than 4300 digits
        raise SessionError(Message(QT_TRANSLATE_NOOP(
            "messages", "not valid JSON: it holds a number with thousands of digits"))) from None
    if not isinstance(doc, dict):
        raise SessionError(Message(QT_TRANSLATE_NOOP(
            "messages", "not a gradlab session: the file holds {kind}, not an object"),
            kind=_kind(doc)))
    if doc.get("format") != FORMAT:
        raise SessionError(Message(QT_TRANSLATE_NOOP(
            "messages", "is {value!r}, expected {expected!r} (not a gradlab session)"),
            value=doc.get("format"), expected=FORMAT), "format")
    version = doc.get("version")
    if type(version) is not int or version != VERSION:
        raise SessionError(Message(QT_TRANSLATE_NOOP(
            "messages", "{value!r} is not supported (this gradlab reads version {version})"),
            value=version, version=VERSION), "version")
    _keys(doc, "session", _TOP_KEYS, _OPTIONAL_KEYS)

    cfg = _keys(doc["config"], "config", set(LabConfig.__dataclass_fields__) - LATER_FIELDS,
                LATER_FIELDS)  # a session saved before the logistic model has none of them
    try:
        config = LabConfig.from_dict(cfg)
    except ConfigError as exc:
        raise SessionError(exc.reason, f"config.{exc.field}") from None

    ds = _keys(doc["dataset"], "dataset", {"name", "x", "y"})
    if not isinstance(ds["name"], str):
        raise SessionError(Message(QT_TRANSLATE_NOOP("messages", "must be text, got {kind}"),
                                   kind=_kind(ds["name"])), "dataset.name")
    x = _numbers(ds["x"], "dataset.x", MAX_SAMPLES)
    y = _numbers(ds["y"], "dataset.y", MAX_SAMPLES)
    if x.size != y.size:
        raise SessionError(Message(QT_TRANSLATE_NOOP("messages", "x has {x} values but y has {y}"),
                                   x=x.size, y=y.size), "dataset")
    try:
        dataset = Dataset(x, y, ds["name"])
    except DataError as exc:
        raise SessionError(error_message(exc), "dataset") from None
    try:
        config.check_against(len(dataset))
        check_model_data(config, dataset)
    except ConfigError as exc:
        raise SessionError(exc.reason, f"config.{exc.field}") from None

    split = _split(doc["split"], config, len(dataset)) if "split" in doc else None
    state = _keys(doc["state"], "state", _STATE_KEYS, _STATE_OPTIONAL)
    if "grad" in state:
        _numbers(state["grad"], "state.grad", 2)
        if len(state["grad"]) != 2 or split is None or not split.forget_zero_grad:
            raise SessionError(Message(QT_TRANSLATE_NOOP(
                "messages", "must be the two numbers of .grad carried by a run that forgets "
                "zero_grad()")), "state.grad")
    history = _history(doc["history"]) if "history" in doc else None
    compare = _compare(doc["compare"], config, dataset) if "compare" in doc else ()
    session = Session(config, dataset, state, history, compare, split)
    _loads(session.make_trainer, "")  # the final check: the state really loads into a trainer
    return session


def _loads(make: Callable[[], Any], where: str) -> None:
    """Run ``make`` (build a trainer from a file's state); its complaint names the field."""
    try:
        make()
    except Exception as exc:  # noqa: BLE001 - whatever a file does to torch is the file's fault
        msg = str(exc)
        field, _, reason = msg.partition(" ")
        if field.startswith("state"):
            raise SessionError(reason.lstrip(": "), where + field.rstrip(":")) from None
        raise SessionError(msg, where + "state") from None


def _compare(obj: Any, config: LabConfig, dataset: Dataset) -> tuple[SavedRun, ...]:
    """The compared runs of a session, each checked as fully as the main run."""
    from gradlab.core.compare import MAX_RUNS, check_overrides, resolve

    if not isinstance(obj, list):
        raise SessionError(Message(QT_TRANSLATE_NOOP("messages", "must be a list, got {kind}"),
                                   kind=_kind(obj)), "compare")
    if len(obj) > MAX_RUNS - 1:
        raise SessionError(Message(QT_TRANSLATE_NOOP(
            "messages", "has {n} runs; at most {limit} runs are compared with the main one"),
            n=len(obj), limit=MAX_RUNS - 1), "compare")
    runs = []
    for k, item in enumerate(obj):
        where = f"compare[{k}]"
        entry = _keys(item, where, {"overrides", "state"}, {"diverged"})
        try:
            spec = check_overrides(entry["overrides"])
            run_config = resolve(config, dataset, spec)
        except ConfigError as exc:
            field = "" if exc.field == "compare" else f".{exc.field}"
            raise SessionError(exc.reason, f"{where}.overrides{field}") from None
        diverged = entry.get("diverged")
        if diverged is not None and not isinstance(diverged, str):
            raise SessionError(Message(QT_TRANSLATE_NOOP("messages", "must be text, got {kind}"),
                                       kind=_kind(diverged)), f"{where}.diverged")
        state = _keys(entry["state"], f"{where}.state", _STATE_KEYS)
        run = SavedRun(spec, run_config, state, diverged)
        _loads(lambda run=run: run.make_trainer(dataset), f"{where}.")
        runs.append(run)
    return tuple(runs)


def _split(obj: Any, config: LabConfig, n: int) -> SplitSettings:
    """The split settings of a session, checked against its batches."""
    try:
        split = SplitSettings.from_dict(obj)
        bs = config.effective_batch_size(n)
        split.check_against(bs, n % bs or None)
    except ConfigError as exc:
        field = "split" if exc.field == "split" else f"split.{exc.field}"
        raise SessionError(exc.reason, field) from None
    except TypeError as exc:  # a key of the wrong kind reached the dataclass
        raise SessionError(str(exc), "split") from None
    return split


def load_session(path: str | os.PathLike[str]) -> Session:
    """Read and fully validate a session file (see ``parse_session``)."""
    p = Path(path)
    try:
        info = p.stat()
        if not stat.S_ISREG(info.st_mode) and not p.is_dir():  # a pipe or a device: reading
            raise SessionError(Message(QT_TRANSLATE_NOOP(  # could wait for ever
                "messages", "{path} is not a file"), path=str(p)))
        size = info.st_size
        if size > MAX_BYTES:
            raise SessionError(Message(QT_TRANSLATE_NOOP(
                "messages", "{path} is {size} MB; sessions are at most {limit} MB"),
                path=str(p), size=size // 2**20, limit=MAX_BYTES // 2**20))
        raw = p.read_bytes()
    except OSError as exc:
        raise SessionError(Message(QT_TRANSLATE_NOOP("messages", "cannot read {path}: {reason}"),
                                   path=str(p), reason=exc.strerror or str(exc))) from None
    if not raw.strip():
        raise SessionError(Message(QT_TRANSLATE_NOOP("messages", "{path} is empty"), path=str(p)))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SessionError(Message(QT_TRANSLATE_NOOP(
            "messages", "{path} is not UTF-8 text (not a session file)"), path=str(p))) from None
    return parse_session(text.removeprefix("\ufeff"))
