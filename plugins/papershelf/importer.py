"""`papershelf import`: what a "Paper List" Markdown file adds to a site's .bib file and
notes, planned in full, then written all or nothing.

A listed paper is the entry with its arXiv id, else the entry `export` gives its anchor, so
importing twice, or importing the site's own export, changes nothing. A note a person
edited is never overwritten (each imported note records a hash of what was written). The new
.bib text is read back and compared before anything is written (`bibwriter.check_rewrite`),
and the files are replaced by `transaction.write_all`, which restores them if a step fails.
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .bibwriter import (
    BibEntry,
    BibField,
    Fill,
    abstract_value,
    add_fields,
    append_entries,
    check_rewrite,
    entry_bibtex,
)
from .imported_notes import NoteFiles
from .library import PapershelfError, Settings, decode_bytes, load_library
from .metadata import read_metadata
from .model import Library, Paper, Problem
from .paperlist import (
    ListedPaper,
    escape_keeping_columns,
    export_anchors,
    keep_line_breaks,
    looks_like_paper_list,
    note_text,
    parse_paper_list,
)
from .repair import RepairResult, repair_text
from .review import anchor
from .slugs import base_slug
from .transaction import write_all

_STOP = frozenset(
    "a an the on of for to in via with and is are do you how what when why can towards "
    "toward".split()
)

# (what, done, total): ("repair", 0, characters) before the text repair starts, then
# ("papers", done, total) as each listed paper is planned.
Progress = Callable[[str, int, int], None]


class ImportRefused(PapershelfError):
    """Nothing can be imported, or it would be written wrongly; the message says why."""


@dataclass
class Plan:
    bib_path: Path
    new_entries: list[BibEntry] = field(default_factory=list)
    writes: dict[Path, str] = field(default_factory=dict)  # note files to (re)write
    seen: dict[Path, bytes | None] = field(default_factory=dict)  # what they held when read
    fills: dict[Path, list[Fill]] = field(default_factory=dict)  # by .bib file
    skipped: list[str] = field(default_factory=list)  # human-readable reasons
    problems: list[Problem] = field(default_factory=list)
    uncertain: int = 0


@dataclass(frozen=True)
class Staged:
    """Every file's new content, checked, in the order to write it (the .bib files first)."""

    outputs: dict[Path, bytes]
    originals: dict[Path, bytes | None]
    filled: int  # entries that get fields filled in
    skipped: tuple[str, ...]  # fills whose entry was not found


@dataclass(frozen=True)
class ImportResult:
    bib_path: Path
    added: int  # new entries
    filled: int  # existing entries with fields filled in
    notes: tuple[Path, ...]  # note files written (or, in a dry run, to write)
    skipped: tuple[str, ...]
    problems: tuple[Problem, ...]
    uncertain: int  # uncertain characters listed for review
    repaired: str  # the kind of damage repaired ("" when the text was sound)
    dry_run: bool
    hint: str = ""  # how to get a better repair, when it could have been better


def _quiet(what: str, done: int, total: int) -> None:
    pass


def import_list(
    settings: Settings,
    path: Path,
    *,
    metadata: Path | None = None,
    dry_run: bool = False,
    progress: Progress = _quiet,
) -> ImportResult:
    """Plan the import of the list at `path`, check it, and (unless `dry_run`) write it.
    Raises ImportRefused (nothing written) or transaction.WriteFailed."""
    text, decode_problem = read_list(path)
    meta = read_metadata(metadata)  # before the slow part: a mistake there shows at once
    # The damage is a property of the whole file, and the repair model reads context across
    # lines, so the file is repaired once, before it is parsed.
    progress("repair", 0, len(text))
    repaired = repair_text(text)
    listing = parse_paper_list(repaired.text, str(path))
    if not listing.papers:
        raise ImportRefused(
            f"{path}: no list items ('- [YY/MM] **Title**') found; nothing to import"
        )
    total = len(listing.papers)
    plan = make_plan(
        settings,
        listing.papers,
        meta,
        uncertain_lines(repaired),
        progress=lambda done: progress("papers", done, total),
        source=str(path),
    )
    plan.problems[:0] = ([decode_problem] if decode_problem else []) + listing.problems
    staged = stage(settings, plan)
    if not dry_run:
        write_all(staged.outputs, staged.originals)
    return ImportResult(
        bib_path=plan.bib_path,
        added=len(plan.new_entries),
        filled=staged.filled,
        notes=tuple(sorted(plan.writes)),
        skipped=(*plan.skipped, *staged.skipped),
        problems=tuple(plan.problems),
        uncertain=plan.uncertain,
        repaired=repaired.kind if repaired.changed else "",
        dry_run=dry_run,
        hint=repaired.hint,
    )


def read_list(path: Path) -> tuple[str, Problem | None]:
    if not path.is_file():
        raise ImportRefused(f"{path} {'is not a file' if path.exists() else 'not found'}")
    text, decode_problem = decode_bytes(path.read_bytes(), str(path))
    if not looks_like_paper_list(text):
        raise ImportRefused(
            f"{path} is not a 'Paper List from BIB File' Markdown file (expected "
            "'# Paper List from BIB File: ...' and '- [YY/MM] **Title**' items)"
        )
    return text, decode_problem


def uncertain_lines(result: RepairResult) -> dict[int, list[dict[str, Any]]]:
    """Uncertain characters of a repaired text, by 1-based line."""
    by_line: dict[int, list[dict[str, Any]]] = {}
    for span in result.uncertain:
        line = result.text.count("\n", 0, span.start) + 1
        column = span.start - result.text.rfind("\n", 0, span.start)  # 1-based, in characters
        by_line.setdefault(line, []).append(
            {
                "line": line,
                "column": column,
                "text": span.chosen,
                "alternatives": list(span.alternatives[:4]),
                "confidence": round(span.confidence, 2),
                **anchor(result.text, span.start, span.end),  # to find it again after edits
            }
        )
    return by_line


def make_plan(
    settings: Settings,
    papers: list[ListedPaper],
    meta: dict[str, dict[str, Any]],
    uncertain: dict[int, list[dict[str, Any]]] | None = None,
    progress: Callable[[int], None] = lambda done: None,
    source: str = "",
) -> Plan:
    library = _current_library(settings)
    plan = Plan(bib_path=_target_bib(settings))
    existing = library.by_key()
    keys = {e.paper.key.lower() for e in library.entries}
    notes = NoteFiles(_absolute(settings.notes_dir()))
    listed_at: dict[str, int] = {}
    for done, (listed, key) in enumerate(
        zip(papers, match_entries(papers, library), strict=True), 1
    ):
        if listed.arxiv and listed.arxiv in listed_at:
            plan.problems.append(
                Problem(
                    source,
                    listed.line,
                    None,
                    f"arXiv {listed.arxiv} is listed again (first at line "
                    f"{listed_at[listed.arxiv]}); imported once",
                    "delete one of the two items",
                    "duplicate-item",
                )
            )
            progress(done)
            continue
        if listed.arxiv:
            listed_at[listed.arxiv] = listed.line
        if key is not None:
            _plan_fill(settings, plan, existing[key].paper, listed)
        else:
            key = _new_key(listed, meta.get(listed.arxiv, {}), keys)
            keys.add(key.lower())
            plan.new_entries.append(entry_bibtex(key, listed, meta.get(listed.arxiv, {})))
        if listed.note.strip() and not listed.truncated:
            _plan_note(settings, plan, notes, key, listed, uncertain or {})
        progress(done)
    return plan


def match_entries(papers: list[ListedPaper], library: Library) -> list[str | None]:
    """The key of the entry each listed paper is, or None for a paper new to the site.

    By arXiv id first; a paper without one (or whose id no entry has) is the entry that
    `export` gives the same anchor, unless that entry is another arXiv paper. An entry is
    matched once: two items with one anchor (an old export) are not one paper.
    """
    by_arxiv = {e.paper.arxiv: e.paper.key for e in library.entries if e.paper.arxiv}
    arxiv_of = {e.paper.key: e.paper.arxiv for e in library.entries}
    keys: list[str | None] = [by_arxiv.get(p.arxiv) if p.arxiv else None for p in papers]
    taken = {key for key in keys if key}
    by_anchor = {anchor: key for key, anchor in export_anchors(library).items()}
    for i, listed in enumerate(papers):
        key = by_anchor.get(listed.anchor)
        if keys[i] is not None or key is None or key in taken:
            continue
        if not (listed.arxiv and arxiv_of[key] and arxiv_of[key] != listed.arxiv):
            keys[i] = key
            taken.add(key)
    return keys


def _current_library(settings: Settings) -> Library:
    try:
        return load_library(settings)
    except PapershelfError:
        if settings.existing_bib_files():
            raise  # a bibliography exists but cannot be read: importing would duplicate it
        return Library(())  # no bib file yet: the import will create it


def _plan_fill(settings: Settings, plan: Plan, paper: Paper, listed: ListedPaper) -> None:
    """An entry the list knows more about (an earlier import of a truncated list had no
    abstract): fill in what it lacks, never change what it has."""
    if listed.abstract and not paper.abstract and paper.source_line:
        fill = Fill(
            paper.key, paper.source_line, (BibField("abstract", abstract_value(listed.abstract)),)
        )
        plan.fills.setdefault(_absolute(settings.root / paper.source_path), []).append(fill)


def _target_bib(settings: Settings) -> Path:
    try:
        return _absolute(settings.bib_paths()[0])
    except PapershelfError:
        pattern = settings.bib[0]
        return _absolute(settings.root / (pattern if "*" not in pattern else "bib/papers.bib"))


def _absolute(path: Path) -> Path:
    # One spelling per file, so that a .bib file both filled and appended to is one output.
    # Symbolic links are not followed: a linked note is replaced, never the file it points to.
    return Path(os.path.abspath(path))


def _new_key(listed: ListedPaper, meta: dict[str, Any], taken: set[str]) -> str:
    words = [w for w in re.findall(r"[a-z0-9]+", listed.title.lower()) if w not in _STOP]
    first = words[0] if words else "paper"
    authors = meta.get("authors") or []
    last = re.sub(r"[^a-z]", "", base_slug(authors[0].split(",")[0])) if authors else ""
    stem = f"{last}{listed.year}{first}"
    key, n = stem, 1
    while key.lower() in taken:
        n += 1
        key = f"{stem}{chr(ord('a') + n - 1)}" if n <= 26 else f"{stem}{n}"
    return key


def _plan_note(
    settings: Settings,
    plan: Plan,
    notes: NoteFiles,
    key: str,
    listed: ListedPaper,
    uncertain: dict[int, list[dict[str, Any]]],
) -> None:
    body, first = note_text(listed)
    spans = [
        dict(span)
        for line in range(first, first + body.count("\n") + 1)
        for span in uncertain.get(line, ())
    ]
    body = keep_line_breaks(escape_keeping_columns(body, first, spans))
    default = _absolute(settings.notes_dir()) / f"{base_slug(key)}.md"
    note = notes.plan(key, default, body, first, spans)
    if note.edited:
        plan.skipped.append(f"{settings.relative(note.path)} was edited by hand; not overwritten")
    elif note.text is not None:
        plan.writes[note.path] = note.text
        plan.seen[note.path] = note.seen
    plan.uncertain += note.uncertain


# ---------------------------------------------------------------- staging
def stage(settings: Settings, plan: Plan) -> Staged:
    """Every file's new content, the .bib files read back and checked; raises ImportRefused
    when a .bib file cannot be rewritten without losing or changing what it holds."""
    outputs: dict[Path, bytes] = {}
    originals: dict[Path, bytes | None] = {}
    filled, skipped = 0, []
    bibs = list(plan.fills) + ([plan.bib_path] if plan.new_entries else [])
    for path in dict.fromkeys(bibs):
        original = path.read_bytes() if path.is_file() else None
        old_text, bom = _bib_text(settings, path, original)
        new_text, done, missing = add_fields(old_text, plan.fills.get(path, ()))
        added = plan.new_entries if path == plan.bib_path else []
        new_text = append_entries(new_text, added)
        skipped += [
            f"{settings.relative(path)}: entry '{fill.key}' is not where it was read; "
            "its abstract was not filled in"
            for fill in missing
        ]
        wrong = check_rewrite(old_text, new_text, settings.relative(path), added, done)
        if wrong:
            raise ImportRefused(
                f"{settings.relative(path)}: import refused, nothing was written: "
                + "; ".join(wrong)
            )
        if new_text != old_text:
            outputs[path] = bom + new_text.encode("utf-8")
            originals[path] = original
        filled += len(done)
    for path in sorted(plan.writes):
        outputs[path] = plan.writes[path].encode("utf-8")
        originals[path] = plan.seen.get(path)
    return Staged(outputs, originals, filled, tuple(skipped))


def _bib_text(settings: Settings, path: Path, data: bytes | None) -> tuple[str, bytes]:
    """The .bib file's text and its BOM, if any (kept as it was)."""
    if data is None:
        return "", b""
    text, problem = decode_bytes(data, settings.relative(path))
    if problem is not None:
        raise ImportRefused(
            f"{problem.path}: not UTF-8, and rewriting it would change every entry's bytes "
            "(re-save it as UTF-8, then import again)"
        )
    return text, codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
