"""Rendering mails from Jinja2 templates: subject, text and HTML, per locale (W-7).

Files: ``<group>/<name>.<locale>.txt`` (first line ``Subject: …``, a blank line, the text
body) and ``<group>/<name>.<locale>.html`` (the HTML body, extending ``layout.html``);
partials (``order/_summary.en.html``) and the layout are shared. Where they come from, first
found wins, per file:

1. the tenant's own version of that template and locale (``mail_templates`` rows, given as
   ``overrides``; one that fails to render is logged and skipped);
2. ``RUSTOK_MAIL_TEMPLATES_DIR`` (deployment-wide, same layout as the built-in folder;
   a mail whose files there fail to render is rendered from the built-in files alone, if
   they have it, with a warning);
3. the built-in ``src/rustok/mail/templates/``.

The locale falls back from ``ru-RU`` to ``ru`` to ``en`` (tags match in any case); the
chosen one is the template's ``locale`` value (amounts and the HTML ``lang`` follow it).
Everything renders in the bounded sandbox of ``sandbox.py``, strict about missing values;
HTML autoescapes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rustok.core.logging import get_logger

if TYPE_CHECKING:
    from jinja2 import FileSystemLoader, Template

    from rustok.mail.sandbox import MailSandbox

TEMPLATES_DIR = Path(__file__).parent / "templates"
FALLBACK_LOCALE = "en"
SUBJECT_PREFIX = "Subject:"
LAYOUT = "layout.html"
_log = get_logger("rustok.mail")


class TemplateError(ValueError):
    """A template that is missing or does not render with the mail's data."""


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    text: str
    html: str | None = None


@dataclass(frozen=True, slots=True)
class TemplateSource:
    """A tenant's version of one template in one locale (a ``mail_templates`` row)."""

    subject: str
    text: str
    html: str


def locale_candidates(locale: str) -> list[str]:
    """``pt-BR`` → ``pt-BR``, ``pt-br``, ``pt``, ``en`` (file names may be either case)."""
    tags = [locale, locale.lower(), locale.split("-")[0].lower(), FALLBACK_LOCALE]
    return list(dict.fromkeys(t for t in tags if t))


def one_line(subject: str) -> str:
    """A subject is one header line: whitespace (newlines included) collapses to spaces."""
    return " ".join(subject.split())[:255]


def _stream(chunks: Iterator[str], name: str) -> str:
    from rustok.mail.sandbox import MAX_OUTPUT_CHARS

    parts: list[str] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_OUTPUT_CHARS:
            raise TemplateError(f"template {name!r} renders over {MAX_OUTPUT_CHARS} characters")
        parts.append(chunk)
    return "".join(parts)


def render_template(template: Template, values: Mapping[str, Any], name: str) -> str:
    """Render one compiled template, its output cut at ``MAX_OUTPUT_CHARS``; any failure is a
    :class:`TemplateError`."""
    try:
        return _stream(template.generate(values), name)
    except TemplateError:
        raise
    except Exception as exc:
        raise TemplateError(f"template {name!r} failed: {type(exc).__name__}: {exc}") from exc


class MailTemplates:
    """The files' loader and the two sandboxes are made when first used (Jinja2 with them):
    a worker that sends no mail and edits no template never imports Jinja2 for mail."""

    def __init__(self, directory: Path | None = None, *, builtin: Path = TEMPLATES_DIR) -> None:
        self.directories = [d for d in (directory, builtin) if d is not None]
        # A deployment folder's file that fails falls back to the built-in files alone.
        self._builtin = MailTemplates(builtin=builtin) if directory is not None else None

    @cached_property
    def loader(self) -> FileSystemLoader:
        from jinja2 import FileSystemLoader

        return FileSystemLoader([str(d) for d in self.directories])

    @cached_property
    def text_env(self) -> MailSandbox:
        from rustok.mail.sandbox import MailSandbox

        return MailSandbox(self.loader, html=False)

    @cached_property
    def html_env(self) -> MailSandbox:
        from rustok.mail.sandbox import MailSandbox

        return MailSandbox(self.loader, html=True)

    def file_locales(self, name: str) -> list[str]:
        """Locales that have a file version of ``name`` (its ``.txt``), sorted."""
        prefix = f"{name}."
        return sorted(
            {
                file.removeprefix(prefix).removesuffix(".txt")
                for file in self.loader.list_templates()
                if file.startswith(prefix) and file.endswith(".txt") and file.count(".") == 2
            }
        )

    def shared(self) -> frozenset[str]:
        """Files any template may include or extend: the layout and the partials."""
        return frozenset(
            name for name in self.loader.list_templates() if name == LAYOUT or "/_" in name
        )

    def file_source(self, name: str, locale: str) -> tuple[TemplateSource, str] | None:
        """The file version of ``name`` in exactly ``locale`` and where it comes from
        (``folder``: ``RUSTOK_MAIL_TEMPLATES_DIR``, or ``built-in``), for the admin API."""
        from jinja2 import TemplateNotFound

        try:
            text, path, _ = self.loader.get_source(self.text_env, f"{name}.{locale}.txt")
        except TemplateNotFound:
            return None
        try:
            html, _, _ = self.loader.get_source(self.html_env, f"{name}.{locale}.html")
        except TemplateNotFound:
            html = ""
        first, _, body = text.partition("\n")
        subject = first.removeprefix(SUBJECT_PREFIX).strip()
        origin = "built-in" if Path(path).is_relative_to(self.directories[-1]) else "folder"
        return TemplateSource(subject=subject, text=body.lstrip("\n"), html=html), origin

    def render(
        self,
        name: str,
        locale: str,
        values: Mapping[str, Any],
        overrides: Mapping[str, TemplateSource] | None = None,
    ) -> Rendered:
        by_tag = {tag.lower(): source for tag, source in (overrides or {}).items()}
        for tag in locale_candidates(locale):
            override = by_tag.pop(tag.lower(), None)
            if override is not None:
                try:
                    return self.render_source(override, {**values, "locale": tag}, name)
                except TemplateError as exc:
                    _log.warning("tenant mail template skipped", template=name, locale=tag,
                                 error=str(exc))  # fmt: skip
            found = self._render_folder_or_builtin(name, tag, {**values, "locale": tag})
            if found is not None:
                return found
        raise TemplateError(f"no mail template {name!r}")

    def _render_folder_or_builtin(
        self, name: str, tag: str, values: dict[str, Any]
    ) -> Rendered | None:
        try:
            return self._render_files(name, tag, values)
        except TemplateError as exc:
            built_in = self._builtin._render_files(name, tag, values) if self._builtin else None
            if built_in is None:  # no built-in version of it: the folder's error stands
                raise
            _log.warning("mail templates folder file skipped", template=name, locale=tag,
                         error=str(exc))  # fmt: skip
            return built_in

    def _render_files(self, name: str, tag: str, values: dict[str, Any]) -> Rendered | None:
        from jinja2 import TemplateNotFound

        try:
            text_template = self.text_env.get_template(f"{name}.{tag}.txt")
        except TemplateNotFound:
            return None
        except Exception as exc:
            raise TemplateError(f"template {name!r} failed: {exc}") from exc
        first, _, body = render_template(text_template, values, name).partition("\n")
        if not first.startswith(SUBJECT_PREFIX):
            raise TemplateError(f"template {name!r} does not start with {SUBJECT_PREFIX!r}")
        subject = one_line(first.removeprefix(SUBJECT_PREFIX))
        try:
            html_template = self.html_env.get_template(f"{name}.{tag}.html")
        except TemplateNotFound:
            return Rendered(subject=subject, text=body.lstrip("\n"))
        except Exception as exc:
            raise TemplateError(f"template {name!r} failed: {exc}") from exc
        html = render_template(html_template, {**values, "subject": subject}, name)
        return Rendered(subject=subject, text=body.lstrip("\n"), html=html)

    def render_source(
        self, source: TemplateSource, values: Mapping[str, Any], name: str = "override"
    ) -> Rendered:
        """Render a tenant's version (subject, text, HTML) in the sandbox."""
        try:
            subject_t = self.text_env.from_string(source.subject)
            text_t = self.text_env.from_string(source.text)
            html_t = self.html_env.from_string(source.html)
        except Exception as exc:
            raise TemplateError(f"template {name!r} failed: {exc}") from exc
        subject = one_line(render_template(subject_t, values, name))
        return Rendered(
            subject=subject,
            text=render_template(text_t, values, name),
            html=render_template(html_t, {**values, "subject": subject}, name),
        )
