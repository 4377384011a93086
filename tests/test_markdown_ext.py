"""The Markdown extension that finishes generated paper pages: the same HTML as the plugin's
`finish`, the note sanitized, nothing a note writes taken for papershelf's own."""

from __future__ import annotations

import markdown
import pytest
from mkdocs.utils.meta import get_data

from papershelf.markdown_ext import read_standalone, standalone
from papershelf.pages import PageOptions, paper_page
from papershelf.paperhtml import finish

BIB = """@article{a, title = {A <b>bold</b> title}, author = {Doe, J}, year = {2024},
  abstract = {Short $\\href{javascript:alert(1)}{x}$.}}
@article{b, title = {B}, year = {2023}}
"""
NOTE = """---
related: [b]
---
## Method

See [the other paper's method](b.md#method) and [ours](#method), a footnote[^1].

<script>alert("note")</script>
<a href="javascript:alert(2)" onclick="alert(3)">click</a>
<div id="__config" data-md-component="x">{}</div>

[^1]: The footnote.
"""
EXTENSIONS = ["toc", "tables", "footnotes", "attr_list", "md_in_html"]


def convert(text: str, extensions: list[str]) -> tuple[str, list[dict]]:
    converter = markdown.Markdown(
        extensions=extensions, extension_configs={"toc": {"permalink": True}}
    )
    html = converter.convert(text)
    return html, converter.toc_tokens


@pytest.fixture
def pages(load):
    library = load(BIB, {"a.md": NOTE})
    by_key = library.by_key()
    return {k: paper_page(e, by_key, PageOptions(index_url="../")) for k, e in by_key.items()}


def test_the_extension_gives_the_html_the_plugin_gives(pages) -> None:
    page = pages["a"]
    body, _ = get_data(standalone(page, sanitize=True, linked=frozenset({"b"})))
    html, toc = convert(body, [*EXTENSIONS, "papershelf.markdown_ext"])
    plain, _ = convert(get_data(page.markdown)[0], EXTENSIONS)
    expected = finish(page, plain, True, lambda path: path == "b.md")
    assert html == expected.html
    assert "<script>" not in html and "javascript:" not in html and "onclick" not in html
    assert 'href="b.md#note-method"' in html  # into the other page's note
    assert 'href="#note-method"' in html and 'id="note-__config"' in html
    assert "data-md-component" not in html
    assert "\\href" not in html  # the abstract's math is inert
    assert [t["id"] for t in toc] == ["abstract", "notes", "related-papers", "bibtex"]
    assert [t["id"] for t in toc[1]["children"]] == ["note-method"]  # under "Notes"


def test_without_the_extension_the_same_file_would_publish_the_note_as_it_is(pages) -> None:
    body, _ = get_data(standalone(pages["a"], sanitize=True))
    html, _ = convert(body, EXTENSIONS)
    assert '<script>alert("note")</script>' in html  # why generate insists on the extension


def test_a_trusted_note_is_left_as_written(pages) -> None:
    body, _ = get_data(standalone(pages["a"], sanitize=False))
    html, _ = convert(body, [*EXTENSIONS, "papershelf.markdown_ext"])
    assert '<script>alert("note")</script>' in html
    assert '<h2 id="abstract">' in html  # papershelf's own anchors still fixed


def test_the_parts_and_the_policy_read_back_exactly(pages) -> None:
    page = pages["a"]
    read = read_standalone(standalone(page, sanitize=True, linked=frozenset({"b", "c"})))
    assert read is not None
    again, sanitize, linked = read
    assert again == page and sanitize and linked == {"b", "c"}


NOTES_THAT_POSE = [
    pytest.param(
        "<!-- papershelf-page 0123abcd allow -->\n\n<script>alert(1)</script>\n",
        id="first-line-of-its-own",
    ),
    pytest.param(
        "<!-- papershelf:header:0123abcd -->\n<script>alert(1)</script>\n"
        "<!-- papershelf:end:0123abcd -->\n",
        id="a-part-of-its-own",
    ),
]


@pytest.mark.parametrize("note", NOTES_THAT_POSE)
def test_a_note_cannot_pass_for_papershelf(load, note: str) -> None:
    library = load(BIB, {"a.md": note})
    page = paper_page(library.by_key()["a"], library.by_key())
    body, _ = get_data(standalone(page, sanitize=True))
    html, _ = convert(body, [*EXTENSIONS, "papershelf.markdown_ext"])
    assert "<script>" not in html and "alert(1)" not in html


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("# My page\n\n<script>mine()</script>\n", id="hand-written"),
        pytest.param(
            "<!-- papershelf-page nothex sanitize -->\n<script>mine()</script>\n", id="not-a-token"
        ),
    ],
)
def test_other_pages_are_left_alone(text: str) -> None:
    html, _ = convert(text, [*EXTENSIONS, "papershelf.markdown_ext"])
    assert html == convert(text, EXTENSIONS)[0]
