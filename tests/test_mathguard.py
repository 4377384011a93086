"""Math that could write HTML once typeset is made inert; all other TeX is left as written."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from papershelf.mathguard import neutralise_tex

HTML_WRITERS = {"href", "url", "class", "cssId", "style", "data", "mmlToken", "includegraphics"}
HTML_WRITERS |= {"htmlClass", "htmlId", "htmlStyle", "htmlData"}
DEFINERS = {"def", "gdef", "edef", "xdef", "let", "newcommand", "renewcommand", "require"}
DEFINERS |= {"providecommand", "newenvironment", "renewenvironment", "DeclareMathOperator"}


def commands(tex: str) -> list[tuple[str, str]]:
    """(name, what follows) for each control word, read one character at a time as TeX does."""
    found, i = [], 0
    while i < len(tex):
        if tex[i] != "\\":
            i += 1
            continue
        j = i + 1
        while j < len(tex) and tex[j].isascii() and tex[j].isalpha():
            j += 1
        if j == i + 1:  # a control symbol such as \\ or \{
            i += 2
            continue
        found.append((tex[i + 1 : j], tex[j:]))
        i = j
    return found


def dangerous(tex: str) -> list[str]:
    bad = []
    for name, rest in commands(tex):
        if name in ("href", "url") and re.match(r"[ \t\n]*\{https?://[^\s{}\\%]*\}", rest):
            continue
        if name in HTML_WRITERS | DEFINERS:
            bad.append(name)
        if name == "unicode" and not re.match(r"\{\s*(x[0-9A-Fa-f]+|\d+)\s*\}", rest, re.I):
            bad.append(name)
        if name == "bbox" and re.match(r"\s*\[[^\]]*[:(]", rest):
            bad.append(name)
    return bad


@pytest.mark.parametrize(
    ("tex", "safe"),
    [
        pytest.param(r"\href{javascript:alert(1)}{x}", "{}{x}", id="href-javascript"),
        pytest.param(r"\href{https://a.example/p?q=1}{x}", None, id="href-https-kept"),
        pytest.param(r"\href{http://a.example}{x}", None, id="href-http-kept"),
        pytest.param("\\href {java\nscript:alert(1)}{x}", "{}{x}", id="href-space-newline"),
        pytest.param(r"\href{ https://a.example}{x}", "{}{x}", id="href-leading-space"),
        pytest.param(r"\href{&#x6a;avascript:alert(1)}{x}", "{}{x}", id="href-entity"),
        pytest.param(r"\href{data:text/html,x}{x}", "{}{x}", id="href-data"),
        pytest.param(r"\href{//evil.example}{x}", "{}{x}", id="href-scheme-relative"),
        pytest.param(r"\href javascript:alert(1)", "{}avascript:alert(1)", id="href-no-braces"),
        pytest.param(
            "\\href%\n{javascript:alert(1)}{x}", "{}\n{javascript:alert(1)}{x}", id="href-comment"
        ),
        pytest.param(r"\href", "{}", id="href-at-end"),
        pytest.param(
            r"\href{https://a.example}{\href{javascript:1}{z}}",
            r"\href{https://a.example}{{}{z}}",
            id="href-nested",
        ),
        pytest.param(
            r"\url{javascript:alert(1)}", r"{\text{javascript:alert(1)}}", id="url-as-text"
        ),
        pytest.param(r"\url{https://a.example}", None, id="url-https-kept"),
        pytest.param(r"\url{java\script{:}}", r"{\text{javascript:}}", id="url-odd-target"),
        pytest.param(r"\h\ref{x}", None, id="two-commands-are-not-href"),
        pytest.param(r"\\href{javascript:1}{y}", None, id="line-break-then-letters"),
        pytest.param(
            r"\h\class{x}ref{javascript:1}{y}", r"\h{}ref{javascript:1}{y}", id="no-join-after-drop"
        ),
        pytest.param(r"\class{md-typeset}{x}", "{}{x}", id="class"),
        pytest.param(r"\cssId{__config}{x}", "{}{x}", id="cssId"),
        pytest.param(r"\style{background:url(https://e.example)}{x}", "{}{x}", id="style"),
        pytest.param(r"\data{md-component=search}{x}", "{}{x}", id="data"),
        pytest.param(r"\htmlId{__config}{x}", "{}{x}", id="katex-htmlId"),
        pytest.param(r"\mmlToken{mi}[href='javascript:alert(1)']{x}", "{}{x}", id="mmlToken"),
        pytest.param(r"\unicode[Comic Sans]{x263A}", r"{\unicode{x263A}}", id="unicode-font"),
        pytest.param(r"\unicode{9786}", None, id="unicode-decimal-kept"),
        pytest.param(r"\unicode[x]{url(https://e.example)}", "{}", id="unicode-not-a-code"),
        pytest.param(r"\bbox[yellow,5px]{x}", None, id="bbox-colour-kept"),
        pytest.param(r"\bbox[5px,border:2px solid red]{x}", "{}{x}", id="bbox-style"),
        pytest.param(
            r"\includegraphics[width=1em]{https://e.example/t.png}", "{}", id="includegraphics"
        ),
        pytest.param(
            r"\def\x{\hr}\x ef{javascript:1}{y}", r"{}\x{\hr}\x ef{javascript:1}{y}", id="def"
        ),
        pytest.param(
            r"\newcommand{\x}{\href}\x{javascript:1}{y}",
            r"{}{\x}{{}}\x{javascript:1}{y}",
            id="newcommand",
        ),
        pytest.param(r"\let\x=\href \x{javascript:1}{y}", r"{}\x={}{javascript:1}{y}", id="let"),
        pytest.param(r"\require{html}", "{}{html}", id="require"),
        pytest.param(r"\verb|%|\href{javascript:1}{y}", r"\verb|%|{}{y}", id="comment-in-verb"),
        pytest.param(r"%\href{javascript:1}{y}", "%{}{y}", id="inside-a-comment"),
        pytest.param(r"\mathcal{O}(n^2) \le \frac{a}{b}", None, id="ordinary-math"),
        pytest.param(r"\hrefx{a} \classy", None, id="longer-names"),
        pytest.param(r"\operatorname{href}", None, id="href-as-a-word"),
    ],
)
def test_neutralise_tex(tex: str, safe: str | None) -> None:
    assert (dangerous(tex) == []) == (safe is None)  # the checker below sees the danger
    assert neutralise_tex(tex) == (tex if safe is None else safe)
    assert dangerous(neutralise_tex(tex)) == []


TEX_PIECES = st.sampled_from(
    [
        "\\",
        "href",
        "url",
        "h",
        "ref",
        "class",
        "cssId",
        "style",
        "def",
        "let",
        "newcommand",
        "unicode",
        "mmlToken",
        "bbox",
        "require",
        "{",
        "}",
        "[",
        "]",
        "%",
        "\n",
        " ",
        "x",
        "javascript:",
        "https://a.example",
        "color:red",
        "\\\\",
        "\\{",
        "#1",
        "=",
    ]
)


@given(st.lists(TEX_PIECES, max_size=30).map("".join))
def test_no_command_that_writes_html_survives(tex: str) -> None:
    safe = neutralise_tex(tex)
    assert dangerous(safe) == []
    assert neutralise_tex(safe) == safe


@given(st.text(alphabet=st.sampled_from("\\abcdefhlrux{}[]% \n^_$"), max_size=40))
def test_tex_without_those_commands_is_unchanged(tex: str) -> None:
    if not dangerous(tex) and not any(name in HTML_WRITERS | DEFINERS for name, _ in commands(tex)):
        assert neutralise_tex(tex) == tex
