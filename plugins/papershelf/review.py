"""The review of repaired text: where the passages `papershelf import` was unsure of stand in
a note now, highlighted in place and listed for the person editing it."""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .i18n import ENGLISH, Strings
from .markdown import fence_mask
from .model import Note, Problem
from .templating import render

CONTEXT = 8  # characters shown on each side of an uncertain passage
MAX_SHIFT = 200  # lines the text may have moved since the import
VOTERS = 100  # spans that choose the shift: a long list must not cost its length x 400
# How much searching one review may do, in characters read: about 40 searches of a
# note's whole body, however many of its passages moved. A passage left when it is spent is
# looked for at its recorded place only (a list of 20,000 passages on a megabyte of text would
# otherwise read 20 GB).
SEARCH_BODIES = 40
SEARCH_FLOOR = 1_000_000
CANDIDATE = 64  # what weighing one place the text stands at costs, in characters read


@dataclass(frozen=True)
class Passage:
    """An uncertain passage found in the note as it is now."""

    row: int  # index into the body's lines
    at: int  # 0-based column
    text: str
    line: int  # the note-file line it is on now
    alternatives: tuple[str, ...]
    confidence: float = 1.0  # the repair's probability for `text`


ANCHOR = 6  # characters of context `papershelf import` records on each side of a passage


def anchor(text: str, start: int, end: int) -> dict[str, str]:
    """The context recorded with an uncertain passage text[start:end], within its line, so
    that it can be found again after the note is edited around it."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    return {
        "before": text[max(line_start, start - ANCHOR) : start],
        "after": text[end : min(line_end, end + ANCHOR)],
    }


@dataclass(frozen=True)
class _Span:
    row: int  # where it was recorded: index into the body's lines
    at: int
    text: str
    alternatives: tuple[str, ...]
    confidence: float
    before: str | None  # recorded context (None in notes imported before it was recorded)
    after: str | None
    line: int  # the note-file line recorded


@dataclass(frozen=True)
class Review:
    placed: list[Passage]  # passages found in the note as it is now
    lost: list[_Span]  # passages neither found nor corrected: the review list is stale


def _spans(note: Note) -> list[_Span]:
    spans = []
    for span in note.uncertain:
        line, column, text = span.get("line"), span.get("column"), str(span.get("text", ""))
        if isinstance(line, int) and isinstance(column, int) and text and column > 0:
            alternatives, sure = _alternatives(span), _confidence(span)
            before, after = span.get("before"), span.get("after")
            if not (isinstance(before, str) and isinstance(after, str)):
                before = after = None
            row, at = line - note.body_line, column - 1
            spans.append(_Span(row, at, text, alternatives, sure, before, after, line))
    return spans


def _alternatives(span: Mapping[str, Any]) -> tuple[str, ...]:
    value = span.get("alternatives") or ()
    return tuple(str(a) for a in value) if isinstance(value, list | tuple) else (str(value),)


def _confidence(span: Mapping[str, Any]) -> float:
    sure = span.get("confidence")
    return float(sure) if isinstance(sure, int | float) else 1.0


def _best_shift(lines: list[str], spans: list[_Span]) -> int:
    """Lines added or removed above the text (a `status:` added to the front matter, a
    paragraph inserted) move every span by the same amount: the shift that puts the most of
    the first VOTERS spans back on their text. Shifts are tried nearest first (0, -1, 1, ...);
    the first that puts every voter back wins."""
    voters = spans[:VOTERS]
    best, best_fit = 0, -1
    for distance in range(min(MAX_SHIFT, len(lines)) + 1 if spans else 0):
        for shift in (-distance, distance) if distance else (0,):
            fit = sum(_fits(lines, s.row + shift, s.at, s.text) for s in voters)
            if fit > best_fit:
                best, best_fit = shift, fit
        if best_fit == len(voters):
            break
    return best


def _fits(lines: list[str], row: int, at: int, text: str) -> bool:
    return 0 <= row < len(lines) and at >= 0 and lines[row][at : at + len(text)] == text


def _agree(a: str, b: str) -> int:
    """Length of the common prefix of a and b."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _context(line: str, at: int, span: _Span) -> int:
    """How many of the recorded context characters agree with line around line[at:]."""
    before, after = span.before or "", span.after or ""
    # Only as much of the line as the context is long is read (the rest of a long line is
    # not sliced for each candidate).
    left = _agree(line[max(0, at - len(before)) : at][::-1], before[::-1])
    end = at + len(span.text)
    return left + _agree(line[end : end + len(after)], after)


class _Search:
    """What one review may still read while looking for passages that moved."""

    def __init__(self, lines: list[str]) -> None:
        self.body = sum(len(line) + 1 for line in lines)  # one search of every line
        self.left = SEARCH_BODIES * self.body + SEARCH_FLOOR

    def spend(self, characters: int) -> bool:
        """Whether a search of this many characters is still allowed (and count it)."""
        self.left -= characters
        return self.left >= 0


def _place(
    lines: list[str], span: _Span, row: int, taken: set[tuple[int, int]], search: _Search
) -> tuple[int, int] | None:
    """Where the passage stands now: its recorded place (after the shift) if it is there,
    unless its context fits much better elsewhere (text added before it on its line, or a
    line added above it alone)."""
    here = _fits(lines, row, span.at, span.text)
    if span.before is None:  # nothing to search with
        return (row, span.at) if here else None
    recorded = len(span.before) + len(span.after or "")
    if here and _context(lines[row], span.at, span) == recorded:
        return row, span.at  # untouched: no need to look further
    if not search.spend(search.body):
        return (row, span.at) if here else None
    need = min(4, recorded)
    best, best_score = None, -1.0
    for r, line in enumerate(lines):
        at = line.find(span.text)
        while at >= 0:
            if not search.spend(CANDIDATE):
                return (row, span.at) if here else None
            if (r, at) not in taken:
                score = _context(line, at, span) + (need if (r, at) == (row, span.at) else 0.0)
                score -= abs(r - row) / 1000  # ties: the nearest
                if score > best_score:
                    best, best_score = (r, at), score
            at = line.find(span.text, at + 1)
    return best if best is not None and best_score >= need - 0.5 else None


def _corrected(lines: list[str], span: _Span, search: _Search) -> bool:
    """Whether the recorded context still stands with other text between (up to a few
    characters): the passage was corrected by hand."""
    before, after = span.before or "", span.after or ""
    gap = len(span.text) + 4
    if not search.spend(search.body):
        return False  # not looked for: reported, so that someone does
    for line in lines:
        at = line.find(before)
        while at >= 0:
            middle = at + len(before)
            if (
                line.find(after, middle, middle + gap + len(after)) >= 0
                if after
                else (len(line.rstrip()) - middle <= gap)
            ):
                return True
            at = line.find(before, at + 1) if before else -1
    return False


def review(note: Note) -> Review:
    """The passages of `note.uncertain` found in the note as it is now, and those lost.

    A passage whose text is gone while its context stands was corrected by hand, and is
    left out. One whose context is gone too cannot be placed: it is listed in `lost`, for
    `papershelf check` to report (spans from before the context was recorded are left out).
    """
    lines = note.body.split("\n")
    spans = _spans(note)
    shift = _best_shift(lines, spans)
    placed: list[Passage] = []
    lost: list[_Span] = []
    taken: set[tuple[int, int]] = set()
    search = _Search(lines)
    for span in spans:
        where = _place(lines, span, span.row + shift, taken, search)
        if where is not None:
            taken.add(where)
            row, at = where
            placed.append(
                Passage(
                    row, at, span.text, row + note.body_line, span.alternatives, span.confidence
                )
            )
        elif span.before is not None and not _corrected(lines, span, search):
            lost.append(span)
    return Review(placed, lost)


def locate_uncertain(note: Note) -> list[Passage]:
    """The passages of `note.uncertain` that still stand in the note (see `review`)."""
    return review(note).placed


def stale_problems(note: Note, key: str) -> list[Problem]:
    """A `stale-review` problem for each passage the note no longer holds in any form."""
    return [
        Problem(
            note.path,
            span.line,
            key,
            f"the uncertain passage {(span.before or '')}[{span.text}]{(span.after or '')} "
            f"recorded at line {span.line}, column {span.at + 1} can no longer be found",
            "check that text by hand, then delete its entry from `uncertain:` in the front matter",
            "stale-review",
        )
        for span in review(note).lost
    ]


# Code, link targets, tags. A target or tag stops at the next `]` or `<`, so a line of `](`
# or `<` without an end is read once, not once for each of them.
_NO_MARKUP = re.compile(r"`[^`]*+`|\]\([^)\]]*+\)|<[^<>]*+>|https?://\S+")


def mark_uncertain(
    note: Note, passages: list[Passage] | None = None, strings: Strings = ENGLISH
) -> str:
    """The note body with each passage the repair was unsure of highlighted where it stands
    (`<mark>` with the alternatives as its tooltip), so a reader sees what to check. Passages
    in headings, code or link targets are left as they are. `passages`: `locate_uncertain`'s,
    when the caller has them."""
    passages = locate_uncertain(note) if passages is None else passages
    if not passages:
        return note.body
    lines = note.body.split("\n")
    by_row: dict[int, list[Passage]] = {}
    for passage in passages:
        by_row.setdefault(passage.row, []).append(passage)
    for index, (row, fenced) in enumerate(zip(lines, fence_mask(lines), strict=True)):
        here = by_row.get(index)
        if fenced or not here or row.lstrip().startswith("#"):
            continue
        lines[index] = _marked(row, here, strings)
    return "\n".join(lines)


def _marked(row: str, passages: list[Passage], strings: Strings) -> str:
    """`row` with each passage outside code, links and tags in a `<mark>`, built in one pass
    (a passage that overlaps the one before it is left out, so the markup stays whole)."""
    protected = [m.span() for m in _NO_MARKUP.finditer(row)]
    starts = [a for a, _ in protected]
    pieces, done = [], 0
    for passage in sorted(passages, key=lambda p: p.at):
        at, text = passage.at, passage.text
        inside = bisect.bisect_right(starts, at) - 1
        if at < done or (inside >= 0 and at < protected[inside][1]):
            continue
        alternatives = passage.alternatives
        hint = html.escape(
            strings("review.or", alternatives=", ".join(alternatives))
            if alternatives
            else strings("review.unsure")
        )
        pieces += [row[done:at], f'<mark class="papershelf-unsure" title="{hint}">']
        pieces += [html.escape(text), "</mark>"]
        done = at + len(text)
    return "".join(pieces) + row[done:]


def uncertain_html(
    note: Note, passages: list[Passage] | None = None, strings: Strings = ENGLISH
) -> str:
    """The passages the repair was unsure of, in context, least sure first; "" when none is
    left. `passages`: `locate_uncertain`'s, when the caller has them."""
    lines = note.body.split("\n")
    spans = []
    passages = locate_uncertain(note) if passages is None else passages
    for passage in sorted(passages, key=lambda p: (p.confidence, p.row, p.at)):
        row, at, text = lines[passage.row], passage.at, passage.text
        start, end = max(0, at - CONTEXT), at + len(text) + CONTEXT
        spans.append(
            {
                "line": strings("review.line", line=passage.line),
                "text": text,
                "before": ("…" if start else "") + row[start:at].lstrip(),
                "after": row[at + len(text) : end].rstrip() + ("…" if end < len(row) else ""),
                "alternatives": strings("review.or", alternatives=", ".join(passage.alternatives))
                if passage.alternatives
                else "",
            }
        )
    if not spans:
        return ""
    return render(
        "uncertain.html", spans=spans, summary=strings.count("review.summary", len(spans))
    )
