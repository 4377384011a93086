"""Macros for hand-written pages: `paper_list(...)`, `paper_card(key)` and `cite(key)`, under
MkDocs (registered by the plugin) and Zensical (the `papershelf.macros` module)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from test_build import build, copy_fixture

from papershelf.macros import Macros, card_markdown, define_env, list_markdown, select

BIB = """@article{a, title={Alpha}, year=2025, month=mar, author={Doe, Jane}, journal={NeurIPS},
  keywords={RL, Search}}
@article{b, title={beta}, year=2024, author={Roe, Rita and Doe, Jane}, journal={ICML}, keywords={rl}}
@article{c, title={Gamma}, year=2023, author={Poe, Edgar}}
"""
NOTES = {"a.md": "---\nstatus: read\n---\n", "b.md": "---\nstatus: reading\n---\n"}


@pytest.fixture
def library(load):
    return load(BIB, NOTES)


@pytest.mark.parametrize(
    ("options", "keys"),
    [
        pytest.param({}, ["a", "b", "c"], id="all-newest-first"),
        pytest.param({"tag": "rl"}, ["a", "b"], id="tag-any-case"),
        pytest.param({"tag": ["search", "nothing"]}, ["a"], id="tags-any-of"),
        pytest.param({"year": 2024}, ["b"], id="year-number"),
        pytest.param({"year": "2023"}, ["c"], id="year-text"),
        pytest.param({"status": "reading"}, ["b"], id="status"),
        pytest.param({"status": "none"}, ["c"], id="no-status"),
        pytest.param({"venue": "neurips"}, ["a"], id="venue"),
        pytest.param({"author": "Jane Doe"}, ["a", "b"], id="author"),
        pytest.param({"author": "Jane Doe", "year": 2025}, ["a"], id="filters-all-hold"),
        pytest.param({"sort": "oldest"}, ["c", "b", "a"], id="oldest"),
        pytest.param({"sort": "title"}, ["a", "b", "c"], id="title-ignores-case"),
        pytest.param({"limit": 2}, ["a", "b"], id="limit"),
    ],
)
def test_paper_list_selects_as_the_index_filters(library, options, keys) -> None:
    chosen = select(library, options)
    assert [e.paper.key for e in chosen.entries] == keys and chosen.complaints == ()


@pytest.mark.parametrize(
    ("options", "complaint"),
    [
        pytest.param({"tags": "rl"}, "unknown option 'tags'", id="misspelt-option"),
        pytest.param(
            {"sort": "rating"}, "sort must be one of newest, oldest, title", id="bad-sort"
        ),
        pytest.param({"limit": 0}, "limit must be a whole number above 0", id="zero-limit"),
        pytest.param({"limit": "5"}, "limit must be a whole number above 0", id="text-limit"),
        pytest.param({"status": "done"}, "status must be one of to-read", id="bad-status"),
    ],
)
def test_a_wrong_option_is_a_complaint(library, options, complaint) -> None:
    [said] = select(library, options).complaints
    assert said.startswith(complaint)


def test_bib_text_is_escaped_and_its_math_inert(load) -> None:
    library = load(
        "@article{x, title={[Click](javascript:alert(1)) <script>x</script> *b* "
        "$\\href{javascript:alert(2)}{y}$}, year=2024, author={{<img src=x onerror=alert(3)>}}}\n"
    )
    entry = library.entries[0]
    line = list_markdown((entry,), lambda e: "papers/x.md")
    assert line.startswith(
        "- [\\[Click\\]\\(javascript:alert\\(1\\)\\) &lt;script&gt;x&lt;/script&gt; \\*b\\*"
    )
    assert "\\href" not in line and "<img" not in line and "&lt;img src=x" in line
    assert line.count("](") == 1  # one link, the paper's
    card = card_markdown(entry, "papers/x.md")
    assert "<script>" not in card and card.startswith("> **[")


def test_a_card_shows_authors_date_venue_and_summary(load) -> None:
    library = load(BIB, {"a.md": "---\nsummary: Short *and* sweet.\n---\n"})
    card = card_markdown(library.by_key()["a"], "papers/a.md")
    assert card == (
        "> **[Alpha](papers/a.md)**  \n> Jane Doe · March 2025 · NeurIPS  \n"
        "> *TL;DR* Short \\*and\\* sweet."
    )


def test_links_are_relative_to_the_page_and_problems_are_warnings(library) -> None:
    warnings: list[str] = []
    macros = Macros(
        library=lambda: library,
        page_uri=lambda key: f"papers/{key}.md",
        current=lambda: "notes/reading.md",
        warn=warnings.append,
    )
    assert macros.cite("a") == "[Alpha](../papers/a.md)"
    assert (
        macros.paper_list(tag="search")
        == "- [Alpha](../papers/a.md) — Jane Doe (March 2025), NeurIPS"
    )
    assert (
        macros.paper_card("nope") == "nope" and macros.paper_list(year=1999) == "*No papers match.*"
    )
    assert warnings == [
        "notes/reading.md: paper_card('nope'): no such citation key in the bibliography",
        "notes/reading.md: paper_list(year=1999) matches no paper",
    ]


PAGE = """# Reading

{{ paper_list(tag="Scaling", limit=5) }}

{{ paper_card("zhang2023chinese") }}
"""


def with_macros(tmp_path: Path, page: str) -> Path:
    site = copy_fixture(tmp_path)
    config = site / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("  - search\n", "  - search\n  - macros\n")
    )
    (site / "docs" / "reading.md").write_text(page, encoding="utf-8")
    return site


def test_hand_written_pages_list_papers_under_mkdocs(tmp_path: Path) -> None:
    site = with_macros(tmp_path, PAGE)
    result = build(site, tmp_path / "out", "--strict")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "out" / "reading" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<li><a href="../papers/muller2024-deep-nets/">DeepNet', html)
    assert '<blockquote>\n<p><strong><a href="../papers/zhang2023chinese/">' in html


def test_an_unknown_key_or_an_empty_list_fails_a_strict_build(tmp_path: Path) -> None:
    site = with_macros(tmp_path, '{{ paper_card("nobody") }} {{ paper_list(venue="Nowhere") }}\n')
    result = build(site, tmp_path / "out", "--strict")
    assert result.returncode != 0
    assert (
        "reading.md: paper_card('nobody'): no such citation key in the bibliography"
        in result.stderr
    )
    assert "reading.md: paper_list(venue='Nowhere') matches no paper" in result.stderr
    relaxed = build(site, tmp_path / "relaxed")
    assert relaxed.returncode == 0  # the rest of the site is built
    assert (tmp_path / "relaxed" / "papers" / "zhang2023chinese" / "index.html").is_file()


def test_the_module_defines_nothing_when_the_plugin_is_there(tmp_path: Path) -> None:
    env = SimpleNamespace(conf={"plugins": {"papershelf": object()}}, macro=None, variables={})
    define_env(env)  # would fail calling env.macro
    assert env.variables == {}


def test_the_module_reads_the_list_from_mkdocs_yml_for_zensical(tmp_path: Path) -> None:
    site = copy_fixture(tmp_path)
    defined: dict[str, object] = {}
    env = SimpleNamespace(
        conf={"root_dir": str(site), "plugins": {"search": {}}},
        macro=lambda function, name: defined.__setitem__(name, function),
        variables={},
        page=SimpleNamespace(path="sub/page.md"),
    )
    define_env(env)
    assert env.variables["papershelf"]["count"] == 3
    assert defined["cite"]("nonote2022") == "[A Paper Without a Note](../papers/nonote2022.md)"


def test_zensical_renders_the_macros_of_hand_written_pages(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(copy_fixture(tmp_path / "src"), site)
    config = site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace(
        "theme: {name: mkdocs, highlightjs: false}", "theme: {name: material}"
    )
    text = text.replace(
        "  - search\n", "  - search\n  - macros:\n      modules: [papershelf.macros]\n"
    )
    config.write_text(
        text + "  - papershelf.markdown_ext\nextra_css: [assets/papershelf/papershelf.css]\n"
        "extra_javascript: [assets/papershelf/papershelf.js]\n",
        encoding="utf-8",
    )
    (site / "docs" / "reading.md").write_text(
        PAGE + "\n{{ papershelf.count }} papers.\n", encoding="utf-8"
    )
    (site / "docs" / "bad.md").write_text('{{ cite("nobody") }}\n', encoding="utf-8")
    papershelf = Path(sys.executable).parent / "papershelf"
    for command in (
        [str(papershelf), "generate"],
        [sys.executable, "-m", "zensical", "build", "--clean"],
    ):
        done = subprocess.run(command, cwd=site, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
    # said as under MkDocs, though Zensical's --strict would not count it
    assert "bad.md: cite('nobody'): no such citation key" in done.stdout + done.stderr
    html = (site / "site" / "reading" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../papers/muller2024-deep-nets/">DeepNet' in html
    assert '<a href="../papers/zhang2023chinese/">' in html and "3 papers." in html
    assert "Macro Rendering Error" not in html
