"""The older tool's "Paper List" format: parsing the seed and edge cases, and exporting it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from papershelf.paperlist import anchor_for, clean_link, parse_paper_list, unique_anchors

SEED = Path(__file__).parent / "data" / "seed-paper-list.md"


def test_seed_parses_completely() -> None:
    listing = parse_paper_list(SEED.read_text(encoding="utf-8"), "seed.md")
    assert listing.problems == []
    assert len(listing.papers) == 41
    first = listing.papers[0]
    assert (first.title, first.arxiv, first.version, first.year, first.month) == (
        "START: Self-taught Reasoner with Tools",
        "2503.04625",
        "v2",
        2025,
        3,
    )
    assert first.abstract.startswith("Large reasoning models (LRMs) like OpenAI-o1")
    assert first.abstract.endswith("model o1-Preview.")
    assert "```" not in first.note and first.note.startswith("### ")
    assert all(p.abstract and p.note for p in listing.papers)
    codes = {p.code for p in listing.papers if p.code}
    assert "https://github.com/dongguanting/Tool-Star" in codes
    assert all(not c.endswith((".", ",")) and "}{" not in c for c in codes)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("https://github.com/a/b.", "https://github.com/a/b"),
        ("https://github.com/a/b/,", "https://github.com/a/b/"),
        ("https://x.io/p}{https://x.io/p.", "https://x.io/p"),
        ("", ""),
        ("javascript:alert(1)", ""),
        ("not a url", ""),
    ],
)
def test_clean_link(raw: str, clean: str) -> None:
    assert clean_link(raw) == clean


def test_anchor_matches_the_older_tool() -> None:
    assert (
        anchor_for("START: Self-taught Reasoner with Tools")
        == "start--self-taught-reasoner-with-tools"
    )
    assert anchor_for("s3: You Don't Need That Much Data") == "s3--you-don-t-need-that-much-data"


ITEM = "- [25/03] **{title}**  \n[[Paper](http://arxiv.org/pdf/2503.0000{n}v1)] [[Code/Page]({code})] [[TLDR/Notes](#{anchor})]\n"


def make(*items: str, sections: str = "") -> str:
    return "# Paper List from BIB File: x.bib\n" + "\n".join(items) + "\n# TLDR/Notes\n" + sections


@pytest.mark.parametrize(
    ("text", "code", "line", "kept"),
    [
        pytest.param(
            make(
                ITEM.format(title="A", n=1, code="", anchor="a"),
                sections="## a\n### Abstract\nAbs.\n## ghost\n### Abstract\nX\n",
            ),
            "orphan-section",
            9,
            1,
            id="section-without-item",
        ),
        pytest.param(
            make(ITEM.format(title="A", n=1, code="", anchor="a")),
            "missing-section",
            2,
            1,
            id="item-without-section",
        ),
        pytest.param(
            make(
                ITEM.format(title="A", n=1, code="", anchor="a"),
                sections="## a\n### Abstract\nAbs.\n```\n### Note\ncut off",
            ),
            "truncated",
            11,
            1,
            id="truncated-file",
        ),
        pytest.param(
            make(
                "- [25/03] **No links**",
                ITEM.format(title="B", n=2, code="", anchor="b"),
                sections="## b\n### Abstract\nB.\n",
            ),
            "bad-item",
            3,
            1,
            id="item-missing-links-line",
        ),
        pytest.param(
            make(
                ITEM.format(title="A", n=1, code="", anchor="a").replace("25/03", "25/13"),
                sections="## a\n### Abstract\nAbs.\n",
            ),
            "bad-month",
            2,
            1,
            id="bad-month",
        ),
        pytest.param(
            make(
                ITEM.format(title="A", n=1, code="", anchor="a"),
                sections="## a\n### Abstract\nAbs.\n## a\n### Abstract\nAgain.\n",
            ),
            "duplicate-section",
            9,
            1,
            id="section-twice",
        ),
    ],
)
def test_defects_are_located(text: str, code: str, line: int, kept: int) -> None:
    listing = parse_paper_list(text, "list.md")
    assert (code, line) in [(p.code, p.line) for p in listing.problems]
    assert len(listing.papers) == kept


def test_note_without_fence_and_plain_note() -> None:
    text = make(
        ITEM.format(title="A", n=1, code="https://github.com/a/b.", anchor="a"),
        sections="## a\n### Abstract\nLine one\nline two.\n### 🌟 Note\nBody\n",
    )
    (paper,) = parse_paper_list(text, "x").papers
    assert paper.abstract == "Line one\nline two."
    assert paper.note == "### 🌟 Note\nBody"
    assert paper.code == "https://github.com/a/b"


@pytest.mark.parametrize(
    ("titles", "anchors"),
    [
        pytest.param(["A b", "A B", "a b"], ["a-b", "a-b-1", "a-b-2"], id="differ-in-case"),
        pytest.param(["Same", "Same"], ["same", "same-1"], id="identical"),
        pytest.param(["X", "X", "X 1"], ["x", "x-2", "x-1"], id="suffix-taken-by-a-title"),
        pytest.param(["One", "Two"], ["one", "two"], id="distinct-titles-unchanged"),
    ],
)
def test_export_anchors_are_unique(titles: list[str], anchors: list[str]) -> None:
    assert unique_anchors(titles) == anchors


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["A", "a", "A 1", "a-1", "A-2", "B", "b b", "B-B"]), max_size=9))
def test_export_anchors_are_unique_and_first_comers_keep_theirs(titles: list[str]) -> None:
    anchors = unique_anchors(titles)
    assert len(set(anchors)) == len(anchors)
    for i, title in enumerate(titles):
        if anchor_for(title) not in map(anchor_for, titles[:i]):
            assert anchors[i] == anchor_for(title)


def test_items_sharing_an_anchor_take_their_sections_in_order() -> None:
    text = make(
        ITEM.format(title="Foo", n=1, code="", anchor="foo"),
        ITEM.format(title="FOO", n=2, code="", anchor="foo"),
        sections="## foo\n### Abstract\nFirst.\n## foo\n### Abstract\nSecond.\n",
    )
    listing = parse_paper_list(text, "x")
    assert listing.problems == []
    assert [(p.title, p.abstract) for p in listing.papers] == [
        ("Foo", "First."),
        ("FOO", "Second."),
    ]


@pytest.mark.parametrize(
    ("date", "year", "month"),
    [
        pytest.param("25/03", 2025, 3, id="this-century"),
        pytest.param("98/11", 1998, 11, id="last-century"),
        pytest.param("24/00", 2024, 0, id="no-month-as-export-writes-it"),
    ],
)
def test_two_digit_dates(date: str, year: int, month: int) -> None:
    text = make(
        ITEM.format(title="A", n=1, code="", anchor="a").replace("25/03", date),
        sections="## a\n### Abstract\nAbs.\n",
    )
    listing = parse_paper_list(text, "x")
    assert listing.problems == []
    assert (listing.papers[0].year, listing.papers[0].month) == (year, month)


def test_an_arxiv_html_link_gives_the_id() -> None:
    text = make(
        ITEM.format(title="A", n=1, code="", anchor="a").replace(
            "http://arxiv.org/pdf/2503.00001v1", "https://arxiv.org/html/2503.04625v3"
        ),
        sections="## a\n### Abstract\nAbs.\n",
    )
    (paper,) = parse_paper_list(text, "x").papers
    assert (paper.arxiv, paper.version) == ("2503.04625", "v3")
