"""`Paper` -> CSL-JSON: the item a citation processor (citeproc-py here, Zotero, pandoc)
formats. Plain-text values, CSL 1.0.2 names; valid against the CSL-JSON schema.

Only what the page already shows and the public citation details (`Paper.citation`) go in,
so nothing private reaches a download. `and others` is left out: CSL has no marker for it
(pandoc alone reads a literal name "others" as "et al."; Zotero would import it as an author).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .model import ET_AL, Author, Paper

# BibTeX entry type -> CSL type. `@misc` and types not listed are decided by what the entry
# holds (see `csl_type`).
CSL_TYPES = {
    "article": "article-journal",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "proceedings": "book",
    "book": "book",
    "mvbook": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "booklet": "pamphlet",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "manual": "report",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "webpage": "webpage",
    "unpublished": "manuscript",
    "software": "software",
    "dataset": "dataset",
    "patent": "patent",
    "standard": "standard",
}
# What a thesis is called when the entry has no `type` field.
THESIS_GENRE = {"phdthesis": "PhD thesis", "mastersthesis": "Master's thesis"}
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def csl_type(paper: Paper) -> str:
    """The CSL type of the entry. A preprint is `article` (CSL 1.0.2: "preprint, working
    paper"): an arXiv `@misc`, or DBLP's `@article{..., journal = {CoRR}}`."""
    kind = CSL_TYPES.get(paper.entry_type)
    if kind is None:
        if paper.arxiv:
            return "article"
        return "webpage" if paper.links.project else "document"
    if kind == "article-journal" and paper.arxiv and paper.venue == "arXiv":
        return "article"
    return kind


def is_preprint(paper: Paper) -> bool:
    return csl_type(paper) == "article"


def csl_name(author: Author) -> dict[str, str]:
    """A name as CSL-JSON writes it; one without a first part (`{Qwen Team}`) is literal."""
    if not author.first:
        return {"literal": author.last}
    name = {"family": author.last, "given": author.first}
    if author.von:
        name["non-dropping-particle"] = author.von
    if author.jr:
        name["suffix"] = author.jr
    return name


def csl_names(authors: Iterable[Author]) -> list[dict[str, str]]:
    return [csl_name(a) for a in authors if a != ET_AL and (a.first or a.last)]


def container_title(paper: Paper, kind: str | None = None) -> str:
    """The journal, proceedings or book the paper appears in ("" for a preprint)."""
    kind = kind or csl_type(paper)
    c = paper.citation
    if kind == "article-journal":
        return c.journal or paper.venue
    if kind in ("paper-conference", "chapter"):
        return c.booktitle or paper.venue
    return ""


def publisher(paper: Paper, kind: str | None = None) -> str:
    """Who published it: a thesis' school, a report's institution, arXiv for a preprint."""
    kind = kind or csl_type(paper)
    c = paper.citation
    if kind == "article":
        return "arXiv" if paper.arxiv else c.publisher or c.institution
    if kind == "thesis":
        return c.school or c.publisher or paper.venue
    if kind == "report":
        return c.institution or c.publisher or c.organization or paper.venue
    if kind == "book" and not c.publisher:
        return c.organization or paper.venue
    return c.publisher or c.organization


def item_url(paper: Paper) -> str:
    """The one address a reference prints: the arXiv abstract page, else the project page,
    else the paper's PDF (a `url` that is a PDF file, or a `pdf` field)."""
    return paper.links.arxiv or paper.links.project or paper.links.pdf


def item_doi(paper: Paper) -> str:
    """The entry's DOI; a preprint without one gets arXiv's own (10.48550/arXiv.<id>)."""
    if paper.doi:
        return paper.doi
    return f"10.48550/arXiv.{paper.arxiv}" if paper.arxiv and is_preprint(paper) else ""


def language(paper: Paper) -> str:
    """`zh-CN` for a Chinese title, else "" (the styles' default, English)."""
    return "zh-CN" if _HAN.search(paper.title) else ""


def csl_item(
    paper: Paper, *, abstract: bool = True, keywords: Iterable[str] = ()
) -> dict[str, Any]:
    """One CSL-JSON item. `keywords` (the page's tags) go in `keyword`, comma-separated."""
    kind = csl_type(paper)
    c = paper.citation
    item: dict[str, Any] = {"id": paper.key, "type": kind, "title": paper.title}
    item["author"] = csl_names(paper.authors)
    item["editor"] = csl_names(c.editors)
    if paper.year:
        parts = [paper.year] + ([paper.month] if paper.month else [])
        if paper.month and c.day:
            parts.append(c.day)
        item["issued"] = {"date-parts": [parts]}
    item["container-title"] = container_title(paper, kind)
    item["collection-title"] = c.series
    item["publisher"] = publisher(paper, kind)
    item["publisher-place"] = c.address if kind != "article" else ""
    item["volume"] = c.volume
    if kind == "article-journal":
        item["issue"] = c.number
    elif kind == "article" and paper.arxiv:
        item["number"] = f"arXiv:{paper.arxiv}"
    elif kind in ("report", "patent", "standard"):
        item["number"] = c.number
    item["page"] = c.pages
    item["chapter-number"] = c.chapter
    item["edition"] = c.edition
    if kind == "thesis":
        item["genre"] = c.genre or THESIS_GENRE.get(paper.entry_type, "Thesis")
    elif kind == "report":
        item["genre"] = c.genre
    item["ISBN"] = c.isbn
    item["ISSN"] = c.issn
    item["DOI"] = item_doi(paper)
    item["URL"] = item_url(paper)
    item["language"] = language(paper)
    item["keyword"] = ", ".join(keywords)
    if abstract:
        item["abstract"] = paper.abstract
    return {k: v for k, v in item.items() if v}
