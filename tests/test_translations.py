"""Every module's Vietnamese catalogue is complete and its compiled .mo matches the .po."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "egov"
CATALOGUES = sorted(SRC.glob("*/locale/vi/LC_MESSAGES/django.po"))


def test_there_are_catalogues() -> None:
    assert {p.parts[-5] for p in CATALOGUES} >= {"core", "web"}


def _key(entry: polib.POEntry | polib.MOEntry) -> tuple[str | None, str]:
    return entry.msgctxt, entry.msgid


def _value(entry: polib.POEntry | polib.MOEntry) -> tuple[str, tuple[tuple[int, str], ...]]:
    return entry.msgstr, tuple(sorted(entry.msgstr_plural.items()))


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_vietnamese_catalogue_is_complete_and_compiled(po_path: Path) -> None:
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == [], f"untranslated in {po_path}: {untranslated}"
    assert fuzzy == [], f"fuzzy (unchecked) in {po_path}: {fuzzy}"
    mo = polib.mofile(str(po_path.with_suffix(".mo")))
    compiled = {_key(e): _value(e) for e in mo}
    source = {_key(e): _value(e) for e in po.translated_entries()}
    assert compiled == source, f"{po_path.with_suffix('.mo')} is stale: run make messages"


MANAGE = SRC.parent.parent / "manage.py"


def _modules_with_text() -> list[Path]:
    markers = ("gettext", "{% translate", "{% blocktranslate", "{% trans ")
    found = []
    for module in sorted(p for p in SRC.iterdir() if p.is_dir() and (p / "apps.py").exists()):
        for path in module.rglob("*"):
            if path.suffix not in {".py", ".html", ".txt"} or "tests" in path.parts:
                continue
            if "migrations" in path.parts:
                continue
            if any(m in path.read_text(encoding="utf-8") for m in markers):
                found.append(module)
                break
    return found


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) not installed")
@pytest.mark.parametrize("module", _modules_with_text(), ids=lambda p: p.name)
def test_catalogue_covers_every_string_in_the_source(module: Path, tmp_path: Path) -> None:
    """Extract the module's strings afresh and compare with its committed catalogue, so a new
    user-facing string without a Vietnamese translation fails here (fix: `make messages`)."""
    copy = tmp_path / module.name
    shutil.copytree(module, copy, ignore=shutil.ignore_patterns("locale", "tests", "migrations"))
    (copy / "locale").mkdir()
    subprocess.run(
        [sys.executable, str(MANAGE), "makemessages", "-l", "vi", "-v0"],
        cwd=copy,
        check=True,
        env={**os.environ, "EGOV_DEMO": ""},
    )
    fresh = {e.msgid for e in polib.pofile(str(copy / "locale/vi/LC_MESSAGES/django.po"))}
    committed_path = module / "locale/vi/LC_MESSAGES/django.po"
    assert committed_path.exists(), f"{module.name} has translatable text but no catalogue"
    committed = {e.msgid for e in polib.pofile(str(committed_path)) if not e.obsolete}
    assert sorted(fresh - committed) == [], f"{module.name}: strings missing from the catalogue"
