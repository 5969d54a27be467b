"""Datasets: the built-in presets and CSV read/write with line-numbered errors.

numpy only (no torch), so the window can build and draw data before torch has loaded.
"""

from __future__ import annotations

import io
import math
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from gradlab.core.config import CLASSIFICATION_PRESETS, PRESETS, ConfigError, LabConfig
from gradlab.core.messages import QT_TRANSLATE_NOOP, Message

#: Refuse CSV files larger than this many data rows (the lab is for teaching, not for big data).
MAX_ROWS = 10_000_000
#: ... or larger than this (checked before reading: 10^7 rows of two full-precision floats fit).
MAX_BYTES = 1024 * 2**20
#: A cell that looks like the tail of a number split at a thousands separator or decimal comma.
_THOUSANDS = re.compile(r'\d{3}(\.\d*)?"?')


class DataError(ValueError):
    """Data the lab cannot use. ``line`` is the 1-based CSV line, when there is one."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message if line is None else Message(
            QT_TRANSLATE_NOOP("messages", "line {line}: {reason}"), line=line, reason=message))
        self.line = line
        self.reason = message


@dataclass(frozen=True, eq=False)
class Dataset:
    """x and y as read-only float64 arrays of equal length >= 1."""

    x: np.ndarray
    y: np.ndarray
    name: str = "data"
    #: Identity of these values, for caches (kept across pickling, unlike ``id()``, and never
    #: reused): an edit makes a new Dataset, with a new token.
    token: int = field(default_factory=lambda: int.from_bytes(os.urandom(8), "little") >> 1,
                       repr=False)

    def __post_init__(self) -> None:
        x = np.array(self.x, dtype=np.float64).reshape(-1)
        y = np.array(self.y, dtype=np.float64).reshape(-1)
        if x.shape != y.shape:
            raise DataError(Message(QT_TRANSLATE_NOOP("messages", "x has {x} values but y has {y}"),
                                    x=x.size, y=y.size))
        if x.size == 0:
            raise DataError(Message(QT_TRANSLATE_NOOP(
                "messages", "the dataset is empty: there is nothing to fit")))
        if not (np.isfinite(x).all() and np.isfinite(y).all()):
            raise DataError(Message(QT_TRANSLATE_NOOP(
                "messages", "the dataset contains NaN or infinite values")))
        x.flags.writeable = False
        y.flags.writeable = False
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)

    def __len__(self) -> int:
        return int(self.x.size)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Dataset):
            return NotImplemented
        return np.array_equal(self.x, other.x) and np.array_equal(self.y, other.y)

    __hash__ = None  # type: ignore[assignment]

    # Editing returns a new dataset: a Dataset is never changed in place.
    def with_point(self, index: int, x: float, y: float) -> Dataset:
        xs, ys = self.x.copy(), self.y.copy()
        xs[index], ys[index] = x, y
        return Dataset(xs, ys, self.name)

    def with_added(self, x: float, y: float) -> Dataset:
        return Dataset(np.append(self.x, x), np.append(self.y, y), self.name)

    def without(self, index: int) -> Dataset:
        if len(self) <= 1:
            raise DataError(Message(QT_TRANSLATE_NOOP(
                "messages", "cannot remove the last point: a dataset needs at least one sample")))
        return Dataset(np.delete(self.x, index), np.delete(self.y, index), self.name)


@dataclass(frozen=True)
class PresetInfo:
    name: str
    description: str
    default_n: int | None  # None: fixed data (n cannot be changed)
    default_noise: float | None
    suggested_lr: float
    suggested_batch: int | None = None
    # The model the preset is made for: its labels are 0/1 for "logistic".
    model: str = "line"


PRESET_INFO: dict[str, PresetInfo] = {
    "seed": PresetInfo(
        "seed", "The article's example: x = [1, 2, 3, 4], y = [2, 4, 6, 8]", None, None, 0.01
    ),
    "noisy-line": PresetInfo(
        "noisy-line", "y = 2x + 1 plus Gaussian noise", 50, 0.5, 0.05
    ),
    "outlier": PresetInfo(
        "outlier", "A clean line with one far outlier: MSE chases it, MAE and Huber do not",
        20, 0.0, 0.01,
    ),
    "unscaled": PresetInfo(
        "unscaled", "x in the hundreds: lr 0.01 diverges, lr 1e-6 does not", 40, 5.0, 1e-6
    ),
    "large": PresetInfo(
        "large", "A noisy line with a million points", 1_000_000, 0.5, 0.05, 1000
    ),
    "pass-fail": PresetInfo(
        "pass-fail", "Hours studied -> passed (1) or failed (0): the classes overlap, so the "
        "logistic loss has a finite minimum", 40, 1.0, 0.05, model="logistic",
    ),
    "separable": PresetInfo(
        "separable", "Two classes a gap apart: no mistake is left to correct, so every step makes "
        "the curve steeper and w grows without bound", 20, None, 0.1, model="logistic",
    ),
    "imbalanced": PresetInfo(
        "imbalanced", "About one positive in ten: an unweighted mean is ruled by the majority; "
        "class weights rebalance it", 40, 1.5, 0.05, model="logistic",
    ),
}
assert tuple(PRESET_INFO) == PRESETS


def make_preset(
    name: str, n: int | None = None, noise: float | None = None, seed: int = 0
) -> Dataset:
    """Build a preset dataset; generated presets are deterministic for ``(n, noise, seed)``."""
    if name not in PRESET_INFO:
        raise DataError(Message(QT_TRANSLATE_NOOP(
            "messages", "unknown preset {name!r}; choose one of {options}"),
            name=name, options=", ".join(PRESETS)))
    info = PRESET_INFO[name]
    if name == "seed":
        return Dataset(np.array([1.0, 2.0, 3.0, 4.0]), np.array([2.0, 4.0, 6.0, 8.0]), name)
    n = info.default_n if n is None else int(n)
    noise = info.default_noise if noise is None else float(noise)
    if n < 1:
        raise DataError(Message(QT_TRANSLATE_NOOP("messages",
                                                  "a dataset needs at least one sample")))
    rng = np.random.default_rng([seed, 7919])
    if name in CLASSIFICATION_PRESETS:
        x, y = _classification(name, n, noise, rng)
    elif name in ("noisy-line", "large"):
        x = rng.uniform(-3.0, 3.0, n)
        y = 2.0 * x + 1.0 + rng.normal(0.0, noise, n)
    elif name == "outlier":
        x = np.linspace(0.0, 5.0, n)
        y = 2.0 * x + 1.0 + rng.normal(0.0, noise, n)
        y[int(n * 0.75)] += 40.0  # one far outlier, three quarters of the way along
    else:  # unscaled
        x = rng.uniform(100.0, 500.0, n)
        y = 0.5 * x + 3.0 + rng.normal(0.0, noise, n)
    return Dataset(x, y, name)


def _classification(name: str, n: int, noise: float | None,
                    rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """0/1 labels. pass-fail: P(pass) = σ(1.5·(hours − 5)) with hours in [0, 10] (``noise``
    scales how soft the border is); imbalanced: the same with the border at 9.5 (about 1 in 10
    pass); separable: class 0 at x < 4, class 1 at x > 6 (no overlap at all)."""
    if name == "separable":
        x = np.sort(rng.uniform(0.0, 10.0, n))
        x = np.where(x < 5.0, x * 0.8, 6.0 + (x - 5.0) * 0.8)
        y = (x > 5.0).astype(np.float64)
        return x, y
    x = np.sort(rng.uniform(0.0, 10.0, n))
    border = 5.0 if name == "pass-fail" else 9.5
    slope = 1.5 / max(float(noise or 0.0), 1e-3)
    p = 1.0 / (1.0 + np.exp(-slope * (x - border)))
    y = (rng.uniform(0.0, 1.0, n) < p).astype(np.float64)
    if n >= 3:  # the classes overlap (the point of these presets), whatever the seed drew
        y[-1] = 1.0
        k = int(np.flatnonzero(y)[0])
        if k == n - 1 or y[k:].all():  # separable: one positive moves left of a negative
            k = max(k, 2)
            y[k - 2], y[k - 1], y[k] = 1.0, 0.0, 1.0
    return x, y


def label_problem(dataset: Dataset) -> Message | None:
    """Why ``dataset`` cannot be the logistic model's data (its labels must be 0 or 1), or None."""
    bad = np.flatnonzero((dataset.y != 0.0) & (dataset.y != 1.0))
    if bad.size == 0:
        return None
    k = int(bad[0])
    return Message(QT_TRANSLATE_NOOP(
        "messages", "sample {index} has the label y = {value!r}: the logistic model needs labels "
        "0 or 1"), index=k, value=float(dataset.y[k]))


def check_model_data(config: LabConfig, dataset: Dataset) -> None:
    """ConfigError("model") if ``dataset`` cannot be ``config``'s model's data."""
    if config.model == "logistic":
        problem = label_problem(dataset)
        if problem is not None:
            raise ConfigError("model", problem)


def is_separable(dataset: Dataset) -> bool:
    """True if a threshold on x splits the two classes with no overlap: then the logistic loss
    has no minimum (it keeps falling as |w| grows) and w grows without bound."""
    zero, one = dataset.x[dataset.y == 0.0], dataset.x[dataset.y == 1.0]
    if zero.size == 0 or one.size == 0:
        return False
    return bool(zero.max() < one.min() or one.max() < zero.min())


SEPARABLE_NOTE = QT_TRANSLATE_NOOP(
    "messages", "The classes do not overlap: a steeper curve always fits them a little better, "
    "so the loss has no minimum and w grows without bound (the loss only creeps towards 0).")


def dataset_for(config: LabConfig) -> Dataset:
    """The preset dataset a config describes (CSV data is loaded separately)."""
    if config.preset == "csv":
        raise DataError(Message(QT_TRANSLATE_NOOP("messages",
                                                  "a CSV dataset has to be loaded from its file")))
    return make_preset(config.preset, config.n_points, config.noise, config.seed)


def _parse_number(cell: str, line: int, column: str) -> float:
    text = cell.strip()
    if not text:
        raise DataError(Message(QT_TRANSLATE_NOOP("messages", "the {column} cell is empty"),
                                column=column), line)
    try:
        value = float(text)
    except ValueError:
        if "," in text or ";" in text:
            template = QT_TRANSLATE_NOOP("messages", "{column} value {text!r} is not a number "
                                         "(thousands separators and decimal commas are not "
                                         "supported)")
        else:
            template = QT_TRANSLATE_NOOP("messages", "{column} value {text!r} is not a number")
        raise DataError(Message(template, column=column, text=text[:40]), line) from None
    if not math.isfinite(value):
        raise DataError(Message(QT_TRANSLATE_NOOP(
            "messages", "{column} value {text!r} is not a finite number"),
            column=column, text=text[:40]), line)
    return value


def parse_csv(text: str, name: str = "csv", binary: bool = False) -> Dataset:
    """Parse CSV text: two numeric columns x, y; an optional header row; ``#`` comments.
    ``binary``: the labels y must be 0 or 1 (the logistic model's data)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    xs: list[float] = []
    ys: list[float] = []
    seen_row = False
    for lineno, raw in enumerate(io.StringIO(text, newline=None), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        cells = line.split(",")
        if len(cells) != 2:
            if len(cells) == 1 and (";" in line or "\t" in line):
                raise DataError(Message(QT_TRANSLATE_NOOP(
                    "messages", "expected two values separated by a comma (found ';' or a tab)")),
                    lineno)
            if ";" in line or any(_THOUSANDS.fullmatch(c.strip()) for c in cells[1:]):
                raise DataError(Message(QT_TRANSLATE_NOOP(
                    "messages", "expected 2 columns (x, y), found {found}: is there a comma "
                    "inside a number? Write 1234 rather than 1,234 and 1.5 rather than 1,5 "
                    "(no thousands separators, a decimal point)"), found=len(cells)), lineno)
            raise DataError(Message(QT_TRANSLATE_NOOP(
                "messages", "expected 2 columns (x, y), found {found}"), found=len(cells)), lineno)
        if not seen_row:
            seen_row = True
            try:
                float(cells[0]), float(cells[1])
            except ValueError:
                # A first row that is not numeric is a header, if it looks like names.
                if all(c.strip() and not _looks_numeric(c) for c in cells):
                    continue
        xs.append(_parse_number(cells[0], lineno, "x"))
        ys.append(_parse_number(cells[1], lineno, "y"))
        if binary and ys[-1] not in (0.0, 1.0):
            raise DataError(Message(QT_TRANSLATE_NOOP(
                "messages", "the label y = {text!r} is not 0 or 1 (the logistic model needs "
                "0/1 labels)"), text=cells[1].strip()[:40]), lineno)
        if len(xs) > MAX_ROWS:
            raise DataError(Message(QT_TRANSLATE_NOOP(
                "messages", "more than {rows} rows; the lab is for small data"), rows=MAX_ROWS),
                lineno)
    if not xs:
        raise DataError(Message(QT_TRANSLATE_NOOP(
            "messages", "the file has no data rows (only a header, comments or blank lines)")))
    return Dataset(np.array(xs), np.array(ys), name)


def _line_of(text: str | bytes, index: int) -> int:
    """The 1-based line of ``text[index]``, counting lines as parse_csv does (\\n, \\r\\n, \\r)."""
    head = text[:index]
    cr, lf, crlf = ("\r", "\n", "\r\n") if isinstance(head, str) else (b"\r", b"\n", b"\r\n")
    return head.count(lf) + head.count(cr) - head.count(crlf) + 1


def _looks_numeric(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def read_csv(path: str | os.PathLike[str], binary: bool = False) -> Dataset:
    """Read a CSV file; every problem is a DataError naming the file (and line)."""
    p = Path(path)
    try:
        info = p.stat()
        if not stat.S_ISREG(info.st_mode):  # a folder, a pipe or a device: reading could hang
            raise DataError(Message(QT_TRANSLATE_NOOP("messages", "{path} is not a file"),
                                    path=str(p)))
        if info.st_size > MAX_BYTES:
            raise DataError(Message(QT_TRANSLATE_NOOP(
                "messages", "{path} is {size} MB; CSV files of at most {limit} MB are read"),
                path=str(p), size=info.st_size // 2**20, limit=MAX_BYTES // 2**20))
        raw = p.read_bytes()
    except OSError as exc:
        raise DataError(Message(QT_TRANSLATE_NOOP("messages", "cannot read {path}: {reason}"),
                                path=str(p), reason=exc.strerror or str(exc))) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = _line_of(raw, exc.start)
        raise DataError(Message(QT_TRANSLATE_NOOP("messages", "the file is not UTF-8 text")),
                        line) from None
    if "\x00" in text:
        line = _line_of(text, text.index("\x00"))
        raise DataError(Message(QT_TRANSLATE_NOOP("messages", "the file is binary, not CSV text")),
                        line)
    return parse_csv(text, name=p.stem or "csv", binary=binary)


def write_csv(dataset: Dataset, path: str | os.PathLike[str]) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("x,y\n")
        for xv, yv in zip(dataset.x.tolist(), dataset.y.tolist(), strict=True):
            f.write(f"{xv!r},{yv!r}\n")
