"""Training in a child process: the same TrainerWorker, behind a pipe.

Why: in one process the window's painting (pyqtgraph draws in Python) and the training loop share
one GIL, and torch hands the GIL back and forth dozens of times per step, so every frame the
window draws is time the trainer waits. In its own process the trainer runs at the speed of a bare
PyTorch loop while the window draws as often as it likes, and a crash inside torch cannot take the
window (and the student's setup) down with it.

Shape:
- The child runs a QCoreApplication with the real :class:`~gradlab.worker.TrainerWorker` on its
  main thread. A reader thread receives ``(slot, args)`` commands from the pipe and queues them to
  the worker; every signal the worker emits is sent back as ``(signal, args)``.
- In the window's process, :class:`RemoteWorker` has exactly the TrainerWorker's signals and
  slots (generated from its meta-object, so a new slot or signal needs no change here): a slot
  sends the call down the pipe, and a reader QThread re-emits what comes back. The window cannot
  tell the difference except that it is faster.
- Everything crossing the pipe is plain picklable data (configs, datasets, frozen records and
  views); no tensor and no QObject ever does.
- Stopping: ``request_stop`` aborts a slice in progress and stops the worker; the child exits on
  its own (without the slow interpreter teardown of torch), and is terminated if it has not gone
  within ``STOP_TIMEOUT``. If the child dies unexpectedly the window is told, and the next Reset
  starts a new one.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QMetaMethod, QObject, QThread, Signal

from gradlab.worker import TrainerWorker

#: Seconds the child gets to stop on its own before it is terminated.
STOP_TIMEOUT = 0.6
#: Slots of TrainerWorker that are lifecycle, not commands.
_LIFECYCLE = {"start", "stop"}
_PY_TYPES: dict[str, type] = {"PyObject": object, "int": int, "double": float, "bool": bool,
                              "QString": str}


def _meta_methods(cls: type) -> tuple[dict[str, list[type]], dict[str, int]]:
    """(signals: name -> argument types, command slots: name -> argument count) of ``cls``."""
    meta = cls.staticMetaObject
    signals: dict[str, list[type]] = {}
    slots: dict[str, int] = {}
    for i in range(meta.methodOffset(), meta.methodCount()):
        method = meta.method(i)
        name = bytes(method.name().data()).decode()
        types = [bytes(t.data()).decode() for t in method.parameterTypes()]
        if method.methodType() == QMetaMethod.MethodType.Signal:
            signals[name] = [_PY_TYPES[t] for t in types]
        elif (method.methodType() == QMetaMethod.MethodType.Slot and not name.startswith("_")
              and name not in _LIFECYCLE):
            slots[name] = max(len(types), slots.get(name, 0))
    return signals, slots


SIGNALS, COMMANDS = _meta_methods(TrainerWorker)


# ---- the child process ---------------------------------------------------------------------


def child_main(conn: Any, config: Any, dataset: Any) -> None:
    """Entry point of the training process (must be importable: multiprocessing spawns it)."""
    from PySide6.QtCore import QCoreApplication, Qt, QTimer

    app = QCoreApplication.instance() or QCoreApplication([sys.argv[0]])
    worker = TrainerWorker(config, dataset)
    send_lock = threading.Lock()

    def forward(name: str, *args: Any) -> None:
        try:
            with send_lock:
                conn.send((name, args))
        except (OSError, ValueError):  # the window has gone: nobody to tell, just stop
            worker.request_stop()
            app.quit()

    for name in SIGNALS:
        getattr(worker, name).connect(functools.partial(forward, name))

    class Inbox(QObject):
        call = Signal(str, object)

    inbox = Inbox()

    def dispatch(name: str, args: tuple) -> None:
        if name == "stop":
            worker.stop()
        elif name in COMMANDS:
            getattr(worker, name)(*args)

    inbox.call.connect(dispatch, Qt.ConnectionType.QueuedConnection)

    def read() -> None:
        while True:
            try:
                name, args = conn.recv()
            except (EOFError, OSError):  # the window's process ended: stop too
                name, args = "stop", ()
            if name == "stop":
                worker.request_stop()  # thread-safe: a slice in progress ends early
            inbox.call.emit(name, args)
            if name == "stop":
                return

    worker.finished.connect(app.quit, Qt.ConnectionType.QueuedConnection)
    threading.Thread(target=read, name="gradlab-commands", daemon=True).start()
    QTimer.singleShot(0, worker.start)
    app.exec()
    try:
        with send_lock:
            conn.close()
    finally:
        # Skip the interpreter's teardown of torch (slow, and nothing is left to save).
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


# ---- the window's side ---------------------------------------------------------------------


def _context() -> Any:
    """Linux: a fork server that has imported torch once (each new training process then starts
    in milliseconds, not seconds); elsewhere (and frozen): spawn, the portable default."""
    if sys.platform.startswith("linux") and not getattr(sys, "frozen", False):
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


#: Imported once by the fork server (single-threaded: nothing here starts a thread or runs an op).
PRELOAD = ["gradlab.remote", "gradlab.core.trainer", "torch._dynamo"]


class _Reader(QThread):
    """Receives the child's signals and re-emits them on the RemoteWorker (queued to the GUI)."""

    def __init__(self, conn: Any, deliver: Callable[[str, tuple], None], parent: QObject | None
                 ) -> None:
        super().__init__(parent)
        self.setObjectName("gradlab-trainer-pipe")
        self._conn = conn
        self._deliver = deliver

    def run(self) -> None:
        while True:
            try:
                name, args = self._conn.recv()
            except (EOFError, OSError):
                self._deliver("_ended", ())
                return
            self._deliver(name, args)


def _remote_base() -> type:
    attrs: dict[str, Any] = {name: Signal(*types) for name, types in SIGNALS.items()}
    return type("_RemoteSignals", (QObject,), attrs)


class RemoteWorker(_remote_base()):  # type: ignore[misc]
    """TrainerWorker's signals and slots, served by a TrainerWorker in a child process."""

    #: the child process died without being asked to (its exit code)
    crashed = Signal(int)

    def __init__(self, config: Any, dataset: Any = None) -> None:
        super().__init__()
        self._config = config
        self._dataset = dataset
        self._process: Any = None
        self._conn: Any = None
        self._reader: _Reader | None = None
        self._stopping = False
        self._crashed = False
        self._parent: QObject | None = None
        self._send_lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        if name in COMMANDS:
            return functools.partial(self._send, name)
        raise AttributeError(name)

    # ---- lifecycle ----------------------------------------------------------------------------

    def launch(self, parent: QObject | None = None) -> QThread:
        """Start the training process and the thread that listens to it; returns that thread."""
        self._parent, self._crashed = parent, False
        ctx = _context()
        here, there = ctx.Pipe(duplex=True)
        process = ctx.Process(target=child_main, args=(there, self._config, self._dataset),
                              name="gradlab-trainer", daemon=True)
        process.start()
        there.close()  # the child holds its end; EOF on ours means it has gone
        self._process, self._conn, self._stopping = process, here, False
        self._reader = _Reader(here, self._deliver, parent)
        self._reader.start()
        return self._reader

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    def request_stop(self) -> None:
        """Stop the child and wait (at most about STOP_TIMEOUT) until it and the reader are gone."""
        self._stopping = True
        process = self._process
        if process is None:
            return
        self._send("stop")
        process.join(STOP_TIMEOUT)
        self._discard()

    def _discard(self) -> None:
        """End the child (terminated if it has not stopped) and the reader; close the pipe."""
        process = self._process
        if process is None:
            return
        if process.is_alive():
            process.terminate()
            process.join(0.3)
        if process.is_alive():
            process.kill()
            process.join()
        if self._reader is not None:
            self._reader.wait()
        if self._conn is not None:
            self._conn.close()
        process.close()
        self._process, self._conn = None, None

    # ---- traffic ------------------------------------------------------------------------------

    def _send(self, name: str, *args: Any) -> None:
        conn = self._conn
        if conn is None:
            return
        try:
            with self._send_lock:
                conn.send((name, args))
        except (OSError, ValueError):  # the child has gone; _deliver("_ended") reports it
            pass

    def set_config(self, config: Any, generation: int) -> None:
        self._config = config  # a restarted child starts from the latest settings
        self._send("set_config", config, generation)

    def reset(self, generation: int) -> None:
        """Back to step 0; after a crash, in a new training process."""
        if self._crashed and not self._stopping:
            self._discard()
            self.launch(self._parent)
        self._send("reset", generation)

    def set_dataset(self, config: Any, dataset: Any, generation: int) -> None:
        self._config, self._dataset = config, dataset
        self._send("set_dataset", config, dataset, generation)

    def _deliver(self, name: str, args: tuple) -> None:
        """Runs in the reader thread: emitting queues the call to the receivers' (GUI) thread."""
        if name == "_ended":
            if not self._stopping:
                process = self._process
                if process is not None:
                    process.join(1.0)
                code = -1 if process is None or process.exitcode is None else process.exitcode
                self._crashed = True
                self.crashed.emit(code)
            return
        if name == "data_loaded":
            self._config, self._dataset = args[0], args[1]
        elif name == "data_edited":
            self._config = args[0]
        getattr(self, name).emit(*args)
