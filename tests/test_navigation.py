"""Moving around, as built: previous / next in the index's order, the way back to the list,
the old list's anchors on the index, authors and venue linking to the filtered index."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_build import FIXTURE, build, built, copy_fixture

from papershelf.index import index_html, item_anchors
from papershelf.paperlist import anchor_for


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return built(FIXTURE, tmp_path_factory.mktemp("navigation"))


def pager(html: str) -> dict[str, str]:
    nav = re.search(r'<nav class="papershelf-pager".*?</nav>', html, re.S)
    assert nav, "no pager"
    links = re.findall(
        r'<a class="papershelf-pager-(\w+)"(?: rel="(\w+)")? href="([^"]*)"', nav.group()
    )
    return {kind: (rel, href) for kind, rel, href in links}


def test_previous_and_next_follow_the_catalogue_order(site: Path) -> None:
    papers = json.loads((site / "papers.json").read_text(encoding="utf-8"))
    slugs = [p["url"].split("/")[1] for p in papers]
    for i, slug in enumerate(slugs):
        links = pager((site / "papers" / slug / "index.html").read_text(encoding="utf-8"))
        before = ("prev", f"../{slugs[i - 1]}/") if i > 0 else None
        after = ("next", f"../{slugs[i + 1]}/") if i + 1 < len(slugs) else None
        assert (links.get("previous"), links.get("next")) == (before, after), slug
        assert links["back"][1] == f"../#{anchor_for(papers[i]['title'])}"


def test_the_plain_theme_page_links_to_the_list_at_top_and_bottom(site: Path) -> None:
    html = (site / "papers" / "nonote2022" / "index.html").read_text(encoding="utf-8")
    assert (
        '<p class="papershelf-back" data-search-exclude><a href="../#a-paper-without-a-note">Back to the list</a></p>'
        in html
    )
    assert (
        html.index("papershelf-back")
        < html.index("papershelf-paper-title")
        < html.index("papershelf-pager")
    )


def test_each_index_item_carries_the_old_lists_anchor(site: Path) -> None:
    html = (site / "papers" / "index.html").read_text(encoding="utf-8")
    items = re.findall(
        r'<li class="papershelf-item" data-papershelf-key="([^"]+)" id="([^"]+)">', html
    )
    assert items == [
        ("Muller2024:Deep/Nets", "deepnet--scaling-transformers-to---mathcal-o--n-----beyond"),
        ("zhang2023chinese", "chinese-notes-are-first-class"),
        ("nonote2022", "a-paper-without-a-note"),
    ]


def test_an_anchor_that_would_take_a_themes_id_is_left_out(load) -> None:
    library = load(
        "@article{a, title = {__config}, year = 2024}\n@article{b, title = {Main Content}, year = 2023}\n"
        "@article{c, title = {A Title}, year = 2022}\n@article{d, title = {a title}, year = 2021}\n"
    )
    anchors = item_anchors(library)
    assert anchors == {"c": "a-title", "d": "a-title-1"}  # repeated titles numbered, as export does
    html = index_html(library, lambda e: e.paper.slug)
    assert 'id="__config"' not in html and 'id="main-content"' not in html


def test_math_in_titles_is_typeset_on_the_index_only_with_arithmatex(load) -> None:
    library = load(
        r"@article{a, title = {Cost $\mathcal{O}(n)$ \href{javascript:x}{y}}, year = 2024}"
    )
    plain = index_html(library, lambda e: "a/")
    assert "arithmatex" not in plain and "data-papershelf-text" not in plain
    typeset = index_html(library, lambda e: "a/", math=True)
    assert '<span class="arithmatex">\\(\\mathcal{O}(n)\\)</span>' in typeset
    assert 'data-papershelf-text="Cost $\\mathcal{O}(n)$' in typeset  # what the filter reads


def test_authors_and_venue_open_the_index_filtered_by_them(site: Path) -> None:
    html = (site / "papers" / "muller2024-deep-nets" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../?author=J%C3%B6rg%20M%C3%BCller">Jörg Müller</a>' in html
    assert '<a href="../?venue=International%20Conference%20on%20Machine%20Learning">' in html
    nonote = (site / "papers" / "nonote2022" / "index.html").read_text(encoding="utf-8")
    assert "Richard Roe</a>, et al.</p>" in nonote  # "et al." is nobody to filter by


def test_a_hand_written_page_is_still_a_neighbour(tmp_path: Path) -> None:
    site = copy_fixture(tmp_path)
    (site / "docs" / "papers").mkdir()
    (site / "docs" / "papers" / "zhang2023chinese.md").write_text("# By hand\n", encoding="utf-8")
    result = build(site, tmp_path / "out", "--strict")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "out" / "papers" / "muller2024-deep-nets" / "index.html").read_text("utf-8")
    assert pager(html)["next"] == ("next", "../zhang2023chinese/")
