"""The statistics page: counts as the index counts them, bars that link into the index with
its own query names, SVG that parses, escapes .bib text and follows the theme's colours."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qsl

import markdown
import pytest
from conftest import commit_copy
from mkdocs.utils.meta import get_data
from test_build import build, fixture_with
from test_corpus import scan

from papershelf.i18n import strings_for
from papershelf.index import index_data
from papershelf.stats import charts, stats_page

BIB = """@article{a, title={A}, year=2025, month=mar, author={Doe, Jane and Roe, R and others},
  journal={NeurIPS}, keywords={RL, Search}}
@article{b, title={B}, year=2025, month=jan, author={doe, jane}, journal={neurips}, keywords={rl}}
@article{c, title={C}, year=2024, month=nov, author={Poe, E}, keywords={<script>alert(1)</script>}}
@article{d, title={D}, year=2023}
"""
NOTES = {"a.md": "---\nstatus: read\n---\n", "b.md": "---\nstatus: reading\n---\n"}
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"


@pytest.fixture
def library(load):
    return load(BIB, NOTES)


def bars(library, anchor: str):
    chart = next(c for c in charts(library) if c.anchor == anchor)
    return [(b.label, b.count, b.query) for b in chart.bars]


def test_papers_per_month_run_from_the_first_month_to_the_last_empty_ones_too(library) -> None:
    months = bars(library, "timeline")
    assert [q for _, _, q in months] == [
        "month=2024-11",
        "month=2024-12",
        "month=2025-01",
        "month=2025-02",
        "month=2025-03",
    ]
    assert [n for _, n, _ in months] == [1, 0, 1, 0, 1]  # `d` has a year only


def test_a_long_span_is_drawn_per_year(load) -> None:
    library = load(
        "@article{a, title={A}, year=2010, month=1}\n@article{b, title={B}, year=2025, month=2}\n"
    )
    chart = charts(library)[0]
    assert chart.heading == "Papers per year" and len(chart.bars) == 16
    assert chart.bars[0].query == "year=2010" and chart.bars[-1].count == 1


def test_rankings_count_as_the_index_facets_do(library) -> None:
    assert bars(library, "tags") == [
        ("RL", 2, "tag=RL"),  # `rl` and `RL` are one tag, in the spelling most papers use
        ("<script>alert(1)</script>", 1, "tag=%3Cscript%3Ealert%281%29%3C%2Fscript%3E"),
        ("Search", 1, "tag=Search"),
    ]
    assert bars(library, "authors")[0] == ("Jane Doe", 2, "author=Jane+Doe")  # no "et al."
    assert ("et al.", 1) not in [(label, n) for label, n, _ in bars(library, "authors")]
    assert bars(library, "status") == [
        ("Reading", 1, "status=reading"),
        ("Read", 1, "status=read"),
        ("No status", 2, "status=none"),
    ]


def test_every_bar_names_a_value_the_index_has(library) -> None:
    facets = {f["name"]: f["values"] for f in index_data(library)["facets"]}
    for chart in charts(library):
        for bar in (b for b in chart.bars if b.count):  # an empty month is drawn, not linked
            [(name, value)] = parse_qsl(bar.query)
            assert value in facets[name], (name, value)


def test_the_page_parses_links_into_the_index_and_escapes_bib_text(library) -> None:
    text, meta = get_data(stats_page(library, index_url="../"))
    assert meta["title"] == "Statistics" and meta["render_macros"] is False
    html = markdown.Markdown(extensions=["toc"]).convert(text)
    svgs = re.findall(r"<svg.*?</svg>", html, re.DOTALL)
    assert len(svgs) == 5
    links = []
    for svg in svgs:
        root = ET.fromstring(svg)  # well-formed XML, or no browser draws it
        # xlink:href, which Material's instant navigation leaves alone (it fails on an SVG
        # link's href) and no generator rewrites
        assert all(a.get("href") is None for a in root.iter(f"{SVG}a"))
        links += [a.get(f"{XLINK}href") for a in root.iter(f"{SVG}a")]
        # no colour of its own: the theme's, through currentColor and CSS variables
        assert not re.search(r'(?:fill|stroke)="(?!currentColor)', svg)
    assert "../?month=2025-03" in links and "../?year=2025" in links
    assert "../?month=2024-12" not in links  # no paper: a gap, not a link to an empty view
    assert "../?tag=RL" in links and "../?status=read" in links
    found = scan(html)
    assert not found.scripts and not found.handlers
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "1 paper has no date." not in html  # `d` has a year: it is dated


def test_labels_come_in_the_sites_language(library) -> None:
    text = stats_page(library, strings_for("zh-Hant"))
    assert "每月論文數" in text and "閱讀狀態" in text and "Jane Doe：2 篇論文" in text


def test_the_built_page_is_linked_from_the_index_and_readable_in_dark_mode(
    tmp_path, serve, page
) -> None:
    site = fixture_with(
        tmp_path,
        "theme: {name: mkdocs, highlightjs: false}  # no CDN script: the site works offline\n"
        "plugins:\n  - search\n",
        "theme: {name: material, palette: {scheme: slate}, features: [navigation.instant]}\n"
        "plugins:\n"
        "  - search: {separator: '[\\s\\u200b\\-]+'}\n",
    )
    # Material's instant navigation takes over only links into the site_url it was built for.
    (tmp_path / "out").mkdir()
    base = serve(tmp_path / "out")
    config = site / "mkdocs.yml"
    config.write_text(f"site_url: {base}\n" + config.read_text(encoding="utf-8"))
    result = build(site, tmp_path / "out", "--strict")
    assert result.returncode == 0, result.stderr
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base}papers/")
    # Material's instant navigation takes the link (and has made its href absolute)
    page.click(".papershelf-index-links a[href$='/papers/stats/']")
    page.wait_for_selector(".papershelf-chart svg")
    colours = page.evaluate(
        """() => {
          const lum = c => { const [r, g, b] = c.match(/\\d+/g).map(Number); return (r * 299 + g * 587 + b * 114) / 1000; };
          const text = document.querySelector('.papershelf-chart text');
          const bar = document.querySelector('.papershelf-bar');
          return { background: lum(getComputedStyle(document.body).backgroundColor),
                   text: lum(getComputedStyle(text).fill), bar: lum(getComputedStyle(bar).fill) };
        }"""
    )
    assert colours["background"] < 80  # the dark scheme is on
    assert colours["text"] - colours["background"] > 100, colours  # light text on dark
    assert abs(colours["bar"] - colours["background"]) > 30, colours
    page.click(".papershelf-chart a[*|href*='tag=']")
    page.wait_for_selector("[data-papershelf-ready]", state="attached")
    assert "?tag=" in page.url
    count = page.text_content("[data-papershelf-count]")
    assert count and "of 3" in count  # the index, filtered by the bar's tag
    assert errors == []


def test_a_chinese_site_gets_the_new_texts_in_chinese(tmp_path) -> None:
    site = fixture_with(
        tmp_path,
        "      facets: [method]\n",
        "      facets: [method]\n      language: zh\n      feed: 3\n",
    )
    config = site / "mkdocs.yml"
    config.write_text("site_url: https://example.org/\n" + config.read_text(encoding="utf-8"))
    commit_copy(site)
    result = build(site, tmp_path / "out", "--strict")
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out" / "papers"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<a href="stats/">统计</a>' in index and ">Atom 订阅</a>" in index
    stats = (out / "stats" / "index.html").read_text(encoding="utf-8")
    assert "<title>统计" in stats and "每月论文数" in stats and "最常见的标签" in stats
    feed = ET.parse(out.parent / "feed.xml").getroot()
    assert feed.findtext("{http://www.w3.org/2005/Atom}title") == "Fixture：最近添加的论文"
