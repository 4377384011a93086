"""Formatted references ("cite this paper" in APA, IEEE, GB/T 7714, ...) with citeproc-py,
as safe HTML, cached on disk by what they are made from.

citeproc-py escapes only a style's own text and writes every field value into its HTML as
it is (a `<script>` in a title came out live), so each value is escaped before formatting and
the result is sanitized after. It also needs help where CSL has no word for what a .bib says:
- Chinese, Japanese and Korean names go in whole (`王小明`); split, it writes `王, . 小明 .`;
- `and others` goes in as a placeholder name, replaced by the style's "et al." (CSL-JSON
  has no marker for it);
- an arXiv number is kept from capitalisation (APA would print `ArXiv:2505.16410`);
- GB/T 7714 formats an entry that is not Chinese in English (`et al.`, not `等`), as the
  standard asks for Western-language references;
- a numeric style's `[1]` is dropped: the page shows one entry, not a numbered list.

Formatting costs about 16 ms of CPU a paper for the three default styles (APA alone ~9 ms),
10 ms with `citestyles.memoise_lookups`: 100 s for 10,000 papers; a warm cache costs
~0.04 ms (bench/cite_speed.py). So every reference is kept in
`.cache/papershelf/references.json`, keyed by the style, the versions and the item, and a
cold build with many papers formats them in worker processes.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import nh3

from .citestyles import GBT, numbered, parsed_style, style_id
from .csl import csl_item
from .mathguard import neutralise_tex
from .model import ET_AL, Author, Paper


@dataclass(frozen=True)
class Reference:
    """One formatted reference for a paper page: `style` as the `references` option names it."""

    style: str
    html: str  # safe HTML: <i>, <b>, <sup>, <sub>, <span>, and links to the URL and DOI


_PLACEHOLDER = "ZQXETALZQX"  # ASCII capitals: no style's case change alters them
_ET_AL_SEAT = re.compile(rf",? ?(?:&amp;|and|…)? ?{_PLACEHOLDER}\.?")
# What a style prints for "and others": IEEE's is italic; GB/T's for a Chinese entry is 等;
# any other style's is its locale's term.
_ET_AL = {"ieee": " <i>et al.</i>"}
_NUMBER_LABEL = re.compile(r"^\s*(?:\[1\]|\(1\)|1\.)\s*")
_SMALL_CAPS = '<span style="font-variant:small-caps;">'


def citeproc_input(paper: Paper) -> dict[str, Any]:
    """The paper's CSL item as citeproc-py must see it to write safe HTML: every value
    escaped, CJK names whole, the placeholder for `and others`, only the variables it
    knows (others would make it warn), TeX that a page's math could run made inert."""
    from citeproc import VARIABLES

    item = csl_item(paper, abstract=False)
    item["title"] = neutralise_tex(item["title"])
    data: dict[str, Any] = {}
    for key, value in item.items():
        if key in ("id", "type", "language"):
            data[key] = value
        elif key.replace("-", "_") not in VARIABLES or key in ("keyword",):
            continue
        elif isinstance(value, str):
            data[key] = html.escape(value, quote=False)
        elif key in ("author", "editor"):
            data[key] = [_name(name) for name in value]
        else:
            data[key] = value
    if str(data.get("number", "")).startswith("arXiv:"):
        data["number"] = f'<span class="nocase">{data["number"]}</span>'
    if ET_AL in paper.authors:
        data["author"] = [*data.get("author", []), {"literal": _PLACEHOLDER}]
    return data


def _name(name: Mapping[str, str]) -> dict[str, str]:
    escaped = {k: html.escape(v, quote=False) for k, v in name.items()}
    family, given = escaped.get("family", ""), escaped.get("given", "")
    if (
        family
        and given
        and len(escaped) == 2
        and Author(given, "", family).display == family + given
    ):
        return {"literal": family + given}
    return escaped


def format_reference(style: str, data: Mapping[str, Any]) -> str:
    """One reference in `style` (an option value: `apa`, `gb7714`, a style file name), from
    `citeproc_input`; raises whatever citeproc-py raises for an entry it cannot format."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    ident = style_id(style)
    language = "zh" if data.get("language") == "zh-CN" else "en"
    locale = "en-US" if ident == GBT and language == "en" else None
    parsed = parsed_style(style, locale)
    bibliography = CitationStylesBibliography(parsed, CiteProcJSON([dict(data)]), formatter.html)
    bibliography.register(Citation([CitationItem(str(data["id"]).lower())]))
    text = str(bibliography.bibliography()[0])
    chinese = str(parsed.root.get("default-locale", "")).startswith("zh") and locale is None
    et_al = _ET_AL.get(ident, ", 等" if chinese else ", et al.")
    text = _ET_AL_SEAT.sub(lambda m: _et_al(m.group(), et_al), text)
    if numbered(style):
        text = _NUMBER_LABEL.sub("", text, count=1)
    return _linked(_clean(text), data)


def _et_al(seat: str, et_al: str) -> str:
    # The period the style puts after the names stays, unless "et al." brings its own.
    keep_period = seat.endswith(".") and not et_al.endswith((".", "</i>"))
    return et_al + ("." if keep_period else "")


def _clean(text: str) -> str:
    text = text.replace("<l>", "<span>").replace("</l>", "</span>")
    text = text.replace(_SMALL_CAPS, '<span class="papershelf-small-caps">')
    return _cleaner().clean(text).strip()


@lru_cache(maxsize=1)
def _cleaner() -> nh3.Cleaner:
    # The tags citeproc-py's HTML formatter writes, nothing else: a value that got past the
    # escaping still could not become markup.
    return nh3.Cleaner(
        tags={"i", "b", "sup", "sub", "span", "u"},
        attributes={},
        allowed_classes={"span": {"papershelf-small-caps"}},
        clean_content_tags={"script", "style"},
        url_schemes={"http", "https"},
        strip_comments=True,
        link_rel=None,
    )


def _linked(text: str, data: Mapping[str, Any]) -> str:
    """The item's own URL and DOI link, where the style printed them as text."""
    targets = []
    if data.get("URL", "").startswith(("https://", "http://")):
        targets.append(data["URL"])
    if data.get("DOI"):
        targets.append(f"https://doi.org/{data['DOI']}")
    for url in sorted(set(targets), key=len, reverse=True):
        shown = html.escape(html.unescape(url), quote=False)
        if shown in text and f'href="{shown}' not in text:
            link = f'<a href="{html.escape(html.unescape(url))}">{shown}</a>'
            found = re.search(r"(?<![\w/\"])" + re.escape(shown) + r"(?![\w/])", text)
            if found:
                text = text[: found.start()] + link + text[found.end() :]
    return text
