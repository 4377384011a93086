"""A paper page's HTML after Markdown: papershelf's parts put in, the note's part kept apart.

Which HTML came from the note: `pages.paper_page` writes a page's Markdown as papershelf's
own headings (each between a `heading=ANCHOR` and a `/heading` marker), its pre-rendered
blocks (one marker each) and the note. Every marker carries the page's token, a digest of
the note, so no note can write one. Markdown passes the markers through, so its HTML cuts at
them into papershelf's pieces and the note's: everything that is not one of papershelf's
headings or blocks came from the note, including what an extension adds at the end of the
page on the note's behalf (footnotes).

`finish` then, with `raw_html: sanitize`:
- sanitizes each piece of the note on its own, so none can leave a tag open around the
  parts papershelf puts between them;
- renames the note's ids, and the links and labels pointing at them (`safety.NoteIds`);
- gives papershelf's headings their fixed anchors (`#abstract`, `#notes`, `#bibtex`) even
  when a note heading of the same name made Markdown number them (`bibtex_1`);
- makes the math of the whole page inert (`mathguard.neutralise_math_html`).
With `raw_html: allow` the note's HTML stays as it is; papershelf's anchors are still fixed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from .mathguard import neutralise_math_html
from .pages import SECTIONS, PaperPage
from .safety import NOTE_ID_PREFIX, NoteIds, sanitize_html

_HEADING_ID = re.compile(r'<h[1-6]\b[^>]*?\sid="([^"]*)"')
# papershelf's heading as Markdown writes it: its words and maybe a permalink (toc's
# `permalink`, leading or not, or `anchorlink`), nothing else.
_OWN_HEADING = re.compile(r'\s*<h2 id="[^"]*">[^<]*(?:<a [^<>]*>[^<]*</a>)?[^<]*</h2>\s*')


@dataclass(frozen=True)
class PaperHtml:
    html: str
    anchors: Mapping[str, str]  # a heading's id as Markdown made it -> its id on the page
    prefix: str  # what every other id of the note got
    missing: tuple[str, ...]  # markers Markdown lost: those parts are not on the page

    def anchor(self, markdown_id: str) -> str:
        """The id on the page of the heading Markdown gave `markdown_id` (for the table of
        contents the theme renders)."""
        return self.anchors.get(markdown_id, self.prefix + markdown_id)


def finish(
    page: PaperPage,
    html: str,
    sanitize: bool = True,
    paper_page: Callable[[str], bool] | None = None,
) -> PaperHtml:
    """The paper page's HTML from Markdown's `html` of `page.markdown`. `paper_page(path)`
    tells whether a relative link leads to another paper page (whose note ids it then
    points at)."""
    parts, seen = _parts(page, html)
    anchors: dict[str, str] = {}
    for index, (kind, text) in enumerate(parts):
        if kind == "block":
            continue
        if sanitize and text.strip():
            text = sanitize_html(text)
        if kind != "note" and _OWN_HEADING.fullmatch(text):
            parts[index] = ("heading", _fix_heading(text, kind, anchors))
            continue
        # Anything else is the note's, even what sat between heading markers but does not
        # look like papershelf's heading (a note left something open around it).
        if sanitize:
            anchors.update((a, NOTE_ID_PREFIX + a) for a in _HEADING_ID.findall(text))
        parts[index] = ("note", text)
    if sanitize:
        ids = NoteIds(anchors, frozenset(SECTIONS), paper_page=paper_page)
        parts = [(k, ids.rewrite(t) if k == "note" else t) for k, t in parts]
    out = "".join(text for _, text in parts)
    if sanitize:
        out = neutralise_math_html(out)
    missing = tuple(m for m in page.blocks if m not in seen)
    return PaperHtml(out, anchors, NOTE_ID_PREFIX if sanitize else "", missing)


def _parts(page: PaperPage, html: str) -> tuple[list[tuple[str, str]], set[str]]:
    """`html` cut at the page's markers: (kind, text) with kind `note`, a section's anchor
    (text between its heading markers) or `block` (the block's HTML); and the markers seen."""
    parts: list[tuple[str, str]] = []
    kind, seen = "note", set()
    for i, text in enumerate(page.split(html)):
        if i % 2 == 0:  # Markdown's text, without the blank line a marker leaves
            parts.append((kind, text[1:] if i and text.startswith("\n\n") else text))
            continue
        marker = f"<!-- papershelf:{text}:{page.token} -->"
        seen.add(marker)
        if text.startswith("heading="):
            kind = text[len("heading=") :]
        elif text == "/heading":
            kind = "note"
        elif marker in page.blocks:
            parts.append(("block", page.blocks[marker]))
    return parts, seen


def _fix_heading(text: str, anchor: str, anchors: dict[str, str]) -> str:
    """papershelf's heading with the anchor `anchor`, and its permalink pointing there."""
    found = _HEADING_ID.search(text)
    if found is None:
        return text
    old = found.group(1)
    anchors[old] = anchor
    text = text.replace(f'id="{old}"', f'id="{anchor}"')
    return text.replace(f'href="#{old}"', f'href="#{anchor}"')


def paper_links(page_url: str, urls: AbstractSet[str]) -> Callable[[str], bool]:
    """Whether a relative link on the page at `page_url` leads to one of the pages at `urls`
    (both site-relative, as MkDocs gives `File.url`: `papers/x/` or `papers/x.html`)."""
    base = "/" + page_url.lstrip("/")

    def leads_to_paper(path: str) -> bool:
        parts = urlsplit(path)
        if parts.scheme or parts.netloc:
            return False
        return urljoin(base, parts.path).lstrip("/") in urls

    return leads_to_paper
