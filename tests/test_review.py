"""The review of repaired text: passages found where they stand, marked, and listed."""

from __future__ import annotations

from pathlib import Path

import pytest

from papershelf.model import Note
from papershelf.notes import NoteFile, read_note
from papershelf.review import (
    anchor,
    locate_uncertain,
    mark_uncertain,
    stale_problems,
    uncertain_html,
)


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


# --- marks that survive editing -----------------------------------------------------------
ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "bib" / "notes" / "li2025hallucination.md"  # the example's most marked note


def _example() -> Note:
    note, problems = read_note(
        NoteFile("bib/notes/li2025hallucination.md", EXAMPLE.read_text("utf-8"))
    )
    assert note is not None and not problems
    return note


def _edited(note: Note, body: str) -> Note:
    return Note(note.path, body, body_line=note.body_line, uncertain=note.uncertain)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param("before-on-its-line", id="text-added-before-a-passage-on-its-line"),
        pytest.param("line-above", id="a-line-added-above-a-passage"),
        pytest.param("both", id="both-edits"),
    ],
)
def test_every_mark_survives_an_edit_around_it(edit: str) -> None:
    note = _example()
    placed = locate_uncertain(note)
    assert len(placed) == len(note.uncertain) > 30
    lines = note.body.split("\n")
    middle = placed[len(placed) // 2]
    if edit in ("before-on-its-line", "both"):  # "(see also §2) " before the passage
        row = lines[middle.row]
        lines[middle.row] = row[: middle.at - 3] + "（另见第2节）" + row[middle.at - 3 :]
    if edit in ("line-above", "both"):  # a new paragraph above one passage only
        lines.insert(placed[-3].row, "补充：这一段是后来加上的。\n")
    edited = _edited(note, "\n".join(lines))
    after = locate_uncertain(edited)
    assert len(after) == len(placed)  # none silently dropped
    body = edited.body.split("\n")
    for passage in after:
        assert body[passage.row][passage.at : passage.at + len(passage.text)] == passage.text
    assert [p.text for p in after] == [p.text for p in placed]
    assert stale_problems(edited, "li2025hallucination") == []


def test_a_passage_corrected_in_place_leaves_without_a_problem() -> None:
    note = _example()
    first = locate_uncertain(note)[0]
    lines = note.body.split("\n")
    row = lines[first.row]
    fixed = "和" if first.text != "和" else "与"
    lines[first.row] = row[: first.at] + fixed + row[first.at + len(first.text) :]
    edited = _edited(note, "\n".join(lines))
    assert len(locate_uncertain(edited)) == len(note.uncertain) - 1
    assert stale_problems(edited, "li2025hallucination") == []


def test_a_passage_whose_text_and_context_are_gone_is_a_stale_review() -> None:
    spans = (
        {
            "line": 3,
            "column": 5,
            "text": "与",
            "alternatives": ["不"],
            "before": "提升效率",
            "after": "精度",
        },
        {
            "line": 4,
            "column": 4,
            "text": "中",
            "alternatives": ["不"],
            "before": "在训练",
            "after": "学习",
        },
    )
    note = Note("bib/notes/x.md", "提升效率与精度\n在训练中学习\n", body_line=3, uncertain=spans)
    assert stale_problems(note, "x") == []
    rewritten = Note(note.path, "提升效率与精度\n整段改写过了。\n", body_line=3, uncertain=spans)
    assert len(locate_uncertain(rewritten)) == 1
    (problem,) = stale_problems(rewritten, "x")
    assert (problem.path, problem.line, problem.key, problem.code) == (
        "bib/notes/x.md",
        4,
        "x",
        "stale-review",
    )
    assert "在训练[中]学习" in problem.message and "uncertain:" in problem.hint
    # Spans recorded before the context was: a passage not at its place is taken as corrected.
    legacy = tuple({k: v for k, v in s.items() if k not in ("before", "after")} for s in spans)
    assert stale_problems(Note(note.path, rewritten.body, body_line=3, uncertain=legacy), "x") == []


def test_anchor_records_the_context_within_the_line() -> None:
    text = "第一行\n提升效率与精度并重\n末行"
    at = text.index("与")
    assert anchor(text, at, at + 1) == {"before": "提升效率", "after": "精度并重"}
    assert anchor("与众不同", 0, 1) == {"before": "", "after": "众不同"}


def test_check_reports_a_stale_review(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from papershelf.cli import main

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Site\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: T\nplugins:\n  - papershelf\n")
    (tmp_path / "bib" / "notes").mkdir(parents=True)
    (tmp_path / "bib" / "papers.bib").write_text("@article{x, title={X}, year={2025}}\n")
    span = '{"line": 5, "column": 4, "text": "中", "alternatives": ["不"], "before": "在训练", "after": "学习"}'
    (tmp_path / "bib" / "notes" / "x.md").write_text(
        f"---\nkey: x\nuncertain:\n  - {span}\n---\n整段改写过了。\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "bib/notes/x.md:5: entry 'x': the uncertain passage 在训练[中]学习" in out


def test_odd_span_values_and_overlapping_spans_are_no_crash() -> None:
    body = "提升效率与精度\n"
    spans = (
        {"line": 1, "column": 5, "text": "与", "alternatives": 7},  # not a list: one alternative
        {"line": 1, "column": 4, "text": "率与", "alternatives": None},  # overlaps the next
        {"line": 1, "column": 5, "text": "与精", "confidence": "high"},
    )
    marked = mark_uncertain(Note("bib/notes/x.md", body, body_line=1, uncertain=spans))
    assert marked == (
        '提升效<mark class="papershelf-unsure" title="unsure">率与</mark>精度\n'
    )  # the first of two overlapping passages is marked, the markup stays whole
    assert "or 7" in uncertain_html(Note("bib/notes/x.md", body, uncertain=spans[:1]))


def test_the_shift_is_chosen_by_the_first_spans_and_applied_to_all() -> None:
    # 1,000 spans, all moved down two lines by an edit above them: found with 100 voters.
    body = "\n\n" + "提升效率与精度\n" * 1000
    spans = tuple(
        {"line": row, "column": 5, "text": "与", "alternatives": ["中"]} for row in range(1, 1001)
    )
    html = uncertain_html(Note("bib/notes/x.md", body, body_line=1, uncertain=spans))
    assert "1000 passages may be wrong" in html


def test_a_long_stale_review_list_is_searched_within_a_bound(monkeypatch) -> None:
    # Each passage that moved was weighed at every place its character stands, and each one
    # not found searched the whole note for its context: 2,000 passages on a body holding 与
    # 40,000 times were 80 million weighings. The search now has a budget of about 40 reads
    # of the body; what it cannot place is still reported, as stale.
    from papershelf import review as module
    from papershelf.review import review

    calls = 0
    weigh = module._context

    def counted(*args):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        return weigh(*args)

    monkeypatch.setattr(module, "_context", counted)
    body = "提升效率与精度与训练\n" * 20_000
    spans = tuple(
        {"line": 1 + i, "column": 3, "text": "与", "before": "一二", "after": "三四"}
        for i in range(2000)
    )
    result = review(Note("bib/notes/x.md", body, body_line=1, uncertain=spans))
    assert result.placed == [] and len(result.lost) == 2000
    assert calls < 500_000
