"""The code's shape, checked by tools rather than by memory: the import-linter contracts in
pyproject.toml (layers, no Qt below the window, pyqtgraph only in gradlab.ui), no import cycle
anywhere in gradlab (function-level imports included), and the size limits of modules and
functions."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "gradlab"
#: The lines a module and a function may have, and the window's own file.
MODULE_LINES, FUNCTION_LINES, WINDOW_LINES = 500, 80, 420


def test_lint_imports_keeps_every_contract() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command as c; c()"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 broken" in proc.stdout and " kept" in proc.stdout


def test_the_contracts_cover_every_package_and_loosen_nothing() -> None:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["importlinter"]
    layers = next(c for c in config["contracts"] if c["type"] == "layers")["layers"]
    named = {m.strip() for layer in layers for m in layer.split("|")}
    packages = {f"gradlab.{p.stem}" for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    packages |= {f"gradlab.{p.name}" for p in PACKAGE.iterdir()
                 if (p / "__init__.py").is_file()}
    assert packages <= named, f"not in any layer: {sorted(packages - named)}"
    assert all("ignore_imports" not in c for c in config["contracts"])


def test_no_import_cycle_between_any_two_modules() -> None:
    """Every import a -> b (at the top, in a function, or for type checking) with no way back
    from b to a."""
    graph = grimp.build_graph("gradlab", cache_dir=None)
    cycles = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if imported.startswith("gradlab") and imported != importer:
                back = graph.find_shortest_chain(importer=imported, imported=importer)
                if back is not None:
                    cycles.append((importer, *back))
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_nothing_below_the_window_names_gradlab_ui() -> None:
    below = [PACKAGE / "worker.py", PACKAGE / "remote.py", PACKAGE / "controller.py",
             *(PACKAGE / "core").glob("*.py"), *(PACKAGE / "views").glob("*.py")]
    named = [str(p.relative_to(ROOT)) for p in below if "gradlab.ui" in p.read_text("utf-8")]
    assert named == []


def test_modules_and_functions_stay_small() -> None:
    too_long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text("utf-8")
        name = str(path.relative_to(ROOT))
        lines = source.count("\n")
        limit = WINDOW_LINES if path.name == "main_window.py" else MODULE_LINES
        if lines > limit:
            too_long.append(f"{name}: {lines} lines (at most {limit})")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > FUNCTION_LINES:
                    too_long.append(f"{name}: {node.name}() {length} lines")
    assert too_long == []
