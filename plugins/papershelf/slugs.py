"""Citation keys -> page slugs that are safe on every file system and in every URL.

A slug is lowercase ASCII `[a-z0-9-]`, at most 80 characters, never a reserved Windows
device name. When the key could not be spelled that way without losing information
(non-Latin letters, or a name over the length limit) a short hash of the key is appended,
so the slug stays unique and never changes for the same key.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable

MAX_LENGTH = 80
# `index` and `stats` are pages of papershelf's own beside the papers'.
_RESERVED = {"con", "prn", "aux", "nul", "index", "stats"} | {
    f"{d}{i}" for d in ("com", "lpt") for i in range(10)
}
# Separators that carry no information in a key: `DBLP:conf/icml/X21` reads fine as words.
_SEPARATORS = re.compile(r"[\s:/_.+\-]+")


def key_hash(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:6]


_PLAIN = re.compile(r"[a-z0-9]++(?:-[a-z0-9]++)*+")


def base_slug(key: str) -> str:
    if len(key) <= MAX_LENGTH - 7 and _PLAIN.fullmatch(key) and key not in _RESERVED:
        return key  # already a slug (most keys): nothing to fold
    folded = "".join(
        ch for ch in unicodedata.normalize("NFKD", key) if not unicodedata.combining(ch)
    )
    folded = folded.translate(_LATIN_EXTRAS)
    words = _SEPARATORS.sub("-", folded).lower()
    slug = re.sub(r"[^a-z0-9-]+", "", words)
    lossy = slug != re.sub(r"[^a-z0-9-]+", "-", words)
    slug = re.sub(r"-{2,}", "-", slug).strip("-")
    if len(slug) > MAX_LENGTH - 7:
        slug, lossy = slug[: MAX_LENGTH - 7].rstrip("-"), True
    if lossy or not slug or slug in _RESERVED:
        slug = f"{slug}-{key_hash(key)}" if slug else f"paper-{key_hash(key)}"
    return slug


# Letters NFKD does not decompose but that have an obvious ASCII spelling.
_LATIN_EXTRAS = str.maketrans(
    {
        "ß": "ss",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "þ": "th",
        "ı": "i",
    }
)


def assign_slugs(keys: Iterable[str]) -> tuple[dict[str, str], list[tuple[str, list[str]]]]:
    """Give every key a unique slug; also return the groups of keys that collided.

    Within a collision group the key that sorts first keeps the plain slug and the others
    get their hash appended, so the outcome does not depend on the order of the .bib file.
    """
    groups: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        groups[base_slug(key)].append(key)
    slugs: dict[str, str] = {}
    collisions = []
    taken = set(groups)
    for slug, members in groups.items():
        members.sort()
        slugs[members[0]] = slug
        for key in members[1:]:
            slugs[key] = _unused(slug, key, taken)
        if len(members) > 1:
            collisions.append((slug, members))
    return slugs, collisions


def _unused(slug: str, key: str, taken: set[str]) -> str:
    """`slug-<hash of key>`, with more of the hash if another key's slug is spelled so."""
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()
    for length in range(6, len(digest) + 1):
        candidate = f"{slug[: MAX_LENGTH - length - 1].rstrip('-')}-{digest[:length]}"
        if candidate not in taken:
            taken.add(candidate)
            return candidate
    raise AssertionError(f"no free slug for {key!r}")  # 35 different sha1 prefixes all taken
