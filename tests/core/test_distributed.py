"""Data-parallel workers on a real gloo group: the issue's rows, a dead worker, no leftovers.

Process groups are slow to make, so one group of 2 serves most checks.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal

import numpy as np
import pytest

from gradlab.core.config import ConfigError, LabConfig
from gradlab.core.data import Dataset, make_preset
from gradlab.core.dataparallel import ParallelTrainer
from gradlab.core.distributed import WorkerGroup, WorkerGroupError, free_port
from gradlab.core.records import HistoryChunk
from gradlab.core.splitting import SplitSettings
from gradlab.core.trainer import Trainer

SEED = Dataset(np.array([1.0, 2.0, 3.0, 4.0]), np.array([2.0, 4.0, 6.0, 8.0]), "seed")


@pytest.fixture(scope="module")
def pair():
    with WorkerGroup(2) as group:
        yield group
    assert mp.active_children() == []


def gone(pids) -> bool:
    """No process with these ids exists any more (ended and reaped)."""
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        return False
    return True


def first_step(group, reduction="mean", **split):
    split.setdefault("workers", 2)
    t = ParallelTrainer(LabConfig(reduction=reduction), SEED, SplitSettings(**split), group)
    return t.step_split()


@pytest.mark.parametrize("reduction, split, grad, matches, factor", [
    ("mean", {}, (-30.0, -10.0), True, 1.0),
    ("mean", dict(shard_sizes=(1, 3)), (-64 / 3, -8.0), False, None),
    ("sum", {}, (-60.0, -20.0), False, 0.5),
    ("sum", dict(ddp_loss_scale="world"), (-120.0, -40.0), True, 1.0),
])
def test_table(pair, reduction, split, grad, matches, factor):
    s = first_step(pair, reduction, **split)
    assert (s.record.grad_w, s.record.grad_b) == pytest.approx(grad, rel=1e-12)
    full = (-30.0, -10.0) if reduction == "mean" else (-120.0, -40.0)
    assert (s.comparison.full_grad_w, s.comparison.full_grad_b) == full
    assert s.comparison.matches is matches
    assert s.grads_agree and s.params_agree
    if factor is None:
        assert np.isnan(s.comparison.factor)
    else:
        assert s.comparison.factor == pytest.approx(factor)


def test_each_worker_reports_its_shard_and_local_gradient(pair):
    s = first_step(pair, "sum")
    a, b = s.workers
    # shard [1, 2]: losses 4 + 16 = 20, dL/dw = -4 - 16, dL/db = -4 - 8; shard [3, 4]: 36 + 64
    assert (a.rank, a.batch.tolist(), a.loss, a.local_grad_w, a.local_grad_b) == \
        (0, [0, 1], 20.0, -20.0, -12.0)
    assert (b.rank, b.batch.tolist(), b.loss, b.local_grad_w, b.local_grad_b) == \
        (1, [2, 3], 100.0, -100.0, -28.0)
    assert (a.grad_w, a.grad_b) == (b.grad_w, b.grad_b) == (-60.0, -20.0)
    assert a.pid != b.pid and os.getpid() not in (a.pid, b.pid)
    assert s.comparison.reason.startswith("÷W") and "(-120, -40)" in s.comparison.reason
    assert s.to_json_dict()["workers"][1] == {"rank": 1, "batch": [2, 3], "loss": 100.0,
                                              "grad_w": -100.0, "grad_b": -28.0}


def test_training_matches_a_plain_trainer_with_equal_shards(pair):
    cfg = LabConfig(preset="noisy-line", batch_size=8, optimizer="momentum", lr=0.05)
    data = make_preset("noisy-line", 20, 0.5, 1)  # last batch of 4: shards 2, 2
    t = ParallelTrainer(cfg, data, SplitSettings(workers=2), pair)
    plain = Trainer(cfg, data)
    for _ in range(3):
        s, p = t.step_split(), plain.step()
        assert s.record.batch.tolist() == p.batch.tolist()  # the trainer's minibatch order
        assert s.params_agree and s.grads_agree and s.comparison.matches
    t.run(4)
    plain.run(4)
    assert t.params == pytest.approx(plain.params, rel=1e-12)


def test_shards_that_do_not_fit_are_refused(pair):
    with pytest.raises(ConfigError) as info:
        ParallelTrainer(LabConfig(), SEED, SplitSettings(shard_sizes=(1, 2)), pair)
    assert info.value.field == "shard_sizes"
    with pytest.raises(ConfigError) as info:
        ParallelTrainer(LabConfig(batch_size=3), SEED, SplitSettings(workers=2), pair)
    assert info.value.field == "workers"  # the last batch has a single sample


def test_a_killed_worker_ends_the_group_with_a_message_and_a_new_group_starts(pair):
    before = set(mp.active_children())  # the shared pair's two workers
    group = WorkerGroup(2)
    seconds = group.start()
    assert seconds > 0 and len(group.pids) == 2
    t = ParallelTrainer(LabConfig(), SEED, SplitSettings(workers=2), group)
    t.step_split()
    os.kill(group.pids[1], signal.SIGKILL)
    with pytest.raises(WorkerGroupError) as info:
        t.step_split()
    assert "worker 1" in str(info.value) and "ended" in str(info.value)
    assert not group.running and set(mp.active_children()) == before and gone(group.pids)
    with ParallelTrainer(LabConfig(), SEED, SplitSettings(workers=2)) as again:
        assert again.step_split().comparison.matches
    assert set(mp.active_children()) == before and gone(again.group.pids)


def test_a_group_of_four_starts_and_reports_its_start_time(pair, record_property):
    before = set(mp.active_children())
    with WorkerGroup(4) as group:
        assert len(set(group.pids)) == 4
        record_property("ddp_start_s_w4", group.start_seconds)
        print(f"group of 4 ready in {group.start_seconds:.3f} s ({group.start_method})")
        t = ParallelTrainer(LabConfig(), SEED, SplitSettings(workers=4), group)
        s = t.step_split()
        assert [w.batch.tolist() for w in s.workers] == [[0], [1], [2], [3]]
        assert s.comparison.matches and s.grads_agree
    assert set(mp.active_children()) == before and gone(group.pids)


def test_free_port_is_on_loopback_and_bad_sizes_are_refused():
    assert 0 < free_port() < 65536
    with pytest.raises(ValueError):
        WorkerGroup(5)


def test_resuming_momentum_state_keeps_every_worker_in_step(pair):
    """Optimizer state crosses the pipe as plain numbers: a tensor would land in shared memory
    and every worker would update the parent's momentum buffers too."""
    cfg = LabConfig(preset="noisy-line", batch_size=10, optimizer="momentum", reduction="sum",
                    lr=0.001)
    data = make_preset("noisy-line", 50, 0.5, 0)
    split = SplitSettings(workers=2, shard_sizes=(3, 7), ddp_loss_scale="world")
    t = ParallelTrainer(cfg, data, split, pair)
    for _ in range(3):
        t.step_split()
    state = t.state_dict()
    ahead = [t.step_split() for _ in range(2)]
    again = ParallelTrainer(cfg, data, split, pair)
    again.load_state_dict(state)
    replayed = [again.step_split() for _ in range(2)]
    for a, b in zip(ahead, replayed, strict=True):
        assert b.params_agree and b.comparison.matches
        assert (a.record.w_after, a.record.b_after) == (b.record.w_after, b.record.b_after)


def _history(chunks) -> np.ndarray:
    h = HistoryChunk.concat(chunks)
    return np.column_stack([h.step, h.loss, h.grad_w, h.grad_b, h.w, h.b])


@pytest.mark.parametrize("optimizer", ["momentum", "sgd"])
def test_working_ahead_changes_no_number(pair, optimizer):
    """With ``work_ahead`` (the lab's run loop) the next steps go to the workers before the
    parent replays the ones received. The history is bit for bit that of one step at a time,
    run(n) takes exactly n steps, and anything else in between (a single step, a new loss scale,
    a new lr) drops the steps ahead and sets the workers back where the parent is. Plain SGD
    takes the workers' steps at once instead of replaying each: the same numbers, bit for bit,
    as the parent's own optimizer steps one at a time."""
    cfg = LabConfig(preset="noisy-line", batch_size=6, optimizer=optimizer, lr=0.05)
    data = make_preset("noisy-line", 20, 0.5, 1)  # batches 6, 6, 6, 2: shards 3+3 and 1+1

    def session(t, run):
        chunks = [run(t, n) for n in (5, 3, 7, 1, 9)]
        t.set_split(SplitSettings(workers=2, ddp_loss_scale="world"))  # with steps ahead
        chunks.append(run(t, 4))
        chunks.append(run(t, 2))  # 2 of the 4 sent ahead: 2 rows left ahead
        t.configure(LabConfig(preset="noisy-line", batch_size=6, optimizer=optimizer, lr=0.01))
        chunks.append(run(t, 6))
        s = t.step_split()  # the workers were ahead by a whole run: set back first
        assert s.params_agree and s.grads_agree
        chunks.append(_record_history(s.record))
        chunks.append(run(t, 3))
        last = t.step_split()
        assert last.params_agree and last.grads_agree
        return _history(chunks), t.state_dict()

    records = []

    def ahead_run(t, n):
        record, chunk = t.run(n)
        assert len(chunk) == n
        records.append(record)
        return chunk

    def one_by_one(t, n):
        return HistoryChunk.concat([_record_history(t.step()) for _ in range(n)])

    ahead = ParallelTrainer(cfg, data, SplitSettings(workers=2), pair)
    ahead.work_ahead = True
    got, got_state = session(ahead, ahead_run)
    plain = ParallelTrainer(cfg, data, SplitSettings(workers=2), pair)
    want, want_state = session(plain, one_by_one)
    assert got.shape == (41, 6)
    np.testing.assert_array_equal(got, want)
    assert got_state == want_state
    # Each run's record is its last step, measured where that step began.
    ends = [*np.cumsum([5, 3, 7, 1, 9, 4, 2, 6]).tolist(), 41]  # a step_split before the last
    for record, end in zip(records, ends, strict=True):
        row, prev = want[end - 1], want[end - 2]
        assert (record.step, record.loss, record.grad_w, record.w_after) == tuple(row[[0, 1, 2, 4]])
        assert (record.w_before, record.b_before) == tuple(prev[[4, 5]])


def test_a_trainer_whose_group_was_used_by_another_catches_up(pair):
    """Rows ahead belong to one trainer: another trainer on the same group sets the workers to
    its own state; the first, running again, sets them back to its own and goes on exactly."""
    cfg = LabConfig(preset="noisy-line", batch_size=8, lr=0.05)
    data = make_preset("noisy-line", 20, 0.5, 1)
    first = ParallelTrainer(cfg, data, SplitSettings(workers=2), pair)
    first.work_ahead = True
    first.run(6)  # and 6 more sent ahead
    ParallelTrainer(cfg, data, SplitSettings(workers=2), pair).run(3)
    first.run(5)
    plain = Trainer(cfg, data)
    plain.run(11)
    assert first.params == pytest.approx(plain.params, rel=1e-12)
    assert first.step_split().params_agree


def _record_history(record) -> HistoryChunk:
    return HistoryChunk([record.step], [record.loss], [record.grad_w], [record.grad_b],
                        [record.w_after], [record.b_after])
