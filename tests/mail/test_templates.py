"""Mail templates: subject, text and HTML per locale, a shared layout, strict about missing
data, overridable per file by ``RUSTOK_MAIL_TEMPLATES_DIR``; amounts by locale."""

from __future__ import annotations

from pathlib import Path

import pytest

from rustok.mail.catalogue import MAIL_KINDS, sample_of
from rustok.mail.formatting import format_money
from rustok.mail.templates import MailTemplates, TemplateError, TemplateSource

VALUES = {
    "token": "tok123",
    "base_url": "https://shop.example",
    "tenant_name": "Shop",
    "shop_name": "Shop",
}


def test_account_templates_render_in_english_and_russian() -> None:
    templates = MailTemplates()
    english = templates.render("account/password_reset", "en", VALUES)
    assert english.subject == "Reset your password"
    assert "token (valid 15 minutes): tok123\n" in english.text
    assert "https://shop.example/reset-password?token=tok123" in english.text
    assert english.html is not None
    assert '<html lang="en">' in english.html
    assert "<title>Reset your password</title>" in english.html  # the shared layout
    assert 'href="https://shop.example/reset-password?token=tok123"' in english.html
    russian = templates.render("account/password_reset", "ru-RU", VALUES)
    assert russian.subject == "Сброс пароля"
    assert "tok123" in russian.text
    assert russian.html is not None and '<html lang="ru">' in russian.html
    invite = templates.render("account/invite", "de", {**VALUES, "role": "manager"})
    assert invite.subject == "You are invited to Shop"  # no German: English
    assert "as manager" in invite.text


@pytest.mark.parametrize("name", sorted(MAIL_KINDS))
@pytest.mark.parametrize("locale", ["en", "ru"])
def test_every_template_has_text_and_html_in_both_locales(name: str, locale: str) -> None:
    templates = MailTemplates()
    assert templates.file_locales(name) == ["en", "ru"]
    rendered = templates.render(name, locale, sample_of(name))
    assert rendered.subject and "\n" not in rendered.subject
    assert rendered.html is not None and f'<html lang="{locale}">' in rendered.html
    assert "Sample shop" in rendered.html


def test_order_mails_show_the_order_in_the_locale() -> None:
    templates = MailTemplates()
    shipped = templates.render("order/shipped", "en", sample_of("order/shipped"))
    assert shipped.subject == "Order #1042 has shipped"
    assert "Tracking number: 1Z999AA10123456784 (UPS)" in shipped.text
    assert "- 2 × Linen shirt (S): 40.00 USD" in shipped.text
    assert "Total: 70.87 USD" in shipped.text
    russian = templates.render("order/cancelled", "ru", sample_of("order/cancelled"))
    assert russian.subject == "Заказ № 1042 отменён"
    assert "Причина: Out of stock" in russian.text
    assert "Оплата 70,87 USD возвращена." in russian.text
    assert russian.html is not None and "70,87 USD" in russian.html


def test_customer_data_is_escaped_in_html_only() -> None:
    values = sample_of("order/placed")
    values["customer_name"] = "<script>alert(1)</script>"
    values["order"]["lines"][0]["title"] = 'Shirt <img src=x onerror="steal()">'
    rendered = MailTemplates().render("order/placed", "en", values)
    assert rendered.html is not None
    assert "<script>" not in rendered.html and "<img" not in rendered.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered.html
    assert "Shirt &lt;img src=x onerror=&#34;steal()&#34;&gt;" in rendered.html
    assert "Hello <script>alert(1)</script>," in rendered.text  # plain text: as written


def test_money_follows_the_locale_and_the_currency() -> None:
    assert format_money(123456789, "USD", "en") == "1,234,567.89 USD"
    assert format_money(123456789, "RUB", "ru") == "1\u00a0234\u00a0567,89 RUB"
    assert format_money(1500, "JPY", "en") == "1,500 JPY"
    assert format_money(1500, "KWD", "en") == "1.500 KWD"
    assert format_money(-5, "EUR", "de-AT") == "-0,05 EUR"


def test_missing_template_or_value_is_a_template_error(tmp_path: Path) -> None:
    templates = MailTemplates()
    with pytest.raises(TemplateError, match="no mail template"):
        templates.render("account/nothing", "en", VALUES)
    with pytest.raises(TemplateError, match="failed"):
        templates.render("account/password_reset", "en", {"token": "x", "shop_name": "S"})
    (tmp_path / "plain.en.txt").write_text("Hello {{ name }}\n")
    with pytest.raises(TemplateError, match="does not start with"):
        MailTemplates(tmp_path).render("plain", "en", {"name": "x"})


def test_a_templates_folder_replaces_built_in_files_one_by_one(tmp_path: Path) -> None:
    (tmp_path / "order").mkdir()
    (tmp_path / "order" / "shipped.en.txt").write_text(
        "Subject: On its way: {{ order.number }}\n\nTrack {{ order.tracking_number }}\n"
    )
    templates = MailTemplates(tmp_path)
    found = templates.file_source("order/shipped", "en")
    assert found is not None and found[1] == "folder"
    assert templates.file_source("order/shipped", "ru") is not None
    assert templates.file_source("order/shipped", "ru")[1] == "built-in"  # type: ignore[index]
    rendered = templates.render("order/shipped", "en", sample_of("order/shipped"))
    assert (rendered.subject, rendered.text) == (
        "On its way: 1042",
        "Track 1Z999AA10123456784\n",
    )
    assert rendered.html is not None and "1Z999AA10123456784" in rendered.html  # built-in
    russian = templates.render("order/shipped", "ru", sample_of("order/shipped"))
    assert russian.subject == "Заказ № 1042 отправлен"


def test_a_broken_folder_file_falls_back_to_the_built_in_one(tmp_path: Path) -> None:
    (tmp_path / "order").mkdir()
    (tmp_path / "order" / "shipped.en.txt").write_text(
        "Subject: Shipped {{ order.no_such_field }}\n\nTrack {{ order.tracking_number }}\n"
    )
    (tmp_path / "order" / "paid.en.html").write_text("{% extends 'nowhere.html' %}")
    templates = MailTemplates(tmp_path)
    shipped = templates.render("order/shipped", "en", sample_of("order/shipped"))
    assert shipped.subject == "Order #1042 has shipped"
    assert "1Z999AA10123456784" in shipped.text
    paid = templates.render("order/paid", "en", sample_of("order/paid"))
    assert paid.html is not None and '<html lang="en">' in paid.html
    with pytest.raises(TemplateError):  # without a folder, a broken file is still an error
        MailTemplates(builtin=tmp_path).render("order/shipped", "en", sample_of("order/shipped"))


def test_a_broken_tenant_version_falls_back_to_the_file(tmp_path: Path) -> None:
    evil = TemplateSource(subject="x", text="{{ ''.__class__.__mro__ }}", html="<p>x</p>")
    good = TemplateSource(subject="Ours #{{ order.number }}", text="ours\n", html="<p>ours</p>")
    templates = MailTemplates()
    values = sample_of("order/placed")
    assert templates.render("order/placed", "en", values, {"en": good}).subject == "Ours #1042"
    fallback = templates.render("order/placed", "en", values, {"en": evil})
    assert fallback.subject == "Order #1042 received"
    assert "class" not in fallback.text


def test_templates_cannot_reach_python_internals(tmp_path: Path) -> None:
    (tmp_path / "evil.en.txt").write_text(
        "Subject: x\n\n{{ ''.__class__.__mro__[1].__subclasses__() }}\n"
    )
    with pytest.raises(TemplateError, match=r"unsafe|access"):
        MailTemplates(tmp_path).render("evil", "en", {})


def test_locale_tags_match_in_any_case() -> None:
    ours = TemplateSource(subject="Pedido {{ order.number }}", text="ok\n", html="<p>ok</p>")
    values = sample_of("order/placed")
    templates = MailTemplates()
    assert templates.render("order/placed", "pt-br", values, {"pt-BR": ours}).subject == (
        "Pedido 1042"
    )
    assert templates.render("order/placed", "RU", values).subject == "Заказ № 1042 принят"
