"""The worker's history log in a temporary file: the same steps as a HistoryBuffer in memory, for
any mix of appends, truncations and clears; nothing left on disk; a failing disk loses nothing."""

from __future__ import annotations

import errno
import os
import tempfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradlab.core import history_log
from gradlab.core.history_log import HistoryLog
from gradlab.core.records import HISTORY_FIELDS, HistoryBuffer, HistoryChunk


def _chunk(first: int, k: int, seed: int) -> HistoryChunk:
    rng = np.random.default_rng(seed)
    values = rng.standard_normal((5, k)) * 10.0 ** rng.integers(-300, 300, size=(5, k))
    return HistoryChunk(np.arange(first, first + k), *values)


def _same(log: HistoryLog, buffer: HistoryBuffer) -> None:
    assert len(log) == len(buffer)
    got, want = log.chunk(), buffer.chunk()
    for name in HISTORY_FIELDS:
        np.testing.assert_array_equal(getattr(got, name), getattr(want, name))  # bit for bit
        assert getattr(got, name).dtype == getattr(want, name).dtype


ops = st.lists(st.one_of(
    st.tuples(st.just("append"), st.integers(0, 40)),
    st.tuples(st.just("truncate"), st.integers(-5, 200)),
    st.tuples(st.just("clear"), st.just(0))), max_size=30)


@settings(max_examples=60, deadline=None)
@given(ops=ops, limit=st.sampled_from([7, 25, 1_000_000]))
def test_the_log_keeps_what_a_buffer_in_memory_keeps(ops, limit: int) -> None:  # noqa: ANN001
    log, buffer = HistoryLog(limit=limit), HistoryBuffer(capacity=4, limit=limit)
    assert log.in_file  # this machine is POSIX with a writable temporary directory
    try:
        for i, (op, arg) in enumerate(ops):
            if op == "append":
                last = int(buffer.column("step")[-1]) if len(buffer) else 0
                chunk = _chunk(last + 1, arg, i)
                log.append(chunk)
                buffer.append(chunk)
            elif op == "truncate":
                log.truncate(arg)
                buffer.truncate(arg)
            else:
                log.clear()
                buffer.clear()
            _same(log, buffer)
            assert len(log) <= 2 * limit
    finally:
        log.close()


def test_the_file_has_no_name_and_closes(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    log = HistoryLog()
    log.append(_chunk(1, 1000, 0))
    assert log.in_file and list(tmp_path.iterdir()) == []  # nothing left in the directory
    fd = log._fd
    assert os.fstat(fd).st_size == 1000 * history_log.ROW.itemsize
    log.close()
    with pytest.raises(OSError):
        os.fstat(fd)
    assert len(log) == 0 and not log.in_file
    log.append(_chunk(1, 3, 1))  # still usable (in memory)
    assert len(log) == 3


def test_a_failing_disk_loses_no_step(monkeypatch) -> None:  # noqa: ANN001
    log, buffer = HistoryLog(limit=50), HistoryBuffer(limit=50)
    for first in (1, 31):
        log.append(_chunk(first, 30, first))
        buffer.append(_chunk(first, 30, first))

    def full(*_args: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(history_log.os, "pwrite", full)
    for first in (61, 91):  # the second crosses the ceiling (2 x 50) in memory
        log.append(_chunk(first, 30, first))
        buffer.append(_chunk(first, 30, first))
        _same(log, buffer)
    assert not log.in_file
    log.close()


def test_a_failing_disk_at_the_ceiling_keeps_the_newest_steps(monkeypatch) -> None:  # noqa: ANN001
    log, buffer = HistoryLog(limit=20), HistoryBuffer(limit=20)
    for first in (1, 16):
        log.append(_chunk(first, 15, first))
        buffer.append(_chunk(first, 15, first))
    writes = []

    def full_after_read(fd: int, data: bytes, at: int) -> int:
        writes.append(at)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(history_log.os, "pwrite", full_after_read)
    log.append(_chunk(31, 15, 31))  # 45 steps > 40: the newest 20 are rewritten, and that fails
    buffer.append(_chunk(31, 15, 31))
    assert writes == [0]
    _same(log, buffer)
    log.close()


def test_without_a_temporary_file_the_log_is_in_memory(monkeypatch) -> None:  # noqa: ANN001
    def no_tmp(**_kwargs: object) -> tuple[int, str]:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(history_log.tempfile, "mkstemp", no_tmp)
    log, buffer = HistoryLog(), HistoryBuffer()
    assert not log.in_file
    for first in (1, 11):
        log.append(_chunk(first, 10, first))
        buffer.append(_chunk(first, 10, first))
    log.truncate(15)
    buffer.truncate(15)
    _same(log, buffer)
    log.close()
