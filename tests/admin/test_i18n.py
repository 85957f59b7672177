"""The admin's Russian catalogues — the platform's and each module's own — cover every
message the templates and code mark, a module's catalogue reaches its pages, and the
language choice follows the user, then ``Accept-Language``."""

from __future__ import annotations

import importlib
import pkgutil
from collections import defaultdict
from pathlib import Path

import httpx
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import rustok
from rustok.api.app import RustokApp
from rustok.core.module import ModuleSpec
from rustok.core.registry import FoundModule, discover_modules
from rustok.modules import BUILTIN_MODULES
from rustok.web.admin.i18n import (
    LOCALE_DIR,
    Catalogues,
    catalogue,
    choose_language,
    format_money,
    gettext,
    read_catalogue,
    set_language,
)
from rustok.web.admin.lists import ListSpec
from tests.admin.helpers import admin_sign_in
from tests.auth.helpers import make_user

SOURCE = Path(rustok.__file__).parent
METHODS = [("**/admin/**.py", "python"), ("**/admin/templates/**.html", "jinja2")]
OPTIONS = {"**/admin/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
PLATFORM = ""


def _modules() -> list[FoundModule]:
    return discover_modules(BUILTIN_MODULES)


def _folder(module: FoundModule) -> Path:
    init = importlib.import_module(module.package).__file__
    assert init is not None
    return Path(init).parent


def _marked(root: Path) -> set[str]:
    found = extract_from_dir(
        str(root), METHODS, OPTIONS, keywords={"gettext": None, "N_": None, "_": None}
    )
    return {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found}


def _marked_by_owner() -> dict[str, set[str]]:
    """The messages marked in each module's folder (by slug) and in the platform's code
    (``PLATFORM``: every admin folder of the package outside the modules')."""
    modules = {m.spec.slug: _folder(m) for m in _modules()}
    owners: dict[str, set[str]] = defaultdict(set)
    found = extract_from_dir(
        str(SOURCE), METHODS, OPTIONS, keywords={"gettext": None, "N_": None, "_": None}
    )
    for filename, _, message, _, _ in found:
        path = SOURCE / filename
        owner = next((slug for slug, f in modules.items() if path.is_relative_to(f)), PLATFORM)
        owners[owner].add(message if isinstance(message, str) else message[0])
    for module in _modules():  # installed modules live outside the package
        if not _folder(module).is_relative_to(SOURCE):
            owners[module.spec.slug] |= _marked(_folder(module))
    return owners


def _own_catalogue(spec: ModuleSpec, language: str = "ru") -> dict[str, str]:
    if spec.admin is None or spec.admin.locale is None:
        return {}
    return read_catalogue(spec.admin.locale, language)


def _catalogue_files() -> list[Path]:
    files = [LOCALE_DIR / "ru/LC_MESSAGES/messages.po"]
    for module in _modules():
        admin = module.spec.admin
        if admin is not None and admin.locale is not None:
            files.append(admin.locale / "ru/LC_MESSAGES/messages.po")
    return files


@pytest.mark.sql_free
def test_every_marked_message_has_a_russian_translation() -> None:
    marked = _marked_by_owner()
    everything = set().union(*marked.values())
    assert {"Sign in", "Products", "Saved.", "draft"} <= everything  # the extraction sees them
    assert {"Sign in", "Saved."} <= marked[PLATFORM]
    platform = catalogue("ru")
    missing = {PLATFORM: sorted(marked[PLATFORM] - set(platform))}
    for module in _modules():
        own = _own_catalogue(module.spec)
        missing[module.spec.slug] = sorted(marked[module.spec.slug] - set(own) - set(platform))
    assert {owner: ids for owner, ids in missing.items() if ids} == {}


def _list_specs(module: FoundModule) -> list[ListSpec]:
    """The list screens declared in the module's admin package (its modules' globals)."""
    admin = importlib.import_module(f"{module.package}.admin")
    specs: list[ListSpec] = []
    for info in pkgutil.iter_modules(admin.__path__, f"{admin.__name__}."):
        values = vars(importlib.import_module(info.name)).values()
        specs += [value for value in values if isinstance(value, ListSpec)]
    return specs


@pytest.mark.sql_free
def test_a_module_list_translates_its_filter_values_without_other_modules() -> None:
    # The values a list filters by are rendered with ``_(value)`` (the select, the badges):
    # a value translated only by another module's catalogue stays English without it.
    platform = set(catalogue("ru"))
    untranslated: dict[str, list[str]] = {}
    for module in _modules():
        if module.spec.admin is None or not module.spec.admin.handlers:
            continue
        own = platform | set(_own_catalogue(module.spec))
        dependencies = (_own_catalogue(d) for d in _dependencies(module.spec))
        known = own.union(*dependencies)
        values = {v for spec in _list_specs(module) for vs in spec.filters.values() for v in vs}
        if missing := sorted(values - known):
            untranslated[module.spec.slug] = missing
    assert untranslated == {}


def _dependencies(spec: ModuleSpec) -> list[ModuleSpec]:
    by_slug = {m.spec.slug: m.spec for m in _modules()}
    return [by_slug[slug] for slug in spec.dependencies if slug in by_slug]


@pytest.mark.sql_free
def test_a_module_catalogue_holds_only_its_own_messages() -> None:
    # An entry marked nowhere in the module's folder belongs to the platform or another
    # module: there it would translate pages of an app without this module.
    marked = _marked_by_owner()
    strays = {
        m.spec.slug: sorted(set(_own_catalogue(m.spec)) - marked[m.spec.slug]) for m in _modules()
    }
    assert {slug: ids for slug, ids in strays.items() if ids} == {}
    moved = [m for m in _modules() if _own_catalogue(m.spec)]
    assert len(moved) >= 2  # the split happened: modules carry their catalogues


@pytest.mark.sql_free
def test_the_catalogues_of_all_modules_merge_without_conflict() -> None:
    locales = {
        m.spec.slug: m.spec.admin.locale for m in _modules() if m.spec.admin and m.spec.admin.locale
    }
    merged = Catalogues(locales).of("ru")
    assert set(merged) == set(catalogue("ru")).union(
        *(read_catalogue(path, "ru") for path in locales.values())
    )
    assert Catalogues(locales).of("en") == {}


@pytest.mark.sql_free
@pytest.mark.parametrize("path", _catalogue_files(), ids=lambda p: str(p.relative_to(SOURCE)))
def test_every_russian_catalogue_is_well_formed(path: Path) -> None:
    # Merges of this file once left msgstr lines without their msgid (Babel read on).
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
    assert len(ids) == len(set(ids)) > 0
    assert all(message.string for message in catalog if message.id)


@pytest.mark.sql_free
def test_no_msgid_sits_in_two_catalogues() -> None:
    seen: dict[str, Path] = {}
    twice = []
    for path in _catalogue_files():
        with path.open("rb") as po:
            for message in read_po(po):
                if message.id and seen.setdefault(str(message.id), path) != path:
                    twice.append(message.id)
    assert twice == []
    assert len(seen) > 500  # the platform's and the modules' together


def _write_catalogue(folder: Path, entries: dict[str, str]) -> Path:
    path = folder / "ru/LC_MESSAGES/messages.po"
    path.parent.mkdir(parents=True)
    body = "".join(f'msgid "{k}"\nmsgstr "{v}"\n\n' for k, v in entries.items())
    path.write_text(f'msgid ""\nmsgstr ""\n"Language: ru\\n"\n\n{body}', encoding="utf-8")
    return folder


@pytest.mark.sql_free
def test_a_module_msgid_translated_unlike_the_platform_is_refused(tmp_path: Path) -> None:
    assert catalogue("ru")["Sign in"] == "Войти"
    same = _write_catalogue(tmp_path / "same", {"Sign in": "Войти", "Hello": "Привет"})
    assert Catalogues({"same": same}).of("ru")["Hello"] == "Привет"
    other = _write_catalogue(tmp_path / "other", {"Sign in": "Зайти"})
    with pytest.raises(ValueError, match=r"module 'other'.*'Sign in'.*'Зайти'.*the platform"):
        Catalogues({"other": other})


@pytest.mark.sql_free
def test_two_modules_translating_one_msgid_differently_are_refused(tmp_path: Path) -> None:
    one = _write_catalogue(tmp_path / "one", {"Greeting": "Привет"})
    two = _write_catalogue(tmp_path / "two", {"Greeting": "Здравствуйте"})
    with pytest.raises(ValueError, match=r"module 'two'.*'Greeting'.*module 'one'"):
        Catalogues({"one": one, "two": two})


@pytest.mark.sql_free
def test_gettext_reads_the_catalogues_it_is_given(tmp_path: Path) -> None:
    mine = _write_catalogue(tmp_path / "mine", {"Greeting": "Привет"})
    set_language("ru", Catalogues({"mine": mine}))
    assert (gettext("Greeting"), gettext("Sign in")) == ("Привет", "Войти")
    set_language("ru")  # no catalogues given: the platform's alone
    assert (gettext("Greeting"), gettext("Sign in")) == ("Greeting", "Войти")
    set_language("en")


async def test_a_module_page_speaks_russian_from_the_module_catalogue(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    """The webhooks list's empty state is translated by the webhooks module's own catalogue
    (the platform's does not hold it)."""
    empty = "No webhooks yet."
    webhooks = app.platform.modules.get("webhooks")
    assert webhooks is not None and empty not in catalogue("ru")
    assert _own_catalogue(webhooks)[empty] == "Вебхуков пока нет."
    await make_user(app.platform, "admin@example.com", "admin")
    await admin_sign_in(client, "admin@example.com")
    page = await client.get("/admin/webhooks", headers={"Accept-Language": "ru"})
    assert page.status_code == 200, page.text[:300]
    assert '<html lang="ru">' in page.text and "Вебхуков пока нет." in page.text
    assert empty not in page.text


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
