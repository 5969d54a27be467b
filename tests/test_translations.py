"""The translation catalogs: complete, up to date with the code, compiled, and extractable.

Every string on screen goes through ``translate("Context", "literal")`` (the UI) or
``Message(QT_TRANSLATE_NOOP("messages", "literal"), ...)`` (the Qt-free core and the worker);
lupdate collects them into ``resources/translations/*.ts``. These tests need no display and no
window: they read the catalogs and run PySide6's own lupdate / lrelease.
"""

from __future__ import annotations

import ast
import re
import shutil
import string
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from gradlab import i18n

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "gradlab"
TS_FILES = i18n.ts_files()
#: The translation functions themselves (they pass a context and text through).
MACHINERY = {PACKAGE / "i18n.py", PACKAGE / "core" / "messages.py"}
UPDATE = "run `python -m gradlab.i18n --update` and translate what it adds"


def messages(ts: Path) -> dict[tuple[str, str, str], ET.Element]:
    """(context, source, disambiguation comment) -> <message> of one catalog."""
    out = {}
    for ctx in ET.parse(ts).getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            out[(name, msg.findtext("source") or "", msg.findtext("comment") or "")] = msg
    return out


def fields(text: str) -> Counter:
    """The replacement fields of a str.format template, with conversion and format spec."""
    return Counter((name, conv, spec) for _, name, spec, conv in string.Formatter().parse(text)
                   if name is not None)


def tags(text: str) -> Counter:
    return Counter(re.findall(r"</?[a-z]+[^>]*>", text))


def test_there_is_a_simplified_chinese_catalog() -> None:
    assert [ts.name for ts in TS_FILES] == ["gradlab_zh_CN.ts"]
    codes = [code for code, _ in i18n.available_languages()]
    assert codes == ["en", "zh_CN"]


@pytest.mark.parametrize("ts", TS_FILES, ids=lambda p: p.stem)
def test_every_message_is_translated(ts: Path) -> None:
    missing, marked = [], []
    for key, msg in messages(ts).items():
        tr = msg.find("translation")
        forms = tr.findall("numerusform") or [tr]
        if any(not (f.text or "").strip() for f in forms):
            missing.append(key)
        if tr.get("type") in ("unfinished", "obsolete", "vanished"):
            marked.append((tr.get("type"), key))
    assert not missing, f"no translation in {ts.name}: {missing[:10]} ({len(missing)} in all)"
    assert not marked, f"marked in {ts.name}: {marked[:10]} ({len(marked)} in all)"


@pytest.mark.parametrize("ts", TS_FILES, ids=lambda p: p.stem)
def test_translations_keep_every_placeholder_and_tag(ts: Path) -> None:
    """Numbers are filled in after translating: a translation must keep each {field} (with its
    !r and format spec) exactly, and the same HTML tags."""
    bad = []
    for (context, source, _), msg in messages(ts).items():
        text = msg.findtext("translation") or ""
        if fields(text) != fields(source) or tags(text) != tags(source):
            bad.append((context, source, text))
    assert not bad, bad


@pytest.mark.parametrize("ts", TS_FILES, ids=lambda p: p.stem)
def test_catalog_is_up_to_date_with_the_code(ts: Path, tmp_path: Path) -> None:
    fresh = tmp_path / ts.name
    shutil.copy(ts, fresh)
    i18n.lupdate(fresh)
    have, want = set(messages(ts)), set(messages(fresh))
    assert not want - have, f"not in {ts.name} yet: {sorted(want - have)[:10]}; {UPDATE}"
    assert not have - want, f"no longer in the code: {sorted(have - want)[:10]}; {UPDATE}"


@pytest.mark.parametrize("ts", TS_FILES, ids=lambda p: p.stem)
def test_compiled_catalog_matches_its_source(ts: Path, tmp_path: Path) -> None:
    shipped = ts.with_suffix(".qm")
    assert shipped.is_file(), f"{shipped.name} is missing: run `python -m gradlab.i18n --release`"
    fresh = i18n.lrelease(ts, tmp_path / shipped.name)
    assert fresh.read_bytes() == shipped.read_bytes(), \
        f"{shipped.name} is stale: run `python -m gradlab.i18n --release`"


# ---- the code marks its strings in a way lupdate can see ----------------------------------------


def _calls() -> list[tuple[Path, ast.Call, str, bool]]:
    """Every call of translate / QT_TRANSLATE_NOOP / Message / tr in the package:
    (file, call, function name, inside an f-string)."""
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path in MACHINERY:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        in_fstring: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                in_fstring.update(id(n) for n in ast.walk(node))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else \
                func.attr if isinstance(func, ast.Attribute) else ""
            if name in ("translate", "QT_TRANSLATE_NOOP", "QT_TR_NOOP", "Message", "tr"):
                out.append((path, node, name, id(node) in in_fstring))
    return out


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{node.lineno}"


def test_marked_strings_are_literal_calls_lupdate_extracts() -> None:
    """lupdate silently skips a call with keyword arguments or inside an f-string, and takes
    the context of ``self.tr`` from the class it is written in (PySide uses the object's class
    at run time): only ``translate("Ctx", ...)`` and ``QT_TRANSLATE_NOOP("Ctx", "...")``."""
    catalog = {(c, s) for c, s, _ in messages(TS_FILES[0])}
    problems = []
    for path, call, name, in_fstring in _calls():
        where = _where(path, call)
        if name in ("tr", "QT_TR_NOOP"):
            problems.append(f"{where}: {name}() has no reliable context; use translate()")
            continue
        if name == "translate" and isinstance(call.func, ast.Attribute) and \
                not (isinstance(call.func.value, ast.Name)
                     and call.func.value.id == "QCoreApplication"):
            continue  # str.translate(table)
        if name == "Message":
            first = call.args[0] if call.args else None
            if isinstance(first, ast.Constant):
                problems.append(f"{where}: Message('...') needs QT_TRANSLATE_NOOP('messages', ...)")
            elif isinstance(first, ast.Call) and getattr(first.func, "id", "") == \
                    "QT_TRANSLATE_NOOP" and getattr(first.args[0], "value", None) != "messages":
                problems.append(f"{where}: a Message template belongs to the 'messages' context")
            continue
        if in_fstring:
            problems.append(f"{where}: {name}() inside an f-string is invisible to lupdate")
        if call.keywords:
            problems.append(f"{where}: {name}() with keyword arguments is skipped by lupdate")
        args = call.args
        if not args or not isinstance(args[0], ast.Constant):
            problems.append(f"{where}: {name}() needs a literal context")
            continue
        if len(args) > 1 and isinstance(args[1], ast.Constant):
            key = (args[0].value, args[1].value)
            if key not in catalog:
                problems.append(f"{where}: {key} is not in the catalog; {UPDATE}")
        elif name == "QT_TRANSLATE_NOOP":
            problems.append(f"{where}: QT_TRANSLATE_NOOP() needs a literal text")
    assert not problems, "\n".join(problems)
