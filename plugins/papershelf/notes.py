"""Note files -> validated `Note`s, and matching them to papers.

Front matter is checked here with a small schema of our own rather than a MkDocs `Config`
class, so the core stays usable without MkDocs; the messages follow the same shape.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from . import frontmatter
from .dates import parse_moment
from .latex import printable
from .model import Alias, Note, Paper, Problem, Relation
from .normalize import damaged_text

STATUSES = ("to-read", "reading", "read", "skimmed")
STATUS_LABELS = {
    "to-read": "To read",
    "reading": "Reading",
    "read": "Read",
    "skimmed": "Skimmed",
    "none": "No status",
}
_FRONT_MATTER = re.compile(
    r"\A---[ \t]*\r?\n(.*?\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL
)
# The front-matter fields papershelf reads itself; any other must be a declared facet.
KNOWN_FIELDS = frozenset(
    {
        "key",
        "arxiv",
        "tags",
        "status",
        "rating",
        "summary",
        "related",
        "relations",
        "aliases",
        "uncertain",
        "imported",
        "added",
    }
)


@dataclass(frozen=True)
class NoteFile:
    path: str  # relative to the site root, for messages
    text: str


def read_note(note_file: NoteFile, facets: Iterable[str] = ()) -> tuple[Note | None, list[Problem]]:
    """Parse one note. A note whose front matter is unusable is still returned with its body."""
    text = note_file.text.lstrip("\ufeff").replace("\r\n", "\n")
    problems: list[Problem] = []
    meta: dict[str, Any] = {}
    body, body_line, front = text, 1, frontmatter.FrontMatter()
    match = _FRONT_MATTER.match(text)
    if match:
        body = text[match.end() :]
        body_line = text.count("\n", 0, match.end()) + 1
        front = frontmatter.load(match.group(1) or "")
        loaded = front.data
        if front.error:
            line, message, hint = front.error
            problems.append(Problem(note_file.path, line, None, message, hint, "bad-front-matter"))
        if isinstance(loaded, dict):
            meta = loaded
        elif loaded is not None:
            problems.append(
                Problem(
                    note_file.path,
                    2,
                    None,
                    "front matter must be a mapping of `name: value` lines",
                    "write e.g. `tags: [rl]`",
                    "bad-front-matter",
                )
            )
    damaged = _damaged_line(text)
    if damaged:
        line, excerpt = damaged
        problems.append(
            Problem(
                note_file.path,
                line,
                None,
                f"note text looks damaged by a wrong encoding: `{excerpt}`",
                "if it came from `papershelf import`, import the list again; "
                "else re-save it as UTF-8 from its source or correct it by hand",
                "damaged-text",
            )
        )
    return _build(note_file.path, body, body_line, front, meta, tuple(facets), problems), problems


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """(fields, body) of a note's text, read as `read_note` reads them, without checking
    them; no fields when there is no front matter or it is not a YAML mapping."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    loaded = frontmatter.load(match.group(1) or "").data  # None when unreadable or refused
    return (loaded if isinstance(loaded, dict) else {}), text[match.end() :]


def _damaged_line(text: str) -> tuple[int, str] | None:
    """(line, excerpt) of the first line that reads as mojibake, once per note."""
    if text.isascii():
        return None
    for number, line in enumerate(text.split("\n"), 1):
        excerpt, _ = damaged_text(line)
        if excerpt:
            return number, excerpt
    # Damage too thin to tell on any one line can still show over the whole note.
    excerpt, _ = damaged_text(text)
    return (1, excerpt) if excerpt else None


def _build(
    path: str,
    body: str,
    body_line: int,
    front: frontmatter.FrontMatter,
    meta: dict[Any, Any],
    facets: tuple[str, ...],
    problems: list[Problem],
) -> Note:
    def bad(name: str, expected: str) -> None:
        problems.append(
            Problem(
                path,
                front.lines.get(name, 2),
                None,
                f"front matter field '{name}' must be {expected}, got {frontmatter.shown(meta[name])}",
                f"change '{name}' to {expected}",
                "bad-front-matter",
            )
        )

    def text_field(name: str) -> str:
        value = meta.get(name)
        if value is None:
            return ""
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return printable(str(value)).strip()
        bad(name, "a single text value")
        return ""

    def list_field(name: str) -> tuple[str, ...]:
        value = meta.get(name)
        if value is None:
            return ()
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            value = [value]
        if isinstance(value, list) and all(
            isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value
        ):
            return tuple(t for t in (printable(str(v)).strip() for v in value) if t)
        bad(name, "a list of text values")
        return ()

    status = text_field("status").lower()
    if status and status not in STATUSES:
        bad("status", "one of " + ", ".join(STATUSES))
        status = ""
    rating = meta.get("rating")
    if rating is not None and not (
        isinstance(rating, int) and not isinstance(rating, bool) and 1 <= rating <= 5
    ):
        bad("rating", "a whole number from 1 to 5")
        rating = None
    added = parse_moment(meta["added"]) if meta.get("added") is not None else None
    if meta.get("added") is not None and added is None:
        bad("added", "a date such as 2025-03-10 (or 2025-03-10T09:30:00+08:00)")
    uncertain = meta.get("uncertain") or []
    if not (isinstance(uncertain, list) and all(isinstance(u, dict) for u in uncertain)):
        bad("uncertain", "a list of mappings (written by `papershelf import`)")
        uncertain = []
    relations = _relations(path, front, meta.get("relations"), problems)
    related = list_field("related")
    relations += tuple(Relation("related", k, _line(front, "related", k)) for k in related)
    aliases = tuple(Alias(a, _line(front, "aliases", a)) for a in list_field("aliases"))
    for name in sorted(set(map(str, meta)) - KNOWN_FIELDS - set(facets)):  # `1:`, `true:` too
        problems.append(
            Problem(
                path,
                front.lines.get(name, 2),
                None,
                f"unknown front matter field '{name[:60]}'",
                "remove it, or declare it under the plugin's `facets` option",
                "unknown-field",
            )
        )
    return Note(
        path=path,
        body=body,
        body_line=body_line,
        key=text_field("key"),
        arxiv=text_field("arxiv"),
        tags=list_field("tags"),
        status=status,
        rating=rating,
        summary=text_field("summary"),
        related=related,
        relations=relations,
        aliases=aliases,
        uncertain=tuple(MappingProxyType(u) for u in uncertain),
        added=added,
        extra=MappingProxyType({name: list_field(name) for name in facets if name in meta}),
    )


def _relations(
    path: str, front: frontmatter.FrontMatter, value: Any, problems: list[Problem]
) -> tuple[Relation, ...]:
    """`relations: {type: [key, ...]}` as `Relation`s in the order written. A type may be any
    text; a wrongly shaped value is reported and left out, the rest is kept."""
    if value is None:
        return ()
    if not isinstance(value, dict):
        problems.append(_shape_problem(path, front.lines.get("relations", 2), "", value))
        return ()
    out: list[Relation] = []
    for name, keys in value.items():
        kind = printable(str(name)).strip()
        if isinstance(keys, (str, int, float)) and not isinstance(keys, bool):
            keys = [keys]
        fine = isinstance(keys, list) and all(
            isinstance(k, (str, int, float)) and not isinstance(k, bool) for k in keys
        )
        if not kind or not fine:
            line = _line(front, "relations", str(name))
            problems.append(_shape_problem(path, line, kind or str(name), keys))
            continue
        for written in keys:
            key = printable(str(written)).strip()
            if key:
                out.append(Relation(kind, key, _line(front, "relations", str(name), str(written))))
    return tuple(out)


def _line(front: frontmatter.FrontMatter, *path: str) -> int:
    """The file line of a value in the front matter, else of the nearest field it is in."""
    for depth in range(len(path), 1, -1):
        line = front.items.get(path[:depth])
        if line is not None:
            return line
    return front.lines.get(path[0], 2)


def _shape_problem(path: str, line: int, kind: str, value: Any) -> Problem:
    what = (
        f"relation '{kind[:60]}' must list citation keys"
        if kind
        else "front matter field 'relations' must map relation types to citation keys"
    )
    return Problem(
        path,
        line,
        None,
        f"{what}, got {frontmatter.shown(value)}",
        "write e.g. `relations: {extends: [jin2025search], compares: [a, b]}`",
        "bad-front-matter",
    )


def match_notes(
    notes: list[Note], papers: Iterable[Paper]
) -> tuple[dict[str, Note], list[Problem]]:
    """Attach notes to papers by explicit key/arxiv, else by file name (key, slug or arXiv id)."""
    by_key: dict[str, str] = {}
    by_arxiv: dict[str, str] = {}
    for paper in papers:
        by_key[paper.key] = paper.key
        by_key.setdefault(paper.slug, paper.key)
        by_key.setdefault(paper.key.lower(), paper.key)
        if paper.arxiv:
            by_arxiv.setdefault(paper.arxiv, paper.key)
    matched: dict[str, Note] = {}
    problems: list[Problem] = []
    for note in sorted(notes, key=lambda n: n.path):
        stem = Path(note.path).stem
        key = (by_key.get(note.key) if note.key else None) or (
            by_arxiv.get(_strip_version(note.arxiv)) if note.arxiv else None
        )
        if not (note.key or note.arxiv):
            key = by_key.get(stem) or by_key.get(stem.lower()) or by_arxiv.get(_strip_version(stem))
        if key is None:
            wanted = (
                f"key '{note.key}'"
                if note.key
                else (f"arXiv id '{note.arxiv}'" if note.arxiv else f"file name '{stem}'")
            )
            problems.append(
                Problem(
                    note.path,
                    1,
                    note.key or None,
                    f"note matches no entry (looked up by {wanted})",
                    "name the file after the citation key, or set `key:` in its front matter",
                    "orphan-note",
                )
            )
        elif key in matched:
            problems.append(
                Problem(
                    note.path,
                    1,
                    key,
                    f"second note for this paper; {matched[key].path} is used",
                    "merge the two notes into one file",
                    "duplicate-note",
                )
            )
        else:
            matched[key] = note
    return matched, problems


def _strip_version(arxiv: str) -> str:
    return re.sub(r"v\d+$", "", arxiv.strip())
