"""`crossref`: a paper inherits where it appeared from its parent entry (a proceedings
volume, a book), wherever the parent stands in the bibliography.

What a child inherits describes the volume: its title (as the child's `booktitle`), editors,
publisher, year, series, ISBN. What identifies the parent itself is not inherited: its DOI,
URL, arXiv id and links belong to the volume, and inherited they made every paper of a volume
the same paper as its siblings (`duplicate-paper`) and linked each to the volume's page.

A parent that is a container (`@proceedings`, `@book`, `@collection`, ...) and has a child
in the bibliography is not listed as a paper of its own: it is shown as its papers' venue.
"""

from __future__ import annotations

from dataclasses import replace

from .bib import RawEntry
from .model import Problem

# Fields BibTeX does not inherit, or that name the parent itself rather than where its
# children appeared.
NOT_INHERITED = frozenset(
    {
        "crossref",
        "ids",
        "keywords",
        "title",
        "abstract",
        # the parent's own identifiers and links
        "doi",
        "url",
        "eprint",
        "eprinttype",
        "archiveprefix",
        "primaryclass",
        "eprintclass",
        "arxiv",
        "pdf",
        "html",
        "code",
        "github",
        "repository",
        "homepage",
        "project",
        "website",
        "poster",
        "slides",
        "supp",
        "preview",
        "selected",
        "file",
        "urldate",
        "note",
    }
)
CONTAINERS = frozenset(
    {
        "proceedings",
        "mvproceedings",
        "book",
        "mvbook",
        "collection",
        "mvcollection",
        "reference",
        "mvreference",
        "periodical",
    }
)


def resolve_crossrefs(raws: list[RawEntry], problems: list[Problem]) -> list[RawEntry]:
    """The entries with their parents' fields filled in, without the containers that have a
    child here (they are the children's venue)."""
    by_key = {r.key.lower(): r for r in raws}
    resolved = []
    parents: set[str] = set()  # the containers some child names, by lowercase key
    for raw in raws:
        target = raw.fields.get("crossref", "").strip()
        if not target:
            resolved.append(raw)
            continue
        parent = by_key.get(target.lower())
        if parent is None or parent is raw:
            problems.append(
                Problem(
                    raw.path,
                    raw.where("crossref"),
                    raw.key,
                    f"crossref '{target[:60]}' names no entry; fields are not inherited",
                    "add the parent entry or remove the crossref",
                    "bad-crossref",
                )
            )
            resolved.append(raw)
            continue
        if parent.entry_type in CONTAINERS:
            parents.add(parent.key.lower())
        resolved.append(replace(raw, fields={**raw.fields, **inherited(parent, raw)}))
    if not parents:
        return resolved
    return [r for r in resolved if not (r.entry_type in CONTAINERS and r.key.lower() in parents)]


def inherited(parent: RawEntry, child: RawEntry) -> dict[str, str]:
    """What `child` takes from `parent`: the parent's title names the whole volume, so it
    becomes the child's booktitle."""
    fields = {
        k: v for k, v in parent.fields.items() if k not in child.fields and k not in NOT_INHERITED
    }
    if "title" in parent.fields and "booktitle" not in child.fields:
        fields["booktitle"] = parent.fields["title"]
    return fields
