"""Property tests: slugs, the node state machine, locale fallback."""

from __future__ import annotations

import datetime as dt
import unicodedata
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rustok.core.context import TenantRef
from rustok.core.errors import InvalidTransition
from rustok.modules.content.locales import negotiate, pick, read_chain
from rustok.modules.content.slugs import (
    FOLD,
    SLUG_MAX_LENGTH,
    SlugError,
    is_valid_slug,
    slugify,
    transliterate,
    with_suffix,
)
from rustok.modules.content.state import (
    NODE_ACTIONS,
    ArchivedNode,
    DraftNode,
    NodeAction,
    NodeState,
    PublishedNode,
    apply,
    load_node_state,
    timestamps,
)


def keeps_ascii(title: str) -> bool:
    """Whether a title has letters or digits that no transliteration can drop: ASCII ones
    (after the NFKC folding and the Cyrillic/Latin table slugify applies first)."""
    folded = unicodedata.normalize("NFKC", title).lower().translate(FOLD)
    return any(c.isascii() and c.isalnum() for c in folded)


NOW = dt.datetime(2026, 11, 27, tzinfo=dt.UTC)
LEGAL = {("draft", "publish"): "published", ("published", "unpublish"): "draft",
         ("published", "archive"): "archived", ("archived", "restore"): "draft"}  # fmt: skip


@given(st.text(max_size=400))
def test_slugify_gives_a_valid_slug_or_a_clear_error(title: str) -> None:
    if not transliterate(title):
        assert not keeps_ascii(title), title
        with pytest.raises(SlugError) as error:
            slugify(title)
        assert list(error.value.errors) == ["slug"]
        assert "give one" in error.value.errors["slug"][0]
        return
    slug = slugify(title)
    assert is_valid_slug(slug) and len(slug) <= SLUG_MAX_LENGTH
    assert slugify(slug) == slug  # a slug is its own slug


@given(st.from_regex(r"\A[a-z0-9]+(-[a-z0-9]+)*\Z"), st.integers(min_value=2, max_value=10**6))
def test_suffixed_slugs_stay_valid(slug: str, n: int) -> None:
    suffixed = with_suffix(slug[:SLUG_MAX_LENGTH], n)
    assert is_valid_slug(suffixed) and suffixed.endswith(f"-{n}")


@given(st.lists(st.sampled_from(NODE_ACTIONS), max_size=40))
def test_state_machine_never_leaves_its_states(actions: list[NodeAction]) -> None:
    state: NodeState = DraftNode()
    for action in actions:
        before = state
        expected = LEGAL.get((state.status, action))
        try:
            state = apply(state, action, NOW)
        except InvalidTransition:
            assert expected is None and state is before
            continue
        assert state.status == expected
        assert isinstance(state, DraftNode | PublishedNode | ArchivedNode)
        published_at, archived_at = timestamps(state)
        assert (published_at is not None) == (state.status == "published")
        assert (archived_at is not None) == (state.status == "archived")
        assert load_node_state(state.status, published_at, archived_at, NOW) == state


LOCALES = st.sampled_from(["en", "de", "fr", "es", "es-419", "ru", "pt-BR"])


@settings(max_examples=200)
@given(
    default=LOCALES,
    fallbacks=st.dictionaries(LOCALES, st.none() | LOCALES, max_size=7),
    requested=st.none() | LOCALES,
    translated=st.sets(LOCALES, min_size=1),
)
def test_fallback_picks_the_first_existing_translation_in_order(
    default: str, fallbacks: dict[str, str | None], requested: str | None, translated: set[str]
) -> None:
    tenant = TenantRef(
        id=uuid.UUID(int=7), slug="t", name="T", default_locale=default,
        locales=tuple(fallbacks.items()),
    )  # fmt: skip
    chain = read_chain(tenant, requested, None)
    assert len(chain) == len(set(chain)) and default in chain
    if requested is not None:
        assert chain[0] == requested
    chosen = pick(sorted(translated), chain, lambda loc: loc)
    in_chain = [loc for loc in chain if loc in translated]
    assert chosen == (in_chain[0] if in_chain else min(translated))


@given(st.text(max_size=200))
def test_accept_language_never_breaks(header: str) -> None:
    found = negotiate(header, ["en", "de", "es-419"])
    assert found in (None, "en", "de", "es-419")
