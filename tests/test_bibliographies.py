"""Bibliographies as their owners keep them (#15): several files read as one, @preamble
macros, crossref volumes, month ranges, comma-separated authors, venues by entry type, HTML
character references; and what al-folio's users write (#12)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_properties import FAST

from papershelf import texmacros
from papershelf.bib import Preamble, RawEntry
from papershelf.i18n import strings_for
from papershelf.library import Cache, Settings, load_library
from papershelf.names import read_names, split_names
from papershelf.normalize import normalize


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


# ---------------------------------------------------------------- one bibliography, many files
LAB = {
    "bib/abbrev.bib": '@string{pami = "IEEE Trans. Pattern Anal. Mach. Intell."}\n',
    "bib/authors.bib": '@string{hinton = "Hinton, Geoffrey"}\n@string{both = hinton # " and Ng, A."}\n',
    "bib/macros.bib": '@preamble{"\\providecommand{\\Net}{CapsNet}"}\n',
    "bib/papers.bib": (
        "@article{caps, title = {{\\Net}: Routing}, author = both, journal = pami, year = 2017}\n"
    ),
}


def test_macros_of_earlier_files_hold_in_later_ones(tmp_path: Path) -> None:
    root = write(tmp_path, LAB)
    order = ("bib/abbrev.bib", "bib/authors.bib", "bib/macros.bib", "bib/papers.bib")
    library = load_library(Settings(root=root, bib=order))
    assert library.problems == ()
    paper = library.by_key()["caps"].paper
    assert paper.title == "CapsNet: Routing"
    assert paper.venue == "IEEE Trans. Pattern Anal. Mach. Intell."
    assert [a.display for a in paper.authors] == ["Geoffrey Hinton", "A. Ng"]


def test_a_macro_used_before_its_file_is_read_is_undefined_and_says_where_it_is(
    tmp_path: Path,
) -> None:
    root = write(tmp_path, LAB)
    order = ("bib/papers.bib", "bib/abbrev.bib", "bib/authors.bib", "bib/macros.bib")
    library = load_library(Settings(root=root, bib=order))
    undefined = [p for p in library.problems if p.code == "undefined-macro"]
    assert {(p.path, p.line) for p in undefined} == {("bib/papers.bib", 1)}
    hints = {p.message.split("'")[1]: p.hint for p in undefined}
    assert "bib/abbrev.bib" in hints["pami"] and "bib/authors.bib" in hints["both"]
    # @preamble commands hold wherever they are defined, as BibTeX copies them all to the top
    assert library.by_key()["caps"].paper.title == "CapsNet: Routing"


def test_serve_reparses_later_files_when_an_earlier_one_changes_their_macros(
    tmp_path: Path,
) -> None:
    root = write(tmp_path, LAB)
    settings = Settings(root=root, bib=("bib/abbrev.bib", "bib/papers.bib"))
    cache = Cache()
    first = load_library(settings, cache)
    assert first.by_key()["caps"].paper.venue == "IEEE Trans. Pattern Anal. Mach. Intell."
    cached = dict(cache.bib_files)
    assert load_library(settings, cache).entries == first.entries
    assert all(cache.bib_files[k] is v for k, v in cached.items())  # nothing re-read
    write(root, {"bib/abbrev.bib": '@string{pami = "TPAMI"}\n'})
    assert load_library(settings, cache).by_key()["caps"].paper.venue == "TPAMI"
    write(root, {"bib/abbrev.bib": "% none left\n"})
    again = load_library(settings, cache)
    assert again.by_key()["caps"].paper.venue == "pami"
    assert {p.code for p in again.problems} >= {"undefined-macro"}


# ---------------------------------------------------------------- @preamble macros
def expand(preamble: str, text: str, configured: dict[str, str] | None = None) -> str:
    macros, _ = texmacros.collect(
        [Preamble("bib/x.bib", 1, preamble)], configured or {}, len(preamble + text)
    )
    return macros.expand(text)


@pytest.mark.parametrize(
    ("preamble", "text", "expanded"),
    [
        pytest.param(r"\providecommand{\N}{Foo}", r"{\N}: x", "{{Foo}}: x", id="providecommand"),
        pytest.param(r"\newcommand*{\N}{Foo}", r"\N{} x", "{Foo}{} x", id="newcommand-star"),
        pytest.param(r"\newcommand\N{Foo}", r"\N x", "{Foo}x", id="bare-name-eats-space"),
        pytest.param(r"\newcommand{\N}[0]{Foo}", r"\N", "{Foo}", id="zero-arguments"),
        pytest.param(r"\def\N{Foo}", r"a \N", "a {Foo}", id="def"),
        pytest.param(r"\newcommand{\N}{Foo\xspace}", r"\N is", "{Foo} is", id="xspace"),
        pytest.param(r"\newcommand{\N}{\M!}\newcommand{\M}{Bar}", r"\N", "{{Bar}!}", id="nested"),
        pytest.param(r"\newcommand{\N}[1]{<#1>}", r"\N{x}", r"\N{x}", id="with-arguments"),
        pytest.param(r"\def\N#1{<#1>}", r"\N{x}", r"\N{x}", id="def-with-parameters"),
        pytest.param(r"\newcommand{\N}[1][d]{<#1>}", r"\N", r"\N", id="optional-argument"),
        pytest.param(r"\def\N{\N}", r"\N", r"{\N}", id="loop-left-as-written"),
        pytest.param(r"\newcommand{\Na}{A}", r"\Nab \Na", r"\Nab {A}", id="whole-names-only"),
        pytest.param(r"\newcommand{\N}{A}\newcommand{\N}{B}", r"\N", "{A}", id="newcommand-twice"),
        pytest.param(r"\newcommand{\N}{A}\renewcommand{\N}{B}", r"\N", "{B}", id="renewcommand"),
        pytest.param(r"\newcommand{\N}{unclosed", r"\N", r"\N", id="unclosed-body"),
    ],
)
def test_preamble_definitions(preamble: str, text: str, expanded: str) -> None:
    assert expand(preamble, text) == expanded


def test_the_document_s_own_macros_come_first() -> None:
    configured = {"N": "Doc", "\\M": "Mine"}
    assert expand(r"\providecommand{\N}{Bib}", r"\N \M", configured) == "{Doc}{Mine}"
    assert expand(r"\renewcommand{\N}{Bib}", r"\N", configured) == "{Bib}"


def test_macros_that_grow_without_end_are_refused_not_expanded() -> None:
    # Each macro doubles the one before: 2**40 characters if expanded.
    preamble = r"\def\a{xx}" + "".join(
        rf"\def\{chr(98 + i)}{{\{chr(97 + i)}\{chr(97 + i)}}}" for i in range(20)
    )
    macros, where = texmacros.collect([Preamble("bib/x.bib", 7, preamble)], {}, 1000)
    raw = RawEntry("k", "article", {"title": r"\u \a"}, "bib/x.bib", 9)
    (out,), problems = texmacros.expand_entries([raw], macros, where)
    assert len(out.fields["title"]) < texmacros.MACRO_LIMIT
    assert {(p.code, p.line) for p in problems} >= {("macro-too-large", 7)}


def test_expansion_is_bounded_by_the_bibliography_s_size() -> None:
    macros, where = texmacros.collect(
        [Preamble("bib/x.bib", 1, r"\def\a{" + "x" * 9000 + "}")], {}, 10
    )
    raws = [RawEntry(f"k{i}", "misc", {"title": r"\a" * 50}, "bib/x.bib", i) for i in range(10)]
    out, problems = texmacros.expand_entries(raws, macros, where)
    added = sum(len(r.fields["title"]) for r in out) - sum(len(r.fields["title"]) for r in raws)
    assert added <= 4 * 10 + 1_000_000
    assert [p.code for p in problems] == ["macro-too-large"] and problems[0].key


def test_latex_macros_option_names_what_the_document_defines(tmp_path: Path) -> None:
    root = write(tmp_path, {"bib/refs.bib": "@misc{a, title = {{\\Sys} at work}, year = 2020}\n"})
    plain = load_library(Settings(root=root))
    assert [p.code for p in plain.problems] == ["undefined-command"]
    given = load_library(Settings(root=root, latex_macros=(("Sys", "\\textsc{Helix}"),)))
    assert given.problems == () and given.by_key()["a"].paper.title == "Helix at work"


# ---------------------------------------------------------------- names
@pytest.mark.parametrize(
    ("text", "shown", "commas"),
    [
        pytest.param("A B, C D, E F", ["A B", "C D", "E F"], True, id="three-full-names"),
        # BibTeX's "Last, First": two names or one, nothing tells them apart
        pytest.param(
            "J. R. Tolkien, C. S. Lewis", ["C. S. Lewis J. R. Tolkien"], False, id="one-comma-alone"
        ),
        pytest.param("Doe, Jane and Roe, R.", ["Jane Doe", "R. Roe"], False, id="last-first"),
        pytest.param("Smith, Jr., John", ["John Smith, Jr."], False, id="suffix"),
        pytest.param("Smith, III, John", ["John Smith, III"], False, id="roman-suffix"),
        pytest.param("Doe, J., Roe, R.", ["Doe, J., Roe, R."], True, id="pairs-shown-as-written"),
        pytest.param("A B, C D, and E F", ["A B", "C D", "E F"], True, id="oxford-comma"),
        pytest.param("A B, C D and E F", ["A B", "C D", "E F"], True, id="mixed-with-and"),
        pytest.param("A b, c D", ["c D A b"], False, id="lowercase-is-not-a-full-name"),
        pytest.param(", and ,", [], False, id="only-commas"),
        pytest.param(
            "Ana {Lopes, Jr}, Bo Chen, Cy Di",
            ["Ana Lopes, Jr", "Bo Chen", "Cy Di"],
            True,
            id="braces",
        ),
    ],
)
def test_names_separated_by_commas(text: str, shown: list[str], commas: bool) -> None:
    names = read_names(text)
    assert [a.display for a in names.authors] == shown
    assert bool(names.commas) == commas


def split_names_by_depth(text: str) -> list[str]:
    """The reading `split_names` replaced (a regex pass tracking brace depth), to compare."""
    text = " ".join(text.split())
    if "{" not in text:
        return re.split(r"\s+and\s+", text) if text else []
    names, depth, start = [], 0, 0
    for m in re.finditer(r"[{}]| and ", text):
        token = m.group()
        depth += 1 if token == "{" else -1 if token == "}" else 0
        if token == " and " and depth == 0:
            names.append(text[start : m.start()])
            start = m.end()
    names.append(text[start:])
    return [n.strip() for n in names if n.strip()]


@FAST
@given(st.lists(st.sampled_from(["{", "}", " and ", "and", " ", ",", "A", "b"]), max_size=30))
def test_names_split_at_and_outside_braces_as_before(pieces: list[str]) -> None:
    for text in ("".join(pieces), "{" + "".join(pieces)):
        assert split_names(text) == split_names_by_depth(text)


def test_a_long_comma_list_is_read_in_linear_time() -> None:
    text = ", ".join(f"Person{i} Name{i}" for i in range(20000))
    assert len(read_names(text).authors) == 20000


# ---------------------------------------------------------------- venues, dates
def paper(entry_type: str = "misc", **fields: str):  # type: ignore[no-untyped-def]
    return normalize(RawEntry("k", entry_type, fields, "bib/x.bib", 1), "k")


@pytest.mark.parametrize(
    ("entry_type", "fields", "venue"),
    [
        pytest.param("article", {"journaltitle": "J", "publisher": "P"}, "J", id="article"),
        pytest.param("inproceedings", {"publisher": "ACM"}, "ACM", id="inproceedings-publisher"),
        pytest.param(
            "inproceedings", {"booktitle": "B", "eventtitle": "E"}, "B", id="booktitle-first"
        ),
        pytest.param("incollection", {"booktitle": "B", "publisher": "P"}, "B", id="incollection"),
        pytest.param("book", {"publisher": "MIT Press"}, "MIT Press", id="book"),
        pytest.param(
            "techreport", {"institution": "CMU", "howpublished": "x"}, "CMU", id="techreport"
        ),
        pytest.param("report", {"institution": "CMU"}, "CMU", id="report"),
        pytest.param("phdthesis", {"school": "ETH"}, "ETH", id="phdthesis"),
        pytest.param("thesis", {"institution": "ETH"}, "ETH", id="thesis"),
        pytest.param("misc", {"organization": "W3C"}, "W3C", id="misc-organization"),
        pytest.param("misc", {"publisher": "Zenodo", "organization": "O"}, "O", id="misc-order"),
        pytest.param("booklet", {"howpublished": "Handed out"}, "Handed out", id="booklet"),
        pytest.param("manual", {"organization": "PSF"}, "PSF", id="manual"),
        pytest.param("online", {"organization": "OpenAI"}, "OpenAI", id="online"),
        pytest.param("unpublished", {"howpublished": "Talk"}, "Talk", id="unpublished"),
        pytest.param("dataset", {"publisher": "Zenodo"}, "Zenodo", id="dataset"),
        pytest.param("article", {"booktitle": "B"}, "B", id="wrong-type-falls-back"),
        pytest.param("misc", {"howpublished": "\\url{https://x.org}"}, "", id="a-url-is-no-venue"),
        pytest.param("misc", {"eprint": "2401.00001"}, "arXiv", id="preprint"),
    ],
)
def test_venue_by_entry_type(entry_type: str, fields: dict[str, str], venue: str) -> None:
    assert paper(entry_type, title="T", year="2020", **fields)[0].venue == venue


@pytest.mark.parametrize(
    ("month", "first", "last", "bibtex"),
    [
        pytest.param("1 / 2", 1, 2, 'jan # "--" # feb', id="evaluated-concatenation"),
        pytest.param("{January--March}", 1, 3, 'jan # "--" # mar', id="names"),
        pytest.param("Jul.-Aug.", 7, 8, 'jul # "--" # aug', id="abbreviated"),
        pytest.param("nov–dec", 11, 12, 'nov # "--" # dec', id="en-dash"),
        pytest.param("may", 5, None, "may", id="one-month"),
        pytest.param("mar/mar", 3, None, "mar", id="same-month-twice"),
    ],
)
def test_month_ranges(month: str, first: int, last: int | None, bibtex: str) -> None:
    found, problems = paper(title="T", year="2020", month=month)
    assert (found.month, found.month_end, problems) == (first, last, [])
    assert f"month = {bibtex}," in found.bibtex


def test_a_range_of_months_is_written_as_people_write_it() -> None:
    assert strings_for("en").date(2020, 1, 2) == "January–February 2020"
    assert strings_for("zh").date(2020, 1, 2) == "2020年1月–2月"
    assert strings_for("en").date(2020, 1, None) == "January 2020"


# ---------------------------------------------------------------- HTML character references
@pytest.mark.parametrize(
    ("title", "shown", "reported"),
    [
        pytest.param("A &amp;amp; B", "A & B", True, id="escaped-twice"),
        pytest.param("it&#39;s &#x4E2D;", "it's 中", True, id="numeric"),
        pytest.param("&lt;b&gt;bold&lt;/b&gt;", "<b>bold</b>", True, id="markup-stays-text"),
        pytest.param("R&D &T; AT&T", "R&D &T; AT&T", False, id="no-references"),
        pytest.param("Q \\& A", "Q & A", False, id="latex-ampersand"),
    ],
)
def test_html_character_references(title: str, shown: str, reported: bool) -> None:
    found, problems = paper(title=title, year="2020")
    assert found.title == shown
    assert [p.code for p in problems] == (["html-entity"] if reported else [])


# ---------------------------------------------------------------- crossref
IDENTIFIERS = st.fixed_dictionaries(
    {},
    optional={
        "doi": st.just("10.1234/volume"),
        "isbn": st.just("978-3-16-148410-0"),
        "url": st.just("https://example.org/volume"),
        "eprint": st.just("2101.00001"),
        "arxiv": st.just("2101.00002"),
        "archiveprefix": st.just("arXiv"),
        "issn": st.just("1234-5678"),
    },
)


@FAST
@given(
    IDENTIFIERS,
    st.sampled_from(["proceedings", "book", "collection", "inproceedings", "misc"]),
    st.lists(st.sampled_from(["inproceedings", "incollection", "inbook"]), min_size=2, max_size=5),
    st.booleans(),
)
def test_fields_a_child_inherits_never_make_it_a_duplicate(
    identifiers: dict[str, str], parent_type: str, children: list[str], parent_first: bool
) -> None:
    import tempfile

    fields = "".join(f", {k} = {{{v}}}" for k, v in identifiers.items())
    parent = f"@{parent_type}{{vol, title = {{Volume}}, year = 2021{fields}}}\n"
    kids = "".join(
        f"@{kind}{{p{i}, title = {{Paper {i}}}, crossref = {{vol}}}}\n"
        for i, kind in enumerate(children)
    )
    with tempfile.TemporaryDirectory() as tmp:
        root = write(Path(tmp), {"bib/refs.bib": parent + kids if parent_first else kids + parent})
        library = load_library(Settings(root=root))
    assert not [p for p in library.problems if p.code == "duplicate-paper"]
    shown = {e.paper.key for e in library.entries}
    assert shown >= {f"p{i}" for i in range(len(children))}
    assert ("vol" in shown) == (parent_type not in ("proceedings", "book", "collection"))
    for entry in library.entries:
        if entry.paper.key != "vol":
            assert entry.paper.venue == "Volume" and entry.paper.year == 2021
            assert not entry.paper.doi and not entry.paper.arxiv
            assert "978-3-16" in entry.paper.bibtex if "isbn" in identifiers else True


# ---------------------------------------------------------------- what al-folio sites write
def test_al_folio_fields_as_sites_write_them() -> None:
    found, problems = paper(
        "article",
        title="T",
        year="2023",
        abbr="J. Intell. <br> Connect. Veh.",
        selected="{false}",
        arxiv="arXiv:2309.16292",
        keywords="Animals\n*Genome-Wide Association Study\nRats",
    )
    assert problems == []
    assert found.abbr == "J. Intell. Connect. Veh." and found.selected is False
    assert found.arxiv == "2309.16292"
    # EndNote and PubMed put one keyword a line; a list with commas is split at its commas.
    assert found.tags == ("Animals", "*Genome-Wide Association Study", "Rats")
    assert paper(title="T", year="2023", keywords="deep, reinforcement\n learning")[0].tags == (
        "deep",
        "reinforcement learning",
    )
