"""Runs side by side: up to four real Trainers from one start on one dataset, in lockstep.

Each run is the main run's config with a few settings overridden (its reduction, learning rate,
batch size, optimizer, ...). Every run is its own ``Trainer``, so its numbers are exactly those
of the same settings run alone. A run that diverges stops and says so; the others go on.

An override's learning rate may be relative: ``"lr/N"`` (the main run's lr over the number of
samples), ``"lr/B"`` (over this run's batch size) or ``"0.98*limit"`` (a multiple of this run's
stability limit), so a ready-made comparison is data that fits any dataset. (*sum with lr/B*
follows *mean* only when B divides N: mean divides a smaller last batch by its own size.)
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from gradlab.core.config import LOSSES, OPTIMIZERS, REDUCTIONS, ConfigError, LabConfig
from gradlab.core.data import Dataset
from gradlab.core.messages import QT_TRANSLATE_NOOP, Message
from gradlab.core.records import HistoryChunk, StepRecord
from gradlab.core.trainer import Trainer

if TYPE_CHECKING:
    from gradlab.core.stability import Stability

#: The main run and up to three more.
MAX_RUNS = 4
#: The settings a compared run may change: the start and the data stay the main run's.
OVERRIDABLE = ("reduction", "lr", "batch_size", "optimizer", "momentum", "loss", "weights")
_RELATIVE_LR = re.compile(r"lr/[NB]|(?P<factor>[0-9.]+(?:[eE][-+]?[0-9]+)?)\*limit")


def _error(field: str, template: str, **values: Any) -> ConfigError:
    return ConfigError(field, Message(template, **values))


# ---- overrides: parse, check, resolve ----------------------------------------------------------


def _number(key: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise _error(key, QT_TRANSLATE_NOOP("messages", "{text!r} is not a number"),
                     text=text[:40]) from None
    return value


def _typed(key: str, text: str) -> Any:
    """A value of ``key`` from its text on the command line."""
    if key in ("reduction", "loss", "optimizer"):
        return text
    if key == "lr":
        return text if _RELATIVE_LR.fullmatch(text) else _number(key, text)
    if key == "batch_size":
        if text == "all":
            return None
        try:
            return int(text)
        except ValueError:
            raise _error(key, QT_TRANSLATE_NOOP("messages", "{text!r} is not a whole number "
                                                "(or 'all')"), text=text[:40]) from None
    if key == "momentum":
        return _number(key, text)
    return [_number(key, p) for p in re.split(r"[;\s]+", text.strip()) if p]  # weights


def parse_overrides(text: str) -> dict[str, Any]:
    """``"reduction=sum,lr=0.0025"`` as a checked override dict. Weights are separated by ';'
    or spaces, or by commas when they come last (``"reduction=weighted,weights=1,0,0,0"``)."""
    raw: dict[str, str] = {}
    last = None
    for piece in (p.strip() for p in text.split(",")):
        if not piece:
            continue
        if "=" not in piece:
            if last == "weights":
                raw["weights"] += " " + piece
                continue
            raise _error("compare", QT_TRANSLATE_NOOP(
                "messages", "expected key=value, got {piece!r}"), piece=piece[:40])
        key, _, value = piece.partition("=")
        key = key.strip().replace("-", "_")
        if key in raw:
            raise _error(key, QT_TRANSLATE_NOOP("messages", "is given twice"))
        raw[key], last = value.strip(), key
    _check_keys(raw)
    return check_overrides({key: _typed(key, value) for key, value in raw.items()})


def _check_keys(spec: Mapping[str, Any]) -> None:
    if not isinstance(spec, Mapping):
        raise _error("compare", QT_TRANSLATE_NOOP("messages", "a run's overrides must be an "
                                                  "object of settings"))
    if not spec:
        raise _error("compare", QT_TRANSLATE_NOOP(
            "messages", "give at least one setting to change, e.g. reduction=sum,lr=0.0025"))
    for key in spec:
        if key not in OVERRIDABLE:
            raise _error(str(key)[:40], QT_TRANSLATE_NOOP(
                "messages", "is not a setting a compared run may change; one of {options}"),
                options=", ".join(OVERRIDABLE))


def check_overrides(spec: Mapping[str, Any]) -> dict[str, Any]:
    """Check an override dict (from the command line or a session file) without the data;
    returns a plain copy. ConfigError names the bad setting."""
    _check_keys(spec)
    out = dict(spec)
    for key, options in (("reduction", REDUCTIONS[:-1]), ("loss", LOSSES),
                         ("optimizer", OPTIMIZERS)):
        if key in out and out[key] not in options:
            raise _error(key, QT_TRANSLATE_NOOP("messages", "must be one of {options}; got "
                                                "{value!r}"),
                         options=", ".join(options), value=out[key])
    lr = out.get("lr")
    if isinstance(lr, str):
        m = _RELATIVE_LR.fullmatch(lr)
        factor = m and m.group("factor")
        if m is None or (factor and not 0 < _number("lr", factor) < math.inf):
            raise _error("lr", QT_TRANSLATE_NOOP(
                "messages", "must be a number, lr/N, lr/B or a multiple of the limit such as "
                            "0.98*limit; got {value!r}"), value=lr[:40])
    if isinstance(out.get("weights"), list):
        out["weights"] = tuple(out["weights"])
    # The rest (lr > 0, momentum in [0, 1), finite weights, ...) is LabConfig's own check.
    values = {k: v for k, v in out.items() if not (k == "lr" and isinstance(v, str))}
    LabConfig(**values)
    return out


def resolve(main: LabConfig, dataset: Dataset, spec: Mapping[str, Any]) -> LabConfig:
    """The config of a run that overrides ``spec`` in ``main``; ConfigError names a setting
    that does not fit (a batch larger than the data, weights of the wrong length, no limit)."""
    from gradlab.core.stability import stability

    n = len(dataset)
    config = main.replace(**{k: v for k, v in spec.items() if k != "lr"})
    config.check_against(n)
    lr = spec.get("lr", main.lr)
    if lr == "lr/N":
        lr = main.lr / n
    elif lr == "lr/B":
        lr = main.lr / config.effective_batch_size(n)
    elif isinstance(lr, str):
        s = stability(config, dataset)
        if s.lr_limit is None:
            raise _error("lr", QT_TRANSLATE_NOOP("messages", "has no limit to be a multiple "
                                                 "of: {why}"), why=s.explanation)
        lr = float(lr.partition("*")[0]) * s.lr_limit
    return config.replace(lr=lr)


def label(config: LabConfig, spec: Mapping[str, Any], n: int) -> str:
    """The legend of a run: "mean, lr 0.01", "sum, lr 0.01/N", "Adam, sum, lr 0.01"."""
    parts = []
    if config.optimizer == "adam":
        parts.append("Adam")
    elif config.optimizer == "momentum":
        parts.append(f"momentum {config.momentum:g}")
    if config.loss != "mse":
        parts.append({"mae": "MAE", "huber": "Huber"}[config.loss])
    parts.append(config.reduction + (", own weights" if "weights" in spec else ""))
    bs = config.effective_batch_size(n)
    lr = spec.get("lr")
    if lr in ("lr/N", "lr/B"):
        parts.append(f"lr {config.lr * (n if lr == 'lr/N' else bs):g}/"
                     f"{'N' if lr == 'lr/N' or bs == n else 'B'}")
    elif isinstance(lr, str):
        parts.append(f"lr {lr.partition('*')[0]}×limit = {config.lr:.3g}")
    else:
        parts.append(f"lr {config.lr:g}")
    if bs < n:
        parts.append(f"batch {bs}")
    return ", ".join(parts)


# ---- the runs ----------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class RunStep:
    """One run's part of a lockstep step: its record, or why it stopped (crosses threads)."""

    index: int
    label: str
    record: StepRecord | None  # None once the run has stopped
    diverged: str | None
    diverged_at: int | None

    def to_json_dict(self) -> dict[str, Any]:
        if self.record is None or self.record.diverged is not None:
            return {"label": self.label, "diverged": str(self.diverged),
                    "diverged_at": self.diverged_at}
        return {"label": self.label, **self.record.to_json_dict()}


@dataclass(frozen=True, eq=False)
class RunChunk:
    """One run's part of ``Comparison.run``: the scalars of its steps and its last record."""

    index: int
    label: str
    record: StepRecord | None
    history: HistoryChunk
    diverged: str | None
    diverged_at: int | None


class CompareRun:
    """One of the runs: its overrides, its legend and its own Trainer."""

    def __init__(self, spec: Mapping[str, Any], config: LabConfig, trainer: Trainer,
                 label_text: str) -> None:
        self.spec = dict(spec)
        self.config = config
        self.trainer = trainer
        self.label = label_text
        self.diverged_at: int | None = None

    @property
    def diverged(self) -> str | None:
        return self.trainer.diverged

    def saved(self) -> dict[str, Any]:
        """What a session keeps of a compared run: its overrides, state and fate."""
        return saved_run_json(self.spec, self.trainer.state_dict(), self.diverged)


def saved_run_json(overrides: Mapping[str, Any], state: Mapping[str, Any],
                   diverged: str | None) -> dict[str, Any]:
    """A compared run as a session file keeps it (core/session.py reads it back)."""
    out: dict[str, Any] = {
        "overrides": {k: list(v) if isinstance(v, tuple) else v for k, v in overrides.items()},
        "state": dict(state)}
    if diverged is not None:
        out["diverged"] = str(diverged)
    return out


class Comparison:
    """The main run (first) and up to three compared runs, stepped in lockstep."""

    def __init__(self, main: LabConfig, dataset: Dataset, specs: Sequence[Mapping[str, Any]] = (),
                 main_trainer: Trainer | None = None, main_spec: Mapping[str, Any] = {}) -> None:
        """``main_trainer``: the main run's trainer, if it exists already (a resumed session);
        ``main_spec``: how the main run's settings were chosen, for its legend only."""
        if len(specs) > MAX_RUNS - 1:
            raise _error("compare", QT_TRANSLATE_NOOP(
                "messages", "at most {n} runs beside the main one, got {got}"),
                n=MAX_RUNS - 1, got=len(specs))
        self.dataset = dataset
        checked = [check_overrides(s) for s in specs]
        n = len(dataset)
        first = main_trainer or Trainer(main, dataset)
        self.runs = [CompareRun({}, main, first, label(main, main_spec, n))]
        for spec in checked:
            cfg = resolve(main, dataset, spec)
            self.runs.append(CompareRun(spec, cfg, Trainer(cfg, dataset), label(cfg, spec, n)))
        _unique_labels(self.runs)

    @property
    def main(self) -> CompareRun:
        return self.runs[0]

    @property
    def specs(self) -> list[dict[str, Any]]:
        """The compared runs' overrides (what a session and the exported code keep)."""
        return [run.spec for run in self.runs[1:]]

    @property
    def active(self) -> bool:
        """True while any run can still step."""
        return any(run.diverged is None for run in self.runs)

    def reset(self) -> None:
        for run in self.runs:
            run.trainer.reset()
            run.diverged_at = None

    def stabilities(self) -> list[Stability]:
        """Each run's learning-rate limit (core/stability.py), for its current epoch."""
        from gradlab.core.stability import stability

        return [stability(r.config, self.dataset, r.trainer.epoch) for r in self.runs]

    def set_params(self, w: float, b: float) -> None:
        """Move every run to (w, b) (a click on the landscape): all start afresh from there."""
        for run in self.runs:
            run.trainer.set_params(w, b)
            run.diverged_at = None

    def step(self) -> list[RunStep]:
        """One step of every run still going (NoReductionError comes from the main run)."""
        out = []
        for k, run in enumerate(self.runs):
            record = None
            if run.diverged is None:
                record = run.trainer.step()
                if record.diverged is not None:
                    run.diverged_at = record.step
            out.append(RunStep(k, run.label, record, run.diverged, run.diverged_at))
        return out

    def run(self, n: int) -> list[RunChunk]:
        """Up to ``n`` steps of every run still going (each run on its own: the same numbers
        as stepping them together, at the speed of separate loops)."""
        out = []
        for k, run in enumerate(self.runs):
            record, chunk = None, HistoryChunk.empty()
            if run.diverged is None:
                record, chunk = run.trainer.run(n)
                if record is not None and record.diverged is not None:
                    run.diverged_at = record.step
            out.append(RunChunk(k, run.label, record, chunk, run.diverged, run.diverged_at))
        return out

    def configure(self, main: LabConfig) -> bool:
        """Apply a new main config to every run (its overrides still win); True if that reset
        the runs (new data, start or seed)."""
        n = len(self.dataset)
        configs = [main] + [resolve(main, self.dataset, run.spec) for run in self.runs[1:]]
        reset = False
        for run, cfg in zip(self.runs, configs, strict=True):
            reset = run.trainer.configure(cfg) or reset
            run.config = cfg
            if run is not self.main:
                run.label = label(cfg, run.spec, n)
            if reset:
                run.diverged_at = None
        _unique_labels(self.runs)
        return reset


def _unique_labels(runs: list[CompareRun]) -> None:
    seen: dict[str, int] = {}
    for run in runs:
        base = run.label.rsplit(" #", 1)[0]
        seen[base] = seen.get(base, 0) + 1
        run.label = base if seen[base] == 1 else f"{base} #{seen[base]}"


def largest_difference(a: HistoryChunk, b: HistoryChunk) -> float:
    """The largest |Δw| or |Δb| between two runs over the steps both took: for *sum with lr/N*
    against *mean* this is rounding, about 1e-16."""
    k = min(len(a), len(b))
    if k == 0:
        return 0.0
    return float(max(np.abs(a.w[:k] - b.w[:k]).max(), np.abs(a.b[:k] - b.b[:k]).max()))


# ---- ready-made comparisons --------------------------------------------------------------------


@dataclass(frozen=True)
class ReadyMade:
    """A comparison as data: ``runs[0]`` overrides the main run, the rest are compared to it."""

    key: str
    title: str
    runs: tuple[Mapping[str, Any], ...]


READY_MADE: tuple[ReadyMade, ...] = (
    ReadyMade("mean-vs-sum", QT_TRANSLATE_NOOP("messages", "mean vs sum"),
              ({"reduction": "mean"}, {"reduction": "sum"})),
    ReadyMade("sum-lr-over-n", QT_TRANSLATE_NOOP("messages", "sum with lr/N follows mean"),
              ({"reduction": "mean"}, {"reduction": "sum", "lr": "lr/B"})),
    ReadyMade("batch-4-vs-64", QT_TRANSLATE_NOOP("messages", "batch size 4 vs 64 under sum"),
              ({"reduction": "sum", "batch_size": 4}, {"reduction": "sum", "batch_size": 64})),
    ReadyMade("sgd-vs-adam", QT_TRANSLATE_NOOP("messages", "SGD vs Adam under sum"),
              ({"reduction": "sum", "optimizer": "sgd"}, {"reduction": "sum", "optimizer": "adam"},
               {"reduction": "mean", "optimizer": "adam"})),
    ReadyMade("below-above-limit",
              QT_TRANSLATE_NOOP("messages", "lr just below vs just above the limit"),
              ({"lr": "0.98*limit"}, {"lr": "1.05*limit"})),
)


def ready_made(key: str, main: LabConfig, dataset: Dataset) -> Comparison:
    """The ready-made comparison ``key`` for this main config and data. A batch size larger
    than the data becomes the whole dataset; ConfigError when it cannot apply (no limit)."""
    found = {r.key: r for r in READY_MADE}.get(key)
    if found is None:
        raise _error("compare", QT_TRANSLATE_NOOP("messages", "unknown comparison {key!r}; one "
                                                  "of {options}"),
                     key=key, options=", ".join(r.key for r in READY_MADE))
    n = len(dataset)
    runs = [{k: (None if k == "batch_size" and v >= n else v) for k, v in spec.items()}
            for spec in found.runs]
    first = resolve(main, dataset, runs[0])
    return Comparison(first, dataset, runs[1:], main_spec=runs[0])


def from_session(session: Any) -> Comparison:
    """The comparison a session (core/session.py) carries, every run where it was saved."""
    comparison = Comparison(session.config, session.dataset,
                            [saved.overrides for saved in session.compare],
                            main_trainer=session.make_trainer())
    n = len(session.dataset)
    for run, saved in zip(comparison.runs[1:], session.compare, strict=True):
        run.trainer = saved.make_trainer(session.dataset)
        run.config, run.label = saved.config, label(saved.config, run.spec, n)
        run.diverged_at = int(saved.state["step"]) if saved.diverged is not None else None
    _unique_labels(comparison.runs)
    return comparison
