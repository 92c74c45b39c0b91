"""Writes of the exchange module (each one transaction with its audit record and event) and the
gateway (``exchange_call`` for in-process consumers, ``gateway_handle`` for HTTP)."""

from egov.exchange.services.access import (
    access_request_decide,
    access_request_submit,
    grant_act,
    grant_standing_ensure,
)
from egov.exchange.services.consumers import (
    PURPOSE_APPLICANT,
    PURPOSE_BACK_OFFICE,
    PURPOSE_PREFILL,
    applicant_and_prefill_read,
    applicant_citizen_read,
    backoffice_citizen_search,
    backoffice_record_read,
    prefill_citizen_read,
)
from egov.exchange.services.gateway import exchange_call, gateway_handle, max_body_bytes
from egov.exchange.services.logs import log_purge
from egov.exchange.services.registry import (
    ItemSpec,
    member_ensure,
    service_act,
    service_publish,
    subsystem_ensure,
)

__all__ = [
    "PURPOSE_APPLICANT",
    "PURPOSE_BACK_OFFICE",
    "PURPOSE_PREFILL",
    "ItemSpec",
    "access_request_decide",
    "access_request_submit",
    "applicant_and_prefill_read",
    "applicant_citizen_read",
    "backoffice_citizen_search",
    "backoffice_record_read",
    "exchange_call",
    "gateway_handle",
    "grant_act",
    "grant_standing_ensure",
    "log_purge",
    "max_body_bytes",
    "member_ensure",
    "prefill_citizen_read",
    "service_act",
    "service_publish",
    "subsystem_ensure",
]
