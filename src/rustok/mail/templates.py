"""Rendering mails from Jinja2 templates (sandboxed, strict about missing values).

A template is ``templates/<group>/<name>.<locale>.txt``; its first line is
``Subject: …``, the rest (after one blank line) is the text body. The locale falls back from
``ru-RU`` to ``ru`` to ``en``. Names are ``<group>/<name>`` (``account/password_reset``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateNotFound
from jinja2.sandbox import SandboxedEnvironment

TEMPLATES_DIR = Path(__file__).parent / "templates"
FALLBACK_LOCALE = "en"
SUBJECT_PREFIX = "Subject:"


class TemplateError(ValueError):
    """A template that is missing or does not render with the mail's data."""


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    text: str


def _candidates(name: str, locale: str) -> list[str]:
    tags = [locale, locale.split("-")[0], FALLBACK_LOCALE]
    return [f"{name}.{tag}.txt" for tag in dict.fromkeys(t.lower() for t in tags if t)]


class MailTemplates:
    def __init__(self, directory: Path = TEMPLATES_DIR) -> None:
        self._env = SandboxedEnvironment(
            loader=FileSystemLoader(directory),
            undefined=StrictUndefined,
            autoescape=False,  # plain text bodies
            keep_trailing_newline=True,
        )

    def render(self, name: str, locale: str, values: Mapping[str, Any]) -> Rendered:
        try:
            template = self._env.select_template(_candidates(name, locale))
            output = template.render(values)
        except TemplateNotFound:
            raise TemplateError(f"no mail template {name!r}") from None
        except Exception as exc:
            raise TemplateError(f"template {name!r} failed: {exc}") from exc
        first, _, body = output.partition("\n")
        if not first.startswith(SUBJECT_PREFIX):
            raise TemplateError(f"template {name!r} does not start with {SUBJECT_PREFIX!r}")
        return Rendered(subject=first.removeprefix(SUBJECT_PREFIX).strip(), text=body.lstrip("\n"))
