"""Checking a tenant's template before it is saved: refused (422) unless it is plain.

A tenant's admin writes the template; the sender renders it for every mail of the tenant.
So besides the sandbox's own limits (sandbox.py), a saved version must:

- parse and compile (known filters only) in the sandbox;
- use no macros, ``{% call %}``/``{% filter %}`` blocks, captured ``{% set %}…{% endset %}``,
  imports or recursive loops, and nest loops at most ``MAX_LOOP_DEPTH`` deep (bounded work);
- name no ``_`` attribute (``''.__class__``), include or extend nothing but the shared layout
  and partials (``{% include '/etc/passwd' %}`` is refused, not merely not found);
- render with the template's sample data (catalogue.py), within the output limit.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jinja2 import TemplateSyntaxError, meta, nodes

from rustok.core.errors import RustokError
from rustok.mail.catalogue import sample_of
from rustok.mail.sandbox import MailSandbox
from rustok.mail.templates import MailTemplates, TemplateError, TemplateSource, render_template

MAX_LOOP_DEPTH = 2
_BLOCKS_REFUSED = (
    nodes.Macro, nodes.CallBlock, nodes.FilterBlock, nodes.AssignBlock, nodes.Import,
    nodes.FromImport,
)  # fmt: skip


class TemplateRefused(RustokError):
    """A tenant's mail template that may not be saved; ``errors`` name the part."""

    status = 422
    code = "TEMPLATE_REFUSED"
    title = "Mail template refused"


def _loop_depth(node: nodes.Node, depth: int = 0) -> Iterator[int]:
    for child in node.iter_child_nodes():
        inner = depth + 1 if isinstance(child, nodes.For) else depth
        yield inner
        yield from _loop_depth(child, inner)


def _private_names(ast: nodes.Template) -> Iterator[str]:
    for node in ast.find_all(nodes.Getattr):
        if node.attr.startswith("_"):
            yield node.attr
    for item in ast.find_all(nodes.Getitem):
        if isinstance(item.arg, nodes.Const) and str(item.arg.value).startswith("_"):
            yield str(item.arg.value)


def static_problems(env: MailSandbox, source: str, shared: frozenset[str]) -> list[str]:
    """Why ``source`` may not be saved, before anything of it runs (empty: nothing)."""
    try:
        ast = env.parse(source)
    except TemplateSyntaxError as exc:
        return [f"line {exc.lineno}: {exc.message}"]
    problems: list[str] = []
    if any(True for _ in ast.find_all(_BLOCKS_REFUSED)):
        problems.append(
            "macros, call/filter blocks, {% set %}…{% endset %} and imports are not allowed"
        )
    if any(loop.recursive for loop in ast.find_all(nodes.For)):
        problems.append("recursive loops are not allowed")
    if max(_loop_depth(ast), default=0) > MAX_LOOP_DEPTH:
        problems.append(f"loops may be nested at most {MAX_LOOP_DEPTH} deep")
    if private := sorted(set(_private_names(ast))):
        problems.append(f"names starting with '_' are not allowed: {', '.join(private)}")
    for ref in meta.find_referenced_templates(ast):
        if ref is None or ref not in shared:
            allowed = ", ".join(sorted(shared))
            problems.append(f"{ref or 'a computed name'} may not be included; allowed: {allowed}")
    if not problems:
        try:
            env.compile(ast)
        except TemplateSyntaxError as exc:
            problems.append(f"line {exc.lineno}: {exc.message}")
    return problems


def check_override(templates: MailTemplates, name: str, locale: str, body: TemplateSource) -> None:
    """Raise :class:`TemplateRefused` naming each part (``subject``, ``text``, ``html``)
    that breaks a rule above or does not render with ``name``'s sample data."""
    shared = templates.shared()
    values: dict[str, Any] = {**sample_of(name), "locale": locale}
    parts = (
        ("subject", body.subject, templates.text_env),
        ("text", body.text, templates.text_env),
        ("html", body.html, templates.html_env),
    )
    errors: dict[str, list[str]] = {}
    for field, source, env in parts:
        problems = static_problems(env, source, shared)
        if not problems:
            try:
                render_template(env.from_string(source), {**values, "subject": "x"}, name)
            except TemplateError as exc:
                problems.append(str(exc).replace(f"template {name!r} failed: ", ""))
        if problems:
            errors[field] = problems
    if errors:
        summary = "; ".join(f"{field}: {problems[0]}" for field, problems in errors.items())
        raise TemplateRefused(f"the template was not saved ({summary})", errors=errors)
