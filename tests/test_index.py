"""papershelf.index: the index page's data files, as pure functions (the browser tests drive
the script that reads them)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from papershelf.index import (
    RESERVED,
    decode_gaps,
    encode_gaps,
    fold,
    index_data,
    index_files,
    search_index,
    search_token,
    tokens,
)

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


@pytest.mark.parametrize(
    ("word", "token"),
    [
        ("(rag),", "rag"),
        ("on-policy.", "on-policy"),
        ("agents!", "agents"),
        ("—", "—"),
        ("_x_", "x"),
        ("reasoning;", "reasoning"),
        ("「检索」", "检索"),
    ],
)
def test_search_token_trims_edge_punctuation(word: str, token: str) -> None:
    assert search_token(word) == token


def test_tokens_are_distinct_in_order() -> None:
    assert tokens("Agents, agents AND (Agents).") == ["agents", "and"]


@given(st.lists(st.integers(min_value=0, max_value=10**7), unique=True))
def test_gap_encoding_round_trips(numbers: list[int]) -> None:
    numbers.sort()
    encoded = encode_gaps(numbers)
    assert decode_gaps(encoded) == numbers
    assert encoded.isascii() and '"' not in encoded and "\\" not in encoded


def test_search_index_answers_substring_queries(load) -> None:
    library = load(BIB)
    index = search_index(library)
    vocab = index["vocab"].split("\n")
    postings = {t: decode_gaps(p) for t, p in zip(vocab, index["postings"], strict=True)}

    def papers(word: str) -> set[str]:
        hits = {i for t, docs in postings.items() if word in t for i in docs}
        return {library.entries[i].paper.key for i in hits}

    assert papers("agent") == {"a", "b"}
    assert papers("增强") == {"b"} and papers("augmented") == {"a"} and papers("zzz") == set()


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
    assert data["search"].startswith("index-search.json?v=") and data["bibtex"].startswith(
        "index-bibtex.json?v="
    )
    bibtex = json.loads(files["index-bibtex.json"])["bibtex"]
    assert bibtex[0].startswith("@article{a,") and "abstract" not in bibtex[0]  # public fields only
    changed = index_files(load(BIB.replace("Retrieval", "Recall")))
    assert json.loads(changed["index-data.json"])["search"] != data["search"]
    assert json.loads(changed["index-data.json"])["bibtex"] == data["bibtex"]  # same public BibTeX
