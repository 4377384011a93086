"""What a paper page says about itself in its `<head>`: Highwire Press `citation_*` meta tags
(read by Google Scholar and Zotero's browser connector) and schema.org JSON-LD.

`head_html(paper, url)` is the whole block; the plugin puts it before `</head>` under any
theme, and a template override (for generators that run no plugins) can print it as it is.
Everything is escaped here, since some themes print meta values unescaped: attribute values
with `html.escape`, and the JSON-LD so that no `</script>` or `<!--` in a title can end or
change its script element. Only what the page shows and the public citation details go in.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from typing import Any

from .csl import container_title, csl_type, item_doi, language, publisher
from .model import ET_AL, Author, Paper
from .ris import ris_name

# CSL type -> the Highwire tag for the container's title.
_CONTAINER_TAG = {
    "article-journal": "citation_journal_title",
    "paper-conference": "citation_conference_title",
    "chapter": "citation_inbook_title",
}
# CSL type -> schema.org type (a type schema.org has; ScholarlyArticle otherwise).
_SCHEMA_TYPE = {"book": "Book", "chapter": "Chapter", "thesis": "Thesis", "report": "Report"}
_JSON_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def _authors(paper: Paper) -> list[Author]:
    return [a for a in paper.authors if a != ET_AL and (a.first or a.last)]


def publication_date(paper: Paper, separator: str = "/") -> str:
    """`2025/03/12`, `2025/03` or `2025` (Highwire); `2025-03` with `separator="-"` (ISO)."""
    if paper.year is None:
        return ""
    parts = [str(paper.year)]
    if paper.month:
        parts.append(f"{paper.month:02d}")
        if paper.citation.day:
            parts.append(f"{paper.citation.day:02d}")
    return separator.join(parts)


def highwire_tags(
    paper: Paper, url: str = "", keywords: Iterable[str] = ()
) -> list[tuple[str, str]]:
    """(name, content) of each `citation_*` meta tag, in order; `url` is the page's own
    absolute address ("" leaves `citation_abstract_html_url` out)."""
    kind, c = csl_type(paper), paper.citation
    tags = [("citation_title", paper.title)]
    tags += [("citation_author", ris_name(a)) for a in _authors(paper)]
    tags.append(("citation_publication_date", publication_date(paper)))
    if kind in _CONTAINER_TAG:
        tags.append((_CONTAINER_TAG[kind], container_title(paper, kind)))
    first, _, last = c.pages.partition("\u2013")
    tags += [
        ("citation_volume", c.volume),
        ("citation_issue", c.number if kind == "article-journal" else ""),
        ("citation_firstpage", first),
        ("citation_lastpage", last),
    ]
    who = publisher(paper, kind)
    if kind == "thesis":
        tags.append(("citation_dissertation_institution", who))
    elif kind == "report":
        tags.append(("citation_technical_report_institution", who))
        tags.append(("citation_technical_report_number", c.number))
    elif kind != "article":  # a preprint's publisher is arXiv: citation_arxiv_id says so
        tags.append(("citation_publisher", who))
    tags += [
        ("citation_isbn", c.isbn),
        ("citation_issn", c.issn),
        ("citation_doi", paper.doi),
        ("citation_arxiv_id", paper.arxiv),
        ("citation_pdf_url", paper.links.pdf),
        ("citation_abstract_html_url", url),
        ("citation_language", language(paper)),
    ]
    tags += [("citation_keywords", keyword) for keyword in keywords]
    return [(name, value) for name, value in tags if value]


def json_ld(paper: Paper, url: str = "", keywords: Iterable[str] = ()) -> dict[str, Any]:
    """The schema.org description of the paper (ScholarlyArticle, or Book, Thesis, ...)."""
    kind = csl_type(paper)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": _SCHEMA_TYPE.get(kind, "ScholarlyArticle"),
        "name": paper.title,
        "headline": paper.title,
        "author": [
            {"@type": "Person" if a.first else "Organization", "name": a.display}
            for a in _authors(paper)
        ],
        "datePublished": publication_date(paper, "-"),
        "url": url,
        "inLanguage": language(paper),
        "keywords": list(keywords),
    }
    identifiers = []
    doi = item_doi(paper)
    if doi:
        identifiers.append({"@type": "PropertyValue", "propertyID": "DOI", "value": doi})
    if paper.arxiv:
        identifiers.append({"@type": "PropertyValue", "propertyID": "arXiv", "value": paper.arxiv})
    data["identifier"] = identifiers
    data["sameAs"] = [link for link in (paper.links.doi, paper.links.arxiv) if link]
    venue = container_title(paper, kind)
    if venue:
        periodical = "Periodical" if kind == "article-journal" else "CreativeWork"
        data["isPartOf"] = {"@type": periodical, "name": venue}
    who = publisher(paper, kind)
    if who:
        data["publisher"] = {"@type": "Organization", "name": who}
    c = paper.citation
    data["pagination"] = c.pages
    data["isbn"] = c.isbn if kind in ("book", "chapter") else ""
    return {k: v for k, v in data.items() if v}


def script_json(data: Any) -> str:
    """JSON that stays JSON inside `<script>`: no `<`, `>` or `&` that HTML would read."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.translate(_JSON_ESCAPES)


def head_html(paper: Paper, url: str = "", keywords: Iterable[str] = ()) -> str:
    """The meta tags and the JSON-LD script for the paper's page `<head>`, escaped."""
    words = tuple(keywords)
    lines = [
        f'<meta name="{name}" content="{html.escape(value, quote=True)}">'
        for name, value in highwire_tags(paper, url, words)
    ]
    lines.append(
        f'<script type="application/ld+json">{script_json(json_ld(paper, url, words))}</script>'
    )
    return "\n".join(lines) + "\n"


_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)


def insert_head(page_html: str, head: str) -> str:
    """`head` put in before the page's `</head>` (the page as it was when it has none)."""
    found = _HEAD_END.search(page_html)
    if found is None:
        return page_html
    return page_html[: found.start()] + head + page_html[found.start() :]
