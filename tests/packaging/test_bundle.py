"""The standalone executable: build it with the one documented command, then run the frozen app.

Opt-in (it builds a ~680 MB bundle in a clean venv, about 5 minutes on 2 cores):

    GRADLAB_PACKAGING=1 python -m pytest -s tests/packaging -m packaging

``GRADLAB_BUNDLE=/path/to/dist/gradlab/gradlab`` tests an existing build instead of building;
the bundle built here is deleted afterwards unless ``GRADLAB_KEEP_BUNDLE=1``.
Sizes and times are printed (``-s`` shows them), never asserted as timings.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD_LIMIT = 1800  # seconds; the build takes ~5 minutes here
RUN_LIMIT = 300
MAX_BUNDLE_BYTES = 750e6

pytestmark = [
    pytest.mark.packaging,
    pytest.mark.skipif(os.environ.get("GRADLAB_PACKAGING") != "1",
                       reason="builds the standalone bundle: set GRADLAB_PACKAGING=1 to run"),
]


def _load(name: str):  # noqa: ANN202 - a module from packaging/ (not an importable package)
    spec = importlib.util.spec_from_file_location(f"_gradlab_{name}",
                                                  ROOT / "packaging" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = _load("build")
measure = _load("measure")


class Bundle:
    def __init__(self, exe: Path, contents: str | None) -> None:
        self.exe = exe
        self.root = measure.bundle_dir(exe)
        #: the PyInstaller archive listing (modules in the executable), when we built it
        self.contents = contents


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bundle]:
    existing = os.environ.get("GRADLAB_BUNDLE")
    if existing:
        yield Bundle(Path(existing), None)
        return
    base = tmp_path_factory.mktemp("bundle")
    dist, work = base / "dist", base / "work"
    t0 = time.monotonic()
    proc = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "build.py"), "--dist", str(dist), "--work",
         str(work), "--archive"], capture_output=True, text=True, timeout=BUILD_LIMIT, cwd=ROOT)
    elapsed = time.monotonic() - t0
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    exe = Path(proc.stdout.strip().splitlines()[-1])  # the contract: the last line is the exe
    assert exe.is_file() and os.access(exe, os.X_OK), exe
    print(f"\nbuild: {elapsed:.0f} s with `python packaging/build.py --archive`")
    for line in proc.stdout.splitlines():
        if line.startswith("[build]"):
            print("  " + line)
    viewer = work / "venv" / ("Scripts" if os.name == "nt" else "bin") / "pyi-archive_viewer"
    listing = subprocess.run([str(viewer), "-r", "-b", str(exe)], capture_output=True,
                             text=True, timeout=120).stdout
    shutil.rmtree(work, ignore_errors=True)  # the build venv: ~1.5 GB nobody needs now
    yield Bundle(exe, listing)
    if not os.environ.get("GRADLAB_KEEP_BUNDLE"):
        shutil.rmtree(base, ignore_errors=True)  # ~0.9 GB with the archive


def _run(cmd: list[str], **env_changes: str | None) -> subprocess.CompletedProcess:
    """Run under coreutils `timeout` where there is one, and a Python-side limit anyway."""
    env = dict(os.environ)
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    guard = ["timeout", "-k", "10", str(RUN_LIMIT)] if shutil.which("timeout") else []
    return subprocess.run([*guard, *cmd], env=env, capture_output=True, text=True,
                          timeout=RUN_LIMIT + 30, cwd=ROOT)


def test_bundle_is_lean(bundle: Bundle) -> None:
    size = build.disk_usage(bundle.root)
    print(f"\nbundle {bundle.root}: {size / 1e6:.0f} MB on disk")
    for archive in bundle.root.parent.glob("gradlab-*.*"):
        print(f"archive {archive.name}: {archive.stat().st_size / 1e6:.0f} MB")
    assert size <= MAX_BUNDLE_BYTES
    files = {p.relative_to(bundle.root).as_posix() for p in bundle.root.rglob("*") if p.is_file()}
    internal = "Contents/Frameworks/" if sys.platform == "darwin" else "_internal/"
    assert any(f.endswith(("torch/bin/torch_shm_manager", "torch/bin/torch_shm_manager.exe"))
               for f in files) or os.name == "nt"  # import torch needs it (not on Windows)
    unwanted = [f for f in files if "/torch/test/" in f or "/torch/include/" in f
                or "/torch/share/" in f or f.endswith((".h", ".hpp", ".cmake", ".pyi"))
                or ("/torch/bin/" in f and "torch_shm_manager" not in f)
                or "/torch/lib/" in f and "test" in f.rsplit("/", 1)[1]
                or "pyqtgraph/examples/" in f]
    assert unwanted == []
    assert any(f.startswith(internal + "resources/") for f in files)
    if bundle.contents is not None:
        modules = {line.strip() for line in bundle.contents.splitlines()}
        for top in ("pytest", "_pytest", "pytestqt", "hypothesis", "tkinter", "matplotlib",
                    "PyQt5", "PyQt6", "PySide2", "tensorboard", "pyqtgraph.opengl",
                    "pyqtgraph.examples", "pyqtgraph.jupyter"):
            assert top not in modules, top
        for needed in ("gradlab.core.trainer", "gradlab.worker", "torch._dynamo", "sympy"):
            assert needed in modules, needed


def test_resources_are_in_the_bundle(bundle: Bundle) -> None:
    base = bundle.root / ("Contents/Resources" if sys.platform == "darwin" else "_internal")
    for src in (ROOT / "resources").rglob("*"):
        if src.is_file():
            shipped = base / "resources" / src.relative_to(ROOT / "resources")
            assert shipped.is_file(), shipped
            assert shipped.read_bytes() == src.read_bytes(), shipped


def test_frozen_self_test_passes_offscreen(bundle: Bundle) -> None:
    proc = _run([str(bundle.exe), "--self-test"], DISPLAY=None, WAYLAND_DISPLAY=None,
                QT_QPA_PLATFORM=None)
    assert proc.returncode == 0, proc.stderr
    line = proc.stdout.strip().splitlines()[-1]
    print("\n" + line)
    assert line.startswith("gradlab self-test: ok (frozen")
    assert "w 0.3 b 0.1 loss 30" in line


@pytest.mark.parametrize("args", [
    ["--preset", "seed", "--json"],
    ["--preset", "seed", "--json", "--reduction", "sum"],
    ["--preset", "noisy-line", "--json", "--steps", "30", "--optimizer", "adam",
     "--batch-size", "8", "--loss", "huber"],
], ids=["seed", "seed-sum", "noisy-adam-minibatch"])
def test_frozen_headless_trace_equals_source(bundle: Bundle, args: list[str]) -> None:
    frozen = _run([str(bundle.exe), "--headless", *args])
    source = _run([sys.executable, str(ROOT / "main.py"), "--headless", *args])
    assert source.returncode == 0, source.stderr
    assert frozen.returncode == 0, frozen.stderr
    assert frozen.stdout == source.stdout
    assert frozen.stdout.strip()
    if args == ["--preset", "seed", "--json"]:
        assert '"w": 0.3, "b": 0.1' in frozen.stdout


def test_frozen_exit_statuses_equal_source(bundle: Bundle) -> None:
    for args in (["--headless", "--preset", "seed", "--reduction", "none"],
                 ["--headless", "--lr", "fast"]):
        frozen = _run([str(bundle.exe), *args])
        source = _run([sys.executable, str(ROOT / "main.py"), *args])
        assert (frozen.returncode, frozen.stderr) == (source.returncode, source.stderr), args


@pytest.fixture(scope="module", autouse=True)
def _launch_figure(bundle: Bundle) -> Iterator[None]:
    """Not a test: once the bundle's tests have run, the packaging figure is printed (as
    ``python packaging/measure.py`` does): launch to window painted, frozen against source
    (budget: a ratio of at most 1.5). A timing is a figure to read, never an assertion."""
    yield
    r = measure.compare_launch(bundle.exe, runs=5)
    print(f"\nlaunch to window painted (median of 5): python main.py {r['source']:.2f} s, "
          f"frozen {r['frozen']:.2f} s, ratio {r['ratio']:.2f} (budget 1.5)")
