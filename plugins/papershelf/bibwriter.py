"""Writing BibTeX: values escaped so that they read back as the same text, entries formatted,
fields added to an entry that is already in a file, and a check of the new file's text.

An entry to extend is found by parsing the file (bibtexparser's own blocks, by key and line),
never by counting lines: `str.splitlines()` also splits at U+2028, form feed and NEL, which
BibTeX and bibtexparser read as ordinary characters, so a count can land in another entry.
"""

from __future__ import annotations

import re
import urllib.parse
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bibtexparser import model as bp

from . import latex
from .bib import MONTH_MACROS, evaluate, read_bib
from .bib import _split as split_blocks  # bibtexparser, its log of parse errors silenced
from .identifiers import is_code_url
from .paperlist import ListedPaper, tex_quotes

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


@dataclass(frozen=True)
class BibField:
    name: str
    value: str  # as written: `{...}`, or a bare month macro such as `mar`


@dataclass(frozen=True)
class BibEntry:
    entry_type: str
    key: str
    fields: tuple[BibField, ...]

    def text(self, newline: str = "\n") -> str:
        return f"@{self.entry_type}{{{self.key},{_lines(self.fields, newline)}{newline}}}{newline}"


def _lines(fields: Iterable[BibField], newline: str) -> str:
    # An abstract's paragraph breaks take the file's line ends too.
    return "".join(f"{newline}  {f.name} = {f.value.replace(chr(10), newline)}," for f in fields)


@dataclass(frozen=True)
class Fill:
    """Fields to add to the entry `key` that the reader found on `line` of its file."""

    key: str
    line: int
    fields: tuple[BibField, ...]


# ---------------------------------------------------------------- values
# Math that `latex.decode` keeps verbatim; it is written verbatim too, so that BibTeX styles
# typeset it. (The round-trip property test holds this and latex.decode together.)
_MATH = re.compile(r"\$\$.+?\$\$|\$(?:\\.|[^$\\])+\$|\\\(.+?\\\)", re.DOTALL)
_SPECIAL = re.compile(r"[\\{}%&#_$~^@]|-(?=-)|`(?=`)|'(?=')")
_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "_": r"\_",
    "$": r"\$",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    # bibtexparser starts a new entry at an `@` that begins a line (and bib.py blanks
    # `@comment{`), so no bare `@` is written at all.
    "@": "{@}",
}
_BRACE = re.compile(r"\\.|[{}]", re.DOTALL)
_PARAGRAPH = re.compile(r"\n\s*\n")  # where latex.decode(keep_paragraphs=True) splits


def plain_text(text: str) -> str:
    """`text` as one line of display text: whitespace runs as one space, no control
    characters. A value written by `text_value` reads back as this text (with accents
    composed, NFC, where it holds combining marks: `latex.decode` composes them)."""
    return " ".join(latex.printable(" ".join(text.split())).split())


def paragraphs(text: str) -> str:
    """Like `plain_text`, keeping blank-line paragraph breaks (as abstracts are read)."""
    parts = (plain_text(p) for p in _PARAGRAPH.split(text.strip()))
    return "\n\n".join(p for p in parts if p)


def text_value(text: str, *, keep_paragraphs: bool = False, protect: bool = False) -> str:
    """Plain text -> a braced BibTeX value that papershelf reads back as `plain_text(text)`
    (or `paragraphs(text)`). With `protect`, capitalised words are braced (for titles)."""
    clean = paragraphs(text) if keep_paragraphs else plain_text(text)
    escaped = "\n\n".join(_escape(part, protect) for part in clean.split("\n\n"))
    return "{" + escaped + "}"


def _escape(text: str, protect: bool) -> str:
    out, pos = [], 0
    for math in _MATH.finditer(text):
        if not _verbatim(math.group()):
            continue  # escaped with the text around it: `$` reads back as `$`
        out.append(_escape_plain(text[pos : math.start()], protect))
        out.append(math.group())
        pos = math.end()
    out.append(_escape_plain(text[pos:], protect))
    return "".join(out)


def _verbatim(math: str) -> bool:
    """Math can be written as it is when its braces balance and the reader keeps it."""
    depth = 0
    for m in _BRACE.finditer(math):
        depth += {"{": 1, "}": -1}.get(m.group(), 0)
        if depth < 0:
            return False
    return depth == 0 and "@" not in math and latex.decode(math) == math


def _escape_plain(text: str, protect: bool) -> str:
    escaped = _SPECIAL.sub(lambda m: _ESCAPES.get(m.group(), m.group() + "{}"), text)
    return protect_capitals(escaped) if protect else escaped


def protect_capitals(title: str) -> str:
    """Brace words such as `START` or `DeepSeek-R1`, so that a bibliography style that
    lower-cases titles keeps them as written (papershelf itself shows titles unbraced)."""
    return re.sub(r"(?<![\\{\w$])([A-Za-z][\w-]*[A-Z][\w-]*)", r"{\1}", title)


_URL_UNSAFE = frozenset("{}\\\"'<>`^|")


def url_value(url: str) -> str:
    """A URL as a braced value: braces, quotes, backslashes, spaces and other characters that
    could end the value or that the reader refuses in a link are percent-encoded (the same
    address to a browser), so a URL can neither add a field nor break the entry."""
    safe = "".join(
        urllib.parse.quote(ch, safe="")
        if ch in _URL_UNSAFE or ch.isspace() or not ch.isprintable()
        else ch
        for ch in url.strip()
    )
    return "{" + safe + "}"


# ---------------------------------------------------------------- entries
def entry_bibtex(key: str, listed: ListedPaper, meta: Mapping[str, Any]) -> BibEntry:
    """The entry an imported paper gets: what the list and its --metadata record say."""
    venue = (meta.get("venue") or "").strip()
    fields = [BibField("title", text_value(tex_quotes(listed.title), protect=True))]
    if meta.get("authors"):
        names = " and ".join(text_value(a)[1:-1] for a in meta["authors"])
        fields.append(BibField("author", "{" + names + "}"))
    if venue:
        fields.append(BibField("booktitle", text_value(venue)))
    fields.append(BibField("year", f"{{{listed.year}}}"))
    if listed.month:
        fields.append(BibField("month", list(MONTH_MACROS)[listed.month - 1]))
    category = meta.get("primary_category")
    if listed.arxiv:
        fields += [BibField("eprint", f"{{{listed.arxiv}}}"), BibField("archiveprefix", "{arXiv}")]
        if category:
            fields.append(BibField("primaryclass", text_value(category)))
        url = f"https://arxiv.org/abs/{listed.arxiv}{listed.version}"
        fields.append(BibField("url", url_value(url)))
    if listed.code:
        name = "code" if is_code_url(listed.code) else "homepage"
        fields.append(BibField(name, url_value(listed.code)))
    if category:
        fields.append(BibField("keywords", text_value(CATEGORIES.get(category, category))))
    if listed.abstract:
        fields.append(BibField("abstract", abstract_value(listed.abstract)))
    return BibEntry("inproceedings" if venue else "misc", key, tuple(fields))


def abstract_value(abstract: str) -> str:
    return text_value(tex_quotes(abstract), keep_paragraphs=True)


def append_entries(text: str, entries: Sequence[BibEntry]) -> str:
    """`text` with `entries` after its last line, one blank line apart, in its line ends."""
    if not entries:
        return text
    newline = _newline(text)
    if not text.strip() or text.endswith(newline * 2):
        joiner = ""
    else:
        joiner = newline if text.endswith(newline) else newline * 2
    return text + joiner + newline.join(e.text(newline) for e in entries)


def add_fields(text: str, fills: Iterable[Fill]) -> tuple[str, list[Fill], list[Fill]]:
    """`text` with each fill's fields added at the end of its entry; the fills done, and
    those whose entry was not found.

    A field the entry already has is left out (an empty or hidden value is the person's, and
    a second copy would be an error); a fill with nothing left to add is neither list's.
    """
    fills = list(fills)
    if not fills:
        return text, [], []
    spans = _entry_spans(text)
    done: list[Fill] = []
    missing: list[Fill] = []
    edits: list[tuple[int, int, str]] = []
    newline = _newline(text)
    for fill in fills:
        span = _find(spans, fill)
        if span is None:
            missing.append(fill)
            continue
        fields = tuple(f for f in fill.fields if f.name not in span.fields)
        if not fields:
            continue
        head = text[span.start : span.close].rstrip()
        comma = "" if head.endswith(",") else ","
        edits.append((span.start, span.close, head + comma + _lines(fields, newline) + newline))
        done.append(Fill(fill.key, fill.line, fields))
    for start, close, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[close:]
    return text, done, missing


@dataclass(frozen=True)
class _Span:
    key: str
    line: int
    start: int  # the entry's `@`
    close: int  # its closing `}` or `)`
    fields: frozenset[str]


def _entry_spans(text: str) -> list[_Span]:
    spans, cursor, line, counted = [], 0, 1, 0
    for block in split_blocks(text).blocks:
        raw = block.raw or ""
        start = text.find(raw, cursor) if raw else -1
        if start < 0:
            continue
        cursor = start + len(raw)
        entry = getattr(block, "ignore_error_block", block)
        if isinstance(entry, bp.Entry) and raw.rstrip()[-1:] in ("}", ")"):
            line += text.count("\n", counted, start)  # counted on from the last entry
            counted = start
            spans.append(
                _Span(
                    entry.key,
                    line,
                    start,
                    start + len(raw.rstrip()) - 1,
                    frozenset(f.key.strip().lower() for f in entry.fields),
                )
            )
    return spans


def _find(spans: list[_Span], fill: Fill) -> _Span | None:
    same_key = [s for s in spans if s.key == fill.key]
    on_line = [s for s in same_key if s.line == fill.line]
    if len(on_line) == 1:
        return on_line[0]
    return same_key[0] if len(same_key) == 1 else None


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


# ---------------------------------------------------------------- check
def check_rewrite(
    old_text: str,
    new_text: str,
    path: str,
    added: Sequence[BibEntry] = (),
    filled: Sequence[Fill] = (),
) -> list[str]:
    """What reading `new_text` back shows to be wrong: an entry lost or changed, a new entry
    or field that does not read back as written, a problem the old text did not have."""
    old, new = read_bib(old_text, path), read_bib(new_text, path)
    before = {e.key: e for e in old.entries}
    after = {e.key: e for e in new.entries}
    wanted: dict[str, tuple[str, dict[str, str]]] = {
        key: (e.entry_type, dict(e.fields)) for key, e in before.items()
    }
    newline = _newline(new_text)
    for fill in filled:
        if fill.key in wanted:
            wanted[fill.key][1].update(_written(fill.fields, newline))
    for entry in added:
        wanted[entry.key] = (entry.entry_type, _written(entry.fields, newline))
    wrong = []
    for key, (entry_type, fields) in wanted.items():
        got = after.get(key)
        if got is None:
            wrong.append(f"entry '{key}' would be lost")
            continue
        changed = sorted(
            name
            for name in fields.keys() | got.fields.keys()
            if fields.get(name) != got.fields.get(name)
        )
        if changed or got.entry_type != entry_type:
            wrong.append(
                f"entry '{key}' would not read back as meant ({', '.join(changed) or 'type'})"
            )
    wrong += [f"an entry '{key}' would appear" for key in after.keys() - wanted.keys()]
    seen = Counter((p.code, p.key) for p in old.problems)
    for problem in new.problems:
        if seen[(problem.code, problem.key)] > 0:
            seen[(problem.code, problem.key)] -= 1
        else:
            wrong.append(f"it would add a problem: {problem}")
    return wrong


def _written(fields: Iterable[BibField], newline: str) -> dict[str, str]:
    """Each field as the reader evaluates it alone, to compare with what it reads in the file."""
    return {f.name: evaluate(f.value.replace("\n", newline), dict(MONTH_MACROS))[0] for f in fields}
