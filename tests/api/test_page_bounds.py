"""Page-numbered GraphQL lists are bounded as their REST twins (``rustok.web.pages``): the
``per_page`` error names ``per_page`` (it used to name a connection's ``first``), and a page
beyond the list's last possible one is refused rather than sent to the database."""

from __future__ import annotations

import pytest

from rustok.core.errors import ValidationFailed
from rustok.web.connections import check_first, check_page
from rustok.web.pages import MAX_LOG_PAGE, MAX_PAGE, MAX_PER_PAGE


def refused_field(page: int, per_page: int, **bound: int) -> list[str]:
    with pytest.raises(ValidationFailed) as refused:
        check_page(page, per_page, **bound)
    return list(refused.value.errors)


def test_page_and_per_page_bounds() -> None:
    check_page(1, 1)
    check_page(MAX_PAGE, MAX_PER_PAGE)
    check_page(MAX_LOG_PAGE, 20, max_page=MAX_LOG_PAGE)
    assert refused_field(MAX_PAGE + 1, 20) == ["page"]
    assert refused_field(MAX_LOG_PAGE + 1, 20, max_page=MAX_LOG_PAGE) == ["page"]
    assert refused_field(0, 20) == ["page"]
    assert refused_field(1, 0) == ["per_page"]
    assert refused_field(1, MAX_PER_PAGE + 1) == ["per_page"]


def test_a_connection_takes_as_many_as_a_page() -> None:
    check_first(MAX_PER_PAGE)
    for first in (0, MAX_PER_PAGE + 1):
        with pytest.raises(ValidationFailed) as refused:
            check_first(first)
        assert list(refused.value.errors) == ["first"]
