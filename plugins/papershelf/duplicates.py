"""Two papers under one citation key (naming the second, once every file has been read), and
one paper under two keys."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from .bib import RawEntry
from .model import Paper, Problem


def name_duplicates(entries: Iterable[RawEntry], problems: list[Problem]) -> list[RawEntry]:
    """One entry per key, for the whole bibliography at once (every file, in reading order).

    The very same entry again is dropped. Another paper under a key already used is kept as
    `key-N`, N the smallest number from 2 whose name no entry of any file has (compared
    without case, as notes and page addresses are), so no note lands on the wrong paper.
    """
    entries = list(entries)
    taken = {raw.key.lower() for raw in entries}
    first: dict[str, RawEntry] = {}
    seen: dict[str, set[tuple[str, frozenset[tuple[str, str]]]]] = {}
    next_number: dict[str, int] = {}  # per lowercase key: each number is tried once
    kept = []
    for raw in entries:
        earlier = first.setdefault(raw.key, raw)
        if earlier is raw:
            kept.append(raw)
            continue
        copies = seen.setdefault(raw.key, {_fingerprint(earlier)})
        where = f"{earlier.path}:{earlier.line}"
        if _fingerprint(raw) in copies:
            problems.append(
                Problem(
                    raw.path,
                    raw.line,
                    raw.key,
                    f"the same entry again (first at {where}); this copy was skipped",
                    "delete one of the two copies",
                    "duplicate-entry",
                )
            )
            continue
        copies.add(_fingerprint(raw))
        folded = raw.key.lower()
        n = next_number.get(folded, 2)
        while f"{folded}-{n}" in taken:
            n += 1
        next_number[folded] = n + 1
        new_key = f"{raw.key}-{n}"
        taken.add(new_key.lower())
        problems.append(
            Problem(
                raw.path,
                raw.line,
                raw.key,
                f"duplicate citation key (first at {where}); this entry is shown "
                f"as '{new_key}' until one of them is renamed",
                "give each entry its own key",
                "duplicate-key",
            )
        )
        kept.append(replace(raw, key=new_key))
    return kept


def _fingerprint(raw: RawEntry) -> tuple[str, frozenset[tuple[str, str]]]:
    return raw.entry_type, frozenset(raw.fields.items())


def duplicate_papers(papers: Iterable[Paper]) -> list[Problem]:
    """The same arXiv id or DOI under two keys. A paper's own identifiers only: those of a
    crossref parent (a volume's DOI) are not inherited (`crossref`)."""
    problems = []
    seen: dict[tuple[str, str], Paper] = {}
    for paper in papers:
        for kind, value in (("arXiv id", paper.arxiv), ("DOI", paper.doi.lower())):
            if not value:
                continue
            first = seen.setdefault((kind, value), paper)
            if first is not paper:
                problems.append(
                    Problem(
                        paper.source_path,
                        paper.source_line,
                        paper.key,
                        f"same {kind} {value} as '{first.key}' "
                        f"({first.source_path}:{first.source_line})",
                        "keep one entry per paper",
                        "duplicate-paper",
                    )
                )
    return problems
