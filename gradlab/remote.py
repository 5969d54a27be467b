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
  sends the call down the pipe, and a reader thread re-emits what comes back. The controller
  cannot tell the difference except that it is faster.
- Everything crossing the pipe is plain picklable data (configs, datasets, frozen records and
  views); no tensor and no QObject ever does.
- Stopping: ``request_stop`` aborts a slice in progress and stops the worker; the child exits on
  its own (without the slow interpreter teardown of torch), and is terminated if it has not gone
  within ``STOP_TIMEOUT``. If the child dies unexpectedly ``crashed`` says so, and the
  controller's next Reset launches a new one with the current settings.
"""

from __future__ import annotations

import dataclasses
import functools
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QMetaMethod, QObject, Signal

from gradlab.core.messages import QT_TRANSLATE_NOOP, Message, error_message
from gradlab.worker import TrainerWorker

#: Seconds the child gets to stop on its own before it is terminated.
STOP_TIMEOUT = 0.6
# Seconds the child gives its worker to stop by itself (a slice ends at once, but a teaching
# view or a landscape at N = 10^6 takes seconds and cannot be interrupted) before it leaves
# anyway: it has nothing to save, and Ctrl+Q must end everything within a second.
CHILD_GRACE = 0.1
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

#: Per-sample arrays of a record cross the pipe only up to this size. The window draws from the
#: update's view (bars are grouped beyond a few hundred samples) and reads only the record's
#: numbers; at N = 10^6 the arrays would be 16 MB per update, and the pipe cannot drain faster
#: than the window's process gets its GIL between frames, so the trainer would wait on it.
PIPE_SAMPLES = 4096


def training_threads(cpus: int | None = None) -> int:
    """Threads torch may use for one op in the training process: all cores but one.

    The window's process needs a core to draw on while the trainer runs. If torch's OpenMP
    threads had every core, each parallel op would end at a barrier waiting for a thread the
    window has pushed off its core: measured here at N = 10^5 on 2 busy cores, 11 steps/s with
    two threads against 1 400 with one.
    """
    cpus = cpus if cpus is not None else (os.cpu_count() or 1)
    return max(1, cpus - 1)


def _leave_a_core_for_the_window() -> None:
    try:
        import torch
    except Exception:  # noqa: BLE001 - the worker reports a torch that cannot be imported
        return
    torch.set_num_threads(training_threads())


def slim(update: Any) -> Any:
    """``update`` as the window needs it: a record with its per-sample arrays dropped when they
    are large (``record.batch`` and ``per_sample_loss`` are then empty; its numbers are kept)."""
    record = update.record
    if record.batch.size <= PIPE_SAMPLES:
        return update
    empty = np.zeros(0)
    return dataclasses.replace(update, record=dataclasses.replace(
        record, batch=empty.astype(np.int64), per_sample_loss=empty))


class LayoutOnce:
    """A view's layout (the dataset's shown points and bar groups) crosses the pipe once per
    dataset: every update until the data change holds the same layout, and at N = 1 000 it was
    a third of each update (28 of 80 KB, pickled 40 times a second by the training process).
    ``pack`` runs in the child, ``unpack`` in the window's process, on the updates in order."""

    def __init__(self) -> None:
        self.last: Any = None

    def pack(self, update: Any) -> Any:
        """``update`` with its layout left out when the other side already has it."""
        view = update.view
        if view is None or view.layout is None:
            return update
        if view.layout is self.last:
            return dataclasses.replace(update, view=dataclasses.replace(view, layout=None))
        self.last = view.layout
        return update

    def unpack(self, update: Any) -> Any:
        """``update`` with the layout ``pack`` left out put back."""
        view = update.view
        if view is None:
            return update
        if view.layout is None:
            return dataclasses.replace(update, view=dataclasses.replace(view, layout=self.last))
        self.last = view.layout
        return update


def child_main(conn: Any, config: Any, dataset: Any) -> None:
    """Entry point of the training process (must be importable: multiprocessing spawns it)."""
    from PySide6.QtCore import QCoreApplication, Qt, QTimer

    # Ctrl+C in the terminal reaches the whole process group: the window decides what happens
    # (and stops this process); a KeyboardInterrupt here would only print a second traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _leave_a_core_for_the_window()

    app = QCoreApplication.instance() or QCoreApplication([sys.argv[0]])
    worker = TrainerWorker(config, dataset)
    send_lock = threading.Lock()
    layouts = LayoutOnce()

    def forward(name: str, *args: Any) -> None:
        try:
            with send_lock:  # packed in the order sent: the window unpacks in that order
                if name == "updated":
                    args = (layouts.pack(slim(args[0])),)
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
                leave = threading.Timer(CHILD_GRACE, _leave)
                leave.daemon = True
                leave.start()
                return

    worker.finished.connect(app.quit, Qt.ConnectionType.QueuedConnection)
    threading.Thread(target=read, name="gradlab-commands", daemon=True).start()
    QTimer.singleShot(0, worker.start)
    app.exec()
    try:
        with send_lock:
            conn.close()
    finally:
        _leave()


def _leave() -> None:
    """End the training process now, from any thread: skip the interpreter's teardown of torch
    (slow, and nothing is left to save)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def end_fork_server() -> None:
    """At the application's exit: end the fork server now. Left alone it would finish importing
    torch (when the window closes while it loads) or tear torch down, for seconds after the
    window's process has gone. Not waited for: freeing its memory takes the kernel a while, and
    once this process has gone the system reaps it."""
    from multiprocessing import forkserver

    pid = getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None)
    if pid is not None:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:  # already gone
            pass


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
PRELOAD = ["gradlab.remote", "gradlab.views.panels", "gradlab.views.teaching",
           "gradlab.core.trainer", "torch._dynamo"]


class _Link:
    """One training process, and the thread that starts it and then listens to it.

    Starting is done off the GUI thread: on Linux the fork server may still be importing torch,
    and ``Process.start`` waits for it. Commands sent before the child exists wait in ``outbox``.
    """

    def __init__(self, ctx: Any, config: Any, dataset: Any,
                 deliver: Callable[[str, tuple], None]) -> None:
        self.here, self._there = ctx.Pipe(duplex=True)
        self.process = ctx.Process(target=child_main, args=(self._there, config, dataset),
                                   name="gradlab-trainer", daemon=True)
        self.deliver = deliver
        self.lock = threading.Lock()
        self.outbox: list[tuple[str, tuple]] = []
        self.started = False
        self.stopping = False
        #: stopped before the process existed: nobody waits for this thread, it ends the child
        #: itself as soon as ``Process.start`` returns
        self.abandoned = False
        self.thread = threading.Thread(target=self._run, name="gradlab-trainer-link",
                                       daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.process.start()
        except Exception as exc:  # noqa: BLE001 - e.g. no resources for a new process
            # After ``stop`` (the window has closed, perhaps the interpreter is exiting and the
            # fork server has gone) a failed start is nobody's news: nothing is reported.
            self._tell("load_failed", (Message(QT_TRANSLATE_NOOP(
                "messages", "The training process could not start: {name}: {reason}"),
                name=type(exc).__name__, reason=error_message(exc)),))
            self.here.close()
            return
        finally:
            self._there.close()  # the child holds its own end: EOF on ours means it has gone
        with self.lock:
            self.started = True
            if not self.stopping:
                for message in self.outbox:
                    self._write(message)
            self.outbox = []
        if self.stopping:  # the window closed while the process was starting
            self._write(("stop", ()))
            self._end()
            self.here.close()
            return
        layouts = LayoutOnce()
        while True:
            try:
                name, args = self.here.recv()
            except (EOFError, OSError):
                break
            if name == "updated":
                args = (layouts.unpack(args[0]),)
            self._tell(name, args)
        if not self.stopping:
            self.process.join(1.0)
            code = self.process.exitcode
            self._tell("_crashed", (-1 if code is None else code,))
        self.here.close()

    def _tell(self, name: str, args: tuple) -> None:
        """Deliver one message unless the link was stopped: its receiver may be gone."""
        if self.stopping:
            return
        try:
            self.deliver(name, args)
        except RuntimeError:  # the receiver was deleted between the check and the emit
            if not self.stopping:
                raise

    def _write(self, message: tuple[str, tuple]) -> None:
        try:
            self.here.send(message)
        except (OSError, ValueError):  # the child has gone; the reader reports it
            pass

    def send(self, message: tuple[str, tuple]) -> None:
        with self.lock:
            if self.stopping:
                return
            if self.started:
                self._write(message)
            else:
                self.outbox.append(message)

    def _end(self) -> None:
        """Wait briefly for the child to stop by itself, then terminate it."""
        process = self.process
        process.join(STOP_TIMEOUT)
        if process.is_alive():
            process.terminate()
            process.join(0.3)
        if process.is_alive():
            process.kill()
            process.join()

    def stop(self) -> None:
        """Stop the child and the thread; returns within about a second even while starting."""
        with self.lock:
            if self.stopping:
                return
            if self.started:
                self._write(("stop", ()))
            self.stopping = True
            started = self.started
            self.abandoned = not started
        if started:
            self._end()
            self.thread.join(1.0)  # the pipe has closed: the reader ends at once
        # Still starting (the fork server may be importing torch for seconds): do not wait; the
        # thread ends the child itself the moment it exists.

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.started else None


class WorkerHandle:
    """What the window holds for its worker's thread: QThread's quit/wait/isFinished."""

    def __init__(self, remote: RemoteWorker) -> None:
        self._remote = remote

    def quit(self) -> None:
        """Nothing to do: ``request_stop`` has stopped the process."""

    def wait(self, msecs: int = 1000) -> bool:
        link = self._remote._link
        if link is not None and not self.isFinished():
            link.thread.join(msecs / 1000)
        return self.isFinished()

    def isFinished(self) -> bool:  # noqa: N802 - QThread's name
        """True once the thread has ended, or was told to stop before its process existed
        (it then ends that process by itself as soon as it starts)."""
        link = self._remote._link
        return link is None or not link.thread.is_alive() or link.abandoned


def _remote_base() -> type:
    attrs: dict[str, Any] = {name: Signal(*types) for name, types in SIGNALS.items()}
    return type("_RemoteSignals", (QObject,), attrs)


class RemoteWorker(_remote_base()):  # type: ignore[misc]
    """TrainerWorker's signals and slots, served by a TrainerWorker in a child process.

    Nothing here mirrors the run: after a crash the controller, which owns the settings,
    launches a new process with them (``launch(config, dataset)``).
    """

    #: the child process died without being asked to (its exit code)
    crashed = Signal(int)

    def __init__(self, config: Any, dataset: Any = None) -> None:
        super().__init__()
        self._config = config
        self._dataset = dataset
        self._link: _Link | None = None
        #: the process died without being asked to; ``launch`` starts a new one
        self.has_crashed = False

    def __getattr__(self, name: str) -> Any:
        if name in COMMANDS:
            return functools.partial(self._send, name)
        raise AttributeError(name)

    # ---- lifecycle ----------------------------------------------------------------------------

    def launch(self, config: Any = None, dataset: Any = None) -> WorkerHandle:
        """Start the training process (in the background) with ``config`` and ``dataset`` (by
        default the ones it was made with); returns a handle on its thread."""
        if config is not None:
            self._config, self._dataset = config, dataset
        self.has_crashed = False
        self._link = _Link(_context(), self._config, self._dataset, self._deliver)
        return WorkerHandle(self)

    @property
    def pid(self) -> int | None:
        return None if self._link is None else self._link.pid

    def request_stop(self) -> None:
        """Stop the child and wait (about a second at most) until it and its thread are gone."""
        if self._link is not None:
            self._link.stop()

    # ---- traffic ------------------------------------------------------------------------------

    def _send(self, name: str, *args: Any) -> None:
        if self._link is not None:
            self._link.send((name, args))

    def _deliver(self, name: str, args: tuple) -> None:
        """Runs in the reader thread: emitting queues the call to the receivers' (GUI) thread."""
        if name == "_crashed":
            self.has_crashed = True
            self.crashed.emit(*args)
            return
        getattr(self, name).emit(*args)
