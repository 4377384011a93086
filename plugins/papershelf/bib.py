""".bib text -> raw entries (bibtexparser v2 does the splitting), with every defect a Problem.

We run bibtexparser with an empty parse stack and evaluate values ourselves: that is how we
know which bare words were undefined macros, which months were unknown, and where `#`
concatenation happened, none of which its default middlewares report.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import bibtexparser
from bibtexparser import model as bp

from .model import Problem

MONTH_MACROS = {
    "jan": "1", "feb": "2", "mar": "3", "apr": "4", "may": "5", "jun": "6",
    "jul": "7", "aug": "8", "sep": "9", "oct": "10", "nov": "11", "dec": "12",
}  # fmt: skip


@dataclass
class RawEntry:
    """An entry after @string and `#` evaluation, before any LaTeX decoding."""

    key: str
    entry_type: str
    fields: dict[str, str]
    path: str
    line: int
    field_lines: dict[str, int] = field(default_factory=dict)
    month_macro: bool = False

    def where(self, name: str | None = None) -> int:
        return self.field_lines.get(name, self.line) if name else self.line


@dataclass
class BibFile:
    entries: list[RawEntry]
    problems: list[Problem]


def read_bib(text: str, path: str) -> BibFile:
    """Split and evaluate one .bib file. Never raises on bad content."""
    text = text.lstrip("\ufeff")
    library = _split(text)
    out = BibFile([], [])
    strings: dict[str, str] = dict(MONTH_MACROS)
    for block in library.blocks:
        if isinstance(block, bp.String):
            value, missing = evaluate(block.value, strings)
            _report_macros(out, path, _line(block), None, missing)
            strings[block.key.lower()] = value
        elif isinstance(block, bp.Entry) and not block.key.strip():
            out.problems.append(Problem(
                path, _line(block), None, "entry without a citation key was skipped",
                "write a key after the opening brace: @article{key, ...}", "missing-key"))  # fmt: skip
        elif isinstance(block, bp.Entry):
            out.entries.append(_entry(block, path, strings, out))
        elif isinstance(block, bp.DuplicateFieldKeyBlock):
            _duplicate_fields(block, path, strings, out)
        elif isinstance(block, bp.DuplicateBlockKeyBlock):
            out.problems.append(Problem(
                path, _line(block), block.key,
                "duplicate citation key; this second entry was skipped",
                "rename one of the two entries", "duplicate-key"))  # fmt: skip
        elif isinstance(block, bp.ParsingFailedBlock):
            out.problems.append(_failed(block, path))
    return out


def _split(text: str) -> bibtexparser.Library:
    # bibtexparser logs its own parse errors; we report them as Problems instead.
    loggers = [logging.getLogger(n) for n in ("bibtexparser.splitter", "bibtexparser.entrypoint")]
    previous = [lg.disabled for lg in loggers]
    for lg in loggers:
        lg.disabled = True
    try:
        return bibtexparser.parse_string(text, parse_stack=[])
    finally:
        for lg, was in zip(loggers, previous, strict=True):
            lg.disabled = was


def _line(block: bp.Block) -> int:
    return (block.start_line or 0) + 1


def _failed(block: bp.ParsingFailedBlock, path: str) -> Problem:
    reason = getattr(block.error, "abort_reason", "") or str(block.error) or "syntax error"
    raw = block.raw or ""
    key_match = re.match(r"\s*@\s*\w+\s*[{(]\s*([^,\s=]+)", raw)
    key = key_match.group(1) if key_match else None
    first_line = raw.strip().splitlines()[0][:60] if raw.strip() else ""
    return Problem(
        path, _line(block), key,
        f"malformed entry skipped: {' '.join(reason.split())} (starts `{first_line}`)",
        "check the braces, quotes and commas of this entry", "malformed-entry")  # fmt: skip


def _entry(block: bp.Entry, path: str, strings: dict[str, str], out: BibFile) -> RawEntry:
    raw = RawEntry(block.key, block.entry_type.lower(), {}, path, _line(block))
    for f in block.fields:
        name = f.key
        field_line = f.start_line + 1
        if "%" in name:
            lines = name.splitlines()
            comment_line = field_line - (len(lines) - 1)
            name = lines[-1].strip()
            out.problems.append(Problem(
                path, comment_line, block.key,
                "`%` comment inside an entry (BibTeX does not treat it as a comment)",
                "move the comment outside the entry or delete it", "comment-in-entry"))  # fmt: skip
        name = name.strip().lower()
        value, missing = evaluate(f.value, strings)
        _report_macros(out, path, field_line, block.key, missing, name)
        if name == "month" and f.value.strip().lower() in MONTH_MACROS:
            raw.month_macro = True
        if name in raw.fields:  # only possible after a `%` repair merged two names
            continue
        raw.fields[name] = value
        raw.field_lines[name] = field_line
    return raw


def _duplicate_fields(
    block: bp.DuplicateFieldKeyBlock, path: str, strings: dict[str, str], out: BibFile
) -> None:
    entry = block.ignore_error_block
    names = ", ".join(sorted(getattr(block, "duplicate_keys", set()) or []))
    out.problems.append(Problem(
        path, _line(block), getattr(entry, "key", None),
        f"field given twice: {names or 'unknown'}; the first value is used",
        "delete the extra field", "duplicate-field"))  # fmt: skip
    if isinstance(entry, bp.Entry):
        first: dict[str, bp.Field] = {}
        for f in entry.fields:
            first.setdefault(f.key.lower(), f)
        entry.fields = list(first.values())
        out.entries.append(_entry(entry, path, strings, out))


def _report_macros(
    out: BibFile, path: str, line: int, key: str | None, missing: list[str], name: str = ""
) -> None:
    for macro in missing:
        where = f" in field '{name}'" if name else ""
        out.problems.append(Problem(
            path, line, key, f"undefined @string macro '{macro}'{where}; shown as written",
            f"define it with @string{{{macro} = \"...\"}} or put the value in braces",
            "undefined-macro"))  # fmt: skip


_PART = re.compile(r'\s*(?:(\{)|(")|(\d+)\b|([^\s#{}"]+))')


def evaluate(value: str, strings: dict[str, str]) -> tuple[str, list[str]]:
    """Evaluate a raw BibTeX value: braces, quotes, numbers, macros and `#` concatenation.

    Returns the text and the names of undefined macros (kept as written).
    """
    value = value.strip()
    if value.startswith("{") and value.endswith("}"):
        inner = value[1:-1]
        # The common case: one braced value (checked cheaply when it holds no braces).
        if ("{" not in inner and "}" not in inner) or _matching_brace(value, 0) == len(value) - 1:
            return inner, []
    parts: list[str] = []
    missing: list[str] = []
    pos = 0
    while pos < len(value):
        m = _PART.match(value, pos)
        if not m:
            parts.append(value[pos:].strip())
            break
        if m.group(1):
            end = _matching_brace(value, m.start(1))
            parts.append(value[m.start(1) + 1 : end])
            pos = end + 1
        elif m.group(2):
            end = _closing_quote(value, m.start(2))
            parts.append(value[m.start(2) + 1 : end])
            pos = end + 1
        elif m.group(3):
            parts.append(m.group(3))
            pos = m.end()
        else:
            name = m.group(4)
            if name.lower() in strings:
                parts.append(strings[name.lower()])
            else:
                missing.append(name)
                parts.append(name)
            pos = m.end()
        hash_match = re.match(r"\s*#", value[pos:])
        if not hash_match:
            rest = value[pos:].strip()
            if rest:
                parts.append(rest)
            break
        pos += hash_match.end()
    return "".join(parts), missing


_BRACE = re.compile(r"\\.|[{}]", re.DOTALL)


def _matching_brace(text: str, start: int) -> int:
    """Index of the brace closing the one at `start` (or the last index if unbalanced)."""
    depth = 0
    for m in _BRACE.finditer(text, start):
        char = m.group()
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return m.start()
    return len(text) - 1


def _closing_quote(text: str, start: int) -> int:
    depth = 0
    for i in range(start + 1, len(text)):
        char = text[i]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0 and text[i - 1] != "\\":
            return i
    return len(text)
