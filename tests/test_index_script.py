"""papershelf.js's pure half, run in a real browser (`window.papershelf`) and compared with
its Python twins and with a plain reference model: folding, facet counts, and the view's
round trip through the query string (the full-text search: test_fulltext_script.py)."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import pytest
from conftest import build_site, commit_copy, index_tab

from papershelf.index import fold

pytestmark = pytest.mark.browser
FIXTURE = Path(__file__).parent / "fixtures" / "site"
ROOT = Path(__file__).resolve().parent.parent

# Letters, accents, ligatures, scripts and spaces where JavaScript and Python could disagree.
TRICKY = [
    "Müller", "MÜLLER", "Ærø", "Œuvre", "straße", "Łódź", "İstanbul", "ΟΔΟΣ ὁδός", "ﬁnal ﬂow",
    "Ångström", "Ｆｕｌｌ　ｗｉｄｔｈ", "naïve café", "强化学习 与 检索", "ｶﾀｶﾅ", "①②", "x²",
    "a\u00a0b", "a\u2028b", "a\u3000b", "a\x1cb", "a\x85b", "a\ufeffb", "a\u200bb", "e\u0301",
    "(RL)", "«quoted»", "—dash—", "C++", "GPT-4o's", "🌟 emoji", "Þór ð", "ħ ı ǆ",
]  # fmt: skip
ALPHABET = "aAéÉøŒßİıΣσςﬁ强化学习 \t\u00a0\u2028\u3000\x1c\x85\ufeff-_.,;:()[]'\"«»\u0301"


def samples(n: int = 300) -> list[str]:
    rng = random.Random(20261202)
    return TRICKY + ["".join(rng.choices(ALPHABET, k=rng.randint(1, 24))) for _ in range(n)]


@pytest.fixture(scope="module")
def index_page(tmp_path_factory, serve, browser):
    out = build_site(FIXTURE / "mkdocs.yml", tmp_path_factory.mktemp("script"), "--strict")
    with index_tab(browser, f"{serve(out)}papers/") as tab:
        yield tab, out


def test_folding_matches_python(index_page) -> None:
    tab, _ = index_page
    texts = samples()
    got = tab.evaluate("texts => texts.map(t => window.papershelf.fold(t))", texts)
    mismatches = [(t, g, fold(t)) for t, g in zip(texts, got, strict=True) if g != fold(t)]
    assert mismatches == []


def reference_counts(data: dict, chosen: dict[str, set[int]]) -> tuple[list[int], list[list[int]]]:
    """Visible papers and each facet's counts, by brute force: a value's count is how many
    papers have it among those every OTHER facet's choices leave."""
    facets = data["facets"]

    def values(facet: dict, i: int) -> list[int]:
        if "single" in facet:
            return [facet["single"][i]] if facet["single"][i] >= 0 else []
        return facet["multi"][i]

    def passes(i: int, skip: str | None) -> bool:
        return all(
            set(values(f, i)) & chosen[f["name"]]
            for f in facets
            if f["name"] in chosen and f["name"] != skip
        )

    visible = [int(passes(i, None)) for i in range(data["count"])]
    counts = []
    for f in facets:
        row = [0] * len(f["values"])
        for i in range(data["count"]):
            if passes(i, f["name"]):
                for v in values(f, i):
                    row[v] += 1
        counts.append(row)
    return visible, counts


def test_facet_counts_match_a_brute_force_model_on_the_example(tmp_path, browser, serve) -> None:
    work = tmp_path / "example"
    for folder in ("docs", "bib"):
        import shutil

        shutil.copytree(ROOT / folder, work / folder)
    (work / "mkdocs.yml").write_text((ROOT / "mkdocs.yml").read_text("utf-8"), "utf-8")
    commit_copy(work)  # the feed dates papers by git
    out = build_site(work / "mkdocs.yml", tmp_path / "site", "--strict")
    data = json.loads((out / "papers" / "index-data.json").read_text("utf-8"))
    rng = random.Random(7)
    selections = []
    for _ in range(40):
        chosen: dict[str, set[int]] = {}
        for facet in rng.sample(data["facets"], rng.randint(1, 3)):
            n = len(facet["values"])
            chosen[facet["name"]] = set(rng.sample(range(n), min(n, rng.randint(1, 3))))
        selections.append(chosen)
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(f"{serve(out)}papers/")
    tab.wait_for_selector("[data-papershelf-ready]", state="attached")
    for chosen in selections:
        masks = [
            [int(v in chosen[f["name"]]) for v in range(len(f["values"]))]
            if f["name"] in chosen
            else None
            for f in data["facets"]
        ]
        got = tab.evaluate(
            """([data, masks]) => {
                 const p = window.papershelf, model = p.buildModel(data, data.count);
                 const r = p.evaluate(model, masks.map(m => m && Uint8Array.from(m)), null);
                 return [Array.from(r.visible), r.counts.map(c => Array.from(c)), r.shown];
               }""",
            [data, masks],
        )
        visible, counts = reference_counts(data, chosen)
        assert got[0] == visible and got[1] == counts and got[2] == sum(visible), chosen
    context.close()


def test_the_view_survives_a_round_trip_through_the_address(index_page) -> None:
    tab, _ = index_page
    values = ["2024", "a b", "x&y=z", "中文", "100%", "+plus", "é", "?#/"]
    states = [
        {"q": q, "sort": sort, "selected": {name: list(vs) for name, vs in chosen if vs}}
        for q, sort, chosen in zip(
            ["", "scaling laws", "a+b & c", "强化学习", "  spaced  "] * 4,
            itertools.cycle(["newest", "oldest", "title"]),
            [
                [("tag", values[i % 8 : i % 8 + 2]), ("year", values[:1]), ("author", [])]
                for i in range(20)
            ],
            strict=False,
        )
    ]
    names = ["year", "month", "tag", "venue", "author"]
    got = tab.evaluate(
        """([states, names]) => states.map(s => {
             const p = window.papershelf, search = p.serializeState(s, names);
             const read = p.readState(search, (name, value) => names.includes(name) ? value : null);
             return [search, read.state, read.dirty];
           })""",
        [states, names],
    )
    for state, (search, read, dirty) in zip(states, got, strict=True):
        assert read == state, search
        assert dirty is False, search


@pytest.mark.parametrize(
    ("search", "sort", "clean"),
    [
        ("?q=rl", "best", "?q=rl"),  # with a query, best match is the order unless named
        ("?q=rl&sort=best", "best", "?q=rl"),  # the default is not written
        ("?q=rl&sort=newest", "newest", "?q=rl&sort=newest"),
        ("?sort=best", "newest", ""),  # best match of no query: dropped
        ("?sort=newest", "newest", ""),
        ("?sort=title", "title", "?sort=title"),
    ],
)
def test_best_match_is_the_order_of_a_query(index_page, search: str, sort: str, clean: str) -> None:
    tab, _ = index_page
    got = tab.evaluate(
        """search => { const p = window.papershelf, read = p.readState(search, () => null);
             return [read.state.sort, p.serializeState(read.state, []), read.dirty]; }""",
        search,
    )
    assert got == [sort, clean, clean != search]
