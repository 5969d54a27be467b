"""The headless trace: ``python main.py --headless [options]``. Imports no Qt.

Exit status: 0 ok, 1 reduction 'none' (PyTorch's own error, explained), 2 bad arguments, data or
session, 3 the run diverged. Errors are one short line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import NoReturn

from gradlab.core.config import LOSSES, OPTIMIZERS, PRESETS, REDUCTIONS, ConfigError, LabConfig
from gradlab.core.data import Dataset, DataError, dataset_for, read_csv

EXIT_OK, EXIT_NO_REDUCTION, EXIT_USAGE, EXIT_DIVERGED = 0, 1, 2, 3


class UsageError(Exception):
    """A bad argument, CSV or session: the message is the one line shown to the user."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, no usage dump
        raise UsageError(message)


def _float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def _weights(text: str) -> tuple[float, ...]:
    parts = [p for p in text.replace(" ", "").split(",") if p]
    if not parts:
        raise argparse.ArgumentTypeError("give one weight per sample, e.g. 1,0,0,0")
    return tuple(_float(p) for p in parts)


def add_training_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that describe a run; shared by ``--headless`` and the window's ``--screenshot``."""
    g = parser.add_argument_group("training")
    src = g.add_mutually_exclusive_group()
    src.add_argument("--preset", choices=PRESETS, help="built-in dataset (default: seed)")
    src.add_argument("--data", metavar="FILE.csv", help="a CSV file with two columns x, y")
    g.add_argument("--n", dest="n_points", type=_int, metavar="N", help="points of a generated preset")
    g.add_argument("--noise", type=_float, help="noise of a generated preset")
    g.add_argument("--steps", type=_int, default=None, metavar="K", help="steps to take (default 1)")
    g.add_argument("--lr", type=_float, help="learning rate (default: the preset's suggestion)")
    g.add_argument("--batch-size", type=_int, metavar="B", help="minibatch size (default: all)")
    g.add_argument("--init-w", type=_float, default=0.0, metavar="W")
    g.add_argument("--init-b", type=_float, default=0.0, metavar="B")
    g.add_argument("--seed", type=_int, default=0)
    g.add_argument("--loss", choices=LOSSES, default="mse")
    g.add_argument("--reduction", choices=REDUCTIONS, default="mean")
    g.add_argument("--weights", type=_weights, metavar="V1,V2,...",
                   help="one weight per sample, for --reduction weighted")
    g.add_argument("--optimizer", choices=OPTIMIZERS, default="sgd")
    g.add_argument("--momentum", type=_float, default=0.9)


def config_and_data_from_args(args: argparse.Namespace) -> tuple[LabConfig, Dataset]:
    """Build (and validate) the config and dataset the arguments describe; UsageError otherwise."""
    from gradlab.core.data import PRESET_INFO

    if args.steps is not None and args.steps < 0:
        raise UsageError(f"argument --steps: must be >= 0, got {args.steps}")
    preset = "csv" if args.data else (args.preset or "seed")
    lr = args.lr
    if lr is None:
        lr = PRESET_INFO[preset].suggested_lr if preset in PRESET_INFO else 0.01
    try:
        if args.data:
            dataset = read_csv(args.data)
        else:
            dataset = None
        config = LabConfig(
            preset=preset, n_points=args.n_points, noise=args.noise, init_w=args.init_w,
            init_b=args.init_b, loss=args.loss, reduction=args.reduction, weights=args.weights,
            optimizer=args.optimizer, momentum=args.momentum, lr=lr, batch_size=args.batch_size,
            seed=args.seed, source=args.data or "",
        )
        if dataset is None:
            dataset = dataset_for(config)
        config.check_against(len(dataset))
    except DataError as exc:
        where = f"{args.data}: " if args.data else ""
        raise UsageError(f"{where}{exc}") from None
    except ConfigError as exc:
        raise UsageError(f"argument --{exc.field.replace('_', '-')}: {exc.reason}") from None
    return config, dataset


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gradlab --headless", description="Train without a window; print a trace.")
    parser.add_argument("--headless", action="store_true", help="run without a window")
    parser.add_argument("--json", action="store_true", help="one JSON object per step")
    add_training_arguments(parser)
    return parser


def _fmt(v: float) -> str:
    return f"{v:.6g}"


def run_trace(config: LabConfig, dataset: Dataset, steps: int, as_json: bool, out=None, err=None) -> int:
    from gradlab.core.trainer import NoReductionError, Trainer

    out = out or sys.stdout
    err = err or sys.stderr
    trainer = Trainer(config, dataset)
    for _ in range(steps):
        try:
            record = trainer.step()
        except NoReductionError as exc:
            print(f"PyTorch: RuntimeError: {exc.torch_message}", file=err)
            print(exc.explanation, file=err)
            return EXIT_NO_REDUCTION
        if record.diverged:
            print(f"diverged at step {record.step}: {record.diverged} — lower the learning rate "
                  f"(lr = {config.lr:g})", file=err)
            return EXIT_DIVERGED
        if as_json:
            print(json.dumps(record.to_json_dict()), file=out)
        else:
            print(f"step {record.step}: loss {_fmt(record.loss)}  grad_w {_fmt(record.grad_w)}  "
                  f"grad_b {_fmt(record.grad_b)}  ->  w {_fmt(record.w_after)}  b {_fmt(record.b_after)}",
                  file=out)
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(argv)
        config, dataset = config_and_data_from_args(args)
    except UsageError as exc:
        print(f"gradlab: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    steps = 1 if args.steps is None else args.steps
    return run_trace(config, dataset, steps, args.json)
