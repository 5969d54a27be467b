"""Splitting each step's batch from the command line: micro-batches with gradient
accumulation, or DDP worker processes (``--micro-batches``, ``--workers``, ...)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from gradlab.cli.common import UsageError, parse_int, parse_sizes
from gradlab.core.config import ConfigError
from gradlab.core.splitting import ACCUM_SCALES, DDP_LOSS_SCALES, SplitSettings

if TYPE_CHECKING:
    from gradlab.core.config import LabConfig
    from gradlab.core.data import Dataset
    from gradlab.core.trainer import Trainer


def add_split_arguments(parser: argparse.ArgumentParser) -> None:
    """How each step's batch is split: micro-batches with accumulation, or DDP workers."""
    g = parser.add_argument_group("batches and workers")
    micro = g.add_mutually_exclusive_group()
    micro.add_argument("--micro-batches", type=parse_int, metavar="K",
                       help="accumulate each step over K micro-batches of (nearly) equal size")
    micro.add_argument("--micro-sizes", type=parse_sizes, metavar="A,B,...",
                       help="accumulate each step over micro-batches of these sizes")
    g.add_argument("--accum-scale", choices=ACCUM_SCALES,
                   help="scale each micro-batch's loss by none, 1/K or n_i/n (default 1/K)")
    g.add_argument("--forget-zero-grad", action="store_true",
                   help="never call zero_grad(): .grad carries over from step to step")
    g.add_argument("--workers", type=parse_int, metavar="W",
                   help="compute each step in W DDP worker processes (1 to 4)")
    g.add_argument("--shard-sizes", type=parse_sizes, metavar="A,B,...",
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


def make_trainer(config: LabConfig, dataset: Dataset, split: SplitSettings | None,
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


def close_trainer(trainer: Trainer | None) -> None:
    close = getattr(trainer, "close", None)
    if close is not None:
        close()
