"""`Entry` -> the Markdown source of its paper page. Pure functions over the model.

Everything that came from a .bib file is rendered to escaped HTML by our own autoescaping
Jinja environment; only the note body, which its author wrote as Markdown, stays Markdown.
"""

from __future__ import annotations

import hashlib
import html
import json
import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from markupsafe import Markup

from .brackets import defuse_brackets
from .i18n import ENGLISH, Strings
from .markdown import fence_mask
from .mathguard import neutralise_tex
from .model import ET_AL, Entry, Library, Note, Paper, Problem, resolved
from .reading import link_pieces, nest_headings, text_language
from .review import Passage, locate_uncertain, mark_uncertain, uncertain_html
from .safety import attribute_text, plain_title
from .sections import back_html, pager_html, relations_html, similar_html
from .sections import math_pieces as _math_pieces
from .templating import render

if TYPE_CHECKING:
    from .around import Around

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!-])")


@dataclass(frozen=True)
class PageOptions:
    index_url: str = "./"  # the index page, relative to a paper page
    math: bool = False  # wrap $...$ for MathJax/KaTeX (pymdownx.arithmatex is configured)
    strings: Strings = ENGLISH  # the interface's words
    review: bool = True  # mark the text repair's uncertain passages (`review` option)
    site_root: str = ""  # the site's root, relative to a paper page (`../../`)
    snippets: bool = False  # pymdownx.snippets is on and notes are sanitized: escape its lines


def author_list(entry: Entry, limit: int | None = None) -> str:
    names = [a.display for a in entry.paper.authors]
    if limit is not None and len(names) > limit:
        return ", ".join(names[: limit - 1]) + ", …, " + names[-1]
    return ", ".join(names)


# Characters YAML will not read raw (C1 controls, DEL, line separators, BOM, surrogates): if
# MkDocs fails to read the front matter it drops it silently, and the page would lose its
# papershelf meta. Escaped, they are read back exactly; other text stays readable UTF-8.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]")


def front_matter_json(meta: Mapping[str, Any]) -> str:
    """`meta` as one line of JSON that YAML reads back exactly."""
    text = json.dumps(meta, ensure_ascii=False)
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# papershelf's own sections keep these anchors whatever the note holds (the index links to
# #notes); a note's headings get prefixed ones.
SECTIONS = {
    "abstract": "section.abstract",
    "notes": "section.notes",
    "related-papers": "section.related",
    "similar-papers": "section.similar",
    "cite": "section.cite",
    "bibtex": "section.bibtex",
}  # anchor -> the id of its heading's text in the interface's strings


@dataclass(frozen=True)
class Citing:
    """How a page offers its paper for citing: formatted references (style as the
    `references` option names it, its label, safe HTML) and the one-entry downloads
    (kind `bib`, `ris` or `csl`, link relative to the page, file name)."""

    references: tuple[tuple[str, str, str], ...] = ()
    downloads: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class PaperPage:
    """A paper page's Markdown source, with its pre-rendered HTML parts (header, abstract,
    BibTeX, ...) standing in as `<!-- papershelf:NAME:TOKEN -->` comments, and papershelf's
    own headings between `heading=ANCHOR` and `/heading` markers.

    Markdown passes a comment through untouched, so the site generator can put each part in
    after converting (`fill`, or `paperhtml.finish`) and Markdown never has to parse the HTML;
    `inline()` is the same page as one self-contained source. `token` is a digest of the
    note, so a note cannot write a marker of its own (it would have to contain its own hash).
    """

    markdown: str
    blocks: Mapping[str, str]
    token: str = ""

    def fill(self, html_text: str) -> str:
        for marker, block in self.blocks.items():
            html_text = html_text.replace(marker, block, 1)
        return html_text

    def inline(self) -> str:
        pieces = self.split(self.fill(self.markdown))
        return "".join(p if i % 2 == 0 else _own(p, self.token) for i, p in enumerate(pieces))

    def split(self, text: str) -> list[str]:
        """`text` cut at this page's markers: text, marker name, text, ..., text. A marker
        with another token is text like any other."""
        pieces, start = [], 0
        for marker in MARKER.finditer(text):
            if marker.group(2) == self.token:
                pieces += [text[start : marker.start()], marker.group(1)]
                start = marker.end()
        pieces.append(text[start:])
        return pieces


MARKER = re.compile(r"<!-- papershelf:([a-z/=-]+):([0-9a-f]*) -->")


def _own(name: str, token: str) -> str:
    """A marker as `inline()` leaves it: heading markers have no part to stand for."""
    return "" if "heading" in name else f"<!-- papershelf:{name}:{token} -->"


# A relative link target in Markdown: inline `](target` or a reference `[name]: target`.
_LINK_TARGET = re.compile(r"(\]\(\s*<?|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?)([^\s()<>#]+)", re.MULTILINE)
# Images beside the notes are published beside the pages (SVG only when notes are trusted).
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg")
_NOT_RELATIVE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|/|\.\./)", re.IGNORECASE)


# A note's link to a file the site does not have is reported (naming the note's line) and
# shown as its text only: the Markdown gets this scheme, which MkDocs does not check, and the
# page's HTML loses the link (`unlink_missing`), so neither a dead link nor a second warning
# naming the generated page remains.
MISSING_LINK = "papershelf-missing:"
_CODE_SPAN = re.compile(r"`+[^`]*`+")


@dataclass(frozen=True)
class NoteLinks:
    """Where a note's relative links point once the note is the page `<path>/<slug>.md`.

    Notes link to each other by file name (`2503.09516.md`) or citation key, and to files
    beside them (`figures/plot.png`); the pages live elsewhere and are named by slug. A link to
    a file is checked against `published` (the site's files, relative to the docs folder)
    when it is given; code is left alone.
    """

    notes: str  # the notes folder, relative to the site root
    targets: Mapping[str, str]  # lowercase note file stem, key, slug or arXiv id -> slug
    path: str = "papers"  # where the pages are, in the site
    published: frozenset[str] | None = None  # None: links to files are not checked

    @classmethod
    def of(
        cls,
        library: Library,
        notes: str,
        path: str = "papers",
        published: frozenset[str] | None = None,
    ) -> NoteLinks:
        targets: dict[str, str] = {}
        for entry in library.entries:
            targets.setdefault(entry.paper.key.lower(), entry.paper.slug)
            targets.setdefault(entry.paper.slug, entry.paper.slug)
        for entry in library.entries:
            if entry.paper.arxiv:
                targets.setdefault(entry.paper.arxiv.lower(), entry.paper.slug)
            if entry.note:
                targets.setdefault(Path(entry.note.path).stem.lower(), entry.paper.slug)
                # A link to a paper by a key it had before (`aliases:`) still finds it.
                for alias in entry.note.aliases:
                    targets.setdefault(alias.name.lower(), entry.paper.slug)
        return cls(notes.strip("/"), targets, path, published)

    def subfolder(self, note: Note) -> str:
        """The note's folder inside the notes folder, '' or ending in '/'."""
        parent = Path(note.path).parent.as_posix()
        inside = parent[len(self.notes) :].strip("/") if parent.startswith(self.notes) else ""
        return f"{inside}/" if inside else ""

    def rewrite(self, note: Note) -> str:
        """The note's body with its links pointed at the pages and files of the site."""
        return self._linked(note)[0]

    def missing(self, note: Note) -> list[Problem]:
        """A problem for each link of the note to a file the site does not have."""
        return [
            Problem(
                note.path,
                note.body_line + row,
                None,
                f"link to '{link}', which is not in the site",
                "point it at a note (file name, citation key or arXiv id), an image beside the "
                f"notes, or a page of the docs folder, relative to '{self.path}/<slug>/'; other "
                "files beside notes are not published",
                "missing-link",
            )
            for row, link in self._linked(note)[1]
        ]

    def _linked(self, note: Note) -> tuple[str, list[tuple[int, str]]]:
        body = note.body
        if "](" not in body and "]:" not in body:
            return body, []
        folder, missing = self.subfolder(note), []
        lines = body.split("\n")
        for row, (line, fenced) in enumerate(zip(lines, fence_mask(lines), strict=True)):
            if fenced or ("](" not in line and "]:" not in line):
                continue
            code = [m.span() for m in _CODE_SPAN.finditer(line)] if "`" in line else []

            def target(match: re.Match[str], row: int = row, code: list = code) -> str:
                lead, link = match.groups()
                if any(a <= match.start() < b for a, b in code):
                    return match.group()
                pointed = self._point(link, folder)
                if pointed is None:
                    missing.append((row, link))
                    return f"{lead}{MISSING_LINK}{link}"
                return f"{lead}{pointed}"

            lines[row] = _LINK_TARGET.sub(target, line)
        return "\n".join(lines), missing

    def _point(self, link: str, folder: str) -> str | None:
        """Where `link` points from the note's page; None when the site has no such file."""
        if _NOT_RELATIVE.match(link) and not link.startswith("../"):
            return link  # another site, or an absolute path: not ours to check
        name = link.rsplit("/", 1)[-1]
        if not link.startswith("../") and name.lower().endswith(".md"):
            slug = self.targets.get(name[:-3].lower())
            if slug:
                return f"{slug}.md"
        elif not link.startswith("../") and name.lower().endswith(IMAGE_SUFFIXES):
            link = f"{folder}{link}"  # beside the note, copied to <path>/<folder>
        if self.published is None or "." not in name:
            return link  # a folder, or checks are off
        uri = posixpath.normpath(posixpath.join(self.path, unquote(link.split("?", 1)[0])))
        return link if uri in self.published else None


_MISSING_IMAGE = re.compile(r'<img\b[^>]*?\ssrc="' + MISSING_LINK + r'[^"]*"[^>]*>')
_MISSING_ANCHOR = re.compile(
    r'<a\b[^>]*?\shref="' + MISSING_LINK + r'[^"]*"[^>]*>(.*?)</a>', re.DOTALL
)


# pymdownx.snippets puts a file's content in place of a line `--8<-- "file"` (and of the
# names between two lone `--8<--` lines) anywhere in a page's Markdown, code blocks included,
# from anywhere under the site's folder: a note could publish `.env` or `.git/config`. Its own
# escape, a `;` before the marker, makes it print the line as written. (A line that has one
# already is inert as it is.)
_SNIPPET_LINE = re.compile(r"^([ \t]*+)(?=-++8<-)", re.MULTILINE)


def inert_snippets(body: str) -> str:
    """A note's Markdown with every pymdownx.snippets line escaped, so it is shown as text."""
    return _SNIPPET_LINE.sub(r"\1;", body) if "8<-" in body else body


def unlink_missing(html_text: str) -> str:
    """A page's HTML without the links `NoteLinks` found pointing at nothing (text kept)."""
    if MISSING_LINK not in html_text:
        return html_text
    html_text = _MISSING_IMAGE.sub("", html_text)
    return _MISSING_ANCHOR.sub(r"\1", html_text)


def paper_page(
    entry: Entry,
    by_key: Mapping[str, Entry],
    options: PageOptions = PageOptions(),
    links: NoteLinks | None = None,
    around: Around | None = None,
    citing: Citing = Citing(),
) -> PaperPage:
    """The whole page: front matter, header, abstract, note, related papers, references,
    BibTeX, and with `around` the links to the rest of the library."""
    paper, note = entry.paper, entry.note
    # Whatever raw_html says, .bib data is data: its TeX must not make links once typeset.
    title, abstract = neutralise_tex(paper.title), neutralise_tex(paper.abstract)
    if (title, abstract) != (paper.title, paper.abstract):
        paper = replace(paper, title=title, abstract=abstract)
        entry = replace(entry, paper=paper)
    body, passages = "", []
    if note and entry.has_note:
        passages = locate_uncertain(note) if options.review else []
        body = mark_uncertain(note, passages, options.strings)
        body = links.rewrite(replace(note, body=body)).strip() if links else body.strip()
        body = nest_headings(body)
        body = inert_snippets(body) if options.snippets else body
        body = defuse_brackets(body)  # linear time in Python-Markdown (brackets.py)
    token = hashlib.blake2b(body.encode("utf-8"), digest_size=16).hexdigest()
    # Themes print these without escaping (Material's <title>, tags and description).
    meta = {
        "title": plain_title(paper.title),
        "tags": [html.escape(t) for t in entry.tags],
        "render_macros": False,
        "papershelf": paper.key,
        # Material: the site's navigation gives the width to the abstract and note side by
        # side; the page links back to the list and to its neighbours itself.
        "hide": ["navigation"],
    }
    if paper.abstract:
        meta["description"] = attribute_text(paper.abstract[:300])
    blocks: dict[str, str] = {}

    def block(name: str, content: str) -> list[str]:
        marker = f"<!-- papershelf:{name}:{token} -->"
        blocks[marker] = content
        return [marker, ""]

    def heading(anchor: str) -> list[str]:
        start, end = (
            f"<!-- papershelf:heading={anchor}:{token} -->",
            f"<!-- papershelf:/heading:{token} -->",
        )
        return [start, "", f"## {options.strings(SECTIONS[anchor])}", "", end, ""]

    parts = ["---", front_matter_json(meta), "---", ""]
    if around and around.back:
        parts += block("back", back_html(around, options.strings))
    parts += block("header", _header(entry, options, citing.downloads))
    parts += _reading(entry, body, passages, options, block, heading)
    parts += _library(entry, by_key, around, options, block, heading)
    if citing.references:
        parts += heading("cite") + block("references", references_html(citing))
    parts += heading("bibtex") + block("bibtex", render("bibtex.html", bibtex=paper.bibtex))
    if around and around.back:
        parts += block("pager", pager_html(around, options.strings, options.math))
    return PaperPage("\n".join(parts), blocks, token)


def paper_markdown(
    entry: Entry, by_key: Mapping[str, Entry], options: PageOptions = PageOptions()
) -> str:
    """`paper_page` as one self-contained Markdown source."""
    return paper_page(entry, by_key, options).inline()


def references_html(citing: Citing) -> str:
    """The formatted references, each with its label; the HTML was made safe where it was
    formatted (`references.format_reference`), so it goes in as it is."""
    items = [(style, label, Markup(text)) for style, label, text in citing.references]
    return render("references.html", references=items).strip()


def _header(
    entry: Entry, options: PageOptions, downloads: tuple[tuple[str, str, str], ...] = ()
) -> str:
    paper, note = entry.paper, entry.note
    t = options.strings
    facts = [
        (t("fact.published"), t.date(paper.year, paper.month, paper.month_end)),
        (t("fact.venue"), paper.venue),
        (t("fact.arxiv"), paper.arxiv + paper.arxiv_version),
    ]
    if note and note.status:
        facts.append((t("fact.status"), t(f"status.{note.status}")))
    if note and note.rating:
        facts.append((t("fact.rating"), "★" * note.rating + "☆" * (5 - note.rating)))
    view = {
        "key": paper.key,
        "title": _math_pieces(paper.title, options.math),
        "authors": author_list(entry),
        # Each name (not "et al.") links to the index filtered by it, as the venue does.
        "author_links": [(a.display, a != ET_AL) for a in paper.authors],
        "facts": [(label, value) for label, value in facts if value],
        "fact_filters": {t("fact.venue"): "venue"},
        "tags": entry.tags,
        "links": link_labels(paper, t, options.site_root),
        "downloads": [(kind, t(f"download.{kind}"), href, name) for kind, href, name in downloads],
        "abbr": paper.abbr,
        "preview": resolved(paper.preview, options.site_root),
        "preview_alt": t("preview", title=paper.title) if paper.preview else "",
        "summary": note.summary if note else "",
        "index_url": options.index_url,
        "labels": {
            "tags": t("tags"),
            "summary": t("summary"),
            # for the BibTeX block's Copy button, which papershelf.js adds
            "copy_idle": t("copy"),
            "copied": t("copy.done"),
            "copy_failed": t("copy.failed"),
        },
    }
    return render("paper.html", p=view).strip()


def link_labels(paper: Paper, strings: Strings, root: str = "") -> list[tuple[str, str]]:
    """The paper's links as (label, url), labelled in the interface's language; `root` leads
    from the page that shows them to the site's root (for files published with the site)."""
    return [(strings(f"link.{kind}"), url) for kind, url in paper.links.items(root)]


def _abstract(text: str, math: bool) -> str:
    """The abstract's paragraphs, its math typeset (with arithmatex) and its bare web
    addresses made links, in the language it is written in."""
    paragraphs = [
        [
            linked
            for kind, piece in _math_pieces(paragraph, math)
            for linked in ([(kind, piece)] if kind == "math" else link_pieces(piece))
        ]
        for paragraph in text.split("\n\n")
    ]
    return render("abstract.html", paragraphs=paragraphs, lang=text_language(text)).strip()


Block = Callable[[str, str], list[str]]  # (name, HTML) -> the marker's lines
Heading = Callable[[str], list[str]]  # anchor -> papershelf's heading's lines


def _reading(
    entry: Entry,
    body: str,
    passages: list[Passage],
    options: PageOptions,
    block: Block,
    heading: Heading,
) -> list[str]:
    """The abstract and the note (with the review of its repaired passages), side by side on
    wide screens, each in a column of its own."""
    paper, note = entry.paper, entry.note
    columns = bool(paper.abstract and body)
    parts = block("reading", '<div class="papershelf-reading">') if columns else []
    if paper.abstract:
        parts += _column("abstract", block) if columns else []
        parts += heading("abstract") + block("abstract", _abstract(paper.abstract, options.math))
        parts += block("abstract-column-end", "</div>") if columns else []
    if note and body:
        parts += _column("notes", block) if columns else []
        parts += heading("notes") + _note_body(body, block)
        review = uncertain_html(note, passages, options.strings) if options.review else ""
        if review:
            parts += block("uncertain", review)
        parts += block("notes-column-end", "</div>") if columns else []
    return parts + (block("reading-end", "</div>") if columns else [])


def _library(
    entry: Entry,
    by_key: Mapping[str, Entry],
    around: Around | None,
    options: PageOptions,
    block: Block,
    heading: Heading,
) -> list[str]:
    """The other papers the page links to: relations both ways and similar papers; without
    a view of the library (`around`), the note's `related:` list, as Markdown."""
    if around is None:
        related = _related(entry, by_key)
        return heading("related-papers") + [related, ""] if related else []
    parts = []
    if around.groups:
        parts += heading("related-papers") + block(
            "relations", relations_html(around, options.math)
        )
    if around.similar:
        parts += heading("similar-papers") + block("similar", similar_html(around, options.math))
    return parts


def _column(name: str, block: Block) -> list[str]:
    return block(f"{name}-column", f'<div class="papershelf-{name}-column">')


def _note_body(body: str, block: Block) -> list[str]:
    """The note between papershelf's own opening and closing tags, which say its language
    when it is clear (`lang="zh-Hans"`)."""
    language = text_language(body)
    attribute = f' lang="{language}"' if language else ""
    opening = block("note", f'<div class="papershelf-note"{attribute}>')
    return [*opening, body, "", *block("note-end", "</div>")]


def _related(entry: Entry, by_key: Mapping[str, Entry]) -> str:
    if entry.note is None or not entry.note.related:
        return ""
    lines = []
    for key in entry.note.related:
        other = by_key.get(key)
        if other is not None:
            title = md_escape(neutralise_tex(other.paper.title))
            lines.append(f"- [{title}]({other.paper.slug}.md)")
    return "\n".join(lines)


def md_escape(text: str) -> str:
    """Text that Markdown shows literally (for link labels built from .bib data)."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def library_summary(library: Library) -> dict[str, Any]:
    """What hand-written pages can show through mkdocs-macros (`{{ papershelf.count }}`)."""
    entries = library.entries
    return {
        "count": len(entries),
        "notes": sum(1 for e in entries if e.has_note),
        "problems": len(library.problems),
        "years": sorted({e.paper.year for e in entries if e.paper.year}, reverse=True),
        "latest": [e.paper.key for e in entries[:10]],
    }
