"""CSL-JSON and RIS: what a reference manager imports from a paper page's downloads."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from papershelf.csl import csl_item, csl_type
from papershelf.downloads import download_name, download_text
from papershelf.library import Settings, load_library
from papershelf.model import Entry, Library
from papershelf.ris import ris_record

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
SCHEMA = json.loads((DATA / "csl-data.schema.json").read_text(encoding="utf-8"))


def example() -> Library:
    return load_library(Settings(root=ROOT, bib=("bib/papers.bib",), notes="bib/notes"))


def samples() -> Library:
    return load_library(Settings(root=DATA / "cite", bib=("samples.bib",), notes="none"))


def only(library: Library) -> Entry:
    assert len(library.entries) == 1, library.problems
    return library.entries[0]


@pytest.mark.parametrize(
    ("bib", "kind"),
    [
        pytest.param(
            "@article{k, title={T}, journal={J}, year=2020}", "article-journal", id="article"
        ),
        pytest.param(
            "@article{k, title={T}, journal={CoRR}, eprint={2401.00001}, year=2024}",
            "article",
            id="dblp-corr-article-is-a-preprint",
        ),
        pytest.param(
            "@inproceedings{k, title={T}, booktitle={B}, year=2020}",
            "paper-conference",
            id="inproceedings",
        ),
        pytest.param(
            "@misc{k, title={T}, eprint={2401.00001}, archiveprefix={arXiv}, year=2024}",
            "article",
            id="arxiv-misc-is-a-preprint",
        ),
        pytest.param(
            "@misc{k, title={T}, url={https://x.org}, year=2024}", "webpage", id="web-page"
        ),
        pytest.param("@misc{k, title={T}, year=2024}", "document", id="bare-misc"),
        pytest.param("@book{k, title={T}, publisher={P}, year=2020}", "book", id="book"),
        pytest.param(
            "@incollection{k, title={T}, booktitle={B}, year=2020}", "chapter", id="chapter"
        ),
        pytest.param("@phdthesis{k, title={T}, school={S}, year=2020}", "thesis", id="phdthesis"),
        pytest.param(
            "@techreport{k, title={T}, institution={I}, year=2020}", "report", id="report"
        ),
        pytest.param("@unpublished{k, title={T}, year=2020}", "manuscript", id="unpublished"),
        pytest.param("@weird{k, title={T}, year=2020}", "document", id="unknown-type"),
    ],
)
def test_each_entry_type_gets_its_csl_type(load, bib: str, kind: str) -> None:
    paper = only(load(bib)).paper
    assert csl_type(paper) == kind
    assert csl_item(paper)["type"] == kind


def test_every_example_and_sample_item_is_valid_csl_json() -> None:
    items = [
        csl_item(e.paper, keywords=e.tags) for lib in (example(), samples()) for e in lib.entries
    ]
    assert len(items) == 41 + 10
    errors = [
        f"{list(e.path)}: {e.message}"
        for e in jsonschema.Draft7Validator(SCHEMA).iter_errors(items)
    ]
    assert errors == []


def test_the_schema_check_can_fail() -> None:
    bad = [{"id": "k", "type": "preprint", "author": [{"first": "Ann"}]}]
    assert len(list(jsonschema.Draft7Validator(SCHEMA).iter_errors(bad))) == 2


def test_a_journal_article_carries_volume_issue_pages_and_names_as_csl_wants(load) -> None:
    paper = only(
        load(
            "@article{wang2025, title={检索增强推理}, author={王, 小明 and van der Berg, Jan and "
            "Smith, Jr., John and {Qwen Team} and others}, journal={计算机学报}, volume={48}, "
            "number={3}, pages={512--530}, year={2025}, month=jan, doi={10.11897/x.1}}"
        )
    ).paper
    item = csl_item(paper)
    assert item["author"] == [
        {"family": "王", "given": "小明"},
        {"family": "Berg", "given": "Jan", "non-dropping-particle": "van der"},
        {"family": "Smith", "given": "John", "suffix": "Jr."},
        {"literal": "Qwen Team"},
    ]  # `and others` has no CSL form: left out
    assert (item["container-title"], item["volume"], item["issue"], item["page"]) == (
        "计算机学报",
        "48",
        "3",
        "512–530",
    )
    assert item["issued"] == {"date-parts": [[2025, 1]]}
    assert (item["DOI"], item["language"]) == ("10.11897/x.1", "zh-CN")


def test_a_preprint_is_published_by_arxiv_with_arxivs_doi(load) -> None:
    paper = only(
        load("@misc{k, title={T}, eprint={2505.16410}, archiveprefix={arXiv}, year=2025}")
    ).paper
    item = csl_item(paper)
    assert (item["publisher"], item["number"]) == ("arXiv", "arXiv:2505.16410")
    assert item["DOI"] == "10.48550/arXiv.2505.16410"
    assert item["URL"] == "https://arxiv.org/abs/2505.16410"


PRIVATE = (
    "@inproceedings{k, title={T}, author={Doe, Jane}, booktitle={B}, year=2024, pages={1--9}, "
    "publisher={ACM}, note={secret note}, annote={my annotation}, file={/home/me/Zotero/x.pdf}, "
    "urldate={2024-01-01}, langid={english}}"
)


def test_private_fields_reach_no_download(load) -> None:
    entry = only(load(PRIVATE))
    for kind in ("bib", "ris", "csl"):
        text = download_text(entry, kind)
        assert "ACM" in text  # public fields are there...
        for private in ("secret", "annotation", "Zotero", "2024-01-01", "english"):
            assert private not in text, (kind, private)  # ...private ones are not


def test_a_field_taken_off_public_fields_or_hidden_leaves_every_download(load) -> None:
    fields = tuple(f for f in Settings(root=Path(".")).public_fields if f != "pages")
    for entry in (only(load(PRIVATE, public_fields=fields)), only(load(PRIVATE, hide=("pages",)))):
        assert entry.paper.citation.pages == ""
        for kind in ("bib", "ris", "csl"):
            assert "1–9" not in download_text(entry, kind) and "1--9" not in download_text(
                entry, kind
            )


def parse_ris(text: str) -> list[tuple[str, str]]:
    assert text.endswith("ER  - \r\n")
    lines = text.split("\r\n")[:-1]
    assert all(len(line) >= 6 and line[2:6] == "  - " for line in lines), lines
    return [(line[:2], line[6:]) for line in lines]


def test_ris_reads_back_as_the_paper() -> None:
    for entry in [*example().entries, *samples().entries]:
        paper = entry.paper
        tags = parse_ris(ris_record(paper, entry.tags))

        def values(tag: str, tags: list[tuple[str, str]] = tags) -> list[str]:
            return [v for t, v in tags if t == tag]

        assert tags[0][0] == "TY" and tags[-1] == ("ER", "")
        assert values("TI") == [" ".join(paper.title.split())]
        names = [a for a in paper.authors if a.last != "et al."]
        assert [v.split(", ")[0] for v in values("AU")] == [
            " ".join(filter(None, (a.von, a.last))) for a in names
        ]
        assert values("PY") == ([str(paper.year)] if paper.year else [])
        assert (
            values("DO") == [csl_item(paper).get("DOI")]
            if csl_item(paper).get("DOI")
            else not values("DO")
        )
        assert values("KW") == list(entry.tags)


def test_ris_values_stay_on_one_line_and_dates_keep_empty_parts(load) -> None:
    entry = only(
        load(
            "@article{k, title={Two\n\nparagraphs}, journal={J}, year=2025, month=mar, pages={5--7}}"
        )
    )
    tags = parse_ris(ris_record(entry.paper))
    assert ("TI", "Two paragraphs") in tags
    assert ("DA", "2025/03//") in tags and ("SP", "5") in tags and ("EP", "7") in tags
    assert tags[0] == ("TY", "JOUR")


def test_download_names_come_from_the_key_made_safe() -> None:
    assert download_name("Muller2024:Deep/Nets", "bib") == "Muller2024_Deep_Nets.bib"
    assert download_name("li2025start", "csl") == "li2025start.csl.json"
    assert download_name('../"x"', "ris") == "_x_.ris"
