"""The review of repaired text: where the passages `papershelf import` was unsure of stand in
a note now, highlighted in place and listed for the person editing it."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .i18n import ENGLISH, Strings
from .markdown import fence_mask
from .model import Note, Problem
from .templating import render

CONTEXT = 8  # characters shown on each side of an uncertain passage


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
            alternatives = tuple(str(a) for a in span.get("alternatives", []) or [])
            sure = span.get("confidence")
            sure = float(sure) if isinstance(sure, int | float) else 1.0
            before, after = span.get("before"), span.get("after")
            if not (isinstance(before, str) and isinstance(after, str)):
                before = after = None
            row, at = line - note.body_line, column - 1
            spans.append(_Span(row, at, text, alternatives, sure, before, after, line))
    return spans


def _best_shift(lines: list[str], spans: list[_Span]) -> int:
    """Lines added or removed above the text (a `status:` added to the front matter, a
    paragraph inserted) move every span by the same amount: the shift that puts the most
    spans back on their text."""
    best, best_fit = 0, -1
    for shift in sorted(range(-len(lines), len(lines) + 1), key=abs) if spans else []:
        fit = sum(_fits(lines, s.row + shift, s.at, s.text) for s in spans)
        if fit > best_fit:
            best, best_fit = shift, fit
        if best_fit == len(spans) or abs(shift) > 200:
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
    left = _agree(line[:at][::-1], (span.before or "")[::-1])
    return left + _agree(line[at + len(span.text) :], span.after or "")


def _place(
    lines: list[str], span: _Span, row: int, taken: set[tuple[int, int]]
) -> tuple[int, int] | None:
    """Where the passage stands now: its recorded place (after the shift) if it is there,
    unless its context fits much better elsewhere (text added before it on its line, or a
    line added above it alone)."""
    if span.before is None:  # nothing to search with
        return (row, span.at) if _fits(lines, row, span.at, span.text) else None
    recorded = len(span.before) + len(span.after or "")
    if _fits(lines, row, span.at, span.text) and _context(lines[row], span.at, span) == recorded:
        return row, span.at  # untouched: no need to look further
    need = min(4, recorded)
    best, best_score = None, -1.0
    for r, line in enumerate(lines):
        at = line.find(span.text)
        while at >= 0:
            if (r, at) not in taken:
                score = _context(line, at, span) + (need if (r, at) == (row, span.at) else 0.0)
                score -= abs(r - row) / 1000  # ties: the nearest
                if score > best_score:
                    best, best_score = (r, at), score
            at = line.find(span.text, at + 1)
    return best if best is not None and best_score >= need - 0.5 else None


def _corrected(lines: list[str], span: _Span) -> bool:
    """Whether the recorded context still stands with other text between (up to a few
    characters): the passage was corrected by hand."""
    before, after = span.before or "", span.after or ""
    gap = len(span.text) + 4
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
    for span in spans:
        where = _place(lines, span, span.row + shift, taken)
        if where is not None:
            taken.add(where)
            row, at = where
            placed.append(
                Passage(
                    row, at, span.text, row + note.body_line, span.alternatives, span.confidence
                )
            )
        elif span.before is not None and not _corrected(lines, span):
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


_NO_MARKUP = re.compile(r"`[^`]*`|\]\([^)]*\)|<[^>]*>|https?://\S+")  # code, link targets, tags


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
        protected = [m.span() for m in _NO_MARKUP.finditer(row)]
        for passage in sorted(here, key=lambda p: -p.at):
            at, text = passage.at, passage.text
            if any(a <= at < b for a, b in protected):
                continue
            alternatives = passage.alternatives
            hint = html.escape(
                strings("review.or", alternatives=", ".join(alternatives))
                if alternatives
                else strings("review.unsure")
            )
            row = (
                f'{row[:at]}<mark class="papershelf-unsure" title="{hint}">'
                f"{html.escape(text)}</mark>{row[at + len(text) :]}"
            )
        lines[index] = row
    return "\n".join(lines)


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
