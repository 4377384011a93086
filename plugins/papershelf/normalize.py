"""Raw entries -> display-ready `Paper`s: names, dates, venue, arXiv ids, links, public BibTeX."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import lru_cache

from . import latex, repair
from .bib import MONTH_MACROS, RawEntry
from .dates import ADDED_FIELDS, parse_moment
from .identifiers import ARXIV_ID as _ARXIV_ID
from .identifiers import ARXIV_IN_URL as _ARXIV_IN_URL
from .identifiers import CODE_HOSTS as _CODE_HOSTS
from .model import ET_AL, Author, Citation, Links, Paper, Problem, merge_tags

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
_SAFE_URL = re.compile(r"^https?://[^\s<>\"'`]+$", re.IGNORECASE)
_MONTHS = {name: int(num) for name, num in MONTH_MACROS.items()} | {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "sept": 9,
    "october": 10,
    "november": 11,
    "december": 12,
}
# How normalising reports a problem: (field or None, message, hint, code).
Report = Callable[[str | None, str, str, str], None]
_VENUE_FIELDS = (
    "journal",
    "journaltitle",
    "booktitle",
    "eventtitle",
    "school",
    "institution",
    "howpublished",
    "organization",
)


def normalize(
    raw: RawEntry, slug: str, public_fields: Iterable[str] = PUBLIC_FIELDS
) -> tuple[Paper, list[Problem]]:
    """Build the display `Paper` for one entry, and what was wrong with it."""
    problems: list[Problem] = []
    f = raw.fields

    def problem(name: str | None, message: str, hint: str, code: str) -> None:
        problems.append(Problem(raw.path, raw.where(name), raw.key, message, hint, code))

    for name, value in f.items():
        excerpt, fixed = damaged_text(value)
        if excerpt:
            problem(
                name,
                f"field '{name}' looks damaged by a wrong encoding: `{excerpt}`",
                damage_hint(fixed),
                "damaged-text",
            )
    title = latex.decode(f.get("title", ""))
    if not title:
        problem(
            None,
            "missing field 'title'; the key is shown instead",
            "add title = {...}",
            "missing-title",
        )
    year, month = _date(raw, problem)
    arxiv, version = find_arxiv(f)
    doi = _doi(f.get("doi", ""), problem)
    paper = Paper(
        key=raw.key,
        slug=slug,
        entry_type=raw.entry_type,
        title=title or raw.key,
        authors=parse_names(f.get("author", "")),
        year=year,
        month=month,
        venue=_venue(raw, arxiv),
        tags=split_keywords(f.get("keywords", "")),
        abstract=latex.unescape_markup(latex.decode(f.get("abstract", ""), keep_paragraphs=True)),
        arxiv=arxiv,
        arxiv_version=version,
        doi=doi,
        links=_links(f, arxiv, doi, problem),
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
    if not text.strip():
        return ()
    tags = tuple(t for t in (latex.decode(t) for t in re.split(r"[,;]", text)) if t)
    return merge_tags(tags)


# ---------------------------------------------------------------- names
_TOP_LEVEL_AND = re.compile(r"\s+and\s+")


def split_names(text: str) -> list[str]:
    """Split an author field on ` and ` outside braces."""
    text = " ".join(text.split())
    if not text:
        return []
    if "{" not in text:
        return _TOP_LEVEL_AND.split(text)
    names, depth, start = [], 0, 0
    for m in re.finditer(r"[{}]| and ", text):
        token = m.group()
        depth += 1 if token == "{" else -1 if token == "}" else 0
        if token == " and " and depth == 0:
            names.append(text[start : m.start()])
            start = m.end()
    names.append(text[start:])
    return [n.strip() for n in names if n.strip()]


_NOBODY = Author()


def parse_names(text: str) -> tuple[Author, ...]:
    authors = []
    for name in split_names(text):
        if name.lower() == "others":
            authors.append(ET_AL)
        elif (author := _parse_name(name)) != _NOBODY:
            authors.append(author)
    return tuple(authors)


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


# ---------------------------------------------------------------- dates, venue, ids
# Possessive, so that `2020/` and a long run of spaces is not split in every possible way.
_DATE = re.compile(r"^\s*+(\d{4})(?:-(\d{1,2}))?(?:-\d{1,2})?(?:/.*+)?\s*+$")
_YEAR = re.compile(r"^\s*+\{?(\d{4})\}?[a-z]?\s*+$")


def _date(raw: RawEntry, problem: Report) -> tuple[int | None, int | None]:
    f = raw.fields
    year: int | None = None
    month: int | None = None
    if f.get("date"):
        m = _DATE.match(f["date"])
        if m and m.group(2) and not 1 <= int(m.group(2)) <= 12:
            m = None  # `2021-13` would otherwise be shown as a 13th month
        if m:
            year = int(m.group(1))
            month = int(m.group(2)) if m.group(2) else None
        else:
            problem(
                "date",
                f"unparseable date '{f['date']}'",
                "use YYYY, YYYY-MM or YYYY-MM-DD",
                "bad-date",
            )
    if f.get("year", "").strip():
        m = _YEAR.match(f["year"])
        if m:
            year = int(m.group(1))
        else:
            problem(
                "year",
                f"unparseable year '{f['year'].strip()}'",
                "write the year as four digits, e.g. year = {2024}",
                "bad-date",
            )
    elif year is None:
        problem(
            None,
            "missing field 'year'; the paper is listed without a date",
            "add year = {YYYY} (or date = {YYYY-MM-DD})",
            "missing-year",
        )
    if f.get("month", "").strip():
        parsed = parse_month(f["month"])
        if parsed is None:
            problem(
                "month",
                f"unknown month '{f['month'].strip()}'",
                "use a number 1-12 or jan, feb, ... dec",
                "bad-month",
            )
        else:
            month = parsed
    return year, month


def parse_month(text: str) -> int | None:
    word = text.strip().strip("{}").strip().rstrip(".").lower()
    if word.isdecimal():  # not isdigit(): "²" is a digit that int() refuses
        number = int(word)
        return number if 1 <= number <= 12 else None
    return _MONTHS.get(word) or _MONTHS.get(word[:3]) if len(word) >= 3 else None


def find_arxiv(f: dict[str, str]) -> tuple[str, str]:
    """The arXiv id (without version) and version suffix, from wherever the export put it."""
    prefix = (f.get("archiveprefix", "") + f.get("eprinttype", "")).lower()
    eprint = latex.strip_braces(f.get("eprint", ""))
    m = _ARXIV_BARE.match(eprint) if eprint and (not prefix or "arxiv" in prefix) else None
    for pattern, name in (
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


def _venue(raw: RawEntry, arxiv: str) -> str:
    f = raw.fields
    for name in _VENUE_FIELDS:
        value = latex.decode(f[name]) if name in f else ""
        if value and not re.match(r"(?i)^(arxiv\b|https?://)", value):
            if arxiv and value.casefold() == "corr":  # DBLP's name for arXiv
                continue
            return value
    if raw.entry_type in ("book", "inbook") and f.get("publisher"):
        return latex.decode(f["publisher"])
    return "arXiv" if arxiv else ""


def _links(f: dict[str, str], arxiv: str, doi: str, problem: Report) -> Links:
    urls: dict[str, str] = {}
    for name in ("url", "pdf", "code", "github", "repository", "homepage", "project"):
        value = latex.strip_braces(f[name]) if name in f else ""
        if not value:
            continue
        if _SAFE_URL.match(value):
            urls[name] = value
        else:
            problem(
                name,
                f"'{name}' is not an http(s) URL: '{value[:80]}'",
                "give a full https:// address",
                "bad-url",
            )
    main = urls.get("url", "") or _url_in_howpublished(f.get("howpublished", ""))
    main_is_code = bool(_CODE_HOSTS.match(main))
    main_is_known = bool(_ARXIV_IN_URL.search(main) or "doi.org/" in main.lower())
    code = urls.get("code") or urls.get("github") or urls.get("repository")
    return Links(
        arxiv=f"https://arxiv.org/abs/{arxiv}" if arxiv else "",
        pdf=urls.get("pdf") or (f"https://arxiv.org/pdf/{arxiv}" if arxiv else ""),
        code=code or (main if main_is_code else ""),
        doi=f"https://doi.org/{doi}" if doi else "",
        project=urls.get("homepage")
        or urls.get("project")
        or (main if main and not (main_is_code or main_is_known) else ""),
    )


_URL_IN_TEXT = re.compile(
    r"\\(?:url|href)\s*\{\s*(https?://[^\s{}]+?)\s*\}|^\s*(https?://\S+?)\s*$", re.IGNORECASE
)


def _url_in_howpublished(text: str) -> str:
    """`howpublished = {\\url{https://...}}`, the usual way to cite a web page in @misc."""
    m = _URL_IN_TEXT.search(text) if "http" in text else None
    url = re.sub(r"\\([_%&#~$])", r"\1", (m.group(1) or m.group(2))) if m else ""
    return url if _SAFE_URL.match(url) else ""


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
            if month := parse_month(value):
                lines.append(f"  month = {list(MONTH_MACROS)[month - 1]},")
        elif name == "doi" and _DOI_PREFIX.match(value):  # styles add https://doi.org/ themselves
            lines.append(f"  doi = {{{_DOI_PREFIX.sub('', value)}}},")
        else:
            lines.append(f"  {name} = {{{' '.join(value.split())}}},")
    lines.append("}")
    return "\n".join(lines)
