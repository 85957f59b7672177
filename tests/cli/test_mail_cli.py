"""``rustok mail preview``: a template with sample data on stdout (text or HTML), the
deployment's folder and a tenant's own versions first; exit 2 for an unknown template or
locale, naming the known ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from rustok.bootstrap import bootstrap
from rustok.core.context import RequestContext, use_context
from rustok.mail.mail_runtime import mail_runtime
from rustok.mail.overrides import MailTemplateWrite
from rustok.tenancy.schemas import TenantCreate
from rustok.tenancy.service import TenantService, tenant_ref
from tests.cli.test_cli import cli, invoke
from tests.conftest import make_settings, run_in_thread

__all__ = ["cli"]


@pytest.mark.sql_free
def test_preview_prints_subject_and_text_or_the_html(cli: CliRunner) -> None:
    code, out, err = invoke(cli, "mail", "preview", "order/shipped", "--locale", "ru")
    assert code == 0, err
    assert out.startswith("Subject: Заказ № 1042 отправлен\n\nЗдравствуйте, Ada Lovelace!\n")
    assert "Трек-номер: 1Z999AA10123456784 (UPS)" in out
    assert "Итого: 70,87 USD" in out
    code, out, err = invoke(cli, "mail", "preview", "account/invite", "--html")
    assert code == 0, err
    assert out.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert "<title>You are invited to Sample shop</title>" in out
    assert "sample-token-0123456789" in out


@pytest.mark.sql_free
def test_unknown_template_or_locale_exits_2_naming_the_known_ones(cli: CliRunner) -> None:
    code, out, err = invoke(cli, "mail", "preview", "order/lost")
    assert (code, out) == (2, "")
    assert "unknown template 'order/lost'; known templates: account/password_reset" in err
    assert "order/cancelled" in err
    code, out, err = invoke(cli, "mail", "preview", "order/paid", "--locale", "de")
    assert (code, out) == (2, "")
    assert "no 'de' version of order/paid; known locales: en, ru" in err


@pytest.mark.sql_free
def test_the_templates_folder_comes_first(cli: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "mails"
    (folder / "order").mkdir(parents=True)
    (folder / "order" / "paid.de.txt").write_text(
        "Subject: Zahlung für Bestellung {{ order.number }}\n\nDanke, {{ customer_name }}.\n"
    )
    env = {"RUSTOK_MAIL_TEMPLATES_DIR": str(folder)}
    code, out, err = invoke(cli, "mail", "preview", "order/paid", "--locale", "de", **env)
    assert code == 0, err
    assert out == "Subject: Zahlung für Bestellung 1042\n\nDanke, Ada Lovelace.\n"
    code, _, err = invoke(cli, "mail", "preview", "order/paid", "--locale", "de", "--html", **env)
    assert code == 1 and "has no HTML part" in err
    code, _, err = invoke(
        cli, "mail", "preview", "order/paid", RUSTOK_MAIL_TEMPLATES_DIR=str(tmp_path / "none")
    )
    assert code == 2 and "RUSTOK_MAIL_TEMPLATES_DIR:" in err and "is not a directory" in err


def _tenant_with_version(db_url: str, data_dir: Path) -> None:
    async def work() -> None:
        platform = bootstrap(make_settings(db_url, data_dir))
        try:
            tenant = await TenantService(platform).create(TenantCreate(slug="shop", name="Linen"))
            with use_context(RequestContext(tenant=tenant_ref(tenant))):
                await mail_runtime(platform).template_service.put(
                    "order/placed", "pt-BR",
                    MailTemplateWrite(
                        subject="Pedido {{ order.number }} na {{ shop_name }}",
                        text="Obrigado, {{ customer_name }}!\n", html="<p>Obrigado</p>",
                    ),
                )  # fmt: skip
        finally:
            await platform.aclose()

    run_in_thread(work)


def test_a_tenants_versions_come_first(cli: CliRunner, db_url: str, tmp_path: Path) -> None:
    _tenant_with_version(db_url, tmp_path)
    args = ("mail", "preview", "order/placed", "--tenant", "shop")
    code, out, err = invoke(cli, *args, "--locale", "pt-BR")
    assert code == 0, err
    assert out == "Subject: Pedido 1042 na Linen\n\nObrigado, Ada Lovelace!\n"
    code, out, err = invoke(cli, *args, "--locale", "pt-BR", "--html")
    assert (code, out) == (0, "<p>Obrigado</p>")
    code, out, err = invoke(cli, *args, "--locale", "en")
    assert code == 0 and out.startswith("Subject: Order #1042 received\n"), err
    assert "thank you for your order at Linen." in out  # the tenant's name in the sample
    code, out, err = invoke(cli, "mail", "preview", "order/placed", "--locale", "pt-BR")
    assert code == 2 and "known locales: en, ru" in err  # without the tenant: files only
    code, out, err = invoke(cli, "mail", "preview", "order/placed", "--tenant", "nope")
    assert code == 1 and out == ""
    assert "nope" in err
