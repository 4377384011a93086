"""Reading a paper page: the language of a note, its headings under the page's, links in
abstracts, and the review of repaired text only for the person editing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_build import build, built, copy_fixture, fixture_with

from papershelf.plugin import show_review
from papershelf.reading import link_pieces, nest_headings, text_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        pytest.param(
            "本文提出了 Search-R1 框架，用 RL 训练 LLM 调用搜索引擎，效果显著。",
            "zh-Hans",
            id="zh-with-english-terms",
        ),
        pytest.param(
            "本文提出了 Search-R1 框架，用 RL 訓練 LLM 調用搜尋引擎，這個方法很有效。",
            "zh-Hant",
            id="traditional",
        ),
        pytest.param(
            "本論文では、検索エンジンを使って推論する方法を提案する。", "ja", id="japanese"
        ),
        pytest.param("이 논문은 검색 엔진을 사용하는 추론 방법을 제안합니다.", "ko", id="korean"),
        pytest.param(
            "We train the model with reinforcement learning; this is the core of the paper.",
            "en",
            id="english",
        ),
        pytest.param(
            "We study 强化学习 for reasoning with search in the large models of the day.",
            "en",
            id="english-with-a-chinese-word",
        ),
        pytest.param(
            "Wir untersuchen, wie große Sprachmodelle Suchmaschinen nutzen.",
            "",
            id="other-latin-unknown",
        ),
        pytest.param("短", "", id="too-short"),
        pytest.param(
            "```python\nprint('hello world, this is all code and nothing else')\n```\n中文",
            "",
            id="code-is-not-prose",
        ),
    ],
)
def test_a_text_is_marked_with_the_language_it_is_mostly_in(text: str, language: str) -> None:
    assert text_language(text) == language


@pytest.mark.parametrize(
    ("body", "nested"),
    [
        pytest.param(
            "# Title\n\ntext\n\n## Part", "### Title\n\ntext\n\n#### Part", id="h1-becomes-h3"
        ),
        pytest.param("### Already\n#### fine", "### Already\n#### fine", id="h3-kept"),
        pytest.param(
            "Title\n=====\n\nText\n\nPart\n----\n",
            "### Title\n\n\nText\n\n#### Part\n\n",
            id="setext",
        ),
        pytest.param(
            "para one\npara two\n---\n", "para one\npara two\n---\n", id="rule-after-a-paragraph"
        ),
        pytest.param(
            "## A\n```\n# code\n```\n###### deep",
            "### A\n```\n# code\n```\n###### deep",
            id="code-and-h6",
        ),
        pytest.param("#hashtag and # not at start", "#hashtag and # not at start", id="no-heading"),
    ],
)
def test_a_notes_headings_go_under_the_pages_own(body: str, nested: str) -> None:
    assert nest_headings(body) == nested
    assert nest_headings(body).count("\n") == body.count("\n")  # lines keep their numbers


@pytest.mark.parametrize(
    ("text", "links"),
    [
        pytest.param("Code at https://github.com/x/y.", ["https://github.com/x/y"], id="full-stop"),
        pytest.param(
            "(see https://a.org/b_(c)) and http://x.org/p?q=1,",
            ["https://a.org/b_(c)", "http://x.org/p?q=1"],
            id="brackets-and-comma",
        ),
        pytest.param("javascript:alert(1) ftp://x.org https://", [], id="only-http-with-a-host"),
        pytest.param('"https://q.org/"quoted', ["https://q.org/"], id="quotes-end-it"),
    ],
)
def test_bare_addresses_in_abstracts_become_links(text: str, links: list[str]) -> None:
    pieces = link_pieces(text)
    assert [piece for kind, piece in pieces if kind == "link"] == links
    assert "".join(piece for _, piece in pieces) == text  # nothing lost


def test_the_built_page_marks_languages_and_links_the_abstract(tmp_path: Path) -> None:
    site = copy_fixture(tmp_path)
    bib = site / "bib" / "refs.bib"
    bib.write_text(
        bib.read_text(encoding="utf-8").replace(
            "abstract = {We scale", "abstract = {Code: https://example.org/code. We scale"
        ),
        encoding="utf-8",
    )
    note = site / "bib" / "notes" / "zhang2023chinese.md"
    note.write_text(note.read_text(encoding="utf-8").replace("### 🌟", "# 🌟"), encoding="utf-8")
    out = built(site, tmp_path / "out")
    zhang = (out / "papers" / "zhang2023chinese" / "index.html").read_text(encoding="utf-8")
    assert '<div class="papershelf-note" lang="zh-Hans">' in zhang
    assert '<h3 id="note-_1">' in zhang and "<h1" not in zhang.split("papershelf-note")[1]
    muller = (out / "papers" / "muller2024-deep-nets" / "index.html").read_text(encoding="utf-8")
    assert '<section class="papershelf-abstract" lang="en">' in muller
    assert (
        '<a href="https://example.org/code" rel="nofollow">https://example.org/code</a>.' in muller
    )


# ---------------------------------------------------------------- the review box
UNCERTAIN = """---
uncertain:
  - {"line": 5, "column": 3, "text": "与", "alternatives": ["不"], "before": "推理", "after": "精度"}
---
推理与精度都很重要。
"""


@pytest.mark.parametrize(
    ("option", "serving", "shown"),
    [
        pytest.param("serve", True, True, id="serve-under-serve"),
        pytest.param("serve", False, False, id="serve-in-a-build"),
        pytest.param("always", False, True, id="always"),
        pytest.param("never", True, False, id="never"),
    ],
)
def test_the_review_is_shown_where_the_option_says(option, serving, shown) -> None:
    assert show_review(option, serving) is shown


def review_marks(site: Path, out: Path) -> tuple[bool, bool]:
    (site / "bib" / "notes" / "zhang2023chinese.md").write_text(UNCERTAIN, encoding="utf-8")
    html = (built(site, out) / "papers" / "zhang2023chinese" / "index.html").read_text("utf-8")
    return "papershelf-uncertain" in html, 'class="papershelf-unsure"' in html


def test_a_built_site_shows_no_review_unless_asked(tmp_path: Path) -> None:
    assert review_marks(copy_fixture(tmp_path / "default"), tmp_path / "out1") == (False, False)
    always = fixture_with(
        tmp_path / "always", "facets: [method]", "facets: [method]\n      review: always"
    )
    assert review_marks(always, tmp_path / "out2") == (True, True)


def test_a_review_option_that_is_no_choice_is_a_config_error(tmp_path: Path) -> None:
    site = fixture_with(tmp_path, "facets: [method]", "facets: [method]\n      review: sometimes")
    result = build(site, tmp_path / "out")
    assert result.returncode != 0
    assert re.search(r"option 'review'.*'sometimes'", result.stderr), result.stderr


def test_under_mkdocs_serve_the_review_is_shown(tmp_path: Path) -> None:
    from test_serve import rebuild

    site = copy_fixture(tmp_path)
    (site / "bib" / "notes" / "zhang2023chinese.md").write_text(UNCERTAIN, encoding="utf-8")
    rebuild(site, tmp_path / "out", first=True)  # on_startup(command="serve"), as serve does
    html = (tmp_path / "out" / "papers" / "zhang2023chinese" / "index.html").read_text("utf-8")
    assert "papershelf-uncertain" in html and 'title="or 不"' in html
