"""`Entry` -> the Markdown source of its paper page. Pure functions over the model.

Everything that came from a .bib file is rendered to escaped HTML by our own autoescaping
Jinja environment; only the note body, which its author wrote as Markdown, stays Markdown.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .model import Entry, Library, Note
from .notes import STATUS_LABELS
from .review import locate_uncertain, mark_uncertain, uncertain_html
from .safety import attribute_text, plain_title
from .templating import render

_MATH = re.compile(r"(\$\$.+?\$\$|\$(?:\\.|[^$\\])+\$)", re.DOTALL)
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!-])")


@dataclass(frozen=True)
class PageOptions:
    index_url: str = "./"  # the index page, relative to a paper page
    math: bool = False  # wrap $...$ for MathJax/KaTeX (pymdownx.arithmatex is configured)


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


@dataclass(frozen=True)
class PaperPage:
    """A paper page's Markdown source, with its pre-rendered HTML parts (header, abstract,
    BibTeX, ...) standing in as `<!-- papershelf:NAME -->` comments.

    Markdown passes a comment through untouched, so the site generator can put each part in
    after converting (`fill`) and Markdown never has to parse the HTML; `inline()` is the
    same page as one self-contained source.
    """

    markdown: str
    blocks: Mapping[str, str]

    def fill(self, html_text: str) -> str:
        for marker, block in self.blocks.items():
            html_text = html_text.replace(marker, block, 1)
        return html_text

    def inline(self) -> str:
        return self.fill(self.markdown)


# A relative link target in Markdown: inline `](target` or a reference `[name]: target`.
_LINK_TARGET = re.compile(r"(\]\(\s*<?|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?)([^\s()<>#]+)", re.MULTILINE)
# Images beside the notes are published beside the pages (SVG only when notes are trusted).
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg")
_NOT_RELATIVE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|/|\.\./)", re.IGNORECASE)


@dataclass(frozen=True)
class NoteLinks:
    """Where a note's relative links point once the note is the page `<path>/<slug>.md`.

    Notes link to each other by file name (`2503.09516.md`) or citation key, and to files
    beside them (`figures/plot.png`); the pages live elsewhere and are named by slug.
    """

    notes: str  # the notes folder, relative to the site root
    targets: Mapping[str, str]  # lowercase note file stem, key, slug or arXiv id -> slug

    @classmethod
    def of(cls, library: Library, notes: str) -> NoteLinks:
        targets: dict[str, str] = {}
        for entry in library.entries:
            targets.setdefault(entry.paper.key.lower(), entry.paper.slug)
            targets.setdefault(entry.paper.slug, entry.paper.slug)
        for entry in library.entries:
            if entry.paper.arxiv:
                targets.setdefault(entry.paper.arxiv.lower(), entry.paper.slug)
            if entry.note:
                targets.setdefault(Path(entry.note.path).stem.lower(), entry.paper.slug)
        return cls(notes.strip("/"), targets)

    def subfolder(self, note: Note) -> str:
        """The note's folder inside the notes folder, '' or ending in '/'."""
        parent = Path(note.path).parent.as_posix()
        inside = parent[len(self.notes) :].strip("/") if parent.startswith(self.notes) else ""
        return f"{inside}/" if inside else ""

    def rewrite(self, note: Note) -> str:
        if "](" not in note.body and "]:" not in note.body:
            return note.body
        folder = self.subfolder(note)

        def target(match: re.Match[str]) -> str:
            lead, link = match.groups()
            if _NOT_RELATIVE.match(link):
                return match.group()
            if link.lower().endswith(".md"):
                slug = self.targets.get(link.rsplit("/", 1)[-1][:-3].lower())
                return f"{lead}{slug}.md" if slug else match.group()
            if link.lower().endswith(IMAGE_SUFFIXES):  # beside the note, copied to <path>/<folder>
                return f"{lead}{folder}{link}"
            return match.group()

        return _LINK_TARGET.sub(target, note.body)


def paper_page(
    entry: Entry,
    by_key: Mapping[str, Entry],
    options: PageOptions = PageOptions(),
    links: NoteLinks | None = None,
) -> PaperPage:
    """The whole page: front matter, header, abstract, note, related papers, BibTeX."""
    paper, note = entry.paper, entry.note
    # Themes print these without escaping (Material's <title>, tags and description).
    meta = {
        "title": plain_title(paper.title),
        "tags": [html.escape(t) for t in entry.tags],
        "render_macros": False,
        "papershelf": paper.key,
    }
    if paper.abstract:
        meta["description"] = attribute_text(paper.abstract[:300])
    blocks: dict[str, str] = {}

    def block(name: str, content: str) -> str:
        marker = f"<!-- papershelf:{name} -->"
        blocks[marker] = content
        return marker

    parts = [
        "---",
        front_matter_json(meta),
        "---",
        "",
        block("header", _header(entry, options)),
        "",
    ]
    if paper.abstract:
        parts += ["## Abstract", "", block("abstract", _abstract(paper.abstract, options.math)), ""]
    if note and note.body.strip():
        passages = locate_uncertain(note)
        body = mark_uncertain(note, passages)
        body = links.rewrite(replace(note, body=body)) if links else body
        parts += ["## Notes", "", body.strip(), ""]
        review = uncertain_html(note, passages)
        if review:
            parts += [block("uncertain", review), ""]
    related = _related(entry, by_key)
    if related:
        parts += ["## Related papers", "", related, ""]
    parts += ["## BibTeX", "", block("bibtex", render("bibtex.html", bibtex=paper.bibtex)), ""]
    return PaperPage("\n".join(parts), blocks)


def paper_markdown(
    entry: Entry, by_key: Mapping[str, Entry], options: PageOptions = PageOptions()
) -> str:
    """`paper_page` as one self-contained Markdown source."""
    return paper_page(entry, by_key, options).inline()


def _header(entry: Entry, options: PageOptions) -> str:
    paper, note = entry.paper, entry.note
    facts = [
        ("Published", paper.date_label),
        ("Venue", paper.venue),
        ("arXiv", paper.arxiv + paper.arxiv_version),
    ]
    if note and note.status:
        facts.append(("Status", STATUS_LABELS.get(note.status, note.status)))
    if note and note.rating:
        facts.append(("Rating", "★" * note.rating + "☆" * (5 - note.rating)))
    view = {
        "key": paper.key,
        "title": _math_pieces(paper.title, options.math),
        "authors": author_list(entry),
        "facts": [(label, value) for label, value in facts if value],
        "tags": entry.tags,
        "links": paper.links.items(),
        "summary": note.summary if note else "",
        "index_url": options.index_url,
    }
    return render("paper.html", p=view).strip()


def _abstract(text: str, math: bool) -> str:
    paragraphs = [_math_pieces(paragraph, math) for paragraph in text.split("\n\n")]
    return render("abstract.html", paragraphs=paragraphs).strip()


def _math_pieces(text: str, math: bool) -> list[tuple[str, str]]:
    """("text", ...) and ("math", ...) pieces; math only when arithmatex will typeset it."""
    pieces = _MATH.split(text)
    return [
        ("math", _as_arithmatex(piece)) if math and i % 2 else ("text", piece)
        for i, piece in enumerate(pieces)
        if piece
    ]


def _as_arithmatex(math: str) -> str:
    if math.startswith("$$"):
        return r"\[" + math[2:-2] + r"\]"
    return r"\(" + math[1:-1] + r"\)"


def _related(entry: Entry, by_key: Mapping[str, Entry]) -> str:
    if entry.note is None or not entry.note.related:
        return ""
    lines = []
    for key in entry.note.related:
        other = by_key.get(key)
        if other is not None:
            lines.append(f"- [{md_escape(other.paper.title)}]({other.paper.slug}.md)")
    return "\n".join(lines)


def md_escape(text: str) -> str:
    """Text that Markdown shows literally (for link labels built from .bib data)."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def cite_markdown(entry: Entry, from_uri: str, to_uri: str) -> str:
    """A Markdown link from the page `from_uri` to a paper page (both docs-relative)."""
    depth = from_uri.count("/")
    return f"[{md_escape(entry.paper.title)}]({'../' * depth}{to_uri})"


def library_summary(library: Library) -> dict[str, Any]:
    """What hand-written pages can show through mkdocs-macros (`{{ papershelf.count }}`)."""
    entries = library.entries
    return {
        "count": len(entries),
        "notes": sum(1 for e in entries if e.note and e.note.body.strip()),
        "problems": len(library.problems),
        "years": sorted({e.paper.year for e in entries if e.paper.year}, reverse=True),
        "latest": [e.paper.key for e in entries[:10]],
    }
