"""Front matter is read safely: no YAML alias is expanded, no message shows more than a short
excerpt of a value, and no value (a key that is a number, a number too long to print) breaks
the reading of a note."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_properties import FAST

from papershelf.notes import NoteFile, read_note


def read(front: str) -> tuple[list[tuple[int | None, str]], list[str]]:
    note, problems = read_note(NoteFile("n.md", f"---\n{front}---\nThe body.\n"))
    assert note is not None and note.body == "The body.\n"
    return [(p.line, p.code) for p in problems], [p.message for p in problems]


BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n"
    for i in range(9)
)


@pytest.mark.parametrize(
    ("front", "line"),
    [
        pytest.param(BILLION_LAUGHS + "tags: *j\n", 3, id="billion-laughs"),
        pytest.param("base: &b {status: read}\n<<: *b\n", 3, id="merge-key"),
        pytest.param("x: &a [rl]\ntags: *a\n", 3, id="one-alias"),
        pytest.param("summary: 'a *b* c'\nrelated: [a, *x]\n", 3, id="alias-in-a-list"),
    ],
)
def test_yaml_aliases_are_refused_at_their_line(front: str, line: int) -> None:
    found, messages = read(front)
    assert found == [(line, "bad-front-matter")]
    assert "alias" in messages[0]


def test_anchors_and_asterisks_without_aliases_are_fine() -> None:
    note, problems = read_note(
        NoteFile("n.md", "---\ntags: &t [rl, 'a*b']\nsummary: A *bold* claim & more\n---\nx\n")
    )
    assert problems == []
    assert note is not None and note.tags == ("rl", "a*b")
    assert note.summary == "A *bold* claim & more"


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        pytest.param("1: a\nb: c\n", [(2, "unknown-field"), (3, "unknown-field")], id="int-key"),
        pytest.param("true: 1\nb: 2\n", [(2, "unknown-field"), (3, "unknown-field")], id="bool"),
        pytest.param("~: 1\n", [(2, "unknown-field")], id="null-key"),
        pytest.param("rating: " + "1" * 5000 + "\n", [(1, "bad-front-matter")], id="huge-int"),
        pytest.param(
            "tags: " + "[" * 5000 + "]" * 5000 + "\n", [(2, "bad-front-matter")], id="deep"
        ),
    ],
)
def test_odd_keys_and_values_are_problems_not_crashes(
    front: str, expected: list[tuple[int, str]]
) -> None:
    assert read(front)[0] == expected


def test_messages_quote_a_short_excerpt_of_a_value() -> None:
    found, messages = read(
        "rating: ["
        + ", ".join(["1"] * 100_000)
        + "]\nstatus: "
        + "x" * 100_000
        + "\n"
        + "y" * 1000
        + ": 1\n"  # YAML allows keys of up to 1,024 characters
    )
    assert found == [(3, "bad-front-matter"), (2, "bad-front-matter"), (4, "unknown-field")]
    assert all(len(m) < 300 for m in messages), [len(m) for m in messages]
    assert "[1, 1, 1, 1, 1, ...]" in messages[1]


def test_each_unknown_field_is_reported_at_its_line() -> None:
    # Each field's line was found by searching the whole front matter: quadratic.
    found, _ = read("".join(f"k{i}: v\n" for i in range(20_000)))
    assert sorted(found) == [(i + 2, "unknown-field") for i in range(20_000)]


YAML_TEXT = st.lists(
    st.sampled_from(list("&*!|>[]{}:,-?#'\"%@`\n\t abc019") + ["<<", "---", "...", "\n  "]),
    max_size=40,
).map("".join)


@FAST
@given(YAML_TEXT)
def test_any_front_matter_gives_a_note_and_short_problems(front: str) -> None:
    note, problems = read_note(NoteFile("n.md", f"---\n{front}\n---\nbody\n"))
    assert note is not None
    for problem in problems:
        assert problem.hint and len(problem.message) < 300
