"""Every knob of the lab in one frozen, validated dataclass.

No torch here (numpy only): the window imports this module while torch is still loading.
"""

from __future__ import annotations

import dataclasses
import math
import reprlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gradlab.core.messages import QT_TRANSLATE_NOOP, Message

LOSSES = ("mse", "mae", "huber")
# The logistic model's losses (PyTorch's binary_cross_entropy_with_logits and cross_entropy).
LOGISTIC_LOSSES = ("bce", "cross-entropy")
ALL_LOSSES = LOSSES + LOGISTIC_LOSSES
# The two models over the same two parameters: y = w·x + b, or p = σ(w·x + b) for labels 0/1.
MODELS = ("line", "logistic")
REDUCTIONS = ("mean", "sum", "weighted", "none")
OPTIMIZERS = ("sgd", "momentum", "adam")
PRESETS = ("seed", "noisy-line", "outlier", "unscaled", "large",
           "pass-fail", "separable", "imbalanced")
# The presets whose labels are 0/1: the logistic model's data.
CLASSIFICATION_PRESETS = ("pass-fail", "separable", "imbalanced")

#: Huber's threshold; PyTorch's default for ``HuberLoss``.
HUBER_DELTA = 1.0

#: The one list of which settings mean new data (a new dataset and a new trainer) ...
DATA_FIELDS = ("preset", "n_points", "noise", "seed", "source")
#: ... and which restart the run at step 0 (new data, or a new starting point). Every other
#: setting (lr, momentum, loss, reduction, weights, batch size, optimizer) applies from the next
#: step and keeps w and b. The trainer, the worker and the controller all decide by these.
RESET_FIELDS = ("init_w", "init_b", "model", *DATA_FIELDS)
# Settings added after the first session format: a session without them gets the defaults.
LATER_FIELDS = frozenset({"model", "class_weights", "sample_weights", "pos_weight", "ignore"})
# The settings each logistic loss understands (the headless options refuse the others).
LOSS_OPTIONS = {"bce": ("sample_weights", "pos_weight"),
                "cross-entropy": ("class_weights", "ignore")}


#: A message that quotes a value from a file is cut to about this long: a session can hold a
#: 100 kB string or a 4000-digit number where a number belongs, and a message is one readable line.
MESSAGE_LIMIT = 200
_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = _REPR.maxlong = 40
_REPR.maxlist = _REPR.maxdict = _REPR.maxtuple = 4
_REPR.maxlevel = 2


class _Brief:
    """Stands in for a long value inside a message: its repr (and text) cut short."""

    def __init__(self, value: Any) -> None:
        try:
            self.text = _REPR.repr(value)
        except ValueError:  # an int too long to print (Python's 4300-digit limit)
            self.text = "<a number of thousands of digits>"
        self.plain = value[:40] + "…" if isinstance(value, str) else self.text

    def __repr__(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.plain

    def __format__(self, spec: str) -> str:
        return format(self.plain, spec)


def _brief_value(value: Any) -> Any:
    if isinstance(value, Message):
        return brief(value)
    if isinstance(value, float) or (isinstance(value, int) and abs(value) < 10**30):
        return value
    if isinstance(value, str) and len(value) <= 40:
        return value
    return _Brief(value)


def brief(message: str) -> str:
    """``message``, with any long value it quotes cut short (see MESSAGE_LIMIT)."""
    if len(message) <= MESSAGE_LIMIT:
        return message
    if isinstance(message, Message):
        try:
            return Message(message.template,
                           **{k: _brief_value(v) for k, v in message.params.items()})
        except (ValueError, TypeError):  # a format spec that wants the real value
            pass
    return message[:MESSAGE_LIMIT] + "…"


class ConfigError(ValueError):
    """A knob has a value the lab cannot use. ``field`` names it."""

    def __init__(self, field_name: str, message: str) -> None:
        message = brief(message)
        super().__init__(brief(Message(QT_TRANSLATE_NOOP("messages", "{field}: {reason}"),
                                       field=field_name, reason=message)))
        self.field = field_name
        self.reason = message


def _finite(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(name, Message(QT_TRANSLATE_NOOP("messages", "must be a number, got "
                                                          "{value!r}"), value=value))
    try:
        value = float(value)
    except OverflowError:  # a whole number beyond float's range (a session can hold one)
        raise ConfigError(name, Message(QT_TRANSLATE_NOOP(
            "messages", "must be finite, got a whole number too large for a float"))) from None
    if not math.isfinite(value):
        raise ConfigError(name, Message(QT_TRANSLATE_NOOP("messages", "must be finite, got "
                                                          "{value!r}"), value=value))
    return value


def _check_weights(values: Any, name: str = "weights") -> tuple[float, ...]:
    """Vectorised: with 10^6 samples the config is rebuilt on every control change, and a
    Python loop over the weights would stall the window each time."""
    try:
        arr = np.asarray(values)
    except (TypeError, ValueError):  # ragged nesting
        arr = None
    if isinstance(values, (str, bytes)) or arr is None or arr.ndim != 1:
        raise ConfigError(name, Message(QT_TRANSLATE_NOOP(
            "messages", "must be a list of numbers, got {values}"), values=str(values)[:60]))
    if arr.size == 0:
        raise ConfigError(name, Message(QT_TRANSLATE_NOOP("messages", "must not be empty")))
    if arr.dtype.kind not in "iuf":  # the slow search runs only to name the bad value
        bad = next((v for v in values if isinstance(v, bool)
                    or not isinstance(v, (int, float))), values[0])
        raise ConfigError(name, Message(QT_TRANSLATE_NOOP("messages", "must be numbers, got "
                                                               "{value!r}"), value=bad))
    arr = arr.astype(np.float64)
    finite = np.isfinite(arr)
    if not finite.all():
        raise ConfigError(name, Message(QT_TRANSLATE_NOOP("messages", "must be finite, got "
                                                               "{value!r}"),
                                             value=float(arr[~finite][0])))
    return tuple(arr.tolist())


def _check_nonnegative(name: str, values: Any) -> tuple[float, ...]:
    """Weights of a loss: finite and >= 0 (a negative weight would reward a wrong answer)."""
    checked = _check_weights(values, name)
    bad = next((v for v in checked if v < 0), None)
    if bad is not None:
        raise ConfigError(name, Message(QT_TRANSLATE_NOOP(
            "messages", "must be >= 0, got {value!r}"), value=bad))
    return checked


def _check_ignore(values: Any) -> tuple[int, ...]:
    """Sample indices for cross-entropy's ignore_index: whole numbers >= 0, sorted, once each."""
    if isinstance(values, (str, bytes)) or not isinstance(values, (tuple, list)):
        raise ConfigError("ignore", Message(QT_TRANSLATE_NOOP(
            "messages", "must be a list of sample indices, got {value!r}"), value=values))
    for v in values:
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise ConfigError("ignore", Message(QT_TRANSLATE_NOOP(
                "messages", "sample indices are whole numbers >= 0 (0-based), got {value!r}"),
                value=v))
    return tuple(sorted(set(values)))


def _choice(name: str, value: Any, options: tuple[str, ...]) -> None:
    if value not in options:
        raise ConfigError(name, Message(QT_TRANSLATE_NOOP("messages", "must be one of {options}; "
                                                          "got {value!r}"),
                                        options=", ".join(options), value=value))


@dataclass(frozen=True)
class LabConfig:
    """The complete description of a training run (the data itself lives in a ``Dataset``).

    ``preset``, ``n_points``, ``noise`` and ``seed`` describe how a generated dataset is made;
    ``weights`` is one weight per sample of the dataset, used by the ``weighted`` reduction
    (``None`` means 1/N each, which makes ``weighted`` start out equal to ``mean``).
    ``batch_size`` ``None`` means the whole dataset in every step.
    """

    preset: str = "seed"
    model: str = "line"
    n_points: int | None = None
    noise: float | None = None
    init_w: float = 0.0
    init_b: float = 0.0
    loss: str = "mse"
    reduction: str = "mean"
    weights: tuple[float, ...] | None = None
    optimizer: str = "sgd"
    momentum: float = 0.9
    lr: float = 0.01
    batch_size: int | None = None
    seed: int = 0
    # The logistic losses' own weights: one per class (cross-entropy's ``weight=``), one per
    # sample (BCE's ``weight=``), BCE's ``pos_weight``, and the samples cross-entropy ignores
    # (0-based dataset indices, given the target ``ignore_index``).
    class_weights: tuple[float, ...] | None = None
    sample_weights: tuple[float, ...] | None = None
    pos_weight: float | None = None
    ignore: tuple[int, ...] = ()
    # Not a knob a user sets: where a CSV dataset came from, for titles and sessions.
    source: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.preset, str) or not self.preset:
            raise ConfigError("preset", Message(QT_TRANSLATE_NOOP(
                "messages", "must be a preset name or 'csv', got {value!r}"), value=self.preset))
        if self.preset not in PRESETS and self.preset != "csv":
            raise ConfigError("preset", Message(QT_TRANSLATE_NOOP(
                "messages", "unknown preset {value!r}; one of {options}"),
                value=self.preset, options=", ".join(PRESETS)))
        if self.n_points is not None:
            if isinstance(self.n_points, bool) or not isinstance(self.n_points, int):
                raise ConfigError("n_points", Message(QT_TRANSLATE_NOOP(
                    "messages", "must be a whole number, got {value!r}"), value=self.n_points))
            if not 1 <= self.n_points <= 10_000_000:
                raise ConfigError("n_points", Message(QT_TRANSLATE_NOOP(
                    "messages", "must be between 1 and 10000000, got {value}"),
                    value=self.n_points))
        if self.noise is not None:
            if _finite("noise", self.noise) < 0:
                raise ConfigError("noise", Message(QT_TRANSLATE_NOOP(
                    "messages", "must be >= 0, got {value!r}"), value=self.noise))
            object.__setattr__(self, "noise", float(self.noise))
        object.__setattr__(self, "init_w", _finite("init_w", self.init_w))
        object.__setattr__(self, "init_b", _finite("init_b", self.init_b))
        self._check_model()
        _choice("reduction", self.reduction, REDUCTIONS)
        _choice("optimizer", self.optimizer, OPTIMIZERS)
        momentum = _finite("momentum", self.momentum)
        if not 0.0 <= momentum < 1.0:
            raise ConfigError("momentum", Message(QT_TRANSLATE_NOOP(
                "messages", "must be in [0, 1), got {value!r}"), value=self.momentum))
        object.__setattr__(self, "momentum", momentum)
        lr = _finite("lr", self.lr)
        if lr <= 0:
            raise ConfigError("lr", Message(QT_TRANSLATE_NOOP(
                "messages", "the learning rate must be > 0, got {value!r}"), value=self.lr))
        object.__setattr__(self, "lr", lr)
        if self.batch_size is not None:
            if isinstance(self.batch_size, bool) or not isinstance(self.batch_size, int):
                raise ConfigError("batch_size", Message(QT_TRANSLATE_NOOP(
                    "messages", "must be a whole number, got {value!r}"), value=self.batch_size))
            if self.batch_size < 1:
                raise ConfigError("batch_size", Message(QT_TRANSLATE_NOOP(
                    "messages", "must be >= 1, got {value}"), value=self.batch_size))
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise ConfigError("seed", Message(QT_TRANSLATE_NOOP(
                "messages", "must be a whole number >= 0, got {value!r}"), value=self.seed))
        if self.weights is not None:
            object.__setattr__(self, "weights", _check_weights(self.weights))

    def _check_model(self) -> None:
        """The model, its loss and the logistic losses' weights and ignored samples."""
        _choice("model", self.model, MODELS)
        _choice("loss", self.loss, ALL_LOSSES)
        fits = LOSSES if self.model == "line" else LOGISTIC_LOSSES
        if self.loss not in fits:
            raise ConfigError("loss", Message(QT_TRANSLATE_NOOP(
                "messages", "{value!r} is not a loss of the {model} model; use one of "
                "{options}"), value=self.loss, model=self.model, options=", ".join(fits)))
        if self.class_weights is not None:
            cw = _check_nonnegative("class_weights", self.class_weights)
            if len(cw) != 2:
                raise ConfigError("class_weights", Message(QT_TRANSLATE_NOOP(
                    "messages", "needs two weights, one per class (w0,w1), got {n}"), n=len(cw)))
            object.__setattr__(self, "class_weights", cw)
        if self.sample_weights is not None:
            object.__setattr__(self, "sample_weights",
                               _check_nonnegative("sample_weights", self.sample_weights))
        if self.pos_weight is not None:
            pos = _finite("pos_weight", self.pos_weight)
            if pos < 0:
                raise ConfigError("pos_weight", Message(QT_TRANSLATE_NOOP(
                    "messages", "must be >= 0, got {value!r}"), value=self.pos_weight))
            object.__setattr__(self, "pos_weight", pos)
        object.__setattr__(self, "ignore", _check_ignore(self.ignore))

    def replace(self, **changes: Any) -> LabConfig:
        """A copy with ``changes`` applied (and validated)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        for key in ("weights", "class_weights", "sample_weights", "ignore"):
            if d[key] is not None:
                d[key] = list(d[key])
        return d

    @classmethod
    def from_dict(cls, data: Any) -> LabConfig:
        """Build from a plain dict (a session file); unknown or mistyped keys raise ConfigError."""
        if not isinstance(data, dict):
            raise ConfigError("config", Message(QT_TRANSLATE_NOOP(
                "messages", "must be an object, got {kind}"), kind=type(data).__name__))
        names = {f.name for f in dataclasses.fields(cls)}
        extra = sorted(set(data) - names)
        if extra:
            raise ConfigError(extra[0], Message(QT_TRANSLATE_NOOP("messages",
                                                                  "is not a known setting")))
        kwargs = dict(data)
        for key in ("weights", "class_weights", "sample_weights", "ignore"):
            if isinstance(kwargs.get(key), list):
                kwargs[key] = tuple(kwargs[key])
        if "source" in kwargs and not isinstance(kwargs["source"], str):
            raise ConfigError("source", Message(QT_TRANSLATE_NOOP("messages", "must be text")))
        return cls(**kwargs)

    def check_against(self, n_samples: int) -> None:
        """Checks that need the dataset's size: weights and batch size."""
        if n_samples < 1:
            raise ConfigError("dataset", Message(QT_TRANSLATE_NOOP(
                "messages", "is empty: there is nothing to fit")))
        if self.weights is not None and len(self.weights) != n_samples:
            raise ConfigError("weights", Message(QT_TRANSLATE_NOOP(
                "messages", "needs one weight per sample: {n} samples but {weights} weights"),
                n=n_samples, weights=len(self.weights)))
        if self.sample_weights is not None and len(self.sample_weights) != n_samples:
            raise ConfigError("sample_weights", Message(QT_TRANSLATE_NOOP(
                "messages", "needs one weight per sample: {n} samples but {weights} weights"),
                n=n_samples, weights=len(self.sample_weights)))
        if self.ignore and self.ignore[-1] >= n_samples:
            raise ConfigError("ignore", Message(QT_TRANSLATE_NOOP(
                "messages", "sample {index} is out of range: the dataset has {n} samples "
                "(indices 0 to {last})"), index=self.ignore[-1], n=n_samples, last=n_samples - 1))
        if self.batch_size is not None and self.batch_size > n_samples:
            raise ConfigError("batch_size", Message(QT_TRANSLATE_NOOP(
                "messages", "is {batch} but the dataset has only {n} samples"),
                batch=self.batch_size, n=n_samples))

    def for_data(self, n_samples: int, source: str, keep_weights: bool = True) -> LabConfig:
        """This config for a dataset of ``n_samples`` loaded or edited by hand: weights kept only
        if asked and they still fit, a batch size as large as the data becomes "all"."""
        fits = keep_weights and self.weights is not None and len(self.weights) == n_samples
        sw = self.sample_weights
        sw_fits = keep_weights and sw is not None and len(sw) == n_samples
        ignore_fits = keep_weights and all(i < n_samples for i in self.ignore)
        batch = self.batch_size
        return self.replace(
            preset="csv", source=source, n_points=None, noise=None,
            weights=self.weights if fits else None,
            sample_weights=sw if sw_fits else None,
            ignore=self.ignore if ignore_fits else (),
            batch_size=None if batch is None or batch >= n_samples else batch)

    def mean_denominator_kind(self) -> str:
        """What ``mean`` divides by under these settings (the denominator's name)."""
        if self.model == "logistic" and self.loss == "cross-entropy":
            if self.class_weights is not None:
                return "class-weights"
            if self.ignore:
                return "not-ignored"
        return "batch"

    def effective_batch_size(self, n_samples: int) -> int:
        return n_samples if self.batch_size is None else min(self.batch_size, n_samples)


def needs_new_data(old: LabConfig, new: LabConfig) -> bool:
    """True if going from ``old`` to ``new`` means other data (see DATA_FIELDS)."""
    return any(getattr(old, f) != getattr(new, f) for f in DATA_FIELDS)


def needs_reset(old: LabConfig, new: LabConfig) -> bool:
    """True if going from ``old`` to ``new`` restarts training at step 0 (see RESET_FIELDS)."""
    return any(getattr(old, f) != getattr(new, f) for f in RESET_FIELDS)
