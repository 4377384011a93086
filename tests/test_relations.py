"""Relations between papers, their backlinks, aliases and what is wrong with them: read from
notes, checked over the library, shown on the pages of a real build."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from test_build import build, built, copy_fixture, fixture_with

from papershelf.around import Surroundings
from papershelf.i18n import strings_for
from papershelf.relations import Edge, link_graph, type_id

BIB = """@article{a2024, title = {Paper A}, year = {2024}}
@article{b2023, title = {Paper B}, year = {2023}, eprint = {2301.00001}}
@article{c2022, title = {Paper C}, year = {2022}}
"""


def graph_of(load, notes: dict[str, str]):
    library = load(BIB, notes)
    return library, link_graph(library.entries)[0]


def test_a_relation_is_one_edge_whichever_paper_writes_it(load) -> None:
    library, graph = graph_of(
        load,
        {
            "a2024.md": "---\nrelations:\n  extends: [b2023]\n  Compared_With: [c2022]\n---\n",
            "b2023.md": "---\nrelations: {extended-by: [a2024]}\n---\n",
        },
    )
    assert library.problems == ()
    assert graph.outgoing["a2024"] == (
        Edge("a2024", "extends", "b2023"),
        Edge("a2024", "compares", "c2022"),
    )
    assert graph.incoming["b2023"] == (Edge("a2024", "extends", "b2023"),)  # not twice
    assert graph.linked("c2022") == {"a2024"}


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        pytest.param("extends", "extends", id="known"),
        pytest.param("Extends", "extends", id="case"),
        pytest.param("compared_in", "compared-in", id="inverse-underscore"),
        pytest.param("see also", "related", id="synonym"),
        pytest.param("Inspired by", "Inspired by", id="unknown-as-written"),
    ],
)
def test_relation_types_are_known_in_any_spelling_and_others_kept(written, kind) -> None:
    assert type_id(written) == kind


def test_a_note_may_name_a_paper_by_arxiv_id_any_case_or_an_alias(load) -> None:
    library, graph = graph_of(
        load,
        {
            "a2024.md": "---\nrelations: {uses: [2301.00001, C2022, old-c]}\n---\n",
            "c2022.md": "---\naliases: [old-c]\n---\n",
        },
    )
    assert library.problems == ()
    assert [e.target for e in graph.outgoing["a2024"]] == ["b2023", "c2022"]  # once each
    assert graph.aliases == {"old-c": "c2022"}


def surroundings(library, graph, language: str = "en") -> Surroundings:
    return Surroundings(
        library.entries, graph, {}, strings_for(language), lambda a, b: b, lambda key: "../"
    )


@pytest.mark.parametrize(
    ("language", "forward", "backward"),
    [
        pytest.param("en", "Extends", "Extended by", id="en"),
        pytest.param("zh", "扩展了", "被以下论文扩展", id="zh"),
        pytest.param("zh-Hant", "擴展了", "被以下論文擴展", id="zh-Hant"),
    ],
)
def test_backlinks_take_the_inverse_wording(load, language, forward, backward) -> None:
    library, graph = graph_of(load, {"a2024.md": "---\nrelations: {extends: [b2023]}\n---\n"})
    around = surroundings(library, graph, language)
    a, b = around.of(0).groups, around.of(1).groups
    assert [(g.direction, g.type, g.label, [x.key for x in g.links]) for g in a] == [
        ("relation", "extends", forward, ["b2023"])
    ]
    assert [(g.direction, g.type, g.label, [x.key for x in g.links]) for g in b] == [
        ("backlink", "extends", backward, ["a2024"])
    ]


def test_an_unknown_type_is_shown_as_written_both_ways(load) -> None:
    library, graph = graph_of(load, {"a2024.md": "---\nrelations: {baseline of: [b2023]}\n---\n"})
    around = surroundings(library, graph)
    assert around.of(0).groups[0].label == "baseline of"
    assert around.of(1).groups[0].label == "Named “baseline of” by"


def test_related_either_way_is_shown_once_on_each_page(load) -> None:
    library, graph = graph_of(
        load,
        {"a2024.md": "---\nrelated: [b2023]\n---\n", "b2023.md": "---\nrelated: [a2024]\n---\n"},
    )
    around = surroundings(library, graph)
    for i in (0, 1):
        groups = around.of(i).groups
        assert [(g.direction, g.type, len(g.links)) for g in groups] == [("relation", "related", 1)]


NOTE = "bib/notes/a2024.md"


@pytest.mark.parametrize(
    ("front", "code", "line", "message"),
    [
        pytest.param(
            "title: x\nrelations:\n  extends: [ghost]\n",
            "unknown-relation",
            4,
            "relation 'extends' names an unknown key 'ghost'",
            id="unknown-key",
        ),
        pytest.param(
            "related:\n  - b2023\n  - ghost\n",
            "unknown-related",
            4,
            "'related' names an unknown key 'ghost'",
            id="unknown-related-key-on-its-line",
        ),
        pytest.param(
            "relations:\n  uses:\n    - b2023\n    - a2024\n",
            "self-relation",
            5,
            "relation 'uses' names the paper itself ('a2024')",
            id="self-relation",
        ),
        pytest.param(
            "aliases: [b2023]\n",
            "bad-alias",
            2,
            "alias 'b2023' is the key or address of 'b2023'; no redirect is made",
            id="alias-is-another-key",
        ),
        pytest.param(
            "aliases:\n  - x\n  - C2022\n",
            "bad-alias",
            4,
            "alias 'C2022' is the key or address of 'c2022'; no redirect is made",
            id="alias-is-another-slug",
        ),
        pytest.param(
            "aliases: [a2024]\n",
            "bad-alias",
            2,
            "alias 'a2024' is the paper's own key or address; no redirect is made",
            id="alias-is-its-own-key",
        ),
        pytest.param(
            "relations: [b2023]\n",
            "bad-front-matter",
            2,
            "front matter field 'relations' must map relation types to citation keys, "
            "got ['b2023']",
            id="relations-not-a-mapping",
        ),
        pytest.param(
            "relations:\n  extends: {b2023: yes}\n",
            "bad-front-matter",
            3,
            "relation 'extends' must list citation keys, got {'b2023': True}",
            id="relation-not-a-list",
        ),
    ],
)
def test_bad_relations_and_aliases_are_reported_at_their_line(
    load, front, code, line, message
) -> None:
    library = load(BIB, {"a2024.md": f"---\n{front}---\nThe note.\n"})
    found = [p for p in library.problems if p.code == code]
    assert [(p.path, p.line, p.message) for p in found] == [(NOTE, line, message)], found
    assert len(library.entries) == 3 and library.by_key()["a2024"].has_note


def test_an_alias_two_papers_claim_goes_to_the_first(load) -> None:
    library = load(
        BIB,
        {
            "a2024.md": "---\naliases: [old]\n---\n",
            "b2023.md": "---\naliases: [old]\n---\n",
        },
    )
    assert [(p.path, p.code, p.message) for p in library.problems] == [
        (
            "bib/notes/b2023.md",
            "bad-alias",
            "alias 'old' is already an alias of 'a2024'; no redirect is made",
        )
    ]
    assert link_graph(library.entries)[0].aliases == {"old": "a2024"}


# ---------------------------------------------------------------- a real build
RELATED_NOTE = """---
relations:
  extends: ["Muller2024:Deep/Nets"]
  baseline for: [nonote2022]
aliases: [chinese-notes, "Zhang2023:Old"]
---
正文。
"""


@pytest.fixture(scope="module")
def related_site(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("related")
    site = copy_fixture(tmp)
    (site / "bib" / "notes" / "zhang2023chinese.md").write_text(RELATED_NOTE, encoding="utf-8")
    config = site / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "site_name: Fixture", "site_name: Fixture\nsite_url: https://example.org/shelf/"
        ),
        encoding="utf-8",
    )
    return built(site, tmp / "out")


def page_of(out: Path, slug: str) -> str:
    return (out / "papers" / slug / "index.html").read_text(encoding="utf-8")


def test_relations_and_backlinks_are_on_both_pages(related_site: Path) -> None:
    zhang = page_of(related_site, "zhang2023chinese")
    relation = re.search(
        r'data-papershelf-relation="extends">\s*<dt>Extends</dt>(.*?)</div>', zhang, re.S
    )
    assert relation and 'href="../muller2024-deep-nets/"' in relation.group(1)
    assert 'data-papershelf-relation="baseline for">\n<dt>baseline for</dt>' in zhang
    muller = page_of(related_site, "muller2024-deep-nets")
    backlink = re.search(
        r'data-papershelf-backlink="extends">\s*<dt>Extended by</dt>(.*?)</div>', muller, re.S
    )
    assert (
        backlink
        and 'href="../zhang2023chinese/">Chinese Notes Are First-Class<' in backlink.group(1)
    )
    nonote = page_of(related_site, "nonote2022")
    assert 'data-papershelf-backlink="baseline for">\n<dt>Named “baseline for” by</dt>' in nonote


def test_each_alias_gets_a_redirect_page_kept_out_of_search_and_sitemap(
    related_site: Path,
) -> None:
    for old in ("chinese-notes", "zhang2023-old"):
        page = (related_site / "papers" / old / "index.html").read_text(encoding="utf-8")
        assert (
            '<link rel="canonical" href="https://example.org/shelf/papers/zhang2023chinese/">'
            in page
        )
        assert '<meta http-equiv="refresh" content="0; url=../zhang2023chinese/">' in page
        assert (
            '<a id="papershelf-moved" href="../zhang2023chinese/">Chinese Notes Are First-Class</a>'
            in page
        )
        assert '<meta name="robots" content="noindex">' in page
    sitemap = (related_site / "sitemap.xml").read_text(encoding="utf-8")
    index = json.loads((related_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert "chinese-notes" not in sitemap and "papers/zhang2023chinese/" in sitemap
    assert not [d for d in index["docs"] if "chinese-notes" in d["location"]]


def test_without_directory_urls_an_alias_is_a_html_file(tmp_path: Path) -> None:
    site = fixture_with(
        tmp_path, "site_name: Fixture", "site_name: Fixture\nuse_directory_urls: false"
    )
    (site / "bib" / "notes" / "zhang2023chinese.md").write_text(RELATED_NOTE, encoding="utf-8")
    out = built(site, tmp_path / "out")
    page = (out / "papers" / "chinese-notes.html").read_text(encoding="utf-8")
    assert 'content="0; url=zhang2023chinese.html"' in page
    assert 'href="muller2024-deep-nets.html"' in (
        out / "papers" / "zhang2023chinese.html"
    ).read_text(encoding="utf-8")


BAD_NOTE = """---
relations:
  extends: [ghost]
  uses: [zhang2023chinese]
aliases: [nonote2022]
---
正文。
"""
EXPECTED = [
    ("bib/notes/zhang2023chinese.md", 3, "unknown-relation"),
    ("bib/notes/zhang2023chinese.md", 4, "self-relation"),
    ("bib/notes/zhang2023chinese.md", 5, "bad-alias"),
]


def test_strict_fails_on_each_bad_relation_and_check_reports_the_same(tmp_path: Path) -> None:
    site = copy_fixture(tmp_path)
    (site / "bib" / "notes" / "zhang2023chinese.md").write_text(BAD_NOTE, encoding="utf-8")
    strict = build(site, tmp_path / "strict", "--strict")
    assert strict.returncode != 0
    warned = re.findall(r"papershelf: (bib/notes/\S+?):(\d+): entry '[^']+': ", strict.stderr)
    assert [(path, int(line)) for path, line in warned] == [(p, n) for p, n, _ in EXPECTED]
    check = subprocess.run(
        [
            sys.executable,
            "-m",
            "papershelf.cli",
            "check",
            "--format",
            "json",
            "-f",
            str(site / "mkdocs.yml"),
        ],
        capture_output=True,
        text=True,
    )
    found = json.loads(check.stdout)["problems"]
    assert [(p["path"], p["line"], p["code"]) for p in found] == EXPECTED and check.returncode == 1
    out = tmp_path / "out"
    assert build(site, out).returncode == 0  # without --strict every page is still built
    zhang = page_of(out, "zhang2023chinese")
    assert "data-papershelf-relation" not in zhang and "正文。" in zhang
    assert 'http-equiv="refresh"' not in page_of(out, "nonote2022")  # its page, no redirect


def test_a_note_link_to_an_old_key_finds_the_renamed_paper(load) -> None:
    from papershelf.pages import NoteLinks

    library = load(
        BIB,
        {
            "a2024.md": "---\naliases: [Old-A]\n---\n",
            "b2023.md": "See [A](old-a.md#method) and [C](c2022.md).\n",
        },
    )
    links = NoteLinks.of(library, "bib/notes")
    body = links.rewrite(library.by_key()["b2023"].note)
    assert "[A](a2024.md#method)" in body and "[C](c2022.md)" in body
