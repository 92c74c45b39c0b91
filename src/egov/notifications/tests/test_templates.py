from __future__ import annotations

import pytest
from django.utils.translation import gettext_lazy as _

from egov.notifications.services import TemplateNotFound, template_register, template_render
from egov.notifications.tests.conftest import GREETING, GREETING_BODY, GREETING_SUBJECT

PARAMS = {"name": "Sở Tư pháp", "code": "000.00.15.H29"}


def test_renders_in_vietnamese_and_english() -> None:
    assert template_render(GREETING, PARAMS, "vi") == (
        "Cán bộ, công chức của Sở Tư pháp",
        "Vui lòng nộp hồ sơ tại Sở Tư pháp (000.00.15.H29).",
    )
    assert template_render(GREETING, PARAMS, "en") == (
        "Officials of Sở Tư pháp",
        "Apply to Sở Tư pháp (000.00.15.H29).",
    )


def test_unknown_key_and_missing_parameter() -> None:
    with pytest.raises(TemplateNotFound):
        template_render("tests.unknown", PARAMS, "en")
    with pytest.raises(KeyError):
        template_render(GREETING, {"name": "x"}, "en")


def test_registering_again_with_the_same_text_is_harmless_with_other_text_an_error() -> None:
    template_register(GREETING, subject=GREETING_SUBJECT, body=GREETING_BODY)
    with pytest.raises(ValueError, match="already registered"):
        template_register(GREETING, subject=_("Home"), body=GREETING_BODY)
    assert template_render(GREETING, PARAMS, "en")[0] == "Officials of Sở Tư pháp"


@pytest.mark.parametrize("key", ["greeting", "Tests.greeting", "tests.", "tests greeting"])
def test_keys_are_module_dot_name(key: str) -> None:
    with pytest.raises(ValueError, match="module"):
        template_register(key, subject=_("Home"), body=_("Home"))
