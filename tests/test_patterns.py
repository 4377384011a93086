"""The patterns rewritten to run in linear time read text as the old ones did: checked on
random strings against the old patterns (kept here as they were), and where the reading was
meant to change, by example. tests/test_linear.py checks the time."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from test_properties import FAST

from papershelf import dates, latex, normalize
from papershelf.latex import decode
from papershelf.normalize import find_arxiv
from papershelf.pages import _math_pieces

OLD_TOKEN = re.compile(
    r"""
    (?=[$\\`'~{}-])
    (?:(?P<math>\$\$.+?\$\$|\$(?:\\.|[^$\\])+\$|\\\(.+?\\\))
    |\\(?P<acc>['"^`~=.])\s*(?:\{\s*(?P<accarg>\\[ij](?![A-Za-z])|[^{}\\\s])?\s*\}
                              |(?P<accbare>\\[ij](?![A-Za-z])|[A-Za-z]))
    |\\(?P<lacc>[uvHckrdbt])(?:\s*\{\s*(?P<laccarg>\\[ij](?![A-Za-z])|[^{}\\\s])?\s*\}
                             |\s+(?P<laccbare>[A-Za-z]))
    |\\href\s*\{[^{}]*\}
    |\\(?:noopsort|hspace\*?|vspace\*?|label|index)\s*\{[^{}]*\}
    |\\(?P<word>[A-Za-z]+)(?P<space>\s*)
    |\\(?P<sym>[&%$\#_{}\s,;:!/\-@|\\])
    |(?P<dash>---?)
    |(?P<quote>``|'')
    |(?P<tilde>~)
    |(?P<brace>[{}]))
    """,
    re.VERBOSE | re.DOTALL,
)
OLD_ARXIV_ID = r"(\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(v\d+)?"
OLD_ARXIV_IN_TEXT = re.compile(r"\barxiv\s*[:/]?\s*(?:abs/)?" + OLD_ARXIV_ID, re.IGNORECASE)
OLD_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2}))?(?:-\d{1,2})?(?:/.*)?\s*$")

LATEX = st.lists(
    st.sampled_from(
        [*"$\\`'~{}- \n\tab{}^\"=.uvHcij", "\\'", '\\"', "\\u ", "\\href", "\\i", "\\(", "\\)"]
        + ["\\textbf", "\\noopsort", "\\hspace*", "$$", "--", "``", "''", "\\\\", "\\$", "é"]
    ),
    max_size=16,
).map("".join)


def tokens(pattern: re.Pattern[str], text: str) -> list[tuple[int, int, str | None]]:
    return [(m.start(), m.end(), m.lastgroup) for m in pattern.finditer(text)]


@FAST
@given(LATEX)
def test_latex_tokens_are_the_old_ones_outside_paren_math(text: str) -> None:
    assume("\\(" not in text)
    assert tokens(latex._TOKEN, text) == tokens(OLD_TOKEN, text)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(r"a \(x^2\) b", r"a \(x^2\) b", id="paren-math-verbatim"),
        pytest.param(r"\(a \\ b\)", r"\(a \\ b\)", id="escaped-backslash-inside"),
        pytest.param(r"\( \\) \)", r"\( \\) \)", id="escaped-backslash-before-paren"),
        pytest.param(r"\( a \( b \) c", r"\( a \( b \) c", id="no-nesting"),
        pytest.param("\\'{" + " " * 50 + "e}", "é", id="accent-after-spaces"),
        pytest.param(r"\dag{} and \zzunknown", "† and", id="pylatexenc-only-when-it-knows"),
    ],
)
def test_paren_math_and_commands(source: str, expected: str) -> None:
    assert decode(source) == expected


ARXIV_TEXT = st.lists(
    st.sampled_from(
        ["arxiv", "arXiv", " ", ":", "/", "abs/", "hep-th", "2101.00001", "v2"] + ["x"]
    ),
    max_size=8,
).map("".join)


@FAST
@given(ARXIV_TEXT)
def test_arxiv_in_text_finds_what_it_found(text: str) -> None:
    old, new = OLD_ARXIV_IN_TEXT.search(text), normalize._ARXIV_IN_TEXT.search(text)
    assert (old and old.groups()) == (new and new.groups())


def test_arxiv_after_any_spacing() -> None:
    assert find_arxiv({"journal": "arXiv " + " " * 10_000 + ": 2101.00001v3"}) == (
        "2101.00001",
        "v3",
    )
    assert find_arxiv({"note": "arXiv:hep-th/9901001"}) == ("hep-th/9901001", "")


DATES = st.lists(st.sampled_from(["2020", "-", "1", "12", "/", " ", "\n", "x", "2021"]), max_size=8)


@FAST
@given(DATES.map("".join))
def test_dates_read_as_before(text: str) -> None:
    old, new = OLD_DATE.match(text), dates._DATE.match(text)
    assert (old and old.groups()) == (new and new.groups())


@pytest.mark.parametrize(
    ("text", "math"),
    [
        pytest.param("a $x$ b", [r"\(x\)"], id="inline"),
        pytest.param("$$y$$ and $z$", [r"\[y\]", r"\(z\)"], id="display-and-inline"),
        pytest.param(r"costs \$5, or $6$", [r"\(6\)"], id="an-escaped-dollar-opens-no-math"),
        pytest.param(r"\$\$\$\$", [], id="only-escaped-dollars"),
        pytest.param(r"$a\$b$", [r"\(a\$b\)"], id="escaped-dollar-inside-math"),
    ],
)
def test_math_in_page_text_does_not_start_at_an_escaped_dollar(text: str, math: list) -> None:
    pieces = _math_pieces(text, math=True)
    assert [piece for kind, piece in pieces if kind == "math"] == math
