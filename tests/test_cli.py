"""`papershelf check`, `import` and `export markdown`, run in-process on scratch sites."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from papershelf.cli import main
from papershelf.library import Settings, load_library
from papershelf.paperlist import parse_paper_list
from papershelf.review import locate_uncertain, uncertain_html

DATA = Path(__file__).parent / "data"
SEED = DATA / "seed-paper-list.md"
META = DATA / "papers-metadata.json"
FIXTURE = Path(__file__).parent / "fixtures" / "site"


def new_site(root: Path) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Site\n")
    (root / "mkdocs.yml").write_text("site_name: T\nplugins:\n  - papershelf\n")
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted((root / "bib").rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> Path:
    root = new_site(tmp_path_factory.mktemp("imported"))
    cwd = os.getcwd()
    os.chdir(root)
    try:
        assert main(["import", str(SEED), "--metadata", str(META)]) == 0
    finally:
        os.chdir(cwd)
    return root


def run(root: Path, *args: str, monkeypatch) -> int:
    monkeypatch.chdir(root)
    return main(list(args))


def test_import_brings_in_every_paper_with_its_note(imported: Path, monkeypatch, capsys) -> None:
    library = load_library(Settings(root=imported))
    assert library.problems == ()
    assert len(library.entries) == 41 and all(e.note for e in library.entries)
    start = library.by_key()["li2025start"]
    assert start.paper.arxiv_version == "v2" and start.paper.venue == "EMNLP 2025"
    assert start.paper.authors[0].display == "Chengpeng Li"
    assert start.note.body.startswith("### 🌟 论文解读 | START")
    assert run(imported, "check", monkeypatch=monkeypatch) == 0


def test_reimport_keeps_front_matter_a_person_added(
    tmp_path: Path, imported: Path, monkeypatch
) -> None:
    site = tmp_path / "site"
    shutil.copytree(imported, site)
    note = site / "bib" / "notes" / "li2025start.md"
    text = note.read_text(encoding="utf-8")
    edited = text.replace("---\n", "---\nstatus: read\ntags: [tools]\n", 1)
    edited = edited.replace(
        edited[edited.index("  - {") : edited.index("}\n", edited.index("  - {")) + 2], ""
    )
    note.write_text(edited, encoding="utf-8")  # two fields added, one review line ticked off
    # The text is the same, so the re-import leaves the note as it is...
    assert run(site, "import", str(SEED), "--metadata", str(META), monkeypatch=monkeypatch) == 0
    assert note.read_text(encoding="utf-8") == edited
    entry = load_library(Settings(root=site)).by_key()["li2025start"]
    assert entry.note.status == "read" and "tools" in entry.tags
    # ...and the page still finds every passage left to review, two lines further down.
    assert len(locate_uncertain(entry.note)) == len(entry.note.uncertain) > 10


def test_uncertain_spans_point_at_their_line_of_the_note_file(imported: Path) -> None:
    library = load_library(Settings(root=imported))
    checked = 0
    for entry in library.entries:
        assert entry.note is not None
        lines = Path(imported, entry.note.path).read_text(encoding="utf-8").splitlines()
        for span in entry.note.uncertain:
            row, at = lines[span["line"] - 1], span["column"] - 1
            assert row[at : at + len(span["text"])] == span["text"], (entry.note.path, span)
            checked += 1
    assert checked > 100  # the seed's damage leaves hundreds of close calls


def test_paper_page_shows_each_uncertain_passage_in_its_context(imported: Path) -> None:
    entry = load_library(Settings(root=imported)).by_key()["li2025start"]
    html = uncertain_html(entry.note)
    lines = Path(imported, entry.note.path).read_text(encoding="utf-8").splitlines()
    for span in entry.note.uncertain:
        row, at = lines[span["line"] - 1], span["column"] - 1
        shown = f"{row[max(0, at - 8) : at].lstrip()}<mark>{span['text']}</mark>{row[at + len(span['text']) : at + len(span['text']) + 8].rstrip()}"
        assert shown in html, span


def test_second_import_changes_nothing(imported: Path, monkeypatch, capsys) -> None:
    before = snapshot(imported)
    assert run(imported, "import", str(SEED), "--metadata", str(META), monkeypatch=monkeypatch) == 0
    assert snapshot(imported) == before
    assert "added 0 entries" in capsys.readouterr().out


def test_hand_edited_note_is_never_overwritten(
    tmp_path: Path, imported: Path, monkeypatch, capsys
) -> None:
    site = tmp_path / "site"
    shutil.copytree(imported, site)
    note = site / "bib" / "notes" / "li2025start.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nMy own addition.\n", encoding="utf-8")
    edited = note.read_bytes()
    (site / "bib" / "notes" / "jin2025search.md").unlink()  # a note to bring back
    assert run(site, "import", str(SEED), "--metadata", str(META), monkeypatch=monkeypatch) == 0
    assert note.read_bytes() == edited
    assert "bib/notes/li2025start.md was edited by hand; not overwritten" in capsys.readouterr().err
    assert (site / "bib" / "notes" / "jin2025search.md").is_file()


def test_dry_run_writes_nothing(tmp_path: Path, monkeypatch, capsys) -> None:
    site = new_site(tmp_path / "site")
    assert run(site, "import", str(SEED), "--dry-run", monkeypatch=monkeypatch) == 0
    assert not (site / "bib").exists()
    out = capsys.readouterr().out
    assert "would add 41 entries" in out and "note bib/notes/" in out


def test_other_formats_are_refused_cleanly(tmp_path: Path, monkeypatch, capsys) -> None:
    site = new_site(tmp_path / "site")
    other = tmp_path / "other.md"
    other.write_text("# My notes\n\nJust prose.\n")
    assert run(site, "import", str(other), monkeypatch=monkeypatch) == 2
    assert "is not a 'Paper List from BIB File' Markdown file" in capsys.readouterr().err
    assert not (site / "bib").exists()


def test_failed_import_leaves_files_as_they_were(
    tmp_path: Path, imported: Path, monkeypatch, capsys
) -> None:
    site = tmp_path / "site"
    shutil.copytree(imported, site)
    for note in list((site / "bib" / "notes").glob("*.md"))[:5]:
        note.unlink()
    before = snapshot(site)
    real_fdopen, calls = os.fdopen, []

    def failing_fdopen(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise OSError("disk full")
        return real_fdopen(*args, **kwargs)

    monkeypatch.setattr(os, "fdopen", failing_fdopen)
    assert run(site, "import", str(SEED), "--metadata", str(META), monkeypatch=monkeypatch) == 2
    assert "nothing was written (disk full)" in capsys.readouterr().err
    assert snapshot(site) == before
    assert not list((site / "bib").rglob(".papershelf-*"))


def test_export_round_trip(tmp_path: Path, imported: Path, monkeypatch) -> None:
    exported = tmp_path / "list.md"
    assert run(imported, "export", "markdown", "-o", str(exported), monkeypatch=monkeypatch) == 0
    text = exported.read_text(encoding="utf-8")
    seed_anchors = [
        p.anchor for p in parse_paper_list(SEED.read_text(encoding="utf-8"), "s").papers
    ]
    listing = parse_paper_list(text, "list.md")
    assert listing.problems == []
    assert sorted(p.anchor for p in listing.papers) == sorted(seed_anchors)
    assert "```" not in text and "è®º" not in text and "论文解读" in text
    assert "]()" not in text and "http://" not in text  # no empty links, arXiv over https
    assert "[[Code/Page](https://github.com/dongguanting/Tool-Star)]" in text
    site = new_site(tmp_path / "again")
    assert run(site, "import", str(exported), "--metadata", str(META), monkeypatch=monkeypatch) == 0
    first, second = load_library(Settings(root=imported)), load_library(Settings(root=site))

    def view(library):
        return {
            e.paper.key: (
                e.paper.title,
                e.paper.arxiv,
                e.paper.arxiv_version,
                e.paper.year,
                e.paper.month,
                e.paper.links.code,
                e.paper.links.project,
                e.paper.abstract,
                e.note.body if e.note else None,
            )
            for e in library.entries
        }

    assert view(first) == view(second)


def test_check_reports_problems_in_text_and_json(tmp_path: Path, monkeypatch, capsys) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    assert run(site, "check", monkeypatch=monkeypatch) == 0
    capsys.readouterr()
    with (site / "bib" / "refs.bib").open("a") as bib:
        bib.write("\n@article{late, title = {Late}, year = {2020}, month = {Smarch}}\n")
    assert run(site, "check", monkeypatch=monkeypatch) == 1
    out = capsys.readouterr().out
    assert "bib/refs.bib:33: entry 'late': unknown month 'Smarch'" in out
    assert run(site, "check", "--format", "json", monkeypatch=monkeypatch) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["papers"] == 4
    assert [(p["code"], p["line"], p["key"]) for p in report["problems"]] == [
        ("bad-month", 33, "late")
    ]


def test_check_reports_a_search_separator_that_hides_chinese_words(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    config = site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace(
        "name: mkdocs, highlightjs: false", "name: material"
    )
    config.write_text(text, encoding="utf-8")
    assert run(site, "check", monkeypatch=monkeypatch) == 0  # papers are not in its search
    text = text.replace("facets: [method]\n", "facets: [method]\n      fulltext: false\n")
    config.write_text(text, encoding="utf-8")
    assert run(site, "check", monkeypatch=monkeypatch) == 1
    assert "mkdocs.yml: the papers or notes hold Chinese text" in capsys.readouterr().out
    config.write_text(
        text.replace("  - search\n", "  - search:\n      separator: '[\\s\\u200b\\-]+'\n"),
        encoding="utf-8",
    )
    assert run(site, "check", monkeypatch=monkeypatch) == 0


def test_check_and_the_build_report_materials_stemmer_for_a_chinese_theme(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    config = site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace(
        "name: mkdocs, highlightjs: false", "name: material, language: zh"
    )
    config.write_text(text, encoding="utf-8")
    assert run(site, "check", monkeypatch=monkeypatch) == 1  # zh's default pipeline: stemmer
    out = capsys.readouterr().out
    assert "mkdocs.yml: Material's search `pipeline` holds `stemmer`" in out
    assert "set `pipeline: []` under `- search:`" in out
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(tmp_path / "o")],
        capture_output=True,
        text=True,
    )
    assert "WARNING" in build.stderr and "holds `stemmer`" in build.stderr
    config.write_text(text.replace("  - search\n", "  - search:\n      pipeline: []\n"))
    assert run(site, "check", monkeypatch=monkeypatch) == 0


def test_the_config_file_may_follow_the_command(tmp_path: Path, monkeypatch, capsys) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    monkeypatch.chdir(tmp_path)  # no mkdocs.yml here
    assert main(["check", "-f", str(site / "mkdocs.yml")]) == 0
    assert main(["-f", str(site / "mkdocs.yml"), "check"]) == 0
    assert capsys.readouterr().err.splitlines() == ["3 papers, 2 notes, 0 problems"] * 2


def test_check_counts_notes_with_text_as_the_site_does(tmp_path: Path, monkeypatch, capsys) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    (site / "bib" / "notes" / "nonote2022.md").write_text("---\nstatus: to-read\n---\n\n")
    assert run(site, "check", "--format", "json", monkeypatch=monkeypatch) == 0
    assert json.loads(capsys.readouterr().out)["notes"] == 2  # front matter alone is no note


def test_check_reports_a_facet_option_the_build_refuses(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    config = site / "mkdocs.yml"
    config.write_text(config.read_text().replace("facets: [method]", "facets: [method, status]"))
    line = config.read_text().splitlines().index("      facets: [method, status]") + 1
    assert run(site, "check", monkeypatch=monkeypatch) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"mkdocs.yml:{line}: plugins.papershelf.facets: 'status' is built in and left out; "
        "rename the notes' field to filter on it, e.g. 'status_'"
    ]


def test_check_without_config_says_what_to_do(tmp_path: Path, monkeypatch, capsys) -> None:
    assert run(tmp_path, "check", monkeypatch=monkeypatch) == 2
    assert "run papershelf from your site's root" in capsys.readouterr().err


def test_check_and_strict_build_report_the_same_problems(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    import re
    import subprocess
    import sys

    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    with (site / "bib" / "refs.bib").open("a") as bib:
        bib.write(
            "\n@article{late, title = {Late}, year = {2020}, month = {Smarch}}\n"
            "@article{broken, title = {Oops {x}, year = 2020}\n"
            "@misc{nodate, title = {No date}, journal = undefinedmacro}\n"
        )
    (site / "bib" / "notes" / "ghost.md").write_text("---\nstatus: done\n---\nNobody's note.\n")
    with (site / "bib" / "notes" / "deepnet.md").open("a") as note:
        note.write("\nSee [a note that is gone](gone.md) and [the PDF](paper.pdf).\n")
    assert run(site, "check", monkeypatch=monkeypatch) == 1
    checked = set(capsys.readouterr().out.splitlines())
    assert sum("link to 'gone.md', which is not in the site" in c for c in checked) == 1
    assert sum(c.startswith("bib/notes/deepnet.md:") and "'paper.pdf'" in c for c in checked) == 1
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(site / "mkdocs.yml"),
            "-d",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode != 0
    warned = set(re.findall(r"^WARNING\s+-\s+papershelf: (.*)$", result.stderr, re.MULTILINE))
    assert len(checked) >= 7
    assert warned == checked
    # MkDocs itself does not warn again about the note's links, naming the generated page.
    assert "papers/muller2024-deep-nets.md" not in result.stderr


def test_import_stops_when_the_bibliography_cannot_be_read(
    tmp_path: Path, imported: Path, monkeypatch, capsys
) -> None:
    site = tmp_path / "site"
    shutil.copytree(imported, site)
    (site / "mkdocs.yml").write_text(
        "site_name: T\nplugins:\n  - papershelf:\n      bib: [bib/papers.bib, bib/extra.bib]\n"
    )
    before = snapshot(site)
    assert run(site, "import", str(SEED), monkeypatch=monkeypatch) == 2
    assert "bib/extra.bib" in capsys.readouterr().err
    assert snapshot(site) == before  # not 41 duplicates of what is there


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot be read"),
        ("# not json", ":1: not JSON"),
        ('{"arxiv_id": "2503.04625"}', "not a JSON dict"),
        ('[{"arxiv_id": "2503.04625", "authors": "Li, C"}]', '"authors" must be a list'),
    ],
    ids=["missing", "not-json", "object", "authors-string"],
)
def test_bad_metadata_is_a_message_not_a_traceback(
    tmp_path: Path, monkeypatch, capsys, content: str | None, message: str
) -> None:
    site = new_site(tmp_path / "site")
    meta = tmp_path / "meta.json"
    if content is not None:
        meta.write_text(content)
    assert run(site, "import", str(SEED), "--metadata", str(meta), monkeypatch=monkeypatch) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"papershelf: {meta}") and message in err
    assert not (site / "bib").exists()


def test_tags_that_were_text_in_the_old_fences_stay_text(imported: Path) -> None:
    note = load_library(Settings(root=imported)).by_key()["jin2025search"].note
    assert "&lt;search&gt;" in note.body and "<search>" not in note.body


def test_importing_the_export_keeps_the_review_lists(
    tmp_path: Path, imported: Path, monkeypatch, capsys
) -> None:
    site = tmp_path / "site"
    shutil.copytree(imported, site)
    exported = tmp_path / "list.md"
    assert run(site, "export", "markdown", "-o", str(exported), monkeypatch=monkeypatch) == 0
    before = snapshot(site)
    assert run(site, "import", str(exported), monkeypatch=monkeypatch) == 0
    assert snapshot(site) == before
    assert "wrote 0 notes" in capsys.readouterr().out


def test_a_truncated_list_leaves_out_the_cut_note_and_a_full_import_completes_it(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    site = new_site(tmp_path / "site")
    text = SEED.read_text(encoding="utf-8")
    cut = tmp_path / "cut.md"
    cut.write_text(
        text[: text.index("```", text.index("## ", text.index("# TLDR/Notes")) + 400) + 200]
    )
    assert run(site, "import", str(cut), monkeypatch=monkeypatch) == 1
    err = capsys.readouterr().err
    assert "its note was not imported" in err and "has no TLDR/Notes section" in err
    library = load_library(Settings(root=site))
    assert len(library.entries) == 41
    missing = [e.paper.key for e in library.entries if not e.paper.abstract]
    assert missing and all(e.note is None for e in library.entries if e.paper.key in missing)
    assert run(site, "import", str(SEED), monkeypatch=monkeypatch) == 0
    assert f"filled in {len(missing)} entries" in capsys.readouterr().out
    library = load_library(Settings(root=site))
    assert library.problems == () and all(e.paper.abstract and e.note for e in library.entries)


def test_a_list_without_items_or_with_an_item_twice_says_so(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    site = new_site(tmp_path / "site")
    empty = tmp_path / "empty.md"
    empty.write_text("# Paper List from BIB File: x.bib\n")
    assert run(site, "import", str(empty), monkeypatch=monkeypatch) == 2
    assert "no list items" in capsys.readouterr().err
    text = SEED.read_text(encoding="utf-8")
    first = text[text.index("- [") : text.index("\n", text.index("[[Paper]")) + 1]
    twice = tmp_path / "twice.md"
    twice.write_text(text.replace(first, first + first, 1), encoding="utf-8")
    assert run(site, "import", str(twice), monkeypatch=monkeypatch) == 1
    assert "is listed again (first at line" in capsys.readouterr().err
    assert len(load_library(Settings(root=site)).entries) == 41


def test_line_breaks_that_showed_in_the_old_fences_still_show(imported: Path) -> None:
    body = load_library(Settings(root=imported)).by_key()["bai2025effective"].note.body
    heading = next(line for line in body.splitlines() if line.startswith("💡 创新点1"))
    assert heading.endswith("范式  ")  # a Markdown hard break, not a join with the next line
    assert all(
        not line.endswith("  ") for line in body.splitlines() if line.startswith(("#", "- "))
    )
