from __future__ import annotations

import pytest

from papershelf.latex import decode, strip_braces, unescape_markup


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("{{Word}} in {D}eep {L}earning", "Word in Deep Learning", id="zotero-braces"),
        pytest.param(r"M{\"u}ller", "Müller", id="umlaut-braced"),
        pytest.param(r"M\"uller", "Müller", id="umlaut-bare"),
        pytest.param(r"M\"{u}ller", "Müller", id="umlaut-arg"),
        pytest.param(r"S{\'{e}}bastien", "Sébastien", id="nested-acute"),
        pytest.param(r"{\L}ukasz {\l}", "Łukasz ł", id="polish-l"),
        pytest.param(r"Fran\c{c}ois", "François", id="cedilla"),
        pytest.param(r"\v{S}koda \v Zak", "Škoda Žak", id="caron-forms"),
        pytest.param(r"Erd\H{o}s", "Erdős", id="hungarian"),
        pytest.param(r"\'{\i}ndice na\"{\i}ve", "índice naïve", id="dotless-i"),
        pytest.param(r"{\aa}ngstr{\o}m \ss{} \AE", "ångstrøm ß Æ", id="special-letters"),
        pytest.param("pages 1--10 --- done", "pages 1–10 — done", id="dashes"),
        pytest.param("``quoted''", "“quoted”", id="tex-quotes"),
        pytest.param(r"50\% \& more \$5 a\_b \#1", "50% & more $5 a_b #1", id="escapes"),
        pytest.param(
            r"Time $\mathcal{O}(n^2)$ and $x_{i}$",
            r"Time $\mathcal{O}(n^2)$ and $x_{i}$",
            id="math-verbatim",
        ),
        pytest.param(
            r"\emph{Deep} \textbf{nets} \textit{{BERT}}", "Deep nets BERT", id="formatting"
        ),
        pytest.param(r"see \href{https://x.org}{the site}", "see the site", id="href"),
        pytest.param(r"\url{https://a.org/b_c}", "https://a.org/b_c", id="url"),
        pytest.param("D.~E. Knuth", "D. E. Knuth", id="tie"),
        pytest.param("line one\n   line two", "line one line two", id="whitespace"),
        pytest.param(r"\LaTeX{} and \TeX is", "LaTeX and TeX is", id="logos"),
        pytest.param(r"\textepsilonfoo{x}", "x", id="unknown-command-keeps-argument"),
        pytest.param("plain ASCII title", "plain ASCII title", id="fast-path"),
        pytest.param("Don't stop", "Don't stop", id="apostrophe"),
        pytest.param("论文解读 {中文}", "论文解读 中文", id="chinese"),
        pytest.param(r"{\noopsort{a}}Zeta", "Zeta", id="noopsort-prints-nothing"),
        pytest.param(r"a\hspace{1em}b \vspace*{2pt}c", "ab c", id="spacing-commands"),
        pytest.param(r"\~{}home \'{} \^{}", "~home ´ ^", id="accent-over-nothing"),
        pytest.param(
            r"\textquotedbl{}x\textquotedbl{} a\textperiodcentered{}b", '"x" a·b', id="text-symbols"
        ),
        pytest.param(r"\og Le Monde \fg", "« Le Monde »", id="french-quotes"),
    ],
)
def test_decode(source: str, expected: str) -> None:
    assert decode(source) == expected


def test_decode_keeps_paragraphs() -> None:
    assert decode("First\nline.\n\n  Second {P}aragraph.", keep_paragraphs=True) == (
        "First line.\n\nSecond Paragraph."
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{https://github.com/a/b\\_c}", "https://github.com/a/b_c"),
        ("https://x.org/a\\%20b", "https://x.org/a%20b"),
        ("  10.1000/xyz  ", "10.1000/xyz"),
    ],
)
def test_strip_braces(source: str, expected: str) -> None:
    assert strip_braces(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            r"we propose \textbackslash{}textbf\{WebThinker\}, an agent",
            "we propose WebThinker, an agent",
            id="zotero-escaped-textbf",
        ),
        pytest.param(
            r"up to 20\textbackslash{}\% better", "up to 20% better", id="escaped-percent"
        ),
        pytest.param(
            r"(\textbackslash{}ie, thinking) and \textbackslash{}etc.",
            "(i.e., thinking) and etc.",
            id="latin",
        ),
        pytest.param(
            r"introduce \textbackslash{}textbf\{\textbackslash{}name\}, a",
            r"introduce \name, a",
            id="own-macro-stays",
        ),
        pytest.param(
            r"see \textbackslash{}href\{https://x.org\}\{our site\}", "see our site", id="href"
        ),
        pytest.param(r"a \$O(n)\$ bound", "a $O(n)$ bound", id="math-untouched"),
    ],
)
def test_markup_escaped_by_the_exporter_is_resolved(source: str, expected: str) -> None:
    assert unescape_markup(decode(source)) == expected
