"""The allocator options of a process that trains on large data (gradlab/core/memory.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from gradlab.core import memory

_FAULTS = """
import sys
from gradlab.core.config import LabConfig
from gradlab.core.data import dataset_for
from gradlab.core.trainer import Trainer
from gradlab.core.memory import keep_freed_memory
import torch
torch.set_num_threads(1)  # as in the training process (remote.training_threads on 2 cores)
took = keep_freed_memory() if sys.argv[1] == "keep" else None
config = LabConfig(preset="noisy-line", n_points=1_000_000, noise=0.5, lr=0.01)
trainer = Trainer(config, dataset_for(config))
trainer.run(10)  # the first steps fault their memory in either way
def faults():
    with open("/proc/self/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[7])
counts = []
for _ in range(21):
    before = faults()
    trainer.run(1)
    counts.append(faults() - before)
print(took, sorted(counts)[10], sum(counts) / len(counts))  # the median step, the mean
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc options")
def test_the_training_process_reuses_the_memory_its_steps_free() -> None:
    """At N = 10^6 every step's 8 MB tensors came back as fresh pages: ~2 500 page faults a
    step and a quarter of its time. With ``keep_freed_memory`` the freed blocks are reused."""
    def faults_per_step(mode: str) -> tuple[str, float, float]:
        out = subprocess.run([sys.executable, "-c", _FAULTS, mode], capture_output=True,
                             text=True, check=True, timeout=120).stdout.split()
        return out[0], float(out[1]), float(out[2])

    took, kept_median, kept_mean = faults_per_step("keep")
    assert took == "True"
    # An 8 MB tensor is 2 048 pages. Measured here over 21 steps: 1 200–5 800 faults a step on
    # average without the options (glibc sometimes keeps a block, mostly not); with them the
    # median step makes none (a step now and then grows the heap: 0–1 300 on average).
    assert kept_median == 0
    # Without the options, how much glibc keeps depends on its heap's layout: now and then a
    # process happens to keep nearly every block (92 faults a step on average in one CI run,
    # against 1 760-5 470 in four runs right after). The worst of three processes shows it.
    plain_mean = max(faults_per_step("plain")[2] for _ in range(3))
    assert plain_mean > 1024
    assert kept_mean < plain_mean


def test_only_large_data_keep_freed_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """At N = 1 000 the options would only keep the holes a growing history leaves in the
    heap; from N = 10^5 a step's tensors are what they are for. Once on, they stay on."""
    calls = []
    monkeypatch.setattr(memory, "_kept", False)
    monkeypatch.setattr(memory, "keep_freed_memory", lambda: calls.append(1) or True)
    assert memory.keep_freed_memory_for(1_000) is False
    assert memory.keep_freed_memory_for(memory.KEEP_FROM_SAMPLES - 1) is False
    assert calls == []
    assert memory.keep_freed_memory_for(1_000_000) is True
    assert calls == [1]


_KEPT_BY_GLIBC = """
import numpy as np
from gradlab.core import memory
def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20
np.ones(1 << 19)  # 4 MB, mapped and unmapped: glibc's mmap threshold rises to 4 MB
small = []
before = rss_mb()
for _ in range(3):  # 1 MB blocks, now from the heap, with small objects made between them
    blocks = []
    for _ in range(8):
        blocks.append(np.ones(1 << 17))
        small.append(bytearray(4096))  # from the heap too: its top never comes free
    del blocks
kept = rss_mb() - before
print(memory.give_back_freed_memory(), kept, rss_mb() - before)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_freed_memory_kept_by_glibc_can_be_given_back() -> None:
    """glibc keeps freed blocks below its mmap threshold in its heap (the threshold rises to
    the largest block it unmapped: a history buffer's old copy), so the process stays that
    much larger; ``give_back_freed_memory`` returns them to the system."""
    out = subprocess.run([sys.executable, "-c", _KEPT_BY_GLIBC], capture_output=True,
                         text=True, check=True, timeout=120).stdout.split()
    trimmed, kept, after = out[0], float(out[1]), float(out[2])
    assert kept >= 7.0  # eight 1 MB blocks, freed and kept
    assert trimmed == "True"
    assert after < 1.0


def test_a_history_buffer_gives_its_old_copy_back_when_it_grows(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A buffer that doubles frees its old copy; from GIVE_BACK_BYTES on, that copy is given
    back at once (a small one is not worth the heap's walk)."""
    import numpy as np

    from gradlab.core import records

    calls = []
    monkeypatch.setattr(records, "give_back_freed_memory", lambda: calls.append(1) or True)
    buf = records.HistoryBuffer(capacity=1024)
    rows = len(records.HISTORY_FIELDS)
    step = 0
    grown_from = []
    while len(grown_from) < 7:
        capacity = buf._data.shape[1]
        k = 1000
        buf.append(records.HistoryChunk(*(np.arange(step, step + k, dtype=float),) * rows))
        step += k
        if buf._data.shape[1] != capacity:
            grown_from.append(capacity * rows * 8)
    assert len(calls) == sum(size >= records.GIVE_BACK_BYTES for size in grown_from) > 0
    assert any(size < records.GIVE_BACK_BYTES for size in grown_from)
    assert np.array_equal(buf.column("loss"), np.arange(step, dtype=float))


_GIVEN_BACK_PROMPTLY = _KEPT_BY_GLIBC.replace(
    "np.ones(1 << 19)", "took = memory.give_back_freed_memory_promptly()\nnp.ones(1 << 19)",
).replace("print(memory.give_back_freed_memory(), kept, rss_mb() - before)", "print(took, kept)")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc options")
def test_the_window_process_gives_freed_blocks_back_at_once() -> None:
    """With fixed thresholds the same blocks are mapped and unmapped: none is kept, even after
    a 4 MB block was unmapped (which raises glibc's own threshold to 4 MB)."""
    out = subprocess.run([sys.executable, "-c", _GIVEN_BACK_PROMPTLY], capture_output=True,
                         text=True, check=True, timeout=120).stdout.split()
    assert out[0] == "True"
    assert float(out[1]) < 1.0  # against >= 7 MB kept by default (the test above)


def test_a_process_that_keeps_freed_memory_keeps_its_options(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """In one process (the worker in a thread) a run on large data keeps freed memory; the
    window's wish to give it back does not undo that."""
    calls = []
    monkeypatch.setattr(memory, "_glibc", lambda name: lambda *args: calls.append(args) or 1)
    monkeypatch.setattr(memory, "_kept", True)
    assert memory.give_back_freed_memory_promptly() is False
    assert calls == []
    monkeypatch.setattr(memory, "_kept", False)
    assert memory.give_back_freed_memory_promptly() is True
    assert calls == [(memory._M_MMAP_THRESHOLD, memory.PROMPT_MMAP_BYTES),
                     (memory._M_TRIM_THRESHOLD, memory.PROMPT_TRIM_BYTES)]
