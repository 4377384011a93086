"""al-folio bibliographies as they are (#12): files a .bib names (`pdf = {a.pdf}`), looked
up in the `files` folders, checked, published and linked; `abbr`, `selected`, `preview`,
`html`, `arxiv` and Jekyll's front matter."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import build_site

from papershelf.library import Cache, Settings, load_library

ALFOLIO = Path(__file__).parent / "fixtures" / "alfolio"
PDF = (ALFOLIO / "assets" / "pdf" / "tide2023.pdf").read_bytes()
PNG = (ALFOLIO / "assets" / "img" / "publication_preview" / "tide.png").read_bytes()


@pytest.fixture(scope="module")
def alfolio(tmp_path_factory) -> Path:
    return build_site(ALFOLIO / "mkdocs.yml", tmp_path_factory.mktemp("alfolio"), "--strict")


def test_an_al_folio_bibliography_builds_strict_with_its_files(alfolio: Path) -> None:
    published = {
        p.relative_to(alfolio / "papers" / "files").as_posix()
        for p in (alfolio / "papers" / "files").rglob("*")
        if p.is_file()
    }
    # Only the files an entry names: the draft beside them stays private.
    assert published == {
        "tide2023.pdf",
        "tide2023-poster.pdf",
        "tide.png",
        "talks/orbit2022-slides.pdf",
        "orbit2022-supp.pdf",
    }
    assert (alfolio / "papers" / "files" / "tide2023.pdf").read_bytes() == PDF


def links_of(page: Path) -> dict[str, str]:
    html = page.read_text(encoding="utf-8")
    header = html[html.index('<header class="papershelf-paper"') : html.index("</header>")]
    return dict(
        (label, href)
        for href, label in re.findall(
            r'<a class="papershelf-link" href="([^"]+)"[^>]*>([^<]+)</a>', header
        )
    )


def test_each_file_is_linked_with_its_label_and_resolves(alfolio: Path) -> None:
    page = alfolio / "papers" / "tide2023" / "index.html"
    links = links_of(page)
    assert links["arXiv"] == "https://arxiv.org/abs/2303.01234"  # `arxiv = {2303.01234}`
    assert links["HTML"] == "https://example.org/tide2023"
    for label in ("PDF", "Poster"):
        assert (page.parent / links[label]).resolve().is_file(), label
    orbit = alfolio / "papers" / "orbit2022" / "index.html"
    for label, href in links_of(orbit).items():
        if label in ("Slides", "Supplement"):
            assert (orbit.parent / href).resolve().is_file(), label
    assert set(links_of(orbit)) >= {"Slides", "Supplement", "Code"}
    assert links_of(alfolio / "papers" / "dust2020" / "index.html")["PDF"] == (
        "https://example.org/dust2020.pdf"
    )


def test_abbr_badge_preview_and_selected_facet(alfolio: Path) -> None:
    page = (alfolio / "papers" / "tide2023" / "index.html").read_text(encoding="utf-8")
    assert '<span class="papershelf-abbr">PRL</span>' in page
    preview = re.search(r'<img class="papershelf-preview" src="([^"]+)"', page)
    assert (
        preview
        and (alfolio / "papers" / "tide2023" / preview.group(1)).resolve().read_bytes() == PNG
    )
    index = (alfolio / "papers" / "index.html").read_text(encoding="utf-8")
    assert index.count('class="papershelf-abbr"') == 2  # PRL, ICML
    thumb = re.search(r'<img class="papershelf-preview" src="([^"]+)"', index)
    assert thumb and (alfolio / "papers" / thumb.group(1)).resolve().read_bytes() == PNG
    data = json.loads((alfolio / "papers" / "index-data.json").read_text(encoding="utf-8"))
    selected = next(f for f in data["facets"] if f["name"] == "selected")
    catalogue = json.loads((alfolio / "papers.json").read_text(encoding="utf-8"))
    assert [r["key"] for r in catalogue if r["selected"]] == ["tide2023"]
    assert selected["single"] == [0 if r["selected"] else 1 for r in catalogue]
    assert catalogue[0]["links"]["PDF"] == "papers/files/tide2023.pdf"  # from the site's root


@pytest.mark.browser
def test_the_selected_facet_filters_the_index(page, serve, alfolio: Path) -> None:
    base = serve(alfolio)
    page.goto(f"{base}papers/")
    page.wait_for_selector("[data-papershelf-ready]", state="attached")
    page.locator('[data-papershelf-facet="selected"] input[data-papershelf-value="yes"]').check()
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-papershelf-key]')]"
        ".filter(li => !li.closest('[hidden]')).length === 1"
    )
    page.wait_for_function("() => location.search === '?selected=yes'")  # written after paint


# ---------------------------------------------------------------- what is not published
def site(tmp_path: Path, bib: str, files: dict[str, bytes]) -> Settings:
    (tmp_path / "bib").mkdir()
    (tmp_path / "bib" / "refs.bib").write_text(bib, encoding="utf-8")
    folder = tmp_path / "assets" / "pdf"
    folder.mkdir(parents=True)
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return Settings(root=tmp_path, files=("assets/pdf",))


@pytest.mark.parametrize(
    ("value", "files", "code"),
    [
        pytest.param("gone.pdf", {}, "missing-file", id="missing"),
        pytest.param("../secret.pdf", {}, "unsafe-path", id="parent-folder"),
        pytest.param("/etc/passwd.pdf", {}, "unsafe-path", id="absolute"),
        pytest.param("C:\\\\papers\\\\a.pdf", {}, "unsafe-path", id="windows-path"),
        pytest.param(".hidden.pdf", {".hidden.pdf": PDF}, "unsafe-path", id="hidden"),
        pytest.param(
            "page.html", {"page.html": b"<script>alert(1)</script>"}, "file-type", id="html"
        ),
        pytest.param("logo.svg", {"logo.svg": b"<svg onload=alert(1)>"}, "file-type", id="svg"),
        pytest.param(
            "fake.pdf",
            {"fake.pdf": b"<html><script>alert(1)</script>"},
            "file-type",
            id="html-named-pdf",
        ),
        pytest.param("fake.png", {"fake.png": PDF}, "file-type", id="pdf-named-png"),
    ],
)
def test_a_file_that_is_not_published_is_reported_at_its_line(
    tmp_path: Path, value: str, files: dict[str, bytes], code: str
) -> None:
    settings = site(
        tmp_path, f"@misc{{a,\n  title = {{A}},\n  year = 2020,\n  pdf = {{{value}}}\n}}\n", files
    )
    library = load_library(settings)
    assert [(p.code, p.path, p.line, p.key) for p in library.problems] == [
        (code, "bib/refs.bib", 4, "a")
    ]
    assert library.files == () and library.by_key()["a"].paper.links.pdf == ""


def test_a_preview_must_be_an_image(tmp_path: Path) -> None:
    settings = site(
        tmp_path, "@misc{a, title = {A}, year = 2020, preview = {a.pdf}}\n", {"a.pdf": PDF}
    )
    assert [p.code for p in load_library(settings).problems] == ["file-type"]


def test_a_symlink_out_of_the_files_folder_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "private.pdf"
    outside.write_bytes(PDF)
    settings = site(tmp_path, "@misc{a, title = {A}, year = 2020, pdf = {leak.pdf}}\n", {})
    os.symlink(outside, tmp_path / "assets" / "pdf" / "leak.pdf")
    library = load_library(settings)
    assert [p.code for p in library.problems] == ["unsafe-path"] and library.files == ()


def test_a_fifo_is_never_opened(tmp_path: Path) -> None:
    settings = site(tmp_path, "@misc{a, title = {A}, year = 2020, pdf = {pipe.pdf}}\n", {})
    os.mkfifo(tmp_path / "assets" / "pdf" / "pipe.pdf")
    assert [p.code for p in load_library(settings).problems] == ["not-a-file"]


def test_a_files_folder_that_is_not_there_is_reported(tmp_path: Path) -> None:
    settings = site(tmp_path, "@misc{a, title = {A}, year = 2020, pdf = {a.pdf}}\n", {})
    shutil.rmtree(tmp_path / "assets")
    problems = load_library(settings).problems
    # The bibliography's problems come first, as always.
    assert [(p.code, p.path) for p in problems] == [
        ("missing-file", "bib/refs.bib"),
        ("not-a-file", "assets/pdf"),
    ]


def test_files_are_read_again_only_when_they_change(tmp_path: Path) -> None:
    settings = site(tmp_path, "@misc{a, title = {A}, year = 2020, pdf = {a.pdf}}\n", {"a.pdf": PDF})
    cache = Cache()
    first = load_library(settings, cache)
    assert [f.path for f in first.files] == ["papers/files/a.pdf"]
    kept = dict(cache.files)
    load_library(settings, cache)
    assert all(cache.files[k] is v for k, v in kept.items())
    (tmp_path / "assets" / "pdf" / "a.pdf").write_bytes(PDF + b"% changed\n")
    assert load_library(settings, cache).files[0].data.endswith(b"% changed\n")


def test_the_first_folder_that_has_a_file_wins(tmp_path: Path) -> None:
    site(
        tmp_path,
        "@misc{a, title = {A}, year = 2020, pdf = {a.pdf}, preview = {a.png}}\n",
        {"a.pdf": PDF},
    )
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "a.png").write_bytes(PNG)
    (tmp_path / "img" / "a.pdf").write_bytes(PDF + b"% second\n")
    library = load_library(Settings(root=tmp_path, files=("assets/pdf", "img")))
    assert library.problems == ()
    assert {f.path: f.data for f in library.files} == {
        "papers/files/a.pdf": PDF,
        "papers/files/a.png": PNG,
    }
    assert library.by_key()["a"].paper.preview == "papers/files/a.png"
