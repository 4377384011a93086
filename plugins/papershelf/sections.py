"""The parts of a paper page that show the rest of the library (its relations, similar
papers, the previous and next paper) and the redirect page an old address gets, as HTML.
Pure functions over `around.Around`; `pages.paper_page` puts them on the page.

Other papers' titles stay out of the site's search (`data-search-exclude`, which Material's
search honours): each paper is found on its own page, not on every page that links to it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .i18n import Strings
from .templating import render

if TYPE_CHECKING:
    from .around import Around, PaperLink

# A `$` after a backslash does not open math: without the lookbehind, a title of `\$\$\$...`
# (from `\textbackslash{}\$`) was scanned to its end from every `$`, 0.7 s for 16 KB.
_MATH = re.compile(r"((?<!\\)\$\$.+?\$\$|(?<!\\)\$(?:\\.|[^$\\])+\$)", re.DOTALL)


def math_pieces(text: str, math: bool) -> list[tuple[str, str]]:
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


def _view(link: PaperLink, math: bool) -> dict[str, object]:
    return {"url": link.url, "title": math_pieces(link.title, math)}


def relations_html(around: Around, math: bool) -> str:
    """The paper's relations, each type one way in an element with
    `data-papershelf-relation="<type>"` or `data-papershelf-backlink="<type>"`."""
    groups = [
        {
            "direction": group.direction,
            "type": group.type,
            "label": group.label,
            "links": [_view(link, math) for link in group.links],
        }
        for group in around.groups
    ]
    return render("relations.html", groups=groups).strip()


def similar_html(around: Around, math: bool) -> str:
    items = [
        {**_view(item.link, math), "reason": item.reason, "kinds": item.kinds}
        for item in around.similar
    ]
    return render("similar.html", similar=items).strip()


def pager_html(around: Around, strings: Strings, math: bool) -> str:
    """Previous and next paper in the index's order (`rel="prev"`, `rel="next"`) and the
    way back to the list, the same on every theme."""
    return render(
        "pager.html",
        previous=_view(around.previous, math) if around.previous else None,
        next=_view(around.next, math) if around.next else None,
        back=around.back,
        label=strings("nav.label"),
        labels={
            "previous": strings("nav.previous"),
            "next": strings("nav.next"),
            "back": strings("nav.back"),
        },
    ).strip()


def back_html(around: Around, strings: Strings) -> str:
    return render("back.html", back=around.back, label=strings("nav.back")).strip()


def redirect_html(
    title: str, target: str, canonical: str, strings: Strings, language: str = ""
) -> str:
    """A page at an old address: it sends browsers to `target` (relative to it) at once, and
    tells search engines where the paper is now (`canonical`) and not to index it."""
    return render(
        "redirect.html",
        lang=(language or strings.language).replace("_", "-"),  # the mkdocs theme's zh_CN
        title=strings("redirect.title", title=title),
        text=strings("redirect.text"),
        paper=title,
        target=target,
        canonical=canonical or target,
    )
