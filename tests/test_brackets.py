"""brackets.defuse_brackets: a reader sees the same page, and Python-Markdown reads it in linear
time (the timing is tests/test_markdown_time.py)."""

from __future__ import annotations

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papershelf import brackets
from papershelf.brackets import defuse_brackets

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
EXTENSIONS = ["toc", "attr_list", "pymdownx.superfences"]


def html(text: str) -> str:
    return markdown.Markdown(extensions=EXTENSIONS).convert(text)


@FAST
@given(
    st.lists(
        st.sampled_from(["[", "]", "(", ")", "`", "a", " ", "\n", "\n\n", "](x)"]), max_size=60
    )
)
def test_escaping_changes_nothing_a_reader_sees(pieces: list[str]) -> None:
    text = "".join(pieces)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(brackets, "LIMIT", 1)  # every paragraph with a bad bracket is escaped
        defused = defuse_brackets(text)
    assert html(defused) == html(text)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("see [1] and [2 of them (x", id="a-few-stray-brackets"),
        pytest.param("`" + "[" * 100 + "`", id="in-a-code-span"),
        pytest.param("```\n" + "[" * 100 + "\n```\n", id="in-a-fenced-block"),
        pytest.param("[a](b) " * 100, id="real-links"),
    ],
)
def test_a_normal_note_and_code_are_left_as_written(text: str) -> None:
    assert defuse_brackets(text) == text


def test_a_paragraph_of_unclosed_brackets_is_escaped_and_the_next_is_not() -> None:
    text = "[" * 40 + "\n\n" + "a [link](x) [and (a stray\n"
    assert defuse_brackets(text) == "\\[" * 40 + "\n\n" + "a [link](x) [and (a stray\n"
