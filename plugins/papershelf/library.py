"""`load_library(settings)`: the one entry point the plugin, the CLI and the tests share."""

from __future__ import annotations

import glob
import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import texmacros
from .bib import BibFile, Preamble, RawEntry, read_bib
from .crossref import resolve_crossrefs
from .duplicates import duplicate_papers, name_duplicates
from .encoding import decode_bytes
from .gcpause import collector_paused
from .inputs import IMAGE_LIMIT, NOTE_LIMIT, Found, Refused, inspect, read, read_path, walk
from .model import Asset, Entry, Library, Note, Paper, Problem
from .normalize import PUBLIC_FIELDS, normalize
from .notes import NoteFile, match_notes, read_note
from .pages import IMAGE_SUFFIXES
from .paperfiles import Files
from .relations import link_graph
from .review import stale_problems
from .slugs import assign_slugs

__all__ = ["Cache", "PapershelfError", "Settings", "decode_bytes", "load_library"]


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
    files: tuple[str, ...] = ()  # folders of the files that `pdf = {a.pdf}` and the like name
    latex_macros: tuple[tuple[str, str], ...] = ()  # (name, LaTeX) the document defines

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

    # By path, content and the @string macros the files before it left in effect.
    bib_files: dict[tuple[str, str, str], BibFile] = field(default_factory=dict)
    files: dict[Any, Asset | Refused] = field(default_factory=dict)
    notes: dict[Any, tuple[Note | None, list[Problem]]] = field(default_factory=dict)
    assets: dict[Any, Asset | Refused] = field(default_factory=dict)
    papers: dict[Any, tuple[Paper, list[Problem]]] = field(default_factory=dict)


def load_library(settings: Settings, cache: Cache | None = None) -> Library:
    with collector_paused():  # 40% of reading 40,000 entries went to full collections
        return _load_library(settings, cache or Cache())


def _load_library(settings: Settings, cache: Cache) -> Library:
    problems: list[Problem] = []
    raws, preambles, size = _read_bibs(settings, cache, problems)
    macros, where = texmacros.collect(preambles, dict(settings.latex_macros), size)
    raws, macro_problems = texmacros.expand_entries(raws, macros, where)
    problems.extend(macro_problems)
    raws = resolve_crossrefs(raws, problems)
    slugs = _slugs(raws, settings, problems)
    files = _files(settings, cache, problems)
    fresh: dict[Any, tuple[Paper, list[Problem]]] = {}
    papers = []
    defined = frozenset(macros.bodies)
    for raw in raws:
        paper = _paper(raw, slugs[raw.key], settings, defined, cache, fresh, problems)
        papers.append(files.attach(paper, raw, problems))
    cache.papers, cache.files = fresh, files.fresh
    problems.extend(duplicate_papers(papers))
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
    published = tuple(files.published[uri] for uri in sorted(files.published))
    return Library(entries, tuple(problems), assets, published)


def _slugs(raws: list[RawEntry], settings: Settings, problems: list[Problem]) -> dict[str, str]:
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
    return slugs


def _files(settings: Settings, cache: Cache, problems: list[Problem]) -> Files:
    """The `files` folders that exist (a missing one is reported)."""
    folders = []
    for name in settings.files:
        folder = settings.root / name
        if folder.is_dir():
            folders.append(folder)
        else:
            problems.append(
                Problem(
                    settings.relative(folder),
                    None,
                    None,
                    "the `files` folder is not there; the files in it are not published",
                    "create it, or correct `files:` under `plugins: - papershelf:`",
                    "not-a-file",
                )
            )
    shown = tuple(settings.relative(settings.root / name) for name in settings.files)
    return Files(tuple(folders), shown, settings.path, cache.files)


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


def _read_bibs(
    settings: Settings, cache: Cache, problems: list[Problem]
) -> tuple[list[RawEntry], list[Preamble], int]:
    """Every file's entries, in the order of `bib:`, read as one bibliography: @string macros
    defined in a file hold in the files after it. Also every @preamble, and the size read."""
    raws: list[RawEntry] = []
    preambles: list[Preamble] = []
    read: list[BibFile] = []
    paths, refused = settings.bib_sources()
    problems.extend(refused)
    strings: Mapping[str, str] | None = None
    chain, size = "", 0  # `chain` names the macros in effect: a digest of the files before
    fresh: dict[tuple[str, str, str], BibFile] = {}
    for path in paths:
        shown = settings.relative(path)
        data = read_path(path)
        if isinstance(data, Refused):  # it changed since it was listed
            problems.append(data.problem(shown))
            continue
        digest = hashlib.sha1(data).hexdigest()
        key = (shown, digest, chain)
        parsed = fresh.get(key) or cache.bib_files.get(key) or _parse(data, shown, strings)
        fresh[key] = parsed
        chain = hashlib.sha1(f"{chain}{digest}".encode()).hexdigest()
        strings, size = parsed.strings, size + len(data)
        read.append(parsed)
        raws.extend(parsed.entries)
        preambles.extend(parsed.preambles)
    cache.bib_files = fresh
    problems.extend(_with_later_definitions(read))
    # Named once, with every file read: a new name must be free in the whole bibliography.
    return name_duplicates(raws, problems), preambles, size


def _parse(data: bytes, shown: str, strings: Mapping[str, str] | None) -> BibFile:
    text, decode_problem = decode_bytes(data, shown)
    parsed = read_bib(text, shown, strings)
    if decode_problem:
        parsed.problems.insert(0, decode_problem)
    return parsed


def _with_later_definitions(files: list[BibFile]) -> list[Problem]:
    """The files' problems; an undefined macro's hint says where the macro is defined when
    a file defines it after its use (BibTeX reads macros in order: before, it is undefined)."""
    defined_in: dict[str, str] = {}
    for parsed in files:
        for name in parsed.defined:
            defined_in.setdefault(name, parsed.path)
    out: list[Problem] = []
    for parsed in files:
        for problem in parsed.problems:
            macro = parsed.undefined.get(problem) if parsed.undefined else None
            where = defined_in.get(macro) if macro else None
            if where == parsed.path:
                problem = replace(
                    problem,
                    hint="it is defined further down this file: move its @string above "
                    "the first entry that uses it",
                )
            elif where:
                problem = replace(
                    problem,
                    hint=f"it is defined in {where}, which is read after this file: list "
                    "the files that define macros first in `bib:` (BibTeX reads them in order)",
                )
            out.append(problem)
    return out


def _paper(
    raw: RawEntry,
    slug: str,
    settings: Settings,
    defined: frozenset[str],
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
        defined,
    )
    hit = cache.papers.get(signature) or normalize(raw, slug, settings.public_fields, defined)
    fresh[signature] = hit
    problems.extend(hit[1])
    return hit[0]


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
