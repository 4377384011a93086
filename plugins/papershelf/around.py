"""What a paper page shows of the rest of the library: the previous and next paper in the
index's order, the list it came from, its relations both ways and the papers suggested
next to it. Plain values, made once per build by `site.plan_site`; equal values give an equal
page, so `mkdocs serve` redoes a page when any of them changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from .i18n import Strings
from .mathguard import neutralise_tex
from .model import Entry
from .relations import KNOWN_TYPES, Edge, Graph

if TYPE_CHECKING:
    from .suggest import Suggestion


@dataclass(frozen=True)
class PaperLink:
    key: str
    title: str  # as the .bib gives it, its TeX made inert
    url: str  # relative to the page that shows the link


@dataclass(frozen=True)
class LinkGroup:
    """Papers joined to this one by one type of relation, one way."""

    direction: str  # "relation" (this paper's note says so) or "backlink" (the other's does)
    type: str  # a known type's id, or the type as written
    label: str  # in the interface's language
    links: tuple[PaperLink, ...]


@dataclass(frozen=True)
class Similar:
    link: PaperLink
    reason: str  # why, in the interface's language
    kinds: str  # the kinds of reason, space-separated: tags, authors, wording


@dataclass(frozen=True)
class Around:
    previous: PaperLink | None = None  # the paper before this one in the index
    next: PaperLink | None = None
    back: str = ""  # the index at this paper, relative to the page; "" for no navigation
    groups: tuple[LinkGroup, ...] = ()
    similar: tuple[Similar, ...] = ()


LinkTo = Callable[[str, str], str]  # (from key, to key) -> the URL of to's page from from's


@dataclass(frozen=True)
class Surroundings:
    """The library as the pages see it; `of(i)` is what the i-th paper's page shows."""

    entries: tuple[Entry, ...]
    graph: Graph
    similar: Mapping[str, tuple[Suggestion, ...]]
    strings: Strings
    link_to: LinkTo
    back_to: Callable[[str], str]  # key -> the index at that paper, from its page

    def of(self, i: int) -> Around:
        key = self.entries[i].paper.key
        before = self.entries[i - 1] if i > 0 else None
        after = self.entries[i + 1] if i + 1 < len(self.entries) else None
        return Around(
            previous=self._link(key, before) if before else None,
            next=self._link(key, after) if after else None,
            back=self.back_to(key),
            groups=self._groups(key),
            similar=tuple(self._similar(key, s) for s in self.similar.get(key, ())),
        )

    def _link(self, here: str, entry: Entry) -> PaperLink:
        paper = entry.paper
        return PaperLink(paper.key, neutralise_tex(paper.title), self.link_to(here, paper.key))

    def _groups(self, key: str) -> tuple[LinkGroup, ...]:
        by_key = self._by_key
        outgoing = self.graph.outgoing.get(key, ())
        mine = {e.target for e in outgoing if e.type == "related"}
        # A `related` link is one relation either way: shown once, as the note wrote it.
        incoming = [
            e
            for e in self.graph.incoming.get(key, ())
            if e.type != "related" or e.source not in mine
        ]
        groups = []
        for direction, edges, other in (
            ("relation", outgoing, _target),
            ("backlink", incoming, _source),
        ):
            grouped: dict[str, list[PaperLink]] = {}
            for edge in edges:
                grouped.setdefault(edge.type, []).append(self._link(key, by_key[other(edge)]))
            groups += [
                LinkGroup(direction, kind, self._label(direction, kind), tuple(links))
                for kind, links in grouped.items()
            ]
        return tuple(groups)

    def _label(self, direction: str, kind: str) -> str:
        if kind in KNOWN_TYPES:
            return self.strings(f"{direction}.{kind}")
        return self.strings(f"{direction}.other", type=kind)

    def _similar(self, key: str, suggestion: Suggestion) -> Similar:
        t, comma = self.strings, self.strings("list.separator")
        reasons, kinds = [], []
        if suggestion.tags:
            tags = comma.join(suggestion.tags[:3])
            reasons.append(t.count("reason.tags", len(suggestion.tags[:3]), tags=tags))
            kinds.append("tags")
        if suggestion.authors:
            names = comma.join(suggestion.authors[:3])
            reasons.append(t.count("reason.authors", len(suggestion.authors[:3]), authors=names))
            kinds.append("authors")
        if suggestion.wording:
            reasons.append(t("reason.wording"))
            kinds.append("wording")
        link = self._link(key, self._by_key[suggestion.key])
        return Similar(link, t("reason.separator").join(reasons), " ".join(kinds))

    @cached_property
    def _by_key(self) -> dict[str, Entry]:
        return {entry.paper.key: entry for entry in self.entries}


def _target(edge: Edge) -> str:
    return edge.target


def _source(edge: Edge) -> str:
    return edge.source
