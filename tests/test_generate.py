"""`papershelf generate`: what it writes into the docs folder, that it rewrites only what
changed, removes what it wrote and no longer needs, and never touches a person's file."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from test_build import build, copy_fixture

from papershelf.generate import HEAD_OVERRIDE
from papershelf.markdown_ext import HEAD_META

PAPERSHELF = Path(sys.executable).parent / "papershelf"
LINES = (
    "  - papershelf.markdown_ext\n"
    "extra_css: [assets/papershelf/papershelf.css]\n"
    "extra_javascript: [assets/papershelf/papershelf.js]\n"
)
PAGES = ["muller2024-deep-nets", "zhang2023chinese", "nonote2022"]


def generate(site: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(PAPERSHELF), "generate", "-f", str(site / "mkdocs.yml")],
        capture_output=True,
        text=True,
        timeout=300,
    )


def ready(tmp_path: Path) -> Path:
    """The fixture site with the mkdocs.yml lines a generator without plugins needs."""
    site = copy_fixture(tmp_path)
    config = site / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + LINES, encoding="utf-8")
    return site


def manifest(site: Path) -> dict[str, str]:
    text = (site / "docs" / "papers" / ".papershelf-manifest.json").read_text(encoding="utf-8")
    return json.loads(text)["files"]


def test_without_the_extension_and_assets_listed_nothing_is_written(tmp_path: Path) -> None:
    site = copy_fixture(tmp_path)
    result = generate(site)
    assert result.returncode == 2
    for line in (
        "- papershelf.markdown_ext",
        "- assets/papershelf/papershelf.css",
        "- assets/papershelf/papershelf.js",
    ):
        assert line in result.stderr
    assert sorted(p.name for p in (site / "docs").iterdir()) == ["index.md"]


def test_a_site_with_macros_is_told_to_list_the_macros_module(tmp_path: Path) -> None:
    site = ready(tmp_path)
    config = site / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - search\n", "  - search\n  - macros\n"))
    result = generate(site)
    assert result.returncode == 2 and "modules: [papershelf.macros]" in result.stderr


def test_everything_is_written_once_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    site = ready(tmp_path)
    first = generate(site)
    assert first.returncode == 0, first.stdout + first.stderr
    docs = site / "docs"
    expected = {
        *(f"papers/{slug}.md" for slug in PAGES),
        *(f"papers/{slug}{suffix}" for slug in PAGES for suffix in (".bib", ".ris", ".csl.json")),
        "papers/index.md",
        "papers/stats.md",
        "papers/index-data.json",
        "papers/index-fulltext.json",
        "papers/index-bibtex.json",
        "papers.json",
        "assets/papershelf/papershelf.css",
        "assets/papershelf/papershelf.js",
    }
    written = set(manifest(site))
    # The full-text index: its chunks, named by content, and the text of each paper that has any.
    chunks = {u for u in written if re.fullmatch(r"papers/index-fulltext/[0-9a-f]{12}\.txt", u)}
    texts = {u for u in written if u.startswith("papers/index-fulltext/text/")}
    assert chunks and texts == {
        f"papers/index-fulltext/text/{slug}.txt" for slug in PAGES if slug != "nonote2022"
    }
    expected |= chunks | texts
    assert written == expected
    assert all((docs / uri).is_file() for uri in expected)
    assert f"wrote {len(expected)} files, 0 unchanged, removed 0" in first.stderr
    times = {uri: (docs / uri).stat().st_mtime_ns for uri in expected}
    second = generate(site)
    assert f"wrote 0 files, {len(expected)} unchanged, removed 0" in second.stderr
    assert {uri: (docs / uri).stat().st_mtime_ns for uri in expected} == times
    index = (docs / "papers" / "index.md").read_text(encoding="utf-8")
    assert index.count("data-papershelf-key=") == 3 and 'href="muller2024-deep-nets/"' in index


def test_a_paper_taken_off_the_list_loses_its_page(tmp_path: Path) -> None:
    site = ready(tmp_path)
    assert generate(site).returncode == 0
    bib = site / "bib" / "refs.bib"
    text = bib.read_text(encoding="utf-8")
    start = text.index("@misc{nonote2022")
    bib.write_text(text[:start], encoding="utf-8")
    result = generate(site)
    assert "removed 4" in result.stderr, result.stderr  # its page and its three downloads
    for name in ("nonote2022.md", "nonote2022.bib", "nonote2022.ris", "nonote2022.csl.json"):
        assert not (site / "docs" / "papers" / name).exists()
        assert f"papers/{name}" not in manifest(site)


def test_a_persons_files_are_never_overwritten_and_the_rest_is_written(tmp_path: Path) -> None:
    site = ready(tmp_path)
    papers = site / "docs" / "papers"
    papers.mkdir()
    own = {
        papers / "index.md": "# My own index\n",
        papers / "nonote2022.md": "# My own page for this paper\n",
        site / "docs" / "papers.json": "[]\n",
    }
    for path, text in own.items():
        path.write_text(text, encoding="utf-8")
    result = generate(site)
    assert result.returncode == 1
    assert all(path.read_text(encoding="utf-8") == text for path, text in own.items())
    assert (
        "docs/papers/index.md: is your own page, so the index's list of papers is not written"
        in result.stdout
    )
    assert "docs/papers.json: is not one papershelf wrote, so it is kept as it is" in result.stdout
    assert (
        "1 paper page in the docs folder are your own and replace the generated ones: papers/nonote2022.md"
        in result.stderr
    )
    assert (papers / "zhang2023chinese.md").is_file() and (papers / "stats.md").is_file()
    assert set(manifest(site)).isdisjoint(
        {"papers/index.md", "papers/nonote2022.md", "papers.json"}
    )


def test_a_generated_file_edited_by_hand_becomes_the_persons(tmp_path: Path) -> None:
    site = ready(tmp_path)
    assert generate(site).returncode == 0
    page = site / "docs" / "papers" / "zhang2023chinese.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nMy addition.\n", encoding="utf-8")
    data = site / "docs" / "papers" / "index-data.json"
    data.write_text("{}", encoding="utf-8")
    result = generate(site)
    assert page.read_text(encoding="utf-8").endswith("My addition.\n")
    assert data.read_text(encoding="utf-8") == "{}"
    assert "docs/papers/index-data.json: was changed since papershelf wrote it" in result.stdout
    assert "papers/zhang2023chinese.md" in result.stderr  # now one of the person's pages
    page.unlink()
    data.unlink()
    assert generate(site).returncode == 0
    assert "My addition" not in page.read_text(encoding="utf-8") and data.stat().st_size > 2


def test_nothing_is_written_through_a_symlink(tmp_path: Path) -> None:
    site = ready(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (site / "docs" / "papers").symlink_to(elsewhere, target_is_directory=True)
    result = generate(site)
    assert result.returncode == 1
    assert list(elsewhere.iterdir()) == [] and not (site / "docs" / "papers.json").exists()
    assert result.stdout.count("docs/papers: is a file or link of yours") == 1
    assert "1 problem" in result.stderr  # nothing written: nothing else to say
    (site / "docs" / "papers").unlink()
    assert generate(site).returncode == 0
    # A planted link in place of the file papershelf writes first, then renames.
    target = tmp_path / "target.txt"
    target.write_text("keep me", encoding="utf-8")
    page = site / "docs" / "papers" / "nonote2022.md"
    planted = page.parent / f".{page.name}.papershelf-new"
    planted.symlink_to(target)
    page.write_text(page.read_text() + " ", encoding="utf-8")  # now the person's ...
    page.unlink()  # ... and gone: papershelf writes it again
    assert generate(site).returncode == 0
    assert target.read_text(encoding="utf-8") == "keep me" and not planted.exists()


def test_mkdocs_with_the_plugin_makes_its_own_pages_over_generated_ones(tmp_path: Path) -> None:
    site = ready(tmp_path)
    assert generate(site).returncode == 0
    result = build(site, tmp_path / "out", "--strict")
    assert result.returncode == 0, result.stderr
    assert "is written by hand" not in result.stderr
    html = (tmp_path / "out" / "papers" / "zhang2023chinese" / "index.html").read_text("utf-8")
    assert "<!-- papershelf-page" not in html and html.count('class="papershelf-paper"') == 1
    index = (tmp_path / "out" / "papers" / "index.html").read_text("utf-8")
    assert index.count("data-papershelf-key=") == 3  # one list, not the generated one as well


def test_a_file_that_cannot_be_written_is_reported_and_the_rest_written(tmp_path: Path) -> None:
    site = ready(tmp_path)
    (site / "docs" / "papers" / "stats.md").mkdir(parents=True)  # a folder in the way
    result = generate(site)
    assert result.returncode == 1
    assert "docs/papers/stats.md: could not be written or removed" in result.stdout
    assert (site / "docs" / "papers" / "zhang2023chinese.md").is_file()
    assert "papers/stats.md" not in manifest(site)


def test_the_citation_tags_reach_head_through_the_override_it_names(tmp_path: Path) -> None:
    site = ready(tmp_path)
    first = generate(site)
    assert first.returncode == 0 and "copy " in first.stderr and "custom_dir" in first.stderr
    page = (site / "docs" / "papers" / "nonote2022.md").read_text(encoding="utf-8")
    meta = json.loads(page.split("\n")[1])
    assert '<meta name="citation_title" content="A Paper Without a Note">' in meta[HEAD_META]
    overrides = site / "overrides"
    overrides.mkdir()
    shutil.copyfile(HEAD_OVERRIDE, overrides / "main.html")
    config = site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("theme: {", "theme: {custom_dir: overrides, ", 1))
    assert "custom_dir: overrides" in config.read_text(encoding="utf-8")
    second = generate(site)
    assert second.returncode == 0 and "custom_dir" not in second.stderr, second.stderr
