"""Valid but degenerate data (all x equal, N = 1, huge or tiny magnitudes) trains, and every view
and explanation built from it is computed without a warning (warnings are errors here)."""

from __future__ import annotations

import numpy as np
import pytest

from gradlab.core.config import LOSSES, LabConfig
from gradlab.core.data import Dataset
from gradlab.core.trainer import NoReductionError, Trainer
from gradlab.ui.teaching_view import TEACHING_PANELS, LandscapeCache, build_teaching
from gradlab.ui.view import build_view, layout_for

DATA = {
    "all x equal": Dataset(np.full(5, 2.0), np.arange(5.0)),
    "one sample": Dataset([3.0], [1.0]),
    "huge": Dataset([1e150, 2e150], [1.0, 2.0]),
    "tiny": Dataset([1e-300, 2e-300], [1e-300, 0.0]),
}


@pytest.mark.parametrize("name", DATA)
@pytest.mark.parametrize("reduction", ["mean", "none", "weighted"])
@pytest.mark.parametrize("loss", LOSSES)
def test_degenerate_data_trains_and_explains(name: str, reduction: str, loss: str) -> None:
    ds = DATA[name]
    config = LabConfig(preset="csv", reduction=reduction, loss=loss)
    trainer = Trainer(config, ds)
    record = None
    for _ in range(3):
        try:
            record = trainer.step()
        except NoReductionError:
            assert reduction == "none" and len(ds) > 1  # one sample is its own scalar
            break
        if record.diverged:
            break
    if record is not None:
        view = build_view(record, ds, layout_for(ds), config)
        assert np.isfinite(view.bar_loss).all()
    w, b = trainer.params
    assert np.isfinite([w, b]).all()  # the parameters stay finite even when the run diverges
    tv = build_teaching(0, 1, ds, config, w, b, trainer.next_batch_indices(), TEACHING_PANELS,
                        LandscapeCache())
    assert tv.landscape is not None and tv.graph
    if reduction != "none" or len(ds) == 1:
        assert tv.chain_rule.error is None
