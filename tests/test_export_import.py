"""`export markdown` then `import`: every abstract and note stays with its own paper, also for
titles that differ only in case or are the same, and importing a site's own export changes
nothing, whether or not its papers have arXiv ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from papershelf.cli import main
from papershelf.library import Settings, load_library

BIB = """\
@misc{foo1, title = {Foo Bar}, year = 2024, month = 2, eprint = {2402.00011},
  archiveprefix = {arXiv}, abstract = {Abstract of the first.}}
@misc{foo2, title = {FOO BAR}, year = 2024, month = 1, eprint = {2401.00012},
  archiveprefix = {arXiv}, abstract = {Abstract of the second.}}
@article{same1, title = {Same Title}, year = 2023, month = 5, doi = {10.1000/one},
  abstract = {Abstract one.}}
@article{same2, title = {Same Title}, year = 2023, month = 4, doi = {10.1000/two},
  abstract = {Abstract two.}}
@misc{wiki, title = {Foo Bar 1}, year = 2022, url = {https://en.wikipedia.org/wiki/Foo_(bar)},
  abstract = {Its anchor is the one a repeated 'Foo Bar' would get.}}
"""
NOTES = {
    key: f"### Note\nThe note of {key}.\n" for key in ("foo1", "foo2", "same1", "same2", "wiki")
}


def make_site(root: Path, with_papers: bool = True) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Site\n")
    (root / "mkdocs.yml").write_text("site_name: T\nplugins:\n  - papershelf\n")
    if with_papers:
        (root / "bib" / "notes").mkdir(parents=True)
        (root / "bib" / "papers.bib").write_text(BIB, encoding="utf-8")
        for key, text in NOTES.items():
            (root / "bib" / "notes" / f"{key}.md").write_text(text, encoding="utf-8")
    return root


def run(root: Path, monkeypatch, *args: str) -> int:
    monkeypatch.chdir(root)
    return main(list(args))


def pairs(root: Path) -> list[tuple[str, str, str]]:
    """(title, abstract, note) of each paper: what must stay together."""
    library = load_library(Settings(root=root))
    assert library.problems == ()
    return sorted(
        (e.paper.title, e.paper.abstract, e.note.body.strip() if e.note else "")
        for e in library.entries
    )


@pytest.fixture
def exported(tmp_path: Path, monkeypatch) -> tuple[Path, str]:
    site = make_site(tmp_path / "site")
    out = tmp_path / "list.md"
    assert run(site, monkeypatch, "export", "markdown", "-o", str(out)) == 0
    return site, out.read_text(encoding="utf-8")


def test_export_gives_every_paper_its_own_anchor(exported) -> None:
    _, text = exported
    anchors = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    # The second 'Foo Bar' skips foo-bar-1: that is the anchor of the title 'Foo Bar 1'.
    assert anchors == ["foo-bar", "foo-bar-2", "same-title", "same-title-1", "foo-bar-1"]
    assert "(https://en.wikipedia.org/wiki/Foo_%28bar%29)" in text  # `)` would end the link


def test_round_trip_keeps_each_abstract_and_note_with_its_paper(
    tmp_path: Path, monkeypatch, exported
) -> None:
    site, text = exported
    listing = tmp_path / "list.md"
    fresh = make_site(tmp_path / "fresh", with_papers=False)
    assert run(fresh, monkeypatch, "import", str(listing)) == 0
    assert pairs(fresh) == pairs(site)


def test_a_list_with_shared_anchors_pairs_sections_in_order(
    tmp_path: Path, monkeypatch, exported
) -> None:
    """An export made before anchors were unique: items and sections share anchors."""
    site, text = exported
    old = tmp_path / "old.md"
    old.write_text(
        text.replace("foo-bar-2", "foo-bar").replace("same-title-1", "same-title"),
        encoding="utf-8",
    )
    fresh = make_site(tmp_path / "fresh", with_papers=False)
    assert run(fresh, monkeypatch, "import", str(old)) == 0
    assert pairs(fresh) == pairs(site)


def test_importing_the_sites_own_export_changes_nothing(
    tmp_path: Path, monkeypatch, capsys, exported
) -> None:
    site, _ = exported
    before = {p: p.read_bytes() for p in sorted((site / "bib").rglob("*")) if p.is_file()}
    assert run(site, monkeypatch, "import", str(tmp_path / "list.md")) == 0
    assert "added 0 entries" in capsys.readouterr().out
    after = {p: p.read_bytes() for p in sorted((site / "bib").rglob("*")) if p.is_file()}
    assert after == before


def test_an_arxiv_id_wins_over_an_anchor(tmp_path: Path, monkeypatch, exported) -> None:
    """Items whose anchors were swapped still find their papers by arXiv id."""
    site, text = exported
    swapped = text
    for old, new in (("foo-bar", "TMP"), ("foo-bar-2", "foo-bar"), ("TMP", "foo-bar-2")):
        swapped = swapped.replace(f"(#{old})", f"(#{new})").replace(
            f"\n## {old}\n", f"\n## {new}\n"
        )
    assert swapped != text
    listing = tmp_path / "swapped.md"
    listing.write_text(swapped, encoding="utf-8")
    before = {p: p.read_bytes() for p in sorted((site / "bib").rglob("*")) if p.is_file()}
    assert run(site, monkeypatch, "import", str(listing)) == 0
    assert {p: p.read_bytes() for p in sorted((site / "bib").rglob("*")) if p.is_file()} == before


@pytest.mark.parametrize(
    "url", ["https://codeberg.org/a/b", "https://bitbucket.org/a/b", "https://gitlab.com/a/b"]
)
def test_a_code_host_link_is_code_after_import(tmp_path: Path, monkeypatch, url: str) -> None:
    listing = tmp_path / "list.md"
    listing.write_text(
        "# Paper List from BIB File: x.bib\n- [24/01] **A paper**  \n"
        f"[[Paper](https://arxiv.org/pdf/2401.00001v1)] [[Code/Page]({url})] "
        "[[TLDR/Notes](#a-paper)]\n\n# TLDR/Notes\n## a-paper\n### Abstract\nAbs.\n",
        encoding="utf-8",
    )
    site = make_site(tmp_path / "site", with_papers=False)
    assert run(site, monkeypatch, "import", str(listing)) == 0
    (entry,) = load_library(Settings(root=site)).entries
    assert (entry.paper.links.code, entry.paper.links.project) == (url, "")
