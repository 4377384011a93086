"""Similar papers suggested automatically, with their reasons, on inline libraries."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from papershelf.around import Surroundings
from papershelf.i18n import strings_for
from papershelf.relations import link_graph
from papershelf.suggest import SUGGESTIONS, Suggestion, TermCache, suggest, words

FILLER = [
    ("Orchard pruning schedules", "apple trees winter frost branches"),
    ("Medieval trade routes", "caravans silk merchants desert cities"),
    ("Tidal energy turbines", "ocean currents generators coastal power"),
    ("Sourdough fermentation", "yeast bacteria flour bread acidity"),
    ("Glacier retreat", "ice sheets melting mountains climate"),
    ("Opera staging", "singers orchestra costumes theatre audience"),
]


def bib(entries: list[tuple[str, str, str, str, str]]) -> str:
    """(key, title, abstract, authors, keywords) -> a .bib text, with unrelated filler papers
    so that rare words are rare."""
    rows = list(entries) + [
        (f"filler{i}", title, abstract, f"Author{i}, Solo", "")
        for i, (title, abstract) in enumerate(FILLER * 2)
    ]
    return "\n".join(
        f"@article{{{key}, title = {{{title}}}, abstract = {{{abstract}}}, author = {{{authors}}}, "
        f"keywords = {{{keywords}}}, year = {{2024}}}}"
        for key, title, abstract, authors, keywords in rows
    )


def test_papers_sharing_rare_words_tags_or_authors_are_suggested_with_the_reason(load) -> None:
    library = load(
        bib(
            [
                (
                    "rl1",
                    "Search agents with reinforcement",
                    "policy gradient rewards retrieval agents",
                    "Jin, Bowen",
                    "",
                ),
                (
                    "rl2",
                    "Reinforcement for search agents",
                    "retrieval agents trained with policy gradient rewards",
                    "Li, Wei",
                    "",
                ),
                ("tag1", "Graph colouring", "vertices edges", "Roe, A", "combinatorics, tiling"),
                ("tag2", "Map drawing", "countries borders", "Doe, B", "combinatorics, tiling"),
                ("au1", "Bird song", "finches melodies", "Müller, Jörg and Kim, Ana", ""),
                ("au2", "Whale calls", "ocean acoustics", "Müller, Jörg and Kim, Ana", ""),
            ]
        )
    )
    out = suggest(library.entries)
    assert out["rl1"][0] == Suggestion("rl2", wording=True)
    assert out["tag1"][0] == Suggestion("tag2", tags=("combinatorics", "tiling"))
    assert out["au1"][0] == Suggestion("au2", authors=("Jörg Müller", "Ana Kim"))
    assert all(s.key != key for key, found in out.items() for s in found)  # never itself
    # Only what has something in common: each of these has one match.
    assert [len(out[key]) for key in ("rl1", "tag1", "au1")] == [1, 1, 1]


def test_at_most_five_and_never_a_paper_a_relation_already_shows(load) -> None:
    same = [
        (f"p{i}", f"Quantum annealing study {i}", "quantum annealing qubits", f"A{i}, B", "")
        for i in range(8)
    ]
    library = load(bib(same))
    out = suggest(library.entries)
    assert all(len(found) <= SUGGESTIONS for found in out.values()) and len(out["p0"]) == 5
    linked = suggest(library.entries, {"p0": {s.key for s in out["p0"]}})
    assert not {s.key for s in linked["p0"]} & {s.key for s in out["p0"]}


def test_chinese_notes_are_cut_into_words(load) -> None:
    notes = {
        "zh1.md": "本文用强化学习训练检索智能体。",
        "zh2.md": "我们发现强化学习能让检索智能体更好。",
    }
    library = load(
        bib([("zh1", "One", "alpha", "X, A", ""), ("zh2", "Two", "beta", "Y, B", "")]), notes
    )
    cut = words(notes["zh1.md"])
    assert {"强化", "学习", "检索", "训练"} <= set(cut) and all(len(w) > 1 for w in cut)
    assert suggest(library.entries)["zh1"][0] == Suggestion("zh2", wording=True)


def test_chinese_is_cut_as_jieba_cuts_it() -> None:
    import jieba

    from papershelf.suggest import _HAN_RUN, _segmenter

    notes = sorted((Path(__file__).parent.parent / "bib" / "notes").glob("*.md"))
    assert len(notes) > 30
    for path in notes:
        text = path.read_text(encoding="utf-8")
        han = "\n".join(_HAN_RUN.findall(text))
        expected = [w for w in jieba.cut(han, HMM=False) if len(w) > 1]
        assert _segmenter()(text) == expected, path.name


def test_reasons_are_written_in_the_interface_language(load) -> None:
    library = load(
        bib([("t1", "A", "x", "Roe, A", "tiling"), ("t2", "B", "y", "Doe, B", "tiling")])
    )
    graph = link_graph(library.entries)[0]
    for language, reason in (("en", "shares the tag tiling"), ("zh", "共同标签：tiling")):
        around = Surroundings(
            library.entries,
            graph,
            suggest(library.entries),
            strings_for(language),
            lambda a, b: b,
            lambda key: "",
        )
        first = around.of(0).similar[0]
        assert (first.link.key, first.reason, first.kinds) == ("t2", reason, "tags")


def test_an_edit_segments_only_the_edited_paper_again(load, monkeypatch) -> None:
    import papershelf.suggest as module

    library = load(bib([("a", "Alpha", "x", "R, A", ""), ("b", "Beta", "y", "D, B", "")]))
    cache = TermCache()
    suggest(library.entries, cache=cache)
    seen: list[str] = []
    real = module.paper_terms
    monkeypatch.setattr(
        module, "paper_terms", lambda title, *a: seen.append(title) or real(title, *a)
    )
    library = load(bib([("a", "Alpha edited", "x", "R, A", ""), ("b", "Beta", "y", "D, B", "")]))
    suggest(library.entries, cache=cache)
    assert seen == ["Alpha edited"]


def test_a_library_without_chinese_never_loads_jieba(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from papershelf.library import Settings, load_library\n"
        "from papershelf.suggest import suggest\n"
        f"library = load_library(Settings(root=Path({str(tmp_path)!r})))\n"
        "assert suggest(library.entries)\n"
        "print('jieba' in sys.modules)\n"
    )
    (tmp_path / "bib").mkdir()
    (tmp_path / "bib" / "refs.bib").write_text(
        bib(
            [
                ("a", "Alpha search agents", "agents", "R, A", ""),
                ("b", "Search agents beta", "agents", "D, B", ""),
            ]
        ),
        encoding="utf-8",
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
    (tmp_path / "bib" / "notes").mkdir()
    (tmp_path / "bib" / "notes" / "a.md").write_text("强化学习", encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.stdout.strip() == "True", result.stderr  # the control: Chinese loads it
