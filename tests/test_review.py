"""The review of repaired text: passages found where they stand, marked, and listed."""

from __future__ import annotations

from papershelf.model import Note
from papershelf.review import mark_uncertain, uncertain_html


def test_a_passage_corrected_by_hand_leaves_the_review_list() -> None:
    spans = (
        {"line": 3, "column": 5, "text": "与", "alternatives": ["不"]},
        {"line": 4, "column": 4, "text": "中", "alternatives": ["不"]},
    )
    note = Note("bib/notes/x.md", "提升效率与精度\n在训练中学习\n", body_line=3, uncertain=spans)
    assert "2 passages may be wrong" in uncertain_html(note)
    edited = Note(note.path, "提升效率和精度\n在训练中学习\n", body_line=3, uncertain=spans)
    html = uncertain_html(edited)
    assert "1 passage may be wrong" in html and "<mark>中</mark>" in html and "与" not in html
    assert (
        uncertain_html(
            Note(note.path, "提升效率和精度\n在训练里学习\n", body_line=3, uncertain=spans)
        )
        == ""
    )
    # Lines added to the front matter move the whole body: the passages move with it.
    moved = Note(note.path, note.body, body_line=5, uncertain=spans)
    assert "2 passages may be wrong" in uncertain_html(moved)
    assert "line 6: 在训练<mark>中</mark>学习" in uncertain_html(moved)
    # A corrected 中 is not replaced by another 中 further along the line.
    again = Note(note.path, "提升效率与精度\n在训练里学习中\n", body_line=3, uncertain=spans)
    assert "1 passage may be wrong" in uncertain_html(again)


def test_uncertain_passages_are_marked_where_they_stand() -> None:
    body = "### 效率与精度\n提升效率与精度\n`与` 和 [与](https://x.org/与)\n```\n与\n```\n"
    spans = tuple(
        {"line": 3 + i, "column": c, "text": "与", "alternatives": ["中", "不"]}
        for i, c in ((0, 7), (1, 5), (2, 2), (2, 8), (2, 25), (4, 1))
    )
    marked = mark_uncertain(Note("bib/notes/x.md", body, body_line=3, uncertain=spans))
    assert marked.splitlines() == [
        "### 效率与精度",  # headings keep plain text (their anchors and the table of contents)
        '提升效率<mark class="papershelf-unsure" title="or 中, 不">与</mark>精度',
        '`与` 和 [<mark class="papershelf-unsure" title="or 中, 不">与</mark>](https://x.org/与)',
        "```",
        "与",
        "```",  # code is left alone
    ]


def test_a_tilde_fence_is_not_closed_by_backticks() -> None:
    body = "~~~\n```\n与\n~~~\n与\n"
    spans = tuple(
        {"line": 1 + row, "column": 1, "text": "与", "alternatives": ["不"]} for row in (2, 4)
    )
    marked = mark_uncertain(Note("bib/notes/x.md", body, body_line=1, uncertain=spans))
    assert marked.splitlines() == [
        "~~~",
        "```",
        "与",  # still inside the ~~~ block: ``` does not close it
        "~~~",
        '<mark class="papershelf-unsure" title="or 不">与</mark>',
    ]
