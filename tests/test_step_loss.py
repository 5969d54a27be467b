"""The status bar's "loss 30 → 20.8" (issue 15, item 6): the second number is the step's own
reduced loss at the w, b after it (views.panels.loss_after)."""

from __future__ import annotations

import pytest

from gradlab.core.config import LabConfig
from gradlab.core.data import dataset_for
from gradlab.core.trainer import Trainer
from gradlab.views.panels import build_view, layout_for, loss_after


def test_the_article_step() -> None:
    config = LabConfig()
    dataset = dataset_for(config)
    record, _ = Trainer(config, dataset).run(1)
    view = build_view(record, dataset, layout_for(dataset), config)
    assert (record.loss, view.loss_after) == (30.0, pytest.approx(20.835))


@pytest.mark.parametrize("loss", ["mse", "mae", "huber"])
@pytest.mark.parametrize("reduction", ["mean", "sum", "weighted"])
def test_full_batch_equals_the_next_steps_loss(loss: str, reduction: str) -> None:
    """With every sample in every batch, PyTorch's loss of the next step is an independent
    value of the same number."""
    weights = (0.5, 0.25, 2.0, 1.0) if reduction == "weighted" else None
    config = LabConfig(loss=loss, reduction=reduction, weights=weights)
    dataset = dataset_for(config)
    trainer = Trainer(config, dataset)
    first, _ = trainer.run(1)
    second, _ = trainer.run(1)
    assert loss_after(first, dataset, config.weights) == pytest.approx(second.loss, rel=1e-12)


def test_a_preview_has_no_loss_after() -> None:
    config = LabConfig()
    dataset = dataset_for(config)
    preview = Trainer(config, dataset).preview()
    view = build_view(preview, dataset, layout_for(dataset), config)
    assert view.loss_after != view.loss_after  # NaN: no step was taken
