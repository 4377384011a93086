"""papershelf.index: the index page's data files, as pure functions (the browser tests drive
the script that reads them)."""

from __future__ import annotations

import json

import pytest

from papershelf.index import RESERVED, fold, index_data, index_files

BIB = r"""
@article{a, title = {Alpha}, author = {M{\"u}ller, J{\"o}rg and Doe, Jane}, year = 2024, month = may,
  journal = {ICML}, keywords = {rl, search}, abstract = {Retrieval-augmented agents (RAG), on-policy.},
  code = {https://github.com/x/a}}
@article{b, title = {Beta}, author = {Doe, Jane and others}, year = 2023, journal = {icml},
  keywords = {RL}, abstract = {检索增强 reasoning; agents!}}
@article{c, title = {Gamma}, author = {Roe, Richard}, year = 2023, journal = {NeurIPS}}
"""
NOTES = {
    "a.md": "---\nstatus: read\nmethod: [PPO, GRPO]\n---\nA note.\n",
    "c.md": "---\nmethod: PPO\n---\n",
}


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Müller", "muller"),
        ("SÉBASTIEN", "sebastien"),
        ("Straße", "strasse"),
        ("Łukasz", "lukasz"),
        ("Øresund Æble", "oresund aeble"),
        ("ﬁne", "fine"),
        ("检索增强", "检索增强"),
        ("ÇA", "ca"),
    ],
    ids=str,
)
def test_fold_drops_accents_and_case(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_facets_tables_and_per_paper_values(load) -> None:
    library = load(BIB, NOTES, facets=("method",))
    data = index_data(library, ("method",))
    facets = {f["name"]: f for f in data["facets"]}
    assert [f["name"] for f in data["facets"]].count("year") == 1
    keys = [e.paper.key for e in library.entries]
    assert keys == ["a", "b", "c"]  # newest first; the list and the tables share positions

    def values(name: str) -> list[list[str]]:
        f = facets[name]
        rows = f.get("multi") or [[v] if v >= 0 else [] for v in f["single"]]
        return [[f["values"][v] for v in row] for row in rows]

    assert values("venue") == [["ICML"], ["ICML"], ["NeurIPS"]]  # case-only variants are one value
    assert values("tag") == [["rl", "search"], ["rl"], []]  # a tie: the first spelling met
    assert values("author") == [["Jörg Müller", "Jane Doe"], ["Jane Doe"], ["Richard Roe"]]
    assert data["etal"] == [1]
    assert values("code") == [["yes"], ["no"], ["no"]]
    assert values("note") == [["yes"], ["no"], ["no"]]
    assert values("status") == [["read"], ["none"], ["none"]]
    assert values("method") == [["PPO", "GRPO"], [], ["PPO"]]
    assert facets["year"]["values"] == ["2024", "2023"] and facets["month"]["labels"] == [
        "May 2024"
    ]
    assert "status" in RESERVED and "method" not in RESERVED


@pytest.mark.parametrize("taken", ["year", "status", "title", "tags", "summary", "q"])
def test_a_built_in_name_is_no_facet(tmp_path, taken: str) -> None:
    from papershelf.config import PapershelfConfig

    config = PapershelfConfig(config_file_path=str(tmp_path / "mkdocs.yml"))
    config.load_dict({"facets": ["method", taken, "method"]})
    errors, warnings = config.validate()
    assert errors == [] and config.facets == ["method"]  # left out, and not doubled
    assert warnings == [
        (
            "facets",
            f"'{taken}' is built in and left out; rename the notes' field to filter "
            f"on it, e.g. '{taken}_'",
        )
    ]


def test_data_files_name_each_other_by_content_hash(load) -> None:
    files = index_files(load(BIB))
    data = json.loads(files["index-data.json"])
    assert data["bibtex"].startswith("index-bibtex.json?v=")
    bibtex = json.loads(files["index-bibtex.json"])["bibtex"]
    assert bibtex[0].startswith("@article{a,") and "abstract" not in bibtex[0]  # public fields only
    changed = index_files(load(BIB.replace("year = 2024", "year = 2021")))
    assert json.loads(changed["index-data.json"])["bibtex"] != data["bibtex"]
    same = index_files(load(BIB.replace("Retrieval", "Recall")))
    assert json.loads(same["index-data.json"])["bibtex"] == data["bibtex"]  # same public BibTeX


def test_the_data_file_names_the_fulltext_manifest_and_the_list(load) -> None:
    data = json.loads(index_files(load(BIB))["index-data.json"])
    # Named without a hash: it changes with every note; the list digest ties the two.
    assert data["fulltext"] == "index-fulltext.json" and len(data["list"]) == 12
    reordered = json.loads(
        index_files(load(BIB.replace("year = 2024", "year = 2021")))["index-data.json"]
    )
    assert reordered["list"] != data["list"]  # a is no longer first
    off = json.loads(index_files(load(BIB), fulltext=False)["index-data.json"])
    assert "fulltext" not in off and "index-fulltext.json" not in index_files(
        load(BIB), fulltext=False
    )
