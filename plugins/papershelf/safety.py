"""Keeping data from .bib files and notes from running as code in the site.

Policy for raw HTML in notes (`raw_html` option):
- `sanitize` (default): a generated paper page's HTML is cleaned with an allowlist
  (ammonia, via nh3) that keeps everything Markdown and Material's extensions produce
  (admonitions, tabs, details, tables, footnotes, code highlighting, emoji SVG, math) and
  drops `<script>`, `<style>`, `<iframe>`, `<object>`, forms, every `on*` attribute, and
  links or images whose scheme is not http(s), mailto or relative (`javascript:`, `data:`).
- `allow`: notes are trusted like the site's own pages; nothing is removed.
Pages written by hand in `docs/` are never touched.
"""

from __future__ import annotations

import html

import nh3

RAW_HTML_POLICIES = ("sanitize", "allow")

_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "i",
    "img",
    "input",
    "ins",
    "kbd",
    "label",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "section",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "var",
    "svg",
    "path",
    "g",
    "circle",
    "rect",
    "line",
    "polyline",
    "polygon",
    "nav",
}
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
    "a": {"href", "name", "target", "rel"},
    "img": {"src", "alt", "width", "height", "loading"},
    "input": {"type", "name", "checked", "disabled"},
    "label": {"for"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start", "type"},
    "time": {"datetime"},
    "details": {"open"},
    "code": {"data-lang"},
    "svg": {"viewBox", "viewbox", "width", "height", "xmlns", "fill"},
    "path": {"d", "fill", "fill-rule", "clip-rule"},
    "circle": {"cx", "cy", "r"},
    "rect": {"x", "y", "width", "height", "rx"},
}


def sanitize_html(fragment: str) -> str:
    """Remove anything that could run script; keep what Markdown and Material produce."""
    return nh3.clean(
        fragment,
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
        generic_attribute_prefixes={"data-"},
        url_schemes={"http", "https", "mailto"},
        strip_comments=False,  # our index marker and Material's own comments
        link_rel=None,
    )


def plain_title(title: str) -> str:
    """A title themes may print without escaping (MkDocs' own theme does in <title>)."""
    return title.replace("<", "‹").replace(">", "›")


def attribute_text(text: str) -> str:
    """Text for a theme that prints it inside an attribute unescaped (page description)."""
    return html.escape(" ".join(text.split()), quote=True)
