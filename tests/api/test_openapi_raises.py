"""The walk that finds what an operation can answer follows names imported inside a function
(a library loaded on first use, e.g. the mail template checker's Jinja2 parser)."""

from __future__ import annotations

from rustok.api.openapi_raises import RaiseAnalyzer
from rustok.mail.overrides import MailTemplateService


def test_a_function_imported_where_it_is_used_is_followed() -> None:
    found = RaiseAnalyzer().problems(MailTemplateService.put, MailTemplateService)
    assert (422, "TEMPLATE_REFUSED") in found
