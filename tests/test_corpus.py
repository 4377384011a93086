"""The bad-input corpus: every broken or quirky input gives exactly its expected problems.

Each case in tests/corpus/ is `NAME.bib` (copied as bytes to `bib/refs.bib`), optionally
`NAME.more.bib` (`bib/more.bib`) and a `NAME.notes/` folder (`bib/notes/`), and
`NAME.expect.yaml`:

    # what the case is about
    problems:
      - {code: malformed-entry, line: 6, key: b}          # in bib/refs.bib
      - {code: orphan-note, line: 1, key: null, file: notes/x.md}
    survivors: [a, c]                                     # every key that gets a page
    titles: {a: "Café"}                                   # optional: titles as displayed
    venues: {a: "ICML"}                                   # optional: venues as displayed
    authors: {a: ["Ann Lin", "Bo Ng"]}                    # optional: authors as displayed
    build: true                                           # also build the site for real

The comparison is exact both ways: no problem missing, none extra, no paper lost.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from papershelf.library import Settings, load_library

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(p.name.removesuffix(".expect.yaml") for p in CORPUS.glob("*.expect.yaml"))


def load_expectations(name: str) -> dict:
    return yaml.safe_load((CORPUS / f"{name}.expect.yaml").read_text(encoding="utf-8"))


BUILT = [name for name in CASES if load_expectations(name).get("build")]


def make_site(name: str, root: Path) -> Path:
    """A site folder holding the case's .bib files and notes, ready for load_library/mkdocs."""
    (root / "bib").mkdir(parents=True)
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Corpus\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: Corpus\ntheme: mkdocs\nplugins:\n  - search\n  - papershelf\n", encoding="utf-8"
    )
    shutil.copyfile(CORPUS / f"{name}.bib", root / "bib" / "refs.bib")
    if (CORPUS / f"{name}.more.bib").is_file():
        shutil.copyfile(CORPUS / f"{name}.more.bib", root / "bib" / "more.bib")
    if (CORPUS / f"{name}.notes").is_dir():
        shutil.copytree(CORPUS / f"{name}.notes", root / "bib" / "notes")
    return root


def test_corpus_is_big_enough() -> None:
    assert len(CASES) >= 40
    for path in CORPUS.iterdir():  # no stray file that no case reads
        if path.name != ".gitattributes":
            assert path.name.split(".")[0] in CASES, path


@pytest.mark.parametrize("name", CASES)
def test_case(name: str, tmp_path: Path) -> None:
    expected = load_expectations(name)
    library = load_library(Settings(root=make_site(name, tmp_path)))
    want = Counter(
        (f"bib/{p.get('file', 'refs.bib')}", p["line"], p["code"], p["key"])
        for p in expected.get("problems") or []
    )
    got = Counter((p.path, p.line, p.code, p.key) for p in library.problems)
    assert got == want, "\n".join(str(p) for p in library.problems)
    assert sorted(e.paper.key for e in library.entries) == sorted(expected["survivors"])
    papers = {e.paper.key: e.paper for e in library.entries}
    for key, title in (expected.get("titles") or {}).items():
        assert papers[key].title == title
    for key, venue in (expected.get("venues") or {}).items():
        assert papers[key].venue == venue, key
    for key, authors in (expected.get("authors") or {}).items():
        assert [a.display for a in papers[key].authors] == authors, key
    for problem in library.problems:
        assert problem.hint and str(problem).startswith(f"{problem.path}:{problem.line}: ")


class PageScan(HTMLParser):
    """Collects what would run: event-handler attributes, unsafe links, inline scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.handlers: list[str] = []
        self.unsafe_links: list[str] = []
        self.scripts: list[str] = []
        self.papers: list[str | None] = []  # data-papershelf-paper values, as a browser reads them
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "data-papershelf-paper":
                self.papers.append(value)
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction") and value:
                scheme = "".join(value.split()).lower()
                if scheme.startswith(("javascript:", "data:", "vbscript:")):
                    self.unsafe_links.append(f"<{tag} {name}={value!r}>")
        # A JSON-LD block is data no browser runs (its own test checks it cannot be left);
        # anything that broke out of it would be a script of another type, and be seen.
        data = tag == "script" and dict(attrs).get("type") == "application/ld+json"
        self._in_script = tag == "script" and not data

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def scan(page: str) -> PageScan:
    scanner = PageScan()
    scanner.feed(page)
    scanner.close()
    return scanner


def files_under(folder: Path) -> set[Path]:
    return set(folder.rglob("*"))


@pytest.mark.parametrize("name", BUILT)
def test_case_builds(name: str, tmp_path: Path) -> None:
    # Nested, so a page written at `../../x` would still land inside tmp_path and be seen.
    root = tmp_path / "a" / "b" / "c"
    site = make_site(name, root / "site")
    out = root / "out"
    before = files_under(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(site / "mkdocs.yml"), "-d", str(out)],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    # Only the site and papershelf's cache (formatted references) are written.
    cache = site / ".cache" / "papershelf"
    written = files_under(tmp_path) - before - {site / ".cache", cache, cache / "references.json"}
    assert all(p == out or out in p.parents for p in written), sorted(map(str, written - {out}))

    library = load_library(Settings(root=site))
    assert len({e.paper.slug for e in library.entries}) == len(library.entries)
    # Besides the papers' pages: the redirect pages of their old addresses (`aliases:`).
    moved = {
        p.parent.name
        for p in (out / "papers").glob("*/index.html")
        if "papershelf-moved" in p.read_text("utf-8")
    }
    paper_dirs = (
        {p.name for p in (out / "papers").iterdir() if (p / "index.html").is_file()}
        - moved
        - {"stats"}
    )
    assert paper_dirs == {e.paper.slug for e in library.entries}
    for entry in library.entries:
        page = (out / "papers" / entry.paper.slug / "index.html").read_text(encoding="utf-8")
        assert scan(page).papers == [entry.paper.key]
    for path in out.rglob("*"):
        if path.suffix not in (".html", ".json", ".txt"):  # .txt: the full-text index
            continue
        text = path.read_text(encoding="utf-8")
        assert "Zotero/storage" not in text and "PRIVATE-ANNOTE" not in text, path
        if path.suffix == ".html":
            found = scan(text)
            assert not found.handlers and not found.unsafe_links, (
                path,
                found.handlers,
                found.unsafe_links,
            )
            assert not any("alert(" in s for s in found.scripts), path
