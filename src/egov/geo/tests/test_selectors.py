"""Selectors over the reference data loaded once per session by the root conftest."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.utils import translation
from pytest_django.fixtures import DjangoAssertNumQueries

from egov.core.errors import NotFound
from egov.geo import selectors
from egov.geo.facade import Unit

pytestmark = pytest.mark.django_db

AFTER = dt.date(2026, 1, 1)
BEFORE = dt.date(2024, 1, 1)


def _codes(units: list[Unit]) -> list[str]:
    return [unit.code for unit in units]


def test_34_provinces_after_the_reform_and_63_before() -> None:
    assert len(selectors.provinces(as_of=AFTER)) == 34
    assert len(selectors.provinces(as_of=BEFORE)) == 63
    assert len(selectors.provinces(as_of=dt.date(2025, 6, 30))) == 63
    assert len(selectors.provinces(as_of=dt.date(2025, 7, 1))) == 34


def test_provinces_are_ordered_by_zero_padded_code() -> None:
    codes = _codes(selectors.provinces(as_of=AFTER))
    assert codes[:4] == ["01", "04", "08", "11"]
    assert codes[-1] == "96"
    assert codes == sorted(codes)


def test_province_types_after_the_reform() -> None:
    types = Counter(unit.unit_type for unit in selectors.provinces(as_of=AFTER))
    assert types == {"province": 28, "municipality": 6}


def test_commune_counts_total_3321_with_the_official_type_split() -> None:
    counts = selectors.commune_counts(as_of=AFTER)
    assert len(counts) == 34
    assert sum(counts.values()) == 3321
    assert counts["01"] == 126
    assert counts["79"] == 168
    types: Counter[str] = Counter()
    for code in counts:
        types.update(unit.unit_type for unit in selectors.unit_children(code=code, as_of=AFTER))
    assert types == {"commune": 2621, "ward": 687, "special_zone": 13}


def test_commune_counts_is_one_query(django_assert_num_queries: DjangoAssertNumQueries) -> None:
    with django_assert_num_queries(1):
        selectors.commune_counts(as_of=AFTER)


def test_no_communes_recorded_before_the_reform() -> None:
    assert selectors.commune_counts(as_of=BEFORE) == {}


def test_unit_get_returns_the_period_valid_on_the_date() -> None:
    old = selectors.unit_get(code="46", as_of=BEFORE)
    new = selectors.unit_get(code="46", as_of=AFTER)
    assert old == Unit(
        code="46",
        name="Thừa Thiên Huế",
        level="province",
        unit_type="province",
        parent_code="",
        valid_from=None,
        valid_to=dt.date(2025, 6, 30),
        pin_code="046",
    )
    assert (new.name, new.unit_type, new.valid_from, new.valid_to, new.pin_code) == (
        "Thành phố Huế",
        "municipality",
        dt.date(2025, 7, 1),
        None,
        "",
    )


def test_commune_code_is_five_digits_zero_padded() -> None:
    unit = selectors.unit_get(code="00070", as_of=AFTER)
    assert (unit.name, unit.level, unit.unit_type, unit.parent_code) == (
        "Phường Hoàn Kiếm",
        "commune",
        "ward",
        "01",
    )


@pytest.mark.parametrize(("code", "as_of"), [("99", AFTER), ("02", AFTER), ("00070", BEFORE)])
def test_unit_get_unknown_on_that_date_is_not_found(code: str, as_of: dt.date) -> None:
    with pytest.raises(NotFound) as caught:
        selectors.unit_get(code=code, as_of=as_of)
    with translation.override("en"):
        message = caught.value.render_message()
    assert message == (
        f"There is no administrative unit with code {code} valid on "
        f"{as_of.day} {as_of:%B} {as_of.year}. "
        "Check the code and the date."
    )


def test_old_code_resolves_to_its_successor_after_the_reform() -> None:
    assert selectors.unit_current_successor(code="02", as_of=AFTER).code == "08"
    assert selectors.unit_current_successor(code="02", as_of=AFTER).valid_from == dt.date(
        2025, 7, 1
    )
    assert selectors.unit_current_successor(code="27", as_of=AFTER).name == "Bắc Ninh"
    assert selectors.unit_current_successor(code="87", as_of=AFTER).code == "82"


def test_old_code_resolves_to_itself_before_the_reform() -> None:
    unit = selectors.unit_current_successor(code="02", as_of=BEFORE)
    assert (unit.code, unit.name, unit.valid_to) == ("02", "Hà Giang", dt.date(2025, 6, 30))


def test_current_code_resolves_to_itself() -> None:
    unit = selectors.unit_current_successor(code="08", as_of=AFTER)
    assert (unit.code, unit.name, unit.valid_from) == ("08", "Tuyên Quang", dt.date(2025, 7, 1))
    assert selectors.unit_current_successor(code="00070", as_of=AFTER).code == "00070"


def test_successor_of_unknown_code_is_not_found() -> None:
    with pytest.raises(NotFound):
        selectors.unit_current_successor(code="03", as_of=AFTER)
    with pytest.raises(NotFound):
        selectors.unit_current_successor(code="00070", as_of=BEFORE)


def test_predecessors() -> None:
    assert _codes(selectors.unit_predecessors(code="08", as_of=AFTER)) == ["02", "08"]
    assert _codes(selectors.unit_predecessors(code="79", as_of=AFTER)) == ["74", "77", "79"]
    assert _codes(selectors.unit_predecessors(code="92", as_of=AFTER)) == ["92", "93", "94"]
    assert _codes(selectors.unit_predecessors(code="04", as_of=AFTER)) == ["04"]
    assert selectors.unit_predecessors(code="08", as_of=BEFORE) == []


def test_history_of_a_merged_province() -> None:
    history = selectors.unit_history(code="08")
    assert [(u.code, u.valid_from, u.valid_to) for u in history] == [
        ("02", None, dt.date(2025, 6, 30)),
        ("08", None, dt.date(2025, 6, 30)),
        ("08", dt.date(2025, 7, 1), None),
    ]
    assert [(u.code, u.valid_from) for u in selectors.unit_history(code="02")] == [
        ("02", None),
        ("08", dt.date(2025, 7, 1)),
    ]


def test_history_of_unknown_code_is_not_found() -> None:
    with pytest.raises(NotFound):
        selectors.unit_history(code="03")


def test_children_as_of_a_date_are_ordered_by_name() -> None:
    children = selectors.unit_children(code="01", as_of=AFTER)
    assert len(children) == 126
    assert {child.parent_code for child in children} == {"01"}
    assert [child.name for child in children[:3]] == [
        "Phường Ba Đình",
        "Phường Bạch Mai",
        "Phường Bồ Đề",
    ]
    assert selectors.unit_children(code="01", as_of=BEFORE) == []
    assert selectors.unit_children(code="00070", as_of=AFTER) == []


def test_children_of_unknown_unit_is_not_found() -> None:
    with pytest.raises(NotFound):
        selectors.unit_children(code="02", as_of=AFTER)


@pytest.mark.parametrize("query", ["ha noi", "HÀ NỘI", "Hà Nội", "  hà   nội "])
def test_search_ignores_diacritics_case_and_spaces(query: str) -> None:
    units = selectors.unit_search(query=query, as_of=AFTER, level="province")
    assert _codes(units) == ["01"]
    assert units[0].name == "Thành phố Hà Nội"


def test_search_ranks_word_prefix_before_substring() -> None:
    # "an" starts a word of "Nghệ An" and "An Giang" but is only inside "Cần Thơ" (can tho).
    units = selectors.unit_search(query="an", as_of=AFTER, level="province", limit=50)
    names = [unit.name for unit in units]
    assert names[:2] == ["Nghệ An", "An Giang"]
    assert "Thành phố Cần Thơ" in names
    assert names.index("An Giang") < names.index("Thành phố Cần Thơ")


def test_search_respects_date_level_and_limit() -> None:
    assert _codes(selectors.unit_search(query="ha giang", as_of=BEFORE)) == ["02"]
    assert selectors.unit_search(query="ha giang", as_of=AFTER, level="province") == []
    communes = selectors.unit_search(query="phuong", as_of=AFTER, level="commune", limit=5)
    assert len(communes) == 5
    assert {unit.level for unit in communes} == {"commune"}
    assert selectors.unit_search(query="   ", as_of=AFTER) == []


def test_search_by_code() -> None:
    assert _codes(selectors.unit_search(query="79", as_of=AFTER))[0] == "79"


def test_pin_province_codes() -> None:
    codes = selectors.pin_province_codes()
    assert len(codes) == 63
    assert {"001", "002", "046", "079", "096"} <= codes
    assert not {"003", "005", "085", "01", "000"} & codes


def test_predecessors_by_successor_in_one_query(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    with django_assert_num_queries(1):
        former = selectors.predecessors_by_successor(as_of=AFTER)
    assert len(former) == 34
    assert _codes(former["79"]) == ["74", "77", "79"]
    assert _codes(former["04"]) == ["04"]
    assert sum(len(units) for units in former.values()) == 63
    assert selectors.predecessors_by_successor(as_of=BEFORE) == {}
