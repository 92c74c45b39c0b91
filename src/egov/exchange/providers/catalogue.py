"""The national catalogue of administrative procedures published on the platform (in-process:
the catalogue module's selectors)."""

from __future__ import annotations

from egov.catalogue import selectors as catalogue
from egov.exchange.providers.base import Call, Result, json_safe, operation

PROCEDURE_ITEMS = (
    "code", "name", "name_en", "sector", "level", "agency_kind", "owner_agency_code",
    "legal_basis",
)  # fmt: skip


@operation("catalogue.procedure_get")
def procedure_get(call: Call) -> Result:
    code = str(call.params.get("code") or call.path.strip("/"))
    info = catalogue.procedure_get(code=code)
    data = json_safe(info)
    return Result({name: data[name] for name in PROCEDURE_ITEMS})
