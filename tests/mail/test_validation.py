"""A tenant's template version is checked before it is saved: sandbox escapes, other files,
unbounded work and missing values are refused, naming the part; plain ones pass."""

from __future__ import annotations

import pytest

from rustok.mail.templates import MailTemplates, TemplateSource
from rustok.mail.validation import TemplateRefused, check_override

PLAIN = TemplateSource(
    subject="Ours: order {{ order.number }}",
    text="Hi {{ customer_name }}\n{% include 'order/_summary.en.txt' %}",
    html='{% extends "layout.html" %}{% block content %}<b>{{ customer_name }}</b>'
    "{% for line in order.lines %}{{ line.title|upper }}{% endfor %}{% endblock %}",
)
REFUSED = [
    ("{{ ''.__class__.__mro__ }}", "names starting with '_' are not allowed: __class__, __mro__"),
    ("{% include '/etc/passwd' %}", "/etc/passwd may not be included; allowed: layout.html"),
    ("{% include '../../../etc/passwd' %}", "../../../etc/passwd may not be included"),
    ("{% include order.email %}", "a computed name may not be included"),
    ("{% extends 'account/invite.en.html' %}", "account/invite.en.html may not be included"),
    ("{{ order['__class__'] }}", "names starting with '_' are not allowed: __class__"),
    ("{{ self._TemplateReference__context }}", "not allowed: _TemplateReference__context"),
    ("{{ order|attr('__class__') }}", "No filter named 'attr'"),
    ("{{ 'x'|center(1000000000) }}", "No filter named 'center'"),
    ("{{ 'x'.ljust(1000000000) }}", "access to attribute 'ljust' of 'str' object is unsafe"),
    ("{% set l = [] %}{{ l.append(1) }}", "attribute 'append' of 'list' object is unsafe"),
    ("{{ 'x' * 1000000 }}", "a value longer than 200000 characters is not allowed"),
    ("{% set a = 'x' * 100000 %}{{ a ~ a ~ a }}", "a value longer than 200000 characters"),
    ("{% set a = 'x' * 100000 %}{{ a + a + a }}", "a value longer than 200000 characters"),
    ("{{ ('x' * 1000)|list|join('y' * 1000) }}", "a value longer than 200000 characters"),
    ("{{ 9 ** 999999 }}", "a number this large is not allowed"),
    ("{{ '%0999999d' % 1 }}", "'%' string formatting is not allowed"),
    ("{% for i in range(1000000) %}x{% endfor %}", "range() of more than 100 items"),
    (
        "{% for i in range(100) %}{% for j in range(100) %}{{ 'x' * 200 }}{% endfor %}{% endfor %}",
        "renders over 1000000 characters",
    ),
    (
        "{% for a in order.lines %}{% for b in order.lines %}{% for c in order.lines %}"
        "{% endfor %}{% endfor %}{% endfor %}",
        "loops may be nested at most 2 deep",
    ),
    ("{% for x in order.lines recursive %}{{ loop(x) }}{% endfor %}", "recursive loops"),
    ("{% macro m() %}x{% endmacro %}{{ m() }}", "macros, call/filter blocks"),
    ("{% set x %}captured{% endset %}", "macros, call/filter blocks"),
    ("{% import 'layout.html' as x %}", "macros, call/filter blocks"),
    ("{% set ns = namespace(s='x') %}", "'namespace' is undefined"),
    ("{{ lipsum(100000) }}", "'lipsum' is undefined"),
    ("{{ unknown_value }}", "'unknown_value' is undefined"),
    ("{% if %}", "line 1: Expected an expression"),
]


def test_a_plain_version_passes() -> None:
    check_override(MailTemplates(), "order/placed", "en", PLAIN)


@pytest.mark.parametrize(("source", "problem"), REFUSED)
def test_refused_with_the_reason_naming_the_part(source: str, problem: str) -> None:
    body = TemplateSource(subject=PLAIN.subject, text=source, html=PLAIN.html)
    with pytest.raises(TemplateRefused) as refused:
        check_override(MailTemplates(), "order/placed", "en", body)
    assert refused.value.status == 422
    assert list(refused.value.errors) == ["text"]
    assert problem in refused.value.errors["text"][0]


def test_every_part_is_checked_in_its_own_way() -> None:
    body = TemplateSource(
        subject="{{ order.nope }}",
        text="fine {{ order.number }}",
        html="{{ ''.__class__ }}",
    )
    with pytest.raises(TemplateRefused) as refused:
        check_override(MailTemplates(), "order/paid", "ru", body)
    assert sorted(refused.value.errors) == ["html", "subject"]
    assert "has no attribute 'nope'" in refused.value.errors["subject"][0]
    assert refused.value.detail.startswith("the template was not saved (subject: ")
