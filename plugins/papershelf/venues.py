"""Where a paper appeared (its venue, by entry type) and its links, from its fields."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from . import latex
from .identifiers import ARXIV_IN_URL, CODE_HOSTS
from .model import Links, Report

SAFE_URL = re.compile(r"^https?://[^\s<>\"'`]+$", re.IGNORECASE)
# Where a paper appeared, by entry type, after biblatex's data model (`journal`, `school`
# and `address` are BibTeX's names for `journaltitle`, `institution` and `location`): the
# first of its type's fields that the entry has, then the first of VENUE_FIELDS, for
# entries filed under the wrong type.
_VENUE_BY_TYPE: dict[str, tuple[str, ...]] = {
    "article": ("journaltitle", "journal"),
    "inproceedings": ("booktitle", "eventtitle", "organization", "publisher"),
    "conference": ("booktitle", "eventtitle", "organization", "publisher"),
    "incollection": ("booktitle", "publisher"),
    "inbook": ("booktitle", "publisher"),
    "inreference": ("booktitle", "publisher"),
    "book": ("publisher", "series"),
    "mvbook": ("publisher", "series"),
    "collection": ("publisher", "series"),
    "reference": ("publisher", "series"),
    "proceedings": ("eventtitle", "publisher", "organization", "series"),
    "booklet": ("howpublished",),
    "manual": ("organization", "publisher"),
    "report": ("institution", "school"),
    "techreport": ("institution", "school"),
    "thesis": ("institution", "school"),
    "phdthesis": ("school", "institution"),
    "mastersthesis": ("school", "institution"),
    "misc": ("howpublished", "organization", "publisher"),
    "online": ("organization", "publisher", "howpublished"),
    "unpublished": ("howpublished", "eventtitle"),
    "software": ("publisher", "organization", "howpublished"),
    "dataset": ("publisher", "organization", "howpublished"),
    "patent": ("holder", "location", "address"),
}
VENUE_FIELDS = (
    "journaltitle",
    "journal",
    "booktitle",
    "eventtitle",
    "school",
    "institution",
    "howpublished",
    "organization",
    "publisher",
)
# Fields that may name a file published from the `files` folders (al-folio's), not only
# give an http(s) address.
FILE_FIELDS = ("pdf", "poster", "slides", "supp", "preview")
# Not a file name: an address with a scheme (`javascript:`, `mailto:`), but a Windows drive.
_SCHEME = re.compile(r"^(?![A-Za-z]:[\\/])[A-Za-z][A-Za-z0-9+.-]*+:")


def venue(entry_type: str, f: Mapping[str, str], arxiv: str) -> str:
    """Where the paper appeared, as its entry type names it (`journal` for an article,
    `institution` for a report, ...); arXiv for a preprint that names nothing else."""
    for name in (*_VENUE_BY_TYPE.get(entry_type, ()), *VENUE_FIELDS):
        value = latex.decode(f[name]) if name in f else ""
        if value and not re.match(r"(?i)^(arxiv\b|https?://)", value):
            if arxiv and value.casefold() == "corr":  # DBLP's name for arXiv
                continue
            return value
    return "arXiv" if arxiv else ""


# Link fields by kind, first found first. `html` is al-folio's button for the paper's page.
_LINK_FIELDS = {
    "url": ("url",),
    "pdf": ("pdf",),
    "code": ("code", "github", "repository"),
    "project": ("homepage", "project", "website"),
    "html": ("html",),
    "poster": ("poster",),
    "slides": ("slides",),
    "supp": ("supp",),
}
_LINK_NAMES = frozenset(name for names in _LINK_FIELDS.values() for name in names)


_PDF_PATH = re.compile(r"\.pdf$", re.IGNORECASE)


def links(f: Mapping[str, str], arxiv: str, doi: str, problem: Report) -> Links:
    """The paper's links; a field that is not an http(s) address is reported."""
    urls: dict[str, str] = {}
    present = f.keys() & _LINK_NAMES  # most entries have one or two of the thirteen
    for kind, names in _LINK_FIELDS.items() if present else ():
        for name in names:
            if name in present and (url := link_address(f, name, problem)) and kind not in urls:
                urls[kind] = url
    main = urls.get("url", "") or _url_in_howpublished(f.get("howpublished", ""))
    main_is_code = bool(CODE_HOSTS.match(main))
    main_is_known = bool(ARXIV_IN_URL.search(main) or "doi.org/" in main.lower())
    # A `url` that is a PDF file is the paper's PDF, not a project page.
    main_is_pdf = bool(_PDF_PATH.search(urlsplit(main).path)) and not main_is_code
    if main_is_pdf:
        urls.setdefault("pdf", main)
        main_is_known = True
    return Links(
        arxiv=f"https://arxiv.org/abs/{arxiv}" if arxiv else "",
        pdf=urls.get("pdf") or (f"https://arxiv.org/pdf/{arxiv}" if arxiv else ""),
        code=urls.get("code") or (main if main_is_code else ""),
        doi=f"https://doi.org/{doi}" if doi else "",
        project=urls.get("project")
        or (main if main and not (main_is_code or main_is_known) else ""),
        html=urls.get("html", ""),
        poster=urls.get("poster", ""),
        slides=urls.get("slides", ""),
        supp=urls.get("supp", ""),
    )


def local_file(value: str) -> bool:
    """Whether a link field's value names a file (`paper.pdf`, `2024/poster.png`) rather
    than giving an address: no scheme, no spaces at its ends."""
    return bool(value) and not _SCHEME.match(value) and "//" not in value


def link_address(f: Mapping[str, str], name: str, problem: Report) -> str:
    """The field's http(s) address, or "". A file name in a field that may name one is left
    to `paperfiles` (it is looked up in the `files` folders); anything else is reported."""
    value = latex.strip_braces(f[name]) if name in f else ""
    if not value or SAFE_URL.match(value):
        return value
    if name not in FILE_FIELDS or not local_file(value):
        problem(
            name,
            f"'{name}' is not an http(s) URL: '{value[:80]}'",
            "give a full https:// address",
            "bad-url",
        )
    return ""


_URL_IN_TEXT = re.compile(
    r"\\(?:url|href)\s*\{\s*(https?://[^\s{}]+?)\s*\}|^\s*(https?://\S+?)\s*$", re.IGNORECASE
)


def _url_in_howpublished(text: str) -> str:
    """`howpublished = {\\url{https://...}}`, the usual way to cite a web page in @misc."""
    m = _URL_IN_TEXT.search(text) if "http" in text else None
    url = re.sub(r"\\([_%&#~$])", r"\1", (m.group(1) or m.group(2))) if m else ""
    return url if SAFE_URL.match(url) else ""
