"""Real builds: the fixture site against golden output, the example site, failure modes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "site"
GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("PAPERSHELF_UPDATE_GOLDEN") == "1"


def build(site: Path, out: Path, *args: str, tool: str = "mkdocs") -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            tool,
            "build",
            "-f",
            str(site / "mkdocs.yml"),
            "-d",
            str(out),
            *args,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def fragment(html: str) -> str:
    """The part of a paper page papershelf writes: header through the BibTeX block."""
    start = html.index('<header class="papershelf-paper"')
    end = html.index("</div>", html.index('<div class="papershelf-bibtex')) + len("</div>")
    return html[start:end]


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def fixture_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("fixture-site")
    result = build(FIXTURE, out, "--strict")
    assert result.returncode == 0, result.stderr
    return out


def test_golden_catalogue(fixture_build: Path) -> None:
    check_golden("papers.json", (fixture_build / "papers.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("slug", ["muller2024-deep-nets", "zhang2023chinese", "nonote2022"])
def test_golden_paper_fragment(fixture_build: Path, slug: str) -> None:
    html = (fixture_build / "papers" / slug / "index.html").read_text(encoding="utf-8")
    check_golden(f"{slug}.html", fragment(html))


def test_index_lists_every_paper_without_javascript(fixture_build: Path) -> None:
    html = (fixture_build / "papers" / "index.html").read_text(encoding="utf-8")
    keys = re.findall(r'data-papershelf-key="([^"]+)"', html)
    assert keys == ["Muller2024:Deep/Nets", "zhang2023chinese", "nonote2022"]  # newest first
    assert 'href="muller2024-deep-nets/"' in html
    assert "3 papers" in html


def test_private_fields_never_reach_the_site(fixture_build: Path) -> None:
    for path in fixture_build.rglob("*"):
        if path.suffix in (".html", ".json", ".xml"):
            text = path.read_text(encoding="utf-8")
            assert "Zotero/storage" not in text and "urldate" not in text, path


def test_hidden_bib_fields_stay_off_every_page_and_data_file(tmp_path: Path) -> None:
    site = fixture_with(
        tmp_path,
        "      facets: [method]\n",
        "      facets: [method]\n      hide: [keywords, abstract, URL, howpublished]\n",
    )
    built(site, tmp_path / "out")
    # ">scaling<": the tag as shown; the index's anchors hold the title's "scaling" as well.
    shown = {"keywords": ">scaling<", "abstract": "show $O(n)$ cost", "url": "example.org/paper"}
    for path in (tmp_path / "out").rglob("*"):
        if path.suffix in (".html", ".json", ".xml", ".bib"):
            text = path.read_text(encoding="utf-8")
            leaked = [name for name, value in shown.items() if value in text]
            assert not leaked, f"{path}: {leaked}"
    # ...and without `hide`, those same strings are on the site, so the check above can fail.
    everything = "".join(p.read_text(encoding="utf-8") for p in fixture_pages(FIXTURE, tmp_path))
    assert all(value in everything for value in shown.values())


def test_note_links_by_file_name_and_images_beside_notes_work(tmp_path: Path) -> None:
    site = copy_fixture(tmp_path)
    folder = site / "bib" / "notes" / "sub"
    (folder / "figures").mkdir(parents=True)
    (folder / "nonote2022.md").write_text(
        "See [the Chinese one](2305.12345.md), [its abstract](deepnet.md#abstract) and\n"
        "[the key][k].\n\n![plot](figures/plot.png)\n\n[k]: zhang2023chinese.md\n",
        encoding="utf-8",
    )
    (folder / "figures" / "plot.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (folder / "figures" / "paper.pdf").write_bytes(b"%PDF-1.4 private copy")
    result = build(site, tmp_path / "out", "--strict")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "out" / "papers" / "nonote2022" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../zhang2023chinese/">the Chinese one</a>' in html  # by arXiv id
    assert '<a href="../muller2024-deep-nets/#abstract">its abstract</a>' in html  # by note name
    assert '<a href="../zhang2023chinese/">the key</a>' in html
    assert '<img alt="plot" src="../sub/figures/plot.png">' in html
    assert (tmp_path / "out" / "papers" / "sub" / "figures" / "plot.png").is_file()
    assert not list((tmp_path / "out").rglob("*.pdf"))  # only images are published


def test_a_facet_named_like_a_built_in_field_is_left_out_and_reported(tmp_path: Path) -> None:
    site = fixture_with(tmp_path, "facets: [method]", "facets: [method, year, title]")
    strict = build(site, tmp_path / "strict", "--strict")
    assert strict.returncode != 0
    assert "option 'facets': 'year', 'title' are built in and left out" in strict.stderr
    out = tmp_path / "out"
    assert build(site, out).returncode == 0  # the rest of the site is built
    record = json.loads((out / "papers.json").read_text(encoding="utf-8"))[0]
    assert record["year"] == 2024 and record["title"].startswith("DeepNet")  # not overwritten
    data = json.loads((out / "papers" / "index-data.json").read_text(encoding="utf-8"))
    assert [f["name"] for f in data["facets"]].count("year") == 1 and "method" in str(data)


def test_the_catalogue_fields_are_those_the_options_keep_free(fixture_build: Path) -> None:
    from papershelf.index import CATALOGUE_FIELDS

    record = json.loads((fixture_build / "papers.json").read_text(encoding="utf-8"))[0]
    assert set(record) - {"method"} == set(CATALOGUE_FIELDS)


def test_a_note_link_to_nothing_is_reported_at_its_line_and_shown_as_text(
    tmp_path: Path,
) -> None:
    site = copy_fixture(tmp_path)
    note = site / "bib" / "notes" / "deepnet.md"
    text = note.read_text(encoding="utf-8")
    line = text.count("\n") + 2
    note.write_text(
        text + "\n[the old draft](draft.md) and ![a chart](chart.png), [home](../index.md)\n\n"
        "```\nx = table[0](data.csv)\n```\n\nCode `f[1](g.txt)` too.\n",
        encoding="utf-8",
    )
    strict = build(site, tmp_path / "strict", "--strict")
    assert strict.returncode != 0
    warnings = re.findall(r"^WARNING\s+-\s+(.*)$", strict.stderr, re.MULTILINE)
    assert warnings[:2] == [
        f"papershelf: bib/notes/deepnet.md:{line}: link to '{name}', which is not in the site "
        "(point it at a note (file name, citation key or arXiv id), an image beside the notes, "
        "or a page of the docs folder, relative to 'papers/<slug>/'; other files beside notes "
        "are not published)"
        for name in ("draft.md", "chart.png")
    ]
    assert len(warnings) == 2  # links in code are not links
    build(site, tmp_path / "out")
    html = (tmp_path / "out" / "papers" / "muller2024-deep-nets" / "index.html").read_text("utf-8")
    assert "the old draft and , " in html  # the dead link's text, the broken image gone
    assert "draft.md" not in html and "chart.png" not in html and "papershelf-missing" not in html
    assert '<a href="../../">home</a>' in html  # a page of the docs folder: kept


def test_math_in_titles_and_abstracts_is_typeset_with_arithmatex(tmp_path: Path) -> None:
    site = fixture_with(
        tmp_path,
        "markdown_extensions:\n",
        "markdown_extensions:\n  - pymdownx.arithmatex: {generic: true}\n",
    )
    built(site, tmp_path / "out")
    html = (tmp_path / "out" / "papers" / "muller2024-deep-nets" / "index.html").read_text("utf-8")
    title = html[html.index('<h1 class="papershelf-paper-title">') : html.index("</h1>")]
    assert '<span class="arithmatex">\\(\\mathcal{O}(n)\\)</span>' in title
    assert '<span class="arithmatex">\\(O(n)\\)</span>' in html  # the abstract's


def fixture_pages(site: Path, tmp_path: Path) -> list[Path]:
    out = tmp_path / "plain"
    assert build(site, out).returncode == 0
    return [p for p in out.rglob("*") if p.suffix in (".html", ".json")]


def fixture_with(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the fixture site whose mkdocs.yml has `old` replaced by `new`."""
    site = copy_fixture(tmp_path)
    config = site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert old in text
    config.write_text(text.replace(old, new), encoding="utf-8")
    return site


def built(site: Path, out: Path) -> Path:
    result = build(site, out, "--strict")
    assert result.returncode == 0, result.stderr
    return out


def copy_fixture(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    return site


def test_strict_build_fails_on_bad_entry_but_plain_build_keeps_the_rest(tmp_path: Path) -> None:
    site = copy_fixture(tmp_path)
    with (site / "bib" / "refs.bib").open("a", encoding="utf-8") as bib:
        bib.write("\n@article{broken,\n  title = {Oops {unbalanced},\n  year = 2020\n}\n")
    strict = build(site, tmp_path / "strict", "--strict")
    assert strict.returncode != 0
    lines = (site / "bib" / "refs.bib").read_text().splitlines()
    line = lines.index("  title = {Oops {unbalanced},") + 1
    assert (
        f"bib/refs.bib:{line}: entry 'broken': malformed entry skipped: the value of field "
        "'title' is never closed"
    ) in strict.stderr
    relaxed = build(site, tmp_path / "relaxed")
    assert relaxed.returncode == 0, relaxed.stderr
    catalogue = json.loads((tmp_path / "relaxed" / "papers.json").read_text(encoding="utf-8"))
    assert len(catalogue) == 3


def test_orphan_note_is_a_warning(tmp_path: Path) -> None:
    site = copy_fixture(tmp_path)
    (site / "bib" / "notes" / "nobody2020.md").write_text("Lost note.\n", encoding="utf-8")
    result = build(site, tmp_path / "out", "--strict")
    assert result.returncode != 0
    assert "bib/notes/nobody2020.md:1: note matches no entry" in result.stderr


def test_missing_bib_file_says_what_to_do(tmp_path: Path) -> None:
    site = copy_fixture(tmp_path)
    (site / "bib" / "refs.bib").unlink()
    result = build(site, tmp_path / "out")
    assert result.returncode != 0
    assert "bibliography not found: 'bib/refs.bib'" in result.stderr
    assert "Traceback" not in result.stderr


def test_hand_written_page_wins(tmp_path: Path) -> None:
    site = copy_fixture(tmp_path)
    (site / "docs" / "papers").mkdir()
    (site / "docs" / "papers" / "nonote2022.md").write_text("# My own page\n", encoding="utf-8")
    result = build(site, tmp_path / "out", "--strict")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "out" / "papers" / "nonote2022" / "index.html").read_text(encoding="utf-8")
    assert "My own page" in html and "papershelf-paper" not in html


def test_plain_file_urls(tmp_path: Path) -> None:
    site = copy_fixture(tmp_path)
    config = site / "mkdocs.yml"
    config.write_text(config.read_text() + "use_directory_urls: false\n", encoding="utf-8")
    result = build(site, tmp_path / "out", "--strict")
    assert result.returncode == 0, result.stderr
    index = (tmp_path / "out" / "papers" / "index.html").read_text(encoding="utf-8")
    assert 'href="muller2024-deep-nets.html"' in index
    page = (tmp_path / "out" / "papers" / "zhang2023chinese.html").read_text(encoding="utf-8")
    assert 'href="muller2024-deep-nets.html"' in page  # the related-paper link


def test_chinese_notes_need_a_search_separator_that_splits_where_material_cuts_words(
    tmp_path: Path,
) -> None:
    # Without the full-text index, paper pages stay in Material's search, notes and all.
    site = copy_fixture(tmp_path)
    config = site / "mkdocs.yml"
    text = (
        config.read_text(encoding="utf-8")
        .replace("name: mkdocs, highlightjs: false", "name: material")
        .replace("facets: [method]\n", "facets: [method]\n      fulltext: false\n")
    )
    config.write_text(text, encoding="utf-8")
    default = build(site, tmp_path / "default", "--strict")
    assert default.returncode != 0
    assert "Material's search `separator` '[\\s\\-]+' does not split at U+200B" in default.stderr
    config.write_text(
        text.replace("  - search\n", "  - search:\n      separator: '[\\s\\u200b\\-]+'\n"),
        encoding="utf-8",
    )
    fixed = build(site, tmp_path / "fixed", "--strict")
    assert fixed.returncode == 0, fixed.stderr
    index = json.loads((tmp_path / "fixed" / "search" / "search_index.json").read_text("utf-8"))
    assert r"\u200b" in index["config"]["separator"]  # the regex escape, as written
    assert any("\u200b" in doc["text"] for doc in index["docs"])  # jieba did cut the note


def test_own_pages_cite_papers_and_an_unknown_key_is_a_warning(tmp_path: Path) -> None:
    site = copy_fixture(tmp_path)
    config = site / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("  - search\n", "  - search\n  - macros\n"),
        encoding="utf-8",
    )
    (site / "docs" / "reading.md").write_text(
        '# Reading\n\nSee {{ cite("zhang2023chinese") }}; {{ papershelf.count }} papers.\n',
        encoding="utf-8",
    )
    good = build(site, tmp_path / "good", "--strict")
    assert good.returncode == 0, good.stderr
    html = (tmp_path / "good" / "reading" / "index.html").read_text(encoding="utf-8")
    assert (
        '<a href="../papers/zhang2023chinese/">Chinese Notes Are First-Class</a>; 3 papers.' in html
    )
    (site / "docs" / "reading.md").write_text('See {{ cite("nobody1999") }}.\n', encoding="utf-8")
    bad = build(site, tmp_path / "bad", "--strict")
    assert bad.returncode != 0
    assert "cite('nobody1999'): no such citation key in the bibliography" in bad.stderr


def test_builds_under_properdocs(tmp_path: Path) -> None:
    result = build(FIXTURE, tmp_path / "out", "--strict", tool="properdocs")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "papers" / "zhang2023chinese" / "index.html").is_file()


def test_serve_watches_bib_and_notes() -> None:
    from mkdocs.config import load_config

    config = load_config(str(FIXTURE / "mkdocs.yml"))
    config.plugins.on_startup(command="serve", dirty=False)
    config = config.plugins.on_config(config)
    watched = {Path(p).resolve() for p in config.watch}
    assert FIXTURE / "bib" / "refs.bib" in watched
    assert FIXTURE / "bib" / "notes" in watched


def test_example_site_builds_strict_with_41_papers(tmp_path: Path) -> None:
    result = build(ROOT, tmp_path / "out", "--strict")
    assert result.returncode == 0, result.stderr
    pages = [p for p in (tmp_path / "out" / "papers").iterdir() if (p / "index.html").is_file()]
    assert len(pages) == 41 + 1  # and the statistics page
    assert (tmp_path / "out" / "papers" / "stats" / "index.html").is_file()
    catalogue = json.loads((tmp_path / "out" / "papers.json").read_text(encoding="utf-8"))
    assert len(catalogue) == 41
    assert all(record["authors"] and record["year"] and record["arxiv"] for record in catalogue)
    index = (tmp_path / "out" / "papers" / "index.html").read_text(encoding="utf-8")
    assert index.count("data-papershelf-key=") == 41
    home = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "<p>41 papers on" in home  # mkdocs-macros sees {{ papershelf.count }}
    newest = catalogue[0]
    assert f'Newest: <a href="{newest["url"]}">' in home  # and {{ cite(key) }}


def test_the_example_builds_under_properdocs_as_under_mkdocs(tmp_path: Path) -> None:
    result = build(ROOT, tmp_path / "properdocs", "--strict", tool="properdocs")
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    plain = build(ROOT, tmp_path / "mkdocs", "--strict")
    assert plain.returncode == 0, plain.stderr
    for name in ("papers.json", "papers/index-data.json", "feed.xml"):
        theirs = (tmp_path / "properdocs" / name).read_bytes()
        assert theirs == (tmp_path / "mkdocs" / name).read_bytes(), name
    papers = (tmp_path / "properdocs" / "papers").iterdir()
    pages = sorted(p.name for p in papers if (p / "index.html").is_file())
    assert len(pages) == 42 and "stats" in pages
