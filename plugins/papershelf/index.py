"""`Library` -> the index page: its HTML list, its data files, and the public JSON catalogue.

Pure functions. The index page is served as three layers, so each visitor downloads only what
they use (see "The index page" in README.md):

- the HTML list, complete without JavaScript;
- `index-data.json`, loaded by `papershelf.js` to wire the filters: one table of values per
  facet and, per paper, which values it has (positions match the HTML list);
- `index-bibtex.json` (the public BibTeX) on the first export; the full-text index of
  abstracts and notes (`fulltext.py`) on the first search.

The HTML names the data file with a content hash (`index-data.json?v=...`) and the data file
names the BibTeX file the same way, so a cached file never meets a list it does not match.
The full-text manifest changes with every note, not with the list: the data file names it
without a hash, and both carry a digest of the list, which the script compares.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from itertools import groupby
from typing import Any

from markupsafe import Markup

from .i18n import EN, ENGLISH, Strings
from .mathguard import neutralise_tex
from .model import ET_AL, LINK_KINDS, Entry, Library, resolved
from .notes import STATUSES
from .pages import author_list, link_labels
from .paperlist import export_anchors
from .sections import math_pieces
from .templating import render

AUTHORS_SHOWN = 6
DATA_FILE = "index-data.json"
BIBTEX_FILE = "index-bibtex.json"
FULLTEXT_FILE = "index-fulltext.json"  # the full-text index's manifest (fulltext.py)
FORMAT_VERSION = 1
# The catalogue names a paper's links in English whatever the site's language: it is data.
LINK_NAMES = {kind: str(EN[f"link.{kind}"]) for kind in LINK_KINDS}
# Query-string names the built-in filters use.
RESERVED = (
    "q",
    "sort",
    "year",
    "month",
    "tag",
    "venue",
    "author",
    "code",
    "note",
    "status",
    "selected",
)
# The fields of a catalogue record (`catalogue`), besides the declared facets.
CATALOGUE_FIELDS = (
    "key",
    "title",
    "authors",
    "year",
    "month",
    "venue",
    "tags",
    "arxiv",
    "doi",
    "code",
    "links",
    "url",
    "has_note",
    "status",
    "summary",
    "abstract",
    "abbr",
    "selected",
    "preview",
)
# Letters that Unicode does not decompose into a base letter plus an accent.
_FOLD_LETTERS = {
    "ß": "ss",
    "æ": "ae",
    "œ": "oe",
    "ø": "o",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "ı": "i",
    "ħ": "h",
    "ς": "σ",
}
_FOLD_TABLE = str.maketrans(_FOLD_LETTERS)

UrlFor = Callable[[Entry], str]


# ---------------------------------------------------------------- the HTML list
def group_id(entry: Entry) -> str:
    return entry.paper.date_id or "undated"


def group_label(entry: Entry, strings: Strings = ENGLISH) -> str:
    return strings.date(entry.paper.year, entry.paper.month) or strings("undated")


# Themes' searches open themselves for a `?q=` in the address (Material's also drops q when
# it is closed; the mkdocs theme's opens its dialog); on the index q is the filter's text. This
# runs before the theme's scripts: it hides q from the address until papershelf.js has read it
# and written the address back. A fixed string: no data from the library goes into a script.
Q_GUARD = Markup("""<script>(function () {
  if (!new URLSearchParams(location.search).has("q")) return;
  window.papershelfDeferred = { path: location.pathname, search: location.search };
  var url = new URL(location.href);
  url.searchParams.delete("q");
  history.replaceState(history.state, "", url.pathname + url.search + url.hash);
})();</script>""")


def index_html(
    library: Library,
    url_for: UrlFor,
    data_url: str = "",
    strings: Strings = ENGLISH,
    math: bool = False,
    root: str = "",
) -> str:
    """The complete list, newest first, grouped by month, readable without JavaScript.

    `data_url` (relative to the index page) is where `papershelf.js` finds `index-data.json`;
    without it the list stays a plain list. `math`: titles' `$...$` is typeset (arithmatex).
    `root` leads from the index to the site's root. Each item has the id the older "Paper
    List" tool gave its section (`item_anchors`), so links into a list written by it still
    find the paper.
    """
    anchors = item_anchors(library)
    groups = []
    for gid, members in groupby(library.entries, key=group_id):
        items = list(members)
        groups.append(
            {
                "id": gid,
                "anchor": f"papershelf-{gid}",
                "label": group_label(items[0], strings),
                "entries": [
                    _item(entry, url_for, strings, anchors.get(entry.paper.key, ""), math, root)
                    for entry in items
                ],
            }
        )
    return render(
        "index.html",
        groups=groups,
        count=strings.count("index.count", len(library.entries)),
        note_label=strings("index.note"),
        total=len(library.entries),
        data_url=data_url,
        guard=Q_GUARD if data_url else "",
    )


def _item(
    entry: Entry, url_for: UrlFor, strings: Strings, anchor: str, math: bool, root: str = ""
) -> dict[str, Any]:
    paper, note = entry.paper, entry.note
    title = neutralise_tex(paper.title) if math else paper.title
    pieces = math_pieces(title, math)
    return {
        "key": paper.key,
        "anchor": anchor,
        "url": url_for(entry),
        "title": paper.title,
        # Typeset math changes the title's text; the filter reads the title as written.
        "title_pieces": pieces if any(kind == "math" for kind, _ in pieces) else None,
        "authors": author_list(entry, AUTHORS_SHOWN),
        "date": strings.date(paper.year, paper.month, paper.month_end),
        "datetime": paper.date_id,
        "venue": paper.venue,
        "abbr": paper.abbr,
        "preview": resolved(paper.preview, root),
        "preview_alt": strings("preview", title=paper.title) if paper.preview else "",
        "tags": entry.tags,
        "status": strings(f"status.{note.status}") if note and note.status else "",
        "summary": note.summary if note else "",
        "links": link_labels(paper, strings, root),
        "has_note": entry.has_note,
    }


# Ids the themes' own pages hold (Material's `__config`, the mkdocs theme's search dialog):
# an anchor made from a title must not take their place.
_THEME_IDS = re.compile(
    r"^(?:_|md-|hljs-|mkdocs[-_]|papershelf-|main-content$|navbar-collapse$|theme-menu$|"
    r"toc-collapse$|404-page-not-found$)"
)


def item_anchors(library: Library) -> dict[str, str]:
    """Each paper's anchor on the index, by citation key: the one the older "Paper List"
    tool gave it (`paperlist.anchor_for`, made unique as `export markdown` does), unless it
    would take an id the theme uses."""
    return {
        key: anchor
        for key, anchor in export_anchors(library).items()
        if anchor.strip("-") and not _THEME_IDS.match(anchor)
    }


def index_inputs(library: Library) -> tuple[Any, ...]:
    """What the index, its data files and the catalogue read from the library: the papers,
    and the notes without their text (of which they only ask whether there is any). Equal
    inputs give equal outputs, so `mkdocs serve` keeps them while only a note's text changes."""
    return tuple(
        (e.paper, e.note and replace(e.note, body="x" if e.has_note else "", body_line=0))
        for e in library.entries
    )


# ---------------------------------------------------------------- the data files
def index_files(
    library: Library,
    facets: tuple[str, ...] = (),
    strings: Strings = ENGLISH,
    *,
    fulltext: bool = True,
) -> dict[str, str]:
    """File name (next to the index page) -> JSON text of the index page's data files (the
    full-text index, which `fulltext` says the site has, is `fulltext.py`'s)."""
    bibtex = _dumps(
        {
            "version": FORMAT_VERSION,
            "count": len(library.entries),
            "bibtex": [entry.paper.bibtex for entry in library.entries],
        }
    )
    data = index_data(library, facets, strings)
    data["bibtex"] = versioned(BIBTEX_FILE, bibtex)
    if fulltext:
        data["fulltext"] = FULLTEXT_FILE
    return {DATA_FILE: _dumps(data), BIBTEX_FILE: bibtex}


def versioned(name: str, content: str) -> str:
    """`name?v=<hash of content>`: a URL that changes whenever the content does."""
    return f"{name}?v={hashlib.sha256(content.encode('utf-8')).hexdigest()[:12]}"


def list_digest(library: Library) -> str:
    """Names the list a data file was made for: index-data.json and the full-text manifest
    carry it, and the script reads the manifest only when the two agree."""
    keys = "\n".join(entry.paper.key for entry in library.entries)
    return hashlib.sha256(keys.encode("utf-8")).hexdigest()[:12]


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def index_data(
    library: Library, facets: tuple[str, ...] = (), strings: Strings = ENGLISH
) -> dict[str, Any]:
    """Facet tables for the filters (paper `i` is the `i`-th item of the HTML list), and the
    words the script shows."""
    entries, t = library.entries, strings

    def values_of(get: Callable[[Entry], Iterable[str]]) -> list[list[str]]:
        return [list(get(entry)) for entry in entries]

    def year(e: Entry) -> list[str]:
        return [str(e.paper.year)] if e.paper.year else []

    def month(e: Entry) -> list[str]:
        p = e.paper
        return [p.date_id] if p.year and p.month else []

    months = sorted({v for e in entries for v in month(e)}, reverse=True)
    statuses = [*STATUSES, "none"]
    out = [
        _facet(
            "year",
            t("facet.year"),
            values_of(year),
            order=sorted({v for e in entries for v in year(e)}, reverse=True),
        ),
        _facet(
            "month",
            t("facet.month"),
            values_of(month),
            order=months,
            labels=[t.month(int(m[:4]), int(m[5:])) for m in months],
        ),
        _facet("tag", t("facet.tag"), values_of(lambda e: e.tags), text=True),
        _facet(
            "venue",
            t("facet.venue"),
            values_of(lambda e: [e.paper.venue] if e.paper.venue else []),
            text=True,
        ),
        _facet(
            "author",
            t("facet.author"),
            values_of(lambda e: [a.display for a in e.paper.authors if a != ET_AL]),
            text=True,
        ),
        _facet(
            "code",
            t("facet.code"),
            values_of(lambda e: ["yes" if e.paper.links.code else "no"]),
            order=["yes", "no"],
            labels=[t("facet.code.yes"), t("facet.code.no")],
        ),
        _facet(
            "note",
            t("facet.note"),
            values_of(lambda e: ["yes" if e.has_note else "no"]),
            order=["yes", "no"],
            labels=[t("facet.note.yes"), t("facet.note.no")],
        ),
        _facet(
            "status",
            t("facet.status"),
            values_of(lambda e: [(e.note.status if e.note else "") or "none"]),
            order=statuses,
            labels=[t(f"status.{s}") for s in statuses],
        ),
    ]
    if any(e.paper.selected for e in entries):  # al-folio's `selected = {true}`
        out.append(
            _facet(
                "selected",
                t("facet.selected"),
                values_of(lambda e: ["yes" if e.paper.selected else "no"]),
                order=["yes", "no"],
                labels=[t("facet.selected.yes"), t("facet.selected.no")],
            )
        )
    for name in facets:
        out.append(
            _facet(
                name,
                t(f"facet.{name}")
                if f"facet.{name}" in t.table
                else name.replace("_", " ").capitalize(),
                values_of(functools.partial(_extra_values, name)),
                text=True,
            )
        )
    return {
        "version": FORMAT_VERSION,
        "count": len(entries),
        "strings": strings.for_script(),
        "facets": out,
        # Papers whose author list ends in "et al." (not an author, so not in the facet).
        "etal": [i for i, e in enumerate(entries) if ET_AL in e.paper.authors],
        "list": list_digest(library),
    }


def _extra_values(name: str, entry: Entry) -> Iterable[str]:
    return entry.note.extra.get(name, ()) if entry.note else ()


def _facet(
    name: str,
    label: str,
    per_paper: list[list[str]],
    *,
    order: list[str] | None = None,
    labels: list[str] | None = None,
    text: bool = False,
) -> dict[str, Any]:
    """One facet: its value table and each paper's value ids.

    Without a fixed `order`, values are listed most frequent first and values that differ only
    in case are one value, shown in their most frequent spelling.
    """
    if order is None:
        spellings: dict[str, Counter[str]] = {}
        for values in per_paper:
            for value in dict.fromkeys(values):
                spellings.setdefault(value.casefold(), Counter())[value] += 1
        ranked = sorted(spellings.items(), key=lambda kv: (-kv[1].total(), kv[0]))
        table = [counter.most_common(1)[0][0] for _, counter in ranked]
        ids = {folded: i for i, (folded, _) in enumerate(ranked)}
        key: Callable[[str], str] = str.casefold
    else:
        # Every value of a fixed set, present or not, so a shared `?note=no` still means
        # "no paper" rather than being dropped (which would widen the view to everything).
        table = list(order)
        ids = {v: i for i, v in enumerate(table)}
        key = str
    facet: dict[str, Any] = {
        "name": name,
        "label": label,
        "order": "fixed" if order is not None else "count",
        "values": table,
    }
    if labels:
        facet["labels"] = labels
    if text:
        facet["text"] = True
    papers = [list(dict.fromkeys(ids[key(v)] for v in values)) for values in per_paper]
    if all(len(p) <= 1 for p in papers):
        facet["single"] = [p[0] if p else -1 for p in papers]
    else:
        facet["multi"] = papers
    return facet


# ---------------------------------------------------------------- folding
class _Marks(dict):
    """str.translate table deleting combining marks, filled in as characters are met."""

    def __missing__(self, code: int) -> int | None:
        value = None if unicodedata.category(chr(code)).startswith("M") else code
        self[code] = value
        return value


_MARKS = _Marks()
_COMBINING = re.compile("[\u0300-\u036f]+")
# Characters outside these ranges (general punctuation, CJK punctuation but its tone marks,
# CJK ideographs, full-width forms) might be combining marks.
_MAY_HOLD_MARKS = re.compile(
    "[^\x00-\x7f\u2000-\u206f\u3000-\u3029\u3030-\u303f\u4e00-\u9fff\uff00-\uffef]+"
)
_FOLD_CHARS = re.compile("[" + "".join(_FOLD_LETTERS) + "]")


def _drop_marks(run: re.Match[str]) -> str:
    return run.group().translate(_MARKS)


def fold(text: str) -> str:
    """Text as the filter compares it: no accents, lower case (`papershelf.js` has the twin)."""
    if text.isascii():
        return text.lower()
    # Most accents are in the one block of combining marks; what is left after them is
    # usually ASCII, and the character-by-character tables only see the rest.
    bare = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    if bare.isascii():
        return bare.lower()
    # Only the runs that may hold marks go through the (Python-level) table: in a Chinese
    # note that is a few emoji, not every character.
    bare = _MAY_HOLD_MARKS.sub(_drop_marks, bare)
    bare = bare.lower()
    return bare.translate(_FOLD_TABLE) if _FOLD_CHARS.search(bare) else bare


# ---------------------------------------------------------------- the public catalogue
def catalogue(library: Library, url_for: UrlFor, facets: tuple[str, ...] = ()) -> list[dict]:
    """One public object per paper: what `site/papers.json` holds."""
    out = []
    for entry in library.entries:
        paper, note = entry.paper, entry.note
        record: dict[str, Any] = {
            "key": paper.key,
            "title": paper.title,
            "authors": [a.display for a in paper.authors],
            "year": paper.year,
            "month": paper.month,
            "venue": paper.venue,
            "tags": list(entry.tags),
            "arxiv": paper.arxiv,
            "doi": paper.doi,
            "code": paper.links.code,
            "links": {LINK_NAMES[kind]: url for kind, url in paper.links.items()},
            "url": url_for(entry),
            "has_note": entry.has_note,
            "status": note.status if note else "",
            "summary": note.summary if note else "",
            "abstract": paper.abstract,
            "abbr": paper.abbr,
            "selected": paper.selected,
            "preview": paper.preview,
        }
        for name in facets:
            record[name] = list(note.extra.get(name, ())) if note else []
        out.append(record)
    return out


def catalogue_json(library: Library, url_for: UrlFor, facets: tuple[str, ...] = ()) -> str:
    return json.dumps(catalogue(library, url_for, facets), ensure_ascii=False, indent=1)
