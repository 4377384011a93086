"""papershelf.js's full-text half, run in a real browser (`window.papershelf`) against its
Python twins (fulltext.py): how a query is cut into lookups, what a lookup finds in the chunk
files, how words combine into tiers, and where a snippet is cut."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
from conftest import build_site, index_tab
from test_index_script import TRICKY

from papershelf.fulltext import (
    FOLDER,
    MANIFEST_FILE,
    decode_postings,
    query_lookups,
)
from papershelf.index import fold

pytestmark = pytest.mark.browser
FIXTURE = Path(__file__).parent / "fixtures" / "site"

# Scripts and marks where a Python regex class and a JavaScript \p{L}\p{N} could part ways.
QUERY_ALPHABET = (
    "aZé9²①_-.'强化学习检索幻觉々〇ー・ゝカﾀ가한ÅǅⅫ\u0301\u30fb\u3000"
    "\ufa0e\U00020000\U0002a6e0.,;:()[]“”「」"
)


def queries(n: int = 300) -> list[str]:
    rng = random.Random(1202)
    long = ["x" * 41, "y" * 90 + "-z", "a-" * 40 + "b", "Qwen2.5-7B-Instruct-" + "v" * 50]
    randoms = ["".join(rng.choices(QUERY_ALPHABET, k=rng.randint(1, 16))) for _ in range(n)]
    return TRICKY + long + randoms


@pytest.fixture(scope="module")
def index_page(tmp_path_factory, serve, browser):
    """The fixture site with more notes, so the index has something to disagree about."""
    work = tmp_path_factory.mktemp("fulltext-site")
    shutil.copytree(FIXTURE, work / "site")
    notes = work / "site" / "bib" / "notes"
    (notes / "nonote2022.md").write_text(
        "Search-R1 and Qwen2.5-7B 强化学习 the reward model; 幻觉。\ufa0e \U00020000\n",
        encoding="utf-8",
    )
    out = build_site(work / "site" / "mkdocs.yml", work / "out", "--strict")
    with index_tab(browser, f"{serve(out)}papers/") as tab:
        yield tab, out


def test_query_lookups_match_python(index_page) -> None:
    tab, _ = index_page
    words = [w for q in queries() for w in fold(q).split()]
    got = tab.evaluate(
        "words => words.map(w => window.papershelf.lookups(w).map(l => [l.token, l.prefix]))",
        words,
    )
    expected = [[[lk.token, lk.prefix] for lk in query_lookups(w)] for w in words]
    mismatches = [(w, g, e) for w, g, e in zip(words, got, expected, strict=True) if g != e]
    assert mismatches == []


def reference_levels(out: Path, token: str, prefix: bool) -> list[int]:
    """Per paper: 1 when a matching token is in its abstract, 2 only in its note, 0 none."""
    count = json.loads((out / "papers" / MANIFEST_FILE).read_text("utf-8"))["count"]
    level = [0] * count
    for chunk in (out / "papers" / FOLDER).glob("*.txt"):
        for line in chunk.read_text("utf-8").splitlines():
            t, abstract, note = line.split("\t")
            if t == token or (prefix and t.startswith(token)):
                for i in decode_postings(abstract, count):
                    level[i] = 1
                for i in decode_postings(note, count):
                    level[i] = level[i] or 2
    return level


LOOKED_UP = """async ([lookups]) => {
  const p = window.papershelf, base = new URL("index-fulltext.json", location.href);
  const data = await (await fetch(base)).json();
  const keys = [...document.querySelectorAll("[data-papershelf-key]")];
  const index = await (await fetch(new URL(document.querySelector("[data-papershelf-index]")
    .getAttribute("data-papershelf-data"), location.href))).json();
  const manifest = p.readManifest(data, keys.length, index.list);
  const out = [];
  for (const lookup of lookups) {
    const chunks = [];
    for (const c of p.chunkRange(manifest, lookup)) {
      const text = await (await fetch(new URL("index-fulltext/" + manifest.files[c] + ".txt", base))).text();
      chunks.push(p.parseChunk(text));
    }
    out.push(Array.from(p.lookupLevels(lookup, chunks, keys.length)));
  }
  return out;
}"""


def test_a_lookup_finds_what_the_chunk_files_hold(index_page) -> None:
    tab, out = index_page
    asked = [
        ("search-r1", True), ("search", True), ("sea", True), ("qwen2.5", True), ("5-7b", True),
        ("强化", False), ("幻", False), ("the", True), ("a", False), ("zzz", True),
        ("\ufa0e", False), ("\U00020000", False), ("o", False), ("cost", True),
    ]  # fmt: skip
    got = tab.evaluate(LOOKED_UP, [[{"token": t, "prefix": p} for t, p in asked]])
    for (token, prefix), levels in zip(asked, got, strict=True):
        assert levels == reference_levels(out, token, prefix), token
    assert any(got[0]) and not any(got[9])  # the test can tell found from not found


def reference_tiers(hay: list[str], titles: list[str], words: list[str], levels) -> list[tuple]:
    """Per paper: its tier (the worst place of a word) and whether a word needed the index."""
    out = []
    for i, text in enumerate(hay):
        places, in_text = [], False
        for j, word in enumerate(words):
            if word in titles[i]:
                places.append(0)
            elif word in text:
                places.append(1)
            elif levels[j] is not None and levels[j][i]:
                places.append(levels[j][i])
                in_text = True
            else:
                places.append(255)
        out.append((max(places), int(in_text and max(places) < 255)))
    return out


def test_words_combine_into_tiers_like_a_plain_model(index_page) -> None:
    tab, _ = index_page
    rng = random.Random(5)
    titles = ["deep nets", "chinese notes", "a paper", "search agents", "强化学习"]
    hay = [t + "\nsummary words\n" + rng.choice(["rl", "search", ""]) for t in titles]
    for _ in range(30):
        words = rng.sample(["deep", "notes", "search", "rl", "学习", "summary", "zz"], 2)
        levels = [
            None if rng.random() < 0.3 else [rng.choice([0, 1, 2]) for _ in titles] for _ in words
        ]
        got = tab.evaluate(
            """([hay, titles, words, levels]) => {
                 const ends = Int32Array.from(titles.map(t => t.length));
                 const r = window.papershelf.matchText(hay, ends, words,
                   levels.map(l => l && Uint8Array.from(l)));
                 return [Array.from(r.tier), Array.from(r.mask), Array.from(r.inText)];
               }""",
            [hay, titles, words, levels],
        )
        expected = reference_tiers(hay, titles, words, levels)
        assert got[0] == [tier for tier, _ in expected], words
        assert got[1] == [int(tier != 255) for tier, _ in expected], words
        assert got[2] == [in_text for _, in_text in expected], words


@pytest.mark.parametrize(
    ("text", "words", "match"),
    [
        pytest.param("我们研究强化学习的方法", ["强化学习"], "强化学习", id="chinese"),
        pytest.param(
            "Unreinforced, then Reinforcement learning", ["reinf"], "Reinf", id="word-start"
        ),
        pytest.param("Jörg MÜLLER wrote it", ["muller"], "MÜLLER", id="accents-and-case"),
        pytest.param("ﬁnal words", ["final"], "ﬁnal", id="a-ligature-maps-back"),
        pytest.param("about Search-R1 here", ["search-r1"], "Search-R1", id="compound"),
        pytest.param("早 幻觉 late 强化", ["强化", "幻觉"], "幻觉", id="the-first-of-the-words"),
        pytest.param("nothing here", ["absent"], None, id="no-match"),
        pytest.param("<b>x</b> & 𠀀 text", ["text"], "text", id="markup-is-text"),
    ],
)
def test_a_snippet_is_cut_around_the_first_match(index_page, text, words, match) -> None:
    tab, _ = index_page
    got = tab.evaluate("([t, w]) => window.papershelf.snippet(t, w)", [text, words])
    if match is None:
        assert got is None
        return
    before, hit, after = got
    assert hit == match and (before + hit + after).replace("…", "") in text.replace("\n", " ")
