"""BibTeX value syntax -> text: braces, quotes, numbers, @string macros and `#` concatenation.

A backslash escapes the character after it, as in LaTeX and bibtexparser: `\\}` is a literal
brace, `\\\\}` an escaped backslash and then the closing brace (`{C:\\\\}` reads `C:\\\\`).

Every function here walks its text once, from left to right, without re-slicing what is left,
and macro expansion is bounded by the file's size: a value costs time linear in its length
however it is written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

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

# `@string{b = a # a}` doubles a value, so forty such lines describe a terabyte. Expansion may
# add at most EXPANSION_FACTOR times the file's size plus EXPANSION_ALLOWANCE characters. A
# real file stays well inside: a 20,000-entry DBLP export with 170-character venue macros
# expands by 3.4 MB for 8 MB of text, and even 2,000 entries of one line each, every one
# naming a 150-character venue, by less than 4 times their size.
EXPANSION_FACTOR = 4
EXPANSION_ALLOWANCE = 1_000_000


class Macros:
    """The @string macros known so far in one file, and how much expansion is still allowed."""

    def __init__(self, values: Mapping[str, str], budget: int | None = None) -> None:
        self.values = dict(values)
        self.budget = budget  # characters expansion may still add; None: no limit
        self.refused = ""  # the first macro left unexpanded because the budget ran out

    @classmethod
    def for_file(cls, text: str, inherited: Mapping[str, str] | None = None) -> Macros:
        """The macros a file starts with: the month names, then those of the files read
        before it. Its budget is its own size's: each file's expansion is bounded by it."""
        values = {**MONTH_MACROS, **inherited} if inherited else MONTH_MACROS
        return cls(values, EXPANSION_FACTOR * len(text) + EXPANSION_ALLOWANCE)

    def define(self, name: str, value: str) -> None:
        self.values[name.lower()] = value

    def expand(self, name: str) -> str | None:
        """The macro's text (None if undefined); the name as written once the budget is spent."""
        value = self.values.get(name.lower())
        if value is None or self.budget is None:
            return value
        if len(value) > self.budget:
            self.refused = self.refused or name
            self.budget = 0  # and every later use too, as the problem reported says
            return name
        self.budget -= len(value)
        return value


@dataclass(frozen=True)
class Value:
    """A value read from the start of a field's text."""

    text: str
    missing: tuple[str, ...]  # undefined macros, kept as written
    end: int  # where the value ends in the source; anything after it is not part of it


_PART = re.compile(r'\s*+(?:(\{)|(")|(\d+)\b|([^\s#{}"]+))')
_HASH = re.compile(r"\s*+#")


def read_value(source: str, pos: int, macros: Macros) -> Value:
    """Read the value that starts at `pos`: parts joined by `#`, up to the first part that is
    not followed by one."""
    if pos == 0 and source.startswith("{") and source.endswith("}"):
        # The common case, one braced value (checked cheaply when it holds no other brace).
        inner = source[1:-1]
        if ("{" not in inner and "}" not in inner) or closing_brace(source, 0) == len(source) - 1:
            return Value(inner, (), len(source))
    parts: list[str] = []
    missing: list[str] = []
    while True:
        m = _PART.match(source, pos)
        if not m:  # a stray `#`, `}` or nothing: what is left is text
            tail = source[pos:].strip()
            return Value("".join(parts) + tail, tuple(missing), len(source))
        if m.group(1):
            close = _matching_brace(source, m.start(1))
            parts.append(source[m.start(1) + 1 : close])
            pos = close + 1
        elif m.group(2):
            close = _closing_quote(source, m.start(2))
            parts.append(source[m.start(2) + 1 : close])
            pos = min(close + 1, len(source))
        elif m.group(3):
            parts.append(m.group(3))
            pos = m.end()
        else:
            name = m.group(4)
            expanded = macros.expand(name)
            if expanded is None:
                missing.append(name)
            parts.append(name if expanded is None else expanded)
            pos = m.end()
        hash_match = _HASH.match(source, pos)
        if not hash_match:
            return Value("".join(parts), tuple(missing), pos)
        pos = hash_match.end()


def evaluate(value: str, strings: Mapping[str, str] | Macros) -> tuple[str, list[str]]:
    """Evaluate a raw BibTeX value: the text (with anything after a complete value appended)
    and the names of undefined macros (kept as written)."""
    macros = strings if isinstance(strings, Macros) else Macros(strings)
    value = value.strip()
    read = read_value(value, 0, macros)
    return read.text + value[read.end :].strip(), list(read.missing)


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


_QUOTE_MARKS = re.compile(r'\\.|[{}"]', re.DOTALL)


def _closing_quote(text: str, start: int) -> int:
    """Index of the `"` closing the one at `start` outside braces (len(text) if none)."""
    depth = 0
    for m in _QUOTE_MARKS.finditer(text, start + 1):
        char = m.group()
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            return m.start()
    return len(text)
