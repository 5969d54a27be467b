"""A step in phases gives exactly the numbers of a whole step, and leaves the trainer alone."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from gradlab.core.config import LOSSES, OPTIMIZERS, REDUCTIONS, LabConfig
from gradlab.core.data import dataset_for, make_preset
from gradlab.core.phases import PHASES, format_phases, step_phases
from gradlab.core.trainer import NoReductionError, Trainer


def seed_trainer(**changes: object) -> Trainer:
    config = LabConfig(**changes)  # type: ignore[arg-type]
    return Trainer(config, dataset_for(config))


def test_seed_phases_are_the_worked_example():
    trainer = seed_trainer()
    sp = step_phases(trainer)
    assert sp.reached == PHASES and sp.step == 1
    assert sp.pred.tolist() == [0.0, 0.0, 0.0, 0.0]
    assert sp.per_sample_loss.tolist() == [4.0, 16.0, 36.0, 64.0]
    assert sp.loss == 30.0 and sp.weight.tolist() == [0.25] * 4
    assert sp.grad_l.tolist() == [0.25] * 4
    assert sp.grad_pred.tolist() == [-1.0, -2.0, -3.0, -4.0]
    assert (sp.grad_w, sp.grad_b) == (-30.0, -10.0)
    assert (sp.w_after, sp.b_after) == pytest.approx((0.3, 0.1), abs=1e-15)
    assert sp.phase("reduce").values["call"] == "L = l.mean(); L.backward()"
    assert [p.name for p in sp.phases()] == list(PHASES)
    json.dumps(sp.to_json_dict())  # JSON-able as it is
    assert trainer.step_count == 0 and trainer.params == (0.0, 0.0)  # nothing moved
    text = format_phases(sp)
    assert "1. forward" in text and "5. update" in text and "w 0 → 0.3" in text


def test_seed_sum_and_weighted_phases():
    total = step_phases(seed_trainer(reduction="sum"))
    assert total.loss == 120.0 and total.weight.tolist() == [1.0] * 4
    assert (total.grad_w, total.grad_b) == (-120.0, -40.0)
    weighted = step_phases(seed_trainer(reduction="weighted", weights=(1.0, 0.0, 0.0, 0.0)))
    assert weighted.loss == 4.0 and weighted.weight.tolist() == [1.0, 0.0, 0.0, 0.0]
    assert (weighted.grad_w, weighted.grad_b) == (-4.0, -4.0)


def test_none_stops_at_reduce_with_pytorchs_error():
    trainer = seed_trainer(reduction="none")
    sp = step_phases(trainer)
    assert sp.reached == ("forward", "losses", "reduce")
    assert sp.error == "grad can be implicitly created only for scalar outputs"
    assert "scalar" in sp.explanation
    assert sp.phase("reduce").values["error"] == sp.error
    with pytest.raises(KeyError):
        sp.phase("backward")
    assert sp.per_sample_loss.tolist() == [4.0, 16.0, 36.0, 64.0]
    assert "PyTorch: RuntimeError: grad can be implicitly" in format_phases(sp)
    with pytest.raises(NoReductionError) as exc:
        trainer.step()
    assert exc.value.torch_message == sp.error


def _configs() -> list[tuple[str, str, str]]:
    return [(loss, red, opt) for loss in LOSSES for red in REDUCTIONS for opt in OPTIMIZERS]


@pytest.mark.parametrize(("loss", "reduction", "optimizer"), _configs())
def test_phases_equal_a_whole_step(loss, reduction, optimizer):
    """On minibatches, after two steps (momentum and Adam carry state), with weights."""
    data = make_preset("noisy-line", n=23, seed=4)
    config = LabConfig(preset="noisy-line", n_points=23, seed=4, loss=loss, reduction="mean",
                       optimizer=optimizer, lr=0.05, batch_size=7,
                       weights=tuple(np.linspace(0.1, 2.0, 23)))
    trainer = Trainer(config, data)
    trainer.run(2)
    trainer.configure(config.replace(reduction=reduction))
    before = json.dumps(trainer.state_dict())
    sp = step_phases(trainer)
    assert json.dumps(trainer.state_dict()) == before  # the real trainer did not move
    assert sp.step == 3 and sp.index.tolist() == trainer.next_batch_indices().tolist()
    if reduction == "none":
        with pytest.raises(NoReductionError) as exc:
            trainer.step()
        assert sp.reached == PHASES[:3] and sp.error == exc.value.torch_message
        return
    record = trainer.step()
    assert sp.per_sample_loss.tolist() == record.per_sample_loss.tolist()
    assert (sp.loss, sp.grad_w, sp.grad_b) == (record.loss, record.grad_w, record.grad_b)
    assert (sp.w_before, sp.b_before) == (record.w_before, record.b_before)
    assert (sp.w_after, sp.b_after) == (record.w_after, record.b_after)
    xb = data.x[record.batch]
    assert sp.pred.tolist() == (record.w_before * xb + record.b_before).tolist()
    # The gradient arriving at ŷ, summed the chain rule's way, is the step's gradient.
    assert math.isclose(float(sp.grad_pred @ xb), record.grad_w, rel_tol=1e-9, abs_tol=1e-12)
    assert math.isclose(float(sp.grad_pred.sum()), record.grad_b, rel_tol=1e-9, abs_tol=1e-12)


def test_apply_takes_the_step_and_returns_its_record():
    trainer = seed_trainer(optimizer="adam")
    twin = seed_trainer(optimizer="adam")
    sp = step_phases(trainer, apply=True)
    assert trainer.step_count == 1 and sp.record is not None
    record = twin.step()
    assert (sp.w_after, sp.b_after) == (record.w_after, record.b_after) == trainer.params
    assert step_phases(trainer).step == 2


def test_a_diverged_trainer_is_refused_like_step():
    config = LabConfig(preset="unscaled", lr=1e6)
    trainer = Trainer(config, dataset_for(config))
    record, _ = trainer.run(50)
    assert record is not None and record.diverged
    with pytest.raises(RuntimeError, match="diverged"):
        step_phases(trainer)


def test_a_diverging_step_says_so_in_the_update_phase():
    config = LabConfig(preset="unscaled", lr=1e308)
    trainer = Trainer(config, dataset_for(config))
    sp = step_phases(trainer)
    assert sp.diverged is not None and (sp.w_after, sp.b_after) == (0.0, 0.0)
    assert trainer.diverged is None
