"""Keeping data from .bib files and notes from running as code in the site.

Policy for raw HTML in notes (`raw_html` option):
- `sanitize` (default): the note's part of a generated paper page is cleaned with an
  allowlist (ammonia, via nh3) that keeps everything Markdown and Material's extensions
  produce (admonitions, tabs, details, tables, footnotes, code highlighting, emoji SVG, math)
  and drops `<script>`, `<style>`, `<iframe>`, `<object>`, forms, comments, every `on*`
  attribute, `data-*` attributes but `DATA_ATTRIBUTES`, and links or images whose scheme is
  not http(s), mailto or relative (`javascript:`, `data:`). `NoteIds` then renames the
  note's ids so none can stand in for an element a theme or papershelf looks up by id.
- `allow`: notes are trusted like the site's own pages; nothing is removed.
Pages written by hand in `docs/` are never touched.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote

import nh3

RAW_HTML_POLICIES = ("sanitize", "allow")
# The data-* attributes kept in a note: those Markdown extensions write and a theme reads, in
# the form the extension writes them. Any other (data-md-*, data-papershelf-*, ...) is dropped,
# so a note cannot pose as an element a theme or papershelf.js wires by its data attributes.
DATA_ATTRIBUTES = {
    "data-tabs": re.compile(r"\d+:\d+"),  # pymdownx.tabbed; Material's tab scrolling and linking
    "data-linenos": re.compile(r" *\d* *"),  # pymdownx.highlight's inline line numbers (CSS)
}
NOTE_ID_PREFIX = "note-"

_TAGS = set(
    """a abbr b blockquote br caption cite code col colgroup dd del
    details dfn div dl dt em figcaption figure h1 h2 h3 h4
    h5 h6 header hr i img input ins kbd label li mark
    ol p pre q s samp section small span strong sub summary
    sup table tbody td tfoot th thead time tr u ul var
    svg path g circle rect line polyline polygon nav""".split()
)
_ATTRIBUTES = {
    "*": {
        "class",
        "id",
        "title",
        "lang",
        "dir",
        "role",
        "aria-label",
        "aria-hidden",
        "aria-labelledby",
        "aria-describedby",
        "aria-live",
    },
    "a": {"href", "name", "rel"},
    "img": {"src", "alt", "width", "height", "loading"},
    "input": {"type", "name", "checked", "disabled"},
    "label": {"for"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start", "type"},
    "time": {"datetime"},
    "details": {"open"},
    "div": {"data-tabs"},
    "span": {"data-linenos"},
    "svg": {"viewBox", "viewbox", "width", "height", "xmlns", "fill"},
    "path": {"d", "fill", "fill-rule", "clip-rule"},
    "circle": {"cx", "cy", "r"},
    "rect": {"x", "y", "width", "height", "rx"},
}


def sanitize_html(fragment: str) -> str:
    """Remove anything that could run script; keep what Markdown and Material produce."""
    return _cleaner().clean(fragment)


@lru_cache(maxsize=1)
def _cleaner() -> nh3.Cleaner:
    # One cleaner for the build: nh3.clean() converts its options on every call, which cost
    # 100 µs a call against 12 µs for a kept Cleaner (measured on a heading).
    return nh3.Cleaner(
        tags=_TAGS,
        clean_content_tags={
            "script",
            "style",
            "iframe",
            "object",
            "embed",
            "noscript",
            "template",
            "textarea",
            "select",
        },
        attributes=_ATTRIBUTES,
        tag_attribute_values={"a": {"target": {"_blank", "_self", "_parent", "_top"}}},
        url_schemes={"http", "https", "mailto"},
        strip_comments=True,  # MathJax reads math across comments: \hr<!-- -->ef is \href
        link_rel=None,
    )


def plain_title(title: str) -> str:
    """A title themes may print without escaping (MkDocs' own theme does in <title>)."""
    return title.replace("<", "‹").replace(">", "›")


def attribute_text(text: str) -> str:
    """Text for a theme that prints it inside an attribute unescaped (page description)."""
    return html.escape(" ".join(text.split()), quote=True)


# pymdownx.highlight's line anchors keep their names: Material selects lines by them.
_LINE_ANCHOR = re.compile(r"__(?:codelineno|span)-\d+-\d+")
# Tags as nh3 writes them: every attribute quoted with ", and no < or > inside a value.
_START_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)((?:\s[^>]*)?)>")
_ATTRIBUTE = re.compile(r'\s+([^\s="]+)(?:="([^"]*)")?')
_ID_LISTS = ("aria-labelledby", "aria-describedby")
# A tag with none of these (most: <p>, code's <span class="...">) is left as it is.
_TO_REWRITE = re.compile(r'\s(?:id|name|for|aria-\w+|target|data-[\w-]+)="|\shref="[^"]*#')


@dataclass(frozen=True)
class NoteIds:
    """How a note's sanitized HTML names its ids, and the links and labels pointing at them.

    Every id, `name` and `for` gets `prefix`, as GitHub gives `user-content-`: a note's
    `<div id="__config">` can then not stand in for Material's configuration, nor its
    `id="mkdocs-search-results"` for the mkdocs theme's search box. `#` links follow: to a
    heading by the id Markdown gave it (`headings`), to one of papershelf's own sections
    (`own`: `#notes`, `#bibtex`) unchanged, to anything else with the prefix; a link to
    another paper page (`paper_page(path)`) points at that page's prefixed ids.
    """

    headings: Mapping[str, str]  # each heading's id as Markdown made it -> its id on the page
    own: frozenset[str] = frozenset()
    prefix: str = NOTE_ID_PREFIX
    paper_page: Callable[[str], bool] | None = None

    def id(self, value: str) -> str:
        return value if _LINE_ANCHOR.fullmatch(value) else self.prefix + value

    def fragment(self, value: str, here: bool = True) -> str:
        """What `#value` points at on the page (`here`) or on another paper page."""
        for key in (value, unquote(value)):
            if here and key in self.headings:
                return self.headings[key]
            if key in self.own:
                return value
        return self.id(value)

    def href(self, value: str) -> str:
        path, hash_, fragment = value.partition("#")
        if not hash_ or not fragment:
            return value
        if not path:
            return "#" + self.fragment(fragment)
        if self.paper_page is not None and self.paper_page(html.unescape(path)):
            return f"{path}#{self.fragment(fragment, here=False)}"
        return value

    def rewrite(self, fragment: str) -> str:
        """`fragment` (HTML as `sanitize_html` writes it) with ids renamed, `data-*` values
        checked, and `rel="noopener"` on links that open a new tab."""
        return _START_TAG.sub(self._tag, fragment)

    def _tag(self, match: re.Match[str]) -> str:
        name, attributes = match.groups()
        if not _TO_REWRITE.search(attributes):
            return match.group()
        kept: list[tuple[str, str]] = []
        rel: str | None = None
        for attribute, value in _ATTRIBUTE.findall(attributes):
            if attribute in ("id", "name", "for"):
                value = self.id(value)
            elif attribute in _ID_LISTS:
                value = " ".join(self.id(v) for v in value.split())
            elif attribute == "href":
                value = self.href(value)
            elif attribute == "rel":
                rel = value
                continue
            elif attribute in DATA_ATTRIBUTES and not DATA_ATTRIBUTES[attribute].fullmatch(value):
                continue
            kept.append((attribute, value))
        if any(attribute == "target" for attribute, _ in kept):
            # The opened page gets no handle on this one (window.opener).
            rel = " ".join(dict.fromkeys([*(rel or "").split(), "noopener"]))
        if rel is not None:
            kept.append(("rel", rel))
        return f"<{name}" + "".join(f' {a}="{v}"' for a, v in kept) + ">"
