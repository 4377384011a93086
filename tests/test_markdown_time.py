"""A note's Markdown is converted in time linear in its size, by Python-Markdown itself too.

tests/test_linear.py stops at the page's Markdown (`paper_markdown`, with the blocks in); the build then hands it
to Python-Markdown and the site's extensions, which read some shapes quadratically: each
unclosed `[` or `[x](` scans to the end of its paragraph for the bracket or parenthesis that
closes it (2,000 of them take 2 s; a 1 MB note of them, days), and pymdownx.superfences takes
4.7 s for 20,000 lone fence lines. Measured on this machine with Python-Markdown 3.x. The
sizes below are small so the failure is quick; the budget is that of a megabyte (2 CPU s)."""

from __future__ import annotations

import time
from pathlib import Path

import markdown
import pytest

from papershelf.library import Cache, Settings, load_library
from papershelf.pages import paper_page

BIB = "@misc{k, title = {T}, author = {A, B}, year = {2024}}\n"
EXTENSIONS = ["toc", "attr_list", "md_in_html", "pymdownx.superfences"]


def convert_cpu(tmp_path: Path, note: str) -> float:
    (tmp_path / "bib" / "notes").mkdir(parents=True)
    (tmp_path / "bib" / "refs.bib").write_text(BIB, encoding="utf-8")
    (tmp_path / "bib" / "notes" / "k.md").write_text(note, encoding="utf-8")
    library = load_library(Settings(root=tmp_path), Cache())
    # The page as the plugin hands it to MkDocs: papershelf's own blocks are marker comments.
    text = paper_page(library.entries[0], library.by_key()).markdown
    cpu = time.process_time()
    markdown.Markdown(extensions=EXTENSIONS).convert(text)
    return time.process_time() - cpu


@pytest.mark.parametrize(
    "note",
    [
        pytest.param("[" * 4000, id="unclosed-brackets"),
        pytest.param("[x](" * 2500, id="unclosed-link-targets"),
        pytest.param("[" * 3000 + "]" * 3000, id="nested-brackets"),
        pytest.param("a [b\n" * 3000, id="unclosed-across-lines"),
    ],
)
def test_a_note_of_unclosed_markup_converts_in_linear_time(tmp_path: Path, note: str) -> None:
    # Each took 2-9 s before papershelf escaped such brackets (brackets.py); a megabyte, hours.
    assert convert_cpu(tmp_path, note) < 2.0 * len(note) / 1_000_000 + 0.5


@pytest.mark.xfail(
    strict=True,
    reason="linear, but superfences spends 0.15 ms on each code block, well-formed or not: "
    "a megabyte of fence lines (125,000 blocks) takes 40 s; papershelf does not cap the "
    "number of code blocks in a note",
)
def test_a_note_of_lone_fences_converts_within_the_budget(tmp_path: Path) -> None:
    note = "```\n" * 20000
    assert convert_cpu(tmp_path, note) < 2.0 * len(note) / 1_000_000 + 0.5
