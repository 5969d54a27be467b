"""The headless trace: ``python main.py --headless [options]``. Imports no Qt.

Exit status: 0 ok, 1 reduction 'none' (PyTorch's own error, explained), 2 bad arguments, data or
session (or an output file that cannot be written), 3 the run diverged, 4 the worker group had to
end (a worker died or failed; every process is ended first). Errors are one short line on
stderr, never a traceback.

The parts: common.py (statuses, errors, number options), inside.py (--explain, --stability,
--phases, --jacobian, --per-sample-grads), compare.py (--compare), split.py (micro-batches and
workers), outputs.py (sessions and code); this module parses and runs.

Beyond the trace:
- ``--explain`` prints the chain rule of the *next* step (after ``--steps K``, default 0 with
  ``--explain``), hand-computed next to autograd; with ``--json`` as one ``{"explain": ...}`` line.
- ``--save-session FILE`` writes the state after the steps; ``--session FILE`` resumes from one and
  takes ``--steps`` more. A session carries its own settings: only ``--lr`` may override them; any
  other training option given with ``--session`` is refused (exit 2).
- ``--export-code FILE`` writes the plain PyTorch script that reproduces the run from its start
  (all steps taken, including a resumed session's earlier ones; a session whose settings changed
  mid-run, or resumed with a new ``--lr``, cannot be replayed and is refused).
- ``--stability`` prints the Hessian of the reduced loss over (w, b), λ_min, λ_max and the
  learning-rate limit 2/λ_max (2(1+μ)/λ_max with momentum) for the current settings, and the
  prediction when lr is above it; with ``--json`` one object ``{"hessian", "lambda_min",
  "lambda_max", "lr_limit", ...}`` (``lr_limit`` null where no fixed limit applies).
- ``--compare "reduction=sum,lr=0.0025"`` (up to three times) runs the main run's settings with
  those changed side by side, from the same start on the same data: per step one JSON object
  ``{"step": k, "runs": [{"label": ..., <the step fields>}, ...]}`` (the main run first), or a
  block of lines. A run that diverges stops (``{"label", "diverged", "diverged_at"}`` from then
  on) and the others go on; the exit status is then 3. Sessions and exported code keep every run.
- ``--micro-batches K`` / ``--micro-sizes a,b,...`` (with ``--accum-scale``, ``--forget-zero-grad``)
  accumulate every step's gradient over micro-batches; ``--workers W`` (with ``--shard-sizes``,
  ``--ddp-loss-scale``) computes it in W DDP worker processes (gloo on 127.0.0.1). Each ``--json``
  step then also carries the one-backward gradient of the same batch and ``matches``.
- Inside one step (after ``--steps K``, default 0 with any of them): ``--phases`` prints the next
  step phase by phase (forward, per-sample losses, reduce, backward, update), ``--jacobian`` the
  B×2 Jacobian of the per-sample losses, a vector v (``--jacobian-v``: sum, mean, weights or
  numbers; default: the reduction's) and vᵀJ next to ``backward(gradient=v)``;
  ``--per-sample-grads`` adds each step's per-sample gradient rows to the trace. With ``--json``:
  ``{"phases": [...]}`` and ``{"jacobian": {...}}`` lines, and ``per_sample_grad_w``/``_b`` keys.
- Outputs are written only when the run succeeded: a diverged (3) or unreduced (1) run writes none.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from typing import TYPE_CHECKING, TextIO

from gradlab.cli.common import (
    EXIT_DIVERGED,
    EXIT_NO_REDUCTION,
    EXIT_OK,
    EXIT_USAGE,
    EXIT_WORKERS,
    UsageError,
    _Parser,
    check_output,
    fmt,
    parse_float,
    parse_int,
    parse_jacobian_v,
    parse_weights,
)
from gradlab.cli.compare import compare_trace, comparison_from_args
from gradlab.cli.inside import (
    check_jacobian_v,
    explain,
    per_sample_rows_json,
    predicted,
    print_jacobian,
    print_phases,
    print_stability,
)
from gradlab.cli.logistic import (
    add_logistic_arguments,
    check_logistic_options,
    check_not_yet,
    logistic_settings,
    model_and_loss,
)
from gradlab.cli.outputs import check_replayable, load_session_args, write_outputs
from gradlab.cli.split import add_split_arguments, close_trainer, make_trainer, split_from_args
from gradlab.core.config import (
    ALL_LOSSES,
    OPTIMIZERS,
    PRESETS,
    REDUCTIONS,
    ConfigError,
    LabConfig,
)
from gradlab.core.data import DataError, Dataset, check_model_data, dataset_for, read_csv
from gradlab.core.records import HistoryChunk

if TYPE_CHECKING:
    from gradlab.core.compare import Comparison
    from gradlab.core.session import Session
    from gradlab.core.trainer import Trainer

__all__ = ["EXIT_DIVERGED", "EXIT_NO_REDUCTION", "EXIT_OK", "EXIT_USAGE", "EXIT_WORKERS",
           "UsageError", "add_training_arguments", "build_parser", "config_and_data_from_args",
           "main", "with_window_defaults"]


def add_training_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that describe a run; shared by ``--headless`` and the window's
    ``--screenshot``."""
    g = parser.add_argument_group("training")
    src = g.add_mutually_exclusive_group()
    src.add_argument("--preset", choices=PRESETS, help="built-in dataset (default: seed)")
    src.add_argument("--data", metavar="FILE.csv", help="a CSV file with two columns x, y")
    g.add_argument("--n", dest="n_points", type=parse_int, metavar="N",
                   help="points of a generated preset")
    g.add_argument("--noise", type=parse_float, help="noise of a generated preset")
    g.add_argument("--steps", type=parse_int, default=None, metavar="K",
                   help="steps to take (default 1; 0 with --explain)")
    g.add_argument("--lr", type=parse_float,
                   help="learning rate (default: the preset's suggestion)")
    g.add_argument("--batch-size", type=parse_int, metavar="B",
                   help="minibatch size (default: all)")
    g.add_argument("--init-w", type=parse_float, default=0.0, metavar="W")
    g.add_argument("--init-b", type=parse_float, default=0.0, metavar="B")
    g.add_argument("--seed", type=parse_int, default=0)
    g.add_argument("--loss", choices=ALL_LOSSES,
                   help="mse (default), mae, huber for the line; bce (default), cross-entropy "
                        "for the logistic model")
    g.add_argument("--reduction", choices=REDUCTIONS, default="mean")
    g.add_argument("--weights", type=parse_weights, metavar="V1,V2,...",
                   help="one weight per sample, for --reduction weighted")
    g.add_argument("--optimizer", choices=OPTIMIZERS, default="sgd")
    g.add_argument("--momentum", type=parse_float, default=0.9)
    add_logistic_arguments(g)


def config_and_data_from_args(args: argparse.Namespace) -> tuple[LabConfig, Dataset]:
    """Build (and validate) the config and dataset the arguments describe; UsageError otherwise."""
    from gradlab.core.data import PRESET_INFO

    if args.steps is not None and args.steps < 0:
        raise UsageError(f"argument --steps: must be >= 0, got {args.steps}")
    preset = "csv" if args.data else (args.preset or "seed")
    lr = args.lr
    if lr is None:
        lr = PRESET_INFO[preset].suggested_lr if preset in PRESET_INFO else 0.01
    model, loss = model_and_loss(args, preset)
    check_logistic_options(args, model, loss)
    try:
        if args.data:
            dataset = read_csv(args.data, binary=model == "logistic")
        else:
            dataset = None
        config = LabConfig(
            preset=preset, model=model, n_points=args.n_points, noise=args.noise,
            init_w=args.init_w, init_b=args.init_b, loss=loss, reduction=args.reduction,
            weights=args.weights, optimizer=args.optimizer, momentum=args.momentum, lr=lr,
            batch_size=args.batch_size, seed=args.seed, source=args.data or "",
            **logistic_settings(args),
        )
        if dataset is None:
            dataset = dataset_for(config)
        config.check_against(len(dataset))
        check_model_data(config, dataset)
    except DataError as exc:
        where = f"{args.data}: " if args.data else ""
        raise UsageError(f"{where}{exc}") from None
    except ConfigError as exc:
        raise UsageError(f"argument --{exc.field.replace('_', '-')}: {exc.reason}") from None
    return config, dataset


def with_window_defaults(config: LabConfig, dataset: Dataset, batch_size: int | None) -> LabConfig:
    """The window starts a preset with its suggested batch size (unless ``batch_size`` was
    given), as choosing the preset in the window does."""
    from gradlab.core.data import PRESET_INFO

    info = PRESET_INFO.get(config.preset)
    if batch_size is None and info is not None and info.suggested_batch is not None:
        batch = min(info.suggested_batch, len(dataset))
        return config.replace(batch_size=None if batch >= len(dataset) else batch)
    return config


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
    g.add_argument("--stability", action="store_true",
                   help="print the Hessian of the reduced loss, its eigenvalues and the "
                        "learning-rate limit 2/λ_max")
    g.add_argument("--session", metavar="FILE", help="resume from a saved session")
    g.add_argument("--save-session", metavar="FILE", help="save the session after the steps")
    g.add_argument("--export-code", metavar="FILE",
                   help="write the plain PyTorch script that reproduces the run")
    g.add_argument("--compare", action="append", metavar="KEY=VALUE,...",
                   help="also run the main run's settings with these changed, side by side "
                        "(e.g. reduction=sum,lr=0.0025; lr may be lr/N, lr/B or 0.98*limit); "
                        "up to three times")
    g = parser.add_argument_group("inside one step")
    g.add_argument("--phases", action="store_true",
                   help="print the next step phase by phase: forward, per-sample losses, reduce, "
                        "backward, update")
    g.add_argument("--per-sample-grads", action="store_true",
                   help="add each sample's own gradient (torch.func.vmap) to every step")
    g.add_argument("--jacobian", action="store_true",
                   help="print the Jacobian J of the per-sample losses, v and vᵀJ")
    g.add_argument("--jacobian-v", type=parse_jacobian_v, metavar="sum|mean|weights|V1,V2,...",
                   help="the v of --jacobian (default: the reduction's; all 1 for none)")
    return parser


def _training_dests() -> set[str]:
    probe = argparse.ArgumentParser(add_help=False)
    add_training_arguments(probe)
    add_split_arguments(probe)
    return {a.dest for a in probe._actions}


def given_training_options(argv: list[str]) -> set[str]:
    """The training options the user actually typed (argparse alone cannot tell a default)."""
    dests = _training_dests()
    parser = build_parser()
    for action in parser._actions:
        if action.dest in dests:
            action.default = argparse.SUPPRESS  # absent from the namespace unless typed
    return set(vars(parser.parse_args(argv))) & dests


def _trace(trainer: Trainer, steps: int, as_json: bool, out: TextIO, err: TextIO,
           per_sample: bool = False) -> tuple[int, list[HistoryChunk]]:
    """Take ``steps`` steps, printing each; returns (exit status, history of the steps taken).
    A split trainer's steps carry their micro-batches or workers and the one-backward check."""
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
            print(f"diverged at step {record.step}: {record.diverged}{predicted(trainer)} — "
                  f"lower the learning rate (lr = {trainer.config.lr:g})", file=err)
            return EXIT_DIVERGED, history
        history.append(HistoryChunk.from_record(record))
        line = (detail or record).to_json_dict()
        if per_sample:
            line.update(per_sample_rows_json(trainer, record))
        if as_json:
            print(json.dumps(line), file=out)
            continue
        print(f"step {record.step}: loss {fmt(record.loss)}  grad_w {fmt(record.grad_w)}  "
              f"grad_b {fmt(record.grad_b)}  ->  w {fmt(record.w_after)}  "
              f"b {fmt(record.b_after)}"
              + (f"  (÷ {fmt(record.denominator)})"
                 if record.model == "logistic" and record.denominator is not None else ""),
              file=out)
        if record.note is not None:
            print(f"  {record.note}", file=out)
        if detail is not None:
            c = detail.comparison
            verdict = "the same gradient" if c.matches else f"differs: {c.reason}"
            print(f"  one backward over the batch: grad_w {fmt(c.full_grad_w)}  "
                  f"grad_b {fmt(c.full_grad_b)}  ({verdict})", file=out)
        if per_sample:
            from gradlab.core.phases import vector_text

            print(f"  per-sample grad_w {vector_text(line['per_sample_grad_w'])}  "
                  f"grad_b {vector_text(line['per_sample_grad_b'])}", file=out)
    return EXIT_OK, history


def _robust_streams() -> None:
    """A console that cannot show 'ŷ' or '∂' gets an escape, not a UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # pragma: no cover - a closed or odd stream
                pass


def _setup(args: argparse.Namespace, argv: list[str]
           ) -> tuple[Session | None, LabConfig, Dataset, object, Comparison | None]:
    """(session, config, dataset, split, comparison) the arguments describe; UsageError else."""
    if args.steps is not None and args.steps < 0:
        raise UsageError(f"argument --steps: must be >= 0, got {args.steps}")
    check_output("--save-session", args.save_session)
    check_output("--export-code", args.export_code)
    if args.session and args.compare:
        raise UsageError("argument --compare: cannot be combined with --session (a session "
                         "carries its own compared runs)")
    session = None
    if args.session:
        session = load_session_args(args, given_training_options(argv))
        config, dataset, split = session.config, session.dataset, session.split
    else:
        config, dataset = config_and_data_from_args(args)
        split = split_from_args(args, config, len(dataset))
        args.lr_changed = False
    check_not_yet(args, config.model)
    if args.compare and split is not None and split.active:
        raise UsageError("argument --compare: cannot be combined with --micro-batches, "
                         "--micro-sizes or --workers")
    comparison = comparison_from_args(args, session, config, dataset)
    check_jacobian_v(args, config, len(dataset))
    return session, config, dataset, split, comparison


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _robust_streams()
    try:
        args = build_parser().parse_args(argv)
        session, config, dataset, split, comparison = _setup(args, argv)
    except UsageError as exc:
        print(f"gradlab: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    from gradlab.core.distributed import WorkerGroupError

    trainer = None
    try:
        trainer = comparison.main.trainer if comparison is not None \
            else make_trainer(config, dataset, split)
        return _run(args, trainer, session, comparison)
    except UsageError as exc:
        print(f"gradlab: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except WorkerGroupError as exc:
        print(f"gradlab: error: {exc}", file=sys.stderr)
        return EXIT_WORKERS
    finally:
        close_trainer(trainer)  # every worker process ends before the trace does


def _run(args: argparse.Namespace, trainer: Trainer, session: Session | None,
         comparison: Comparison | None) -> int:
    """Resume (if a session), trace, look inside the next step, and write the outputs."""
    earlier = []
    if session is not None:
        if args.export_code:
            check_replayable(session, args.lr_changed, trainer)
        if comparison is None:
            trainer.load_state_dict(copy.deepcopy(dict(session.state)))
        earlier = [session.history] if session.history is not None else []
    looks_inside = args.explain or args.stability or args.phases or args.jacobian
    steps = args.steps if args.steps is not None else (0 if looks_inside else 1)
    if not args.json and trainer.config.model == "logistic":
        from gradlab.core.data import SEPARABLE_NOTE, is_separable

        if is_separable(trainer.dataset):
            print(SEPARABLE_NOTE, file=sys.stdout)
    if comparison is not None:
        code, history = compare_trace(comparison, steps, args.json, sys.stdout, sys.stderr)
    else:
        code, history = _trace(trainer, steps, args.json, sys.stdout, sys.stderr,
                               per_sample=args.per_sample_grads)
    if code != EXIT_OK:
        return code
    codes = []
    if args.explain:
        codes.append(explain(trainer, args.json, sys.stdout))
    if args.stability:
        codes.append(print_stability(trainer, args.json, sys.stdout))
    if args.phases:
        codes.append(print_phases(trainer, args.json, sys.stdout))
    if args.jacobian:
        codes.append(print_jacobian(trainer, args.jacobian_v, args.json, sys.stdout))
    code = next((c for c in codes if c != EXIT_OK), EXIT_OK)
    if code != EXIT_OK:
        return code
    return write_outputs(args, trainer, HistoryChunk.concat(earlier + history), comparison)
