"""Faults: an exception injected at each place the worker can fail is shown and Reset recovers;
a worker whose PyTorch fails to load ends with a message, not a hang; closing while running, while
PyTorch loads and while a landscape is computing ends promptly and cleanly (times measured and
reported in the summary; the asserts only catch hangs).

Faults are injected into the worker in thread mode (the child process of the default mode cannot
be monkeypatched); the close times are measured in both modes.
"""

from __future__ import annotations

import importlib.abc
import sys
import threading
import time
from collections.abc import Callable

import pytest

import gradlab.views.panels as view_mod
import gradlab.views.teaching as teaching_mod
from gradlab.core import data as data_mod
from gradlab.core import trainer as trainer_mod
from gradlab.core.config import LabConfig
from tests.gui.checks import panels_finite
from tests.reliability import tally

SEED = LabConfig()
#: A hang, not a timing budget: the measured times are in the summary.
HANG = 5.0


class Fault:
    """A switch: while armed, the patched function raises; disarmed, it is the original."""

    def __init__(self, name: str, exc: type[BaseException] = RuntimeError) -> None:
        self.name, self.exc, self.armed, self.hits = name, exc, False, 0

    def wrap(self, original: Callable) -> Callable:
        def patched(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            if self.armed:
                self.hits += 1
                raise self.exc(f"injected fault in {self.name}")
            return original(*args, **kwargs)
        return patched


def shown_step(window, step: int) -> bool:  # noqa: ANN001
    return window.shown is not None and window.shown.step == step and not window.shown.running


def open_tab(window, name: str) -> None:  # noqa: ANN001
    index = next(i for i, n in window.teaching_tabs.names.items() if n == name)
    window.tabs.setCurrentIndex(index)


# Where a fault is injected, and how the test makes the worker reach that place.
def _run(window, qtbot) -> None:  # noqa: ANN001
    window.lab.run()


def _step(window, qtbot) -> None:  # noqa: ANN001
    window.lab.step()


def _change_lr(window, qtbot) -> None:  # noqa: ANN001
    window.lab.apply_config(window.lab.config.replace(lr=0.02))


def _open_reduction_tab(window, qtbot) -> None:  # noqa: ANN001
    open_tab(window, "reduction")


def _scrub(window, qtbot) -> None:  # noqa: ANN001
    window.lab.step(3)
    qtbot.waitUntil(lambda: shown_step(window, 3))
    window.lab.show_step(2)


def _import(window, qtbot) -> None:  # noqa: ANN001
    window.files.import_csv(__file__)  # any path: read_csv itself fails


INJECTIONS = {  # name -> (object, attribute, exception, how to get there)
    "Trainer.run while running": (trainer_mod.Trainer, "run", RuntimeError, _run),
    "Trainer.run on one step": (trainer_mod.Trainer, "run", ValueError, _step),
    "Trainer.preview after a change": (trainer_mod.Trainer, "preview", RuntimeError, _change_lr),
    "Trainer.state_dict (timeline snapshot) while running":
        (trainer_mod.Trainer, "state_dict", KeyError, _run),
    # The worker imports these where it calls them (after the window's first paint), so the
    # fault goes into the modules that define them.
    "build_view (the panels' numbers) while running": (view_mod, "build_view", ZeroDivisionError,
                                                       _run),
    "build_teaching (a teaching tab) while running": (teaching_mod, "build_teaching",
                                                      AttributeError, _run),
    "build_teaching on opening a tab": (teaching_mod, "build_teaching", IndexError,
                                        _open_reduction_tab),
    "Trainer.step (timeline replay)": (trainer_mod.Trainer, "step", RuntimeError, _scrub),
    "read_csv (an error that is not a DataError)": (data_mod, "read_csv", MemoryError, _import),
}


@pytest.mark.parametrize("name", INJECTIONS)
def test_an_injected_fault_is_shown_and_reset_recovers(make_lab, qtbot, monkeypatch,  # noqa: ANN001
                                                       name: str) -> None:
    target, attribute, exc, trigger = INJECTIONS[name]
    fault = Fault(name, exc)
    monkeypatch.setattr(target, attribute, fault.wrap(getattr(target, attribute)))
    window = make_lab(LabConfig(preset="noisy-line", n_points=200, lr=0.01),
                      worker_mode="thread")
    if name.startswith("build_teaching") and "running" in name:
        open_tab(window, "chain_rule")
        qtbot.waitUntil(lambda: window.lab.teaching is not None)
    fault.armed = True
    trigger(window, qtbot)
    qtbot.waitUntil(lambda: fault.hits > 0 and window.banner.isVisible(), timeout=10_000)
    tally.fault(name)
    text = window.banner.text()
    assert f"injected fault in {name}" in text and exc.__name__ in text, text
    assert "Reset" in text
    qtbot.waitUntil(lambda: not window.lab.running and window.controls.run_button.text() == "Run")
    assert panels_finite(window)
    # Still responsive while the fault is armed: a control change is taken.
    window.lab.apply_config(window.lab.config.replace(lr=0.03))
    qtbot.waitUntil(lambda: window.lab.config.lr == 0.03)
    # Disarmed, Reset recovers: step 0, no banner, and training works again.
    fault.armed = False
    window.tabs.setCurrentIndex(0)
    window.lab.reset()
    qtbot.waitUntil(lambda: shown_step(window, 0) and not window.banner.isVisible(),
                    timeout=10_000)
    window.lab.step(3)
    qtbot.waitUntil(lambda: shown_step(window, 3), timeout=10_000)
    assert window.lab.state == "paused" and panels_finite(window)
    window.lab.run()
    qtbot.waitUntil(lambda: window.shown.step > 50, timeout=10_000)
    window.lab.pause()
    qtbot.waitUntil(lambda: window.lab.state == "paused")


# ---- PyTorch that does not load -------------------------------------------------------------


class _Blocker(importlib.abc.MetaPathFinder):
    """Makes importing gradlab.core.trainer fail like a broken PyTorch install (after an
    optional delay, like a slow one)."""

    def __init__(self, exc: BaseException, delay: float = 0.0) -> None:
        self.exc, self.delay = exc, delay
        self.entered = threading.Event()

    def find_spec(self, name, path=None, target=None):  # noqa: ANN001, ANN201, ARG002
        if name == "gradlab.core.trainer":
            self.entered.set()
            time.sleep(self.delay)
            raise self.exc
        return None


@pytest.mark.parametrize("exc", [ImportError("No module named 'torch'"),
                                 OSError("[WinError 126] The specified module could not be "
                                         "found. Error loading c10.dll"),
                                 RuntimeError("CUDA driver initialisation failed")],
                         ids=["ImportError", "OSError from a DLL", "RuntimeError"])
def test_pytorch_that_fails_to_load_ends_with_a_message(make_lab, qtbot, monkeypatch,  # noqa: ANN001
                                                       exc: BaseException) -> None:
    monkeypatch.delitem(sys.modules, "gradlab.core.trainer")
    monkeypatch.setattr(sys, "meta_path", [_Blocker(exc), *sys.meta_path])
    window = make_lab(SEED, wait_ready=False, worker_mode="thread")
    qtbot.waitUntil(lambda: window.lab.state == "PyTorch failed to load", timeout=10_000)
    tally.fault(f"PyTorch import fails ({type(exc).__name__})")
    assert "PyTorch could not be loaded" in window.banner.text()
    assert type(exc).__name__ in window.banner.text()
    assert not window.controls.step_button.isEnabled()
    window.lab.step()  # a Step anyway (e.g. the shortcut) is ignored, not a crash
    t0 = time.perf_counter()
    window.close()
    assert time.perf_counter() - t0 < HANG and window.lab.worker_thread.isFinished()


def test_pytorch_whose_first_step_fails_ends_with_a_message(make_lab, qtbot, monkeypatch) -> None:  # noqa: ANN001
    fault = Fault("the warm-up step")
    monkeypatch.setattr(trainer_mod.Trainer, "step", fault.wrap(trainer_mod.Trainer.step))
    fault.armed = True
    window = make_lab(SEED, wait_ready=False, worker_mode="thread")
    qtbot.waitUntil(lambda: window.lab.state == "PyTorch failed to load", timeout=10_000)
    tally.fault("PyTorch's first step fails")
    assert "PyTorch failed its first step" in window.banner.text()


# ---- closing ------------------------------------------------------------------------------


def _close_timed(window, what: str) -> float:  # noqa: ANN001
    t0 = time.perf_counter()
    window.close()
    elapsed = time.perf_counter() - t0
    tally.timing(f"close {what}", elapsed)
    assert window.lab.worker_thread is None or window.lab.worker_thread.isFinished(), what
    assert elapsed < HANG, f"closing {what} took {elapsed:.1f} s"
    return elapsed


@pytest.mark.parametrize("mode", ["thread", "process"])
@pytest.mark.parametrize("n", [1000, 1_000_000])
def test_close_while_running(make_lab, qtbot, mode: str, n: int) -> None:  # noqa: ANN001
    preset = "large" if n == 1_000_000 else "noisy-line"
    window = make_lab(LabConfig(preset=preset, n_points=n, lr=0.01, batch_size=None),
                      worker_mode=mode)
    window.lab.run()
    qtbot.waitUntil(lambda: window.lab.state == "running" and window.shown.step >= 3,
                    timeout=30_000)
    _close_timed(window, f"while running, N = {n:,}, {mode}")


@pytest.mark.parametrize("mode", ["thread", "process"])
def test_close_while_a_landscape_is_computing(make_lab, qtbot, monkeypatch, mode: str) -> None:  # noqa: ANN001
    """MAE at N = 10^6: the costliest grid (chunked, subsampled to ~2·10^7 evaluations)."""
    import gradlab.views.teaching as tv

    entered = threading.Event()
    real = tv.loss_grid

    def watched(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        entered.set()
        return real(*args, **kwargs)

    monkeypatch.setattr(tv, "loss_grid", watched)  # seen in thread mode only
    window = make_lab(LabConfig(preset="large", loss="mae", lr=0.01, batch_size=1000),
                      worker_mode=mode)
    open_tab(window, "landscape")
    if mode == "thread":
        qtbot.waitUntil(entered.is_set, timeout=10_000)
    _close_timed(window, f"while a landscape computes (N = 10^6, MAE), {mode}")


def test_close_while_pytorch_loads_in_the_training_process(make_lab, qtbot, monkeypatch) -> None:  # noqa: ANN001
    """The default mode, started the portable way (spawn, as on Windows and macOS and in the
    bundle): the child imports PyTorch itself, for seconds; the window is closed meanwhile."""
    import multiprocessing

    import gradlab.remote as remote

    monkeypatch.setattr(remote, "_context", lambda: multiprocessing.get_context("spawn"))
    window = make_lab(SEED, wait_ready=False, worker_mode="process")
    qtbot.waitUntil(lambda: window.lab.worker_thread is not None
                    and window.lab.worker.pid is not None,
                    timeout=30_000)
    assert window.lab.state != "ready"  # PyTorch is still loading in the child
    link = window.lab.worker._link
    _close_timed(window, "while PyTorch loads (training process, spawn)")
    assert not link.process.is_alive()


def test_close_while_pytorch_loads_in_the_thread(make_lab, qtbot, monkeypatch) -> None:  # noqa: ANN001
    """Thread mode (the tests' mode): an import cannot be interrupted, so closing waits for it;
    here a 1.5 s import, to measure that wait. The window's default, a training process, does not
    wait (the test above)."""
    blocker = _Blocker(ImportError("slow and broken"), delay=1.5)
    monkeypatch.delitem(sys.modules, "gradlab.core.trainer")
    monkeypatch.setattr(sys, "meta_path", [blocker, *sys.meta_path])
    window = make_lab(SEED, wait_ready=False, worker_mode="thread")
    qtbot.waitUntil(blocker.entered.is_set, timeout=10_000)
    _close_timed(window, "while PyTorch loads (thread mode, a 1.5 s import)")
