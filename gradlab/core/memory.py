"""How this process's allocator treats the memory it frees (glibc's malloc, Linux).

Standard library only: the lab's training loop (worker_loop.py) calls ``keep_freed_memory_for``
whenever a run starts on new data; the window calls ``give_large_blocks_back`` when it starts;
a history buffer calls ``give_back_freed_memory`` when it has grown.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

#: glibc's malloc options (malloc.h): M_TRIM_THRESHOLD and M_MMAP_THRESHOLD.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
#: Blocks up to this size come from the heap and freed memory up to this much stays in it.
KEEP_FREED_BYTES = 32 << 20
#: Blocks from this size on are always mapped and unmapped (``give_large_blocks_back``).
MAP_FROM_BYTES = 256 << 10
#: From this many samples a step's tensors (8 bytes a sample) are large enough for glibc to map
#: and unmap them at every step.
KEEP_FROM_SAMPLES = 100_000
_kept = False  # the options are in force in this process


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


def give_large_blocks_back() -> bool:
    """From now on, blocks of MAP_FROM_BYTES and more are mapped when allocated and unmapped
    when freed (glibc; elsewhere nothing changes). By default glibc raises that threshold to the
    largest mapped block freed so far, and then serves blocks up to it from its heap, which keeps
    them when freed. The window's history curves make temporaries that grow with the run (0.9 MB
    each at 110 000 steps): over the benchmark's 100 000-step soak the window's process grew
    8.1 MB for 4.8 MB of history, 5.3 MB with this. Nothing is done where ``keep_freed_memory``
    is in force (a trainer in this process at N ≥ 10^5 wants the opposite). Returns whether the
    option was taken."""
    mallopt = _glibc("mallopt")
    if _kept or mallopt is None:
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, MAP_FROM_BYTES))


def give_back_freed_memory() -> bool:
    """Return the whole free pages of this process's heap to the system (glibc's
    ``malloc_trim``; elsewhere nothing happens). For the rare moment a large block was freed that
    glibc would otherwise keep: a history buffer that has just doubled leaves its old copy (3 MB
    at 65 536 steps), and glibc, having raised its mmap threshold when it unmapped the copy before,
    kept it in its heap: the benchmark's 100 000-step soak grew 16 MB for 9.6 MB of history.
    Returns whether memory was given back."""
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
