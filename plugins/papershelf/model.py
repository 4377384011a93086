"""The data model at the centre of papershelf: plain frozen values, no I/O, no MkDocs."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True)
class Problem:
    """Something wrong with the input, reported with enough context to fix it.

    `path` is relative to the site root (the folder of `mkdocs.yml`), `line` is 1-based.
    """

    path: str
    line: int | None
    key: str | None
    message: str
    hint: str = ""
    code: str = "invalid"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        what = f"entry '{self.key}': {self.message}" if self.key else self.message
        return f"{where}: {what}" + (f" ({self.hint})" if self.hint else "")

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "key": self.key,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }


# How a reader reports a problem with the entry it reads: (field or None, message, hint, code).
Report = Callable[[str | None, str, str, str], None]


@dataclass(frozen=True)
class Author:
    first: str = ""
    von: str = ""
    last: str = ""
    jr: str = ""

    @property
    def display(self) -> str:
        """ "First von Last, Jr." as people write it; Chinese, Japanese and Korean names
        family name first with no space (`王, 小明` -> 王小明)."""
        if (
            self.first
            and self.last
            and not (self.von or self.jr)
            and _is_cjk_name(self.last + self.first)
        ):
            return self.last + self.first
        name = " ".join(part for part in (self.first, self.von, self.last) if part)
        return f"{name}, {self.jr}" if self.jr else name


# Han, kana, Hangul (and the iteration mark 々): scripts whose names are written family first.
_CJK_NAME = re.compile(
    r"[\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f]+"
)


def _is_cjk_name(text: str) -> bool:
    return _CJK_NAME.fullmatch(text) is not None


ET_AL = Author(last="et al.")


LINK_KINDS = ("arxiv", "pdf", "code", "doi", "project", "html", "poster", "slides", "supp")


@dataclass(frozen=True)
class Links:
    """A paper's links: http(s) addresses, or (for a file published from the `files`
    folders) a path relative to the site's root, which `Links.resolved` turns into a link."""

    arxiv: str = ""
    pdf: str = ""
    code: str = ""
    doi: str = ""
    project: str = ""
    html: str = ""  # al-folio's `html`: the paper's own page
    poster: str = ""
    slides: str = ""
    supp: str = ""  # supplementary material

    def items(self, root: str = "") -> list[tuple[str, str]]:
        """(kind, url) pairs in display order (`LINK_KINDS`), only those that are known;
        `root` leads from the page that shows them to the site's root (`../../`)."""
        return [
            (kind, resolved(getattr(self, kind), root))
            for kind in LINK_KINDS
            if getattr(self, kind)
        ]


def resolved(url: str, root: str) -> str:
    """An address as a page at `root` from the site's root links to it."""
    return url if "://" in url or not url else root + url


@dataclass(frozen=True)
class Citation:
    """What a reference to the paper needs beyond what its page shows: each value decoded
    from a public BibTeX field (`public_fields`, less `hide`), or empty. Nothing private."""

    journal: str = ""  # journal / journaltitle
    booktitle: str = ""  # the proceedings or book a part appears in
    editors: tuple[Author, ...] = ()
    volume: str = ""
    number: str = ""  # an article's issue, a report's number
    pages: str = ""  # "512–530": ranges with an en dash
    chapter: str = ""
    edition: str = ""
    series: str = ""
    publisher: str = ""
    address: str = ""  # the publisher's place (address or location)
    school: str = ""  # a thesis' university
    institution: str = ""  # a report's
    organization: str = ""
    genre: str = ""  # the `type` field: "PhD thesis", "Technical report", ...
    isbn: str = ""
    issn: str = ""
    day: int | None = None  # from `date = {2025-03-12}`; year and month are on `Paper`


@dataclass(frozen=True)
class Paper:
    """One bibliography entry, normalised for display."""

    key: str
    slug: str
    entry_type: str
    title: str
    authors: tuple[Author, ...] = ()
    year: int | None = None
    month: int | None = None
    venue: str = ""
    tags: tuple[str, ...] = ()
    month_end: int | None = None  # the last month of a range (`jan # "--" # feb`)
    abbr: str = ""  # al-folio's venue badge (`abbr = {NeurIPS}`)
    selected: bool = False  # al-folio's `selected = {true}`
    preview: str = ""  # an image: an http(s) address or a site path, as in `Links`
    abstract: str = ""
    arxiv: str = ""
    arxiv_version: str = ""
    doi: str = ""
    links: Links = Links()
    citation: Citation = Citation()
    bibtex: str = ""
    source_path: str = ""
    source_line: int = 0
    added: datetime | None = None  # when it joined the list, from a private field (Zotero's)

    @property
    def date_id(self) -> str:
        """ "2025-03", "2025", or "" without a year: the index's group and `month` value."""
        if self.year is None:
            return ""
        return f"{self.year}-{self.month:02d}" if self.month else str(self.year)

    @property
    def sort_key(self) -> tuple[int, int, str]:
        return (self.year or 0, self.month or 0, self.key)


@dataclass(frozen=True)
class Relation:
    """A note's link to another paper, typed (`relations: {extends: [key]}`) or not
    (`related: [key]`, type "related")."""

    type: str  # as the note writes it
    key: str  # the other paper, as the note names it
    line: int = 1  # the note-file line that names it


@dataclass(frozen=True)
class Alias:
    """An old citation key or page slug of the paper (`aliases:`), which keeps its address."""

    name: str
    line: int = 1


@dataclass(frozen=True)
class Note:
    """A person's write-up of one paper: Markdown body plus validated front matter."""

    path: str
    body: str
    body_line: int = 1
    key: str = ""
    arxiv: str = ""
    tags: tuple[str, ...] = ()
    status: str = ""
    rating: int | None = None
    summary: str = ""
    related: tuple[str, ...] = ()
    relations: tuple[Relation, ...] = ()  # typed ones, then `related:` as type "related"
    aliases: tuple[Alias, ...] = ()
    uncertain: tuple[Mapping[str, Any], ...] = ()
    added: datetime | None = None  # `added:`, when the paper joined the list
    extra: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Entry:
    """A paper together with its note (if any): what one page shows."""

    paper: Paper
    note: Note | None = None

    @property
    def has_note(self) -> bool:
        """Whether the paper has a note with any text (an empty note file is not a note)."""
        return self.note is not None and bool(self.note.body.strip())

    @property
    def tags(self) -> tuple[str, ...]:
        if self.note is None:
            return self.paper.tags
        return merge_tags(self.paper.tags, self.note.tags)


def merge_tags(*groups: tuple[str, ...]) -> tuple[str, ...]:
    """Concatenate tag lists, dropping case-insensitive repeats but keeping the first spelling."""
    seen: set[str] = set()
    out: list[str] = []
    for group in groups:
        for tag in group:
            folded = tag.casefold()
            if folded not in seen:
                seen.add(folded)
                out.append(tag)
    return tuple(out)


@dataclass(frozen=True)
class Asset:
    """A file from the notes folder published as it is, such as an image beside a note."""

    path: str  # relative to the notes folder, '/'-separated
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class Library:
    """Everything papershelf knows after reading the inputs, newest paper first."""

    entries: tuple[Entry, ...]
    problems: tuple[Problem, ...] = ()
    assets: tuple[Asset, ...] = ()  # images beside the notes, in path order
    files: tuple[Asset, ...] = ()  # files the .bib names (`pdf = {a.pdf}`), by site path

    def by_key(self) -> dict[str, Entry]:
        return {entry.paper.key: entry for entry in self.entries}
