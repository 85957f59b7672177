"""The admin's Russian catalogue covers every message the templates and code mark, and the
language choice follows the user, then ``Accept-Language``."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import rustok
from rustok.web.admin.i18n import catalogue, choose_language, format_money, set_language

SOURCE = Path(rustok.__file__).parent
METHODS = [("**/admin/**.py", "python"), ("**/admin/templates/**.html", "jinja2")]
OPTIONS = {"**/admin/templates/**.html": {"extensions": "jinja2.ext.i18n"}}


def _marked() -> set[str]:
    found = extract_from_dir(
        str(SOURCE), METHODS, OPTIONS, keywords={"gettext": None, "N_": None, "_": None}
    )
    return {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found}


@pytest.mark.sql_free
def test_every_marked_message_has_a_russian_translation() -> None:
    marked = _marked()
    assert {"Sign in", "Products", "Saved.", "draft"} <= marked  # the extraction sees them
    missing = sorted(marked - set(catalogue("ru")))
    assert missing == []


@pytest.mark.sql_free
def test_the_russian_catalogue_is_well_formed() -> None:
    # Merges of this file once left msgstr lines without their msgid (Babel read on).
    path = SOURCE / "web/admin/locale/ru/LC_MESSAGES/messages.po"
    lines = path.read_text(encoding="utf-8").splitlines()
    orphans = [
        n + 1
        for n, line in enumerate(lines)
        if line.startswith("msgstr") and not lines[n - 1].startswith(("msgid", '"'))
    ]
    assert orphans == []
    with path.open("rb") as po:
        catalog = read_po(po, abort_invalid=True)
    ids = [message.id for message in catalog if message.id]
    assert len(ids) == len(set(ids)) > 500


@pytest.mark.sql_free
@pytest.mark.parametrize(
    ("chosen", "header", "expected"),
    [
        (None, "ru-RU,ru;q=0.9,en;q=0.8", "ru"),
        (None, "de,en;q=0.5,ru;q=0.7", "ru"),
        (None, "de,fr", "en"),
        ("en", "ru", "en"),
        ("xx", "ru", "ru"),
        (None, "ru;q=abc,en;q=0.1", "en"),
        (None, None, "en"),
    ],
)
def test_the_language_is_the_choice_then_accept_language(
    chosen: str | None, header: str | None, expected: str
) -> None:
    assert choose_language(chosen, header) == expected


@pytest.mark.sql_free
def test_money_is_written_in_minor_units_of_its_currency() -> None:
    set_language("en")
    assert format_money(1999, "USD") == "$19.99"
    assert format_money(500, "JPY") == "¥500"
