"""papershelf.fulltext: the full-text index of abstracts and notes, as pure functions (the
browser side is in test_fulltext_script.py and test_index_browser.py)."""

from __future__ import annotations

import json
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import papershelf.fulltext as fulltext
from papershelf.fulltext import (
    FOLDER,
    MANIFEST_FILE,
    MAX_INDEXED,
    FulltextCache,
    Lookup,
    decode_gaps,
    decode_postings,
    encode_gaps,
    fulltext_files,
    note_text,
    query_lookups,
    text_tokens,
)
from papershelf.index import fold
from papershelf.model import Entry, Library, Note, Paper

BIB = r"""
@article{a, title = {Alpha}, year = 2024, abstract = {Retrieval-augmented agents for Search-R1.}}
@article{b, title = {Beta}, year = 2023, abstract = {检索增强 reasoning.}}
@article{c, title = {Gamma}, year = 2022}
"""
NOTES = {
    "a.md": "---\nstatus: read\n---\n这篇论文讨论了**幻觉**问题，以及 [GRPO](https://x.org/grpo-paper)。\n",
    "c.md": "Only about retrieval, and 强化学习。\n",
}


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        pytest.param("# Title\n\nSome *words*.", "Title\nSome *words*.", id="heading"),
        pytest.param("**bold** __strong__ ~~gone~~", "bold strong gone", id="emphasis"),
        pytest.param("[the text](https://example.org/secret-path)", "the text", id="link"),
        pytest.param("![a plot](figures/plot.png)", "a plot", id="image"),
        pytest.param("[ref][1]\n\n[1]: https://example.org/x", "ref", id="reference-link"),
        pytest.param("强化<b>学习</b>很<br>有用", "强化学习很 有用", id="tags-keep-words-joined"),
        pytest.param("<!-- a private remark -->seen", "seen", id="comment"),
        pytest.param("<!-- never closed\nhidden", "", id="open-comment"),
        pytest.param("- one\n  1. two\n> > three", "one\ntwo\nthree", id="lists-and-quotes"),
        pytest.param("| a | b |\n|---|:-:|\n| c | d |", "a b\nc d", id="table"),
        pytest.param('!!! note "Mind this"\n    body', "Mind this\nbody", id="admonition"),
        pytest.param("```python\ndef f(x): return x\n```", "def f(x): return x", id="code"),
        pytest.param("~~~\n```\nstill code\n~~~\nafter", "```\nstill code\nafter", id="fences"),
        pytest.param("text {: .note #x }", "text", id="attribute-list"),
        pytest.param(r"\*not emphasis\* and \[x\]", "*not emphasis* and [x]", id="escapes"),
        pytest.param("a &amp; b &lt;script&gt;", "a & b <script>", id="entities-as-text"),
        pytest.param("fact[^1]\n\n[^1]: the source", "fact\nthe source", id="footnote"),
        pytest.param("***\n\n---\n", "", id="rules"),
    ],
)
def test_a_note_is_indexed_as_a_reader_sees_it(markdown: str, text: str) -> None:
    assert note_text(markdown) == text


def test_tokens_are_words_compounds_and_chinese_characters_and_pairs() -> None:
    tokens = text_tokens(fold("Search-R1 uses Qwen2.5-7B; 强化学习。"))
    assert {"search", "r1", "uses", "qwen2", "5", "7b"} <= tokens
    assert {"search-r1", "qwen2.5-7b", "5-7b"} <= tokens  # joined words, from each part on
    assert {"强", "化", "学", "习", "强化", "化学", "学习"} <= tokens
    assert "习。" not in tokens and "强化学习" not in tokens


def test_a_note_of_one_repeated_word_adds_one_posting() -> None:
    assert text_tokens(fold("reward " * 200_000)) == {"reward"}
    assert text_tokens("幻觉" * 100_000) == {"幻", "觉", "幻觉", "觉幻"}


def test_only_the_start_of_a_huge_text_is_indexed() -> None:
    text = "alpha " * (MAX_INDEXED // 6) + " omega"
    assert "alpha" in text_tokens(text) and "omega" not in text_tokens(text)


@pytest.mark.parametrize(
    ("word", "lookups"),
    [
        pytest.param("retrieval", [Lookup("retrieval", True)], id="prefix"),
        pytest.param("x" * 45, [Lookup("x" * 40, True), Lookup("xxxxx", True)], id="long-word"),
        pytest.param("a-" * 30 + "b", [Lookup(("a-" * 20)[:40], True)], id="long-compound"),
        pytest.param("rl", [Lookup("rl", False)], id="short-exact"),
        pytest.param("search-r1", [Lookup("search-r1", True)], id="compound"),
        pytest.param("幻", [Lookup("幻", False)], id="one-character"),
        pytest.param(
            "强化学习",
            [Lookup("强化", False), Lookup("化学", False), Lookup("学习", False)],
            id="pairs",
        ),
        pytest.param("grpo算法", [Lookup("grpo", True), Lookup("算法", False)], id="mixed"),
        pytest.param("“幻觉”", [Lookup("幻觉", False)], id="quotes"),
        pytest.param(".*+?[](){}|^$\\", [], id="regex-characters"),
        pytest.param("—!!", [], id="punctuation"),
        pytest.param("\ud800x\udfff", [Lookup("x", False)], id="lone-surrogates"),
    ],
)
def test_a_query_word_asks_for_these_tokens(word: str, lookups: list[Lookup]) -> None:
    assert query_lookups(word) == lookups


def test_a_long_chinese_phrase_asks_for_at_most_eight_pairs_spread_over_it() -> None:
    phrase = "检索增强生成框架的多跳问答"
    asked = query_lookups(phrase)
    assert len(asked) == 8 and asked[0].token == "检索" and asked[-1].token == "问答"


def has(tokens: set[str], lookup: Lookup) -> bool:
    if lookup.prefix:
        return any(t.startswith(lookup.token) for t in tokens)
    return lookup.token in tokens


WORDS = st.text(alphabet="abcé强化学习检索幻觉-. 12", min_size=1, max_size=40) | st.text(
    alphabet="aab-.", min_size=30, max_size=130
)  # words and compounds longer than a token (40 characters)


@settings(deadline=None)
@given(WORDS, st.data())
def test_the_index_finds_every_piece_of_its_text_the_query_side_can_ask_for(text, data) -> None:
    """What a substring search would find in a Chinese run, or a word search at the start of
    a word, the index finds: every lookup of such a piece is among the text's tokens."""
    folded = fold(text)
    tokens = text_tokens(folded)
    runs = [m.group() for m in fulltext._RUNS.finditer(folded)]
    if not runs:
        return
    run = data.draw(st.sampled_from(runs))
    if fulltext._CHAR.match(run):
        start = data.draw(st.integers(0, len(run) - 1))
        piece = run[start : data.draw(st.integers(start + 1, len(run)))]
    else:
        piece = run[: data.draw(st.integers(1, len(run)))].rstrip("-.")
        if not piece or (len(piece) < fulltext.MIN_PREFIX and piece != run):
            return  # a short word is matched exactly, not by prefix
    assert all(has(tokens, lookup) for lookup in query_lookups(piece)), (piece, tokens)


@given(st.lists(st.integers(min_value=0, max_value=10**7), unique=True))
def test_gap_encoding_round_trips(numbers: list[int]) -> None:
    numbers.sort()
    encoded = encode_gaps(numbers)
    assert decode_gaps(encoded) == numbers
    assert encoded.isascii() and "\t" not in encoded and "\n" not in encoded


def chunk_table(files: dict[str, str], count: int) -> dict[str, tuple[list[int], list[int]]]:
    """token -> (papers with it in the abstract, papers with it only in the note)."""
    manifest = json.loads(files[MANIFEST_FILE])
    table = {}
    for first, name in manifest["chunks"]:
        lines = files[f"{FOLDER}/{name}.txt"].splitlines()
        assert lines[0].split("\t")[0] == first
        for line in lines:
            token, abstract, note = line.split("\t")
            table[token] = (decode_postings(abstract, count), decode_postings(note, count))
    return table


def test_the_files_hold_which_paper_has_which_token_where(load) -> None:
    library = load(BIB, NOTES)
    files = fulltext_files(library)
    manifest = json.loads(files[MANIFEST_FILE])
    assert manifest["count"] == 3 and manifest["version"] == 1
    table = chunk_table(files, 3)
    assert table["retrieval"] == ([0], [2])  # a's abstract, c's note
    assert table["幻觉"] == ([], [0]) and table["学习"] == ([], [2]) and table["检索"] == ([1], [])
    assert table["search-r1"] == ([0], [])
    assert "x" not in table and "grpo-paper" not in table  # a link target is not text
    assert files[f"{FOLDER}/text/a.txt"].startswith("Retrieval-augmented agents")
    assert "幻觉问题" in files[f"{FOLDER}/text/a.txt"]
    assert f"{FOLDER}/text/b.txt" in files and not any("/text/c" in f for f in ["x"])
    chunks = [name for name in files if re.fullmatch(rf"{FOLDER}/[0-9a-f]{{12}}\.txt", name)]
    assert len(chunks) == len(manifest["chunks"])


def synthetic(n: int, seed: int = 3) -> Library:
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(3000)]
    entries = []
    for i in range(n):
        body = " ".join(rng.choices(words, k=80)) + " 强化学习" * (i % 3)
        paper = Paper(key=f"k{i}", slug=f"k{i}", entry_type="misc", title=f"T{i}", year=2000 + i)
        entries.append(Entry(paper, Note(path=f"bib/notes/k{i}.md", body=body)))
    return Library(tuple(entries))


def test_a_common_token_is_a_bitmap_and_reads_back() -> None:
    library = synthetic(60)
    table = chunk_table(fulltext_files(library), 60)
    assert table["强化学习"[:2]] == ([], [i for i in range(60) if i % 3])
    assert any(
        line.split("\t")[2].startswith("!")
        for name, text in fulltext_files(library).items()
        if name.endswith(".txt") and "/text/" not in name
        for line in text.splitlines()
    )


def test_an_edit_keeps_the_other_chunk_files(monkeypatch) -> None:
    monkeypatch.setattr(fulltext, "CHUNK_MIN", 1000)  # many small chunks
    monkeypatch.setattr(fulltext, "CHUNK_MAX", 1600)
    library = synthetic(400)
    before = {n for n in fulltext_files(library) if "/text/" not in n}
    first = library.entries[0]
    assert first.note is not None
    added = " ".join(f"w{i}x" for i in range(1000, 1040))  # 40 new tokens, side by side
    edited = Entry(first.paper, Note(path=first.note.path, body=f"{first.note.body} {added}"))
    after = {
        n for n in fulltext_files(Library((edited, *library.entries[1:]))) if "/text/" not in n
    }
    # Cut by size, 52 of 53 files change (every cut after the edit moves); by content, 9 of 54.
    assert len(before) > 40 and len(before - after) < len(before) / 4, len(before - after)


def test_each_paper_is_read_once_while_serving(monkeypatch) -> None:
    library, cache = synthetic(20), FulltextCache()
    first = fulltext_files(library, cache)
    calls: list[str] = []
    real = fulltext.paper_text
    monkeypatch.setattr(fulltext, "paper_text", lambda *a: calls.append(a[1][:3]) or real(*a))
    assert fulltext_files(library, cache) is first and calls == []
    entry = library.entries[5]
    edited = Entry(entry.paper, Note(path="n.md", body="幻觉"))
    changed = fulltext_files(Library((*library.entries[:5], edited, *library.entries[6:])), cache)
    assert calls == ["幻觉"] and chunk_table(changed, 20)["幻觉"] == ([], [5])


def test_tokens_are_sorted_as_javascript_compares_strings(load) -> None:
    # U+FA0E is a Han character of its own (no decomposition); U+20000 is beyond U+FFFF.
    library = load("@misc{a, title = {A}, year = 2020}\n", {"a.md": "\ufa0e \U00020000\n"})
    table = list(chunk_table(fulltext_files(library), 1))
    assert table == sorted(table, key=lambda t: t.encode("utf-16-be"))
    assert table.index("\U00020000") < table.index("\ufa0e")  # as UTF-16: D840 < FA0E
