"""The edit loop: a rebuild after editing one note redoes that paper only."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

import papershelf.site as site_module

FIXTURE = Path(__file__).parent / "fixtures" / "site"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE, tmp_path / "site")
    return tmp_path / "site"


def rebuild(site: Path, out: Path, *, dirty: bool = False, first: bool = False) -> None:
    # Like `mkdocs serve`: the config is loaded anew for every build, and MkDocs hands back
    # the same plugin instance because it defines on_startup.
    config = load_config(str(site / "mkdocs.yml"), site_dir=str(out))
    if first:
        config.plugins.on_startup(command="serve", dirty=dirty)
    build(config, dirty=dirty)


def count_page_renders(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = site_module.paper_page

    def counting(entry, *args, **kwargs):
        calls.append(entry.paper.key)
        return real(entry, *args, **kwargs)

    monkeypatch.setattr(site_module, "paper_page", counting)
    return calls


def test_editing_one_note_regenerates_one_page(site: Path, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    rebuild(site, out, first=True)
    calls = count_page_renders(monkeypatch)
    note = site / "bib" / "notes" / "deepnet.md"
    note.write_text(
        note.read_text(encoding="utf-8") + "\nAn edit while serving.\n", encoding="utf-8"
    )
    rebuild(site, out)
    assert calls == ["Muller2024:Deep/Nets"]
    page = (out / "papers" / "muller2024-deep-nets" / "index.html").read_text(encoding="utf-8")
    assert "An edit while serving." in page


def test_editing_the_bib_reparses_but_keeps_other_pages(
    site: Path, tmp_path: Path, monkeypatch
) -> None:
    out = tmp_path / "out"
    rebuild(site, out, first=True)
    calls = count_page_renders(monkeypatch)
    bib = site / "bib" / "refs.bib"
    bib.write_text(
        bib.read_text(encoding="utf-8").replace("A Paper Without a Note", "Renamed"),
        encoding="utf-8",
    )
    rebuild(site, out)
    # The renamed paper, and the one before it in the index, whose "Next" link shows its title.
    assert calls == ["zhang2023chinese", "nonote2022"]


def test_dirty_serve_rewrites_only_changed_page_sources(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    rebuild(site, out, dirty=True, first=True)
    cache = site / ".cache" / "papershelf" / "papers"
    sources = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.md")}
    assert set(sources) == {"muller2024-deep-nets.md", "zhang2023chinese.md", "nonote2022.md"}
    note = site / "bib" / "notes" / "zhang2023chinese.md"
    note.write_text(note.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    rebuild(site, out, dirty=True)
    after = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.md")}
    changed = {name for name in sources if after[name] != sources[name]}
    assert changed == {"zhang2023chinese.md"}
    page = (out / "papers" / "zhang2023chinese" / "index.html").read_text(encoding="utf-8")
    assert "补充一句。" in page


def test_dirty_serve_redoes_a_page_whose_header_alone_changed(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    rebuild(site, out, dirty=True, first=True)
    bib = site / "bib" / "refs.bib"
    bib.write_text(
        bib.read_text(encoding="utf-8").replace("year = {2022}", "year = {2021}"), encoding="utf-8"
    )
    note = site / "bib" / "notes" / "zhang2023chinese.md"
    note.write_text(
        note.read_text(encoding="utf-8").replace("status: read", "status: skimmed"),
        encoding="utf-8",
    )
    rebuild(site, out, dirty=True)
    html = (out / "papers" / "nonote2022" / "index.html").read_text(encoding="utf-8")
    assert "year = {2021}" in html and "year = {2022}" not in html  # in the BibTeX block
    html = (out / "papers" / "zhang2023chinese" / "index.html").read_text(encoding="utf-8")
    assert "Skimmed" in html


def count_index_builds(monkeypatch) -> list[str]:
    calls: list[str] = []
    for name in ("catalogue_json", "index_files", "index_html"):
        real = getattr(site_module, name)

        def counting(*args, _real=real, _name=name, **kwargs):
            calls.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(site_module, name, counting)
    return calls


def test_the_index_is_redone_only_when_what_it_shows_changes(
    site: Path, tmp_path: Path, monkeypatch
) -> None:
    out = tmp_path / "out"
    rebuild(site, out, first=True)
    calls = count_index_builds(monkeypatch)
    note = site / "bib" / "notes" / "deepnet.md"
    text = note.read_text(encoding="utf-8")
    note.write_text(text + "\nMore words, which the index does not show.\n", encoding="utf-8")
    rebuild(site, out)
    assert calls == []
    assert "papershelf-item" in (out / "papers" / "index.html").read_text(encoding="utf-8")

    note.write_text(text.replace("status: reading", "status: skimmed"), encoding="utf-8")
    rebuild(site, out)
    assert sorted(calls) == ["catalogue_json", "index_files", "index_html"]  # each once
    catalogue = json.loads((out / "papers.json").read_text(encoding="utf-8"))
    assert {p["key"]: p["status"] for p in catalogue}["Muller2024:Deep/Nets"] == "skimmed"
    assert ">Skimmed<" in (out / "papers" / "index.html").read_text(encoding="utf-8")

    calls.clear()
    note.write_text(
        text.split("---\n")[0] + "---\n" + text.split("---\n")[1] + "---\n", encoding="utf-8"
    )  # front matter only: the paper no longer has a note
    rebuild(site, out)
    assert sorted(calls) == ["catalogue_json", "index_files", "index_html"]  # each once
    catalogue = json.loads((out / "papers.json").read_text(encoding="utf-8"))
    assert {p["key"]: p["has_note"] for p in catalogue}["Muller2024:Deep/Nets"] is False


def test_dirty_serve_redoes_what_reads_the_library_and_drops_a_removed_paper(
    site: Path, tmp_path: Path
) -> None:
    config = site / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("plugins:\n", "plugins:\n  - macros\n"),
        encoding="utf-8",
    )
    (site / "docs" / "index.md").write_text(
        "# Fixture\n\n{{ papershelf.count }} papers; newest: {{ cite(papershelf.latest[0]) }}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    rebuild(site, out, dirty=True, first=True)
    home = out / "index.html"
    assert "3 papers; newest: " in home.read_text(encoding="utf-8")
    bib = site / "bib" / "refs.bib"
    original = bib.read_text(encoding="utf-8")
    bib.write_text(
        original + "\n@misc{newest2030, title = {From the Future}, year = {2030}}\n",
        encoding="utf-8",
    )
    rebuild(site, out, dirty=True)
    html = home.read_text(encoding="utf-8")
    assert "4 papers; newest: " in html and "From the Future" in html
    assert (out / "papers" / "newest2030" / "index.html").is_file()

    bib.write_text(original, encoding="utf-8")  # the paper is gone again
    rebuild(site, out, dirty=True)
    assert "3 papers; newest: " in home.read_text(encoding="utf-8")
    assert not (out / "papers" / "newest2030").exists()
    assert (out / "papers" / "nonote2022" / "index.html").is_file()  # the others stay


def test_a_backlink_appears_when_another_note_starts_relating(
    site: Path, tmp_path: Path, monkeypatch
) -> None:
    out = tmp_path / "out"
    rebuild(site, out, first=True)
    page = out / "papers" / "nonote2022" / "index.html"
    assert "data-papershelf-backlink" not in page.read_text(encoding="utf-8")
    calls = count_page_renders(monkeypatch)
    note = site / "bib" / "notes" / "deepnet.md"
    note.write_text(
        note.read_text(encoding="utf-8").replace(
            "status: reading\n", "status: reading\nrelations: {extends: [nonote2022]}\n"
        ),
        encoding="utf-8",
    )
    rebuild(site, out)
    html = page.read_text(encoding="utf-8")
    assert 'data-papershelf-backlink="extends">\n<dt>Extended by</dt>' in html
    assert "nonote2022" in calls and "Muller2024:Deep/Nets" in calls  # both ends redone


def test_a_note_edit_reaches_the_fulltext_index_and_reads_that_note_only(
    site: Path, tmp_path: Path, monkeypatch
) -> None:
    import papershelf.fulltext as fulltext

    out = tmp_path / "out"
    rebuild(site, out, first=True)
    calls = count_index_builds(monkeypatch)
    read: list[str] = []
    real = fulltext.paper_text
    monkeypatch.setattr(fulltext, "paper_text", lambda *a: read.append(a[1]) or real(*a))
    note = site / "bib" / "notes" / "deepnet.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nZanzibar.\n", encoding="utf-8")
    rebuild(site, out)
    assert calls == []  # the list and its data files stay
    assert len(read) == 1 and "Zanzibar" in read[0]  # the other papers' tokens are kept
    chunks = (out / "papers" / "index-fulltext").glob("*.txt")
    assert any(
        line.startswith("zanzibar\t") for c in chunks for line in c.read_text("utf-8").split("\n")
    )
    text = (out / "papers" / "index-fulltext" / "text" / "muller2024-deep-nets.txt").read_text(
        "utf-8"
    )
    assert text.endswith("Zanzibar.")
