"""`Paper` -> RIS, the tagged format reference managers import (Zotero, EndNote, Mendeley).

Made from the same CSL item as the CSL-JSON download, so the two agree. Types and tags are
those Zotero's RIS translator reads and writes, so a Zotero user gets back what we wrote.
RIS is plain text: no escaping, but a value is one line (a line break could start a tag).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from .csl import csl_item
from .model import ET_AL, Author, Paper

# CSL type -> RIS `TY`. Zotero has no RIS type for preprints: it writes GEN (and reads GEN
# back as a journal article).
RIS_TYPES = {
    "article-journal": "JOUR",
    "paper-conference": "CONF",
    "article": "GEN",
    "book": "BOOK",
    "chapter": "CHAP",
    "thesis": "THES",
    "report": "RPRT",
    "webpage": "ELEC",
    "manuscript": "UNPB",
    "pamphlet": "PAMP",
    "dataset": "DATA",
    "software": "COMP",
    "patent": "PAT",
    "standard": "STAND",
    "document": "GEN",
}
# Simple CSL variables and their tags, in the order they are written.
_TAGS = (
    ("container-title", "T2"),
    ("collection-title", "T3"),
    ("volume", "VL"),
    ("issue", "IS"),
    ("edition", "ET"),
    ("publisher", "PB"),
    ("publisher-place", "CY"),
    ("genre", "M3"),
)


def ris_name(author: Author) -> str:
    """`Last, First[, Suffix]` with the von part kept with the last name (`van der Berg,
    Jan`); Chinese names too (`王, 小明`), which Zotero keeps as family and given name."""
    last = " ".join(p for p in (author.von, author.last) if p)
    return ", ".join(p for p in (last, author.first, author.jr) if p)


def ris_record(paper: Paper, keywords: Iterable[str] = ()) -> str:
    """One RIS record (CRLF line ends, ending in `ER  - `). `and others` has no RIS form
    and is left out: an `AU - et al.` line would be imported as an author."""
    item = csl_item(paper)
    lines = "".join(
        f"{tag}  - {_one_line(value)}".rstrip(" ") + "\r\n"
        for tag, value in _tags(paper, item, keywords)
    )
    return lines + "ER  - \r\n"


def _tags(paper: Paper, item: dict[str, Any], keywords: Iterable[str]) -> Iterator[tuple[str, str]]:
    kind = item["type"]
    yield "TY", RIS_TYPES.get(kind, "GEN")
    for author in paper.authors:
        if author != ET_AL and (author.first or author.last):
            yield "AU", ris_name(author)
    # A book's editors are its series' (A3 in Zotero's map); a part's are its container's.
    for editor in paper.citation.editors:
        if editor != ET_AL:
            yield ("A3" if kind == "book" else "A2"), ris_name(editor)
    yield "TI", item["title"]
    for csl, tag in _TAGS:
        if item.get(csl):
            yield tag, item[csl]
    date = item.get("issued", {}).get("date-parts", [[]])[0]
    if date:
        yield "PY", str(date[0])
        # YYYY/MM/DD/other, empty parts kept: `2025/03//`.
        month, day = (f"{part:02d}" for part in [*date[1:3], 0, 0][:2])
        yield "DA", f"{date[0]}/{month if len(date) > 1 else ''}/{day if len(date) > 2 else ''}/"
    if item.get("number"):  # a report's number is SN in Zotero's map; an arXiv id goes to M1
        yield ("M1" if kind == "article" else "SN"), item["number"]
    if item.get("page"):
        first, _, last = item["page"].partition("\u2013")
        yield "SP", first
        if last:
            yield "EP", last
    for csl, tag in (("ISBN", "SN"), ("ISSN", "SN"), ("DOI", "DO"), ("URL", "UR")):
        if item.get(csl):
            yield tag, item[csl]
    if paper.links.pdf:
        yield "L1", paper.links.pdf
    for keyword in keywords:
        yield "KW", keyword
    if item.get("abstract"):
        yield "AB", item["abstract"]
    if item.get("language"):
        yield "LA", item["language"]


def _one_line(value: str) -> str:
    return " ".join(str(value).split())
