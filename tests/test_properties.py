"""Property tests: any entry text and key gives pages or reported problems, never an exception,
and no value from a .bib file or a note escapes into markup, a link or a file path."""

from __future__ import annotations

import json
import os
import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import markdown
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.utils.meta import get_data

from papershelf.bib import RawEntry, read_bib
from papershelf.duplicates import name_duplicates
from papershelf.index import Q_GUARD, catalogue_json, index_files, index_html
from papershelf.library import Settings, load_library
from papershelf.model import Entry, Library
from papershelf.normalize import normalize
from papershelf.notes import STATUSES, NoteFile, read_note
from papershelf.pages import paper_markdown
from papershelf.slugs import MAX_LENGTH, assign_slugs

SAFE_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {
    f"{d}{i}" for d in ("com", "lpt") for i in range(10)
}
# A few seconds per test by default; PAPERSHELF_PROPERTY_EXAMPLES=5000 for a longer hunt.
EXAMPLES = int(os.environ.get("PAPERSHELF_PROPERTY_EXAMPLES", "150"))
FAST = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that stresses every layer: BibTeX syntax, LaTeX, HTML, Markdown, YAML, JSON, paths.
HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "</textarea></title>",
    "<!--",
    "-->",
    "]]>",
    "{{ 7*7 }}",
    "{% raw %}",
    "[x](javascript:alert(1))",
    "<b>",
    "&amp;",
    "&#x3C;script&#x3E;",
    "\\url{javascript:alert(1)}",
    "\\href{javascript:x}{y}",
    "$x<y$",
    "../../",
    "CON",
    "a/b:c",
    "\n\n",
    "\r\n",
    "---",
    "...",
    "\u2028",
    "\x85",
    "\x80",
    "\x00",
    "\ufeff",
    "Ã©",
    "论文",
    "{",
    "}",
    "@",
    "%",
    "#",
    ",",
    "=",
    '"',
    "\\",
    "~",
    "`",
    "*",
    "_",
]
ATOMS = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(alphabet="{}\\\"@%,=#<>&'/:;$ \n\tabcXYZ019éß论", max_size=8),
    st.text(max_size=6),  # any code points, control characters included
)
TEXT = st.lists(ATOMS, max_size=6).map("".join)
KEYS = st.one_of(
    st.sampled_from(
        [
            "../../x",
            "..",
            "CON",
            "aux",
            "nul.txt",
            "a/b:c",
            "a b",
            "index",
            "Müller2020",
            "论文",
            "k" * 120,
            "<x>",
            'a"b',
            "a'b&c",
        ]
    ),
    st.text(min_size=1, max_size=20),
)
FIELD_NAMES = st.sampled_from(
    [
        "title",
        "author",
        "year",
        "month",
        "date",
        "journal",
        "booktitle",
        "url",
        "code",
        "doi",
        "eprint",
        "keywords",
        "abstract",
        "crossref",
        "howpublished",
        "note",
        "pages",
        "file",
        # al-folio's
        "abbr",
        "arxiv",
        "html",
        "pdf",
        "poster",
        "preview",
        "selected",
    ]
)


@st.composite
def entry_texts(draw: st.DrawFn) -> tuple[str, str]:
    """(key, text) of one generated entry: random type, key, fields and delimiters."""
    key = draw(KEYS)
    fields = []
    for _ in range(draw(st.integers(0, 6))):
        name, value = draw(FIELD_NAMES), draw(TEXT)
        fields.append(
            draw(
                st.sampled_from(
                    [f"{name} = {{{value}}}", f'{name} = "{value}"', f"{name} = {value}"]
                )
            )
        )
    kind = draw(st.sampled_from(["article", "misc", "inproceedings", "string", "comment", ""]))
    sep = draw(st.sampled_from([",\n  ", ", ", ",\r\n", "\n"]))
    return key, f"@{kind}{{{key},\n  " + sep.join(fields) + "\n}\n"


def load_text(data: bytes) -> Library:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "bib").mkdir()
        (Path(tmp) / "bib" / "refs.bib").write_bytes(data)
        return load_library(Settings(root=Path(tmp)))


def assert_safe_slugs(library: Library) -> None:
    slugs = [e.paper.slug for e in library.entries]
    assert len(set(slugs)) == len(slugs)
    for slug in slugs:
        assert SAFE_SLUG.match(slug) and len(slug) <= MAX_LENGTH, slug
        assert slug not in WINDOWS_RESERVED and slug != "index", slug


# ---------------------------------------------------------------- never an exception
@FAST
@given(st.lists(entry_texts(), min_size=1, max_size=4))
def test_entries_give_pages_or_problems(entries: list[tuple[str, str]]) -> None:
    text = "\n".join(entry for _, entry in entries)
    library = load_text(text.encode("utf-8", errors="surrogatepass"))
    assert_safe_slugs(library)
    survivors = {e.paper.key for e in library.entries}
    first = 1
    for key, entry in entries:
        last = first + entry.count("\n")
        if entry.startswith(("@article", "@misc", "@inp")) and key not in survivors:
            # Reported on its own lines (by line: its key may be what was misread), or an
            # entry before it broke and took it along.
            assert any(
                p.line
                and (
                    first <= p.line <= last
                    or (p.line < first and p.code in ("malformed-entry", "stray-text"))
                )
                for p in library.problems
            ), (key, first, [str(p) for p in library.problems])
        first = last + 1
    for entry in library.entries:
        render_and_check(entry, library)


@FAST
@given(st.binary(max_size=300) | TEXT.map(lambda t: t.encode("utf-8", errors="surrogatepass")))
def test_any_bytes_give_pages_or_problems(data: bytes) -> None:
    library = load_text(data)
    assert_safe_slugs(library)
    read_bib(data.decode("latin-1"), "x.bib")


# ---------------------------------------------------------------- values read as written
# Value text as BibTeX files hold it: balanced braces, and a backslash escaping whatever
# follows it, also right before the closing brace or quote (`{C:\\}`).
PLAIN = st.sampled_from(list("abc XYZ019,=#%'.:;$~^-_/()\n\té论"))
ESCAPES = st.sampled_from(["\\\\", "\\{", "\\}", '\\"', "\\%", "\\'", "\\&", "\\\n", "\\ "])
BRACED = st.recursive(
    st.lists(st.one_of(PLAIN, ESCAPES, st.just('"')), max_size=8).map("".join),
    lambda inner: st.lists(
        st.one_of(PLAIN, ESCAPES, st.just('"'), inner.map(lambda t: "{" + t + "}")), max_size=5
    ).map("".join),
    max_leaves=20,
)
QUOTED = st.lists(st.one_of(PLAIN, ESCAPES, BRACED.map(lambda t: "{" + t + "}")), max_size=8).map(
    "".join
)


@FAST
@given(st.lists(st.tuples(st.booleans(), BRACED, QUOTED), min_size=1, max_size=4))
def test_every_balanced_entry_with_its_own_key_is_read_as_written(
    entries: list[tuple[bool, str, str]],
) -> None:
    parts = []
    for i, (paren, braced, quoted) in enumerate(entries):
        body = f'k{i},\n  title = {{{braced}}},\n  note = "{quoted}"\n'
        parts.append(
            f"@misc({body})\n" if paren and ")" not in braced + quoted else f"@misc{{{body}}}\n"
        )
    out = read_bib("".join(parts), "x.bib")
    assert out.problems == []
    assert [(e.key, e.fields) for e in out.entries] == [
        (f"k{i}", {"title": braced, "note": quoted})
        for i, (_, braced, quoted) in enumerate(entries)
    ]


@settings(max_examples=2 * EXAMPLES, deadline=None)
@given(st.lists(st.sampled_from(["k", "K", "k-2", "k-3", "K-2", "k-2-2", "a"]), max_size=12))
def test_duplicate_keys_get_names_no_other_entry_has(keys: list[str]) -> None:
    raws = [RawEntry(key, "misc", {"n": str(i)}, "x.bib", i + 1) for i, key in enumerate(keys)]
    problems: list = []
    kept = name_duplicates(raws, problems)
    assert len({e.key for e in kept}) == len(kept) == len(keys)  # no two alike, none lost
    renamed = [e for e, r in zip(kept, raws, strict=True) if e.key != r.key]
    folded = [e.key.lower() for e in kept]
    assert all(folded.count(e.key.lower()) == 1 for e in renamed)  # not even in another case
    assert all(e.key.lower() not in {key.lower() for key in keys} for e in renamed)
    assert len(renamed) == len(problems) == len(keys) - len(set(keys))
    assert name_duplicates(raws, []) == kept  # the same names every time


# ---------------------------------------------------------------- nothing injected
class Markup(HTMLParser):
    """What a browser would build from a page: tags, attributes, script bodies."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def markup(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Markup()
    parser.feed(html)
    parser.close()
    return parser.tags


# Everything our templates and Python-Markdown's headings emit; anything else was injected.
PAGE_TAGS = {
    "header",
    "h1",
    "h2",
    "p",
    "span",
    "ul",
    "li",
    "a",
    "div",
    "pre",
    "code",
    "strong",
    "section",
    "details",
    "summary",
    "mark",
    "ol",
    "time",
    "link",
}
ATTRIBUTES = {
    "class",
    "id",
    "href",
    "rel",
    "aria-label",
    "datetime",
    "style",
    "as",
    "crossorigin",
    "aria-live",
    "aria-atomic",
    "lang",  # papershelf's reading of a text's language (a column, a list item)
}


def assert_no_injection(html: str) -> list[tuple[str, dict[str, str | None]]]:
    tags = markup(html)
    for tag, attrs in tags:
        assert tag in PAGE_TAGS, (tag, attrs)
        for name, value in attrs.items():
            assert name in ATTRIBUTES or name.startswith("data-papershelf"), (tag, name, value)
            if name == "lang":
                assert re.fullmatch(r"[a-z]{2,3}(-[A-Za-z]{2,4})?", value or ""), value
            if name == "href":
                assert value is not None
                scheme = re.match(r"^([a-z][a-z0-9+.-]*):", value.strip().lower())
                assert scheme is None or scheme.group(1) in ("http", "https"), value
    return tags


def render_and_check(entry: Entry, library: Library) -> None:
    page = paper_markdown(entry, library.by_key())
    source, meta = get_data(page)
    # The front matter must survive: it marks the page for sanitizing and keeps macros off.
    assert meta.get("papershelf") == entry.paper.key, page[:300]
    assert meta.get("render_macros") is False
    assert "<" not in meta["title"] and all("<" not in t for t in meta.get("tags", []))
    html = markdown.markdown(source, extensions=["toc", "attr_list"])
    tags = assert_no_injection(html)
    assert [a["data-papershelf-paper"] for _, a in tags if "data-papershelf-paper" in a] == [
        entry.paper.key
    ]


@st.composite
def papers(draw: st.DrawFn) -> Entry:
    """An entry straight from arbitrary field values (no BibTeX syntax in the way)."""
    fields = draw(st.dictionaries(FIELD_NAMES, TEXT, max_size=8))
    key = draw(KEYS.filter(lambda k: k.strip() and k.isprintable()))  # what read_bib lets in
    paper, _ = normalize(RawEntry(key, "article", fields, "bib/x.bib", 1), "slug")
    note = None
    if draw(st.booleans()):
        front = {
            "summary": draw(TEXT),
            "tags": draw(st.lists(TEXT, max_size=3)),
            "status": draw(st.sampled_from(STATUSES)),
        }
        text = f"---\n{yaml.safe_dump(front, allow_unicode=True)}---\n"
        note, _ = read_note(NoteFile("bib/notes/x.md", text))
    return Entry(paper, note)


@FAST
@given(st.lists(papers(), min_size=1, max_size=3, unique_by=lambda e: e.paper.key))
def test_rendered_pages_and_index_hold_no_injected_markup(entries: list[Entry]) -> None:
    slugs, _ = assign_slugs(e.paper.key for e in entries)
    library = Library(tuple(e for e in entries))
    for entry in library.entries:
        render_and_check(entry, library)
    index = index_html(library, lambda e: f"{slugs[e.paper.key]}/", "index-data.json?v=1")
    assert index.count(Q_GUARD) == 1  # the one fixed script; nothing else may run
    tags = assert_no_injection(index.replace(Q_GUARD, "", 1))
    keys = [a["data-papershelf-key"] for _, a in tags if "data-papershelf-key" in a]
    assert keys == [e.paper.key for e in library.entries]
    records = json.loads(catalogue_json(library, lambda e: f"papers/{slugs[e.paper.key]}/"))
    assert [r["title"] for r in records] == [e.paper.title for e in library.entries]
    for content in index_files(library).values():
        json.loads(content)


# ---------------------------------------------------------------- slugs
@settings(max_examples=2 * EXAMPLES, deadline=None)
@given(st.lists(KEYS, min_size=1, max_size=12, unique=True), st.randoms())
def test_slugs_are_safe_unique_and_stable(keys: list[str], random) -> None:  # type: ignore[no-untyped-def]
    slugs, _ = assign_slugs(keys)
    assert set(slugs) == set(keys)
    assert len(set(slugs.values())) == len(keys)
    for slug in slugs.values():
        assert SAFE_SLUG.match(slug) and len(slug) <= MAX_LENGTH, slug
        assert slug not in WINDOWS_RESERVED and slug != "index" and ".." not in slug
    shuffled = list(keys)
    random.shuffle(shuffled)
    assert assign_slugs(shuffled)[0] == slugs  # the .bib file's order does not matter


def test_a_key_spelled_like_a_hashed_slug_keeps_its_own_page() -> None:
    from papershelf.slugs import key_hash

    keys = ["A", "a", f"a-{key_hash('a')}"]
    slugs, _ = assign_slugs(keys)
    assert len(set(slugs.values())) == 3
