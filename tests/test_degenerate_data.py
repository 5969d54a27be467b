"""Valid but degenerate data (all x equal, N = 1, huge or tiny magnitudes) trains, and every view
and explanation built from it is computed without a warning (warnings are errors here)."""

from __future__ import annotations

import numpy as np
import pytest

from gradlab.core.config import LOSSES, LabConfig
from gradlab.core.data import Dataset
from gradlab.core.trainer import NoReductionError, Trainer
from gradlab.views.panels import build_view, layout_for
from gradlab.views.teaching import TEACHING_PANELS, LandscapeCache, build_teaching

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


# ---- more kinds, every optimizer, minibatches, longer runs (the reliability suite) --------------

MORE = {
    **DATA,
    "x all zero": Dataset(np.zeros(6), np.arange(6.0)),
    "huge y": Dataset([1.0, 2.0, 3.0], [1e200, -1e200, 3e200]),
    "one huge sample": Dataset([-1e150], [1e150]),
    "mixed magnitudes": Dataset([1e-300, 1.0, 1e300], [1e300, 1.0, 1e-300]),
    "one spot, many points": Dataset(np.full(50, 3.5), np.full(50, -2.0)),
}


@pytest.mark.parametrize("name", MORE)
@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("batch_size", [None, 1])
def test_degenerate_data_with_every_optimizer_and_minibatches(name: str, optimizer: str,
                                                             batch_size: int | None) -> None:
    from tests.reliability import tally

    ds = MORE[name]
    config = LabConfig(preset="csv", optimizer=optimizer, lr=0.1,
                       batch_size=batch_size if batch_size is None or batch_size < len(ds)
                       else None)
    trainer = Trainer(config, ds)
    record, chunk = trainer.run(40)
    tally.tried(f"degenerate data: {name}")
    assert record is not None and np.isfinite(trainer.params).all()
    finite = np.isfinite(chunk.loss)
    if record.diverged:  # stopped at the first non-finite value, and said which
        assert "became" in str(record.diverged) and finite[:-1].all()
    else:
        assert finite.all() and len(chunk) == 40
    view = build_view(record, ds, layout_for(ds), config)
    for array in (view.bar_loss, view.contrib_w, view.contrib_b, view.point_loss):
        assert np.isfinite(np.asarray(array, dtype=float)).all()
