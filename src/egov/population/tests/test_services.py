from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from egov.audit.selectors import audit_records_for_subject
from egov.core.actor import Actor
from egov.core.errors import InvalidTransition, NotFound, ValidationFailed
from egov.core.models import OutboxEvent
from egov.population import pins, selectors, services
from egov.population.models import Citizen, CitizenVersion, Residence
from egov.population.tests.conftest import AN, BINH, CUC, KHOI, enrol

pytestmark = pytest.mark.django_db
P = "tests"


def _register(actor: Actor, **extra: object) -> str:
    fields = {
        "full_name": "Nguyễn Thị Mai",
        "sex": "female",
        "date_of_birth": dt.date(2024, 2, 1),
        "registration_unit": "26743",
        "father_pin": AN,
        "mother_pin": BINH,
    } | extra
    return services.citizen_register_birth(actor=actor, **fields)  # type: ignore[arg-type]


def test_register_birth_issues_pin_links_parents_and_household(demo: None, actor: Actor) -> None:
    pin = _register(actor)
    assert pin[:6] == "079324"
    assert pins.pin_problems(pin, sex="female", birth_year=2024) == []
    info = selectors.citizen_get(actor=actor, purpose=P, pin=pin)
    assert (info.household_id, info.relation_to_head) == ("HK7900000001", "daughter")
    assert info.permanent_residence is not None
    assert info.permanent_residence.unit_code == "26743"
    parents = selectors.citizen_parents(actor=actor, purpose=P, pin=pin)
    assert [p.pin for p in parents] == [AN, BINH]
    ref = Citizen.objects.get(pin=pin).ref
    audited = audit_records_for_subject(subject_type="population.citizen", subject_id=ref)
    assert [r.action for r in audited] == ["population.birth_registered"]
    assert OutboxEvent.objects.filter(name="population.birth_registered").count() == 1


def test_register_birth_in_commune_of_merged_province_uses_new_code(
    demo: None, actor: Actor
) -> None:
    pin = _register(actor, registration_unit="13291", father_pin="", mother_pin="")  # Phủ Lý, 37
    assert pin.startswith("037324")


def test_register_birth_refusals(demo: None, actor: Actor) -> None:
    with pytest.raises(ValidationFailed) as exc:
        _register(actor, father_pin=BINH)
    assert "father_pin" in exc.value.field_errors
    with pytest.raises(ValidationFailed):
        _register(actor, mother_pin="079000000000")
    with pytest.raises(ValidationFailed):
        _register(actor, registration_unit="99999")
    with pytest.raises(ValidationFailed):
        _register(actor, date_of_birth=dt.date(2999, 1, 1))
    with pytest.raises(ValidationFailed):
        _register(actor, full_name="   ")
    assert Citizen.objects.count() == 4


def test_pin_collision_draws_another_block(
    demo: None, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocks = iter(["001234", "001234", "555555"])
    monkeypatch.setattr(pins, "random_block", lambda: next(blocks))
    first = _register(
        actor,
        sex="male",
        full_name="A",
        date_of_birth=dt.date(1990, 1, 1),
        father_pin="",
        mother_pin="",
    )
    assert first == "079090555555"  # 079090001234 is An's: the first two draws collide


def test_pin_is_unique_in_the_database(demo: None) -> None:
    citizen = Citizen.objects.get(pin=AN)
    citizen.ref = "x"
    with pytest.raises(IntegrityError), transaction.atomic():
        Citizen.objects.create(
            **{f.attname: getattr(citizen, f.attname) for f in Citizen._meta.fields}
        )


def test_death_closes_residences_and_ends_marriage(demo: None, actor: Actor) -> None:
    services.citizen_register_death(actor=actor, pin=AN, date_of_death=dt.date(2025, 9, 1))
    an = Citizen.objects.get(pin=AN)
    assert (an.status, an.spouse_pin, an.date_of_death) == ("deceased", "", dt.date(2025, 9, 1))
    assert Citizen.objects.get(pin=BINH).spouse_pin == ""
    assert not Residence.objects.filter(citizen_id=AN, valid_to__isnull=True).exists()
    with pytest.raises(InvalidTransition) as exc:
        services.citizen_register_death(actor=actor, pin=AN, date_of_death=dt.date(2025, 9, 2))
    assert exc.value.code == "citizen_deceased"
    with pytest.raises(InvalidTransition):
        services.marriage_register(
            actor=actor, pin=AN, spouse_pin=CUC, married_on=dt.date(2025, 10, 1)
        )


def test_death_before_birth_refused(demo: None, actor: Actor) -> None:
    with pytest.raises(ValidationFailed):
        services.citizen_register_death(actor=actor, pin=KHOI, date_of_death=dt.date(2015, 1, 1))
    assert Citizen.objects.get(pin=KHOI).status == "living"


def test_unknown_pin(demo: None, actor: Actor) -> None:
    with pytest.raises(NotFound):
        services.citizen_register_death(
            actor=actor, pin="079090009999", date_of_death=dt.date(2025, 1, 1)
        )


def test_second_permanent_residence_refused_then_move(demo: None, actor: Actor) -> None:
    kwargs = {
        "actor": actor,
        "pin": CUC,
        "kind": "permanent",
        "unit_code": "16690",
        "street_address": "3 Lê Lợi",
        "valid_from": dt.date(2025, 9, 1),
    }
    with pytest.raises(InvalidTransition) as exc:
        services.residence_register(**kwargs)  # type: ignore[arg-type]
    assert exc.value.code == "residence_open"
    services.residence_close(actor=actor, pin=CUC, kind="permanent", valid_to=dt.date(2025, 8, 31))
    services.residence_register(**kwargs)  # type: ignore[arg-type]
    info = selectors.citizen_get(actor=actor, purpose=P, pin=CUC)
    assert info.permanent_residence is not None
    assert info.permanent_residence.unit_code == "16690"
    old = selectors.residence_as_of(actor=actor, purpose=P, pin=CUC, as_of=dt.date(2025, 8, 1))
    assert [r.unit_code for r in old] == ["16681"]


def test_temporary_residence_and_refusals(demo: None, actor: Actor) -> None:
    services.residence_register(
        actor=actor,
        pin=CUC,
        kind="temporary",
        unit_code="00070",
        street_address="9 Hàng Bài",
        valid_from=dt.date(2025, 8, 1),
    )
    assert selectors.citizen_get(actor=actor, purpose=P, pin=CUC).temporary_residence is not None
    with pytest.raises(ValidationFailed):  # a 2025 ward did not exist in 2020
        services.residence_register(
            actor=actor,
            pin=AN,
            kind="temporary",
            unit_code="00070",
            street_address="x",
            valid_from=dt.date(2020, 1, 1),
        )
    with pytest.raises(InvalidTransition) as exc:
        services.residence_close(
            actor=actor, pin=AN, kind="temporary", valid_to=dt.date(2025, 8, 1)
        )
    assert exc.value.code == "residence_none"


def test_marriage_rules(demo: None, actor: Actor) -> None:
    with pytest.raises(InvalidTransition) as exc:
        services.marriage_register(
            actor=actor, pin=AN, spouse_pin=CUC, married_on=dt.date(2025, 1, 1)
        )
    assert exc.value.code == "already_married"
    enrol(actor, "040210000001", "male", dt.date(2010, 1, 1))
    with pytest.raises(InvalidTransition) as exc:
        services.marriage_register(
            actor=actor, pin=CUC, spouse_pin="040210000001", married_on=dt.date(2025, 1, 1)
        )
    assert exc.value.code == "under_marriage_age"
    enrol(actor, "040180000002", "female", dt.date(1980, 1, 1))
    with pytest.raises(InvalidTransition) as exc:
        services.marriage_register(
            actor=actor, pin=CUC, spouse_pin="040180000002", married_on=dt.date(2025, 1, 1)
        )
    assert exc.value.code == "same_sex"


def test_divorce_then_remarriage(demo: None, actor: Actor) -> None:
    with pytest.raises(InvalidTransition):
        services.divorce_register(
            actor=actor, pin=AN, spouse_pin=CUC, divorced_on=dt.date(2025, 1, 1)
        )
    services.divorce_register(actor=actor, pin=AN, spouse_pin=BINH, divorced_on=dt.date(2025, 1, 1))
    services.marriage_register(actor=actor, pin=AN, spouse_pin=CUC, married_on=dt.date(2025, 2, 1))
    assert Citizen.objects.get(pin=CUC).spouse_pin == AN


def test_change_name_keeps_history_as_of_dates(demo: None, actor: Actor) -> None:
    before_change = Citizen.objects.get(pin=CUC).recorded_at
    services.citizen_change_name(
        actor=actor, pin=CUC, full_name="Lê Thị Hoa", valid_from=dt.date(2025, 3, 1)
    )
    assert selectors.citizen_get(actor=actor, purpose=P, pin=CUC).full_name == "Lê Thị Hoa"
    old = selectors.citizen_state_as_of(
        actor=actor, purpose=P, pin=CUC, valid_on=dt.date(2025, 2, 1)
    )
    new = selectors.citizen_state_as_of(
        actor=actor, purpose=P, pin=CUC, valid_on=dt.date(2025, 3, 1)
    )
    known_before = selectors.citizen_state_as_of(
        actor=actor, purpose=P, pin=CUC, valid_on=dt.date(2025, 3, 1), known_at=before_change
    )
    assert (old["full_name"], new["full_name"], known_before["full_name"]) == (
        "Lê Thị Cúc",
        "Lê Thị Hoa",
        "Lê Thị Cúc",
    )
    history = selectors.citizen_history(actor=actor, purpose=P, pin=CUC)
    assert [h.event for h in history] == ["enrolled", "card_issued", "name_changed"]
    assert history[-1].changes["full_name"] == ["Lê Thị Cúc", "Lê Thị Hoa"]
    with pytest.raises(InvalidTransition):
        services.citizen_change_name(
            actor=actor, pin=CUC, full_name="Lê  Thị Hoa", valid_from=dt.date(2025, 3, 2)
        )
    assert CitizenVersion.objects.filter(citizen_id=CUC).count() == 3


@pytest.mark.parametrize(
    ("issued", "expires"),
    [
        (dt.date(2021, 6, 1), dt.date(2030, 5, 14)),  # at 31: valid to the day before 40
        (dt.date(2028, 6, 1), dt.date(2050, 5, 14)),  # within 2 years of 40: valid to 60
        (dt.date(2049, 1, 1), None),  # within 2 years of 60: no expiry
    ],
)
def test_card_expiry_by_age(
    demo: None, actor: Actor, issued: dt.date, expires: dt.date | None
) -> None:
    from egov.population.records import card_expiry

    assert (
        card_expiry(
            birth_year=1990, birth_month=5, birth_date=dt.date(1990, 5, 15), issued_on=issued
        )
        == expires
    )


def test_card_reissue(demo: None, actor: Actor) -> None:
    expires = services.card_issue(
        actor=actor, pin=KHOI, issued_on=dt.date(2025, 1, 5), place="Công an TP HCM"
    )
    assert expires == dt.date(2030, 3, 9)  # under 14: valid until the day before 14
    services.card_issue(
        actor=actor, pin=KHOI, issued_on=dt.date(2025, 2, 5), place="Công an TP HCM"
    )
    events = [h.event for h in selectors.citizen_history(actor=actor, purpose=P, pin=KHOI)]
    assert events == ["enrolled", "card_issued", "card_reissued"]


def test_enrol_is_idempotent_and_validates_pin(demo: None, actor: Actor) -> None:
    assert enrol(actor, AN, "male", dt.date(1990, 5, 15)) == AN
    assert Citizen.objects.count() == 4
    with pytest.raises(ValidationFailed) as exc:
        enrol(actor, "040085003456", "female", dt.date(1985, 11, 2))
    assert exc.value.code == "pin_century_sex"
