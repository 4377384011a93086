"""The older tool's "Paper List from BIB File" Markdown: parse it, and write it back.

The format: a title line, a list of items

    - [25/03] **Title**
    [[Paper](http://arxiv.org/pdf/2503.04625v2)] [[Code/Page](url)] [[TLDR/Notes](#anchor)]

then `# TLDR/Notes` with one `## anchor` section per paper: `### Abstract`, the abstract, and
the note, which the older tool usually wrapped in a stray ``` fence that is not part of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .identifiers import ARXIV_IN_URL
from .markdown import fence_mask
from .model import Library, Problem

_HEADER = re.compile(r"^# Paper List from BIB File\b")
_ITEM = re.compile(r"^- \[(\d{2})/(\d{2})\] \*\*(.+?)\*\*\s*$")
# The older tool always wrote all three links, empty or not; `export` leaves out empty ones.
_LINKS = re.compile(
    r"^(?:\[\[Paper\]\((?P<paper>[^)]*)\)\]\s*)?(?:\[\[Code/Page\]\((?P<code>[^)]*)\)\]\s*)?"
    r"\[\[TLDR/Notes\]\(#(?P<anchor>[^)]*)\)\]\s*$"
)
_FENCE = "```"


@dataclass
class ListedPaper:
    line: int
    title: str
    year: int
    month: int
    paper_url: str
    arxiv: str = ""
    version: str = ""
    code: str = ""
    anchor: str = ""
    abstract: str = ""
    note: str = ""
    note_line: int = 0  # 1-based line of the note's first line in the file
    has_section: bool = False
    truncated: bool = False  # the section ends inside its note fence: the note is cut off


@dataclass
class PaperList:
    name: str
    papers: list[ListedPaper] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def looks_like_paper_list(text: str) -> bool:
    return bool(_HEADER.match(text.lstrip("\ufeff"))) or any(
        _ITEM.match(line) for line in text.splitlines()[:50]
    )


def clean_link(url: str) -> str:
    """Undo the older tool's link damage: glued-on `.`/`,`, doubled `\\href` halves, `()`."""
    url = url.strip()
    if "}{" in url:
        url = url.split("}{", 1)[0]
    url = url.rstrip(".,;")
    return url if re.match(r"^https?://\S+$", url) else ""


def parse_paper_list(text: str, path: str) -> PaperList:
    """Parse the format; every defect is a Problem and every well-formed paper comes through."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").split("\n")
    header = re.match(r"^# Paper List from BIB File:?\s*(.*)$", lines[0]) if lines else None
    result = PaperList(header.group(1).strip() if header else "")
    notes_at = next(
        (i for i, line in enumerate(lines) if line.strip() == "# TLDR/Notes"), len(lines)
    )
    by_anchor = _parse_items(lines[:notes_at], path, result)
    _parse_sections(lines, notes_at, path, result, by_anchor)
    for paper in result.papers:
        if not paper.has_section:
            result.problems.append(
                Problem(
                    path,
                    paper.line,
                    paper.arxiv or None,
                    f"list item '{paper.title}' has no TLDR/Notes section; "
                    "imported without abstract or note",
                    f"add a '## {paper.anchor}' section",
                    "missing-section",
                )
            )
    return result


def _parse_items(lines: list[str], path: str, result: PaperList) -> dict[str, list[ListedPaper]]:
    by_anchor: dict[str, list[ListedPaper]] = {}
    for i, line in enumerate(lines):
        m = _ITEM.match(line)
        if not m:
            continue
        links = _LINKS.match(lines[i + 1].strip()) if i + 1 < len(lines) else None
        if links is None:
            result.problems.append(
                Problem(
                    path,
                    i + 2,
                    None,
                    f"list item '{m.group(3)}' lacks its "
                    "[[Paper](...)] [[Code/Page](...)] [[TLDR/Notes](#...)] line",
                    "restore the links line under the item",
                    "bad-item",
                )
            )
            continue
        arxiv = ARXIV_IN_URL.search(links.group("paper") or "")
        paper = ListedPaper(
            line=i + 1,
            title=m.group(3).strip(),
            year=_full_year(int(m.group(1))),
            month=int(m.group(2)),
            paper_url=(links.group("paper") or "").strip(),
            arxiv=arxiv.group(1) if arxiv else "",
            version=(arxiv.group(2) or "") if arxiv else "",
            code=clean_link(links.group("code") or ""),
            anchor=links.group("anchor").strip(),
        )
        # `00` is how `export` writes a paper without a month.
        if not 0 <= paper.month <= 12:
            result.problems.append(
                Problem(
                    path,
                    i + 1,
                    None,
                    f"month {paper.month} in '[{m.group(1)}/{m.group(2)}]' is not 01-12",
                    "fix the date; the paper is imported without a month",
                    "bad-month",
                )
            )
            paper.month = 0
        result.papers.append(paper)
        by_anchor.setdefault(paper.anchor, []).append(paper)
    return by_anchor


def _full_year(yy: int) -> int:
    # Two digits, read as POSIX strptime reads %y: 69-99 are 1969-1999, 00-68 are 2000-2068.
    return 1900 + yy if yy >= 69 else 2000 + yy


def _parse_sections(
    lines: list[str],
    start: int,
    path: str,
    result: PaperList,
    by_anchor: dict[str, list[ListedPaper]],
) -> None:
    heads = [i for i in range(start, len(lines)) if lines[i].startswith("## ")]
    for n, head in enumerate(heads):
        end = heads[n + 1] if n + 1 < len(heads) else len(lines)
        anchor = lines[head][3:].strip()
        # Items that share an anchor (titles that differ only in case, in lists written
        # before `export` made anchors unique) take their sections in list order.
        waiting = [p for p in by_anchor.get(anchor, ()) if not p.has_section]
        if not waiting:
            result.problems.append(_unmatched_section(path, head + 1, anchor, by_anchor))
            continue
        paper = waiting[0]
        paper.has_section = True
        body = lines[head + 1 : end]
        paper.abstract, paper.note, paper.truncated, offset = _split_section(body)
        paper.note_line = head + 2 + offset
        if paper.truncated:
            result.problems.append(
                Problem(
                    path,
                    end,
                    None,
                    f"section '{anchor}' ends inside its note fence "
                    "(truncated file?); its note was not imported",
                    "import the complete file; the note is added then",
                    "truncated",
                )
            )


def _unmatched_section(
    path: str, line: int, anchor: str, by_anchor: dict[str, list[ListedPaper]]
) -> Problem:
    if anchor in by_anchor:
        return Problem(
            path,
            line,
            None,
            f"section '{anchor}' is given again, for no other list item; skipped",
            "merge it into the first section of that name, or delete it",
            "duplicate-section",
        )
    return Problem(
        path,
        line,
        None,
        f"section '{anchor}' matches no list item; skipped",
        "fix the anchor or add the list item",
        "orphan-section",
    )


def _split_section(body: list[str]) -> tuple[str, str, bool, int]:
    """(abstract, note, truncated, index of the note's first line) from a section's lines."""
    start = 1 if body and body[0].strip() == "### Abstract" else 0
    cut = next(
        (
            i
            for i in range(start, len(body))
            if body[i].strip() == _FENCE or body[i].startswith("### ")
        ),
        len(body),
    )
    abstract = "\n".join(body[start:cut]).strip()
    first, last = cut, len(body)
    truncated = False
    if first < len(body) and body[first].strip() == _FENCE:
        first += 1
        closing = max((i for i in range(first, len(body)) if body[i].strip()), default=-1)
        if closing >= 0 and body[closing].strip() == _FENCE:
            last = closing
        else:
            truncated = True
    while first < last and not body[first].strip():
        first += 1
    return abstract, "\n".join(body[first:last]).strip("\n"), truncated, first


# ---------------------------------------------------------------- note text
NOTES_HEADING = "### Notes"  # what `export` puts before a note that has no heading of its own


def note_text(paper: ListedPaper) -> tuple[str, int]:
    """A section's note as the person wrote it, and the list's line its first line is on."""
    if paper.note.startswith(NOTES_HEADING + "\n"):
        return paper.note[len(NOTES_HEADING) + 1 :], paper.note_line + 1
    return paper.note, paper.note_line


def tex_quotes(text: str) -> str:
    """arXiv abstracts are LaTeX: ``quoted'' text gets the curly quotes it stands for."""
    return re.sub(r"``(.*?)''", "\u201c\\1\u201d", text, flags=re.DOTALL)


# In the older tool's fenced notes, `<search>` and `<think>` were text; outside a fence,
# Markdown would take them for HTML, and the page would drop them.
_TAG = re.compile(r"</?([A-Za-z][\w-]*)(?:\s[^<>]*)?/?>")
_HTML_TAGS = frozenset(
    (
        "a abbr b blockquote br code dd del details div dl dt em figcaption figure h1 h2 h3 h4 h5 "
        "h6 hr i img ins kbd li mark ol p pre q s samp small span strong sub summary sup table "
        "tbody td tfoot th thead tr u ul var video audio source picture iframe center font"
    ).split()
)
_CODE_SPAN = re.compile(r"(`+[^`]*?`+)")  # split() keeps the code spans, at odd indices


def escape_stray_tags(body: str) -> str:
    """`<search>` -> `&lt;search&gt;` outside code, for tags that are not HTML."""
    if "<" not in body:
        return body
    lines = body.split("\n")
    return "\n".join(
        line if fenced else _escape_line(line)
        for line, fenced in zip(lines, fence_mask(lines), strict=True)
    )


def escape_keeping_columns(body: str, first: int, spans: list[dict[str, Any]]) -> str:
    """`escape_stray_tags(body)`, moving the spans' columns past the added characters
    (`first` is the line of the list that the body's first line is on)."""
    escaped = escape_stray_tags(body)
    if escaped != body:
        before, after = body.split("\n"), escaped.split("\n")
        for span in spans:
            row = before[span["line"] - first]
            if row != after[span["line"] - first]:
                span["column"] = len(_escape_line(row[: span["column"] - 1])) + 1
    return escaped


def _escape_line(line: str) -> str:
    if "<" not in line:
        return line
    pieces = _CODE_SPAN.split(line)
    return "".join(p if i % 2 else _TAG.sub(_escape_tag, p) for i, p in enumerate(pieces))


def _escape_tag(match: re.Match[str]) -> str:
    if match.group(1).lower() in _HTML_TAGS:
        return match.group()
    return match.group().replace("<", "&lt;").replace(">", "&gt;")


_BLOCK_START = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|#|>|\||```|~~~|$)")


def keep_line_breaks(body: str) -> str:
    """The older tool showed notes in a code fence, where every line break showed; in
    Markdown a single one joins two lines, so each becomes a hard break (two spaces)."""
    lines = body.split("\n")
    for i, (line, fenced) in enumerate(zip(lines[:-1], fence_mask(lines), strict=False)):
        if (
            fenced
            or not line.strip()
            or line.endswith(("  ", "\\"))
            or _BLOCK_START.match(lines[i + 1])
        ):
            continue
        if line.lstrip().startswith(("#", "|")):
            continue
        lines[i] = line.rstrip() + "  "
    return "\n".join(lines)


# ---------------------------------------------------------------- export
def anchor_for(title: str) -> str:
    """The older tool's anchors: lowercase, every character but letters, digits and `-` -> `-`."""
    return re.sub(r"[^\w\-]", "-", title.lower())


def unique_anchors(titles: list[str]) -> list[str]:
    """`anchor_for` each title; an anchor already given (titles that differ only in case, or
    the same title twice) gets `-1`, `-2`, ... as GitHub numbers repeated headings, never
    one that another title has of its own."""
    natural = [anchor_for(title) for title in titles]
    taken, given, anchors = set(natural), set(), []
    for base in natural:
        anchor, n = base, 0
        while anchor in given or (n and anchor in taken):
            n += 1
            anchor = f"{base}-{n}"
        given.add(anchor)
        anchors.append(anchor)
    return anchors


def export_anchors(library: Library) -> dict[str, str]:
    """Each paper's anchor in `export_markdown`'s list, by citation key."""
    keys = [entry.paper.key for entry in library.entries]
    return dict(zip(keys, unique_anchors([e.paper.title for e in library.entries]), strict=True))


def _link(url: str) -> str:
    # `(`, `)` and spaces would end the link early when the list is read back.
    return url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")


def export_markdown(library: Library, name: str) -> str:
    """The list in the older tool's format, with clean links and repaired text."""
    items, sections = [f"# Paper List from BIB File: {name}"], ["# TLDR/Notes"]
    anchors = export_anchors(library)
    for entry in library.entries:
        paper, note = entry.paper, entry.note
        date = f"{(paper.year or 0) % 100:02d}/{paper.month or 0:02d}"
        anchor = anchors[paper.key]
        pdf = (
            f"https://arxiv.org/pdf/{paper.arxiv}{paper.arxiv_version}"
            if paper.arxiv
            else paper.links.pdf or paper.links.doi or paper.links.project
        )
        code = paper.links.code or paper.links.project
        links = [
            f"[[{label}]({_link(url)})]"
            for label, url in (("Paper", pdf), ("Code/Page", code))
            if url
        ]
        items.append(
            f"- [{date}] **{paper.title}**  \n{' '.join(links)} [[TLDR/Notes](#{anchor})]\n"
        )
        sections.append(f"## {anchor}\n### Abstract\n{paper.abstract}")
        if note and note.body.strip():
            body = note.body.strip()
            # Without a heading (or the old stray fence) the note would read back as abstract.
            sections.append(
                body + "\n" if body.startswith("### ") else f"{NOTES_HEADING}\n{body}\n"
            )
        else:
            sections[-1] += "\n"
    return "\n".join(items) + "\n" + "\n".join(sections)
