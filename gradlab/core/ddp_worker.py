"""One data-parallel worker process: its gloo group on 127.0.0.1, its DDP model, its steps.

``gradlab.core.distributed.WorkerGroup`` starts W of these (``worker_main``) and talks to them
over pipes; this module is what runs inside each.
"""

from __future__ import annotations

import math
import multiprocessing.connection as mpc
import os
import sys
import traceback
from datetime import timedelta

import numpy as np
import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

from gradlab.core.config import LabConfig
from gradlab.core.losses import per_sample_loss, reduced_loss
from gradlab.core.optim import bare_step, make_optimizer
from gradlab.core.optimizer_state import from_jsonable
from gradlab.core.trainer import DTYPE

HOST = "127.0.0.1"
#: Seconds to wait for one step (or a collective) before the group is ended.
STEP_TIMEOUT = 60.0


def loopback_device() -> str | None:
    """The loopback interface's name for GLOO_SOCKET_IFNAME (None where gloo picks by host)."""
    if sys.platform.startswith("linux"):
        return "lo"
    if sys.platform == "darwin":
        return "lo0"
    return None


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
        # The same update as optimizer.step(), minus torch.optim's profiler range (trainer.py).
        self.optimizer_step = bare_step(self.optimizer)

    def _local_loss(self, idx: torch.Tensor, scale: float,
                    xy: tuple[torch.Tensor, torch.Tensor] | None = None) -> torch.Tensor:
        """Forward through DDP and backward of the local loss × scale; returns the loss.
        ``xy``: the shard's samples, already gathered. A scale of 1 multiplies nothing (the
        same numbers: x · 1.0 is x). Mean and sum are PyTorch's own reduced losses, as the
        trainer's (core/losses.py: the same numbers as the per-sample losses reduced)."""
        x, y = xy if xy is not None else (self.x[idx], self.y[idx])
        red = self.config.reduction
        if red != "weighted":  # ('none' never reaches the workers: dataparallel.py refuses it)
            loss = reduced_loss(self.ddp(x), y, self.config.loss,
                                "mean" if red == "mean" else "sum")
            if scale != 1.0:
                loss = loss * scale
            loss.backward()
            return loss.detach()
        per = per_sample_loss(self.ddp(x), y, self.config.loss)
        n = idx.numel()
        v = torch.full((n,), 1.0 / n, dtype=DTYPE) if self.weights is None \
            else self.weights[idx]
        per.backward(gradient=v * scale)
        return (per.detach() * v).sum() * scale

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
        loss = self._local_loss(t, scale)
        reduced = (w.grad.item(), b.grad.item())
        self.optimizer_step()
        w.grad = b.grad = None
        return (self.rank, os.getpid(), loss.item(), *local, *reduced, w.item(), b.item())

    def run(self, flat: np.ndarray, bounds: np.ndarray, scale: float) -> np.ndarray:
        """Several steps in one message (training): step k's shard is
        ``flat[bounds[k, 0]:bounds[k, 1]]``. Returns one row per step: (local loss, all-reduced
        dL/dw and dL/db, w and b after the step). Stops after the first step whose loss,
        gradient or parameters are not finite (the same step on every worker, so the
        collectives stay in step)."""
        indices = torch.from_numpy(flat)
        w, b = self.model.w, self.model.b
        out = np.empty((len(bounds), 5))
        key, t, xy = None, indices, None
        for k, (start, stop) in enumerate(bounds.tolist()):
            if (start, stop) != key:  # a new shard (the whole dataset's stays the same)
                key, t = (start, stop), indices[start:stop]
                xy = (self.x[t], self.y[t])
            loss = self._local_loss(t, scale, xy)
            row = (loss.item(), w.grad.item(), b.grad.item())
            self.optimizer_step()
            w.grad = b.grad = None
            out[k] = row = (*row, w.item(), b.item())
            if not all(map(math.isfinite, row)):
                return out[: k + 1]
        return out


def worker_main(rank: int, world: int, port: int, conn: mpc.Connection) -> None:
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
