"""The registry of message templates.

A template is a subject and a body, both ``gettext_lazy`` strings with ``%(name)s`` placeholders
(a literal percent sign is written ``%%``). A module registers its templates once, when Django
starts, from its ``AppConfig.ready``::

    # egov/dossiers/notices.py
    from django.utils.translation import gettext_lazy as _
    from egov.notifications.services import template_register

    def register() -> None:
        template_register(
            "dossiers.received",
            subject=_("Dossier %(code)s received"),
            body=_("Your dossier %(code)s was received. Result due on %(due)s."),
        )

    # egov/dossiers/apps.py: def ready(self): from egov.dossiers import notices; notices.register()

Other modules import ``template_register`` and ``template_render`` from
``egov.notifications.services`` (the public surface), not from this file. Keys are
``<module>.<name>``; registering a key again with the same text is harmless, with other text an
error. The text is rendered when it is read, in the reader's language, so a notification stored
today shows tomorrow's better wording and both languages.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils import translation
from django_stubs_ext import StrOrPromise

_KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


class TemplateNotFound(LookupError):
    """No template is registered under this key (a programming error, raised at send time)."""


@dataclass(frozen=True)
class MessageTemplate:
    key: str
    subject: StrOrPromise
    body: StrOrPromise


_TEMPLATES: dict[str, MessageTemplate] = {}


def template_register(key: str, *, subject: StrOrPromise, body: StrOrPromise) -> None:
    """Register the template ``key`` (``<module>.<name>``). Call it from ``AppConfig.ready``."""
    if not _KEY.match(key):
        raise ValueError(f"Template keys look like '<module>.<name>'; got {key!r}")
    existing = _TEMPLATES.get(key)
    if existing is not None:
        # Lazy strings compare by their text in the active language.
        if existing.subject == subject and existing.body == body:
            return
        raise ValueError(f"Template {key!r} is already registered with another text")
    _TEMPLATES[key] = MessageTemplate(key, subject, body)


def template_get(key: str) -> MessageTemplate:
    try:
        return _TEMPLATES[key]
    except KeyError:
        raise TemplateNotFound(key) from None


def template_keys() -> list[str]:
    return sorted(_TEMPLATES)


def template_render(key: str, params: Mapping[str, str], language: str) -> tuple[str, str]:
    """``(subject, body)`` of ``key`` in ``language`` with ``params`` filled in.

    Raises ``TemplateNotFound`` for an unknown key and ``KeyError`` for a missing parameter.
    """
    template = template_get(key)
    values = dict(params)
    with translation.override(language):
        return str(template.subject) % values, str(template.body) % values
