"""Build the standalone gradlab: ``python packaging/build.py [--dist DIR] [--archive]``.

1. makes a clean virtual environment (test tools and whatever else the calling Python has do not
   leak into the bundle), installs the CPU build of torch first, then gradlab's dependencies from
   pyproject.toml and the pinned PyInstaller;
2. runs PyInstaller on packaging/gradlab.spec;
3. reports the bundle's size (and, with ``--archive``, writes the .zip / .tar.gz to hand out);
4. prints the finished executable's path as its last line.

Runs on Linux, Windows and macOS with the Python that will be frozen (3.10 or newer).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "gradlab.spec"
#: the build tool, pinned: a new PyInstaller or hooks release can change what lands in the bundle
BUILD_REQUIREMENTS = ["pyinstaller==6.22.3", "pyinstaller-hooks-contrib==2026.9"]
#: torch is installed on its own, first: an unpinned torch on Linux pulls GB of CUDA libraries
DEFAULT_TORCH = "torch==2.13.*"


def log(message: str) -> None:
    print(f"[build] {message}", flush=True)


def project_dependencies() -> list[str]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10: pip vendors the same parser
        from pip._vendor import tomli as tomllib  # type: ignore[no-redef]
    with open(ROOT / "pyproject.toml", "rb") as f:
        return list(tomllib.load(f)["project"]["dependencies"])


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def executable_path(dist: Path) -> Path:
    if sys.platform == "darwin":
        return dist / "gradlab.app" / "Contents" / "MacOS" / "gradlab"
    return dist / "gradlab" / ("gradlab.exe" if os.name == "nt" else "gradlab")


def bundle_root(dist: Path) -> Path:
    return dist / ("gradlab.app" if sys.platform == "darwin" else "gradlab")


def disk_usage(path: Path) -> int:
    """Bytes the folder takes on disk (allocated blocks where the OS reports them, like du)."""
    total = 0
    for p in path.rglob("*"):
        if p.is_symlink() or not p.is_file():
            continue
        st = p.stat()
        blocks = getattr(st, "st_blocks", None)
        total += blocks * 512 if blocks is not None else st.st_size
    return total


def archive_name() -> str:
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)
    return f"gradlab-{system}-{platform.machine().lower()}"


def make_archive(dist: Path) -> Path:
    """A .zip on Windows and macOS, a .tar.gz on Linux (keeps symlinks and the executable bit)."""
    root = bundle_root(dist)
    if not sys.platform.startswith("linux"):
        return Path(shutil.make_archive(str(dist / archive_name()), "zip", root_dir=dist,
                                        base_dir=root.name))
    path = dist / f"{archive_name()}.tar.gz"
    # gzip level 6: within 1% of level 9's size in less than half the time
    with tarfile.open(path, "w:gz", compresslevel=6) as tar:
        tar.add(root, arcname=root.name)
    return path


def run(cmd: list[str], log_file: Path | None = None, env: dict[str, str] | None = None) -> None:
    """Run a build step; on failure show the end of its output and stop."""
    if log_file is None:
        subprocess.run(cmd, check=True, env=env)
        return
    with open(log_file, "w", encoding="utf-8") as out:
        proc = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
    if proc.returncode != 0:
        tail = log_file.read_text(encoding="utf-8", errors="replace").splitlines()[-40:]
        print("\n".join(tail), file=sys.stderr)
        raise SystemExit(f"build: {cmd[2] if len(cmd) > 2 else cmd[0]} failed "
                         f"(exit {proc.returncode}); full log: {log_file}")


def clean_env() -> dict[str, str]:
    """The environment for the build's own Python: nothing from the caller's sys.path."""
    env = dict(os.environ)
    for key in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV"):
        env.pop(key, None)
    env["PYTHONNOUSERSITE"] = "1"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def make_venv(venv: Path, torch: str, torch_index: str | None, env: dict[str, str]) -> Path:
    run([sys.executable, "-m", "venv", "--clear", str(venv)], env=env)
    py = str(venv_python(venv))
    pip = [py, "-m", "pip", "install", "--quiet"]
    run([*pip, torch, *(["--index-url", torch_index] if torch_index else [])], env=env)
    run([*pip, *project_dependencies(), *BUILD_REQUIREMENTS], env=env)
    return venv_python(venv)


def build(dist: Path, work: Path, torch: str, torch_index: str | None, archive: bool) -> Path:
    env = clean_env()
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    log(f"clean virtual environment in {work / 'venv'} ({torch} first)")
    py = make_venv(work / "venv", torch, torch_index, env)
    t1 = time.perf_counter()
    log(f"environment ready in {t1 - t0:.0f} s; running PyInstaller (log: "
        f"{work / 'pyinstaller.log'})")
    run([str(py), "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", str(dist), "--workpath", str(work / "pyinstaller"), str(SPEC)],
        log_file=work / "pyinstaller.log", env=env)
    t2 = time.perf_counter()
    exe = executable_path(dist)
    if not exe.is_file():
        raise SystemExit(f"build: PyInstaller finished but {exe} is missing")
    size = disk_usage(bundle_root(dist))
    log(f"PyInstaller took {t2 - t1:.0f} s; bundle {bundle_root(dist)}: "
        f"{size / 1e6:.0f} MB on disk")
    if archive:
        path = make_archive(dist)
        log(f"archive {path}: {path.stat().st_size / 1e6:.0f} MB "
            f"({time.perf_counter() - t2:.0f} s)")
    log(f"total {time.perf_counter() - t0:.0f} s")
    return exe


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python packaging/build.py",
        description="Build the standalone gradlab folder with PyInstaller in a clean venv.")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist",
                        help="where the bundle goes (default: dist/ in the checkout, which git "
                             "ignores)")
    parser.add_argument("--work", type=Path, default=None,
                        help="build environment and PyInstaller's work files "
                             "(default: build/packaging/ in the checkout, ignored by git)")
    parser.add_argument("--archive", action="store_true",
                        help="also pack the bundle (.tar.gz on Linux, .zip elsewhere) into --dist")
    parser.add_argument("--torch", default=DEFAULT_TORCH,
                        help=f"torch requirement installed first (default {DEFAULT_TORCH!r})")
    parser.add_argument("--torch-index", metavar="URL",
                        help="index for torch, e.g. https://download.pytorch.org/whl/cpu on Linux "
                             "(PyPI's Linux torch brings GB of CUDA libraries)")
    args = parser.parse_args(argv)
    dist = args.dist.resolve()
    work = (args.work or ROOT / "build" / "packaging").resolve()
    exe = build(dist, work, args.torch, args.torch_index, args.archive)
    print(exe, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
