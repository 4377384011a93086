""".bib text -> raw entries (bibtexparser v2 does the splitting), with every defect a Problem.

We run bibtexparser with an empty parse stack and evaluate values ourselves: that is how we
know which bare words were undefined macros, which months were unknown, and where `#`
concatenation happened, none of which its default middlewares report.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace

import bibtexparser
from bibtexparser import model as bp

from .model import Problem

MONTH_MACROS = {
    "jan": "1",
    "feb": "2",
    "mar": "3",
    "apr": "4",
    "may": "5",
    "jun": "6",
    "jul": "7",
    "aug": "8",
    "sep": "9",
    "oct": "10",
    "nov": "11",
    "dec": "12",
}


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
    # bibtexparser does not count a line break after a backslash (`\\` ending an abstract's
    # line), so every later line number would be off by one. `\<space>` means the same in TeX.
    text = text.lstrip("\ufeff").replace("\\\n", "\\ \n")
    out = BibFile([], [])
    library = _split(_blank_comments(text, path, out.problems))
    strings: dict[str, str] = dict(MONTH_MACROS)
    previous: bp.Block | None = None
    for block in library.blocks:
        if isinstance(block, bp.ImplicitComment):
            _stray_text(block, previous, path, out)
        elif isinstance(block, bp.String):
            value, missing = evaluate(block.value, strings)
            _report_macros(out, path, _line(block), None, missing)
            strings[block.key.lower()] = value
        elif isinstance(block, bp.Entry):
            _add_entry(block, path, strings, out)
        elif isinstance(block, bp.DuplicateFieldKeyBlock):
            _duplicate_fields(block, path, strings, out)
        elif isinstance(block, bp.DuplicateBlockKeyBlock):
            _duplicate_entry(block, path, strings, out)
        elif isinstance(block, bp.ParsingFailedBlock):
            out.problems.append(_failed(block, path))
        previous = block
    return out


_COMMENT_START = re.compile(r"@\s*comment\s*\{", re.IGNORECASE)


def _blank_comments(text: str, path: str, problems: list[Problem]) -> str:
    """Blank out `@comment{...}` blocks, keeping line breaks so line numbers hold.

    biber and JabRef skip the whole brace-balanced block, so an entry "commented out" by
    wrapping it in @comment stays out (bibtexparser would read it); the entry is reported, so
    that nothing leaves the site without a word.
    """
    if "@" not in text or not _COMMENT_START.search(text):
        return text
    out, pos = [], 0
    for match in _COMMENT_START.finditer(text):
        if match.start() < pos:
            continue  # inside a comment already blanked
        close = closing_brace(text, match.end() - 1)
        if close is None:
            break  # never closed: leave it for the parser to report
        end = close + 1
        for inner in _ENTRY_START.finditer(text, match.end(), end):
            problems.append(
                Problem(
                    path,
                    text.count("\n", 0, inner.start()) + 1,
                    inner.group(2) or None,
                    f"entry inside @comment{{...}} is not read: `{inner.group(1)}...`",
                    "delete the @comment wrapper to publish it, or the entry to silence this",
                    "commented-entry",
                )
            )
        out.append(text[pos : match.start()])
        out.append(re.sub(r"[^\n]", " ", text[match.start() : end]))
        pos = end
    out.append(text[pos:])
    return "".join(out)


_ENTRY_START = re.compile(r"(@\s*(?!comment\b)[A-Za-z]+\s*[{(]\s*([^,\s{}()]*))", re.IGNORECASE)


def _duplicate_entry(
    block: bp.DuplicateBlockKeyBlock, path: str, strings: dict[str, str], out: BibFile
) -> None:
    entry = block.ignore_error_block
    first = next((e for e in out.entries if e.key == block.key), None)
    if not isinstance(entry, bp.Entry) or first is None:
        out.problems.append(
            Problem(
                path,
                _line(block),
                block.key,
                "duplicate citation key; this second entry was skipped",
                "rename one of the two entries",
                "duplicate-key",
            )
        )
        return
    raw = _entry(entry, path, strings, out)
    kept = keep_duplicate(raw, first, {e.key for e in out.entries}, out.problems)
    if kept is not None:
        out.entries.append(kept)


def keep_duplicate(
    raw: RawEntry, first: RawEntry, taken: set[str], problems: list[Problem]
) -> RawEntry | None:
    """A second entry with a key already used: the same entry again is dropped; another
    paper is kept under `key-2` (reported), so no paper is lost to a key clash."""
    where = f"{first.path}:{first.line}"
    if (raw.entry_type, raw.fields) == (first.entry_type, first.fields):
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
        return None
    n = 2
    while f"{raw.key}-{n}" in taken:
        n += 1
    new_key = f"{raw.key}-{n}"
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
    return replace(raw, key=new_key)


def _stray_text(
    block: bp.ImplicitComment, previous: bp.Block | None, path: str, out: BibFile
) -> None:
    """Text between entries is a comment, unless it holds what BibTeX would misread.

    A `@` starts an entry for BibTeX even there, and a `}` is what is left when an entry
    was closed too early (so its remaining fields were lost).
    """
    if isinstance(previous, bp.ParsingFailedBlock):
        return  # the rest of an entry already reported as malformed
    lines = [ln for ln in (block.comment or "").splitlines() if not ln.lstrip().startswith("%")]
    text = " ".join(" ".join(lines).split())
    if "@" not in text and "}" not in text:
        return
    offset = next(
        (i for i, ln in enumerate((block.comment or "").splitlines()) if "@" in ln or "}" in ln), 0
    )
    after = getattr(previous, "key", None) if isinstance(previous, bp.Entry) else None
    if "}" in text and after:
        message = f"text after the end of the entry was ignored: `{text[:60]}`"
        hint = "a `}` closed the entry too early; balance the braces of its fields"
    else:
        message, after = f"stray text outside any entry was ignored: `{text[:60]}`", None
        hint = "an entry looks like @type{key, field = {value}, ...}; complete it or delete this"
    out.problems.append(Problem(path, _line(block) + offset, after, message, hint, "stray-text"))


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


def _add_entry(block: bp.Entry, path: str, strings: dict[str, str], out: BibFile) -> None:
    """Read one entry, unless its key cannot name a page."""
    if not block.key.strip():
        out.problems.append(
            Problem(
                path,
                _line(block),
                None,
                "entry without a citation key was skipped",
                "write a key after the opening brace: @article{key, ...}",
                "missing-key",
            )
        )
    elif not block.key.isprintable():
        invisible = next(ord(ch) for ch in block.key if not ch.isprintable())
        out.problems.append(
            Problem(
                path,
                _line(block),
                block.key.encode("unicode_escape").decode("ascii"),
                f"citation key holds an invisible character (U+{invisible:04X}); the entry was "
                "skipped",
                "retype the key",
                "bad-key",
            )
        )
    else:
        out.entries.append(_entry(block, path, strings, out))


def _line(block: bp.Block) -> int:
    return (block.start_line or 0) + 1


def _failed(block: bp.ParsingFailedBlock, path: str) -> Problem:
    reason = getattr(block.error, "abort_reason", "") or str(block.error) or "syntax error"
    raw = block.raw or ""
    key_match = re.match(r"\s*@\s*\w+\s*[{(]\s*([^,\s=]+)", raw)
    key = key_match.group(1) if key_match else None
    unclosed = _unclosed(raw, _line(block)) if key_match else None
    if unclosed is not None:
        field, line = unclosed
        if field:
            return Problem(
                path,
                line,
                key,
                f"malformed entry skipped: the value of field '{field}' is never closed",
                "add the missing `}` at the end of its value",
                "malformed-entry",
            )
        return Problem(
            path,
            _line(block),
            key,
            "malformed entry skipped: the entry is never closed",
            "add the missing `}` after its last field",
            "malformed-entry",
        )
    first_line = raw.strip().splitlines()[0][:60] if raw.strip() else ""
    return Problem(
        path,
        _line(block),
        key,
        f"malformed entry skipped: {' '.join(reason.split())} (starts `{first_line}`)",
        "check the braces, quotes and commas of this entry",
        "malformed-entry",
    )


_FIELD_START = re.compile(r"([A-Za-z_][\w\-:.+]*)\s*=\s*\{")
_NEXT_LINE_FIELD = re.compile(r"[ \t]*[A-Za-z_][\w\-:.+]*[ \t]*=")


def _unclosed(raw: str, first_line: int) -> tuple[str, int] | None:
    """(field, line) whose `{` value is never closed, ("", 0) when only the entry's own brace
    is missing, None when the braces balance (the entry failed for another reason)."""
    start = raw.find("{")
    if start < 0:
        return None
    depth, field, field_line, pos = 1, "", 0, start + 1
    while pos < len(raw):
        ch = raw[pos]
        if ch == "\\":
            pos += 2
            continue
        if depth == 1 and ch.isalpha():
            m = _FIELD_START.match(raw, pos)
            if m:
                field, field_line = m.group(1).lower(), first_line + raw.count("\n", 0, pos)
                depth, pos = 2, m.end()
                continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return None
        elif ch == "\n" and depth > 1 and _NEXT_LINE_FIELD.match(raw, pos + 1):
            return field, field_line  # the next field starts inside this value
        pos += 1
    return (field, field_line) if depth > 1 else ("", 0)


def _entry(block: bp.Entry, path: str, strings: dict[str, str], out: BibFile) -> RawEntry:
    raw = RawEntry(block.key, block.entry_type.lower(), {}, path, _line(block))
    for f in block.fields:
        name = f.key
        field_line = f.start_line + 1
        if "%" in name:
            lines = name.splitlines()
            comment_line = field_line - (len(lines) - 1)
            name = lines[-1].strip()
            commented = name.startswith("%")  # `% journal = {J},`: the field itself
            ignored = f"; field '{name.lstrip('% ')[:40]}' was ignored" if commented else ""
            out.problems.append(
                Problem(
                    path,
                    comment_line,
                    block.key,
                    f"`%` comment inside an entry (BibTeX does not treat it as a comment){ignored}",
                    "move the comment outside the entry or delete it",
                    "comment-in-entry",
                )
            )
            if commented:
                continue
        name = name.strip().lower()
        if not _FIELD_NAME.match(name):
            out.problems.append(
                Problem(
                    path,
                    field_line,
                    block.key,
                    f"malformed field name '{name[:40]}'; the field was ignored",
                    "a field looks like name = {value}, separated by commas",
                    "malformed-field",
                )
            )
            continue
        _add_field(raw, name, f.value, field_line, strings, out)
    return raw


_FIELD_NAME = re.compile(r"^[a-z_][\w\-:.+]*$")
_NEXT_FIELD = re.compile(r"([A-Za-z_][\w\-:.+]*)\s*=(.*)\Z", re.DOTALL)


def _add_field(
    raw: RawEntry, name: str, text: str, line: int, strings: dict[str, str], out: BibFile
) -> None:
    value, missing, rest = _evaluate(text, strings)
    _report_macros(out, raw.path, line, raw.key, missing, name)
    if name == "month" and text.strip().lower() in MONTH_MACROS:
        raw.month_macro = True
    if rest and not missing:
        rest_line = line + text[: len(text) - len(text.lstrip())].count("\n")
        rest_line += text.strip()[: -len(rest)].count("\n")
        following = _NEXT_FIELD.match(rest)
        if following:
            # `title = {A}` NEWLINE `year = 2020`: the comma was forgotten, not the field.
            out.problems.append(
                Problem(
                    raw.path,
                    rest_line,
                    raw.key,
                    f"missing comma before field '{following.group(1).lower()}'",
                    "put a comma after each field's value",
                    "missing-comma",
                )
            )
            value = value[: len(value) - len(rest)]
            _add_field(raw, following.group(1).lower(), following.group(2), rest_line, strings, out)
        else:
            out.problems.append(
                Problem(
                    raw.path,
                    rest_line,
                    raw.key,
                    f"text after the value of field '{name}' was appended: `{rest[:40]}`",
                    "join parts with `#`, or put the whole value in braces",
                    "malformed-field",
                )
            )
    if name in raw.fields:  # only possible after a `%` repair or a missing comma
        return
    raw.fields[name] = value
    raw.field_lines[name] = line


def _duplicate_fields(
    block: bp.DuplicateFieldKeyBlock, path: str, strings: dict[str, str], out: BibFile
) -> None:
    entry = block.ignore_error_block
    names = ", ".join(sorted(getattr(block, "duplicate_keys", set()) or []))
    out.problems.append(
        Problem(
            path,
            _line(block),
            getattr(entry, "key", None),
            f"field given twice: {names or 'unknown'}; the first value is used",
            "delete the extra field",
            "duplicate-field",
        )
    )
    if isinstance(entry, bp.Entry):
        first: dict[str, bp.Field] = {}
        for f in entry.fields:
            first.setdefault(f.key.lower(), f)
        entry.fields = list(first.values())
        _add_entry(entry, path, strings, out)


def _report_macros(
    out: BibFile, path: str, line: int, key: str | None, missing: list[str], name: str = ""
) -> None:
    for macro in missing:
        where = f" in field '{name}'" if name else ""
        out.problems.append(
            Problem(
                path,
                line,
                key,
                f"undefined @string macro '{macro}'{where}; shown as written",
                f'define it with @string{{{macro} = "..."}} or put the value in braces',
                "undefined-macro",
            )
        )


_PART = re.compile(r'\s*(?:(\{)|(")|(\d+)\b|([^\s#{}"]+))')


def evaluate(value: str, strings: dict[str, str]) -> tuple[str, list[str]]:
    """Evaluate a raw BibTeX value: braces, quotes, numbers, macros and `#` concatenation.

    Returns the text and the names of undefined macros (kept as written).
    """
    text, missing, _ = _evaluate(value, strings)
    return text, missing


def _evaluate(value: str, strings: dict[str, str]) -> tuple[str, list[str], str]:
    """`evaluate`, plus any text that followed a complete value without a `#` (appended)."""
    value = value.strip()
    if value.startswith("{") and value.endswith("}"):
        inner = value[1:-1]
        # The common case: one braced value (checked cheaply when it holds no braces).
        if ("{" not in inner and "}" not in inner) or _matching_brace(value, 0) == len(value) - 1:
            return inner, [], ""
    parts: list[str] = []
    rest = ""
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
    return "".join(parts), missing, rest


_BRACE = re.compile(r"\\.|[{}]", re.DOTALL)


def closing_brace(text: str, start: int) -> int | None:
    """Index of the brace closing the one at `start`, or None if it is never closed."""
    depth = 0
    for m in _BRACE.finditer(text, start):
        char = m.group()
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return m.start()
    return None


def _matching_brace(text: str, start: int) -> int:
    """Index of the brace closing the one at `start` (or the last index if unbalanced)."""
    end = closing_brace(text, start)
    return len(text) - 1 if end is None else end


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
