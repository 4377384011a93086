"""Parsing real-world BibTeX: quirks become display values, defects become located Problems."""

from __future__ import annotations

import pytest

from papershelf.bib import evaluate, read_bib
from papershelf.model import Author
from papershelf.normalize import find_arxiv, parse_month, parse_names

ZOTERO = r"""@string{neurips = "Advances in Neural Information Processing Systems"}

@inproceedings{muller2024deep,
  title = {{DeepNet}: {A} Study of $\mathcal{O}(n)$ Attention},
  author = {M{\"u}ller, J{\"o}rg and S{\'{e}}bastien Bubeck and {\L}ukasz Kaiser and others},
  booktitle = neurips # " 37",
  year = {2024},
  month = may,
  pages = {1--10},
  doi = {10.48550/arXiv.2405.01234},
  keywords = {Transformers, attention; efficiency},
  abstract = {We show $O(n)$ attention --- fast.

  Second paragraph.},
  file = {Full Text PDF:/home/me/Zotero/storage/ABC/deep.pdf:application/pdf},
  urldate = {2024-06-01},
  langid = {english},
  annote = {my private thoughts},
}
"""


def test_zotero_entry_is_normalised(load) -> None:
    library = load(ZOTERO)
    assert library.problems == ()
    (entry,) = library.entries
    paper = entry.paper
    assert paper.title == r"DeepNet: A Study of $\mathcal{O}(n)$ Attention"
    assert [a.display for a in paper.authors] == [
        "Jörg Müller",
        "Sébastien Bubeck",
        "Łukasz Kaiser",
        "et al.",
    ]
    assert paper.venue == "Advances in Neural Information Processing Systems 37"
    assert (paper.year, paper.month, paper.date_id) == (2024, 5, "2024-05")
    assert paper.arxiv == "2405.01234"
    assert paper.tags == ("Transformers", "attention", "efficiency")
    assert paper.abstract == "We show $O(n)$ attention — fast.\n\nSecond paragraph."
    assert paper.links.arxiv == "https://arxiv.org/abs/2405.01234"
    assert paper.links.doi == "https://doi.org/10.48550/arXiv.2405.01234"


def test_public_bibtex_drops_private_fields(load) -> None:
    bibtex = load(ZOTERO).entries[0].paper.bibtex
    for private in ("file", "urldate", "langid", "annote", "abstract", "keywords", "Zotero"):
        assert private not in bibtex
    assert "  month = may," in bibtex
    assert "  booktitle = {Advances in Neural Information Processing Systems 37}," in bibtex
    assert bibtex.startswith("@inproceedings{muller2024deep,\n")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        pytest.param(
            {"eprint": "2503.04625", "archiveprefix": "arXiv"}, ("2503.04625", ""), id="eprint"
        ),
        pytest.param({"eprint": "2503.04625v2"}, ("2503.04625", "v2"), id="eprint-version"),
        pytest.param({"url": "http://arxiv.org/pdf/2503.04625v2"}, ("2503.04625", "v2"), id="url"),
        pytest.param({"doi": "10.48550/arXiv.2503.04625"}, ("2503.04625", ""), id="doi"),
        pytest.param(
            {"journal": "arXiv preprint arXiv:2503.04625"}, ("2503.04625", ""), id="journal"
        ),
        pytest.param({"note": "arXiv: 2503.04625 [cs]"}, ("2503.04625", ""), id="note"),
        pytest.param(
            {"url": "https://arxiv.org/abs/hep-th/9901001v1"},
            ("hep-th/9901001", "v1"),
            id="old-style",
        ),
        pytest.param({"eprint": "12345", "eprinttype": "pubmed"}, ("", ""), id="not-arxiv"),
        pytest.param({"url": "https://example.org/2503.04625"}, ("", ""), id="number-in-other-url"),
    ],
)
def test_find_arxiv(fields: dict[str, str], expected: tuple[str, str]) -> None:
    assert find_arxiv(fields) == expected


@pytest.mark.parametrize(
    ("entry", "venue"),
    [
        pytest.param(
            "@article{a, journal = {arXiv preprint arXiv:2503.04625}}", "arXiv", id="zotero-arxiv"
        ),
        pytest.param(
            "@article{a, journal = {CoRR}, volume = {abs/2503.04625}, eprinttype = {arXiv},"
            " eprint = {2503.04625}}",
            "arXiv",
            id="dblp-corr",
        ),
        pytest.param("@article{a, journal = {CoRR}}", "CoRR", id="corr-without-id"),
        pytest.param(
            "@inproceedings{a, booktitle = {Proc. of {ICLR} 2023}}",
            "Proc. of ICLR 2023",
            id="booktitle",
        ),
        pytest.param("@book{a, publisher = {MIT Press}}", "MIT Press", id="book-publisher"),
        pytest.param("@misc{a, howpublished = {arXiv:2503.04625}}", "arXiv", id="misc-arxiv"),
    ],
)
def test_venue_quirks(load, entry: str, venue: str) -> None:
    library = load(entry.replace("{a,", "{a, title = {T}, year = 2023,", 1))
    assert library.entries[0].paper.venue == venue


@pytest.mark.parametrize(
    ("fields", "project", "code"),
    [
        pytest.param(
            r"howpublished = {\url{http://karpathy.github.io/2015/05/21/rnn\_eff/}}",
            "http://karpathy.github.io/2015/05/21/rnn_eff/",
            "",
            id="howpublished-url",
        ),
        pytest.param(
            r"howpublished = {\href{https://github.com/o/r}{GitHub}}",
            "",
            "https://github.com/o/r",
            id="howpublished-href-code",
        ),
        pytest.param(
            "howpublished = {https://example.org/post}",
            "https://example.org/post",
            "",
            id="howpublished-bare",
        ),
        pytest.param(
            r"url = {https://a.org/x}, howpublished = {\url{https://b.org/y}}",
            "https://a.org/x",
            "",
            id="url-field-wins",
        ),
        pytest.param(
            r"howpublished = {Blog post, \url{javascript:alert(1)}}", "", "", id="only-http"
        ),
    ],
)
def test_links_from_howpublished(load, fields: str, project: str, code: str) -> None:
    library = load(f"@misc{{a, title = {{T}}, year = 2015, {fields}}}")
    links = library.entries[0].paper.links
    assert (links.project, links.code) == (project, code)
    assert library.problems == ()


@pytest.mark.parametrize(
    ("fields", "pdf", "project"),
    [
        pytest.param("url = {https://a.org/paper.PDF}", "https://a.org/paper.PDF", "", id="pdf"),
        pytest.param(
            "url = {https://a.org/p.pdf?dl=1}", "https://a.org/p.pdf?dl=1", "", id="pdf-query"
        ),
        pytest.param(
            "url = {https://a.org/p.pdf}, pdf = {https://b.org/q.pdf}",
            "https://b.org/q.pdf",
            "",
            id="pdf-field-wins",
        ),
        pytest.param("url = {https://a.org/pdf/}", "", "https://a.org/pdf/", id="a-page"),
    ],
)
def test_a_url_that_is_a_pdf_is_the_pdf_link(load, fields: str, pdf: str, project: str) -> None:
    links = load(f"@misc{{a, title = {{T}}, year = 2015, {fields}}}").entries[0].paper.links
    assert (links.pdf, links.project) == (pdf, project)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Knuth, Donald E.", [Author("Donald E.", "", "Knuth")]),
        ("Donald E. Knuth", [Author("Donald E.", "", "Knuth")]),
        ("Ludwig van Beethoven", [Author("Ludwig", "van", "Beethoven")]),
        ("van Beethoven, Ludwig", [Author("Ludwig", "van", "Beethoven")]),
        ("King, Jr, Martin Luther", [Author("Martin Luther", "", "King", "Jr")]),
        ("{Barnes and Noble} and Plato", [Author(last="Barnes and Noble"), Author(last="Plato")]),
        ("{OpenAI Team}", [Author(last="OpenAI Team")]),
        (
            "Li, Chengpeng and Xue,  Mingfeng",
            [Author("Chengpeng", "", "Li"), Author("Mingfeng", "", "Xue")],
        ),
        ("", []),
    ],
)
def test_parse_names(text: str, expected: list[Author]) -> None:
    assert list(parse_names(text)) == expected


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("王, 小明", "王小明"),
        ("田中, 太郎", "田中太郎"),
        ("김, 철수", "김철수"),
        ("Li, Chengpeng", "Chengpeng Li"),
        ("王, Xiaoming", "Xiaoming 王"),  # mixed scripts: no convention to apply
    ],
)
def test_chinese_japanese_korean_names_show_family_name_first(text: str, shown: str) -> None:
    assert [a.display for a in parse_names(text)] == [shown]


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("may", 5),
        ("May", 5),
        ("{5}", 5),
        ("05", 5),
        ("Sept.", 9),
        ("december", 12),
        ("13", None),
        ("spring", None),
        ("", None),
    ],
)
def test_parse_month(text: str, month: int | None) -> None:
    assert parse_month(text) == month


@pytest.mark.parametrize(
    ("raw", "value", "missing"),
    [
        ("{plain}", "plain", []),
        ('"quoted {Braces}"', "quoted {Braces}", []),
        ("2024", "2024", []),
        ('acl # " 2019"', "Proc. ACL 2019", []),
        ("nope # {x}", "nopex", ["nope"]),
        ("{a {nested} b}", "a {nested} b", []),
    ],
)
def test_evaluate(raw: str, value: str, missing: list[str]) -> None:
    assert evaluate(raw, {"acl": "Proc. ACL"}) == (value, missing)


# Each faulty input: the problem code and the 1-based line it must be reported on, and the
# keys that must still come through.
BROKEN = [
    pytest.param(
        "@article{a, title={A}, year=2020}\n@article{b,\n  title = {Unbalanced {brace,\n"
        "  year = 2020\n}\n@article{c, title={C}, year=2021}\n",
        "malformed-entry",
        3,
        {"a", "c"},
        id="unbalanced-brace",
    ),
    pytest.param(
        "@article{a, title={A}, year=2020}\n\n@article{a, title={B}, year=2021}\n",
        "duplicate-key",
        3,
        {"a", "a-2"},
        id="duplicate-key",
    ),
    pytest.param(
        "@article{a,\n title={A},\n title={B},\n year=2020}\n",
        "duplicate-field",
        1,
        {"a"},
        id="duplicate-field",
    ),
    pytest.param(
        "@article{a,\n title={A},\n year={2020},\n month = {Smarch}\n}\n",
        "bad-month",
        4,
        {"a"},
        id="unknown-month",
    ),
    pytest.param(
        "@article{a,\n title={A},\n journal = jmlr,\n year={2020}}\n",
        "undefined-macro",
        3,
        {"a"},
        id="undefined-macro",
    ),
    pytest.param("@article{a,\n title={A}\n}\n", "missing-year", 1, {"a"}, id="missing-year"),
    pytest.param("@article{a,\n year={2020}\n}\n", "missing-title", 1, {"a"}, id="missing-title"),
    pytest.param(
        "@article{a,\n title={A},\n year={2020},\n  % a private remark\n  note = {x}\n}\n",
        "comment-in-entry",
        4,
        {"a"},
        id="comment-in-entry",
    ),
    pytest.param(
        "@inproceedings{a,\n title={A},\n year={2020},\n crossref={nowhere}\n}\n",
        "bad-crossref",
        4,
        {"a"},
        id="unresolved-crossref",
    ),
    pytest.param(
        "@article{a,\n title={A},\n year={circa 2020}\n}\n", "bad-date", 3, {"a"}, id="bad-year"
    ),
    pytest.param(
        "@article{a,\n title={A},\n year={2020},\n doi={not a doi}\n}\n",
        "bad-doi",
        4,
        {"a"},
        id="bad-doi",
    ),
    pytest.param(
        "@article{a,\n title={A},\n year={2020},\n url={javascript:alert(1)}\n}\n",
        "bad-url",
        4,
        {"a"},
        id="unsafe-url",
    ),
    pytest.param(
        "@article{a, title={A}, year=2020, eprint={2501.00001}}\n"
        "@article{b, title={B}, year=2020, eprint={2501.00001}}\n",
        "duplicate-paper",
        2,
        {"a", "b"},
        id="same-arxiv-twice",
    ),
    pytest.param(
        "@article{Smith2020, title={A}, year=2020}\n@article{smith2020, title={B}, year=2020}\n",
        "slug-collision",
        2,
        {"Smith2020", "smith2020"},
        id="case-only-keys",
    ),
    pytest.param(
        "@article{nocomma\n  title={X}, year=2000}\n@article{ok, title={Y}, year=2001}\n",
        "malformed-entry",
        1,
        {"ok"},
        id="missing-comma-after-key",
    ),
]


@pytest.mark.parametrize(("bib", "code", "line", "survivors"), BROKEN)
def test_problems_are_located_and_nothing_else_is_lost(load, bib, code, line, survivors) -> None:
    library = load(bib)
    found = [(p.code, p.line) for p in library.problems]
    assert (code, line) in found, found
    assert {e.paper.key for e in library.entries} == survivors
    problem = next(p for p in library.problems if p.code == code)
    assert str(problem).startswith(f"bib/refs.bib:{line}: ")
    assert problem.hint


def test_crossref_inherits_from_parent_in_either_order(load) -> None:
    library = load(
        "@inproceedings{child, title={Child}, author={A, B}, crossref={proc}, pages={1--2}}\n"
        "@proceedings{proc, title={Proceedings of {ICML}}, year={2021}, month=jul,"
        " publisher={PMLR}}\n"
    )
    child = library.by_key()["child"].paper
    assert (child.venue, child.year, child.month, child.title) == (
        "Proceedings of ICML",
        2021,
        7,
        "Child",
    )
    assert "publisher = {PMLR}" in child.bibtex and "crossref" not in child.bibtex


def test_string_macros_and_concatenation(load) -> None:
    library = load(
        '@string{conf = "Conf. on X"}\n@string{full = conf # " 2020"}\n'
        "@inproceedings{a, title={A}, booktitle = full, year = 2020, month = dec}\n"
    )
    paper = library.entries[0].paper
    assert (paper.venue, paper.month) == ("Conf. on X 2020", 12)


def test_bom_and_crlf_read_normally(load) -> None:
    library = load("\ufeff@article{a,\r\n  title = {T{\\'e}l{\\'e}},\r\n  year = 2020\r\n}\r\n")
    assert library.problems == ()
    assert library.entries[0].paper.title == "Télé"


def test_non_utf8_file_is_reported_with_its_line(tmp_path) -> None:
    from papershelf.library import Settings, load_library

    (tmp_path / "bib").mkdir()
    (tmp_path / "bib" / "refs.bib").write_bytes(
        b"@article{a, title={A}, year=2020}\n@article{b, title={Caf\xe9}, year=2021}\n"
    )
    library = load_library(Settings(root=tmp_path))
    (problem,) = library.problems
    assert (problem.code, problem.line) == ("encoding", 2)
    assert library.by_key()["b"].paper.title == "Café"


def test_read_bib_never_raises_on_garbage() -> None:
    result = read_bib("@@@ {{{ }}} @article{ , = }\n@misc{x, title = {ok}}", "g.bib")
    assert [e.key for e in result.entries] == ["x"]
    assert "missing-key" in {p.code for p in result.problems}


def test_an_entry_wrapped_in_comment_stays_out(load) -> None:
    library = load(
        "@comment{\n@article{hidden2020, title = {Not Published}, year = {2020}}\n}\n"
        "@comment{jabref-meta: databaseType:bibtex;}\n"
        "@article{kept, title = {Kept}, year = 2021, month = {Smarch}}\n"
    )
    assert [e.paper.key for e in library.entries] == ["kept"]
    assert [(p.line, p.key, p.code) for p in library.problems] == [
        (2, "hidden2020", "commented-entry"),
        (5, "kept", "bad-month"),
    ]  # lines still true


def test_a_commented_out_field_is_one_problem_on_its_line(load) -> None:
    library = load(
        "@article{a,\n  title = {T},\n  year = 2020,\n  % journal = {J},\n  author = {X, Y}\n}\n"
    )
    assert [(p.line, p.code) for p in library.problems] == [(4, "comment-in-entry")]
    assert "field 'journal' was ignored" in library.problems[0].message
    assert library.entries[0].paper.venue == ""


def test_a_note_whose_entry_is_broken_points_at_the_entry(load) -> None:
    library = load(
        "@article{a, title={A}, year=2020}\n@article{b,\n  title = {B},\n  year = 2020\n\n"
        "@article{c, title={C}, year=2021}\n",
        notes={"b.md": "Note on b.\n"},
    )
    assert [(p.path, p.line, p.code) for p in library.problems] == [
        ("bib/refs.bib", 2, "malformed-entry"),
        ("bib/notes/b.md", 1, "orphan-note"),
    ]
    bib, note = library.problems
    assert "the entry is never closed" in bib.message
    assert note.message == (
        "note for entry 'b', which was skipped because it is malformed (bib/refs.bib:2)"
    )


def test_public_bibtex_gives_a_bare_doi_and_no_unreadable_month(load) -> None:
    library = load(
        "@article{a, title={T}, year=2020, month={Smarch}, doi={https://doi.org/10.1000/xyz}}"
    )
    assert "  doi = {10.1000/xyz}," in library.entries[0].paper.bibtex
    assert "month" not in library.entries[0].paper.bibtex
    assert [p.code for p in library.problems] == ["bad-month"]
    assert library.entries[0].paper.links.doi == "https://doi.org/10.1000/xyz"
