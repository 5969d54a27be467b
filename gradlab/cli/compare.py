"""Runs side by side from the command line (``--compare``): the comparison the options or a
session describe, and its trace."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, TextIO

from gradlab.cli.common import EXIT_DIVERGED, EXIT_NO_REDUCTION, EXIT_OK, UsageError, fmt
from gradlab.cli.inside import predicted
from gradlab.core.config import ConfigError
from gradlab.core.records import HistoryChunk

if TYPE_CHECKING:
    import argparse

    from gradlab.core.compare import Comparison, RunStep
    from gradlab.core.config import LabConfig
    from gradlab.core.data import Dataset
    from gradlab.core.session import Session


def comparison_from_args(args: argparse.Namespace, session: Session | None,
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
    return (f"{r.label}: loss {fmt(rec.loss)}  grad_w {fmt(rec.grad_w)}  "
            f"grad_b {fmt(rec.grad_b)}  ->  w {fmt(rec.w_after)}  b {fmt(rec.b_after)}")


def compare_trace(comparison: Comparison, steps: int, as_json: bool, out: TextIO, err: TextIO
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
                      f"{predicted(comparison.runs[r.index].trainer)} — it stops, the others "
                      "go on", file=err)
        if results[0].record is not None and results[0].record.diverged is None:
            history.append(HistoryChunk.from_record(results[0].record))
        if as_json:
            print(json.dumps({"step": k, "runs": [r.to_json_dict() for r in results]}), file=out)
        else:
            print(f"step {k}:\n" + "\n".join("  " + _run_text(r) for r in results), file=out)
    diverged = any(run.diverged is not None for run in comparison.runs)
    return (EXIT_DIVERGED if diverged else EXIT_OK), history
