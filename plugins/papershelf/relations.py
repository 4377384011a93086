"""Links between papers over the whole library: the notes' relations (`relations:` and
`related:`), their inverses shown on the other paper's page (backlinks), and the old
addresses `aliases:` keeps. Pure functions, computed once per build.

A relation is stored as an `Edge` from the paper that does something to the one it is done
to: `extends: [b]` in a's note and `extended-by: [a]` in b's note are the same edge
(a extends b), shown as "Extends" on a's page and "Extended by" on b's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .model import Entry, Problem, Relation
from .slugs import base_slug

# Known relation types and their inverses: a note may write either side. `related` (what
# the note's `related:` list means) is its own inverse.
KNOWN_TYPES: Mapping[str, str] = MappingProxyType(
    {
        "extends": "extended-by",
        "improves": "improved-by",
        "compares": "compared-in",
        "uses": "used-by",
        "cites": "cited-by",
        "surveys": "surveyed-in",
        "reproduces": "reproduced-by",
        "contradicts": "contradicted-by",
        "supersedes": "superseded-by",
        "related": "related",
    }
)
_INVERSE = {inverse: kind for kind, inverse in KNOWN_TYPES.items()}
_SYNONYMS = {
    "extend": "extends",
    "improve": "improves",
    "compare": "compares",
    "compared-with": "compares",
    "use": "uses",
    "cite": "cites",
    "survey": "surveys",
    "reproduce": "reproduces",
    "contradict": "contradicts",
    "supersede": "supersedes",
    "see-also": "related",
}


def type_id(written: str) -> str:
    """The id of a relation type as written (`Extends`, `extended_by`): known types in
    lowercase with `-`; any other type as written."""
    spelled = "-".join(written.lower().replace("_", " ").split())
    spelled = _SYNONYMS.get(spelled, spelled)
    return spelled if spelled in KNOWN_TYPES or spelled in _INVERSE else written


@dataclass(frozen=True)
class Edge:
    source: str  # citation key of the paper that extends, compares, ...
    type: str  # a `KNOWN_TYPES` key, or a type as written
    target: str  # citation key of the paper it extends, compares, ...


@dataclass(frozen=True)
class Graph:
    """The relations of the whole library, each paper's both ways, and its old addresses."""

    outgoing: Mapping[str, tuple[Edge, ...]] = field(default_factory=dict)  # by source key
    incoming: Mapping[str, tuple[Edge, ...]] = field(default_factory=dict)  # by target key
    aliases: Mapping[str, str] = field(default_factory=dict)  # old slug -> key now

    def linked(self, key: str) -> set[str]:
        """The papers a relation joins to `key`, either way."""
        return {e.target for e in self.outgoing.get(key, ())} | {
            e.source for e in self.incoming.get(key, ())
        }


class Names:
    """How a note may name a paper: its citation key, in any case, its slug, its arXiv id,
    or an old key or slug of its `aliases:`."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.exact: dict[str, str] = {}
        self.loose: dict[str, str] = {}
        entries = list(entries)
        for entry in entries:
            self.exact[entry.paper.key] = entry.paper.key
        for entry in entries:
            paper = entry.paper
            for name in (paper.key.lower(), paper.slug, paper.arxiv.lower()):
                if name:
                    self.loose.setdefault(name, paper.key)
        self.slugs = {entry.paper.slug: entry.paper.key for entry in entries}

    def find(self, name: str) -> str | None:
        return self.exact.get(name) or self.loose.get(name.lower())


def link_graph(entries: Iterable[Entry]) -> tuple[Graph, list[Problem]]:
    """The library's relations and aliases, and a problem for each one that names no paper,
    names the paper itself, or takes another paper's address. Those are left out."""
    entries = list(entries)
    names = Names(entries)
    problems: list[Problem] = []
    aliases = _aliases(entries, names, problems)
    for old, key in aliases.items():
        names.loose.setdefault(old, key)
    edges: dict[Edge, None] = {}
    for entry in entries:
        if entry.note is None:
            continue
        for relation in entry.note.relations:
            edge = _edge(entry, relation, names, problems)
            if edge is not None:
                edges.setdefault(edge, None)
    outgoing: dict[str, list[Edge]] = {}
    incoming: dict[str, list[Edge]] = {}
    for edge in edges:
        outgoing.setdefault(edge.source, []).append(edge)
        incoming.setdefault(edge.target, []).append(edge)
    graph = Graph(
        {k: tuple(v) for k, v in outgoing.items()},
        {k: tuple(v) for k, v in incoming.items()},
        aliases,
    )
    return graph, problems


def _edge(entry: Entry, relation: Relation, names: Names, problems: list[Problem]) -> Edge | None:
    key, note = entry.paper.key, entry.note
    assert note is not None
    other = names.find(relation.key)
    untyped = relation.type == "related" and relation in _untyped(entry)
    field_name = "'related'" if untyped else f"relation '{relation.type}'"
    if other is None:
        problems.append(
            Problem(
                note.path,
                relation.line,
                key,
                f"{field_name} names an unknown key '{relation.key}'",
                "use the citation key (or arXiv id) of a paper in the bibliography",
                "unknown-related" if untyped else "unknown-relation",
            )
        )
        return None
    if other == key:
        problems.append(
            Problem(
                note.path,
                relation.line,
                key,
                f"{field_name} names the paper itself ('{relation.key}')",
                "name another paper, or remove the entry",
                "self-relation",
            )
        )
        return None
    kind = type_id(relation.type)
    if kind in _INVERSE and kind not in KNOWN_TYPES:
        return Edge(other, _INVERSE[kind], key)
    return Edge(key, kind, other)


def _untyped(entry: Entry) -> tuple[Relation, ...]:
    note = entry.note
    return note.relations[len(note.relations) - len(note.related) :] if note else ()


def _aliases(entries: list[Entry], names: Names, problems: list[Problem]) -> dict[str, str]:
    """Old slug -> the key of the paper it now belongs to. An alias naming any paper's key,
    slug or arXiv id, or claimed by another paper first, makes no redirect."""
    taken: dict[str, str] = {}
    for entry in entries:
        key, note = entry.paper.key, entry.note
        for alias in note.aliases if note else ():
            slug = base_slug(alias.name)
            owner = names.find(alias.name) or names.slugs.get(slug)
            if owner is None and taken.get(slug, key) == key:
                taken[slug] = key
                continue
            assert note is not None
            if owner == key:
                message = f"alias '{alias.name}' is the paper's own key or address"
            elif owner is not None:
                message = f"alias '{alias.name}' is the key or address of '{owner}'"
            else:
                message = f"alias '{alias.name}' is already an alias of '{taken[slug]}'"
            problems.append(
                Problem(
                    note.path,
                    alias.line,
                    key,
                    f"{message}; no redirect is made",
                    "list only keys or page slugs this paper had before and no other paper has",
                    "bad-alias",
                )
            )
    return taken
