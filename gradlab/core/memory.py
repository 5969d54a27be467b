"""How this process's allocator treats the memory it frees (glibc's malloc, Linux).

Standard library only: the lab's training loop (worker_loop.py) calls ``keep_freed_memory_for``
whenever a run starts on new data; a history buffer calls ``give_back_freed_memory`` when it has
grown; the window's entry point (gui.py) calls ``give_back_freed_memory_promptly`` for its
process, which trains nothing itself.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

#: glibc's malloc options (malloc.h): M_TRIM_THRESHOLD and M_MMAP_THRESHOLD.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
#: Blocks up to this size come from the heap and freed memory up to this much stays in it.
KEEP_FREED_BYTES = 32 << 20
#: From this many samples a step's tensors (8 bytes a sample) are large enough for glibc to map
#: and unmap them at every step.
KEEP_FROM_SAMPLES = 100_000
_kept = False  # the options are in force in this process
#: The window's process: blocks from this size on are mapped (and unmapped when freed), ...
PROMPT_MMAP_BYTES = 256 << 10
#: ... and a free top of the heap larger than this is given back.
PROMPT_TRIM_BYTES = 1 << 20


def keep_freed_memory() -> bool:
    """Let this process reuse the memory its steps free, instead of the system's fresh pages.

    At N = 10^6 a step allocates and frees about a dozen tensors of 8 MB. glibc serves blocks that
    size with mmap and gives them back at once (or trims its heap when its top is free), so every
    step began on fresh pages the kernel had to fault in and zero: about 2 500 page faults a step,
    measured here as 28–30 ms a step against 20–23 ms with these options. The cost is that the
    process keeps its high-water mark of freed memory (the size of one step's tensors). Linux with
    glibc only; elsewhere nothing changes. Returns whether both options were taken.
    """
    global _kept  # noqa: PLW0603 - one setting per process
    mallopt = _glibc("mallopt")
    if mallopt is None:
        return False
    _kept = bool(mallopt(_M_MMAP_THRESHOLD, KEEP_FREED_BYTES)) \
        and bool(mallopt(_M_TRIM_THRESHOLD, 2 * KEEP_FREED_BYTES))
    return _kept


def give_back_freed_memory_promptly() -> bool:
    """Fixed, small thresholds for this process's large blocks (the window's: its arrays grow with
    the history it draws, its frames' temporaries with them).

    By default glibc raises both thresholds each time it unmaps a block, to that block's size
    (and twice that for trimming): once a history buffer's old 3 MB copy had been unmapped, blocks
    up to 3 MB came from the heap and 6 MB of free heap could stay with the process. Over the
    benchmark's 100 000-step soak at N = 1 000 the window's process grew 7.6-7.7 MB with the
    default, 5.7-6.4 MB with these (its history is 5.2 MB of that). Not for a process that trains
    on large data (blocks of 800 KB and more would be mapped afresh at every step, as
    ``keep_freed_memory`` explains): the benchmark's window shares its process with the bare
    PyTorch loops it is compared with, so it is made without this. Linux with glibc only;
    elsewhere nothing changes. Returns whether both options were taken."""
    mallopt = _glibc("mallopt")
    if mallopt is None or _kept:  # a run on large data in this process wants the opposite
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, PROMPT_MMAP_BYTES)) \
        and bool(mallopt(_M_TRIM_THRESHOLD, PROMPT_TRIM_BYTES))


def give_back_freed_memory() -> bool:
    """Return the whole free pages of this process's heap to the system (glibc's
    ``malloc_trim``; elsewhere nothing happens). For the rare moment a large block was freed that
    glibc would otherwise keep: a history buffer that has just doubled leaves its old copy (3 MB
    at 65 536 steps), and glibc, having raised its mmap threshold when it unmapped the copy before,
    kept it in its heap. Over the benchmark's 100 000-step soak (N = 1 000) the training process
    grew 7.9 MB for its 4.8 MB of history; 5.0 MB with this. Returns whether memory was given
    back."""
    malloc_trim = _glibc("malloc_trim")
    return malloc_trim is not None and bool(malloc_trim(0))


def _glibc(name: str) -> Any:
    """glibc's function ``name``, or None (not Linux, or not glibc: musl has no mallopt)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return getattr(ctypes.CDLL(None), name)
    except (OSError, AttributeError):
        return None


def keep_freed_memory_for(samples: int) -> bool:
    """``keep_freed_memory`` once a run has ``samples`` ≥ KEEP_FROM_SAMPLES (and from then on).
    Not for small data: there the options would only keep the holes a growing history leaves
    in the heap (the benchmark's 100 000-step soak at N = 1 000 grew 10.7 MB with them from the
    start, 7.6 MB without). Returns whether the options are in force."""
    if _kept or samples < KEEP_FROM_SAMPLES:
        return _kept
    return keep_freed_memory()
