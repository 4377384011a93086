"""BibTeX name lists -> `Author`s, in order, as BibTeX splits them ("First von Last",
"von Last, First", "von Last, Jr, First"); and lists whose names are separated by commas
instead of ` and `, which BibTeX misreads (it warns "Too many commas in name").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from . import latex
from .model import ET_AL, Author

_TOP_LEVEL_AND = re.compile(r"\s+and\s+")
_NOBODY = Author()
# The middle part of "Last, Jr, First".
_SUFFIX = re.compile(r"^(?:jr|sr|jnr|snr|[ivx]{1,4}|\d+(?:st|nd|rd|th))\.?$", re.IGNORECASE)


@dataclass(frozen=True)
class Names:
    """A name list as shown, and, when its names are separated by commas, how it reads."""

    authors: tuple[Author, ...]
    commas: str = ""  # the name that holds commas instead of ` and `; "" when none does
    split: bool = False  # whether it was shown split into several names


def split_names(text: str) -> list[str]:
    """Split an author field on ` and ` outside braces."""
    text = " ".join(text.split())
    if not text:
        return []
    if "{" not in text:
        return _TOP_LEVEL_AND.split(text)
    # Split at every ` and `, then join back the pieces whose ` and ` stood inside braces
    # (`{Barnes and Noble}`): the running depth at each cut is the braces counted so far.
    names, current, depth = [], "", 0
    for piece in text.split(" and "):
        current = f"{current} and {piece}" if current or depth else piece
        depth += piece.count("{") - piece.count("}")
        if depth == 0:
            names.append(current)
            current = ""
    if current or depth:
        names.append(current)
    return [n.strip() for n in names if n.strip()]


def parse_names(text: str) -> tuple[Author, ...]:
    return read_names(text).authors


def read_names(text: str) -> Names:
    """The authors of a name list. A name that is really several names separated by commas
    (`Marcus Rohrbach, Amanpreet Singh, Devi Parikh`) is shown as those names when every part
    looks like a full name, else as written (BibTeX would drop the parts between its first
    and last comma); either way `commas` says which name it was."""
    authors: list[Author] = []
    names = split_names(text)
    commas, split = "", False
    mixed = len(names) > 1 and any("," not in n for n in names)
    for name in names:
        if name.lower() == "others":
            authors.append(ET_AL)
            continue
        parts = comma_list(name, mixed) if "," in name else None
        if parts is None:
            author = _parse_name(name)
            if author != _NOBODY:
                authors.append(author)
            continue
        commas = commas or name
        if all(_full_name(p) for p in parts):
            split = True
            authors.extend(_parse_name(p) for p in parts)
        else:
            authors.append(Author(last=latex.decode(name)))
    return Names(tuple(authors), commas, split)


def comma_list(name: str, others_without_commas: bool = False) -> list[str] | None:
    """The parts of `name` if it lists several names separated by commas, else None.

    Certain: more than two commas, two commas whose middle part is no suffix (`Jr.`, `III`),
    or a comma at the end (`A B, C D, and E F`). A single comma is BibTeX's "Last, First"
    (`García Márquez, Gabriel José`), so it counts only when both sides look like full names
    and another name of the same list is written without a comma."""
    commas = name.count(",")
    if not commas or (commas == 1 and not others_without_commas and name[-1] != ","):
        return None  # the common case, "Last, First", without splitting it twice
    parts = _split_top_level(name, ",")
    trailing = name.rstrip().endswith(",")
    if len(parts) > 3 or (len(parts) == 3 and not _SUFFIX.match(latex.decode(parts[1]))):
        return parts
    if trailing and len(parts) >= 2:
        return parts
    if len(parts) == 2 and others_without_commas and all(_full_name(p) for p in parts):
        return parts
    return None


def _full_name(part: str) -> bool:
    """`Marcus Rohrbach`, `J. R. R. Tolkien`, `Ludwig van Beethoven`: two words or more, the
    first and the last capitalised."""
    words = latex.decode(part).split()
    return len(words) >= 2 and words[0][:1].isupper() and words[-1][:1].isupper()


@lru_cache(maxsize=16384)  # the same people appear on many papers
def _parse_name(name: str) -> Author:
    parts = _split_top_level(name, ",")
    if not parts:  # only commas, e.g. `author = {, and ,}`
        return _NOBODY
    if len(parts) == 1:
        words = _split_top_level(parts[0], " ")
        if len(words) == 1:
            return Author(last=latex.decode(words[0]))
        # "First von Last": the von part is the lowercase words before the last one.
        first_end = next((i for i, w in enumerate(words[:-1]) if w[:1].islower()), len(words) - 1)
        return Author(
            first=latex.decode(" ".join(words[:first_end])),
            von=latex.decode(" ".join(words[first_end:-1])),
            last=latex.decode(words[-1]),
        )
    von_last = _split_top_level(parts[0], " ")
    last_start = next((i for i, w in enumerate(von_last) if not w[:1].islower()), 0)
    if last_start == len(von_last):
        last_start = len(von_last) - 1
    return Author(
        first=latex.decode(parts[-1]),
        von=latex.decode(" ".join(von_last[:last_start])),
        last=latex.decode(" ".join(von_last[last_start:])),
        jr=latex.decode(parts[1]) if len(parts) == 3 else "",
    )


def _split_top_level(text: str, sep: str) -> list[str]:
    if "{" not in text:
        return [p.strip() for p in text.split(sep) if p.strip()]
    parts, depth, start = [], 0, 0
    for m in re.finditer(r"[{}]|" + re.escape(sep), text):
        token = m.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0:
            parts.append(text[start : m.start()])
            start = m.end()
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]
