"""Mail templates: a subject line and a text body per locale, strict about missing data."""

from __future__ import annotations

from pathlib import Path

import pytest

from rustok.mail.templates import MailTemplates, TemplateError

VALUES = {"token": "tok123", "base_url": "https://shop.example", "tenant_name": "Shop"}


def test_account_templates_render_in_english_and_russian() -> None:
    templates = MailTemplates()
    english = templates.render("account/password_reset", "en", VALUES)
    assert english.subject == "Reset your password"
    assert "token (valid 15 minutes): tok123\n" in english.text
    assert "https://shop.example/reset-password?token=tok123" in english.text
    russian = templates.render("account/password_reset", "ru-RU", VALUES)
    assert russian.subject == "Сброс пароля"
    assert "tok123" in russian.text
    invite = templates.render("account/invite", "de", {**VALUES, "role": "manager"})
    assert invite.subject == "You are invited to Shop"  # no German: English
    assert "as manager" in invite.text


def test_missing_template_or_value_is_a_template_error(tmp_path: Path) -> None:
    templates = MailTemplates()
    with pytest.raises(TemplateError, match="no mail template"):
        templates.render("account/nothing", "en", VALUES)
    with pytest.raises(TemplateError, match="failed"):
        templates.render("account/password_reset", "en", {"token": "x"})
    (tmp_path / "plain.en.txt").write_text("Hello {{ name }}\n")
    with pytest.raises(TemplateError, match="does not start with"):
        MailTemplates(tmp_path).render("plain", "en", {"name": "x"})


def test_templates_cannot_reach_python_internals(tmp_path: Path) -> None:
    (tmp_path / "evil.en.txt").write_text(
        "Subject: x\n\n{{ ''.__class__.__mro__[1].__subclasses__() }}\n"
    )
    with pytest.raises(TemplateError, match=r"unsafe|access"):
        MailTemplates(tmp_path).render("evil", "en", {})
