"""English and Russian for the admin UI: gettext catalogues read with Babel.

The platform's catalogue lives here (``locale/``); each module with admin screens carries
its own next to them (``ModuleAdmin.locale``, the same layout). An app translates with
:class:`Catalogues`: the platform's plus its modules', merged once when the app mounts its
admin (``rustok.api.admin_mount``, on first use; a msgid two of them translate differently
is refused then). The ``.po`` files are read then (no compiled ``.mo``: nothing to build on
a fresh machine), with Babel imported for it.

The language of a request is the user's choice (the language cookie the switcher sets) or
else the best of ``Accept-Language``; it lives in a context variable with the app's
catalogues, so templates and handlers translate with plain ``gettext``.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("en", "ru")
DEFAULT_LANGUAGE = "en"
LANGUAGE_COOKIE = "rustok_admin_lang"
_language: ContextVar[str] = ContextVar("admin_language", default=DEFAULT_LANGUAGE)


def catalogue(language: str) -> dict[str, str]:
    """The platform's msgid → translation for ``language`` (empty for English, the msgids'
    language)."""
    return read_catalogue(LOCALE_DIR, language)


@cache
def read_catalogue(locale_dir: Path, language: str) -> dict[str, str]:
    """msgid → translation of ``<locale_dir>/<language>/LC_MESSAGES/messages.po`` (empty
    when there is none)."""
    path = locale_dir / language / "LC_MESSAGES" / "messages.po"
    if not path.is_file():
        return {}
    # Babel is imported by the first page that needs it: the modules mark their sidebar
    # entries with ``N_`` from here, and a worker serving no admin page needs nothing else.
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        po = read_po(handle, locale=language)
    return {
        str(m.id): str(m.string)
        for m in po
        if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
    }


class Catalogues:
    """The translations of one app: the platform's catalogue and its modules' (slug → locale
    folder), merged per language. Building it reads and checks every language, so that a
    module's msgid translated differently from the platform's (or another module's) stops
    the app at start-up rather than changing a page elsewhere."""

    def __init__(self, modules: Mapping[str, Path] | None = None) -> None:
        self._merged: dict[str, dict[str, str]] = {}
        for language in LANGUAGES:
            merged = dict(catalogue(language))
            owner = dict.fromkeys(merged, "the platform")
            for slug, locale_dir in (modules or {}).items():
                for msgid, text in read_catalogue(locale_dir, language).items():
                    if merged.setdefault(msgid, text) != text:
                        raise ValueError(
                            f"module {slug!r}: its {language} catalogue translates "
                            f"{msgid!r} as {text!r}, {owner[msgid]} as {merged[msgid]!r}; "
                            "keep one translation (drop the module's entry or reword the msgid)"
                        )
                    owner.setdefault(msgid, f"module {slug!r}")
            self._merged[language] = merged

    def of(self, language: str) -> Mapping[str, str]:
        return self._merged.get(language, {})


@cache
def platform_catalogues() -> Catalogues:
    """The platform's catalogues alone, read when first needed (not when a module marks its
    sidebar entries with ``N_`` from here)."""
    return Catalogues()


_catalogues: ContextVar[Catalogues | None] = ContextVar("admin_catalogues", default=None)


def choose_language(chosen: str | None, accept_language: str | None) -> str:
    """The user's choice when it is one we have, else the first of ``Accept-Language``
    (by quality) we have, else English."""
    if chosen in LANGUAGES:
        return str(chosen)
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept_language or "").split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, index, tag.strip().lower().split("-")[0]))
    for quality, _, language in sorted(ranked):
        if quality < 0 and language in LANGUAGES:
            return language
    return DEFAULT_LANGUAGE


def set_language(language: str, catalogues: Catalogues | None = None) -> None:
    """The language of this request, and the app's catalogues (else the platform's)."""
    _language.set(language)
    _catalogues.set(catalogues or platform_catalogues())


def current_language() -> str:
    return _language.get()


def N_(message: str) -> str:
    """Marks a message for extraction (``pybabel extract -k N_``); translated later, when
    the page renders (sidebar labels, column labels, flash messages)."""
    return message


def gettext(message: str) -> str:
    catalogues = _catalogues.get() or platform_catalogues()
    return catalogues.of(_language.get()).get(message, message)


def ngettext(singular: str, plural: str, count: int) -> str:
    # Russian's three plural forms need Babel's plural rule; the UI avoids counted phrases.
    return gettext(singular if count == 1 else plural)


def format_money(minor_units: int, currency: str) -> str:
    """An amount in minor units (cents), as the page's language writes it: ``$19.99``."""
    from babel.numbers import format_currency, get_currency_precision

    amount = minor_units / 10 ** get_currency_precision(currency)
    return str(format_currency(amount, currency, locale=current_language()))
