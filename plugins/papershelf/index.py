"""`Library` -> the index page's HTML list and the public JSON catalogue. Pure functions."""

from __future__ import annotations

import json
from collections.abc import Callable
from itertools import groupby
from typing import Any

from .model import MONTH_NAMES, Entry, Library
from .pages import author_list, render

AUTHORS_SHOWN = 6
UrlFor = Callable[[Entry], str]


def group_id(entry: Entry) -> str:
    paper = entry.paper
    if paper.year is None:
        return "undated"
    return f"{paper.year}-{paper.month:02d}" if paper.month else str(paper.year)


def group_label(entry: Entry) -> str:
    paper = entry.paper
    if paper.year is None:
        return "Undated"
    return f"{MONTH_NAMES[paper.month - 1]} {paper.year}" if paper.month else str(paper.year)


def index_html(library: Library, url_for: UrlFor) -> str:
    """The complete, script-free list, newest first, grouped by month."""
    groups = []
    for gid, members in groupby(library.entries, key=group_id):
        items = list(members)
        groups.append({
            "id": gid,
            "anchor": f"papershelf-{gid}",
            "label": group_label(items[0]),
            "entries": [_item(entry, url_for) for entry in items],
        })  # fmt: skip
    return render("index.html", groups=groups, total=len(library.entries))


def _item(entry: Entry, url_for: UrlFor) -> dict[str, Any]:
    paper, note = entry.paper, entry.note
    datetime = ""
    if paper.year:
        datetime = f"{paper.year}-{paper.month:02d}" if paper.month else str(paper.year)
    return {
        "key": paper.key,
        "url": url_for(entry),
        "title": paper.title,
        "authors": author_list(entry, AUTHORS_SHOWN),
        "date": paper.date_label,
        "datetime": datetime,
        "venue": paper.venue,
        "tags": entry.tags,
        "status": note.status if note else "",
        "links": paper.links.items(),
        "has_note": bool(note and note.body.strip()),
    }


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
            "links": dict(paper.links.items()),
            "url": url_for(entry),
            "has_note": bool(note and note.body.strip()),
            "status": note.status if note else "",
            "summary": note.summary if note else "",
            "abstract": paper.abstract,
        }
        for name in facets:
            record[name] = list(note.extra.get(name, ())) if note else []
        out.append(record)
    return out


def catalogue_json(library: Library, url_for: UrlFor, facets: tuple[str, ...] = ()) -> str:
    return json.dumps(catalogue(library, url_for, facets), ensure_ascii=False, indent=1)
