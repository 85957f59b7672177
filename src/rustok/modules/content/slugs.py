"""Slugs: validation and generation from titles (C-1).

A slug is 1-255 characters of ``[a-z0-9-]`` with no leading, trailing or doubled hyphen.
Titles of any script are transliterated by ``python-slugify`` (its frozen legacy pipeline,
the ``text-unidecode`` table: ``Ελληνικά`` → ``ellenika``, ``你好`` → ``ni-hao``). Cyrillic
and the Latin letters NFKD cannot take apart go through :data:`FOLD` first, so they keep
the ICAO passport spelling they had before (``ё`` → ``e``, ``ъ`` → ``ie``). A title with
nothing left to make a slug from (only emoji or punctuation) raises :class:`SlugError`, and
the client must give a slug.
"""

from __future__ import annotations

import re
import unicodedata

from rustok.core.errors import ValidationFailed

SLUG_MAX_LENGTH = 255
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_SLUG_RE = re.compile(SLUG_PATTERN)
# Russian national passport (ICAO Doc 9303) transliteration, plus Ukrainian and Belarusian.
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia", "і": "i",
    "ї": "i", "є": "ie", "ґ": "g", "ў": "u",
}  # fmt: skip
FOLD = {ord(k): v for k, v in _CYRILLIC.items()} | {
    ord("ß"): "ss",
    ord("æ"): "ae",
    ord("ø"): "o",
    ord("đ"): "d",
    ord("ł"): "l",
    ord("þ"): "th",
    ord("œ"): "oe",
}


class SlugError(ValidationFailed):
    code = "INVALID_SLUG"
    title = "Invalid slug"


def is_valid_slug(slug: str) -> bool:
    return len(slug) <= SLUG_MAX_LENGTH and _SLUG_RE.match(slug) is not None


def check_slug(slug: str, field: str = "slug") -> str:
    """Return ``slug`` if valid, else raise :class:`SlugError` naming ``field``."""
    if not is_valid_slug(slug):
        message = (
            f"must be 1-{SLUG_MAX_LENGTH} characters of a-z, 0-9 and single hyphens between "
            "them (no leading, trailing or double hyphen)"
        )
        raise SlugError(f"{field}: {message}", errors={field: [message]})
    return slug


def transliterate(title: str, *, max_length: int = SLUG_MAX_LENGTH) -> str:
    """``title`` as a slug of at most ``max_length`` characters; ``""`` if nothing is left."""
    from slugify import slugify as python_slugify  # 30 ms of import, paid on the first write

    folded = unicodedata.normalize("NFKC", title).lower().translate(FOLD)
    slug = python_slugify(
        folded,
        entities=False,  # a title is text, not HTML: "&amp;" stays "amp" as before
        decimal=False,
        hexadecimal=False,
        lowercase=True,
        backend="text-unidecode",  # never whatever Unidecode happens to be installed
    )
    return slug[:max_length].rstrip("-")


def slugify(title: str, *, max_length: int = SLUG_MAX_LENGTH, field: str = "slug") -> str:
    """A valid slug made from ``title`` (at most ``max_length`` long), or :class:`SlugError`."""
    slug = transliterate(title, max_length=max_length)
    if not slug:
        message = "cannot be made from the title (no letters or digits in it): give one"
        raise SlugError(f"{field}: {message}", errors={field: [message]})
    return slug


def with_suffix(slug: str, n: int, *, max_length: int = SLUG_MAX_LENGTH) -> str:
    """``slug-n``, shortening ``slug`` so that the result still fits."""
    suffix = f"-{n}"
    return slug[: max_length - len(suffix)].rstrip("-") + suffix
