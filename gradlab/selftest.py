"""``gradlab --self-test``: prove that this installation (a checkout, a wheel or the frozen app)
trains and draws, without a screen and without anyone watching.

It runs the article's worked example (the ``seed`` preset, one step of SGD with mean reduction)
through the real window, offscreen, and its *default* worker (whatever MainWindow ships with: a
thread or a training process), then checks w = 0.3, b = 0.1, loss 30, ∇ = (−30, −10) and that the
window rendered a real picture. One line on stdout and exit 0 if all is well; otherwise one line
on stderr naming the stage that failed, and exit 1.

It never hangs: a watchdog thread ends the process at the deadline (``GRADLAB_SELF_TEST_TIMEOUT``
seconds, default 120) saying which stage it was waiting for, and faulthandler is armed as a last
resort should even that thread be starved. A worker whose torch fails to import reports it, and
the self-test ends on that report.
"""

from __future__ import annotations

import faulthandler
import math
import os
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_FAILED = 0, 1
DEFAULT_TIMEOUT = 120.0
#: Expected after one step of the seed example (DESIGN.md, "The worked example").
EXPECTED = {"loss": 30.0, "grad_w": -30.0, "grad_b": -10.0, "w_after": 0.3, "b_after": 0.1}
TOLERANCE = 1e-6
SIZE = (1280, 800)


def _say(stream: Any, text: str) -> None:
    # A windowed executable on Windows has no stdout/stderr at all: the exit status still speaks.
    if stream is not None:
        stream.write(text + "\n")
        stream.flush()


def _timeout() -> float:
    raw = os.environ.get("GRADLAB_SELF_TEST_TIMEOUT", "")
    try:
        value = float(raw) if raw else DEFAULT_TIMEOUT
    except ValueError:
        value = DEFAULT_TIMEOUT
    return value if value > 0 else DEFAULT_TIMEOUT


class _Watchdog:
    """Ends the process at the deadline with the stage it was stuck in (no polite join: a stuck
    worker would hang the join too)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.stage = "starting"
        self.started = time.monotonic()
        self._done = threading.Event()
        threading.Thread(target=self._run, name="self-test-watchdog", daemon=True).start()
        stderr = sys.stderr if sys.stderr is not None else sys.__stderr__
        if stderr is not None:
            try:  # armed in C: fires even if the interpreter never gets the GIL back
                faulthandler.dump_traceback_later(seconds + 30, exit=True, file=stderr)
            except (ValueError, OSError, AttributeError):
                pass

    def _run(self) -> None:
        if not self._done.wait(self.seconds):
            fail(f"timed out after {self.seconds:g} s waiting for: {self.stage}")

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def cancel(self) -> None:
        self._done.set()
        faulthandler.cancel_dump_traceback_later()


def fail(reason: str) -> None:
    """Report and end the process at once, whatever the worker is doing."""
    _say(sys.stderr, f"gradlab: self-test failed: {reason}")
    if sys.stdout is not None:
        sys.stdout.flush()
    _stop_children()
    os._exit(EXIT_FAILED)


def _stop_children() -> None:
    """Kill the processes this one started (a training process, a fork server stuck importing
    torch): they would otherwise outlive a failed self-test."""
    import multiprocessing

    pids = [p.pid for p in multiprocessing.active_children()]
    server = getattr(sys.modules.get("multiprocessing.forkserver"), "_forkserver", None)
    pids.append(getattr(server, "_forkserver_pid", None))
    for pid in pids:
        if pid:
            try:
                os.kill(pid, 9)
            except OSError:
                pass


def check_record(record: Any) -> list[str]:
    """What differs from the worked example (empty if nothing)."""
    wrong = []
    for name, want in EXPECTED.items():
        got = float(getattr(record, name))
        if not (math.isfinite(got) and abs(got - want) <= TOLERANCE * max(1.0, abs(want))):
            wrong.append(f"{name} {got!r} (expected {want:g})")
    return wrong


def check_picture(image: Any, expected: tuple[int, int]) -> str | None:
    """None if ``image`` (a QImage of the window) looks rendered: the window's size, and more
    than a handful of colours (a blank or single-colour grab has one or two)."""
    if image.isNull():
        return "the window grab is empty"
    if (image.width(), image.height()) != expected:
        return f"the window grab is {image.width()}x{image.height()}, expected {expected[0]}x" \
               f"{expected[1]}"
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
               for y in range(0, image.height(), 7)}
    if len(colours) < 16:
        return f"the window grab has only {len(colours)} colours: nothing was drawn"
    return None


def run() -> int:
    """The self-test; returns EXIT_OK (every failure ends the process through ``fail``, even an
    unexpected exception: a windowed executable would otherwise wait on an error dialog)."""
    watchdog = _Watchdog(_timeout())
    try:
        return _run(watchdog)
    except Exception as exc:  # noqa: BLE001 - reported, then the process ends
        _crash(watchdog, exc)
        raise  # not reached: _crash ends the process


def _crash(watchdog: _Watchdog, exc: BaseException) -> None:
    if sys.stderr is not None:
        traceback.print_exception(exc, file=sys.stderr)
    fail(f"while waiting for {watchdog.stage}: {type(exc).__name__}: {exc}")


def _guarded(watchdog: _Watchdog, slot: Callable[..., None]) -> Callable[..., None]:
    """A slot whose exception ends the self-test (Qt would print it and carry on waiting)."""

    def wrapper(*args: Any) -> None:
        try:
            slot(*args)
        except Exception as exc:  # noqa: BLE001 - reported, then the process ends
            _crash(watchdog, exc)

    return wrapper


def _run(watchdog: _Watchdog) -> int:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ.pop("GRADLAB_STARTUP_PROBE", None)
    from gradlab.cli import build_parser, config_and_data_from_args, with_window_defaults
    from gradlab.ui.startup import after_steps, configure_pyqtgraph, grab

    watchdog.stage = "Qt and pyqtgraph to import"
    args = build_parser().parse_args(["--preset", "seed"])
    config, dataset = config_and_data_from_args(args)
    config = with_window_defaults(config, dataset, args.batch_size)
    configure_pyqtgraph("light")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from gradlab.resources import resource_path
    from gradlab.ui import theme as th
    from gradlab.ui.main_window import MainWindow
    from gradlab.ui.settings import Settings

    icon = resource_path("icons/gradlab.svg")  # FileNotFoundError names where it looked
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "gradlab"])
    watchdog.stage = "the window to be built"
    # The default worker (what ships); a check must not change the user's settings.
    window = MainWindow(config, dataset, th.LIGHT, settings=Settings(ephemeral=True))
    window.resize(*SIZE)
    times: dict[str, float] = {}
    result: dict[str, Any] = {}

    def on_ready() -> None:
        times["ready"] = watchdog.elapsed()
        watchdog.stage = "step 1 to come back from the worker"

    def on_done(update: Any) -> None:
        times["step"] = watchdog.elapsed()
        result["record"] = update.record
        QTimer.singleShot(0, finish)

    def on_trouble(message: str) -> None:
        fail(f"while waiting for {watchdog.stage}: {message}")

    def finish() -> None:
        watchdog.stage = "the window to render"
        wrong = check_record(result["record"])
        if wrong:
            fail("the seed example gave " + ", ".join(wrong))
        image = grab(window)
        problem = check_picture(image, SIZE)
        if problem:
            fail(problem)
        shot = Path(tempfile.mkdtemp(prefix="gradlab-self-test-")) / "window.png"
        if not image.save(str(shot), "PNG") or shot.stat().st_size < 10_000:
            fail(f"the screenshot {shot} was not written")
        result["shot"] = shot.stat().st_size
        shot.unlink()
        shot.parent.rmdir()
        window.close()
        app.exit(EXIT_OK)

    window.lab.ready.connect(_guarded(watchdog, on_ready))
    after_steps(window, 1, _guarded(watchdog, on_done), _guarded(watchdog, on_trouble))
    finish = _guarded(watchdog, finish)
    watchdog.stage = "the worker to be ready (PyTorch loading)"
    window.show()
    window.start()
    app.exec()
    watchdog.stage = "the worker to stop"
    window.shutdown()
    watchdog.cancel()
    if "shot" not in result:
        fail("the window closed before the self-test finished")
    r = result["record"]
    frozen = "frozen" if getattr(sys, "frozen", False) else "source"
    _say(sys.stdout,
         f"gradlab self-test: ok ({frozen}, {window.lab.worker_mode} worker, icon {icon.name}): "
         f"seed step 1 w {r.w_after:.6g} b {r.b_after:.6g} loss {r.loss:.6g}; "
         f"screenshot {SIZE[0]}x{SIZE[1]} {result['shot'] / 1e3:.0f} kB; worker ready "
         f"{times['ready']:.1f} s, step shown {times['step']:.1f} s after start")
    return EXIT_OK
