from __future__ import annotations

import pytest
from django.utils import translation

from egov.core.actor import Actor, ActorKind
from egov.core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from egov.core.text import fold


def test_actor_kinds_and_invariants() -> None:
    official = Actor(kind=ActorKind.OFFICIAL, id="abc", agency_code="000.00.00.H29")
    assert official.describe() == "official:abc"
    assert Actor.anonymous().describe() == "anonymous"
    assert Actor.system("geo_load") == Actor(kind=ActorKind.SYSTEM, id="geo_load")
    with pytest.raises(ValueError, match="empty id"):
        Actor(kind=ActorKind.CITIZEN)
    with pytest.raises(ValueError, match="anonymous actor has no id"):
        Actor(kind=ActorKind.ANONYMOUS, id="x")
    with pytest.raises(AttributeError):
        official.id = "other"  # type: ignore[misc]


@translation.override("en")
def test_domain_errors_carry_code_status_and_fields() -> None:
    err = ValidationFailed(field_errors={"pin": ["PIN must have 12 digits."]})
    assert err.as_dict() == {
        "code": "validation_failed",
        "message": "Some of the information given is not valid. Correct it and try again.",
        "fields": {"pin": ["PIN must have 12 digits."]},
    }
    assert NotFound().http_status == 404
    assert InvalidTransition().code == "invalid_transition"
    assert isinstance(InvalidTransition(), Conflict)
    custom = NotFound("Unit %(code)s not found.", code="unit_not_found", params={"code": "02"})
    assert custom.as_dict() == {"code": "unit_not_found", "message": "Unit 02 not found."}


def test_domain_error_message_follows_active_language() -> None:
    with translation.override("vi"):
        vi = NotFound().render_message()
    with translation.override("en"):
        en = NotFound().render_message()
    assert en == "What you asked for does not exist or is not available to you."
    assert vi == "Nội dung bạn yêu cầu không tồn tại hoặc bạn không có quyền truy cập."


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Thành phố Hồ Chí Minh", "thanh pho ho chi minh"),
        ("  ĐẮK   LẮK ", "dak lak"),
        ("Phường Đống Đa", "phuong dong da"),
        ("Quảng Ngãi", "quang ngai"),
        ("plain", "plain"),
    ],
)
def test_fold_strips_diacritics_case_and_spaces(text: str, folded: str) -> None:
    assert fold(text) == folded
