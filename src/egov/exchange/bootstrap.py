"""The platform's standing set-up (``manage.py exchange_load``, also run by ``demo_load``):
the Ministry of Public Security publishes the population database, the Government Office the
procedure catalogue; the portal (prefill) and the police back office are consumers with standing
grants. Idempotent: running it again adds nothing and leaves operators' decisions (a suspended
or terminated grant) as they are."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from egov.core.actor import Actor
from egov.exchange import logchain
from egov.exchange.facade import (
    CATALOGUE_PROVIDER,
    GOVERNMENT_OFFICE,
    MPS,
    POLICE_BACK_OFFICE,
    POPULATION_PROVIDER,
    PORTAL,
    PURPOSE_APPLICANT,
    PURPOSE_BACK_OFFICE,
    PURPOSE_PREFILL,
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

B, S, NONE = Sensitivity.BASIC, Sensitivity.SENSITIVE, Sensitivity.NONE
ON_REQUEST = Sharing.ON_REQUEST

CITIZEN_ITEMS = (
    ItemSpec("pin", gettext_noop("Personal identification number")),
    ItemSpec("full_name", gettext_noop("Full name")),
    ItemSpec("date_of_birth", gettext_noop("Date of birth")),
    ItemSpec("birth_year", gettext_noop("Year of birth")),
    ItemSpec("birth_month", gettext_noop("Month of birth")),
    ItemSpec("sex", gettext_noop("Sex")),
    ItemSpec("status", gettext_noop("Living or deceased")),
    ItemSpec(
        "ethnicity", gettext_noop("Ethnic group"), S
    ),  # racial or ethnic origin: Decree 13 Art 2.4
    ItemSpec("nationality", gettext_noop("Nationality")),
    ItemSpec("birth_registration_unit", gettext_noop("Place of birth registration")),
    ItemSpec("hometown", gettext_noop("Home town")),
    ItemSpec("permanent_residence", gettext_noop("Permanent residence")),
    ItemSpec("temporary_residence", gettext_noop("Temporary residence")),
    ItemSpec("household_id", gettext_noop("Household"), B, ON_REQUEST),
    ItemSpec("relation_to_head", gettext_noop("Relation to the head of household"), B, ON_REQUEST),
)
RECORD_ITEMS = (
    *CITIZEN_ITEMS,
    ItemSpec("religion", gettext_noop("Religion"), S, ON_REQUEST),
    ItemSpec("ethnicity_name", gettext_noop("Name of the ethnic group"), S),
    ItemSpec("father_pin", gettext_noop("Father"), B, ON_REQUEST),
    ItemSpec("mother_pin", gettext_noop("Mother"), B, ON_REQUEST),
    ItemSpec("spouse_pin", gettext_noop("Spouse"), B, ON_REQUEST),
    ItemSpec("date_of_death", gettext_noop("Date of death")),
    ItemSpec("card", gettext_noop("Identity card"), B, ON_REQUEST),
    ItemSpec("residences", gettext_noop("Every residence"), B, ON_REQUEST),
    ItemSpec("history", gettext_noop("History of the record"), B, ON_REQUEST),
)
# Identifying the applicant of a dossier and routing it (name, residence): every submission.
APPLICANT_FIELDS = ("pin", "full_name", "permanent_residence", "temporary_residence")
PREFILL_FIELDS = (
    "pin", "full_name", "date_of_birth", "sex", "ethnicity", "nationality",
    "birth_registration_unit", "permanent_residence", "temporary_residence",
)  # fmt: skip

POPULATION_SERVICES = (
    ("citizen-get", gettext_noop("Citizen by personal identification number"),
     gettext_noop("Identity and residence of a citizen, by PIN (data subject header)."),
     "population.citizen_get", CITIZEN_ITEMS),
    ("citizen-verify", gettext_noop("Verify a person's identity"),
     gettext_noop(
         "Whether a PIN, full name and date of birth belong to one living record: yes or no."
     ),
     "population.citizen_verify", (ItemSpec("match", gettext_noop("Identity matches")),)),
    ("household-members", gettext_noop("Members of a citizen's household"),
     gettext_noop("The people registered in the household of the data subject."),
     "population.household_members",
     (ItemSpec("members", gettext_noop("Household members"), B, ON_REQUEST),)),
    ("residence-as-of", gettext_noop("Residence on a date"),
     gettext_noop("The residences of the data subject valid on the date given (params.as_of)."),
     "population.residence_as_of", (ItemSpec("residences", gettext_noop("Residences")),)),
    ("citizen-record", gettext_noop("Full population record (police back office)"),
     gettext_noop(
         "The whole record with its history, for the police of the citizen's place of "
         "residence."
     ),
     "population.citizen_record", RECORD_ITEMS),
)  # fmt: skip

# Not about one person given in the header: each person in the answer is logged as a subject.
SEARCH_SERVICE = (
    "citizen-search", gettext_noop("Search for citizens (police back office)"),
    gettext_noop(
        "Citizens by PIN, or by name with year of birth and unit (params), within the "
        "officer's units; every person found is logged as a data subject."
    ),
    "population.citizen_search",
    (ItemSpec("results", gettext_noop("Citizens found"), B, ON_REQUEST),),
)  # fmt: skip

CATALOGUE_SERVICE = (
    "procedure-get", gettext_noop("Administrative procedure"),
    gettext_noop("A procedure of the national catalogue by its code (path or params.code)."),
    "catalogue.procedure_get",
    tuple(ItemSpec(name, label, NONE) for name, label in (
        ("code", gettext_noop("Code")),
        ("name", gettext_noop("Name")),
        ("name_en", gettext_noop("Name in English")),
        ("sector", gettext_noop("Sector")),
        ("level", gettext_noop("Level")),
        ("agency_kind", gettext_noop("Kind of agency")),
        ("owner_agency_code", gettext_noop("Owning agency")),
        ("legal_basis", gettext_noop("Legal basis")),
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
    logchain.heads_ensure()
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
    code, name, description, operation, search_items = SEARCH_SERVICE
    ids[code], changed = service_publish(
        actor=actor, provider=POPULATION_PROVIDER, code=code, name=name,
        description=description, version="1.0", items=search_items, operation=operation,
        openapi=_openapi(code, search_items, False),
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
        actor=actor, consumer=PORTAL, service_id=ids["citizen-get"], purpose=PURPOSE_APPLICANT,
        fields=APPLICANT_FIELDS,
    )  # fmt: skip
    counts["grants"] += int(created)
    _grant, created = grant_standing_ensure(
        actor=actor, consumer=POLICE_BACK_OFFICE, service_id=ids["citizen-search"],
        purpose=PURPOSE_BACK_OFFICE, fields=["results"],
    )  # fmt: skip
    counts["grants"] += int(created)
    _grant, created = grant_standing_ensure(
        actor=actor, consumer=POLICE_BACK_OFFICE, service_id=ids["citizen-record"],
        purpose=PURPOSE_BACK_OFFICE, fields=[i.name for i in RECORD_ITEMS],
    )  # fmt: skip
    counts["grants"] += int(created)
    return counts
