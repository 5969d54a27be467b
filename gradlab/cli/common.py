"""What every part of the headless trace shares: exit statuses, the one-line error, number
parsing for the options, and number formatting. Imports no Qt."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import NoReturn

EXIT_OK, EXIT_NO_REDUCTION, EXIT_USAGE, EXIT_DIVERGED, EXIT_WORKERS = 0, 1, 2, 3, 4


class UsageError(Exception):
    """A bad argument, CSV or session: the message is the one line shown to the user."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, no usage dump
        raise UsageError(message)


def parse_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def parse_int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def parse_weights(text: str) -> tuple[float, ...]:
    parts = [p for p in text.replace(" ", "").split(",") if p]
    if not parts:
        raise argparse.ArgumentTypeError("give one weight per sample, e.g. 1,0,0,0")
    return tuple(parse_float(p) for p in parts)


def parse_sizes(text: str) -> tuple[int, ...]:
    parts = [p for p in text.replace(" ", "").split(",") if p]
    if not parts:
        raise argparse.ArgumentTypeError("give sizes separated by commas, e.g. 1,3")
    return tuple(parse_int(p) for p in parts)


def parse_jacobian_v(text: str) -> str | tuple[float, ...]:
    if text in ("sum", "mean", "weights"):
        return text
    try:
        return parse_weights(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not sum, mean, weights or a list of numbers such as 1,0,0,0") from None


def fmt(v: float) -> str:
    return f"{v:.6g}"


def check_output(option: str, path: str | None) -> None:
    """Fail before training, not after it, when an output file cannot possibly be written."""
    if path is None:
        return
    p = Path(path)
    if p.is_dir():
        raise UsageError(f"argument {option}: {path} is a directory")
    if not p.parent.is_dir():
        raise UsageError(f"argument {option}: the folder {str(p.parent)!r} does not exist")
