""".bib text -> bibtexparser's blocks, with the splitter's quirks worked around.

bibtexparser v2 splits the file; where it reads the text differently from BibTeX, it is handed
a copy in which the characters it would misread are swapped for stand-ins (characters the
text does not hold), and `Split.text` swaps them back in what it returns. Positions and line
breaks are unchanged, so its line numbers hold.

- It takes a backslash before a brace, quote, comma, `=` or line break as an escape by looking
  one character back, so `{C:\\\\}` (an escaped backslash, then the closing brace) never
  closes, and a line that ends in a backslash is not counted. The last backslash of such an
  even run, and any backslash before a line break, is swapped.
- Inside a quoted value it ignores braces, so the `"` of `"a {b "c"} d"` ends the value,
  where BibTeX reads it as text. A quote inside braces inside quotes is swapped.
- It reads the entries inside `@comment{...}`, which biber and JabRef skip: such blocks are
  blanked (line breaks kept), and each entry in one is reported.

Jekyll's front matter (`---` lines at the top, which al-folio's `_bibliography/papers.bib`
carries so that Jekyll processes the file) is blanked the same way: it is not BibTeX, and a
`@` or `}` in it would be reported as stray text.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cached_property

import bibtexparser
from bibtexparser import model as bp

from .bibvalues import closing_brace
from .model import Problem


@dataclass(frozen=True)
class Split:
    source: str  # the text read, `@comment{...}` blocks blanked
    blocks: list[bp.Block]
    stand_ins: dict[int, str]  # stand-in code point -> the character it replaced

    def text(self, value: str | None) -> str:
        """`value` as the file has it."""
        value = value or ""
        if self.stand_ins and self._marks.search(value):
            return value.translate(self.stand_ins)
        return value

    @cached_property
    def _marks(self) -> re.Pattern[str]:
        # One search for any stand-in: a generator over them cost 0.4 s on 10,000 entries.
        return re.compile("[" + "".join(map(chr, self.stand_ins)) + "]")


def split(text: str, path: str, problems: list[Problem]) -> Split:
    """The blocks of `text` (an entry in `@comment{...}` is reported in `problems`)."""
    source = _blank_comments(_blank_front_matter(text), path, problems)
    stand_ins: dict[int, str] = {}
    shielded = _swap_quotes(_swap_backslashes(source, stand_ins), stand_ins)
    return Split(source, parse(shielded).blocks, stand_ins)


class LineCounter:
    """1-based line numbers of positions in `text`, asked in increasing order (any order
    works, but only a forward cursor keeps thousands of questions linear)."""

    def __init__(self, text: str) -> None:
        self.text, self.pos, self.line = text, 0, 1

    def __call__(self, pos: int) -> int:
        if pos < self.pos:
            self.pos, self.line = 0, 1
        self.line += self.text.count("\n", self.pos, pos)
        self.pos = pos
        return self.line


_FRONT_MATTER = re.compile(r"---[ \t]*+\r?\n(?:.*?\n)??---[ \t]*+(?=\r?\n|$)", re.DOTALL)


def _blank_front_matter(text: str) -> str:
    """The text with Jekyll front matter at its very start blanked (line breaks kept)."""
    if not text.startswith("---"):
        return text
    m = _FRONT_MATTER.match(text)
    if m is None:
        return text
    return re.sub(r"[^\r\n]", " ", m.group()) + text[m.end() :]


_COMMENT_START = re.compile(r"@\s*+comment\s*+\{", re.IGNORECASE)
_ENTRY_START = re.compile(
    r"(@\s*+(?!comment\b)[A-Za-z]++\s*+[{(]\s*+([^,\s{}()]*+))", re.IGNORECASE
)


def _blank_comments(text: str, path: str, problems: list[Problem]) -> str:
    """Blank out `@comment{...}` blocks, keeping line breaks so line numbers hold.

    biber and JabRef skip the whole brace-balanced block, so an entry "commented out" by
    wrapping it in @comment stays out (bibtexparser would read it); the entry is reported, so
    that nothing leaves the site without a word.
    """
    if "@" not in text or not _COMMENT_START.search(text):
        return text
    out, pos, line_of = [], 0, LineCounter(text)
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
                    line_of(inner.start()),
                    inner.group(2) or None,
                    f"entry inside @comment{{...}} is not read: `{inner.group(1)[:60]}...`",
                    "delete the @comment wrapper to publish it, or the entry to silence this",
                    "commented-entry",
                )
            )
        out.append(text[pos : match.start()])
        out.append(re.sub(r"[^\n]", " ", text[match.start() : end]))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def parse(text: str) -> bibtexparser.Library:
    """bibtexparser's own blocks of `text` (no stand-ins), its log of parse errors silenced:
    we report them as Problems instead."""
    loggers = [logging.getLogger(n) for n in ("bibtexparser.splitter", "bibtexparser.entrypoint")]
    previous = [lg.disabled for lg in loggers]
    for lg in loggers:
        lg.disabled = True
    try:
        library = bibtexparser.parse_string(text, parse_stack=[])
    finally:
        for lg, was in zip(loggers, previous, strict=True):
            lg.disabled = was
    # Each failed block keeps its exception, whose traceback holds the splitter's frames, one
    # of which holds the library: a reference cycle per block, left for the cyclic collector
    # (1.3 s for the 250,000 failed blocks of 1 MB of `@a{` lines). Cut, they are freed at once.
    for block in library.blocks:
        if type(block) is bp.ParsingFailedBlock:  # the only kind made from a raised error
            block.error.__traceback__ = None
    return library


_STAND_INS = range(0xE000, 0xF900)  # private-use characters: no meaning, not `\w`, not space


def _stand_in(text: str, stand_ins: dict[int, str], original: str) -> str:
    # Text seldom holds private-use characters: the first few candidates are tried with `in`
    # (a fast scan), and only a text holding them all is read into a set (0.8 s for 21 MB).
    code = next((c for c in _STAND_INS[:8] if c not in stand_ins and chr(c) not in text), None)
    if code is None:
        taken = set(text) | {chr(c) for c in stand_ins}
        code = next((c for c in _STAND_INS if chr(c) not in taken), None)
    if code is None:  # the text holds every one of them: it is read as bibtexparser reads it
        return original
    stand_ins[code] = original
    return chr(code)


_BACKSLASHES_BEFORE_MARK = re.compile(r'(?<!\\)\\++(?=[{}",=\n)])')


def _swap_backslashes(text: str, stand_ins: dict[int, str]) -> str:
    if "\\" not in text or not _BACKSLASHES_BEFORE_MARK.search(text):
        return text
    stand_in = _stand_in(text, stand_ins, "\\")

    def swap(m: re.Match[str]) -> str:
        run = m.group()
        if len(run) % 2 and text[m.end()] != "\n":
            return run  # an odd run: its last backslash escapes the character after it
        return run[:-1] + stand_in

    return _BACKSLASHES_BEFORE_MARK.sub(swap, text)


_QUOTED_VALUE = re.compile(r'[=#]\s*+"')
# What the quote scan looks at, as bibtexparser's splitter sees it: escapes (not of `@`), a
# block start at a line's start (where it gives up on an unfinished value and starts the next
# block), one anywhere else (which starts a block outside blocks and between fields), braces,
# quotes and `)`.
_QUOTE_MARKS = re.compile(
    r'\\[^@]|(?P<line>^[ \t]*+@\w*+[ \t]*+[{(])|(?P<block>@\w*+[ \t]*+[{(])|[{}")]',
    re.MULTILINE | re.DOTALL,
)


def _swap_quotes(text: str, stand_ins: dict[int, str]) -> str:
    """Swap each `"` inside braces inside a quoted value; one pass over the marks."""
    if not _QUOTED_VALUE.search(text):
        return text
    swapped: list[int] = []
    close, depth, quoted = "", 0, False  # `close`: the open block's delimiter, "" outside
    for m in _QUOTE_MARKS.finditer(text):
        mark, start = m.group(), m.lastgroup
        if start == "line" or (start == "block" and not (depth or quoted)):
            close, depth, quoted = ("}" if mark[-1] == "{" else ")"), 0, False
        elif not close or start or mark[0] == "\\":
            continue
        elif quoted:
            if mark == "{":
                depth += 1
            elif mark == "}":
                depth = max(depth - 1, 0)
            elif mark == '"':
                if depth:
                    swapped.append(m.start())
                else:
                    quoted = False
        elif mark == "{":
            depth += 1
        elif mark == "}" and depth:
            depth -= 1
        elif mark == close and not depth:
            close = ""
        elif mark == '"' and not depth:
            quoted = True
    if not swapped:
        return text
    stand_in = _stand_in(text, stand_ins, '"')
    chars = list(text)
    for pos in swapped:
        chars[pos] = stand_in
    return "".join(chars)
