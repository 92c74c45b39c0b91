"""Every module's Vietnamese catalogue is complete and its compiled .mo matches the .po."""

from __future__ import annotations

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
