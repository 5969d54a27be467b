"""The headless trace: ``python main.py --headless [options]``. Imports no Qt.

Exit status: 0 ok, 1 reduction 'none' (PyTorch's own error, explained), 2 bad arguments, data or
session (or an output file that cannot be written), 3 the run diverged. Errors are one short line
on stderr, never a traceback.

Beyond the trace:
- ``--explain`` prints the chain rule of the *next* step (after ``--steps K``, default 0 with
  ``--explain``), hand-computed next to autograd; with ``--json`` as one ``{"explain": ...}`` line.
- ``--save-session FILE`` writes the state after the steps; ``--session FILE`` resumes from one and
  takes ``--steps`` more. A session carries its own settings: only ``--lr`` may override them; any
  other training option given with ``--session`` is refused (exit 2).
- ``--export-code FILE`` writes the plain PyTorch script that reproduces the run from its start
  (all steps taken, including a resumed session's earlier ones; a session whose settings changed
  mid-run, or resumed with a new ``--lr``, cannot be replayed and is refused).
- Outputs are written only when the run succeeded: a diverged (3) or unreduced (1) run writes none.
- ``--micro-batches K`` / ``--micro-sizes a,b,...`` (with ``--accum-scale``, ``--forget-zero-grad``)
  accumulate every step's gradient over micro-batches; ``--workers W`` (with ``--shard-sizes``,
  ``--ddp-loss-scale``) computes it in W DDP worker processes (gloo on 127.0.0.1). Each ``--json``
  step then also carries the one-backward gradient of the same batch and ``matches``. Status 4:
  the worker group had to end (a worker died or failed); every process is ended first.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from gradlab.core.config import LOSSES, OPTIMIZERS, PRESETS, REDUCTIONS, ConfigError, LabConfig
from gradlab.core.data import DataError, Dataset, dataset_for, read_csv
from gradlab.core.records import HistoryChunk
from gradlab.core.splitting import ACCUM_SCALES, DDP_LOSS_SCALES, SplitSettings

if TYPE_CHECKING:
    from gradlab.core.session import Session
    from gradlab.core.trainer import Trainer

EXIT_OK, EXIT_NO_REDUCTION, EXIT_USAGE, EXIT_DIVERGED, EXIT_WORKERS = 0, 1, 2, 3, 4


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


def _sizes(text: str) -> tuple[int, ...]:
    parts = [p for p in text.replace(" ", "").split(",") if p]
    if not parts:
        raise argparse.ArgumentTypeError("give sizes separated by commas, e.g. 1,3")
    return tuple(_int(p) for p in parts)


def add_split_arguments(parser: argparse.ArgumentParser) -> None:
    """How each step's batch is split: micro-batches with accumulation, or DDP workers."""
    g = parser.add_argument_group("batches and workers")
    micro = g.add_mutually_exclusive_group()
    micro.add_argument("--micro-batches", type=_int, metavar="K",
                       help="accumulate each step over K micro-batches of (nearly) equal size")
    micro.add_argument("--micro-sizes", type=_sizes, metavar="A,B,...",
                       help="accumulate each step over micro-batches of these sizes")
    g.add_argument("--accum-scale", choices=ACCUM_SCALES,
                   help="scale each micro-batch's loss by none, 1/K or n_i/n (default 1/K)")
    g.add_argument("--forget-zero-grad", action="store_true",
                   help="never call zero_grad(): .grad carries over from step to step")
    g.add_argument("--workers", type=_int, metavar="W",
                   help="compute each step in W DDP worker processes (1 to 4)")
    g.add_argument("--shard-sizes", type=_sizes, metavar="A,B,...",
                   help="each worker's share of the batch (default: even)")
    g.add_argument("--ddp-loss-scale", choices=DDP_LOSS_SCALES,
                   help="multiply each local loss by the world size (default none)")


def split_from_args(args: argparse.Namespace, config: LabConfig, n_samples: int
                    ) -> SplitSettings:
    """The split the arguments describe, checked against the run's batches; UsageError else."""
    micro = args.micro_batches is not None or args.micro_sizes is not None
    workers = args.workers is not None or args.shard_sizes is not None
    for option, given, needs in (
        ("--accum-scale", args.accum_scale is not None, micro),
        ("--forget-zero-grad", args.forget_zero_grad, micro),
        ("--ddp-loss-scale", args.ddp_loss_scale is not None, workers),
    ):
        if given and not needs:
            what = "--micro-batches or --micro-sizes" if option != "--ddp-loss-scale" \
                else "--workers"
            raise UsageError(f"argument {option}: needs {what}")
    try:
        split = SplitSettings(
            micro_batches=args.micro_batches, micro_sizes=args.micro_sizes,
            accum_scale=args.accum_scale or "1/K", forget_zero_grad=args.forget_zero_grad,
            workers=args.workers, shard_sizes=args.shard_sizes,
            ddp_loss_scale=args.ddp_loss_scale or "none")
        bs = config.effective_batch_size(n_samples)
        split.check_against(bs, n_samples % bs or None)
    except ConfigError as exc:
        raise UsageError(f"argument --{exc.field.replace('_', '-')}: {exc.reason}") from None
    return split


def add_training_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that describe a run; shared by ``--headless`` and the window's
    ``--screenshot``."""
    g = parser.add_argument_group("training")
    src = g.add_mutually_exclusive_group()
    src.add_argument("--preset", choices=PRESETS, help="built-in dataset (default: seed)")
    src.add_argument("--data", metavar="FILE.csv", help="a CSV file with two columns x, y")
    g.add_argument("--n", dest="n_points", type=_int, metavar="N",
                   help="points of a generated preset")
    g.add_argument("--noise", type=_float, help="noise of a generated preset")
    g.add_argument("--steps", type=_int, default=None, metavar="K",
                   help="steps to take (default 1; 0 with --explain)")
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


#: Training options a session may override (everything else it carries itself).
SESSION_OVERRIDABLE = frozenset({"lr", "steps"})


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gradlab --headless",
                     description="Train without a window; print a trace.")
    parser.add_argument("--headless", action="store_true", help="run without a window")
    parser.add_argument("--json", action="store_true", help="one JSON object per step")
    add_training_arguments(parser)
    add_split_arguments(parser)
    g = parser.add_argument_group("explain, sessions and code")
    g.add_argument("--explain", action="store_true",
                   help="print the chain rule of the next step, by hand and by autograd")
    g.add_argument("--session", metavar="FILE", help="resume from a saved session")
    g.add_argument("--save-session", metavar="FILE", help="save the session after the steps")
    g.add_argument("--export-code", metavar="FILE",
                   help="write the plain PyTorch script that reproduces the run")
    return parser


def _training_dests() -> set[str]:
    probe = argparse.ArgumentParser(add_help=False)
    add_training_arguments(probe)
    add_split_arguments(probe)
    return {a.dest for a in probe._actions}


def _given_training_options(argv: list[str]) -> set[str]:
    """The training options the user actually typed (argparse alone cannot tell a default)."""
    dests = _training_dests()
    parser = build_parser()
    for action in parser._actions:
        if action.dest in dests:
            action.default = argparse.SUPPRESS  # absent from the namespace unless typed
    return set(vars(parser.parse_args(argv))) & dests


def _fmt(v: float) -> str:
    return f"{v:.6g}"


def _check_output(option: str, path: str | None) -> None:
    """Fail before training, not after it, when an output file cannot possibly be written."""
    if path is None:
        return
    p = Path(path)
    if p.is_dir():
        raise UsageError(f"argument {option}: {path} is a directory")
    if not p.parent.is_dir():
        raise UsageError(f"argument {option}: the folder {str(p.parent)!r} does not exist")


def _trace(trainer: Trainer, steps: int, as_json: bool, out: TextIO, err: TextIO
           ) -> tuple[int, list[HistoryChunk]]:
    """Take ``steps`` steps, printing each; returns (exit status, history of the steps taken)."""
    from gradlab.core.trainer import NoReductionError

    history: list[HistoryChunk] = []
    split = getattr(trainer, "step_split", None)
    for _ in range(steps):
        try:
            detail = split() if split is not None else None
            record = detail.record if detail is not None else trainer.step()
        except NoReductionError as exc:
            print(f"PyTorch: RuntimeError: {exc.torch_message}", file=err)
            print(exc.explanation, file=err)
            return EXIT_NO_REDUCTION, history
        if record.diverged:
            print(f"diverged at step {record.step}: {record.diverged} — lower the learning rate "
                  f"(lr = {trainer.config.lr:g})", file=err)
            return EXIT_DIVERGED, history
        history.append(HistoryChunk.from_record(record))
        if as_json:
            line = (detail or record).to_json_dict()
            print(json.dumps(line), file=out)
        else:
            print(f"step {record.step}: loss {_fmt(record.loss)}  grad_w {_fmt(record.grad_w)}  "
                  f"grad_b {_fmt(record.grad_b)}  ->  w {_fmt(record.w_after)}  "
                  f"b {_fmt(record.b_after)}", file=out)
            if detail is not None:
                c = detail.comparison
                verdict = "the same gradient" if c.matches else f"differs: {c.reason}"
                print(f"  one backward over the batch: grad_w {_fmt(c.full_grad_w)}  "
                      f"grad_b {_fmt(c.full_grad_b)}  ({verdict})", file=out)
    return EXIT_OK, history


def run_trace(config: LabConfig, dataset: Dataset, steps: int, as_json: bool,
              out: TextIO | None = None, err: TextIO | None = None) -> int:
    from gradlab.core.trainer import Trainer

    code, _ = _trace(Trainer(config, dataset), steps, as_json, out or sys.stdout, err or sys.stderr)
    return code


def _explain(trainer: Trainer, as_json: bool, out: TextIO) -> int:
    from gradlab.core.explain import chain_rule, format_chain_rule

    cfg, data = trainer.config, trainer.dataset
    w, b = trainer.params
    cr = chain_rule(data.x, data.y, trainer.next_batch_indices(), w, b, cfg.loss, cfg.reduction,
                    weights=None if cfg.weights is None else list(cfg.weights), lr=cfg.lr)
    if as_json:
        print(json.dumps({"explain": cr.to_json_dict()}), file=out)
    else:
        print(format_chain_rule(cr, optimizer=cfg.optimizer), file=out)
    return EXIT_NO_REDUCTION if cfg.reduction == "none" else EXIT_OK


def _load_session(args: argparse.Namespace, argv: list[str]) -> Session:
    """The session to resume, with the allowed overrides applied; UsageError otherwise."""
    from gradlab.core.session import SessionError, load_session

    refused = sorted(_given_training_options(argv) - SESSION_OVERRIDABLE)
    if refused:
        raise UsageError(
            f"argument --{refused[0].replace('_', '-')}: cannot be combined with --session "
            "(a session carries its own settings; only --lr and --steps may be given)"
        )
    try:
        session = load_session(args.session)
        args.lr_changed = args.lr is not None and args.lr != session.config.lr
        if args.lr_changed:
            session = dataclasses.replace(session, config=session.config.replace(lr=args.lr))
    except SessionError as exc:
        raise UsageError(f"argument --session: {args.session}: {exc}") from None
    except ConfigError as exc:
        raise UsageError(f"argument --{exc.field}: {exc.reason}") from None
    return session


def _make_trainer(config: LabConfig, dataset: Dataset, split: SplitSettings | None,
                  like: Trainer | None = None) -> Trainer:
    """The trainer for ``split``: plain, accumulating, or data-parallel (which starts its
    worker group, or shares the group of ``like``)."""
    from gradlab.core.trainer import Trainer

    if split is not None and split.accumulating:
        from gradlab.core.accumulate import AccumulatingTrainer

        return AccumulatingTrainer(config, dataset, split)
    if split is not None and split.parallel:
        from gradlab.core.dataparallel import ParallelTrainer

        return ParallelTrainer(config, dataset, split, getattr(like, "group", None))
    return Trainer(config, dataset)


def _close(trainer: Trainer | None) -> None:
    close = getattr(trainer, "close", None)
    if close is not None:
        close()


def _check_replayable(session: Session, lr_changed: bool, trainer: Trainer) -> None:
    """A script replays a run from its start; refuse a session that its settings do not explain."""
    if not lr_changed:
        replay = _make_trainer(session.config, session.dataset, session.split, like=trainer)
        if session.step:
            replay.run(session.step)
        if json.dumps(replay.state_dict()) == json.dumps(dict(session.state)):
            return
    raise UsageError(
        "argument --export-code: this session cannot be replayed from its settings (they or the "
        "parameters changed during the run); export the code from a fresh run instead"
    )


def _write_outputs(args: argparse.Namespace, trainer: Trainer, history: HistoryChunk) -> int:
    from gradlab.core.codegen_split import generate_split_script
    from gradlab.core.session import SessionError, save_session

    split = getattr(trainer, "split", None)
    if args.save_session:
        try:
            save_session(args.save_session, trainer.config, trainer.dataset, trainer.state_dict(),
                         history, split)
        except SessionError as exc:
            print(f"gradlab: error: argument --save-session: {exc}", file=sys.stderr)
            return EXIT_USAGE
    if args.export_code:
        script = generate_split_script(trainer.config, trainer.dataset, trainer.step_count,
                                       split or SplitSettings())
        try:
            with open(args.export_code, "w", encoding="utf-8", newline="\n") as f:
                f.write(script)
        except OSError as exc:
            print(f"gradlab: error: argument --export-code: cannot write {args.export_code}: "
                  f"{exc.strerror or exc}", file=sys.stderr)
            return EXIT_USAGE
    return EXIT_OK


def _robust_streams() -> None:
    """A console that cannot show 'ŷ' or '∂' gets an escape, not a UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # pragma: no cover - a closed or odd stream
                pass


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _robust_streams()
    session = None
    try:
        args = build_parser().parse_args(argv)
        if args.steps is not None and args.steps < 0:
            raise UsageError(f"argument --steps: must be >= 0, got {args.steps}")
        _check_output("--save-session", args.save_session)
        _check_output("--export-code", args.export_code)
        if args.session:
            session = _load_session(args, argv)
            config, dataset, split = session.config, session.dataset, session.split
        else:
            config, dataset = config_and_data_from_args(args)
            split = split_from_args(args, config, len(dataset))
    except UsageError as exc:
        print(f"gradlab: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    from gradlab.core.distributed import WorkerGroupError

    trainer = None
    try:
        trainer = _make_trainer(config, dataset, split)
        return _run(args, trainer, session)
    except UsageError as exc:
        print(f"gradlab: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except WorkerGroupError as exc:
        print(f"gradlab: error: {exc}", file=sys.stderr)
        return EXIT_WORKERS
    finally:
        _close(trainer)  # every worker process ends before the trace does


def _run(args: argparse.Namespace, trainer: Trainer, session: Session | None) -> int:
    """Resume (if a session), trace, explain and write the outputs."""
    earlier = []
    if session is not None:
        if args.export_code:
            _check_replayable(session, args.lr_changed, trainer)
        trainer.load_state_dict(copy.deepcopy(dict(session.state)))
        earlier = [session.history] if session.history is not None else []
    steps = args.steps if args.steps is not None else (0 if args.explain else 1)
    code, history = _trace(trainer, steps, args.json, sys.stdout, sys.stderr)
    if code != EXIT_OK:
        return code
    if args.explain:
        code = _explain(trainer, args.json, sys.stdout)
        if code != EXIT_OK:
            return code
    return _write_outputs(args, trainer, HistoryChunk.concat(earlier + history))
