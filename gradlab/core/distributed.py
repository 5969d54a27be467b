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

``gradlab.core.dataparallel.ParallelTrainer`` trains through a group.
"""

from __future__ import annotations

import math
import multiprocessing as mp
import multiprocessing.connection as mpc
import os
import socket
import sys
import time
import traceback
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch._dynamo  # noqa: F401 - DDP's constructor imports it: load it once, in the fork server
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

from gradlab.core.config import LabConfig
from gradlab.core.messages import QT_TRANSLATE_NOOP, Message
from gradlab.core.optimizer_state import from_jsonable, to_jsonable
from gradlab.core.splitting import MAX_WORKERS
from gradlab.core.trainer import DTYPE, make_optimizer, per_sample_loss

HOST = "127.0.0.1"
#: Seconds to wait for a group to start / for one step before the group is ended.
START_TIMEOUT = 120.0
STEP_TIMEOUT = 60.0


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


def loopback_device() -> str | None:
    """The loopback interface's name for GLOO_SOCKET_IFNAME (None where gloo picks by host)."""
    if sys.platform.startswith("linux"):
        return "lo"
    if sys.platform == "darwin":
        return "lo0"
    return None


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


# ---- the worker process ------------------------------------------------------------------------


class LineModel(torch.nn.Module):
    """y = w·x + b with float64 parameters w and b."""

    def __init__(self, w: float, b: float) -> None:
        super().__init__()
        self.w = torch.nn.Parameter(torch.tensor(w, dtype=DTYPE))
        self.b = torch.nn.Parameter(torch.tensor(b, dtype=DTYPE))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.w * x + self.b


class _Worker:
    """The state of one worker process: its DDP model, optimizer and the dataset."""

    def __init__(self, rank: int, world: int) -> None:
        self.rank, self.world = rank, world
        self.ddp: DistributedDataParallel | None = None

    def setup(self, cfg: dict, x: np.ndarray, y: np.ndarray, weights: np.ndarray | None,
              w: float, b: float, opt_state: dict | None) -> None:
        self.config = LabConfig.from_dict(cfg)
        self.x, self.y = torch.from_numpy(x), torch.from_numpy(y)
        self.weights = None if weights is None else torch.from_numpy(weights)
        self.model = LineModel(w, b)
        self.ddp = DistributedDataParallel(self.model)  # collective: every rank builds it now
        self.optimizer = make_optimizer(self.config, [self.model.w, self.model.b])
        if opt_state is not None:
            self.optimizer.load_state_dict(from_jsonable(opt_state))

    def _local_loss(self, idx: torch.Tensor, scale: float) -> tuple[torch.Tensor, torch.Tensor]:
        """Forward through DDP and backward of the local loss × scale; returns (loss, per)."""
        per = per_sample_loss(self.ddp(self.x[idx]), self.y[idx], self.config.loss)
        red = self.config.reduction
        if red == "weighted":
            n = idx.numel()
            v = torch.full((n,), 1.0 / n, dtype=DTYPE) if self.weights is None \
                else self.weights[idx]
            per.backward(gradient=v * scale)
            return (per.detach() * v).sum() * scale, per
        loss = (per.mean() if red == "mean" else per.sum()) * scale
        loss.backward()
        return loss.detach(), per

    def step(self, idx: np.ndarray, scale: float, detail: bool) -> tuple:
        """One step. The local gradient is taken inside ``no_sync()``: DDP's all-reduce hooks
        are off, so backward leaves exactly this worker's own gradient in .grad; it is read and
        cleared, and the same loss is then run again with the hooks on, so that .grad ends up
        holding what the all-reduce made of every worker's gradient."""
        t = torch.from_numpy(idx)
        w, b = self.model.w, self.model.b
        local = (float("nan"), float("nan"))
        if detail:
            with self.ddp.no_sync():
                self._local_loss(t, scale)
            local = (w.grad.item(), b.grad.item())
            w.grad = b.grad = None
        loss, _ = self._local_loss(t, scale)
        reduced = (w.grad.item(), b.grad.item())
        self.optimizer.step()
        w.grad = b.grad = None
        return (self.rank, os.getpid(), idx, loss.item(), *local, *reduced, w.item(), b.item())


    def run(self, shards: list[np.ndarray], scale: float) -> list[tuple]:
        """Several steps in one message (training): stops after the first step whose
        all-reduced gradient or parameters are not finite (the same step on every worker, so
        the collectives stay in step)."""
        out = []
        for idx in shards:
            reply = self.step(idx, scale, False)
            out.append(reply)
            if not all(map(math.isfinite, reply[6:])):
                break
        return out


def _worker_main(rank: int, world: int, port: int, conn: mpc.Connection) -> None:
    """A worker's whole life: join the gloo group on 127.0.0.1, serve commands, leave."""
    os.environ["MASTER_ADDR"] = HOST
    os.environ["MASTER_PORT"] = str(port)
    device = loopback_device()
    if device is not None:
        os.environ["GLOO_SOCKET_IFNAME"] = device
    torch.set_num_threads(1)  # W workers on a shared machine: one thread each
    worker = _Worker(rank, world)
    joined = False
    try:
        dist.init_process_group("gloo", rank=rank, world_size=world,
                                timeout=timedelta(seconds=STEP_TIMEOUT))
        joined = True
        conn.send(("ready", os.getpid()))
        while True:
            command, *args = conn.recv()
            if command == "close":
                break
            if command == "setup":
                worker.setup(*args)
                conn.send(("ok", None))
            elif command == "step":
                conn.send(("ok", worker.step(*args)))
            elif command == "run":
                conn.send(("ok", worker.run(*args)))
    except (EOFError, KeyboardInterrupt):  # the parent went away: just leave
        pass
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which ends the group
        try:
            conn.send(("error", f"{type(exc).__name__}: {exc}".strip(),
                       traceback.format_exc(limit=3)))
        except OSError:
            pass
    finally:
        if joined:
            try:
                dist.destroy_process_group()
            except Exception:  # noqa: BLE001, S110 - leaving anyway
                pass
        conn.close()


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
                p = ctx.Process(target=_worker_main, args=(rank, self.world_size, self.port,
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
        self._send("step", [("step", np.asarray(s, np.int64), float(scale), bool(detail))
                            for s in shards])
        replies = self._gather("step", STEP_TIMEOUT)
        return tuple(WorkerReport(*r) for r in replies)

    def run(self, shards: Sequence[Sequence[np.ndarray]], scale: float
            ) -> list[tuple[WorkerReport, ...]]:
        """Several steps in one round trip: ``shards[k][r]`` is worker r's shard in step k.
        Returns each step's reports (without local gradients); fewer than asked if a step's
        gradient or parameters stopped being finite."""
        if any(len(step) != self.world_size for step in shards):
            raise ValueError(f"every step needs {self.world_size} shards")
        self._send("run", [("run", [np.asarray(step[r], np.int64) for step in shards],
                            float(scale)) for r in range(self.world_size)])
        replies = self._gather("run", STEP_TIMEOUT + 0.01 * len(shards))
        steps = min(len(r) for r in replies)
        return [tuple(WorkerReport(*replies[r][k]) for r in range(self.world_size))
                for k in range(steps)]
