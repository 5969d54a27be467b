"""The window's entry point: ``python main.py [options]`` and ``--screenshot FILE``.

Imports Qt and pyqtgraph only inside ``main`` (after the arguments are checked) and never torch:
torch is loaded by the worker thread once the window is on screen.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from typing import NoReturn

from gradlab.cli import (
    UsageError,
    add_training_arguments,
    config_and_data_from_args,
    with_window_defaults,
)
from gradlab.core.config import LabConfig
from gradlab.core.data import Dataset
from gradlab.core.memory import give_back_freed_memory_promptly

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
#: Platforms that need no display server.
HEADLESS_PLATFORMS = {
    "offscreen", "minimal", "minimalegl", "vnc", "linuxfb", "eglfs", "vkkhrdisplay",
}
SCREENSHOT_TIMEOUT_MS = 180_000
NO_DISPLAY_HINT = (
    "gradlab: error: no display found (DISPLAY and WAYLAND_DISPLAY are not set); use "
    "--headless for a text trace or --screenshot FILE.png for a picture"
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, no usage dump
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gradlab", description="A desktop lab for gradient descent with PyTorch.")
    parser.add_argument("--screenshot", metavar="FILE.png",
                        help="render the window offscreen after --steps steps, save a PNG, exit")
    parser.add_argument("--size", default="1600x1000", metavar="WxH",
                        help="window size (default 1600x1000)")
    parser.add_argument("--theme", choices=("light", "dark", "projector"), default=None,
                        help="colours (default: the last one chosen, else light)")
    parser.add_argument("--presentation", action="store_true",
                        help="start in presentation mode (full screen, larger text)")
    parser.add_argument("--font-scale", type=int, metavar="PERCENT",
                        help="text and marker size in percent (70..250)")
    parser.add_argument("session_file", nargs="?", metavar="FILE.gradlab",
                        help="a saved session to open")
    parser.add_argument("--lang", metavar="LANG",
                        help="language of the window: en or zh_CN (default: the one chosen in "
                             "the Language menu, else the system's)")
    # A restart after the language changed carries the run over in a temporary session.
    parser.add_argument("--resume", metavar="FILE.gradlab", help=argparse.SUPPRESS)
    parser.add_argument("--self-test", action="store_true",
                        help="train the seed example through the real window offscreen, check "
                             "w = 0.3, b = 0.1 and the picture; exit 0 if all is well")
    add_training_arguments(parser)
    return parser


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise UsageError(f"argument --size: expected WxH such as 1600x1000, got {text!r}") from None
    if not (320 <= w <= 8192 and 240 <= h <= 8192):
        raise UsageError(f"argument --size: {w}x{h} is outside 320x240 .. 8192x8192")
    return w, h


def display_available(env: dict[str, str] | None = None, platform: str | None = None) -> bool:
    """False where Qt would abort for want of a display (Linux without X11/Wayland)."""
    env = dict(os.environ if env is None else env)
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux"):
        return True
    requested = env.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if requested in HEADLESS_PLATFORMS:
        return True
    if requested.startswith("wayland"):
        return bool(env.get("WAYLAND_DISPLAY"))
    if requested == "xcb":
        return bool(env.get("DISPLAY"))
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(argv)
        size = parse_size(args.size)
        font_scale = parse_font_scale(args.font_scale)
        if args.session_file and args.screenshot:
            raise UsageError("argument FILE.gradlab: cannot be combined with --screenshot")
        language = parse_language(args.lang)
        if not (args.screenshot or args.preset or args.data or args.session_file):
            args.preset = last_preset()  # where the user left off last time
        config, dataset = config_and_data_from_args(args)
        config = with_window_defaults(config, dataset, args.batch_size)
    except UsageError as exc:
        print(f"gradlab: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.self_test:
        gc.enable()  # app.main turned it off for a window's start-up; the self-test runs its own
        from gradlab.selftest import run as self_test

        return self_test()
    if args.screenshot:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    elif not display_available():
        print(NO_DISPLAY_HINT, file=sys.stderr)
        return EXIT_USAGE
    steps = args.steps if args.steps is not None else (1 if args.screenshot else 0)
    size_given = any(a == "--size" or a.startswith("--size=") for a in argv)
    return _run_window(config, dataset, size, steps, args.screenshot, args.theme,
                       presentation=args.presentation, font_scale=font_scale,
                       session_file=args.session_file, size_given=size_given,
                       language=language, resume=args.resume)


def parse_font_scale(percent: int | None) -> float | None:
    if percent is None:
        return None
    if not 70 <= percent <= 250:
        raise UsageError(f"argument --font-scale: {percent} is outside 70 .. 250 (percent)")
    return percent / 100


def parse_language(text: str | None) -> str | None:
    """``--lang``: "en", "zh_CN" (also spelled zh-CN, zh, zh_Hans); None when not given."""
    if text is None:
        return None
    from gradlab import i18n

    code = i18n.normalize(text)
    codes = [c for c, _ in i18n.available_languages()]
    if code not in codes:
        raise UsageError(f"argument --lang: {text!r} is not a language gradlab speaks; choose "
                         f"{' or '.join(codes)}")
    return code


def last_preset() -> str | None:
    """The preset the window showed when it was last closed (None: the default)."""
    from gradlab.ui.settings import Settings

    return Settings().last_preset()


def set_identity() -> None:
    """Application name and organisation (so QSettings land in the right place), version, and
    the desktop file's name (Wayland matches windows to ``gradlab.desktop`` by it)."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QGuiApplication

    from gradlab import __version__
    from gradlab.ui import settings as st

    QCoreApplication.setOrganizationName(st.ORGANIZATION)
    QCoreApplication.setOrganizationDomain(st.DOMAIN)
    QCoreApplication.setApplicationName(st.APPLICATION)
    QCoreApplication.setApplicationVersion(__version__)
    QGuiApplication.setDesktopFileName("gradlab")
    st.configure_store()


def collect_garbage_from_now_on() -> None:
    """Once the window is up: freeze what start-up made (long-lived modules, widgets, plots) into
    the collector's permanent generation, then turn collection back on if app.main turned it off.

    Later full collections then skip those ~10^5 objects: measured, a full collection in the
    running window takes under 0.1 ms instead of 31-45 ms.
    """
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def dispose(window) -> None:  # noqa: ANN001 - a Qt widget, imported lazily
    """Delete the closed window now, while the application lives, in Qt's own order (as every
    test does after each window), rather than leave it to the interpreter's exit: there the
    bindings delete whatever Qt objects are left in no fixed order, and about one exit in a
    dozen crashed (SIGSEGV after the last line of Python)."""
    from PySide6.QtCore import QCoreApplication, QEvent

    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _install_startup_probe(app, window) -> None:  # noqa: ANN001 - Qt objects, imported lazily
    """``GRADLAB_STARTUP_PROBE=painted|ready``: print when the window first painted / the worker
    became ready (``<event> <unix time>``) and quit after the named one. Used by the benchmark."""
    want = os.environ.get("GRADLAB_STARTUP_PROBE")
    if want not in ("painted", "ready"):
        return
    import time

    from PySide6.QtCore import QEvent, QObject, QTimer

    def report(event: str) -> None:
        print(event, repr(time.time()), flush=True)
        if event == want:
            QTimer.singleShot(0, window.close)

    class FirstPaint(QObject):
        def eventFilter(self, obj, ev):  # noqa: N802, ANN001 - Qt override
            if ev.type() == QEvent.Type.Paint:
                app.removeEventFilter(self)
                report("painted")
            return False

    probe = FirstPaint(window)
    app.installEventFilter(probe)
    window.lab.ready.connect(lambda: report("ready"))


def _run_window(config: LabConfig, dataset: Dataset, size: tuple[int, int], steps: int,
                screenshot: str | None, theme_name: str | None, *, presentation: bool = False,
                font_scale: float | None = None, session_file: str | None = None,
                size_given: bool = True, language: str | None = None,
                resume: str | None = None) -> int:
    set_identity()
    from gradlab.ui.settings import Settings

    # A screenshot looks the same on every machine and leaves the user's settings alone.
    settings = Settings(ephemeral=bool(screenshot))
    theme_name = theme_name or settings.theme()
    from gradlab.ui.startup import configure_pyqtgraph

    configure_pyqtgraph(theme_name)
    from PySide6.QtWidgets import QApplication

    from gradlab import i18n
    from gradlab.resources import app_icon
    from gradlab.ui import theme as th
    from gradlab.ui.main_window import MainWindow
    from gradlab.ui.view_options import ViewOptions

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "gradlab"])
    app.setApplicationName("gradlab")
    # This process draws; the training process trains. What the window frees (arrays that grow
    # with the history) goes back to the system at once (core/memory.py).
    give_back_freed_memory_promptly()
    # Before any widget exists: every text is translated as it is made.
    i18n.install(i18n.choose_language(language, settings.language() or None), app)
    icon = app_icon()
    if icon is not None:
        app.setWindowIcon(icon)
    if screenshot:  # exactly the size asked for, whatever the (offscreen) screen
        def place(options: ViewOptions) -> None:
            options.window.resize(*size)
    else:  # the saved geometry, or ``size`` at first; either fitted to the screen
        def place(options: ViewOptions) -> None:
            options.restore_geometry(size, size_given)
    window = MainWindow(config, dataset, th.THEMES[theme_name], settings=settings, place=place)
    if not screenshot:  # the saved dock layout (the geometry is in place)
        window.options.restore_state()
    if presentation:
        window.options.set_presentation(True, full_screen=not screenshot)
    if font_scale is not None:
        window.options.set_font_scale(font_scale)
    for path, open_it in ((session_file, window.files.open_session_from),
                          (resume, window.files.resume_from)):
        if path:
            window.lab.ready.connect(lambda p=path, f=open_it: f(p))
    outcome = {"code": EXIT_OK}
    if screenshot:
        _take_screenshot(app, window, steps, screenshot, outcome)
    elif steps > 0:
        window.lab.ready.connect(lambda: window.lab.step(steps))
    window.startup_done.connect(collect_garbage_from_now_on)
    _install_startup_probe(app, window)
    handler = None
    if not screenshot:  # an unexpected error is shown, with an offer to save the session
        from gradlab import crash

        handler = crash.install(app, window)
    window.show()
    if not screenshot:  # again with the frame the platform has now given it
        window.options.fit_to_screen()
    window.start()
    code = app.exec()
    window.shutdown()
    if handler is not None:  # the window is about to go: nothing left to show errors in
        handler.uninstall()
    dispose(window)
    if "gradlab.remote" in sys.modules:  # training ran in a child process: its server goes too
        sys.modules["gradlab.remote"].end_fork_server()
    return outcome["code"] if screenshot else code


def _take_screenshot(app, window, steps: int, path: str, outcome: dict) -> None:  # noqa: ANN001
    """After ``steps`` steps (or the banner's trouble), save the window as a PNG and quit."""
    from PySide6.QtCore import QTimer

    from gradlab.ui.startup import after_steps, grab

    done = {"flag": False}

    def finish() -> None:
        if done["flag"]:
            return
        done["flag"] = True
        if not grab(window).save(path, "PNG"):
            print(f"gradlab: error: cannot write {path}", file=sys.stderr)
            outcome["code"] = EXIT_FAILED
        window.close()
        app.exit(outcome["code"])

    def timed_out() -> None:
        print("gradlab: error: the screenshot timed out", file=sys.stderr)
        outcome["code"] = EXIT_FAILED
        finish()

    # After trouble, let the banner's update arrive and lay out first.
    after_steps(window, steps, lambda _update: QTimer.singleShot(0, finish),
                lambda _message: QTimer.singleShot(100, finish))
    QTimer.singleShot(SCREENSHOT_TIMEOUT_MS, timed_out)
