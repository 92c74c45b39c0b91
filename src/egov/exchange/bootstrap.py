"""The platform's standing set-up (``manage.py exchange_load``, also run by ``demo_load``):
the Ministry of Public Security publishes the population database, the Government Office the
procedure catalogue; the portal (prefill) and the police back office are consumers with standing
grants. Idempotent: running it again adds nothing and leaves operators' decisions (a suspended
or terminated grant) as they are."""

from __future__ import annotations

from django.utils.translation import gettext_noop as n_

from egov.core.actor import Actor
from egov.exchange.facade import (
    CATALOGUE_PROVIDER,
    GOVERNMENT_OFFICE,
    MPS,
    POLICE_BACK_OFFICE,
    POPULATION_PROVIDER,
    PORTAL,
)
from egov.exchange.models import Sensitivity, Sharing
from egov.exchange.providers import catalogue as _catalogue  # noqa: F401 - registers operations
from egov.exchange.providers import population as _population  # noqa: F401
from egov.exchange.services.access import grant_standing_ensure
from egov.exchange.services.registry import (
    ItemSpec,
    member_ensure,
    service_publish,
    subsystem_ensure,
)

PLATFORM_CONSUMERS = frozenset({PORTAL, POLICE_BACK_OFFICE})
PURPOSE_PREFILL = "dossier_prefill"
PURPOSE_BACK_OFFICE = "population.back_office"

B, S, NONE = Sensitivity.BASIC, Sensitivity.SENSITIVE, Sensitivity.NONE
ON_REQUEST = Sharing.ON_REQUEST

CITIZEN_ITEMS = (
    ItemSpec("pin", n_("Personal identification number")),
    ItemSpec("full_name", n_("Full name")),
    ItemSpec("date_of_birth", n_("Date of birth")),
    ItemSpec("birth_year", n_("Year of birth")),
    ItemSpec("birth_month", n_("Month of birth")),
    ItemSpec("sex", n_("Sex")),
    ItemSpec("status", n_("Living or deceased")),
    ItemSpec("ethnicity", n_("Ethnic group"), S),  # racial or ethnic origin: Decree 13 Art 2.4
    ItemSpec("nationality", n_("Nationality")),
    ItemSpec("birth_registration_unit", n_("Place of birth registration")),
    ItemSpec("hometown", n_("Home town")),
    ItemSpec("permanent_residence", n_("Permanent residence")),
    ItemSpec("temporary_residence", n_("Temporary residence")),
    ItemSpec("household_id", n_("Household"), B, ON_REQUEST),
    ItemSpec("relation_to_head", n_("Relation to the head of household"), B, ON_REQUEST),
)
RECORD_ITEMS = (
    *CITIZEN_ITEMS,
    ItemSpec("religion", n_("Religion"), S, ON_REQUEST),
    ItemSpec("ethnicity_name", n_("Name of the ethnic group"), S),
    ItemSpec("father_pin", n_("Father"), B, ON_REQUEST),
    ItemSpec("mother_pin", n_("Mother"), B, ON_REQUEST),
    ItemSpec("spouse_pin", n_("Spouse"), B, ON_REQUEST),
    ItemSpec("date_of_death", n_("Date of death")),
    ItemSpec("card", n_("Identity card"), B, ON_REQUEST),
    ItemSpec("residences", n_("Every residence"), B, ON_REQUEST),
    ItemSpec("history", n_("History of the record"), B, ON_REQUEST),
)
PREFILL_FIELDS = (
    "pin", "full_name", "date_of_birth", "sex", "ethnicity", "nationality",
    "birth_registration_unit", "permanent_residence", "temporary_residence",
)  # fmt: skip

POPULATION_SERVICES = (
    ("citizen-get", n_("Citizen by personal identification number"),
     n_("Identity and residence of a citizen, by PIN (data subject header)."),
     "population.citizen_get", CITIZEN_ITEMS),
    ("citizen-verify", n_("Verify a person's identity"),
     n_("Whether a PIN, full name and date of birth belong to one living record: yes or no."),
     "population.citizen_verify", (ItemSpec("match", n_("Identity matches")),)),
    ("household-members", n_("Members of a citizen's household"),
     n_("The people registered in the household of the data subject."),
     "population.household_members",
     (ItemSpec("members", n_("Household members"), B, ON_REQUEST),)),
    ("residence-as-of", n_("Residence on a date"),
     n_("The residences of the data subject valid on the date given (params.as_of)."),
     "population.residence_as_of", (ItemSpec("residences", n_("Residences")),)),
    ("citizen-record", n_("Full population record (police back office)"),
     n_("The whole record with its history, for the police of the citizen's place of residence."),
     "population.citizen_record", RECORD_ITEMS),
)  # fmt: skip

CATALOGUE_SERVICE = (
    "procedure-get", n_("Administrative procedure"),
    n_("A procedure of the national catalogue by its code (path or params.code)."),
    "catalogue.procedure_get",
    tuple(ItemSpec(name, label, NONE) for name, label in (
        ("code", n_("Code")), ("name", n_("Name")), ("name_en", n_("Name in English")),
        ("sector", n_("Sector")), ("level", n_("Level")), ("agency_kind", n_("Kind of agency")),
        ("owner_agency_code", n_("Owning agency")), ("legal_basis", n_("Legal basis")),
    )),
)  # fmt: skip


def _openapi(code: str, items: tuple[ItemSpec, ...], person: bool) -> dict[str, object]:
    """A short OpenAPI description of the service as the gateway exposes it."""
    headers = ["X-Egov-Message-Id", "X-Egov-Purpose"] + (["X-Egov-Subject"] if person else [])
    return {
        "openapi": "3.0.3",
        "paths": {
            f"/{code}/": {
                "post": {
                    "parameters": [
                        {"in": "header", "name": h, "required": True, "schema": {"type": "string"}}
                        for h in headers
                    ],
                    "requestBody": {"content": {"application/json": {"schema": {
                        "type": "object",
                        "properties": {"params": {"type": "object"},
                                       "fields": {"type": "array", "items": {"type": "string"}}},
                    }}}},
                    "responses": {
                        "200": {"description": "data: " + ", ".join(i.name for i in items)}
                    },
                }
            }
        },
    }  # fmt: skip


def bootstrap_ensure(*, actor: Actor) -> dict[str, int]:
    """Create what is missing; returns counts of what was created or changed."""
    counts = {"members": 0, "services": 0, "grants": 0}
    for code in (MPS, GOVERNMENT_OFFICE):
        counts["members"] += int(member_ensure(actor=actor, code=code))
    subsystem_ensure(actor=actor, member_code=MPS, code="population",
                     name="Cơ sở dữ liệu quốc gia về dân cư")  # fmt: skip
    subsystem_ensure(actor=actor, member_code=MPS, code="population-backoffice",
                     name="Nghiệp vụ quản lý dân cư (Công an)")  # fmt: skip
    subsystem_ensure(actor=actor, member_code=GOVERNMENT_OFFICE, code="portal",
                     name="Cổng Dịch vụ công quốc gia")  # fmt: skip
    subsystem_ensure(actor=actor, member_code=GOVERNMENT_OFFICE, code="catalogue",
                     name="Cơ sở dữ liệu quốc gia về thủ tục hành chính")  # fmt: skip
    ids: dict[str, str] = {}
    for code, name, description, operation, items in POPULATION_SERVICES:
        ids[code], changed = service_publish(
            actor=actor, provider=POPULATION_PROVIDER, code=code, name=name,
            description=description, version="1.0", items=items, operation=operation,
            concerns_person=True, openapi=_openapi(code, items, True),
        )  # fmt: skip
        counts["services"] += int(changed)
    code, name, description, operation, catalogue_items = CATALOGUE_SERVICE
    ids[code], changed = service_publish(
        actor=actor, provider=CATALOGUE_PROVIDER, code=code, name=name, description=description,
        version="1.0", items=catalogue_items, operation=operation,
        openapi=_openapi(code, catalogue_items, False),
    )  # fmt: skip
    counts["services"] += int(changed)
    _grant, created = grant_standing_ensure(
        actor=actor, consumer=PORTAL, service_id=ids["citizen-get"], purpose=PURPOSE_PREFILL,
        fields=PREFILL_FIELDS,
    )  # fmt: skip
    counts["grants"] += int(created)
    _grant, created = grant_standing_ensure(
        actor=actor, consumer=POLICE_BACK_OFFICE, service_id=ids["citizen-record"],
        purpose=PURPOSE_BACK_OFFICE, fields=[i.name for i in RECORD_ITEMS],
    )  # fmt: skip
    counts["grants"] += int(created)
    return counts
