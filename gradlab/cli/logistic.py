"""The logistic model's options on the command line: ``--model``, the two classification losses'
weights and ignored samples, and which of them fit which loss. Imports no Qt."""

from __future__ import annotations

import argparse

from gradlab.cli.common import UsageError, parse_float, parse_weights
from gradlab.core.config import CLASSIFICATION_PRESETS, LOSS_OPTIONS, MODELS

#: The option of each logistic setting, as the user types it.
_OPTION = {"class_weights": "--class-weights", "sample_weights": "--sample-weights",
           "pos_weight": "--pos-weight", "ignore": "--ignore"}

#: Features that do not know the logistic model yet: refused with one line rather than run on
#: the line's loss.
_NOT_YET = (("stability", "--stability"), ("phases", "--phases"), ("jacobian", "--jacobian"),
            ("compare", "--compare"), ("micro_batches", "--micro-batches"),
            ("micro_sizes", "--micro-sizes"), ("workers", "--workers"))


def parse_indices(text: str) -> tuple[int, ...]:
    parts = [p for p in text.replace(" ", "").split(",") if p]
    if not parts:
        raise argparse.ArgumentTypeError("give 0-based sample indices, e.g. 0,3")
    out = []
    for p in parts:
        try:
            out.append(int(p))
        except ValueError:
            raise argparse.ArgumentTypeError(f"{p!r} is not a sample index") from None
    return tuple(out)


def add_logistic_arguments(g: argparse._ArgumentGroup) -> None:
    g.add_argument("--model", choices=MODELS,
                   help="line (regression, the default) or logistic (p = σ(w·x + b), labels 0/1; "
                        "the default for the pass-fail, separable and imbalanced presets)")
    g.add_argument("--class-weights", type=parse_weights, metavar="W0,W1",
                   help="cross-entropy's weight=: one weight per class")
    g.add_argument("--sample-weights", type=parse_weights, metavar="V1,V2,...",
                   help="BCE's weight=: one weight per sample (not --weights, which is the "
                        "weighted reduction's)")
    g.add_argument("--pos-weight", type=parse_float, metavar="P", help="BCE's pos_weight")
    g.add_argument("--ignore", type=parse_indices, metavar="I,J,...",
                   help="0-based samples cross-entropy ignores (its ignore_index)")


def model_and_loss(args: argparse.Namespace, preset: str) -> tuple[str, str]:
    """The model (by default the preset's) and the loss (by default the model's first)."""
    model = args.model or ("logistic" if preset in CLASSIFICATION_PRESETS else "line")
    loss = args.loss or ("bce" if model == "logistic" else "mse")
    return model, loss


def check_logistic_options(args: argparse.Namespace, model: str, loss: str) -> None:
    """UsageError for a logistic setting given where it means nothing (``--ignore`` with BCE,
    class weights with the line, ...)."""
    for key, option in _OPTION.items():
        if getattr(args, key, None) is None:
            continue
        if model != "logistic":
            raise UsageError(f"argument {option}: only for the logistic model (--model logistic)")
        if key not in LOSS_OPTIONS[loss]:
            other = next(name for name, keys in LOSS_OPTIONS.items() if key in keys)
            raise UsageError(f"argument {option}: only for --loss {other}, not {loss}")


def check_not_yet(args: argparse.Namespace, model: str) -> None:
    """UsageError for a feature that does not know the logistic model yet (rather than a run on
    the line's loss)."""
    if model == "logistic":
        for key, option in _NOT_YET:
            if getattr(args, key, None):
                raise UsageError(f"argument {option}: not available for the logistic model yet")


def logistic_settings(args: argparse.Namespace) -> dict:
    """The LabConfig keywords of the logistic options (checked by LabConfig itself)."""
    return {"class_weights": args.class_weights, "sample_weights": args.sample_weights,
            "pos_weight": args.pos_weight, "ignore": args.ignore or ()}
