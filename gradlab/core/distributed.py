"""Data-parallel workers on real torch.distributed: W processes, gloo on 127.0.0.1, DDP.

``WorkerGroup`` (in the parent) starts W worker processes, each of which joins a gloo process
group on 127.0.0.1 (a free port found by binding port 0 there; ``GLOO_SOCKET_IFNAME`` is the
loopback device; never any other address) and wraps the line model in
``DistributedDataParallel``. The parent talks to them over pipes and ALWAYS ends every process it
started: ``close()``, ``__exit__``, any error, a dead worker, or the group being collected.

Processes come from the fork server on Linux (not frozen): the server imports this module (torch,
torch.distributed and ``torch._dynamo``, which DDP's constructor imports: ~3 s) once, and every
worker forks from it ready, so a group of 4 starts in about 0.1 s. Elsewhere they are spawned
(each imports torch: seconds) and ``start(progress=...)`` reports each worker as it is ready.

What runs inside each worker is ``gradlab.core.ddp_worker``. Training sends many steps in one
message (``submit``) and takes the reply later (``collect``), so the workers compute while the
parent does other work. ``gradlab.core.dataparallel.ParallelTrainer`` trains through a group.
"""

from __future__ import annotations

import multiprocessing as mp
import multiprocessing.connection as mpc
import os
import socket
import sys
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch._dynamo  # noqa: F401 - DDP's constructor imports it: load it once, in the fork server

from gradlab.core.config import LabConfig
from gradlab.core.ddp_worker import HOST, STEP_TIMEOUT, loopback_device, worker_main
from gradlab.core.messages import QT_TRANSLATE_NOOP, Message
from gradlab.core.optimizer_state import to_jsonable
from gradlab.core.splitting import MAX_WORKERS

__all__ = ["HOST", "STEP_TIMEOUT", "WorkerGroup", "WorkerGroupError", "WorkerReport",
           "free_port", "loopback_device", "prepare"]

#: Seconds to wait for a group to start before it is ended.
START_TIMEOUT = 120.0


class WorkerGroupError(RuntimeError):
    """The group had to end (a worker died, failed or stopped answering); it is closed."""


def mp_context() -> mp.context.BaseContext:
    """The fork server on Linux when not frozen (workers fork with torch already loaded), else
    spawn (the only safe start method on Windows and macOS, and in a frozen bundle)."""
    if sys.platform.startswith("linux") and not getattr(sys, "frozen", False):
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload([__name__])
        return ctx
    return mp.get_context("spawn")


def prepare() -> None:
    """Start the fork server now (it imports torch once), so the first group starts quickly.

    Python before 3.13 starts the fork server without the parent's ``sys.path``, so from a
    checkout run elsewhere it could not import gradlab: it starts with gradlab's folder on
    PYTHONPATH (in its environment only; ours is restored at once).
    """
    ctx = mp_context()
    if ctx.get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver

    root = str(Path(__file__).resolve().parents[2])
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = root if not old else root + os.pathsep + old
    try:
        forkserver.ensure_running()
    finally:
        if old is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = old


def free_port() -> int:
    """A free TCP port on 127.0.0.1 (bind port 0 there and read what the system chose)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True, eq=False)
class WorkerReport:
    """What one worker did in one step.

    ``loss`` is the local loss ``backward()`` ran on (×W with the world-size scale);
    ``local_grad_*`` its gradient before the all-reduce (nan when not asked for);
    ``grad_*`` what DDP's all-reduce left in ``.grad``; ``w``/``b`` the parameters after the
    worker's optimizer step.
    """

    rank: int
    pid: int
    batch: np.ndarray
    loss: float
    local_grad_w: float
    local_grad_b: float
    grad_w: float
    grad_b: float
    w: float
    b: float

    def __post_init__(self) -> None:
        batch = np.array(self.batch, dtype=np.int64, copy=True)
        batch.flags.writeable = False
        object.__setattr__(self, "batch", batch)

    def to_json_dict(self) -> dict:
        return {"rank": self.rank, "batch": self.batch.tolist(), "loss": self.loss,
                "grad_w": self.local_grad_w, "grad_b": self.local_grad_b}


# ---- the parent's controller -------------------------------------------------------------------


def _end(processes: list[Any], conns: list[mpc.Connection], grace: float = 5.0) -> None:
    """End every process (asked to close, then terminated, then killed); close every pipe."""
    for conn in conns:
        try:
            conn.send(("close",))
        except (OSError, ValueError):
            pass
    deadline = time.monotonic() + grace
    for p in processes:
        p.join(max(0.0, deadline - time.monotonic()))
    for p in processes:
        if p.is_alive():
            p.terminate()
            p.join(2.0)
        if p.is_alive():
            p.kill()
            p.join()
    for conn in conns:
        conn.close()


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "still running"
    if code < 0:
        return f"killed by signal {-code}"
    return f"exit code {code}"


class WorkerGroup:
    """W worker processes in one gloo process group, each with a DDP-wrapped line model."""

    def __init__(self, world_size: int) -> None:
        if isinstance(world_size, bool) or not isinstance(world_size, int) \
                or not 1 <= world_size <= MAX_WORKERS:
            raise ValueError(f"world_size must be from 1 to {MAX_WORKERS}, got {world_size!r}")
        self.world_size = world_size
        self._processes: list[Any] = []
        self._conns: list[mpc.Connection] = []
        self.pids: tuple[int, ...] = ()
        self.start_seconds = float("nan")
        self.start_method = ""
        self.port = 0
        self._finalizer: weakref.finalize | None = None
        self._ticket = 0  # numbers the runs submitted
        self._inflight: tuple[int, int] | None = None  # (ticket, steps) of a run not collected

    @property
    def running(self) -> bool:
        return bool(self._processes)

    def __enter__(self) -> WorkerGroup:
        if not self.running:
            self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self, progress: Callable[[int, int], None] | None = None) -> float:
        """Start the processes and wait until every one has joined the group; returns seconds.

        ``progress(ready, world_size)`` is called as workers become ready (spawn takes seconds).
        """
        if self.running:
            raise RuntimeError("the group is already running")
        t0 = time.perf_counter()
        prepare()
        ctx = mp_context()
        self.start_method = ctx.get_start_method()
        self.port = free_port()
        try:
            for rank in range(self.world_size):
                parent, child = ctx.Pipe()
                p = ctx.Process(target=worker_main, args=(rank, self.world_size, self.port,
                                                           child),
                                name=f"gradlab-ddp-{rank}", daemon=True)
                try:
                    p.start()
                except (OSError, EOFError) as exc:  # the fork server could not fork
                    parent.close()
                    raise self._fail(f"worker {rank} could not be started: "
                                     f"{type(exc).__name__}: {exc}") from None
                except BaseException:
                    parent.close()
                    raise
                finally:
                    child.close()
                self._processes.append(p)
                self._conns.append(parent)
            self._finalizer = weakref.finalize(self, _end, self._processes, self._conns)
            replies = self._gather("start", START_TIMEOUT, progress)
        except BaseException:
            self.close()
            raise
        self.pids = tuple(int(r) for r in replies)
        self.start_seconds = time.perf_counter() - t0
        return self.start_seconds

    def close(self, grace: float = 5.0) -> None:
        """End every process this group started (idempotent). Workers get ``grace`` seconds to
        leave the process group by themselves before they are terminated."""
        if self._finalizer is not None:
            self._finalizer.detach()
            self._finalizer = None
        if self._processes and self._inflight is not None and grace > 0:
            # Workers finishing a run read "close" once their reply is out: take it.
            self._inflight = None
            ready = mpc.wait(self._conns, min(grace, 1.0))
            for conn in ready:
                try:
                    conn.recv()
                except (EOFError, OSError):
                    pass
        self._inflight = None
        if self._processes:
            _end(self._processes, self._conns, grace)
        self._processes, self._conns = [], []

    def _fail(self, reason: str) -> WorkerGroupError:
        # The others may be stuck in an all-reduce with the one that failed: no grace.
        self.close(grace=0.0)
        return WorkerGroupError(Message(QT_TRANSLATE_NOOP(
            "messages", "the {w} workers were ended: {reason}"), w=self.world_size,
            reason=reason))

    def _gather(self, what: str, timeout: float,
                progress: Callable[[int, int], None] | None = None) -> list[Any]:
        """One reply from every worker; a dead, failing or silent worker ends the group."""
        replies: list[Any] = [None] * self.world_size
        pending = set(range(self.world_size))
        deadline = time.monotonic() + timeout
        while pending:
            waitables = [self._conns[r] for r in pending] + \
                        [self._processes[r].sentinel for r in pending]
            ready = mpc.wait(waitables, max(0.0, deadline - time.monotonic()))
            if not ready:
                raise self._fail(f"no answer within {timeout:g} s during the {what}")
            for r in sorted(pending):
                conn, proc = self._conns[r], self._processes[r]
                gone = False
                try:
                    message = conn.recv() if conn.poll() else None
                except (EOFError, OSError):
                    message, gone = None, True
                if message is None:
                    if gone or proc.sentinel in ready or not proc.is_alive():
                        proc.join(1.0)
                        raise self._fail(f"worker {r} (pid {proc.pid}) died during the {what} "
                                         f"({_describe_exit(proc.exitcode)})")
                    continue
                if message[0] == "error":
                    raise self._fail(self._dead(what, r) or
                                     f"worker {r} failed during the {what}: {message[1]}")
                replies[r] = message[1]
                pending.discard(r)
                if progress is not None:
                    progress(self.world_size - len(pending), self.world_size)
        return replies

    def _dead(self, what: str, reporter: int) -> str:
        """Name a worker that has died, if one has (the others then fail in a collective and
        report that, then leave normally)."""
        for r, proc in enumerate(self._processes):
            if r == reporter:
                continue
            proc.join(0.2 if proc.is_alive() else 0.0)
            if not proc.is_alive() and proc.exitcode != 0:
                return (f"worker {r} (pid {proc.pid}) died during the {what} "
                        f"({_describe_exit(proc.exitcode)})")
        return ""

    def _send(self, what: str, messages: Sequence[tuple]) -> None:
        if not self.running:
            raise WorkerGroupError(Message(QT_TRANSLATE_NOOP(
                "messages", "the workers are not running; start a new group")))
        if self._inflight is not None:  # a run nobody collected: its reply comes first
            self._inflight = None
            self._gather("run", STEP_TIMEOUT)
        for r, message in enumerate(messages):
            try:
                self._conns[r].send(message)
            except (OSError, ValueError):
                proc = self._processes[r]
                proc.join(1.0)
                raise self._fail(f"worker {r} (pid {proc.pid}) died before the {what} "
                                 f"({_describe_exit(proc.exitcode)})") from None

    def setup(self, config: LabConfig, x: np.ndarray, y: np.ndarray, w: float, b: float,
              optimizer_state: dict | None = None) -> None:
        """(Re)build every worker's model at (w, b), its DDP wrapper and its optimizer."""
        weights = None if config.weights is None else np.asarray(config.weights, np.float64)
        # Plain numbers, never tensors: torch pickles a tensor sent through a multiprocessing
        # pipe into shared memory, and every worker would then update the parent's momentum
        # buffers in place.
        state = None if optimizer_state is None else to_jsonable(optimizer_state)
        message = ("setup", config.to_dict(), np.ascontiguousarray(x, np.float64),
                   np.ascontiguousarray(y, np.float64), weights, float(w), float(b), state)
        self._send("setup", [message] * self.world_size)
        self._gather("setup", START_TIMEOUT)

    def step(self, shards: Sequence[np.ndarray], scale: float, detail: bool = True
             ) -> tuple[WorkerReport, ...]:
        """Every worker takes one step on its shard (dataset indices); returns their reports."""
        if len(shards) != self.world_size:
            raise ValueError(f"need {self.world_size} shards, got {len(shards)}")
        shards = [np.asarray(s, np.int64) for s in shards]
        self._send("step", [("step", s, float(scale), bool(detail)) for s in shards])
        replies = self._gather("step", STEP_TIMEOUT)
        return tuple(WorkerReport(r[0], r[1], s, *r[2:]) for r, s in zip(replies, shards,
                                                                         strict=True))

    def run(self, shards: Sequence[Sequence[np.ndarray]], scale: float) -> np.ndarray:
        """Several steps in one round trip (``submit`` then ``collect``)."""
        out = self.collect(self.submit(shards, scale))
        assert out is not None
        return out

    def submit(self, shards: Sequence[Sequence[np.ndarray]], scale: float) -> int:
        """Send several steps without waiting: ``shards[k][r]`` is worker r's shard in step k.
        Returns the ticket ``collect`` takes. The workers compute while the caller does other
        work; any other command first takes (and drops) the reply of a run not collected.

        One message per worker: its shards one after the other in one array, and each step's
        (start, stop) in it. A shard that is the same array object as the step before's (the
        whole dataset, every step) is sent once."""
        if any(len(step) != self.world_size for step in shards):
            raise ValueError(f"every step needs {self.world_size} shards")
        messages = []
        for r in range(self.world_size):
            parts, bounds, last, end = [], np.empty((len(shards), 2), np.int64), None, 0
            for k, step in enumerate(shards):
                if step[r] is not last:
                    last = step[r]
                    parts.append(np.asarray(last, np.int64))
                    end += parts[-1].size
                    bounds[k] = (end - parts[-1].size, end)
                else:
                    bounds[k] = bounds[k - 1]
            flat = np.concatenate(parts) if parts else np.empty(0, np.int64)
            messages.append(("run", flat, bounds, float(scale)))
        self._send("run", messages)
        self._ticket += 1
        self._inflight = (self._ticket, len(shards))
        return self._ticket

    def collect(self, ticket: int) -> np.ndarray | None:
        """The rows of the run ``ticket`` (waiting for it): shape (steps, world size, 5), each
        (local loss, all-reduced dL/dw, dL/db, w, b after the step); fewer steps than sent if
        one stopped being finite. None if that run's reply was already taken by another
        command (the workers then went on from where it left them)."""
        if self._inflight is None or self._inflight[0] != ticket:
            return None
        steps = self._inflight[1]
        self._inflight = None
        replies = self._gather("run", STEP_TIMEOUT + 0.01 * steps)
        m = min(len(r) for r in replies)
        return np.stack([r[:m] for r in replies], axis=1)
