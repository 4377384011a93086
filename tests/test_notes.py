from __future__ import annotations

import pytest

from papershelf.notes import NoteFile, read_note

BIB = (
    "@article{smith2020, title={A}, year=2020, eprint={2001.00001}}\n"
    "@article{DBLP:conf/x/Y21, title={B}, year=2021}\n"
)


def test_notes_match_by_key_slug_arxiv_and_front_matter(load) -> None:
    library = load(
        BIB,
        {
            "smith2020.md": "By key.\n",
            "dblp-conf-x-y21.md": "By slug.\n",
        },
    )
    assert library.problems == ()
    notes = {e.paper.key: e.note.body.strip() for e in library.entries if e.note}
    assert notes == {"smith2020": "By key.", "DBLP:conf/x/Y21": "By slug."}
    library = load(BIB, {"2001.00001v2.md": "By arXiv id.\n"})
    assert library.by_key()["smith2020"].note.body.strip() == "By arXiv id."


def test_front_matter_key_and_subfolders(load) -> None:
    library = load(BIB, {"2021/any-name.md": "---\nkey: DBLP:conf/x/Y21\ntags: [rl]\n---\nHi\n"})
    entry = library.by_key()["DBLP:conf/x/Y21"]
    assert entry.note.body == "Hi\n" and entry.tags == ("rl",)


def test_paper_without_note_is_fine(load) -> None:
    library = load(BIB)
    assert all(e.note is None for e in library.entries) and library.problems == ()


@pytest.mark.parametrize(
    ("notes", "code", "path", "line"),
    [
        pytest.param({"nobody.md": "x"}, "orphan-note", "bib/notes/nobody.md", 1, id="orphan"),
        pytest.param(
            {"smith2020.md": "---\ntags: [a\n---\nx"},
            "bad-front-matter",
            "bib/notes/smith2020.md",
            3,
            id="invalid-yaml",
        ),
        pytest.param(
            {"smith2020.md": "---\ntitle: x\nstatus: done\n---\n"},
            "bad-front-matter",
            "bib/notes/smith2020.md",
            3,
            id="bad-status",
        ),
        pytest.param(
            {"smith2020.md": "---\nrating: 9\n---\n"},
            "bad-front-matter",
            "bib/notes/smith2020.md",
            2,
            id="bad-rating",
        ),
        pytest.param(
            {"smith2020.md": "---\ntags: {a: 1}\n---\n"},
            "bad-front-matter",
            "bib/notes/smith2020.md",
            2,
            id="tags-not-a-list",
        ),
        pytest.param(
            {"smith2020.md": "---\n\ntag: [a]\n---\n"},
            "unknown-field",
            "bib/notes/smith2020.md",
            3,
            id="typo-field",
        ),
        pytest.param(
            {"a.md": "---\nkey: smith2020\n---\n", "b.md": "---\nkey: smith2020\n---\n"},
            "duplicate-note",
            "bib/notes/b.md",
            1,
            id="two-notes-one-paper",
        ),
        pytest.param(
            {"smith2020.md": "---\nrelated: [ghost]\n---\n"},
            "unknown-related",
            "bib/notes/smith2020.md",
            2,
            id="unknown-related",
        ),
    ],
)
def test_note_problems(load, notes, code, path, line) -> None:
    library = load(BIB, notes)
    assert (code, path, line) in [(p.code, p.path, p.line) for p in library.problems]
    assert len(library.entries) == 2


def test_bad_front_matter_keeps_the_body() -> None:
    note, problems = read_note(NoteFile("n.md", "---\nstatus: [\n---\nBody survives.\n"))
    assert note is not None and note.body == "Body survives.\n"
    assert problems and problems[0].code == "bad-front-matter"


def test_crlf_and_bom_notes() -> None:
    note, problems = read_note(NoteFile("n.md", "\ufeff---\r\ntags: [x]\r\n---\r\nBody\r\n"))
    assert problems == [] and note is not None
    assert note.tags == ("x",) and note.body == "Body\n"


def test_extra_facets_are_read_when_declared() -> None:
    note, problems = read_note(
        NoteFile("n.md", "---\nmethod: PPO\nbenchmark: [GSM8K, MATH]\n---\n"),
        facets=("method", "benchmark"),
    )
    assert problems == []
    assert dict(note.extra) == {"method": ("PPO",), "benchmark": ("GSM8K", "MATH")}
