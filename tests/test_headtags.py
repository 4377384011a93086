"""Highwire `citation_*` tags and JSON-LD: the built example's 41 pages against its .bib, and
what a hostile title cannot do to them."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_build import build, built, copy_fixture

from papershelf.headtags import head_html, highwire_tags, insert_head, json_ld
from papershelf.library import Settings, load_library
from papershelf.model import Library
from papershelf.ris import ris_name

ROOT = Path(__file__).resolve().parent.parent
SITE_URL = "https://papershelf.github.io/papershelf/"


class Head(HTMLParser):
    """The `<meta name>` tags and JSON-LD scripts of a page's `<head>`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: list[tuple[str, str]] = []
        self.json_ld: list[str] = []
        self.in_head, self.in_script = False, False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "head":
            self.in_head = True
        elif tag == "meta" and self.in_head and (a.get("name") or "").startswith("citation_"):
            self.meta.append((a["name"] or "", a.get("content") or ""))
        elif tag == "script" and a.get("type") == "application/ld+json":
            assert self.in_head, "JSON-LD outside <head>"
            self.in_script = True
            self.json_ld.append("")

    def handle_endtag(self, tag: str) -> None:
        self.in_head = self.in_head and tag != "head"
        self.in_script = self.in_script and tag != "script"

    def handle_data(self, data: str) -> None:
        if self.in_script:
            self.json_ld[-1] += data


def head_of(path: Path) -> Head:
    parser = Head()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def example_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("example")
    result = build(ROOT, out, "--strict")
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def example() -> Library:
    return load_library(Settings(root=ROOT, bib=("bib/papers.bib",), notes="bib/notes"))


def values(meta: list[tuple[str, str]], name: str) -> list[str]:
    return [content for n, content in meta if n == name]


def test_every_example_page_carries_the_bib_in_its_head(
    example_site: Path, example: Library
) -> None:
    bib = (ROOT / "bib" / "papers.bib").read_text(encoding="utf-8")
    assert len(example.entries) == 41
    for entry in example.entries:
        paper = entry.paper
        head = head_of(example_site / "papers" / paper.slug / "index.html")
        meta, url = head.meta, f"{SITE_URL}papers/{paper.slug}/"
        assert values(meta, "citation_title") == [paper.title]
        assert values(meta, "citation_author") == [
            ris_name(a) for a in paper.authors if a.last != "et al."
        ]
        assert len(values(meta, "citation_author")) == len(paper.authors) > 0
        date = f"{paper.year}/{paper.month:02d}" if paper.month else str(paper.year)
        assert values(meta, "citation_publication_date") == [date]
        assert values(meta, "citation_arxiv_id") == [paper.arxiv]
        assert values(meta, "citation_pdf_url") == [f"https://arxiv.org/pdf/{paper.arxiv}"]
        assert values(meta, "citation_abstract_html_url") == [url]
        # The .bib itself says what the venue is: a booktitle makes a conference paper.
        booktitle = values(meta, "citation_conference_title")
        assert booktitle == ([paper.venue] if paper.entry_type == "inproceedings" else [])
        if booktitle:
            assert f"booktitle = {{{booktitle[0]}}}" in bib
        assert paper.arxiv in bib and paper.key in bib
        (script,) = head.json_ld
        data = json.loads(script)
        assert data["@context"] == "https://schema.org" and data["@type"] == "ScholarlyArticle"
        assert data["name"] == paper.title and data["url"] == url
        assert [a["name"] for a in data["author"]] == [
            a.display for a in paper.authors if a.last != "et al."
        ]
        assert data["datePublished"] == date.replace("/", "-")
        ids = {i["propertyID"]: i["value"] for i in data["identifier"]}
        assert ids["arXiv"] == paper.arxiv
        if paper.entry_type == "misc":
            assert ids["DOI"] == f"10.48550/arXiv.{paper.arxiv}"


def test_example_downloads_sit_beside_the_pages(example_site: Path, example: Library) -> None:
    for entry in example.entries:
        slug = entry.paper.slug
        assert (example_site / "papers" / f"{slug}.bib").read_text(
            encoding="utf-8"
        ) == entry.paper.bibtex + "\n"
        assert (
            (example_site / "papers" / f"{slug}.ris")
            .read_text(encoding="utf-8")
            .startswith("TY  - ")
        )
        (item,) = json.loads(
            (example_site / "papers" / f"{slug}.csl.json").read_text(encoding="utf-8")
        )
        assert item["id"] == entry.paper.key and item["title"] == entry.paper.title
        page = (example_site / "papers" / slug / "index.html").read_text(encoding="utf-8")
        for suffix in (".bib", ".ris", ".csl.json"):
            assert f'href="../{slug}{suffix}" download="{entry.paper.key}{suffix}"' in page


HOSTILE = (
    "@article{evil, title={Break </script><script>alert(1)</script> <!-- out \"q\" & 's'}, "
    'author={</script>, Eve and O\'Brien, "Q"}, journal={J</script>}, year=2024}'
)


def test_a_hostile_title_cannot_leave_its_attribute_or_the_json_ld(load) -> None:
    paper = load(HOSTILE).entries[0].paper
    head = head_html(paper, "https://x.org/papers/evil/")
    parser = Head()
    parser.feed(f"<html><head>{head}</head><body></body></html>")
    assert values(parser.meta, "citation_title") == [paper.title]
    assert values(parser.meta, "citation_journal_title") == ["J</script>"]
    (script,) = parser.json_ld
    assert json.loads(script)["name"] == paper.title
    assert head.count("<script") == 1 and head.count("</script>") == 1
    assert "<!--" not in head


def test_nothing_private_reaches_the_head(load) -> None:
    paper = (
        load(
            "@inproceedings{k, title={T}, author={Doe, Jane}, booktitle={B}, year=2024, pages={3--4}, "
            "note={secret}, file={/home/me/x.pdf}, urldate={2024-01-01}}",
            hide=("pages",),
        )
        .entries[0]
        .paper
    )
    head = head_html(paper, "")
    assert "citation_title" in head and "citation_firstpage" not in head
    assert not any(word in head for word in ("secret", "/home/me", "2024-01-01"))


def test_without_a_site_url_the_page_address_is_left_out(load) -> None:
    paper = load("@article{k, title={T}, journal={J}, year=2024}").entries[0].paper
    assert "citation_abstract_html_url" not in dict(highwire_tags(paper, ""))
    assert "url" not in json_ld(paper, "")


@pytest.mark.parametrize(
    ("bib", "expected"),
    [
        pytest.param(
            "@article{k, title={T}, journal={Nature}, volume={5}, number={2}, pages={10--20}, year=2020, date={2020-04-09}}",
            [
                ("citation_journal_title", "Nature"),
                ("citation_volume", "5"),
                ("citation_issue", "2"),
                ("citation_firstpage", "10"),
                ("citation_lastpage", "20"),
                ("citation_publication_date", "2020/04/09"),
            ],
            id="journal",
        ),
        pytest.param(
            "@phdthesis{k, title={T}, school={Tsinghua University}, year=2020}",
            [("citation_dissertation_institution", "Tsinghua University")],
            id="thesis",
        ),
        pytest.param(
            "@techreport{k, title={T}, institution={Alibaba}, number={TR-1}, year=2020}",
            [
                ("citation_technical_report_institution", "Alibaba"),
                ("citation_technical_report_number", "TR-1"),
            ],
            id="report",
        ),
        pytest.param(
            "@book{k, title={T}, publisher={MIT Press}, isbn={978-0-262}, year=2020}",
            [("citation_publisher", "MIT Press"), ("citation_isbn", "978-0-262")],
            id="book",
        ),
    ],
)
def test_each_kind_of_entry_gets_its_highwire_tags(
    load, bib: str, expected: list[tuple[str, str]]
) -> None:
    tags = highwire_tags(load(bib).entries[0].paper)
    assert all(tag in tags for tag in expected), tags


def test_the_head_goes_before_the_closing_head_tag_whatever_its_case() -> None:
    assert (
        insert_head("<html><HEAD><title>x</title></HEAD >", "<meta>")
        == "<html><HEAD><title>x</title><meta></HEAD >"
    )
    assert insert_head("<p>no head</p>", "<meta>") == "<p>no head</p>"


def test_the_mkdocs_theme_and_a_hand_written_paper_page_get_the_head_tags(tmp_path: Path) -> None:
    site = copy_fixture(tmp_path)
    (site / "docs" / "papers").mkdir()
    (site / "docs" / "papers" / "nonote2022.md").write_text("# My own page\n", encoding="utf-8")
    out = built(site, tmp_path / "out")
    head = head_of(out / "papers" / "nonote2022" / "index.html")
    assert values(head.meta, "citation_title") == ["A Paper Without a Note"]
    assert (out / "papers" / "nonote2022.ris").is_file()  # the downloads too
    assert "My own page" in (out / "papers" / "nonote2022" / "index.html").read_text(
        encoding="utf-8"
    )
    assert values(
        head_of(out / "papers" / "zhang2023chinese" / "index.html").meta, "citation_title"
    )
    assert not head_of(out / "index.html").meta  # only paper pages


def test_the_downloads_option_chooses_the_files(tmp_path: Path) -> None:
    from test_build import fixture_with

    old = "      facets: [method]\n"
    out = built(fixture_with(tmp_path, old, old + "      downloads: [bib]\n"), tmp_path / "out")
    files = sorted(p.name for p in (out / "papers").iterdir() if p.is_file() and "nonote" in p.name)
    assert files == ["nonote2022.bib"]
    page = (out / "papers" / "nonote2022" / "index.html").read_text(encoding="utf-8")
    assert 'data-papershelf-download="bib"' in page and 'data-papershelf-download="ris"' not in page
    assert values(head_of(out / "papers" / "nonote2022" / "index.html").meta, "citation_title")
