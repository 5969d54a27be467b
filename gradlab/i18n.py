"""Languages: English (the source text) and Simplified Chinese, through Qt's translation system.

- Text on screen goes through ``translate(context, text)`` (``QCoreApplication.translate`` with
  an explicit context: PySide's ``self.tr`` takes its context from the object's class at run time,
  so a subclass would look its base class's strings up under the wrong name). Placeholders are
  filled after translating, ``translate("Ctx", "step {step}").format(step=...)``, so numbers are
  formatted once and look the same in every language.
- Messages from the Qt-free core and the worker are ``Message`` objects (English text that keeps
  its template and values): ``tr_message`` translates them at display time.
- Sources: ``resources/translations/gradlab_<lang>.ts``; compiled ``.qm`` next to them are shipped
  (package data in a wheel, the bundle's ``resources``). Rebuild both from the code with
  ``python -m gradlab.i18n --update`` (lupdate, then lrelease), or only the ``.qm`` from the
  ``.ts`` with ``--release``.

The language is ``--lang``, else the one chosen in the Language menu (saved in the settings under
``language``, see ``ui/settings.py``), else the system's; English when no catalog fits. A new
choice takes effect at the next start (the window offers to restart, carrying the run over).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from gradlab.core.messages import QT_TRANSLATE_NOOP, Message  # noqa: F401 - re-exported

#: The language of the source text.
SOURCE_LANGUAGE = "en"
#: Every language the lab speaks, by its own name (a language menu never translates these).
NATIVE_NAMES = {"en": "English", "zh_CN": "简体中文"}
CATALOG = "gradlab"
#: Where the catalogs live inside ``resources/``.
TRANSLATIONS = "translations"

_installed: list[QTranslator] = []
_current = SOURCE_LANGUAGE


def translate(context: str, text: str, disambiguation: str | None = None) -> str:
    """``text`` in the current language (lupdate extracts ``translate("Context", "literal")``;
    never pass keyword arguments or an f-string: lupdate skips or garbles those)."""
    return QCoreApplication.translate(context, text, disambiguation)


def tr_message(message: object) -> str:
    """A core or worker ``Message`` in the current language, its values untouched; any other
    text as it is."""
    if isinstance(message, Message):
        return message.translated(QCoreApplication.translate)
    return str(message)


# ---- choosing a language ---------------------------------------------------------------------


def normalize(code: str | None) -> str | None:
    """``"zh-CN"``, ``"zh_Hans"``, ``"zh"`` -> ``"zh_CN"``; ``"en_GB"`` -> ``"en"``; a language
    the lab does not speak (or Traditional Chinese, which has no catalog) -> None."""
    if not code:
        return None
    parts = code.replace("-", "_").split("_")
    lang = parts[0].lower()
    rest = {p.lower() for p in parts[1:]}
    if lang == "en":
        return "en"
    if lang == "zh" and not rest & {"hant", "tw", "hk", "mo"}:
        return "zh_CN"
    return None


def available_languages() -> list[tuple[str, str]]:
    """(code, native name) of English and of every language whose compiled catalog is found."""
    out = [(SOURCE_LANGUAGE, NATIVE_NAMES[SOURCE_LANGUAGE])]
    for code, name in NATIVE_NAMES.items():
        if code != SOURCE_LANGUAGE and catalog_path(code) is not None:
            out.append((code, name))
    return out


def catalog_path(code: str) -> Path | None:
    from gradlab.resources import resource_path

    try:
        return resource_path(f"{TRANSLATIONS}/{CATALOG}_{code}.qm")
    except FileNotFoundError:
        return None


def system_language(locale: QLocale | None = None) -> str:
    """The first of the system's UI languages the lab speaks, else English."""
    locale = QLocale.system() if locale is None else locale
    codes = {code for code, _ in available_languages()}
    traditional = False
    for name in [*locale.uiLanguages(), locale.name()]:
        if QLocale(name).language() == QLocale.Language.Chinese:
            # Qt lists a bare "zh" after "zh-Hant-TW": that fallback is not Simplified Chinese.
            traditional = traditional or \
                QLocale(name).script() == QLocale.Script.TraditionalHanScript
            if traditional:
                continue
        code = normalize(name)
        if code is not None and code in codes:
            return code
    return SOURCE_LANGUAGE


def choose_language(requested: str | None = None, saved: str | None = None,
                    locale: QLocale | None = None) -> str:
    """``--lang`` if given, else the saved choice, else the system's language."""
    codes = {code for code, _ in available_languages()}
    for choice in (requested, saved):
        code = normalize(choice)
        if code is not None and code in codes:
            return code
    return system_language(locale)


def relaunch_command(arguments: list[str]) -> list[str]:
    """The command that starts this gradlab again with ``arguments`` (a restart after the
    language changed): the frozen executable, ``python main.py`` or ``python -m gradlab``."""
    if getattr(sys, "frozen", False):
        return [sys.executable, *arguments]
    script = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if script is not None and script.suffix == ".py" and script.name != "__main__.py" \
            and script.is_file():
        return [sys.executable, str(script.resolve()), *arguments]
    return [sys.executable, "-m", "gradlab", *arguments]


# ---- installing ------------------------------------------------------------------------------


def current_language() -> str:
    return _current


def install(code: str, app: QCoreApplication | None = None) -> str:
    """Translate the app into ``code`` (and Qt's own dialogs and buttons, when Qt ships that
    language); ``"en"`` removes every translator. Returns the language now in use (English when
    the catalog is missing)."""
    global _current
    app = app or QCoreApplication.instance()
    for old in _installed:
        app.removeTranslator(old)
        old.deleteLater()
    _installed.clear()
    code = normalize(code) or SOURCE_LANGUAGE
    _current = SOURCE_LANGUAGE
    if code == SOURCE_LANGUAGE:
        return _current
    path = catalog_path(code)
    translator = QTranslator(app)
    if path is None or not translator.load(str(path)):
        return _current
    qt = QTranslator(app)
    if qt.load(f"qtbase_{code}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        _installed.append(qt)
    app.installTranslator(translator)
    _installed.append(translator)
    _current = code
    return _current


# ---- rebuilding the catalogs -----------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
SOURCES = Path(__file__).resolve().parent
TS_DIR = ROOT / "resources" / TRANSLATIONS


def ts_files(ts_dir: Path = TS_DIR) -> list[Path]:
    return sorted(ts_dir.glob(f"{CATALOG}_*.ts"))


def qt_tool(name: str) -> str:
    """The path of PySide6's ``lupdate`` / ``lrelease`` (shipped in the wheel), or the
    ``pyside6-<name>`` command."""
    import PySide6

    exe = Path(PySide6.__file__).resolve().parent / (name + (".exe" if sys.platform == "win32"
                                                             else ""))
    if exe.is_file():
        return str(exe)
    found = shutil.which(f"pyside6-{name}")
    if found is None:
        raise FileNotFoundError(f"{name} not found: install PySide6 (pyside6-{name})")
    return found


def lupdate(ts: Path, sources: Path = SOURCES) -> None:
    """Bring ``ts`` up to date with the marked strings in ``sources`` (a new file is created).
    Messages no longer in the code are dropped; no line numbers, so edits elsewhere in a file do
    not touch the catalog."""
    lang = ts.stem.removeprefix(f"{CATALOG}_")
    subprocess.run(
        [qt_tool("lupdate"), "-silent", "-extensions", "py", "-no-obsolete", "-locations", "none",
         "-source-language", SOURCE_LANGUAGE, "-target-language", lang, str(sources),
         "-ts", str(ts)],
        check=True,
    )


def lrelease(ts: Path, qm: Path | None = None) -> Path:
    """Compile ``ts`` to ``qm`` (default: beside it)."""
    qm = ts.with_suffix(".qm") if qm is None else qm
    subprocess.run([qt_tool("lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)
    return qm


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gradlab.i18n",
        description="Rebuild the translation catalogs in resources/translations/.")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--update", action="store_true",
                       help="extract the strings from gradlab/ into every .ts (lupdate), then "
                            "compile every .qm (lrelease)")
    group.add_argument("--release", action="store_true", help="only compile .ts -> .qm")
    group.add_argument("--new", metavar="LANG",
                       help="start a catalog for another language, e.g. --new ja")
    args = parser.parse_args(argv)
    if args.new:
        ts = TS_DIR / f"{CATALOG}_{args.new}.ts"
        lupdate(ts)
        print(f"created {ts.relative_to(ROOT)}: translate it (Qt Linguist), add the language to "
              "NATIVE_NAMES and normalize() in gradlab/i18n.py, then run --release")
        return 0
    for ts in ts_files():
        if args.update:
            lupdate(ts)
        qm = lrelease(ts)
        print(f"{ts.relative_to(ROOT)} -> {qm.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
