"""Strong-password rule added to Django's validators (length 12, not common, not all digits,
not like the account's attributes): a password mixes lower case, upper case, digits and symbols."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """At least one lower-case letter, one upper-case letter, one digit and one other character."""

    def validate(self, password: str, user: Any = None) -> None:
        classes = (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
        if not all(classes):
            raise ValidationError(self.get_help_text(), code="password_character_classes")

    def get_help_text(self) -> str:
        return _(
            "Your password must contain a lower-case letter, an upper-case letter, a digit and a "
            "symbol such as @ or -."
        )
