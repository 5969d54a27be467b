"""Sessions and code from the command line: resuming a session (``--session``), and what a
successful run writes (``--save-session``, ``--export-code``)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from typing import TYPE_CHECKING

from gradlab.cli.common import EXIT_OK, EXIT_USAGE, UsageError
from gradlab.cli.split import make_trainer
from gradlab.core.config import ConfigError
from gradlab.core.splitting import SplitSettings

if TYPE_CHECKING:
    from gradlab.core.compare import Comparison
    from gradlab.core.records import HistoryChunk
    from gradlab.core.session import Session
    from gradlab.core.trainer import Trainer

#: Training options a session may override (everything else it carries itself).
SESSION_OVERRIDABLE = frozenset({"lr", "steps"})


def load_session_args(args: argparse.Namespace, given: set[str]) -> Session:
    """The session to resume, with the allowed overrides applied (``given``: the training
    options typed); UsageError otherwise. Sets ``args.lr_changed``."""
    from gradlab.core.session import SessionError, load_session

    refused = sorted(given - SESSION_OVERRIDABLE)
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


def check_replayable(session: Session, lr_changed: bool, trainer: Trainer) -> None:
    """A script replays a run from its start; refuse a session that its settings do not explain
    (the main run with its split, and every compared run)."""
    from gradlab.core.trainer import Trainer

    if not lr_changed:
        replays = [(make_trainer(session.config, session.dataset, session.split, like=trainer),
                    session.state)]
        replays += [(Trainer(r.config, session.dataset), r.state) for r in session.compare]
        agree = 0
        for replay, state in replays:
            if state["step"]:
                replay.run(state["step"])
            agree += json.dumps(replay.state_dict()) == json.dumps(dict(state))
        if agree == len(replays):
            return
    raise UsageError(
        "argument --export-code: this session cannot be replayed from its settings (they or the "
        "parameters changed during the run); export the code from a fresh run instead"
    )


def write_outputs(args: argparse.Namespace, trainer: Trainer, history: HistoryChunk,
                  comparison: Comparison | None = None) -> int:
    from gradlab.core.session import SessionError, save_session

    split = getattr(trainer, "split", None)
    others = comparison.runs[1:] if comparison is not None else []
    if args.save_session:
        try:
            save_session(args.save_session, trainer.config, trainer.dataset, trainer.state_dict(),
                         history, compare=[run.saved() for run in others], split=split)
        except SessionError as exc:
            print(f"gradlab: error: argument --save-session: {exc}", file=sys.stderr)
            return EXIT_USAGE
    if args.export_code:
        try:
            with open(args.export_code, "w", encoding="utf-8", newline="\n") as f:
                f.write(_script(trainer, comparison, split))
        except OSError as exc:
            print(f"gradlab: error: argument --export-code: cannot write {args.export_code}: "
                  f"{exc.strerror or exc}", file=sys.stderr)
            return EXIT_USAGE
    return EXIT_OK


def _script(trainer: Trainer, comparison: Comparison | None,
            split: SplitSettings | None) -> str:
    from gradlab.core.codegen import generate_comparison_script
    from gradlab.core.codegen_split import generate_split_script

    if comparison is None:
        return generate_split_script(trainer.config, trainer.dataset, trainer.step_count,
                                     split or SplitSettings())
    # a run that diverged stops at its last finite step, as the lab does
    return generate_comparison_script(
        [(run.label, run.config, run.trainer.step_count - (run.diverged is not None))
         for run in comparison.runs], trainer.dataset)
