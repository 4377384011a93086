"""A Python-Markdown extension that finishes the paper pages `papershelf generate` wrote, for
site generators that run no MkDocs plugins (Zensical).

Under MkDocs the plugin treats a paper page's HTML after Markdown (`paperhtml.finish`):
papershelf's parts go in, the note's HTML is sanitized, its ids renamed, its math made
inert. Zensical has no such hook, and published a note's `<script>` as it was. So a
generated page is written as one self-contained Markdown file (`standalone`) that carries
what `finish` needs, and this extension, listed under `markdown_extensions`, calls `finish`
itself: the same code and policy as the plugin, not a second one.

A standalone page starts with one line that papershelf wrote above everything the note
wrote, `<!-- papershelf-page TOKEN POLICY SLUG... -->`: the page's token (a digest of the
note, which no note can contain), `sanitize` or `allow`, and the paper pages the note links
to. Each pre-rendered part follows its marker, closed by `<!-- papershelf:end:TOKEN -->`.
The preprocessor takes the parts out again, so Markdown never parses papershelf's HTML, and
the postprocessor hands Markdown's HTML to `finish`. Any other page is left alone, so the
extension may stay listed for an MkDocs build with the plugin.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from typing import Any

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

from .pages import PaperPage, front_matter_json, unlink_missing
from .paperhtml import finish

log = logging.getLogger("mkdocs.plugins.papershelf")

_FIRST_LINE = re.compile(
    r"<!-- papershelf-page ([0-9a-f]+) (sanitize|allow)((?: [a-z0-9-]+)*) -->[ \t]*"
)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*\n", re.DOTALL)


# The front matter key of a generated page's citation tags (Highwire meta tags, JSON-LD): only
# a theme override can put them in <head> (`plugins/papershelf/zensical/main.html`).
HEAD_META = "papershelf_head"


def standalone(
    page: PaperPage, sanitize: bool, linked: frozenset[str] = frozenset(), head: str = ""
) -> str:
    """`page` as one Markdown file for the extension: its parts in place, each closed by an
    end marker, and the first line after the front matter saying how to finish it. `linked`:
    the slugs of the paper pages the note links to; `head`: the page's citation tags, which
    a theme override prints in <head> from the front matter (`HEAD_META`)."""
    front, _, body = page.markdown.partition("\n---\n")
    if head:
        meta = json.loads(front.removeprefix("---\n"))
        front = "---\n" + front_matter_json({**meta, HEAD_META: head})
    for marker, block in page.blocks.items():
        body = body.replace(marker, f"{marker}\n{block}\n{_end(page.token)}", 1)
    policy = "sanitize" if sanitize else "allow"
    slugs = "".join(f" {slug}" for slug in sorted(linked))
    first = f"<!-- papershelf-page {page.token} {policy}{slugs} -->"
    return f"{front}\n---\n\n{first}\n{body}"


def _end(token: str) -> str:
    return f"<!-- papershelf:end:{token} -->"


class _Page:
    """What the preprocessor read for the postprocessor: one page per conversion."""

    def __init__(self) -> None:
        self.page: PaperPage | None = None
        self.sanitize = True
        self.linked: frozenset[str] = frozenset()


def read_standalone(text: str) -> tuple[PaperPage, bool, frozenset[str]] | None:
    """(page, sanitize, linked slugs) from a page `standalone` wrote, or None for any other
    text. The front matter may be there or already taken off (MkDocs and Zensical do)."""
    front = _FRONT_MATTER.match(text)
    start = front.end() if front else 0
    rest = text[start:].lstrip("\n")
    first_line, _, body = rest.partition("\n")
    first = _FIRST_LINE.fullmatch(first_line)
    if first is None:
        return None
    token, policy, slugs = first.groups()
    blocks: dict[str, str] = {}
    inline = re.compile(
        rf"^(<!-- papershelf:[a-z-]+:{token} -->)\n(.*?)\n{re.escape(_end(token))}$",
        re.MULTILINE | re.DOTALL,
    )

    def take(match: re.Match[str]) -> str:
        blocks[match.group(1)] = match.group(2)
        return match.group(1)

    markdown = text[:start] + inline.sub(take, body)
    return PaperPage(markdown, blocks, token), policy == "sanitize", frozenset(slugs.split())


class _Read(Preprocessor):
    def __init__(self, md: Markdown, state: _Page) -> None:
        super().__init__(md)
        self.state = state

    def run(self, lines: list[str]) -> list[str]:
        self.state.page = None
        found = read_standalone("\n".join(lines))
        if found is None:
            return lines
        self.state.page, self.state.sanitize, self.state.linked = found
        return found[0].markdown.split("\n")


class _Finish(Postprocessor):
    def __init__(self, md: Markdown, state: _Page) -> None:
        super().__init__(md)
        self.state = state

    def run(self, text: str) -> str:
        # Extensions run the postprocessors over bits of the page too (toc, on each
        # heading's text): only the page itself holds its markers.
        page = self.state.page
        if page is None or f":{page.token} -->" not in text:
            return text
        self.state.page = None
        done = finish(page, unlink_missing(text), self.state.sanitize, _leads_to(self.state))
        if done.missing:
            log.warning(
                "a paper page lost the HTML comments %s to a Markdown extension; those parts "
                "are missing",
                ", ".join(done.missing),
            )
        _rename_toc(self.md, done.anchor)
        return done.html


def _leads_to(state: _Page) -> Callable[[str], bool]:
    """Whether a link on the page goes to one of the paper pages the note links to, as the
    generator writes it: `x.md` (Markdown's), `../x/` (directory URLs) or `x.html`."""
    linked = state.linked

    def leads(path: str) -> bool:
        if "://" in path or path.startswith(("/", "//")):
            return False
        if path.startswith("../"):
            name = path[3:].removesuffix("index.html").removesuffix("/")
            return "/" not in name and name in linked and path != "../"
        name = path.removesuffix(".md").removesuffix(".html")
        return name in linked and name != path

    return leads


def _rename_toc(md: Markdown, anchor: Callable[[str], str]) -> None:
    """The table of contents the generator shows follows the ids `finish` gave headings."""
    stack = list(getattr(md, "toc_tokens", []))
    renamed: dict[str, str] = {}
    while stack:
        item = stack.pop()
        new = anchor(item["id"])
        renamed[item["id"]], item["id"] = new, new
        stack.extend(item.get("children", []))
    toc = getattr(md, "toc", None)
    if isinstance(toc, str) and renamed:
        md.toc = re.sub(
            r'href="#([^"]*)"', lambda m: f'href="#{renamed.get(m.group(1), m.group(1))}"', toc
        )


class PapershelfExtension(Extension):
    """`markdown_extensions: [papershelf.markdown_ext]`: finishes generated paper pages."""

    def extendMarkdown(self, md: Markdown) -> None:
        state = _Page()
        # First, before anything reads the page (macros run at 35, fences at 25-31); last,
        # once the raw HTML is back in the text (30) and entities are restored (20).
        md.preprocessors.register(_Read(md, state), "papershelf-read", 40)
        md.postprocessors.register(_Finish(md, state), "papershelf-finish", 0)


def makeExtension(**kwargs: Any) -> PapershelfExtension:
    return PapershelfExtension(**kwargs)
