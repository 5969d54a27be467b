"""The worker's log of the steps it has shown, kept in a temporary file (numpy and the standard
library only).

The window draws the history from a ``HistoryBuffer`` of its own; the worker keeps the same steps
only to write them into a saved session or a history CSV, so that these are one consistent
picture of *its* state (see ``worker_files``). Read once in a while and written a few hundred
bytes an update, that copy need not take the training process's memory: in memory it was 48 bytes
a step, 4.8 MB every 100 000 steps on top of the window's own 4.8 MB. Here the rows go to an
unnamed temporary file (removed from the directory as soon as it is made, so nothing is left
behind, even after a crash), where the system's file cache holds them.

Where there is no such file (not POSIX, or no writable temporary directory), or when writing one
fails (a full disk), the log is a ``HistoryBuffer`` in memory, as before: nothing is lost.
"""

from __future__ import annotations

import os
import tempfile
import weakref

import numpy as np

from gradlab.core.records import HISTORY_FIELDS, MAX_HISTORY, HistoryBuffer, HistoryChunk

#: One step's row in the file: the step number and its five values, as a chunk holds them.
ROW = np.dtype([("step", "<i8")] + [(name, "<f8") for name in HISTORY_FIELDS[1:]])


def _temporary_fd() -> int | None:
    """A read-write descriptor of a new file with no name left in any directory, or None."""
    if not hasattr(os, "pwrite"):  # not POSIX: an open file cannot lose its name there
        return None
    try:
        fd, path = tempfile.mkstemp(prefix="gradlab-history-")
    except OSError:
        return None
    try:
        os.unlink(path)
    except OSError:
        os.close(fd)
        return None
    return fd


class HistoryLog:
    """The steps shown so far: ``append``, ``truncate``, ``clear``, ``chunk``, like a
    ``HistoryBuffer`` (and bounded the same way: at least the newest ``limit`` steps, at most
    twice that), in a temporary file."""

    def __init__(self, limit: int = MAX_HISTORY) -> None:
        self.limit = limit
        self.size = 0
        self._fd = _temporary_fd()
        self._memory: HistoryBuffer | None = None
        if self._fd is None:
            self._memory = HistoryBuffer(capacity=1024, limit=limit)
            self._close = lambda: None
        else:
            self._close = weakref.finalize(self, os.close, self._fd)

    @property
    def in_file(self) -> bool:
        """Whether the rows are in the temporary file (False: in memory)."""
        return self._memory is None

    def __len__(self) -> int:
        return self.size

    def close(self) -> None:
        """Let the file go (the system frees it). The log is empty and in memory from here."""
        self._close()
        self._to_memory(keep=False)

    def clear(self) -> None:
        self.size = 0
        if self._memory is not None:
            self._memory.clear()
            return
        try:
            os.ftruncate(self._fd, 0)
        except OSError:
            self._to_memory(keep=False)

    def append(self, chunk: HistoryChunk) -> None:
        if not len(chunk):
            return
        if self._memory is None:
            try:
                self._write(chunk)
                return
            except OSError:  # e.g. the disk is full: go on in memory with what is there
                self._to_memory(keep=True)
        self._memory.limit = self.limit
        self._memory.append(chunk)
        self.size = len(self._memory)

    def _write(self, chunk: HistoryChunk) -> None:
        start = max(0, len(chunk) - self.limit)  # a chunk longer than the limit: its newest
        rows = np.empty(len(chunk) - start, ROW)
        for name in HISTORY_FIELDS:
            rows[name] = getattr(chunk, name)[start:]
        if self.size + rows.size <= 2 * self.limit:
            self._put(rows, self.size)
            self.size += rows.size
            return
        # At the ceiling: the newest steps are written again from the start of the file.
        rows = np.concatenate([self._read(self.size - (self.limit - rows.size), self.size), rows])
        try:
            self._put(rows, 0)
            os.ftruncate(self._fd, rows.nbytes)
        except OSError:
            self._to_memory(keep=False)
            self._memory.append(_as_chunk(rows))
            self.size = len(self._memory)
            return
        self.size = rows.size

    def _put(self, rows: np.ndarray, at: int) -> None:
        data = rows.tobytes()
        written = os.pwrite(self._fd, data, at * ROW.itemsize)
        if written != len(data):
            raise OSError(f"wrote {written} of {len(data)} bytes of the history")

    def truncate(self, last_step: int) -> None:
        """Forget every step after ``last_step`` (continuing from a past step)."""
        if self._memory is not None:
            self._memory.truncate(last_step)
            self.size = len(self._memory)
            return
        try:
            steps = self._read(0, self.size)["step"]
            self.size = int(np.searchsorted(steps, last_step, side="right"))
            os.ftruncate(self._fd, self.size * ROW.itemsize)
        except OSError:
            self._to_memory(keep=True)
            self.truncate(last_step)

    def chunk(self) -> HistoryChunk:
        """A frozen copy of the whole history."""
        if self._memory is not None:
            return self._memory.chunk()
        try:
            rows = self._read(0, self.size)
        except OSError:
            self._to_memory(keep=True)
            return self.chunk()
        return _as_chunk(rows)

    def _read(self, lo: int, hi: int) -> np.ndarray:
        want = (hi - lo) * ROW.itemsize
        data = os.pread(self._fd, want, lo * ROW.itemsize) if want else b""
        if len(data) != want:
            raise OSError(f"read {len(data)} of {want} bytes of the history")
        return np.frombuffer(data, ROW)

    def _to_memory(self, keep: bool) -> None:
        """Go on in memory; ``keep``: with the rows the file still gives (none if it fails)."""
        if self._memory is not None:
            return
        memory = HistoryBuffer(capacity=1024, limit=self.limit)
        if keep:
            try:
                rows = self._read(0, self.size)
                for lo in range(0, rows.size, self.limit):  # a longer chunk keeps its newest
                    memory.append(_as_chunk(rows[lo : lo + self.limit]))
            except OSError:
                pass  # unreadable: the steps before this moment are gone from saved sessions
        self._close()
        self._memory = memory
        self.size = len(memory)


def _as_chunk(rows: np.ndarray) -> HistoryChunk:
    return HistoryChunk(*(rows[name] for name in HISTORY_FIELDS))
