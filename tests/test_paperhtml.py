"""A paper page's HTML after Markdown: the note's ids are its own, papershelf's stay fixed."""

from __future__ import annotations

import re

import markdown
import pytest
from mkdocs.utils.meta import get_data

from papershelf.pages import paper_page
from papershelf.paperhtml import finish, paper_links

BIB = """@article{a, title = {A}, author = {Doe, J}, year = {2024}, abstract = {Short.}}
@article{b, title = {B}, year = {2023}}
"""
NOTE = """---
related: [b]
---
## Notes

Our own "Notes" heading, then [the note's BibTeX](#bibtex), [ours](#abstract), a
footnote[^1] and [the other paper's method](b.md#method).

<div id="__config">{}</div> <label for="x">l</label><input id="x" type="checkbox">

## BibTeX

The note's section of that name.

[^1]: The footnote.
"""
EXTENSIONS = ["toc", "tables", "fenced_code", "footnotes", "attr_list", "md_in_html"]


def render(entry, by_key, sanitize: bool = True, **kwargs):
    page = paper_page(entry, by_key, **kwargs)
    body, _ = get_data(page.markdown)
    converter = markdown.Markdown(
        extensions=EXTENSIONS, extension_configs={"toc": {"permalink": True}}
    )
    html = converter.convert(body)
    toc = [t["id"] for t in flatten(converter.toc_tokens)]
    # MkDocs would have made `b.md` the other page's URL by now; Markdown alone leaves it.
    return page, finish(page, html, sanitize, lambda path: path == "b.md"), toc


def flatten(tokens):
    for token in tokens:
        yield token
        yield from flatten(token["children"])


def ids_and_links(html: str) -> tuple[set[str], set[str]]:
    ids = set(re.findall(r'\sid="([^"]*)"', html))
    links = set(re.findall(r'\shref="#([^"]*)"', html)) | set(re.findall(r'\sfor="([^"]*)"', html))
    return ids, links


@pytest.fixture
def library(load):
    return load(BIB, {"a.md": NOTE})


def test_papershelf_sections_keep_their_anchors_and_the_note_gets_prefixed_ones(library) -> None:
    entry = library.by_key()["a"]
    _, done, toc = render(entry, library.by_key())
    assert toc == ["abstract", "notes", "notes_1", "bibtex", "related-papers", "bibtex_1"]
    assert [done.anchor(t) for t in toc] == [
        "abstract",
        "notes",
        "note-notes_1",
        "note-bibtex",
        "related-papers",
        "bibtex",
    ]
    ids, links = ids_and_links(done.html)
    assert {"abstract", "notes", "related-papers", "bibtex", "note-__config"} <= ids
    assert links <= ids  # every in-page link, permalink, footnote and label lands somewhere
    assert 'href="#note-bibtex">the note' in done.html and 'href="#abstract">ours' in done.html
    assert 'href="#note-fn:1"' in done.html and 'id="note-fnref:1"' in done.html
    assert 'href="b.md#note-method"' in done.html  # another paper page's note heading


def test_allow_leaves_the_note_alone_but_fixes_papershelf_anchors(library) -> None:
    entry = library.by_key()["a"]
    _, done, toc = render(entry, library.by_key(), sanitize=False)
    assert [done.anchor(t) for t in toc][-1] == "bibtex"
    assert 'id="__config"' in done.html and 'href="#fn:1"' in done.html


@pytest.mark.parametrize(
    "forgery",
    [
        pytest.param("<!-- papershelf:bibtex -->", id="old-marker"),
        pytest.param("<!-- papershelf:/heading:{token} -->", id="token-of-the-note-without-it"),
        pytest.param(
            "<!-- papershelf:heading=notes:0123456789abcdef0123456789abcdef -->", id="a-token"
        ),
    ],
)
def test_a_note_cannot_write_papershelf_markers(load, forgery: str) -> None:
    note = "Text\n\n<div id=y>y</div>\n"
    library = load(BIB, {"a.md": note})
    token = paper_page(library.by_key()["a"], library.by_key()).token
    library = load(BIB, {"a.md": note + "\n" + forgery.format(token=token) + "\n\nafter\n"})
    page, done, _ = render(library.by_key()["a"], library.by_key())
    assert page.token != token
    # Three headings (start and end markers each) and papershelf's blocks, nothing of the note's.
    assert len(page.split(page.markdown)[1::2]) == 3 * 2 + len(page.blocks)
    assert 'id="note-y"' in done.html and "<p>after</p>" in done.html  # still the note's
    assert done.html.count('class="papershelf-bibtex') == 1
    assert "papershelf:" not in done.html  # the note's comments are gone, ours replaced


def test_paper_links_resolve_like_a_browser() -> None:
    leads = paper_links("papers/a/", {"papers/b/", "papers/c.html"})
    assert leads("../b/") and leads("../c.html") and leads("/papers/b/")
    assert not leads("../d/") and not leads("https://e.example/papers/b/") and not leads("b/")
    assert paper_links("papers/a.html", {"papers/b.html"})("b.html")


def test_a_note_left_open_still_ends_with_papershelf_parts(load) -> None:
    note = '<div markdown>\n\nopen <span id="s">x <table><tr><td>cell\n\n<a title="'
    library = load(BIB, {"a.md": note})
    page, done, toc = render(library.by_key()["a"], library.by_key())
    assert [done.anchor(t) for t in toc] == ["abstract", "notes", "bibtex"]
    assert 'id="note-s"' in done.html and done.missing == ()
    bibtex = page.blocks[f"<!-- papershelf:bibtex:{page.token} -->"]
    assert done.html.count(bibtex) == 1


def test_parts_markdown_lost_are_reported(library) -> None:
    page = paper_page(library.by_key()["a"], library.by_key())
    body, _ = get_data(page.markdown)
    html = markdown.markdown(body, extensions=EXTENSIONS).replace(
        f"papershelf:bibtex:{page.token}", ""
    )
    done = finish(page, html)
    assert done.missing == (f"<!-- papershelf:bibtex:{page.token} -->",)
    assert "papershelf-bibtex" not in done.html


def test_bib_math_is_neutralised_whatever_raw_html_says(load) -> None:
    library = load(r"@article{a, title = {T $\href{javascript:alert(1)}{x}$}, year = {2024}}")
    entry = library.by_key()["a"]
    page = paper_page(entry, library.by_key())
    assert "javascript" not in page.inline().split("<!-- papershelf:bibtex")[0].split("BibTeX")[0]
    assert r"\({}{x}\)" not in page.inline()  # without arithmatex the title keeps its $...$
    assert r"${}{x}$" in page.inline()


def test_what_sits_between_heading_markers_but_is_no_heading_is_the_notes(library) -> None:
    page = paper_page(library.by_key()["a"], library.by_key())
    # As if a note had swallowed the marker that ends papershelf's heading.
    html = (
        f"<!-- papershelf:heading=notes:{page.token} -->\n"
        '<h2 id="notes">Notes</h2>\n<div id="__config" onclick="alert(1)">n</div>\n'
    )
    done = finish(page, html)
    assert '<div id="note-__config">n</div>' in done.html and 'id="note-notes"' in done.html
