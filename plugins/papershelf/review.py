"""The review of repaired text: where the passages `papershelf import` was unsure of stand in
a note now, highlighted in place and listed for the person editing it."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .i18n import ENGLISH, Strings
from .markdown import fence_mask
from .model import Note
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


def locate_uncertain(note: Note) -> list[Passage]:
    """The passages of `note.uncertain` that still stand where they were recorded.

    Spans record note-file lines. Lines added or removed above the text (a `status:` added
    to the front matter, a paragraph inserted) move them all by the same amount, so the shift
    that puts the most spans back on their text is applied to all. A span whose text is not
    at its place was corrected by hand, and is left out.
    """
    lines = note.body.split("\n")
    spans = []
    for span in note.uncertain:
        line, column, text = span.get("line"), span.get("column"), str(span.get("text", ""))
        if isinstance(line, int) and isinstance(column, int) and text and column > 0:
            alternatives = tuple(str(a) for a in span.get("alternatives", []) or [])
            sure = span.get("confidence")
            sure = float(sure) if isinstance(sure, int | float) else 1.0
            spans.append((line - note.body_line, column - 1, text, alternatives, sure))

    def fits(row: int, at: int, text: str) -> bool:
        return 0 <= row < len(lines) and lines[row][at : at + len(text)] == text

    shifts = sorted(range(-len(lines), len(lines) + 1), key=abs) if spans else []
    best, best_fit = 0, -1
    for shift in shifts:
        fit = sum(fits(row + shift, at, text) for row, at, text, _, _ in spans)
        if fit > best_fit:
            best, best_fit = shift, fit
        if best_fit == len(spans) or abs(shift) > 200:
            break
    return [
        Passage(row + best, at, text, row + best + note.body_line, alternatives, sure)
        for row, at, text, alternatives, sure in spans
        if fits(row + best, at, text)
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
