"""Looking inside a step from the command line: the chain rule (``--explain``), the stability
limit (``--stability``), the phases (``--phases``), the Jacobian (``--jacobian``) and the
per-sample gradients (``--per-sample-grads``)."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, TextIO

from gradlab.cli.common import EXIT_NO_REDUCTION, EXIT_OK, UsageError, fmt

if TYPE_CHECKING:
    from gradlab.core.config import LabConfig
    from gradlab.core.records import StepRecord
    from gradlab.core.trainer import Trainer


def per_sample_rows_json(trainer: Trainer, record: StepRecord) -> dict[str, list[float]]:
    """The step's per-sample gradients (at the parameters before it), in batch order."""
    if trainer.config.model == "logistic":
        from gradlab.core.logistic_explain import logistic_per_sample_rows

        gw, gb = logistic_per_sample_rows(trainer.dataset.x, trainer.dataset.y, record.batch,
                                          record.w_before, record.b_before, trainer.config)
        return {"per_sample_grad_w": gw.tolist(), "per_sample_grad_b": gb.tolist()}
    from gradlab.core.persample import per_sample_rows

    gw, gb = per_sample_rows(trainer.dataset.x, trainer.dataset.y, record.batch,
                             record.w_before, record.b_before, record.loss_name)
    return {"per_sample_grad_w": gw.tolist(), "per_sample_grad_b": gb.tolist()}


def predicted(trainer: Trainer) -> str:
    """", as predicted (lr 0.05 > 2/λ_max = 0.0299 under sum: ...)" when the limit foresaw it."""
    from gradlab.core.stability import prediction, stability

    said = prediction(stability(trainer.config, trainer.dataset, trainer.epoch), trainer.config.lr)
    return "" if said is None else f", as predicted ({said})"


def explain(trainer: Trainer, as_json: bool, out: TextIO) -> int:
    from gradlab.core.explain import chain_rule, format_chain_rule

    cfg, data = trainer.config, trainer.dataset
    w, b = trainer.params
    if cfg.model == "logistic":
        from gradlab.core.logistic_explain import format_logistic_chain_rule, logistic_chain_rule

        lcr = logistic_chain_rule(data.x, data.y, trainer.next_batch_indices(), w, b, cfg)
        print(json.dumps({"explain": lcr.to_json_dict()}) if as_json
              else format_logistic_chain_rule(lcr, cfg), file=out)
        return EXIT_NO_REDUCTION if lcr.rule.weight is None else EXIT_OK
    cr = chain_rule(data.x, data.y, trainer.next_batch_indices(), w, b, cfg.loss, cfg.reduction,
                    weights=None if cfg.weights is None else list(cfg.weights), lr=cfg.lr)
    if as_json:
        print(json.dumps({"explain": cr.to_json_dict()}), file=out)
    else:
        print(format_chain_rule(cr, optimizer=cfg.optimizer), file=out)
    return EXIT_NO_REDUCTION if cfg.reduction == "none" else EXIT_OK


def print_stability(trainer: Trainer, as_json: bool, out: TextIO) -> int:
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
        print(f"  [[{fmt(a)}, {fmt(b)}],\n   [{fmt(c)}, {fmt(d)}]]", file=out)
        print(f"λ_min = {fmt(s.lambda_min)}, λ_max = {fmt(s.lambda_max)}", file=out)
        if s.lr_limit is None:
            print("lr limit: none", file=out)
        else:
            formula = "2/λ_max" if s.momentum == 0 else "2(1+μ)/λ_max"
            print(f"lr limit {formula} = {fmt(s.lr_limit)}", file=out)
        print(s.explanation, file=out)
        if said is not None:
            print(said, file=out)
    return EXIT_NO_REDUCTION if s.kind == KIND_NONE else EXIT_OK


def print_phases(trainer: Trainer, as_json: bool, out: TextIO) -> int:
    from gradlab.core.phases import format_phases, step_phases

    sp = step_phases(trainer)
    if as_json:
        print(json.dumps(sp.to_json_dict()), file=out)
    else:
        print(format_phases(sp), file=out)
    return EXIT_NO_REDUCTION if sp.error is not None else EXIT_OK


def default_v(reduction: str) -> str:
    """The v that the reduction's own backward sends: 'none' has none, so all 1 (what PyTorch
    would start from for a one-element loss)."""
    return {"mean": "mean", "sum": "sum", "weighted": "weights"}.get(reduction, "sum")


def check_jacobian_v(args: argparse.Namespace, config: LabConfig, n_samples: int) -> None:
    v = args.jacobian_v
    if v is None:
        return
    if not args.jacobian:
        raise UsageError("argument --jacobian-v: only with --jacobian")
    batch = config.effective_batch_size(n_samples)
    if not isinstance(v, str) and len(v) != batch:
        raise UsageError(f"argument --jacobian-v: needs one entry per batch sample: the batch has "
                         f"{batch} samples, {len(v)} given")


def print_jacobian(trainer: Trainer, v: str | tuple[float, ...] | None, as_json: bool,
              out: TextIO) -> int:
    from gradlab.core.jacobian import format_jacobian, jacobian_vjp

    cfg, data = trainer.config, trainer.dataset
    w, b = trainer.params
    jv = jacobian_vjp(data.x, data.y, trainer.next_batch_indices(), w, b, cfg.loss,
                      v=default_v(cfg.reduction) if v is None else v, weights=cfg.weights)
    if as_json:
        print(json.dumps({"jacobian": jv.to_json_dict()}), file=out)
    else:
        print(format_jacobian(jv), file=out)
    return EXIT_OK
