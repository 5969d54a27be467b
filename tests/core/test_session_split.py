"""Sessions keep the split settings (and a forgotten zero_grad()'s .grad); old files still load."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gradlab.core.accumulate import AccumulatingTrainer
from gradlab.core.config import LabConfig
from gradlab.core.data import Dataset
from gradlab.core.session import SessionError, parse_session, session_dict
from gradlab.core.splitting import SplitSettings
from gradlab.core.trainer import Trainer

SEED = Dataset(np.array([1.0, 2.0, 3.0, 4.0]), np.array([2.0, 4.0, 6.0, 8.0]), "seed")


def test_split_and_carried_grad_round_trip_and_resume_exactly():
    split = SplitSettings(micro_sizes=(1, 3), accum_scale="n/N", forget_zero_grad=True)
    t = AccumulatingTrainer(LabConfig(), SEED, split)
    t.run(2)
    doc = session_dict(t.config, t.dataset, t.state_dict(), split=split)
    assert doc["split"]["micro_sizes"] == [1, 3] and len(doc["state"]["grad"]) == 2
    session = parse_session(json.dumps(doc))
    assert session.split == split
    resumed = session.make_trainer()
    assert isinstance(resumed, AccumulatingTrainer)
    assert resumed.carried_grad() == t.carried_grad() != (0.0, 0.0)
    assert resumed.step_split().record.w_after == t.step_split().record.w_after


def test_a_session_without_split_loads_as_before():
    t = Trainer(LabConfig(), SEED)
    t.run(1)
    doc = session_dict(t.config, t.dataset, t.state_dict())
    assert "split" not in doc
    session = parse_session(json.dumps(doc))
    assert session.split is None and type(session.make_trainer()) is Trainer


@pytest.mark.parametrize("split, field", [
    ({"micro_sizes": [1, 2]}, "split.micro_sizes"),
    ({"workers": 9}, "split.workers"),
    ({"accum_scale": "1/3", "micro_batches": 2}, "split.accum_scale"),
    ({"colour": "red"}, "split.colour"),
    ("many", "split"),
])
def test_a_bad_split_is_named(split, field):
    t = Trainer(LabConfig(), SEED)
    doc = session_dict(t.config, t.dataset, t.state_dict())
    doc["split"] = split
    with pytest.raises(SessionError) as info:
        parse_session(json.dumps(doc))
    assert info.value.field == field


def test_a_carried_grad_without_forgetting_zero_grad_is_refused():
    t = Trainer(LabConfig(), SEED)
    doc = session_dict(t.config, t.dataset, t.state_dict())
    doc["state"]["grad"] = [1.0, 2.0]
    with pytest.raises(SessionError) as info:
        parse_session(json.dumps(doc))
    assert info.value.field == "state.grad"
