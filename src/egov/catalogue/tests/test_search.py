"""Search cases run on SQLite (FTS5) and, with DATABASE_URL, on PostgreSQL (tsvector + pg_trgm):
the same assertions on both backends."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection

from egov.catalogue import search, services
from egov.catalogue.models import Procedure
from egov.catalogue.selectors import procedure_search, procedure_version_in_force
from egov.catalogue.services import catalogue_generate
from egov.core.actor import Actor
from egov.core.text import fold

pytestmark = pytest.mark.usefixtures("seeded")
ON = dt.date(2026, 3, 2)


def _codes(query: str, **filters: Any) -> list[str]:
    return [hit.code for hit in procedure_search(query=query, on=ON, page_size=100, **filters).hits]


def test_without_diacritics_finds_the_procedure_first() -> None:
    assert _codes("giay phep lai xe") == ["1.000010", "0.000005"]


def test_with_diacritics_and_capitals_is_the_same_search() -> None:
    assert _codes("Giấy phép LÁI XE") == _codes("giay phep lai xe")


def test_prefix_of_the_last_word() -> None:
    assert _codes("ho chie") == ["0.000004"]
    assert set(_codes("giay phep lai")[:2]) == {"1.000010", "0.000005"}


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("dang ky khai sihn", "1.001193"),  # transposed letters
        ("ly lich tu phapp", "0.000001"),  # one letter too many
        ("dang ky thuong truu", "1.004222"),
    ],
)
def test_small_typos_are_tolerated(query: str, first: str) -> None:
    assert first in _codes(query)[:2]


def test_exact_name_ranks_before_longer_names() -> None:
    assert _codes("dang ky ket hon")[0] == "1.000894"
    assert _codes("dang ky khai sinh")[0] == "1.001193"


def test_english_name_is_searchable() -> None:
    assert _codes("passport") == ["0.000004"]


def test_code_prefix() -> None:
    assert _codes("1.0011") == ["1.001193"]


def test_nonsense_finds_nothing() -> None:
    page = procedure_search(query="qwxzv", on=ON)
    assert (page.total, page.hits) == (0, [])


def test_filter_by_agency() -> None:
    assert _codes("", agency_code="000.00.15.H29") == ["0.000001", "0.000002"]


def test_filter_by_province_resolves_a_former_province_code() -> None:
    # 74 (Bình Dương) merged into 79 (TP HCM) on 2025-07-01.
    assert _codes("", province_code="74") == _codes("", province_code="79")
    assert len(_codes("", province_code="79")) == 47  # all but the 4 offered nationwide


def test_filter_by_sector_and_level() -> None:
    assert _codes("", sector_code="G01-CA03") == ["0.000004"]
    assert set(_codes("", level="central")) == {"3.000285", "3.000286", "1.001613", "1.002759"}


def test_filter_by_online_level_and_mode() -> None:
    two = set(_codes("", online_level=2))
    assert two == {"1.000593", "1.000419", "2.000884", "1.011607"}
    assert "1.000894" not in _codes("", online_mode="full")  # level 4 but partial
    assert "1.000894" in _codes("", online_level=4)


def test_text_and_filters_combine() -> None:
    found = set(_codes("giay phep", sector_code="G17-XD01"))
    assert found == {"1.013225", "1.013226", "1.013227", "1.013228", "0.000010"}


def test_paging() -> None:
    first = procedure_search(query="", on=ON, page=1, page_size=20)
    third = procedure_search(query="", on=ON, page=3, page_size=20)
    assert (first.total, first.pages, len(first.hits), len(third.hits)) == (51, 3, 20, 11)
    assert {h.code for h in first.hits}.isdisjoint({h.code for h in third.hits})


def test_hits_carry_the_version_in_force() -> None:
    hit = procedure_search(query="giay phep lai xe", on=ON).hits[0]
    assert (hit.online_level, hit.online_mode, hit.processing_days) == (4, "full", 5)


# --- The vocabulary that misspelt words are corrected against ------------------------------------


def _vocabulary() -> set[str]:
    """The letters-only words of the vendor's search vocabulary (PostgreSQL: the table kept by
    triggers, migration 0003; SQLite: the FTS5 vocabulary)."""
    table = search.PG_VOCAB_TABLE if connection.vendor == "postgresql" else search.VOCAB_TABLE
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT term FROM {table}")
        return {term for (term,) in cursor.fetchall() if term.isalpha()}


def _catalogue_words() -> set[str]:
    words: set[str] = set()
    for text in Procedure.objects.values_list("search_text", flat=True):
        words.update(word for word in re.findall(r"[a-z0-9]+", text) if word.isalpha())
    return words


def test_vocabulary_holds_the_words_of_the_catalogue() -> None:
    assert "sinh" in _vocabulary()
    assert _vocabulary() == _catalogue_words()


def test_vocabulary_takes_the_words_of_generated_procedures() -> None:
    before = _vocabulary()
    catalogue_generate(actor=Actor.system("tests"), count=40)
    added = _vocabulary() - before
    assert added  # the synthetic names bring words the seed catalogue does not have
    assert _vocabulary() == _catalogue_words()
    word = sorted(w for w in added if len(w) >= 5)[0]
    typo = word[:2] + word[3] + word[2] + word[4:]  # two letters swapped
    assert typo not in _vocabulary()
    assert _codes(typo)
    assert set(_codes(typo)) == set(_codes(word))


def test_vocabulary_follows_a_renamed_procedure() -> None:
    name = "Cấp giấy phép neo đậu thuyền buồm"
    Procedure.objects.filter(code="0.000004").update(
        name=name,
        name_folded=fold(name),
        search_text=search.search_text(
            code="0.000004", name=name, name_en="Sailboat mooring permit", sector_name="Xuất"
        ),
    )
    vocabulary = _vocabulary()
    assert {"thuyen", "buom", "sailboat"} <= vocabulary
    assert "passport" not in vocabulary  # no other procedure has it
    assert vocabulary == _catalogue_words()
    assert _codes("neo dau thuyen buomm") == ["0.000004"]
    assert _codes("passport") == []


def test_typo_search_after_publishing_a_new_version(editor_actor: Actor) -> None:
    before = _vocabulary()
    version = procedure_version_in_force(procedure_code="1.001193", on=ON)
    draft = services.version_draft_create(actor=editor_actor, procedure_code="1.001193")
    changes = services.VersionChanges(
        online_level=3,
        online_mode="partial",
        processing_days=None,
        processing_immediate=True,
        change_note="Tạm ngừng nộp trực tuyến toàn trình",
        documents=version.documents,
        fees=version.fees,
        steps=version.steps,
        form=version.form,
    )
    services.version_draft_update(actor=editor_actor, version_id=draft.public_id, changes=changes)
    services.version_publish(actor=editor_actor, version_id=draft.public_id, valid_from=ON)
    # Versions carry no searchable text: the vocabulary is that of the procedures, unchanged.
    assert _vocabulary() == before == _catalogue_words()
    hits = procedure_search(query="dang ky khai sihn", on=ON, online_level=3).hits
    assert (hits[0].code, hits[0].online_level, hits[0].online_mode) == ("1.001193", 3, "partial")
    assert "1.001193" not in _codes("dang ky khai sihn", online_level=4)
