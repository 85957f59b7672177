"""Slugs from titles in any script (python-slugify), with the Latin and Cyrillic spellings
kept from before, through the content API and the commerce handles."""

from __future__ import annotations

import httpx
import pytest

from rustok.core.platform import Platform
from rustok.modules.commerce.catalog.writes import slugify as product_handle
from rustok.modules.content.slugs import SlugError, slugify, transliterate
from tests.modules.commerce.helpers import create_product
from tests.modules.helpers import login_as

# Titles whose slug is the same as before python-slugify: Latin with accents, the letters
# NFKD cannot take apart, Cyrillic in the ICAO passport spelling, punctuation, apostrophes.
UNCHANGED = [
    ("Hello, World!", "hello-world"),
    ("Ærøskøbing Shirt", "aeroskobing-shirt"),
    ("Straße Œuvre Łódź", "strasse-oeuvre-lodz"),
    ("Ünïcödé İstanbul", "unicode-istanbul"),
    ("Привет, мир", "privet-mir"),
    ("Щука и ёж", "shchuka-i-ezh"),
    ("Подъезд", "podieezd"),
    ("Київ — столиця", "kiiv-stolitsia"),
    ("Don't stop", "don-t-stop"),
    ("Tom &amp; Jerry", "tom-amp-jerry"),
    ("C++ & C#", "c-c"),
    ("snake_case_title", "snake-case-title"),
    ("emoji 🎉 party", "emoji-party"),
]
# Scripts that had no slug before (400 INVALID_SLUG): transliterated now.
OTHER_SCRIPTS = [
    ("Ελληνικά νέα", "ellenika-nea"),
    ("你好世界", "ni-hao-shi-jie"),
    ("مرحبا بالعالم", "mrhb-bl-lm"),
    ("שלום", "shlvm"),
    ("한국어 제목", "hangugeo-jemog"),
    ("हिन्दी", "hindii"),
    ("ı ð ŋ ħ", "i-d-ng-h"),
]
# Where the output differs from before (README "Slugs"): digit groups, symbols, fractions.
CHANGED = [
    ("1,000 ways", "1000-ways", "1-000-ways"),
    ("Café €5", "cafe-eur5", "cafe-5"),
    ("½ price", "1-2-price", "12-price"),
    ("©2026 ACME™", "c-2026-acmetm", "2026-acmetm"),
]


@pytest.mark.parametrize(("title", "slug"), UNCHANGED + OTHER_SCRIPTS)
def test_titles_of_any_script_make_slugs(title: str, slug: str) -> None:
    assert slugify(title) == slug


@pytest.mark.parametrize(("title", "slug", "before"), CHANGED)
def test_the_documented_changes(title: str, slug: str, before: str) -> None:
    assert slugify(title) == slug != before


def test_nothing_to_make_a_slug_from() -> None:
    for title in ("🎉🎉", "!!!", "   "):
        assert transliterate(title) == ""
        with pytest.raises(SlugError) as error:
            slugify(title, field="translations[0].slug")
        assert list(error.value.errors) == ["translations[0].slug"]


def test_long_titles_are_cut_without_a_trailing_hyphen() -> None:
    slug = slugify("你好 " * 100, max_length=20)
    assert slug == "ni-hao-ni-hao-ni-hao" and len(slug) <= 20
    assert slugify("ab " * 10, max_length=5) == "ab-ab"


def test_product_handles_use_the_same_transliteration() -> None:
    assert product_handle("Ærøskøbing Shirt") == "aeroskobing-shirt"
    assert product_handle("Рубашка в клетку") == "rubashka-v-kletku"  # was "product"
    assert product_handle("Ελληνικό πουκάμισο") == "elleniko-poukamiso"
    assert product_handle("🎉") == "product"
    assert len(product_handle("長" * 300)) <= 200


async def test_nodes_and_products_get_slugs_from_greek_chinese_arabic_titles(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    admin = await login_as(client, platform, "admin")
    for title, slug in [("Ελληνικά νέα", "ellenika-nea"), ("你好世界", "ni-hao-shi-jie"),
                        ("مرحبا بالعالم", "mrhb-bl-lm")]:  # fmt: skip
        body = {"kind": "article", "translations": [{"locale": "en", "title": title}]}
        created = await client.post("/api/content/nodes", json=body, headers=admin)
        assert created.status_code == 201, created.text
        assert created.json()["translations"][0]["slug"] == slug
    again = await client.post(
        "/api/content/nodes",
        json={"kind": "article", "translations": [{"locale": "en", "title": "Ελληνικά  νέα!"}]},
        headers=admin,
    )
    assert again.json()["translations"][0]["slug"] == "ellenika-nea-2"
    product = await create_product(client, admin, title="你好世界")
    assert product["translations"][0]["handle"] == "ni-hao-shi-jie"
    tag = await client.post(
        "/api/content/tags",
        json={"translations": [{"locale": "en", "name": "Ελλάδα"}]},
        headers=admin,
    )
    assert tag.status_code == 201, tag.text
    assert tag.json()["slug"] == "ellada"
