"""`papershelf import`: bring a "Paper List" Markdown file into a site's .bib file and notes.

Idempotent (papers already in the bibliography, found by arXiv id, are left alone), never
overwrites a note a person edited (each imported note records a hash of what was written),
and all-or-nothing: everything is written to temporary files first, then moved into place.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import latex
from .bib import MONTH_MACROS, closing_brace
from .library import PapershelfError, Settings, decode_bytes, load_library
from .markdown import fence_mask
from .model import Library, Paper, Problem
from .notes import NoteFile, read_note
from .paperlist import ListedPaper, looks_like_paper_list, parse_paper_list
from .repair import RepairResult, repair_text
from .slugs import base_slug

# Front matter the importer owns; every other field belongs to the person editing the note.
IMPORTER_FIELDS = ("key", "imported", "uncertain")

CATEGORIES = {
    "cs.AI": "Artificial Intelligence",
    "cs.CL": "Computation and Language",
    "cs.CV": "Computer Vision",
    "cs.IR": "Information Retrieval",
    "cs.LG": "Machine Learning",
    "cs.SE": "Software Engineering",
    "cs.CR": "Cryptography and Security",
    "cs.RO": "Robotics",
    "stat.ML": "Machine Learning (stat)",
}
_STOP = {
    "a",
    "an",
    "the",
    "on",
    "of",
    "for",
    "to",
    "in",
    "via",
    "with",
    "and",
    "is",
    "are",
    "do",
    "you",
    "how",
    "what",
    "when",
    "why",
    "can",
    "towards",
    "toward",
}


@dataclass
class Plan:
    bib_path: Path
    new_entries: list[str] = field(default_factory=list)  # BibTeX text of each new entry
    writes: dict[Path, str] = field(default_factory=dict)  # note files to (re)write
    fills: dict[tuple[Path, int], dict[str, str]] = field(
        default_factory=dict
    )  # (bib, line) -> fields
    skipped: list[str] = field(default_factory=list)  # human-readable reasons
    problems: list[Problem] = field(default_factory=list)
    uncertain: int = 0


def run_import(
    settings: Settings, path: Path, *, dry_run: bool = False, metadata: Path | None = None
) -> int:
    """The command: returns the exit status (0 done, 1 done with problems, 2 nothing done)."""
    if not path.is_file():
        print(
            f"papershelf: {path} {'is not a file' if path.exists() else 'not found'}",
            file=sys.stderr,
        )
        return 2
    text, decode_problem = decode_bytes(path.read_bytes(), str(path))
    if not looks_like_paper_list(text):
        print(
            f"papershelf: {path} is not a 'Paper List from BIB File' Markdown file (expected "
            "'# Paper List from BIB File: ...' and '- [YY/MM] **Title**' items)",
            file=sys.stderr,
        )
        return 2
    # The damage is a property of the whole file, and the repair model reads context across
    # lines, so the file is repaired once, before it is parsed.
    meta = _read_metadata(metadata)  # before the slow part: a mistake there shows at once
    if len(text) > 200_000:  # the repair takes about a second per 20,000 damaged characters
        print(
            f"reading {path} ({len(text):,} characters; damaged text takes a while)...",
            file=sys.stderr,
        )
    repaired = repair_text(text)
    listing = parse_paper_list(repaired.text, str(path))
    if not listing.papers:
        print(
            f"papershelf: {path}: no list items ('- [YY/MM] **Title**') found; nothing to import",
            file=sys.stderr,
        )
        return 2
    plan = make_plan(
        settings,
        listing.papers,
        meta,
        uncertain_lines(repaired),
        progress=_progress(len(listing.papers)),
        source=str(path),
    )
    if repaired.changed:
        print(
            f"repaired damaged text ({repaired.kind}); uncertain characters in notes are "
            "listed in their front matter for review",
            file=sys.stderr,
        )
    plan.problems[:0] = ([decode_problem] if decode_problem else []) + listing.problems
    for problem in plan.problems:
        print(problem, file=sys.stderr)
    for reason in plan.skipped:
        print(f"skipped: {reason}", file=sys.stderr)
    verb = "would add" if dry_run else "added"
    filled = f"filled in {len(plan.fills)} entries, " if plan.fills else ""
    print(
        f"{verb} {len(plan.new_entries)} entries to {settings.relative(plan.bib_path)}, {filled}"
        f"{'would write' if dry_run else 'wrote'} {len(plan.writes)} notes "
        f"({plan.uncertain} uncertain characters to review), "
        f"skipped {len(plan.skipped)}"
    )
    if dry_run:
        for note_path in sorted(plan.writes):
            print(f"  note {settings.relative(note_path)}")
    else:
        apply_plan(plan)
    return 1 if plan.problems else 0


def _progress(total: int) -> Callable[[int], None]:
    step = max(total // 20, 1)

    def report(done: int) -> None:
        if total >= 200 and (done % step == 0 or done == total):
            print(f"  {done}/{total} papers", file=sys.stderr)

    return report


class MetadataError(PapershelfError):
    """--metadata cannot be used; the message says why and what to do."""


_METADATA_SHAPE = (
    'a JSON list of {"arxiv_id": "2503.04625", "authors": ["Last, First", ...], '
    '"venue": "...", "primary_category": "cs.CL"}'
)


def _read_metadata(path: Path | None) -> dict[str, dict[str, Any]]:
    if path is None:
        return {}
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise MetadataError(f"{path}: cannot be read ({error.strerror or error})") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        line = f":{error.lineno}" if isinstance(error, json.JSONDecodeError) else ""
        raise MetadataError(
            f"{path}{line}: not JSON ({error}); --metadata takes {_METADATA_SHAPE}"
        ) from error
    if not isinstance(records, list):
        raise MetadataError(
            f"{path}: --metadata takes {_METADATA_SHAPE}, not a JSON {type(records).__name__}"
        )
    out: dict[str, dict[str, Any]] = {}
    for i, record in enumerate(records):
        if not isinstance(record, dict) or not isinstance(record.get("arxiv_id"), str):
            raise MetadataError(
                f'{path}: record {i + 1} has no "arxiv_id" string; each record is {_METADATA_SHAPE}'
            )
        authors = record.get("authors", [])
        if not isinstance(authors, list) or not all(isinstance(a, str) for a in authors):
            raise MetadataError(
                f'{path}: record {i + 1} ({record["arxiv_id"]}): "authors" '
                'must be a list of names such as ["Li, Chengpeng"]'
            )
        for name in ("venue", "primary_category"):
            if record.get(name) is not None and not isinstance(record[name], str):
                raise MetadataError(
                    f'{path}: record {i + 1} ({record["arxiv_id"]}): "{name}" must be a string'
                )
        out[record["arxiv_id"]] = record
    return out


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
    by_arxiv = {e.paper.arxiv: e.paper.key for e in library.entries if e.paper.arxiv}
    existing = library.by_key()
    keys = {e.paper.key.lower() for e in library.entries}
    listed_at: dict[str, int] = {}
    for done, listed in enumerate(papers, 1):
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
        key = by_arxiv.get(listed.arxiv) if listed.arxiv else None
        if key is not None and key in existing:
            _plan_fill(settings, plan, existing[key].paper, listed)
        if key is None:
            key = _new_key(listed, meta.get(listed.arxiv, {}), keys)
            keys.add(key.lower())
            if listed.arxiv:
                by_arxiv[listed.arxiv] = key
            plan.new_entries.append(entry_bibtex(key, listed, meta.get(listed.arxiv, {})))
        if listed.note.strip() and not listed.truncated:
            _plan_note(settings, plan, key, listed, uncertain or {})
        progress(done)
    return plan


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
        text = "{" + latex.encode(tex_quotes(listed.abstract)) + "}"
        plan.fills[(settings.root / paper.source_path, paper.source_line)] = {"abstract": text}


def _target_bib(settings: Settings) -> Path:
    try:
        return settings.bib_paths()[0]
    except Exception:
        pattern = settings.bib[0]
        return settings.root / (pattern if "*" not in pattern else "bib/papers.bib")


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


def tex_quotes(text: str) -> str:
    """arXiv abstracts are LaTeX: ``quoted'' text gets the curly quotes it stands for."""
    return re.sub(r"``(.*?)''", "\u201c\\1\u201d", text, flags=re.DOTALL)


def protect_capitals(title: str) -> str:
    """Brace words such as `START` or `DeepSeek-R1`, so that a bibliography style that
    lower-cases titles keeps them as written (papershelf itself shows titles unbraced)."""
    return re.sub(r"(?<![\\{\w$])([A-Za-z][\w-]*[A-Z][\w-]*)", r"{\1}", title)


def entry_bibtex(key: str, listed: ListedPaper, meta: dict[str, Any]) -> str:
    title, abstract = tex_quotes(listed.title), tex_quotes(listed.abstract)
    venue = (meta.get("venue") or "").strip()
    fields: list[tuple[str, str]] = [("title", "{" + protect_capitals(latex.encode(title)) + "}")]
    if meta.get("authors"):
        fields.append(
            ("author", "{" + " and ".join(latex.encode(a) for a in meta["authors"]) + "}")
        )
    if venue:
        fields.append(("booktitle", "{" + latex.encode(venue) + "}"))
    fields.append(("year", f"{{{listed.year}}}"))
    if listed.month:
        fields.append(("month", list(MONTH_MACROS)[listed.month - 1]))
    if listed.arxiv:
        fields += [("eprint", f"{{{listed.arxiv}}}"), ("archiveprefix", "{arXiv}")]
        if meta.get("primary_category"):
            fields.append(("primaryclass", f"{{{meta['primary_category']}}}"))
        fields.append(("url", f"{{https://arxiv.org/abs/{listed.arxiv}{listed.version}}}"))
    if listed.code:
        is_code = re.match(
            r"https?://(www\.)?(github\.com|gitlab\.com|huggingface\.co)/", listed.code
        )
        fields.append(("code" if is_code else "homepage", "{" + listed.code + "}"))
    category = meta.get("primary_category")
    if category:
        fields.append(("keywords", "{" + CATEGORIES.get(category, category) + "}"))
    if abstract:
        fields.append(("abstract", "{" + latex.encode(abstract) + "}"))
    kind = "inproceedings" if venue else "misc"
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@{kind}{{{key},\n{body},\n}}\n"


def note_hash(body: str) -> str:
    return hashlib.sha1(body.strip().encode("utf-8")).hexdigest()[:12]


def _plan_note(
    settings: Settings,
    plan: Plan,
    key: str,
    listed: ListedPaper,
    uncertain: dict[int, list[dict[str, Any]]],
) -> None:
    body = listed.note
    first = listed.note_line
    if body.startswith("### Notes\n"):  # the heading `export` adds before plain notes
        body, first = body[len("### Notes\n") :], first + 1
    spans = [
        dict(span)
        for line in range(first, first + body.count("\n") + 1)
        for span in uncertain.get(line, ())
    ]
    body = keep_line_breaks(_escape_keeping_columns(body, first, spans))
    meta: dict[str, Any] = {"key": key, "imported": note_hash(body)}
    path = settings.notes_dir() / f"{base_slug(key)}.md"
    existing = _existing_note(settings, key, path)
    if existing is not None:
        old_path, old_text = existing
        note, _ = read_note(NoteFile(str(old_path), old_text))
        recorded = _recorded_hash(old_text)
        if note is None or recorded is None or recorded != note_hash(note.body):
            plan.skipped.append(
                f"{settings.relative(old_path)} was edited by hand; not overwritten"
            )
            return
        if note.body.strip() == body.strip():
            return  # the same text: its review list (and any line ticked off) stays as it is
        # Fields a person added (status, tags, ...) survive a re-import, in their place.
        old_fields = _front_fields(old_text)
        meta = {
            **{
                name: meta.get(name, value)
                for name, value in old_fields.items()
                if name != "uncertain"
            },
            **meta,
        }
        path = old_path
    if spans:
        meta["uncertain"] = spans
        # Report lines of the note file: the body starts after the front matter's lines.
        body_start = _front_matter(meta).count("\n") + 1
        stripped = body[: len(body) - len(body.lstrip())].count("\n")
        for span in spans:
            span["line"] += body_start - first - stripped
        plan.uncertain += len(spans)
    text = _front_matter(meta) + body.strip() + "\n"
    if existing is None or not _same_note(existing[1], text):
        plan.writes[path] = text


# In the older tool's fenced notes, `<search>` and `<think>` were text; outside a fence,
# Markdown would take them for HTML, and the page would drop them.
_TAG = re.compile(r"</?([A-Za-z][\w-]*)(?:\s[^<>]*)?/?>")
_HTML_TAGS = frozenset(
    (
        "a abbr b blockquote br code dd del details div dl dt em figcaption figure h1 h2 h3 h4 h5 "
        "h6 hr i img ins kbd li mark ol p pre q s samp small span strong sub summary sup table "
        "tbody td tfoot th thead tr u ul var video audio source picture iframe center font"
    ).split()
)
_CODE_SPAN = re.compile(r"(`+[^`]*?`+)")  # split() keeps the code spans, at odd indices


def escape_stray_tags(body: str) -> str:
    """`<search>` -> `&lt;search&gt;` outside code, for tags that are not HTML."""
    if "<" not in body:
        return body
    lines = body.split("\n")
    return "\n".join(
        line if fenced else _escape_line(line)
        for line, fenced in zip(lines, fence_mask(lines), strict=True)
    )


def _escape_line(line: str) -> str:
    if "<" not in line:
        return line
    pieces = _CODE_SPAN.split(line)
    return "".join(p if i % 2 else _TAG.sub(_escape_tag, p) for i, p in enumerate(pieces))


_BLOCK_START = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|#|>|\||```|~~~|$)")


def keep_line_breaks(body: str) -> str:
    """The older tool showed notes in a code fence, where every line break showed; in
    Markdown a single one joins two lines, so each becomes a hard break (two spaces)."""
    lines = body.split("\n")
    for i, (line, fenced) in enumerate(zip(lines[:-1], fence_mask(lines), strict=False)):
        if (
            fenced
            or not line.strip()
            or line.endswith(("  ", "\\"))
            or _BLOCK_START.match(lines[i + 1])
        ):
            continue
        if line.lstrip().startswith(("#", "|")):
            continue
        lines[i] = line.rstrip() + "  "
    return "\n".join(lines)


def _escape_keeping_columns(body: str, first: int, spans: list[dict[str, Any]]) -> str:
    """`escape_stray_tags(body)`, moving the spans' columns past the added characters."""
    escaped = escape_stray_tags(body)
    if escaped != body:
        before, after = body.split("\n"), escaped.split("\n")
        for span in spans:
            row = before[span["line"] - first]
            if row != after[span["line"] - first]:
                span["column"] = len(_escape_line(row[: span["column"] - 1])) + 1
    return escaped


def _escape_tag(match: re.Match[str]) -> str:
    if match.group(1).lower() in _HTML_TAGS:
        return match.group()
    return match.group().replace("<", "&lt;").replace(">", "&gt;")


def _same_note(old: str, new: str) -> bool:
    """Equal front matter values and body: a person's own YAML spelling is left alone."""
    if old == new:
        return True
    old_parts, new_parts = old.split("\n---\n", 1), new.split("\n---\n", 1)
    return (
        len(old_parts) == 2
        and old_parts[1] == new_parts[1]
        and _front_fields(old) == _front_fields(new)
    )


def _front_fields(text: str) -> dict[str, Any]:
    m = re.match(r"---\r?\n(.*?)\r?\n---\r?\n", text, re.DOTALL)
    try:
        fields = yaml.safe_load(m.group(1)) if m else None
    except yaml.YAMLError:
        return {}
    return fields if isinstance(fields, dict) else {}


def _front_matter(meta: dict[str, Any]) -> str:
    # JSON values are valid YAML, quick to write and easy to diff; a list gets one item per
    # line so that a reviewer can tick off uncertain spans one by one.
    lines = []
    for name, value in meta.items():
        if isinstance(value, list) and value:
            lines.append(f"{name}:")
            lines.extend(
                f"  - {json.dumps(item, ensure_ascii=False, default=str)}" for item in value
            )
        else:
            lines.append(f"{name}: {json.dumps(value, ensure_ascii=False, default=str)}")
    return "---\n" + "\n".join(lines) + "\n---\n"


def _recorded_hash(text: str) -> str | None:
    m = re.search(r'^imported:\s*"?([0-9a-f]{12})"?\s*$', text, re.MULTILINE)
    return m.group(1) if m else None


def _with_fields(text: str, line: int, fields: dict[str, str]) -> str:
    """`text` with `fields` added at the end of the entry that starts on `line`."""
    start = sum(len(row) for row in text.splitlines(keepends=True)[: line - 1])
    pos = closing_brace(text, text.find("{", start))
    pos = len(text) if pos is None else pos
    head = text[:pos].rstrip()
    added = "".join(f"\n  {name} = {value}," for name, value in fields.items())
    return head + ("" if head.endswith(",") else ",") + added + "\n" + text[pos:]


def _existing_note(settings: Settings, key: str, default: Path) -> tuple[Path, str] | None:
    if default.is_file():
        return default, default.read_text(encoding="utf-8")
    folder = settings.notes_dir()
    if not folder.is_dir():
        return None
    for path in folder.rglob("*.md"):
        text = path.read_text(encoding="utf-8", errors="replace")
        if re.search(rf"^key:\s*\"?{re.escape(key)}\"?\s*$", text[:2000], re.MULTILINE):
            return path, text
    return None


def apply_plan(plan: Plan) -> None:
    """Write everything to temporary files first, then move them into place."""
    outputs = dict(plan.writes)
    # Bottom up, so that a field added to one entry does not move the next one's line.
    for (target, line), fields in sorted(plan.fills.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
        outputs[target] = _with_fields(
            outputs.get(target) or target.read_text(encoding="utf-8"), line, fields
        )
    if plan.new_entries:
        current = outputs.get(plan.bib_path) or (
            plan.bib_path.read_text(encoding="utf-8") if plan.bib_path.is_file() else ""
        )
        joiner = (
            ""
            if not current or current.endswith("\n\n")
            else ("\n" if current.endswith("\n") else "\n\n")
        )
        outputs[plan.bib_path] = current + joiner + "\n".join(plan.new_entries)
    staged: list[tuple[str, Path]] = []
    try:
        for target, content in outputs.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".papershelf-", suffix=".tmp")
            staged.append((temp, target))
            try:
                stream = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
            except BaseException:
                os.close(fd)
                raise
            with stream:
                stream.write(content)
    except BaseException:
        for temp, _ in staged:
            os.unlink(temp)
        raise
    for temp, target in staged:
        os.replace(temp, target)
