"""Brackets that would make Python-Markdown take quadratic time, escaped before it reads a note.

Python-Markdown's link and image patterns, at each `[`, scan forward through the rest of the
paragraph for the `]` that closes it (counting nested ones), and after `](` for the `)` that
closes the target. A paragraph of unclosed `[` (or of `[x](` without `)`, or of brackets nested
thousands deep) makes every one of them scan to its end: 2,000 unclosed `[` took 2 s, a 1 MB
note of them more than two minutes, in one build. Such a bracket is text either way (Markdown
shows an unclosed `[` as it is), so escaping it (`\\[`) changes nothing a reader sees and makes
the scan stop at once. Only a paragraph with many of them is touched (`LIMIT`): a stray `[` in a
normal note is left exactly as written. Code (fenced blocks and backtick spans), where a
backslash would show, is never touched.
"""

from __future__ import annotations

import bisect
import re

from .markdown import fence_mask

LIMIT = 32  # bad brackets a paragraph may hold before they are escaped (each costs a scan)
DEPTH = 4  # brackets nested deeper than this are treated as unclosed (links nest one deep)

_BACKTICKS = re.compile(r"`+")
_BRACKET = re.compile(r"[\[\]()]")
_BLANK = re.compile(r"\n[ \t]*\n")


def defuse_brackets(text: str) -> str:
    """`text` (a note's Markdown) with the brackets of each pathological paragraph escaped."""
    if text.count("[") < LIMIT:
        return text  # the common case: nothing to scan
    lines = text.split("\n")
    out: list[str] = []
    prose: list[str] = []
    for line, code in zip(lines, fence_mask(lines), strict=True):
        if code:
            if prose:
                out.append(_defuse_prose("\n".join(prose)))
                prose = []
            out.append(line)
        else:
            prose.append(line)
    if prose:
        out.append(_defuse_prose("\n".join(prose)))
    return "\n".join(out)


def _defuse_prose(text: str) -> str:
    parts, start = [], 0
    for blank in _BLANK.finditer(text):
        parts.append(_defuse_paragraph(text[start : blank.start()]))
        parts.append(blank.group())
        start = blank.end()
    parts.append(_defuse_paragraph(text[start:]))
    return "".join(parts)


def _defuse_paragraph(text: str) -> str:
    if text.count("[") < LIMIT:
        return text
    code = _code_spans(text)
    bad = _bad_brackets(text, code)
    if len(bad) < LIMIT:
        return text
    pieces, start = [], 0
    for i in sorted(bad):
        pieces += [text[start:i], "\\", text[i]]
        start = i + 1
    pieces.append(text[start:])
    return "".join(pieces)


def _bad_brackets(text: str, code: list[tuple[int, int]]) -> set[int]:
    """Positions of the `[` that are unclosed or nested deeper than DEPTH, and of the `(`
    after a `]` that no `)` closes."""
    starts = [s for s, _ in code]
    bad: set[int] = set()
    open_brackets: list[int] = []
    open_parens: list[int] = []
    link_parens: set[int] = set()
    for match in _BRACKET.finditer(text):
        i, ch = match.start(), match.group()
        if (i and text[i - 1] == "\\") or _inside(i, code, starts):
            continue
        if ch == "[":
            open_brackets.append(i)
            if len(open_brackets) > DEPTH:
                bad.add(i)
        elif ch == "]":
            if open_brackets:  # a `]` starts no scan, so it is never escaped (`\]` would
                open_brackets.pop()  # close arithmatex's `\[` display math)
        elif ch == "(":
            open_parens.append(i)
            if i and text[i - 1] == "]":
                link_parens.add(i)
        elif open_parens:
            open_parens.pop()
    bad.update(open_brackets)
    bad.update(p for p in open_parens if p in link_parens)
    return bad


def _code_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the backtick code spans: a run of backticks up to the next run of the
    same length; an unmatched run is text. Linear: the runs of each length are looked up by
    bisection, not by scanning on."""
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(text)]
    by_length: dict[int, list[int]] = {}
    for k, (s, e) in enumerate(runs):
        by_length.setdefault(e - s, []).append(k)
    spans, k = [], 0
    while k < len(runs):
        s, e = runs[k]
        same = by_length[e - s]
        n = bisect.bisect_right(same, k)
        if n < len(same):
            close = same[n]
            spans.append((s, runs[close][1]))
            k = close + 1
        else:
            k += 1
    return spans


def _inside(i: int, spans: list[tuple[int, int]], starts: list[int]) -> bool:
    k = bisect.bisect_right(starts, i) - 1
    return k >= 0 and spans[k][0] <= i < spans[k][1]
