"""Writing BibTeX: every value reads back as the text written, fields land in their own
entry (found by parsing, not by counting lines), and a rewrite that would lose or change an
entry is caught before it is written."""

from __future__ import annotations

import os
import re
import unicodedata
import urllib.parse

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from papershelf import latex
from papershelf.bib import read_bib
from papershelf.bibwriter import (
    BibEntry,
    BibField,
    Fill,
    abstract_value,
    add_fields,
    append_entries,
    check_rewrite,
    entry_bibtex,
    text_value,
    url_value,
)
from papershelf.identifiers import is_code_url
from papershelf.normalize import normalize
from papershelf.paperlist import ListedPaper, tex_quotes

EXAMPLES = int(os.environ.get("PAPERSHELF_PROPERTY_EXAMPLES", "150"))
FAST = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# What ends a value, an entry or a line for BibTeX, bibtexparser or bib.py, what LaTeX reads
# as markup, and the line separators `str.splitlines()` splits at and BibTeX does not.
PIECES = [
    "{", "}", "}{", "\\", "\\\\", "$", "$x$", "$\\mathcal{O}(n)$", "$a}b$", "$$x$$", "\\(x\\)",
    "--", "---", "``", "''", "'''", "~", "%", "#", "&", "_", "^", "@", "@comment{", "\n@misc{x,",
    '"', ",", "=", "(", ")", "\n", "\n\n", "\r\n", "\u2028", "\u2029", "\x0c", "\x85", "\x00",
    "\t", "\\textbf{X}", "\\href{u}{v}", "\\%", "START", "DeepSeek-R1", "e\u0301", "李", "\u200b",
]  # fmt: skip
TEXT = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(st.characters(blacklist_categories=["Cs"]))),
    max_size=10,
).map("".join)
URL_TAIL = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(st.characters(blacklist_categories=["Cs"]))),
    max_size=6,
).map(lambda parts: "".join(parts).replace(" ", "").strip())


def shown(text: str, *, paragraphs: bool = False) -> str:
    """The text a reader sees: whitespace runs as one space, no control characters, accents
    composed (latex.decode composes them); in abstracts, a blank line (whitespace between
    two line breaks) separates paragraphs."""
    if paragraphs:
        parts = (shown(p) for p in re.split(r"\n\s*\n", text.strip()))
        return "\n\n".join(p for p in parts if p)
    return unicodedata.normalize("NFC", " ".join(latex.printable(" ".join(text.split())).split()))


def read_back(text: str):
    bib = read_bib(text, "t.bib")
    papers = {raw.key: normalize(raw, raw.key) for raw in bib.entries}
    return bib, papers


@FAST
@given(TEXT, TEXT, URL_TAIL, st.sampled_from(["github.com", "codeberg.org", "example.org"]))
def test_any_title_abstract_and_url_reads_back_as_written(
    title: str, abstract: str, tail: str, host: str
) -> None:
    assume(shown(tex_quotes(title)))  # an empty title is shown as the key
    url = f"https://{host}/{tail}"
    listed = ListedPaper(1, title, 2024, 5, "", "2405.01234", "v2", url, "", abstract)
    bib, papers = read_back(entry_bibtex("key2024", listed, {}).text())
    assert bib.problems == []
    paper, problems = papers["key2024"]
    assert [p for p in problems if p.code != "damaged-text"] == []
    assert unicodedata.normalize("NFC", paper.title) == shown(tex_quotes(title))
    want = latex.unescape_markup(shown(tex_quotes(abstract), paragraphs=True))
    assert unicodedata.normalize("NFC", paper.abstract) == unicodedata.normalize("NFC", want)
    link = paper.links.code if host != "example.org" else paper.links.project
    assert link == url_value(url)[1:-1]
    assert urllib.parse.unquote(link) == urllib.parse.unquote(url.strip())
    assert (paper.arxiv, paper.arxiv_version) == ("2405.01234", "v2")


EXISTING = st.tuples(
    st.sampled_from(["{}", "()"]),
    TEXT,
    st.sampled_from(["\u2028", "\x0c", "\x85", "\u2029\x0c\x85", ""]),
)


@FAST
@given(
    st.lists(EXISTING, min_size=1, max_size=4),
    st.data(),
    TEXT,
    st.sampled_from(["\n", "\r\n"]),
)
def test_a_filled_field_lands_in_its_own_entry_and_nothing_else_changes(
    entries: list[tuple[str, str, str]], data, abstract: str, newline: str
) -> None:
    parts = []
    for i, (delims, title, separator) in enumerate(entries):
        # Values holding the characters that splitlines() counts as line ends.
        note = "{x" + separator + "y}"
        parts.append(
            f"@misc{delims[0]}k{i},{newline}  title = {text_value(title)},{newline}"
            f"  note = {note}{newline}{delims[1]}{newline}{newline}"
        )
    old = "".join(parts)
    before = {raw.key: raw for raw in read_bib(old, "t.bib").entries}
    target = data.draw(st.integers(0, len(entries) - 1))
    line = before[f"k{target}"].line
    fill = Fill(f"k{target}", line, (BibField("abstract", abstract_value(abstract)),))
    new, done, missing = add_fields(old, [fill])
    assert (done, missing) == ([fill], [])
    assert check_rewrite(old, new, "t.bib", filled=done) == []
    after = {raw.key: raw for raw in read_bib(new, "t.bib").entries}
    for key, raw in before.items():
        fields = dict(raw.fields)
        if key == f"k{target}":
            fields["abstract"] = after[key].fields["abstract"]
            paper, _ = normalize(after[key], key)
            want = latex.unescape_markup(shown(tex_quotes(abstract), paragraphs=True))
            assert unicodedata.normalize("NFC", paper.abstract) == unicodedata.normalize(
                "NFC", want
            )
        assert after[key].fields == fields


@pytest.mark.parametrize(
    ("text", "key"),
    [
        pytest.param(
            "@misc(p2020, title = {A (b) c}, year = 2020)\n", "p2020", id="parenthesised-entry"
        ),
        pytest.param(
            "@misc{a, title = {One\u2028two},\n  year = {2020}}\n@misc{b, title = {B}}\n",
            "b",
            id="u2028-earlier",
        ),
        pytest.param(
            "@misc{a, note = {x\x0cy\x85z},\n  year = {2020},\n  month = {5}}\n@misc{b, title = {B}}\n",
            "b",
            id="ff-and-nel-earlier",
        ),
        pytest.param(
            "@misc{a,\r\n  title = {A},\r\n}\r\n\r\n@misc{b,\r\n  title = {B}\r\n}\r\n",
            "b",
            id="crlf-file",
        ),
        pytest.param(
            '@string{j = "J"}\n@misc{a, title = {A\\\\\n}, journal = j}\n@misc{b, title={B},}\n',
            "b",
            id="backslash-line-end-earlier",
        ),
        pytest.param("@misc{b}\n", "b", id="entry-without-fields"),
    ],
)
def test_fill_finds_the_entry_by_parsing(text: str, key: str) -> None:
    line = next(raw.line for raw in read_bib(text, "t.bib").entries if raw.key == key)
    fill = Fill(key, line, (BibField("abstract", abstract_value("The abstract.")),))
    new, done, _ = add_fields(text, [fill])
    assert done == [fill]
    assert check_rewrite(text, new, "t.bib", filled=done) == []
    entries = {raw.key: raw for raw in read_bib(new, "t.bib").entries}
    assert entries[key].fields["abstract"] == "The abstract."
    assert all("abstract" not in raw.fields for k, raw in entries.items() if k != key)
    if "\r\n" in text:
        assert "\n" not in new.replace("\r\n", "")  # the file keeps its line ends


def test_a_field_the_entry_has_is_not_added_twice() -> None:
    text = "@misc{a, title = {A}, abstract = {}}\n"
    fill = Fill("a", 1, (BibField("abstract", "{New}"),))
    assert add_fields(text, [fill]) == (text, [], [])
    assert add_fields(text, [Fill("gone", 1, fill.fields)]) == (
        text,
        [],
        [Fill("gone", 1, fill.fields)],
    )


@pytest.mark.parametrize(
    ("new", "message"),
    [
        pytest.param("@misc{a, title = {A}}\n", "entry 'b' would be lost", id="lost"),
        pytest.param(
            "@misc{a, title = {A}}\n@misc{b, title = {Other}}\n",
            "entry 'b' would not read back as meant (title)",
            id="changed",
        ),
        pytest.param(
            "@misc{a, title = {A}}\n@misc{b, title = {B}}\n@misc{c, title = {C}}\n",
            "an entry 'c' would appear",
            id="injected",
        ),
        pytest.param(
            "@misc{a, title = {A}}\n@misc{b, title = {B}}\n@misc{x, title = {X}\n",
            "it would add a problem",
            id="broken",
        ),
    ],
)
def test_a_rewrite_that_loses_or_changes_an_entry_is_caught(new: str, message: str) -> None:
    old = "@misc{a, title = {A}}\n@misc{b, title = {B}}\n"
    assert check_rewrite(old, old, "t.bib") == []
    assert any(message in wrong for wrong in check_rewrite(old, new, "t.bib"))


def test_a_new_entry_that_would_not_read_back_is_caught() -> None:
    entry = BibEntry("misc", "c", (BibField("title", "{C}"),))
    old = "@misc{a, title = {A}}\n"
    assert check_rewrite(old, append_entries(old, [entry]), "t.bib", added=[entry]) == []
    wrong = BibEntry("misc", "c", (BibField("title", "{C}, note = {injected}"),))
    assert check_rewrite(old, append_entries(old, [wrong]), "t.bib", added=[wrong]) != []


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/a/b",
        "https://gitlab.com/a/b",
        "https://bitbucket.org/a/b",
        "https://codeberg.org/a/b",
        "https://huggingface.co/a/b",
        "https://www.github.com/a/b",
    ],
)
def test_code_hosts_are_one_list_for_writing_and_reading(url: str) -> None:
    assert is_code_url(url)
    listed = ListedPaper(1, "T", 2024, 1, "", code=url)
    (field,) = [f for f in entry_bibtex("k", listed, {}).fields if f.value == "{" + url + "}"]
    assert field.name == "code"
    raw = read_bib(f"@misc{{k, title = {{T}}, url = {{{url}}}}}\n", "t.bib").entries[0]
    assert normalize(raw, "k")[0].links.code == url


def test_a_url_with_braces_cannot_add_a_field() -> None:
    url = "https://example.org/x},note={injected"
    listed = ListedPaper(1, "T", 2024, 1, "", code=url)
    text = entry_bibtex("k", listed, {}).text()
    (raw,) = read_bib(text, "t.bib").entries
    assert "note" not in raw.fields
    assert raw.fields["homepage"] == "https://example.org/x%7D,note=%7Binjected"
