"""Two papers under one citation key: the second gets a name that no entry anywhere in the
bibliography has, chosen the same way every time, and the rename is reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from papershelf.bib import RawEntry
from papershelf.duplicates import name_duplicates
from papershelf.library import Settings, load_library
from papershelf.model import Problem


def raw(key: str, title: str, path: str = "bib/a.bib", line: int = 1) -> RawEntry:
    return RawEntry(key, "misc", {"title": title}, path, line)


def names(entries: list[RawEntry]) -> tuple[list[tuple[str, str]], list[Problem]]:
    problems: list[Problem] = []
    kept = name_duplicates(entries, problems)
    return [(e.key, e.fields["title"]) for e in kept], problems


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        pytest.param(
            [raw("k", "A"), raw("k", "B"), raw("k-2", "Real")],
            [("k", "A"), ("k-3", "B"), ("k-2", "Real")],
            id="a-later-entry-holds-key-2",
        ),
        pytest.param(
            [raw("k-2", "Real"), raw("k", "A"), raw("k", "B"), raw("k", "C")],
            [("k-2", "Real"), ("k", "A"), ("k-3", "B"), ("k-4", "C")],
            id="an-earlier-entry-holds-key-2",
        ),
        pytest.param(
            [raw("k", "A"), raw("k", "B"), raw("K-2", "Real")],
            [("k", "A"), ("k-3", "B"), ("K-2", "Real")],
            id="taken-in-another-case",
        ),
        pytest.param(
            [raw("k", "A"), raw("K", "B"), raw("k", "C"), raw("K", "D")],
            [("k", "A"), ("K", "B"), ("k-2", "C"), ("K-3", "D")],
            id="keys-that-differ-in-case-share-the-numbers",
        ),
        pytest.param(
            [raw("k-2", "A"), raw("k-2", "B"), raw("k", "C"), raw("k", "D")],
            [("k-2", "A"), ("k-2-2", "B"), ("k", "C"), ("k-3", "D")],
            id="a-renamed-key-renamed-again",
        ),
    ],
)
def test_the_new_name_is_free_in_the_whole_bibliography(
    entries: list[RawEntry], expected: list[tuple[str, str]]
) -> None:
    kept, problems = names(entries)
    assert kept == expected
    renamed = [p for p in problems if p.code == "duplicate-key"]
    assert len(renamed) == sum(key != e.key for (key, _), e in zip(kept, entries, strict=True))
    for problem, (key, _) in zip(
        renamed, [k for k, e in zip(kept, entries, strict=True) if k[0] != e.key], strict=True
    ):
        assert f"shown as '{key}'" in problem.message


def test_the_very_same_entry_again_is_dropped_whichever_copy_it_repeats() -> None:
    kept, problems = names([raw("k", "A"), raw("k", "B"), raw("k", "B", line=9), raw("k", "A")])
    assert kept == [("k", "A"), ("k-2", "B")]
    assert [(p.line, p.code) for p in problems] == [
        (1, "duplicate-key"),
        (9, "duplicate-entry"),
        (1, "duplicate-entry"),
    ]


def test_twenty_thousand_copies_take_the_numbers_in_order() -> None:
    # Each copy once tried every number from 2 up: quadratic. tests/test_linear.py bounds the
    # time; this checks that the numbers come out in order with real keys skipped.
    entries = [raw("k", f"T{i}") for i in range(20_000)] + [raw("k-5", "Real")]
    kept, problems = names(entries)
    numbers = [int(key.rsplit("-", 1)[1]) for key, _ in kept[1:-1]]
    assert numbers == [n for n in range(2, 20_002) if n != 5]
    assert len(problems) == 19_999


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_a_note_stays_with_its_paper_when_a_duplicate_is_renamed(tmp_path: Path) -> None:
    # a.bib is read first: its second `k` would have been `k-2`, which b.bib holds, so the
    # note k-2.md would have landed on the copy.
    root = write(
        tmp_path,
        {
            "bib/a.bib": "@misc{k, title = {First}, year = 2020}\n\n"
            "@misc{k, title = {Copy}, year = 2020}\n",
            "bib/b.bib": "@misc{k-2, title = {Real k-2}, year = 2021}\n",
            "bib/notes/k-2.md": "On the real k-2.\n",
        },
    )
    library = load_library(Settings(root=root))
    papers = {e.paper.key: (e.paper.title, e.note and e.note.body.strip()) for e in library.entries}
    assert papers == {
        "k": ("First", None),
        "k-3": ("Copy", None),
        "k-2": ("Real k-2", "On the real k-2."),
    }
    assert [(p.path, p.line, p.code) for p in library.problems] == [
        ("bib/a.bib", 3, "duplicate-key")
    ]
    again = load_library(Settings(root=root))
    assert [e.paper.key for e in again.entries] == [e.paper.key for e in library.entries]
