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
- ``--stability`` prints the Hessian of the reduced loss over (w, b), λ_min, λ_max and the
  learning-rate limit 2/λ_max (2(1+μ)/λ_max with momentum) for the current settings, and the
  prediction when lr is above it; with ``--json`` one object ``{"hessian", "lambda_min",
  "lambda_max", "lr_limit", ...}`` (``lr_limit`` null where no fixed limit applies).
- ``--compare "reduction=sum,lr=0.0025"`` (up to three times) runs the main run's settings with
  those changed side by side, from the same start on the same data: per step one JSON object
  ``{"step": k, "runs": [{"label": ..., <the step fields>}, ...]}`` (the main run first), or a
  block of lines. A run that diverges stops (``{"label", "diverged", "diverged_at"}`` from then
  on) and the others go on; the exit status is then 3. Sessions and exported code keep every run.
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
import dataclasses
import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from gradlab.core.config import LOSSES, OPTIMIZERS, PRESETS, REDUCTIONS, ConfigError, LabConfig
from gradlab.core.data import DataError, Dataset, dataset_for, read_csv
from gradlab.core.records import HistoryChunk

if TYPE_CHECKING:
    from gradlab.core.compare import Comparison, RunStep
    from gradlab.core.records import StepRecord
    from gradlab.core.session import Session
    from gradlab.core.trainer import Trainer

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


def _jacobian_v(text: str) -> str | tuple[float, ...]:
    if text in ("sum", "mean", "weights"):
        return text
    try:
        return _weights(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not sum, mean, weights or a list of numbers such as 1,0,0,0") from None


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


def with_window_defaults(config: LabConfig, dataset: Dataset, batch_size: int | None) -> LabConfig:
    """The window starts a preset with its suggested batch size (unless ``batch_size`` was
    given), as choosing the preset in the window does."""
    from gradlab.core.data import PRESET_INFO

    info = PRESET_INFO.get(config.preset)
    if batch_size is None and info is not None and info.suggested_batch is not None:
        batch = min(info.suggested_batch, len(dataset))
        return config.replace(batch_size=None if batch >= len(dataset) else batch)
    return config


#: Training options a session may override (everything else it carries itself).
SESSION_OVERRIDABLE = frozenset({"lr", "steps"})


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gradlab --headless",
                     description="Train without a window; print a trace.")
    parser.add_argument("--headless", action="store_true", help="run without a window")
    parser.add_argument("--json", action="store_true", help="one JSON object per step")
    add_training_arguments(parser)
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
    g.add_argument("--jacobian-v", type=_jacobian_v, metavar="sum|mean|weights|V1,V2,...",
                   help="the v of --jacobian (default: the reduction's; all 1 for none)")
    return parser


def _training_dests() -> set[str]:
    probe = argparse.ArgumentParser(add_help=False)
    add_training_arguments(probe)
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


def _trace(trainer: Trainer, steps: int, as_json: bool, out: TextIO, err: TextIO,
           per_sample: bool = False) -> tuple[int, list[HistoryChunk]]:
    """Take ``steps`` steps, printing each; returns (exit status, history of the steps taken)."""
    from gradlab.core.trainer import NoReductionError

    history: list[HistoryChunk] = []
    for _ in range(steps):
        try:
            record = trainer.step()
        except NoReductionError as exc:
            print(f"PyTorch: RuntimeError: {exc.torch_message}", file=err)
            print(exc.explanation, file=err)
            return EXIT_NO_REDUCTION, history
        if record.diverged:
            print(f"diverged at step {record.step}: {record.diverged}{_predicted(trainer)} — "
                  f"lower the learning rate (lr = {trainer.config.lr:g})", file=err)
            return EXIT_DIVERGED, history
        history.append(HistoryChunk.from_record(record))
        line = record.to_json_dict()
        if per_sample:
            line.update(_per_sample_rows(trainer, record))
        if as_json:
            print(json.dumps(line), file=out)
            continue
        print(f"step {record.step}: loss {_fmt(record.loss)}  grad_w {_fmt(record.grad_w)}  "
              f"grad_b {_fmt(record.grad_b)}  ->  w {_fmt(record.w_after)}  "
              f"b {_fmt(record.b_after)}", file=out)
        if per_sample:
            from gradlab.core.phases import vector_text

            print(f"  per-sample grad_w {vector_text(line['per_sample_grad_w'])}  "
                  f"grad_b {vector_text(line['per_sample_grad_b'])}", file=out)
    return EXIT_OK, history


def _per_sample_rows(trainer: Trainer, record: StepRecord) -> dict[str, list[float]]:
    """The step's per-sample gradients (at the parameters before it), in batch order."""
    from gradlab.core.persample import per_sample_rows

    gw, gb = per_sample_rows(trainer.dataset.x, trainer.dataset.y, record.batch,
                             record.w_before, record.b_before, record.loss_name)
    return {"per_sample_grad_w": gw.tolist(), "per_sample_grad_b": gb.tolist()}


def _predicted(trainer: Trainer) -> str:
    """", as predicted (lr 0.05 > 2/λ_max = 0.0299 under sum: ...)" when the limit foresaw it."""
    from gradlab.core.stability import prediction, stability

    said = prediction(stability(trainer.config, trainer.dataset, trainer.epoch), trainer.config.lr)
    return "" if said is None else f", as predicted ({said})"


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


def _stability(trainer: Trainer, as_json: bool, out: TextIO) -> int:
    """The learning-rate limit for the current settings (with minibatches: over the batches of
    the current epoch)."""
    from gradlab.core.stability import KIND_NONE, prediction, stability

    cfg = trainer.config
    s = stability(cfg, trainer.dataset, epoch=trainer.epoch)
    said = prediction(s, cfg.lr)
    if as_json:
        print(json.dumps({**s.to_json_dict(), "lr": cfg.lr,
                          "prediction": None if said is None else str(said)}), file=out)
    else:
        (a, b), (c, d) = s.hessian
        where = (f"the steepest of the epoch's {s.batches} batches of {s.batch_size}"
                 if s.per_batch else f"all {s.batch_size} samples")
        print(f"Hessian of the {cfg.reduction} {cfg.loss} loss over (w, b), {where}:", file=out)
        print(f"  [[{_fmt(a)}, {_fmt(b)}],\n   [{_fmt(c)}, {_fmt(d)}]]", file=out)
        print(f"λ_min = {_fmt(s.lambda_min)}, λ_max = {_fmt(s.lambda_max)}", file=out)
        if s.lr_limit is None:
            print("lr limit: none", file=out)
        else:
            formula = "2/λ_max" if s.momentum == 0 else "2(1+μ)/λ_max"
            print(f"lr limit {formula} = {_fmt(s.lr_limit)}", file=out)
        print(s.explanation, file=out)
        if said is not None:
            print(said, file=out)
    return EXIT_NO_REDUCTION if s.kind == KIND_NONE else EXIT_OK


def _phases(trainer: Trainer, as_json: bool, out: TextIO) -> int:
    from gradlab.core.phases import format_phases, step_phases

    sp = step_phases(trainer)
    if as_json:
        print(json.dumps(sp.to_json_dict()), file=out)
    else:
        print(format_phases(sp), file=out)
    return EXIT_NO_REDUCTION if sp.error is not None else EXIT_OK


def _default_v(reduction: str) -> str:
    """The v that the reduction's own backward sends: 'none' has none, so all 1 (what PyTorch
    would start from for a one-element loss)."""
    return {"mean": "mean", "sum": "sum", "weighted": "weights"}.get(reduction, "sum")


def _check_jacobian_v(args: argparse.Namespace, config: LabConfig, n_samples: int) -> None:
    v = args.jacobian_v
    if v is None:
        return
    if not args.jacobian:
        raise UsageError("argument --jacobian-v: only with --jacobian")
    batch = config.effective_batch_size(n_samples)
    if not isinstance(v, str) and len(v) != batch:
        raise UsageError(f"argument --jacobian-v: needs one entry per batch sample: the batch has "
                         f"{batch} samples, {len(v)} given")


def _jacobian(trainer: Trainer, v: str | tuple[float, ...] | None, as_json: bool,
              out: TextIO) -> int:
    from gradlab.core.jacobian import format_jacobian, jacobian_vjp

    cfg, data = trainer.config, trainer.dataset
    w, b = trainer.params
    jv = jacobian_vjp(data.x, data.y, trainer.next_batch_indices(), w, b, cfg.loss,
                      v=_default_v(cfg.reduction) if v is None else v, weights=cfg.weights)
    if as_json:
        print(json.dumps({"jacobian": jv.to_json_dict()}), file=out)
    else:
        print(format_jacobian(jv), file=out)
    return EXIT_OK


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
        if args.lr is not None and args.lr != session.config.lr:
            session = dataclasses.replace(session, config=session.config.replace(lr=args.lr))
    except SessionError as exc:
        raise UsageError(f"argument --session: {args.session}: {exc}") from None
    except ConfigError as exc:
        raise UsageError(f"argument --{exc.field}: {exc.reason}") from None
    if args.export_code:
        _check_replayable(session, lr_changed=args.lr is not None and args.lr != session.config.lr)
    return session


def _check_replayable(session: Session, lr_changed: bool) -> None:
    """A script replays a run from its start; refuse a session that its settings do not explain."""
    from gradlab.core.trainer import Trainer

    runs = [(session.config, session.state), *((r.config, r.state) for r in session.compare)]
    replayed = 0
    for config, state in runs if not lr_changed else ():
        replay = Trainer(config, session.dataset)
        if state["step"]:
            replay.run(state["step"])
        replayed += json.dumps(replay.state_dict()) == json.dumps(dict(state))
    if replayed == len(runs):
        return
    raise UsageError(
        "argument --export-code: this session cannot be replayed from its settings (they or the "
        "parameters changed during the run); export the code from a fresh run instead"
    )


def _write_outputs(args: argparse.Namespace, trainer: Trainer, history: HistoryChunk,
                   comparison: Comparison | None = None) -> int:
    from gradlab.core.codegen import generate_comparison_script, generate_script
    from gradlab.core.session import SessionError, save_session

    others = comparison.runs[1:] if comparison is not None else []
    if args.save_session:
        try:
            save_session(args.save_session, trainer.config, trainer.dataset, trainer.state_dict(),
                         history, [run.saved() for run in others])
        except SessionError as exc:
            print(f"gradlab: error: argument --save-session: {exc}", file=sys.stderr)
            return EXIT_USAGE
    if args.export_code:
        if comparison is None:
            script = generate_script(trainer.config, trainer.dataset, trainer.step_count)
        else:  # a run that diverged stops at its last finite step, as the lab does
            script = generate_comparison_script(
                [(run.label, run.config, run.trainer.step_count - (run.diverged is not None))
                 for run in comparison.runs], trainer.dataset)
        try:
            with open(args.export_code, "w", encoding="utf-8", newline="\n") as f:
                f.write(script)
        except OSError as exc:
            print(f"gradlab: error: argument --export-code: cannot write {args.export_code}: "
                  f"{exc.strerror or exc}", file=sys.stderr)
            return EXIT_USAGE
    return EXIT_OK


def _comparison(args: argparse.Namespace, session: Session | None,
                config: LabConfig | None, dataset: Dataset | None) -> Comparison | None:
    """The runs side by side that ``--compare`` (or the session) asks for; UsageError otherwise."""
    if not args.compare and (session is None or not session.compare):
        return None
    from gradlab.core.compare import MAX_RUNS, Comparison, from_session, parse_overrides

    if session is not None:
        return from_session(session)
    if len(args.compare) > MAX_RUNS - 1:
        raise UsageError(f"argument --compare: at most {MAX_RUNS - 1} runs beside the main one, "
                         f"got {len(args.compare)}")
    assert config is not None and dataset is not None
    try:
        return Comparison(config, dataset, [parse_overrides(text) for text in args.compare])
    except ConfigError as exc:
        raise UsageError(f"argument --compare: {exc}") from None


def _run_text(r: RunStep) -> str:
    rec = r.record
    if rec is None or rec.diverged is not None:
        return f"{r.label}: diverged at step {r.diverged_at}: {r.diverged} (stopped)"
    return (f"{r.label}: loss {_fmt(rec.loss)}  grad_w {_fmt(rec.grad_w)}  "
            f"grad_b {_fmt(rec.grad_b)}  ->  w {_fmt(rec.w_after)}  b {_fmt(rec.b_after)}")


def _compare_trace(comparison: Comparison, steps: int, as_json: bool, out: TextIO, err: TextIO
                   ) -> tuple[int, list[HistoryChunk]]:
    """Step every run in lockstep, printing one JSON object (or a block of lines) per step; a run
    that diverges stops and says so, the others go on. Returns (exit status: 3 if any run
    diverged, the main run's history)."""
    from gradlab.core.trainer import NoReductionError

    history: list[HistoryChunk] = []
    for _ in range(steps):
        if not comparison.active:
            break
        try:
            results = comparison.step()
        except NoReductionError as exc:
            print(f"PyTorch: RuntimeError: {exc.torch_message}", file=err)
            print(exc.explanation, file=err)
            return EXIT_NO_REDUCTION, history
        k = max(r.record.step for r in results if r.record is not None)
        for r in results:
            if r.record is not None and r.record.diverged is not None:
                print(f"run {r.index + 1} ({r.label}) diverged at step {k}: {r.diverged}"
                      f"{_predicted(comparison.runs[r.index].trainer)} — it stops, the others "
                      "go on", file=err)
        if results[0].record is not None and results[0].record.diverged is None:
            history.append(HistoryChunk.from_record(results[0].record))
        if as_json:
            print(json.dumps({"step": k, "runs": [r.to_json_dict() for r in results]}), file=out)
        else:
            print(f"step {k}:\n" + "\n".join("  " + _run_text(r) for r in results), file=out)
    diverged = any(run.diverged is not None for run in comparison.runs)
    return (EXIT_DIVERGED if diverged else EXIT_OK), history


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
    session = config = dataset = None
    try:
        args = build_parser().parse_args(argv)
        if args.steps is not None and args.steps < 0:
            raise UsageError(f"argument --steps: must be >= 0, got {args.steps}")
        _check_output("--save-session", args.save_session)
        _check_output("--export-code", args.export_code)
        if args.session and args.compare:
            raise UsageError("argument --compare: cannot be combined with --session (a session "
                             "carries its own compared runs)")
        if args.session:
            session = _load_session(args, argv)
        else:
            config, dataset = config_and_data_from_args(args)
        comparison = _comparison(args, session, config, dataset)
        if session is not None:
            _check_jacobian_v(args, session.config, len(session.dataset))
        else:
            _check_jacobian_v(args, config, len(dataset))
    except UsageError as exc:
        print(f"gradlab: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    from gradlab.core.trainer import Trainer

    earlier = [session.history] if session is not None and session.history is not None else []
    if comparison is not None:
        trainer = comparison.main.trainer
    elif session is not None:
        trainer = session.make_trainer()
    else:
        trainer = Trainer(config, dataset)
    looks_inside = args.explain or args.stability or args.phases or args.jacobian
    steps = args.steps if args.steps is not None else (0 if looks_inside else 1)
    if comparison is not None:
        code, history = _compare_trace(comparison, steps, args.json, sys.stdout, sys.stderr)
    else:
        code, history = _trace(trainer, steps, args.json, sys.stdout, sys.stderr,
                               per_sample=args.per_sample_grads)
    if code != EXIT_OK:
        return code
    codes = []
    if args.explain:
        codes.append(_explain(trainer, args.json, sys.stdout))
    if args.stability:
        codes.append(_stability(trainer, args.json, sys.stdout))
    if args.phases:
        codes.append(_phases(trainer, args.json, sys.stdout))
    if args.jacobian:
        codes.append(_jacobian(trainer, args.jacobian_v, args.json, sys.stdout))
    code = next((c for c in codes if c != EXIT_OK), EXIT_OK)
    if code != EXIT_OK:
        return code
    return _write_outputs(args, trainer, HistoryChunk.concat(earlier + history), comparison)
