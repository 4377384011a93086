""".bib text -> raw entries (bibtexparser v2 does the splitting), with every defect a Problem.

We run bibtexparser with an empty parse stack and evaluate values ourselves (`bibvalues`):
that is how we know which bare words were undefined macros, which months were unknown, and
where `#` concatenation happened, none of which its default middlewares report.

Every pass here is linear in the size of the text: line numbers are counted with a cursor that
only moves forward, a field that runs into the next (a forgotten comma) is read in a loop over
positions, and keys are looked up in dicts (`bench/fuzz_bib.py` prints the figures).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bibtexparser import model as bp

from .bibsplit import LineCounter, Split, parse, split
from .bibvalues import (
    EXPANSION_FACTOR,
    MONTH_MACROS,
    Macros,
    closing_brace,
    evaluate,
    read_value,
)
from .gcpause import collector_paused
from .model import Problem

__all__ = [
    "MONTH_MACROS",
    "BibFile",
    "Preamble",
    "RawEntry",
    "closing_brace",
    "evaluate",
    "read_bib",
]


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


@dataclass(frozen=True)
class Preamble:
    """An @preamble's text, its @string macros and `#` evaluated."""

    path: str
    line: int
    text: str


@dataclass
class BibFile:
    entries: list[RawEntry]
    problems: list[Problem]
    path: str = ""
    # The @string macros in effect after this file (the inherited ones too): what the next
    # file of the same bibliography starts with, as BibTeX reads `\bibliography{a,b}`.
    strings: Mapping[str, str] = field(default_factory=dict)
    defined: tuple[str, ...] = ()  # the @string names this file defines, lowercase
    preambles: list[Preamble] = field(default_factory=list)
    undefined: dict[Problem, str] = field(default_factory=dict)  # problem -> its macro


def read_bib(text: str, path: str, strings: Mapping[str, str] | None = None) -> BibFile:
    """Split and evaluate one .bib file, with the @string macros of the files read before it
    (`strings`, as an earlier `BibFile.strings` gives them). Never raises on bad content."""
    text = text.lstrip("\ufeff")
    out = BibFile([], [], path)
    previous: bp.Block | None = None
    with collector_paused():
        blocks = split(text, path, out.problems)
        macros = Macros.for_file(blocks.source, strings)
        reader = _Reader(path, macros, out, blocks)
        for block in blocks.blocks:
            reader.read(block, previous)
            previous = block
    out.strings = macros.values
    out.defined = tuple(dict.fromkeys(reader.defined))
    return out


# bibtexparser's own reading, which bibwriter compares its output with.
_split = parse


def _line(block: bp.Block) -> int:
    return (block.start_line or 0) + 1


class _Reader:
    """Turns the blocks of one file into raw entries and problems."""

    def __init__(self, path: str, macros: Macros, out: BibFile, blocks: Split) -> None:
        self.path, self.macros, self.out = path, macros, out
        self.text = blocks.text  # a value as the file has it
        self.expansion_reported = False
        self.defined: list[str] = []

    def problem(self, line: int, key: str | None, message: str, hint: str, code: str) -> None:
        self.out.problems.append(Problem(self.path, line, key, message, hint, code))

    def read(self, block: bp.Block, previous: bp.Block | None) -> None:
        # The exact type is looked up first: bibtexparser's blocks are ABCs, and a chain of
        # isinstance() checks cost more than the rest of reading a failed block.
        for kind in type(block).__mro__:
            if kind in _READERS:
                _READERS[kind](self, block, previous)
                return

    def string(self, block: bp.String) -> None:
        value, missing = evaluate(self.text(block.value), self.macros)
        self.macros_used(_line(block), None, missing)
        name = self.text(block.key)
        self.macros.define(name, value)
        self.defined.append(name.lower())

    def preamble(self, block: bp.Preamble) -> None:
        value, missing = evaluate(self.text(block.value), self.macros)
        self.macros_used(_line(block), None, missing)
        self.out.preambles.append(Preamble(self.path, _line(block), value))

    def failed(self, block: bp.ParsingFailedBlock) -> None:
        self.out.problems.append(_failed(self.text(block.raw), block, self.path))

    def stray_text(self, block: bp.ImplicitComment, previous: bp.Block | None) -> None:
        """Text between entries is a comment, unless it holds what BibTeX would misread.

        A `@` starts an entry for BibTeX even there, and a `}` is what is left when an entry
        was closed too early (so its remaining fields were lost).
        """
        if isinstance(previous, bp.ParsingFailedBlock):
            return  # the rest of an entry already reported as malformed
        comment = self.text(block.comment)
        lines = [ln for ln in comment.splitlines() if not ln.lstrip().startswith("%")]
        text = " ".join(" ".join(lines).split())
        if "@" not in text and "}" not in text:
            return
        offset = next((i for i, ln in enumerate(comment.splitlines()) if "@" in ln or "}" in ln), 0)
        after = self.text(previous.key) if isinstance(previous, bp.Entry) else None
        if "}" in text and after:
            message = f"text after the end of the entry was ignored: `{text[:60]}`"
            hint = "a `}` closed the entry too early; balance the braces of its fields"
        else:
            message, after = f"stray text outside any entry was ignored: `{text[:60]}`", None
            hint = (
                "an entry looks like @type{key, field = {value}, ...}; complete it or delete this"
            )
        self.problem(_line(block) + offset, after, message, hint, "stray-text")

    def entry(self, block: bp.Entry) -> None:
        """Read one entry, unless its key cannot name a page."""
        key = self.text(block.key)
        if not key.strip():
            self.problem(
                _line(block),
                None,
                "entry without a citation key was skipped",
                "write a key after the opening brace: @article{key, ...}",
                "missing-key",
            )
        elif not key.isprintable():
            invisible = next(ord(ch) for ch in key if not ch.isprintable())
            self.problem(
                _line(block),
                key[:200].encode("unicode_escape").decode("ascii"),
                f"citation key holds an invisible character (U+{invisible:04X}); the entry was "
                "skipped",
                "retype the key",
                "bad-key",
            )
        else:
            self.out.entries.append(self.raw_entry(block, key))

    def duplicate_block(self, block: bp.DuplicateBlockKeyBlock) -> None:
        entry = block.ignore_error_block
        if isinstance(entry, bp.Entry):
            # Kept under its own key for now: `name_duplicates` names it once every file's
            # keys are known, so that the new name is free in the whole bibliography.
            self.entry(entry)
            return
        self.problem(
            _line(block),
            None,
            f"@string '{self.text(block.key)[:60]}' is defined twice; the first definition is used",
            "delete or rename one of the two definitions",
            "duplicate-key",
        )

    def duplicate_fields(self, block: bp.DuplicateFieldKeyBlock) -> None:
        entry = block.ignore_error_block
        names = ", ".join(sorted(self.text(k)[:40] for k in block.duplicate_keys or ()))
        self.problem(
            _line(block),
            self.text(getattr(entry, "key", None)) or None,
            f"field given twice: {names[:200] or 'unknown'}; the first value is used",
            "delete the extra field",
            "duplicate-field",
        )
        if isinstance(entry, bp.Entry):
            first: dict[str, bp.Field] = {}
            for f in entry.fields:
                first.setdefault(f.key.lower(), f)
            entry.fields = list(first.values())
            self.entry(entry)

    def raw_entry(self, block: bp.Entry, key: str) -> RawEntry:
        raw = RawEntry(key, block.entry_type.lower(), {}, self.path, _line(block))
        for f in block.fields:
            name = self.text(f.key)
            field_line = f.start_line + 1
            if "%" in name:
                lines = name.splitlines()
                comment_line = field_line - (len(lines) - 1)
                name = lines[-1].strip()
                commented = name.startswith("%")  # `% journal = {J},`: the field itself
                ignored = f"; field '{name.lstrip('% ')[:40]}' was ignored" if commented else ""
                self.problem(
                    comment_line,
                    key,
                    f"`%` comment inside an entry (BibTeX does not treat it as a comment){ignored}",
                    "move the comment outside the entry or delete it",
                    "comment-in-entry",
                )
                if commented:
                    continue
            name = name.strip().lower()
            if not _FIELD_NAME.match(name):
                self.problem(
                    field_line,
                    key,
                    f"malformed field name '{name[:40]}'; the field was ignored",
                    "a field looks like name = {value}, separated by commas",
                    "malformed-field",
                )
                continue
            self.add_field(raw, name, self.text(f.value).strip(), field_line)
        return raw

    def add_field(self, raw: RawEntry, name: str, text: str, line: int) -> None:
        """Evaluate one field. `title = {A}` NEWLINE `year = 2020` is a forgotten comma, not
        one field: each field that follows that way is read in turn, from where the value
        before it ended (one pass over the text, however many commas are missing)."""
        pos, first_line, line_of = 0, line, LineCounter(text)
        while True:
            value = read_value(text, pos, self.macros)
            if value.missing or self.macros.refused:
                self.macros_used(line, raw.key, value.missing, name)
            if name == "month" and text[pos : value.end].strip().lower() in MONTH_MACROS:
                raw.month_macro = True
            rest = _NOT_SPACE.search(text, value.end) if value.end < len(text) else None
            following = _NEXT_FIELD.match(text, rest.start()) if rest else None
            if value.missing:  # `journal = jmlr year = 2020`: not read as two fields
                following = None
            if name not in raw.fields:  # a name seen twice: only after a missing comma
                appended = text[rest.start() :] if rest and not following else ""
                raw.fields[name] = value.text + appended
                raw.field_lines[name] = line
            if rest is None:
                return
            rest_line = first_line + line_of(rest.start()) - 1
            if following is None:
                if not value.missing:
                    self.problem(
                        rest_line,
                        raw.key,
                        f"text after the value of field '{name}' was appended: "
                        f"`{text[rest.start() : rest.start() + 40]}`",
                        "join parts with `#`, or put the whole value in braces",
                        "malformed-field",
                    )
                return
            name, line, pos = following.group(1).lower(), rest_line, following.end()
            self.problem(
                line,
                raw.key,
                f"missing comma before field '{name[:40]}'",
                "put a comma after each field's value",
                "missing-comma",
            )

    def macros_used(
        self, line: int, key: str | None, missing: Iterable[str], name: str = ""
    ) -> None:
        where = f" in field '{name}'" if name else ""
        for macro in missing:
            problem = Problem(
                self.path,
                line,
                key,
                f"undefined @string macro '{macro[:60]}'{where}; shown as written",
                f'define it with @string{{{macro[:60]} = "..."}} or put the value in braces',
                "undefined-macro",
            )
            self.out.problems.append(problem)
            self.out.undefined[problem] = macro.lower()
        if self.macros.refused and not self.expansion_reported:
            self.expansion_reported = True
            self.problem(
                line,
                key,
                f"@string macros expand to more than {EXPANSION_FACTOR} times the file's size; "
                f"'{self.macros.refused[:60]}'{where} and every later macro use are shown "
                "as written",
                "a macro defined from itself (`@string{b = a # a}`) doubles with each "
                "definition; write the value out instead",
                "macro-too-large",
            )


_READERS: dict[type, Callable[[_Reader, Any, bp.Block | None], None]] = {
    bp.Entry: lambda reader, block, _: reader.entry(block),
    bp.ParsingFailedBlock: lambda reader, block, _: reader.failed(block),
    bp.ImplicitComment: lambda reader, block, previous: reader.stray_text(block, previous),
    bp.String: lambda reader, block, _: reader.string(block),
    bp.Preamble: lambda reader, block, _: reader.preamble(block),
    bp.DuplicateFieldKeyBlock: lambda reader, block, _: reader.duplicate_fields(block),
    bp.DuplicateBlockKeyBlock: lambda reader, block, _: reader.duplicate_block(block),
}
_FIELD_NAME = re.compile(r"^[a-z_][\w\-:.+]*+$")
_NEXT_FIELD = re.compile(r"([A-Za-z_][\w\-:.+]*+)\s*+=")
_NOT_SPACE = re.compile(r"\S")


# The key of an entry that failed; not a `@`, which starts the next block when the key is missing.
_FAILED_KEY = re.compile(r"\s*+@\s*+\w++\s*+[{(]\s*+([^,\s=@]+)")


def _failed(raw: str, block: bp.ParsingFailedBlock, path: str) -> Problem:
    reason = getattr(block.error, "abort_reason", "") or str(block.error) or "syntax error"
    key_match = _FAILED_KEY.match(raw)
    key = key_match.group(1)[:200] if key_match else None
    unclosed = _unclosed(raw, _line(block)) if key_match else None
    if unclosed is not None:
        field, line = unclosed
        # `{C:\}` reads as an escaped brace: say so, or the `}` seems to be there.
        escaped = "; `\\}` is an escaped brace, `\\\\}` a backslash" if "\\}" in raw else ""
        if field:
            return Problem(
                path,
                line,
                key,
                f"malformed entry skipped: the value of field '{field[:40]}' is never closed",
                f"add the missing `}}` at the end of its value{escaped}",
                "malformed-entry",
            )
        return Problem(
            path,
            _line(block),
            key,
            "malformed entry skipped: the entry is never closed",
            f"add the missing `}}` after its last field{escaped}",
            "malformed-entry",
        )
    first_line = raw.strip().splitlines()[0][:60] if raw.strip() else ""
    return Problem(
        path,
        _line(block),
        key,
        f"malformed entry skipped: {' '.join(reason.split())[:200]} (starts `{first_line}`)",
        "check the braces, quotes and commas of this entry",
        "malformed-entry",
    )


# In an entry that never closes: a field name with its `= {`, or any other word (taken whole,
# so a long word is passed over once, not tried at each of its letters).
_UNCLOSED_MARKS = re.compile(r"\\.|[{}\n]|([A-Za-z_][\w\-:.+]*+)(\s*+=\s*+\{)?", re.DOTALL)
_NEXT_LINE_FIELD = re.compile(r"[ \t]*+[A-Za-z_][\w\-:.+]*+[ \t]*+=")


def _unclosed(raw: str, first_line: int) -> tuple[str, int] | None:
    """(field, line) whose `{` value is never closed, ("", 0) when only the entry's own brace
    is missing, None when the braces balance (the entry failed for another reason)."""
    start = raw.find("{")
    if start < 0:
        return None
    depth, field, field_line, line = 1, "", 0, first_line + raw.count("\n", 0, start)
    for m in _UNCLOSED_MARKS.finditer(raw, start + 1):
        token = m.group()
        if m.group(1) is not None:
            if depth == 1 and m.group(2):
                field, field_line, depth = m.group(1).lower(), line, 2
                line += m.group(2).count("\n")
        elif token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth == 0:
                return None
        elif token == "\n":
            if depth > 1 and _NEXT_LINE_FIELD.match(raw, m.end()):
                return field, field_line  # the next field starts inside this value
            line += 1
        elif token == "\\\n":
            line += 1
    return (field, field_line) if depth > 1 else ("", 0)
