"""`load_library(settings)`: the one entry point the plugin, the CLI and the tests share."""

from __future__ import annotations

import glob
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .bib import BibFile, RawEntry, read_bib
from .duplicates import name_duplicates
from .encoding import decode_bytes
from .gcpause import collector_paused
from .inputs import IMAGE_LIMIT, NOTE_LIMIT, Found, Refused, inspect, read, read_path, walk
from .model import Asset, Entry, Library, Note, Paper, Problem
from .normalize import PUBLIC_FIELDS, normalize
from .notes import NoteFile, match_notes, read_note
from .pages import IMAGE_SUFFIXES
from .relations import link_graph
from .review import stale_problems
from .slugs import assign_slugs

__all__ = ["Cache", "PapershelfError", "Settings", "decode_bytes", "load_library"]

_NOT_INHERITED = frozenset({"crossref", "ids", "keywords", "title", "abstract"})


class PapershelfError(Exception):
    """No site can be built at all (e.g. the bibliography is missing)."""


@dataclass(frozen=True)
class Settings:
    """Plugin options as plain values; paths are relative to `root` (the folder of mkdocs.yml)."""

    root: Path
    bib: tuple[str, ...] = ("bib/*.bib",)
    notes: str = "bib/notes"
    path: str = "papers"
    facets: tuple[str, ...] = ()
    public_fields: tuple[str, ...] = PUBLIC_FIELDS
    hide: tuple[str, ...] = ()  # bib fields kept off the site entirely
    raw_html: str = "sanitize"  # raw HTML in notes: "sanitize" or "allow" (trusted notes)

    def relative(self, path: str | Path) -> str:
        """`path` relative to the site root, for messages; a symlink is named, not followed."""
        absolute = Path(os.path.abspath(path))
        for root in (Path(os.path.abspath(self.root)), self.root.resolve()):
            if absolute == root or root in absolute.parents:
                return absolute.relative_to(root).as_posix()
        return absolute.as_posix()

    def bib_paths(self) -> list[Path]:
        return self.bib_sources()[0]

    def bib_sources(self) -> tuple[list[Path], list[Problem]]:
        """The .bib files to read, and why some that a glob pattern matched are not read.

        A path written out in mkdocs.yml is the owner's choice and may be a symlink to
        anywhere (a Zotero auto-export); a file a pattern matched must really be inside the
        pattern's folder. Neither is ever a FIFO, device or folder."""
        found: list[Path] = []
        problems: list[Problem] = []
        for pattern in self.bib:
            full = os.path.join(self.root, pattern)
            if not glob.has_magic(pattern):
                found.append(self._named_bib(pattern, Path(full)))
                continue
            matches = sorted(glob.glob(full))
            if not matches:
                raise self._not_found(pattern)
            folder = Path(os.path.realpath(_glob_folder(full)))
            for match in map(Path, matches):
                checked = inspect(match, within=folder)
                if isinstance(checked, Refused):
                    problems.append(checked.problem(self.relative(match)))
                else:
                    found.append(match)
        return found, problems

    def _named_bib(self, pattern: str, path: Path) -> Path:
        if not os.path.lexists(path):
            raise self._not_found(pattern)
        checked = inspect(path)
        if isinstance(checked, Refused):
            raise PapershelfError(
                f"bibliography '{pattern}' {checked.message} ({checked.hint}; or set `bib:` "
                "under `plugins: - papershelf:` in mkdocs.yml)"
            )
        return path

    def _not_found(self, pattern: str) -> PapershelfError:
        return PapershelfError(
            f"bibliography not found: '{pattern}' (relative to {self.root}); "
            "put your .bib file there or set `bib:` under `plugins: - papershelf:` "
            "in mkdocs.yml"
        )

    def existing_bib_files(self) -> list[Path]:
        """The configured .bib files that exist, whether or not the others do."""
        return [
            Path(m) for pattern in self.bib for m in self._bib_matches(pattern) if os.path.isfile(m)
        ]

    def _bib_matches(self, pattern: str) -> list[str]:
        full = os.path.join(self.root, pattern)
        return sorted(glob.glob(full)) if glob.has_magic(pattern) else [full]

    def notes_dir(self) -> Path:
        return self.root / self.notes


def _glob_folder(pattern: str) -> str:
    """The folder a glob pattern searches: its leading part without wildcards."""
    parts = Path(pattern).parts
    fixed = [p for p in parts[: next(i for i, p in enumerate(parts) if glob.has_magic(p))]]
    return os.path.join(*fixed) if fixed else "."


@dataclass
class Cache:
    """Results kept across `mkdocs serve` rebuilds, keyed by what they were computed from."""

    bib_files: dict[tuple[str, str], BibFile] = field(default_factory=dict)
    notes: dict[Any, tuple[Note | None, list[Problem]]] = field(default_factory=dict)
    assets: dict[Any, Asset | Refused] = field(default_factory=dict)
    papers: dict[Any, tuple[Paper, list[Problem]]] = field(default_factory=dict)


def load_library(settings: Settings, cache: Cache | None = None) -> Library:
    with collector_paused():  # 40% of reading 40,000 entries went to full collections
        return _load_library(settings, cache or Cache())


def _load_library(settings: Settings, cache: Cache) -> Library:
    problems: list[Problem] = []
    raws = _read_bibs(settings, cache, problems)
    raws = _resolve_crossrefs(raws, problems)
    slugs, collisions = assign_slugs(r.key for r in raws)
    by_key = {r.key: r for r in raws} if collisions else {}
    for slug, keys in collisions:
        first = by_key[keys[1]]
        shown = ", ".join(repr(k[:60]) for k in keys[:5]) + (", ..." if len(keys) > 5 else "")
        problems.append(
            Problem(
                first.path,
                first.line,
                first.key,
                f"keys {shown} all map to the page "
                f"'{settings.path}/{slug}/'; later ones get a hashed address",
                "give the entries keys that differ by more than case or punctuation",
                "slug-collision",
            )
        )
    fresh: dict[Any, tuple[Paper, list[Problem]]] = {}
    papers = [_paper(raw, slugs[raw.key], settings, cache, fresh, problems) for raw in raws]
    cache.papers = fresh
    problems.extend(_duplicate_papers(papers))
    notes, assets = _read_notes(settings, cache, problems)
    matched, note_problems = match_notes(notes, papers)
    problems.extend(_explain_orphans(note_problems, problems))
    for key, note in matched.items():
        problems.extend(stale_problems(note, key))
    papers.sort(key=lambda p: (-(p.year or 0), -(p.month or 0), p.title.casefold(), p.key))
    entries = tuple(Entry(p, matched.get(p.key)) for p in papers)
    problems.extend(link_graph(entries)[1])
    # The bibliography first: a broken entry explains the notes that lost their paper.
    problems.sort(key=lambda p: (not p.path.endswith(".bib"), p.path, p.line or 0, p.code))
    return Library(entries, tuple(problems), assets)


_SKIPPED = ("malformed-entry", "missing-key", "bad-key")


def _explain_orphans(note_problems: list[Problem], problems: list[Problem]) -> list[Problem]:
    """A note whose entry was skipped is not misnamed: point at the entry instead."""
    skipped = {p.key.lower(): p for p in problems if p.code in _SKIPPED and p.key}
    out = []
    for problem in note_problems:
        cause = (
            skipped.get(Path(problem.path).stem.lower()) if problem.code == "orphan-note" else None
        )
        if cause is not None:
            where = f"{cause.path}:{cause.line}" if cause.line else cause.path
            problem = Problem(
                problem.path,
                problem.line,
                cause.key,
                f"note for entry '{cause.key}', which was skipped because it "
                f"is malformed ({where})",
                "fix that entry and the note is shown again",
                "orphan-note",
            )
        out.append(problem)
    return out


def _read_bibs(settings: Settings, cache: Cache, problems: list[Problem]) -> list[RawEntry]:
    raws: list[RawEntry] = []
    paths, refused = settings.bib_sources()
    problems.extend(refused)
    for path in paths:
        shown = settings.relative(path)
        data = read_path(path)
        if isinstance(data, Refused):  # it changed since it was listed
            problems.append(data.problem(shown))
            continue
        digest = hashlib.sha1(data).hexdigest()
        parsed = cache.bib_files.get((shown, digest))
        if parsed is None:
            text, decode_problem = decode_bytes(data, shown)
            parsed = read_bib(text, shown)
            if decode_problem:
                parsed.problems.insert(0, decode_problem)
            cache.bib_files = {k: v for k, v in cache.bib_files.items() if k[0] != shown}
            cache.bib_files[(shown, digest)] = parsed
        problems.extend(parsed.problems)
        raws.extend(parsed.entries)
    # Named once, with every file read: a new name must be free in the whole bibliography.
    return name_duplicates(raws, problems)


def _resolve_crossrefs(raws: list[RawEntry], problems: list[Problem]) -> list[RawEntry]:
    by_key = {r.key.lower(): r for r in raws}
    resolved = []
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
                    f"crossref '{target}' names no entry; fields are not inherited",
                    "add the parent entry or remove the crossref",
                    "bad-crossref",
                )
            )
            resolved.append(raw)
            continue
        # The parent's title names the whole volume: it becomes the child's booktitle.
        inherited = {
            k: v
            for k, v in parent.fields.items()
            if k not in raw.fields and k not in _NOT_INHERITED
        }
        if "title" in parent.fields and "booktitle" not in raw.fields:
            inherited["booktitle"] = parent.fields["title"]
        resolved.append(replace(raw, fields={**raw.fields, **inherited}))
    return resolved


def _paper(
    raw: RawEntry,
    slug: str,
    settings: Settings,
    cache: Cache,
    fresh: dict[Any, tuple[Paper, list[Problem]]],
    problems: list[Problem],
) -> Paper:
    if settings.hide:
        raw = replace(raw, fields={k: v for k, v in raw.fields.items() if k not in settings.hide})
    signature = (
        raw.key,
        raw.entry_type,
        raw.path,
        raw.line,
        slug,
        settings.public_fields,
        tuple(raw.fields.items()),
        tuple(raw.field_lines.items()),
    )
    hit = cache.papers.get(signature) or normalize(raw, slug, settings.public_fields)
    fresh[signature] = hit
    problems.extend(hit[1])
    return hit[0]


def _duplicate_papers(papers: Iterable[Paper]) -> list[Problem]:
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


def _read_notes(
    settings: Settings, cache: Cache, problems: list[Problem]
) -> tuple[list[Note], tuple[Asset, ...]]:
    """The notes and the images beside them, from one walk of the notes folder. Each file is
    read once, and not at all while its mtime and size stay what the cache saw."""
    folder = settings.notes_dir()
    if not folder.is_dir():
        if os.path.lexists(folder):
            problems.append(
                Problem(
                    settings.relative(folder),
                    None,
                    None,
                    "the notes folder is not a folder; no notes were read",
                    "point `notes:` under `plugins: - papershelf:` at a folder",
                    "not-a-file",
                )
            )
        return [], ()
    limits = {".md": NOTE_LIMIT, **{suffix: IMAGE_LIMIT for suffix in _image_suffixes(settings)}}
    found, walk_problems = walk(folder, limits, settings.relative(folder), limits)
    problems.extend(walk_problems)
    notes: list[Note] = []
    assets: list[Asset] = []
    fresh_notes: dict[Any, tuple[Note | None, list[Problem]]] = {}
    fresh_assets: dict[Any, Asset | Refused] = {}
    for file in found:
        if file.inside.lower().endswith(".md"):
            key = (file.signature, file.shown, settings.facets)
            hit = fresh_notes[key] = cache.notes.get(key) or _read_note(file, settings.facets)
            problems.extend(hit[1])
            if hit[0] is not None:
                notes.append(hit[0])
            continue
        where = (file.signature, file.inside)
        asset = fresh_assets[where] = cache.assets.get(where) or _read_asset(file)
        if isinstance(asset, Refused):
            problems.append(asset.problem(file.shown))
        else:
            assets.append(asset)
    cache.notes, cache.assets = fresh_notes, fresh_assets
    return notes, tuple(assets)


def _image_suffixes(settings: Settings) -> tuple[str, ...]:
    """Images beside the notes are published; other files there (PDFs) are not. SVG can carry
    script, so it is published only when notes are trusted (`raw_html: allow`)."""
    return tuple(s for s in IMAGE_SUFFIXES if s != ".svg" or settings.raw_html == "allow")


def _read_note(file: Found, facets: tuple[str, ...]) -> tuple[Note | None, list[Problem]]:
    data = read(file, NOTE_LIMIT)
    if isinstance(data, Refused):
        return None, [data.problem(file.shown)]
    text, decode_problem = decode_bytes(data, file.shown)
    note, problems = read_note(NoteFile(file.shown, text), facets)
    if decode_problem:
        problems.insert(0, decode_problem)
    return note, problems


def _read_asset(file: Found) -> Asset | Refused:
    data = read(file, IMAGE_LIMIT)
    return data if isinstance(data, Refused) else Asset(file.inside, data)
