"""Raw entries -> display-ready `Paper`s: names, dates, venue, arXiv ids, links, public BibTeX."""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Iterable
from datetime import datetime

from . import latex, repair
from .bib import RawEntry
from .dates import ADDED_FIELDS, month_bibtex, parse_moment, parse_month, read_date
from .identifiers import ARXIV_ID as _ARXIV_ID
from .identifiers import ARXIV_IN_URL as _ARXIV_IN_URL
from .model import Author, Citation, Paper, Problem, Report, merge_tags
from .names import parse_names, read_names
from .venues import FILE_FIELDS, VENUE_FIELDS, link_address, links, local_file, venue

__all__ = [
    "FILE_FIELDS",
    "PUBLIC_FIELDS",
    "find_arxiv",
    "local_file",
    "normalize",
    "parse_month",
    "parse_names",
]

# Fields that may appear in the BibTeX people copy from the site. Anything else (Zotero's
# file, urldate, langid, annote, abstract, keywords, ...) stays private unless configured.
PUBLIC_FIELDS = (
    "author",
    "editor",
    "title",
    "booktitle",
    "journal",
    "journaltitle",
    "eventtitle",
    "year",
    "month",
    "date",
    "volume",
    "number",
    "pages",
    "chapter",
    "edition",
    "series",
    "publisher",
    "address",
    "location",
    "organization",
    "institution",
    "school",
    "howpublished",
    "type",
    "doi",
    "isbn",
    "issn",
    "url",
    "eprint",
    "archiveprefix",
    "eprinttype",
    "eprintclass",
    "primaryclass",
)

_ARXIV_IN_DOI = re.compile(r"10\.48550/arxiv\." + _ARXIV_ID, re.IGNORECASE)
# Possessive: `\s*[:/]?\s*` would try every split of a run of spaces (`arXiv` and 32 KB of
# spaces took 30 s).
_ARXIV_IN_TEXT = re.compile(r"\barxiv\s*+(?:[:/]\s*+)?(?:abs/)?" + _ARXIV_ID, re.IGNORECASE)
_ARXIV_BARE = re.compile(_ARXIV_ID + r"$")
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
# Text fields shown on the site, where an HTML character reference is a crawler's leftover.
_SHOWN_TEXT = frozenset(
    ("title", "author", "abstract", "keywords", "abbr", *VENUE_FIELDS, "series")
)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def normalize(
    raw: RawEntry,
    slug: str,
    public_fields: Iterable[str] = PUBLIC_FIELDS,
    defined: Collection[str] = (),
) -> tuple[Paper, list[Problem]]:
    """Build the display `Paper` for one entry, and what was wrong with it. `defined`: the
    commands the bibliography's @preamble or `latex_macros` define (expanded already, unless
    the expansion budget ran out)."""
    problems: list[Problem] = []
    f = raw.fields

    def problem(name: str | None, message: str, hint: str, code: str) -> None:
        problems.append(Problem(raw.path, raw.where(name), raw.key, message, hint, code))

    _text_problems(f, problem)
    title = _title(f, problem, defined)
    year, month, month_end = read_date(raw.fields, problem)
    arxiv, version = find_arxiv(f)
    doi = _doi(f.get("doi", ""), problem)
    paper = Paper(
        key=raw.key,
        slug=slug,
        entry_type=raw.entry_type,
        title=title or raw.key,
        authors=_authors(f.get("author", ""), problem),
        year=year,
        month=month,
        month_end=month_end,
        venue=venue(raw.entry_type, f, arxiv),
        abbr=_abbr(f.get("abbr", "")),
        selected=f.get("selected", "").strip().strip("{}").lower() in ("true", "yes", "1"),
        tags=split_keywords(f.get("keywords", "")),
        abstract=latex.unescape_markup(latex.decode(f.get("abstract", ""), keep_paragraphs=True)),
        arxiv=arxiv,
        arxiv_version=version,
        doi=doi,
        links=links(f, arxiv, doi, problem),
        preview=link_address(f, "preview", problem),
        citation=citation(raw, public_fields),
        bibtex=public_bibtex(raw, public_fields),
        source_path=raw.path,
        source_line=raw.line,
        added=_added(f, problem),
    )
    return paper, problems


def _added(f: dict[str, str], problem: Report) -> datetime | None:
    """When the entry joined the list, from the first of Zotero's, JabRef's or BibDesk's
    fields that it has. Those fields stay private: the date is used, never the field."""
    name = next((n for n in ADDED_FIELDS if f.get(n, "").strip()), None)
    if name is None:
        return None
    moment = parse_moment(f[name])
    if moment is None:
        problem(
            name,
            f"unreadable date in field '{name}': '{f[name].strip()}'",
            "write it as YYYY-MM-DD, optionally with a time (2025-03-10T09:30:00Z)",
            "bad-date",
        )
    return moment


# al-folio prints `abbr` as HTML, and badges break lines with it: `J. Intell. <br> Veh.`.
_LINE_BREAK = re.compile(r"<br\s*+/?>", re.IGNORECASE)


def _abbr(text: str) -> str:
    return latex.decode(_LINE_BREAK.sub(" ", text) if "<" in text else text)


def _text_problems(f: dict[str, str], problem: Report) -> None:
    """Mojibake anywhere; HTML character references in shown text."""
    for name, value in f.items():
        excerpt, fixed = damaged_text(value)
        if excerpt:
            problem(
                name,
                f"field '{name}' looks damaged by a wrong encoding: `{excerpt}`",
                damage_hint(fixed),
                "damaged-text",
            )
        if "&" in value and name in _SHOWN_TEXT and (entity := _ENTITY.search(value)):
            if html.unescape(entity.group()) == entity.group():
                continue  # `&T;` and the like: no such reference
            start = max(0, entity.start() - 20)
            excerpt = " ".join(value[start : entity.end() + 20].split())
            problem(
                name,
                f"field '{name}' holds HTML character references, shown as the characters "
                f"they stand for: `{excerpt}`",
                f"write the characters themselves (`{entity.group()}` is "
                f"`{html.unescape(entity.group())}`; `&` is written `\\&`), as the page that "
                "was copied shows them",
                "html-entity",
            )


def _title(f: dict[str, str], problem: Report, defined: Collection[str]) -> str:
    source = f.get("title", "")
    title = latex.decode(source)
    unknown = latex.unknown_commands(source, defined) if "\\" in source else []
    if unknown:
        shown = ", ".join(f"\\{name[:40]}" for name in unknown[:3])
        problem(
            "title",
            f"title uses {shown}, which neither an @preamble of the bibliography nor the "
            f"`latex_macros` option defines; {'the key is shown instead' if not title else 'left out'}",
            "define it in an @preamble (`\\providecommand{\\Name}{Text}`) or under "
            "`latex_macros:` in mkdocs.yml",
            "undefined-command",
        )
    elif not title:
        problem(
            None,
            "missing field 'title'; the key is shown instead",
            "add title = {...}",
            "missing-title",
        )
    return title


def _authors(text: str, problem: Report) -> tuple[Author, ...]:
    names = read_names(text)
    if names.commas:
        excerpt = names.commas[:80] + ("..." if len(names.commas) > 80 else "")
        shown = (
            f"shown as {len(names.authors)} names"
            if names.split
            else "shown as written, since not every part looks like a full name"
        )
        problem(
            "author",
            f"authors separated by commas: `{excerpt}` (BibTeX reads it as one name: "
            f'"Too many commas in name"); {shown}',
            "separate authors with ' and '",
            "comma-authors",
        )
    return names.authors


# What a UTF-8 lead byte (0xC2-0xF4) looks like when decoded as Windows-1254, -1252 or
# Latin-1: mojibake always holds one, so text without any (all of Chinese, most accented
# Latin) is clean without the full analysis, which costs ~1 ms a line.
_LEAD_CHARS = re.compile(
    "["
    + "".join(
        sorted(
            {
                bytes([b]).decode(codec)
                for b in range(0xC2, 0xF5)
                for codec in ("cp1254", "cp1252", "latin-1")
            }
        )
    )
    + "]"
)


def damaged_text(text: str) -> tuple[str, str]:
    """(excerpt, likely repair) when `text` is mojibake, else ("", "").

    The repair is offered only for plain mojibake (ftfy, instant); text that also lost
    bytes needs `papershelf import`'s language model, which is too slow for every build.
    """
    if text.isascii() or not _LEAD_CHARS.search(text):
        return "", ""
    kind = repair.detect_damage(text)
    if kind == repair.CLEAN:
        return "", ""
    first = re.search(r"[^\x00-\x7f]+", text)
    start = max(0, first.start() - 12) if first else 0
    excerpt = " ".join(text[start : start + 48].split())
    plain = repair.detect_damage(excerpt) == repair.MOJIBAKE  # the excerpt, not just the whole
    fixed = repair.repair_text(excerpt).text if plain else ""
    return excerpt, fixed if fixed != excerpt else ""


def damage_hint(fixed: str) -> str:
    likely = f"it probably reads `{fixed}`; " if fixed else ""
    return (
        f"{likely}the text was decoded with the wrong encoding (UTF-8 read as "
        "Windows-1252); re-export it as UTF-8 from its source, or correct it by hand"
    )


def split_keywords(text: str) -> tuple[str, ...]:
    """Tags from `keywords`, split on `,` or `;`; one per line when there is neither, as
    EndNote and PubMed export them (a tool that wraps long lines keeps its commas)."""
    if not text.strip():
        return ()
    separators = r"[,;]" if "," in text or ";" in text else r"\n"
    tags = tuple(t for t in (latex.decode(t) for t in re.split(separators, text)) if t)
    return merge_tags(tags)


def find_arxiv(f: dict[str, str]) -> tuple[str, str]:
    """The arXiv id (without version) and version suffix, from wherever the export put it."""
    prefix = (f.get("archiveprefix", "") + f.get("eprinttype", "")).lower()
    eprint = latex.strip_braces(f.get("eprint", ""))
    m = _ARXIV_BARE.match(eprint) if eprint and (not prefix or "arxiv" in prefix) else None
    if not m and f.get("arxiv"):  # al-folio's `arxiv = {2401.00001}`
        m = _ARXIV_BARE.match(latex.strip_braces(f["arxiv"]))
    for pattern, name in (
        (_ARXIV_IN_URL, "arxiv"),
        (_ARXIV_IN_TEXT, "arxiv"),
        (_ARXIV_IN_URL, "url"),
        (_ARXIV_IN_DOI, "doi"),
        (_ARXIV_IN_TEXT, "journal"),
        (_ARXIV_IN_TEXT, "note"),
        (_ARXIV_IN_TEXT, "howpublished"),
        (_ARXIV_IN_TEXT, "eprint"),
    ):
        if m:
            break
        m = pattern.search(f.get(name, "")) if f.get(name) else None
    if not m:
        return "", ""
    version = m.group(2) or ""
    if not version and f.get("url"):
        # eprint usually omits the version; Zotero's url keeps the one that was read.
        in_url = _ARXIV_IN_URL.search(f["url"])
        if in_url and in_url.group(1) == m.group(1):
            version = in_url.group(2) or ""
    return m.group(1), version


def _doi(text: str, problem: Report) -> str:
    doi = _DOI_PREFIX.sub("", latex.strip_braces(text))
    if doi and not _DOI.match(doi):
        problem(
            "doi",
            f"malformed DOI '{text.strip()}'",
            "a DOI looks like 10.1234/abc; drop any prefix other than https://doi.org/",
            "bad-doi",
        )
        return ""
    return doi


# ---------------------------------------------------------------- citation details
# Citation attribute -> the BibTeX fields it is read from, first found wins.
_CITATION_FIELDS = {
    "journal": ("journal", "journaltitle"),
    "booktitle": ("booktitle",),
    "volume": ("volume",),
    "number": ("number",),
    "chapter": ("chapter",),
    "edition": ("edition",),
    "series": ("series",),
    "publisher": ("publisher",),
    "address": ("address", "location"),
    "school": ("school",),
    "institution": ("institution",),
    "organization": ("organization",),
    "genre": ("type",),
    "isbn": ("isbn",),
    "issn": ("issn",),
}
_RANGE_DASH = re.compile(r"\s*(?:-{1,3}|\u2013|\u2014|\u2212)\s*")
_DAY = re.compile(r"^\s*\d{4}-\d{1,2}-(\d{1,2})\b")


def citation(raw: RawEntry, public_fields: Iterable[str] = PUBLIC_FIELDS) -> Citation:
    """The entry's public citation details (a field not in `public_fields` is left out)."""
    public = set(public_fields)
    f = raw.fields
    values: dict[str, str] = {}
    for name, fields in _CITATION_FIELDS.items():
        found = next((f[k] for k in fields if k in public and f.get(k, "").strip()), "")
        values[name] = " ".join(latex.decode(found).split()) if found else ""
    pages = f.get("pages", "") if "pages" in public else ""
    day = _DAY.match(f.get("date", "")) if "date" in public else None
    return Citation(
        **values,
        editors=parse_names(f["editor"]) if "editor" in public and f.get("editor") else (),
        pages=_RANGE_DASH.sub("\u2013", latex.decode(pages).strip()) if pages.strip() else "",
        day=int(day.group(1)) if day and 1 <= int(day.group(1)) <= 31 else None,
    )


# ---------------------------------------------------------------- public BibTeX
def public_bibtex(raw: RawEntry, public_fields: Iterable[str] = PUBLIC_FIELDS) -> str:
    """The entry as people may copy it: allowed fields only, in a stable order."""
    allowed = tuple(public_fields)
    lines = [f"@{raw.entry_type}{{{raw.key},"]
    for name in allowed:
        if name not in raw.fields:
            continue
        value = raw.fields[name].strip()
        if not value:
            continue
        if name == "month":  # a month no style can read (reported) is left out
            if month := month_bibtex(value):
                lines.append(f"  month = {month},")
        elif name == "doi" and _DOI_PREFIX.match(value):  # styles add https://doi.org/ themselves
            lines.append(f"  doi = {{{_DOI_PREFIX.sub('', value)}}},")
        else:
            lines.append(f"  {name} = {{{' '.join(value.split())}}},")
    lines.append("}")
    return "\n".join(lines)
