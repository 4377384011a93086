"""The example built by Zensical (which runs no MkDocs plugin) after `papershelf generate`,
next to the same example built by MkDocs with the plugin: the same paper pages and index
data, a working filter in a real browser, and a note's script sanitized away."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import build_site, commit_copy
from test_corpus import scan
from test_index_browser import SHOWN_KEYS, searched

from papershelf.generate import HEAD_OVERRIDE
from papershelf.index import fold

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "site"
PAPERSHELF = Path(sys.executable).parent / "papershelf"
DATA_FILES = [
    "papers/index-data.json",
    "papers/index-fulltext.json",
    "papers/index-bibtex.json",
    "papers.json",
]


def copy_example(work: Path) -> Path:
    """The example's own files as they are in the working tree (generated ones left out)."""
    listed = subprocess.run(
        [
            "git",
            "-C",
            str(ROOT),
            "ls-files",
            "-co",
            "--exclude-standard",
            "--",
            "docs",
            "bib",
            "mkdocs.yml",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in listed:
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, work / name)
    return commit_copy(work)


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    result = subprocess.run([*args], cwd=cwd, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def zensical(site: Path) -> Path:
    run(str(PAPERSHELF), "generate", cwd=site)
    run(sys.executable, "-m", "zensical", "build", "--clean", "--strict", cwd=site)
    return site / "site"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """(MkDocs with the plugin, Zensical after generate), from two copies of the example."""
    plugin = copy_example(tmp_path_factory.mktemp("plugin"))
    mkdocs_out = build_site(plugin / "mkdocs.yml", plugin / "site", "--strict")
    site = copy_example(tmp_path_factory.mktemp("zensical"))
    # The theme override the README names, which puts the citation tags in <head>.
    (site / "overrides").mkdir()
    shutil.copyfile(HEAD_OVERRIDE, site / "overrides" / "main.html")
    config = site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("  name: material\n", "  name: material\n  custom_dir: overrides\n", 1)
    )
    return mkdocs_out, zensical(site)


def papers(site: Path) -> list[dict]:
    return json.loads((site / "papers.json").read_text(encoding="utf-8"))


def part(html: str, start: str, end: str) -> str:
    begin = html.index(start)
    return html[begin : html.index(end, begin) + len(end)]


def test_zensical_builds_every_paper_page_with_the_plugins_header_and_bibtex(built) -> None:
    mkdocs_out, zensical_out = built
    records = papers(zensical_out)
    assert len(records) == 41
    for record in records:
        ours = (mkdocs_out / record["url"] / "index.html").read_text(encoding="utf-8")
        theirs = (zensical_out / record["url"] / "index.html").read_text(encoding="utf-8")
        for start, end in (
            ('<header class="papershelf-paper"', "</header>"),
            ('<div class="papershelf-bibtex', "</div>"),
        ):
            assert part(theirs, start, end) == part(ours, start, end), record["key"]
        for anchor in ("abstract", "notes", "bibtex"):
            assert f'id="{anchor}"' in theirs, (record["key"], anchor)
        found = scan(theirs)
        assert not found.handlers and not found.unsafe_links, record["key"]
        assert "<!-- papershelf-page" not in theirs and "papershelf:end" not in theirs


def test_the_index_data_and_list_are_the_plugins(built) -> None:
    mkdocs_out, zensical_out = built
    fulltext = sorted(
        p.relative_to(mkdocs_out) for p in mkdocs_out.glob("papers/index-fulltext/**/*.txt")
    )
    assert fulltext
    for name in [*DATA_FILES, *map(str, fulltext)]:
        assert (zensical_out / name).read_bytes() == (mkdocs_out / name).read_bytes(), name
    theirs = (zensical_out / "papers" / "index.html").read_text(encoding="utf-8")
    ours = (mkdocs_out / "papers" / "index.html").read_text(encoding="utf-8")
    list_of = lambda html: part(html, '<div class="papershelf-index"', "</ol>\n</section>\n</div>")  # noqa: E731
    assert list_of(theirs) == list_of(ours)
    assert '<link rel="alternate" type="application/atom+xml" href="../feed.xml"' in theirs


def test_the_feed_the_statistics_and_the_home_pages_macros_are_there(built) -> None:
    _, zensical_out = built
    feed = ET.parse(zensical_out / "feed.xml").getroot()
    assert len(feed.findall("{http://www.w3.org/2005/Atom}entry")) == 41
    stats = (zensical_out / "papers" / "stats" / "index.html").read_text(encoding="utf-8")
    assert stats.count('class="papershelf-chart"') == 5 and 'href="../?month=2025-03"' in stats
    home = (zensical_out / "index.html").read_text(encoding="utf-8")
    assert "<p>41 papers on" in home and "Macro Rendering Error" not in home
    newest = papers(zensical_out)[0]
    assert f'Newest: <a href="{newest["url"]}">' in home


@pytest.mark.browser
def test_the_filter_and_every_paper_page_work_in_a_browser(built, serve, page) -> None:
    _, zensical_out = built
    base = serve(zensical_out)
    records = papers(zensical_out)
    page.goto(f"{base}papers/")
    page.wait_for_selector("[data-papershelf-ready]", state="attached")
    page.fill("[data-papershelf-query]", "search")
    page.wait_for_function("() => location.search.includes('q=search')")
    page.wait_for_function(f"() => ({SHOWN_KEYS})(document).length < {len(records)}")
    searched(page)  # the full-text index's chunks have arrived
    shown = set(page.eval_on_selector("[data-papershelf-index]", SHOWN_KEYS))
    by_key = {r["key"]: r for r in records}
    assert shown and all("search" in fold(json.dumps(by_key[k], ensure_ascii=False)) for k in shown)
    # Every paper with a word that starts with "search" (not "research") in its title or
    # abstract, as the full-text index matches words by their beginning.
    assert not any(
        re.search(r"(?<![a-z0-9])search", fold(f"{r['title']} {r['abstract']}"))
        for k, r in by_key.items()
        if k not in shown
    )
    for record in records:
        page.goto(f"{base}{record['url']}", wait_until="domcontentloaded")
        assert page.text_content("h1.papershelf-paper-title").strip() == record["title"]


HOSTILE = """---
key: Muller2024:Deep/Nets
summary: '<img src=x onerror=alert(9)>'
---
## Method {: #method }

<script>alert(10)</script>
<a href="javascript:alert(12)">click</a> <div onclick="alert(14)">div text</div>
<div id="__config">{}</div>
"""


def test_a_notes_script_does_not_survive_zensical(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    config = site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace(
        "theme: {name: mkdocs, highlightjs: false}", "theme: {name: material, language: zh}"
    )
    config.write_text(
        text + "  - attr_list\n  - papershelf.markdown_ext\n"
        "extra_css: [assets/papershelf/papershelf.css]\n"
        "extra_javascript: [assets/papershelf/papershelf.js]\n",
        encoding="utf-8",
    )
    (site / "bib" / "notes" / "deepnet.md").write_text(HOSTILE, encoding="utf-8")
    out = zensical(site)
    html = (out / "papers" / "muller2024-deep-nets" / "index.html").read_text(encoding="utf-8")
    found = scan(html)
    assert not found.handlers and not found.unsafe_links
    assert not any("alert(" in s for s in found.scripts)
    assert "div text" in html and 'id="note-method"' in html and 'id="note-__config"' in html
    # the interface in the site's language: the index links and the statistics page
    index = (out / "papers" / "index.html").read_text(encoding="utf-8")
    assert '<a href="stats/">统计</a>' in index
    stats = (out / "papers" / "stats" / "index.html").read_text(encoding="utf-8")
    assert "每月论文数" in stats and "阅读状态" in stats


def test_the_pages_workflows_fetch_the_history_and_zensicals_runs_what_these_tests_run() -> None:
    import yaml

    steps = {}
    for name in ("pages.yml", "pages-zensical.yml"):
        flow = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))
        steps[name] = flow["jobs"]["build"]["steps"]
        checkout = next(s for s in steps[name] if s.get("uses", "").startswith("actions/checkout"))
        assert checkout["with"]["fetch-depth"] == 0, name  # git dates for the feed
    runs = [s["run"] for s in steps["pages-zensical.yml"] if "run" in s]
    assert runs[-2:] == ["papershelf generate", "zensical build --clean --strict"]


def test_zensical_pages_carry_the_plugins_citation_tags_in_head(built) -> None:
    mkdocs_out, zensical_out = built
    for record in papers(zensical_out):
        ours = (mkdocs_out / record["url"] / "index.html").read_text(encoding="utf-8")
        theirs = (zensical_out / record["url"] / "index.html").read_text(encoding="utf-8")
        head = theirs[: theirs.index("</head>")]
        tags = re.findall(r'<meta name="citation_[a-z_]+" content="[^"]*">', ours)
        assert tags and all(tag in head for tag in tags), record["key"]
        assert head.count('<script type="application/ld+json">') == 1, record["key"]
