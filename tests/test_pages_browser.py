"""Moving around paper pages in a real browser (Debian's Chromium through Playwright): the old
list's anchors on the index, previous / next, back to the list, old addresses, authors, the
reading layout, phones and print. Each theme's site is built for real and served on 127.0.0.1;
expectations come from the built `papers.json`."""

from __future__ import annotations

import json

import pytest
from conftest import build_site
from test_injection import MATHJAX_CONFIG, mathjax_es5

from papershelf.paperlist import anchor_for

pytestmark = pytest.mark.browser

TITLES = [
    f"{w} Study of Retrieval Number {i}" for i, w in enumerate(["Alpha", "Beta", "Gamma"] * 20)
]
NOTE = """---
relations:
  extends: [paper01]
aliases: [old-name]
tags: [retrieval]
uncertain:
  - {"line": 10, "column": 3, "text": "与", "alternatives": ["不", "中"], "before": "推理", "after": "精度"}
---
# 论文解读

本文提出一种用强化学习训练检索智能体的方法，在多个基准上显著提升了效果。作者把检索
过程建模为多步决策，让模型学会何时调用搜索引擎、如何改写查询，并在训练过程中只依赖
结果奖励而不需要额外的标注数据。实验结果表明，这种方法在多跳问答上效果明显。

推理与精度都很重要。
""" + "\n".join(
    f"\n## 第 {i} 部分\n\n" + "这一部分讨论方法的细节和实验的设置。" * 8 for i in range(6)
)
THEMES = {
    "material": "{name: material, font: false, features: [navigation.instant]}",
    "mkdocs": "{name: mkdocs, highlightjs: false}",
}


def bib() -> str:
    entries = []
    for i, title in enumerate(TITLES):
        month = 12 - i % 12
        extra = ""
        if i == 5:
            title = r"Scaling to $\mathcal{O}(n)$ Tokens"
            extra = "  abstract = {We show $O(n)$ cost. Code: https://example.org/code.},\n"
        if i == 0:
            extra = (
                "  abstract = {"
                + "An abstract in English about retrieval and reasoning. " * 12
                + "},\n"
            )
            extra += "  url = {https://example.org/paper0},\n"
        entries.append(
            f"@article{{paper{i:02d},\n  title = {{{title}}},\n  author = {{Doe, Jane and Roe, Rick{i}}},\n"
            f"  journal = {{Journal {i % 3}}},\n  year = {{{2025 - i // 12}}},\n  month = {{{month}}},\n{extra}}}\n"
        )
    return "\n".join(entries)


@pytest.fixture(scope="module")
def sites(tmp_path_factory, serve) -> dict[str, tuple[str, list[dict]]]:
    es5 = mathjax_es5()
    root = tmp_path_factory.mktemp("pages")
    (root / "docs" / "javascripts").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Home\n\n[Papers](papers/index.md)\n")
    (root / "docs" / "javascripts" / "mathjax.js").write_text(MATHJAX_CONFIG)
    (root / "bib" / "notes").mkdir(parents=True)
    (root / "bib" / "refs.bib").write_text(bib(), encoding="utf-8")
    (root / "bib" / "notes" / "paper00.md").write_text(NOTE, encoding="utf-8")
    built = {}
    for theme, spec in THEMES.items():
        out = root / f"site-{theme}"
        out.mkdir()
        base = serve(out)
        (root / "mkdocs.yml").write_text(
            f"site_name: Pages\nsite_url: {base}\ntheme: {spec}\nplugins:\n"
            "  - search:\n      separator: '[\\s\\u200b\\-]+'\n"
            "  - papershelf:\n      review: always\n"
            "markdown_extensions:\n  - toc\n  - pymdownx.arithmatex: {generic: true}\n"
            "extra_javascript:\n  - javascripts/mathjax.js\n  - mathjax/tex-mml-chtml.js\n",
            encoding="utf-8",
        )
        build_site(root / "mkdocs.yml", out, "--strict")
        (out / "mathjax").symlink_to(es5, target_is_directory=True)
        built[theme] = (base, json.loads((out / "papers.json").read_text(encoding="utf-8")))
    return built


def in_view(page, selector: str) -> bool:
    """Whether the element is wholly on screen, below the theme's fixed header."""
    return page.eval_on_selector(
        selector,
        """el => { const r = el.getBoundingClientRect();
          const bar = document.querySelector('.md-header, .navbar.fixed-top');
          const top = bar ? bar.getBoundingClientRect().bottom : 0;
          return r.height > 0 && r.top >= top - 1 && r.bottom <= innerHeight + 1; }""",
    )


@pytest.mark.parametrize("theme", list(THEMES))
@pytest.mark.parametrize("script", [True, False], ids=["script", "no-script"])
def test_the_old_lists_anchors_lead_to_their_paper(browser, sites, theme, script) -> None:
    base, papers = sites[theme]
    context = browser.new_context(
        java_script_enabled=script, viewport={"width": 1280, "height": 800}
    )
    page = context.new_page()
    for paper in (papers[40], papers[-1]):
        anchor = anchor_for(paper["title"])
        page.goto(f"{base}papers/#{anchor}")
        if script:
            page.wait_for_selector("[data-papershelf-ready]", state="attached")
        page.wait_for_timeout(300)  # the theme's own start-up and the list's layout settle
        item = f'[data-papershelf-key="{paper["key"]}"]'
        assert page.get_attribute(item, "id") == anchor
        assert in_view(page, item), (theme, anchor)
    context.close()


@pytest.mark.parametrize("theme", list(THEMES))
def test_next_and_previous_walk_the_index_order(page, sites, theme) -> None:
    base, papers = sites[theme]
    order = [p["key"] for p in papers]
    page.goto(f"{base}{papers[0]['url']}")
    assert page.locator('a[rel="prev"]').count() == 0  # the newest has none before it
    walked = [page.get_attribute("[data-papershelf-paper]", "data-papershelf-paper")]
    for _ in range(4):
        page.click('a[rel="next"]')
        page.wait_for_function(
            "key => document.querySelector('[data-papershelf-paper]')?.dataset.papershelfPaper !== key",
            arg=walked[-1],
        )
        walked.append(page.get_attribute("[data-papershelf-paper]", "data-papershelf-paper"))
    assert walked == order[:5]
    page.click('a[rel="prev"]')
    page.wait_for_function(
        "key => document.querySelector('[data-papershelf-paper]')?.dataset.papershelfPaper === key",
        arg=order[3],
    )
    page.goto(f"{base}{papers[-1]['url']}")
    assert page.locator('a[rel="next"]').count() == 0


@pytest.mark.parametrize("theme", list(THEMES))
def test_back_to_the_list_lands_on_the_paper(page, sites, theme) -> None:
    base, papers = sites[theme]
    paper = papers[45]
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{base}{paper['url']}")
    page.click(".papershelf-pager-back")
    page.wait_for_selector("[data-papershelf-ready]", state="attached")
    page.wait_for_timeout(300)
    assert in_view(page, f'[data-papershelf-key="{paper["key"]}"]')


@pytest.mark.parametrize("theme", list(THEMES))
def test_an_old_address_leads_to_the_paper_with_its_anchor(page, sites, theme) -> None:
    base, papers = sites[theme]
    page.goto(f"{base}papers/old-name/#notes")
    page.wait_for_url(f"{base}papers/paper00/#notes")
    assert page.get_attribute("[data-papershelf-paper]", "data-papershelf-paper") == "paper00"


def test_an_author_opens_the_index_filtered_by_them(page, sites) -> None:
    base, papers = sites["material"]
    page.goto(f"{base}{papers[3]['url']}")
    author = papers[3]["authors"][1]
    page.click(f".papershelf-authors a:text-is('{author}')")
    page.wait_for_selector("[data-papershelf-ready]", state="attached")
    page.wait_for_function(
        "n => [...document.querySelectorAll('[data-papershelf-key]')].filter(li => !li.closest('[hidden]')).length === n",
        arg=sum(author in p["authors"] for p in papers),
    )
    assert page.is_checked(f'[data-papershelf-facet="author"] [data-papershelf-value="{author}"]')


@pytest.mark.parametrize("theme", list(THEMES))
def test_abstract_and_note_side_by_side_only_on_wide_screens(page, sites, theme) -> None:
    base, papers = sites[theme]
    boxes = """() => ['.papershelf-abstract-column', '.papershelf-notes-column'].map(s => {
        const r = document.querySelector(s).getBoundingClientRect(); return [r.left, r.top]; })"""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}{papers[0]['url']}")
    (a_left, a_top), (n_left, n_top) = page.evaluate(boxes)
    assert a_left < n_left and abs(a_top - n_top) < 30
    page.set_viewport_size({"width": 900, "height": 900})
    (a_left, a_top), (n_left, n_top) = page.evaluate(boxes)
    assert abs(a_left - n_left) < 2 and a_top < n_top


def test_the_note_speaks_chinese_under_the_pages_headings(page, sites) -> None:
    base, papers = sites["material"]
    page.goto(f"{base}{papers[0]['url']}")
    note = page.locator(".papershelf-note")
    assert note.get_attribute("lang") == "zh-Hans"
    assert "Noto Sans CJK SC" in note.evaluate("el => getComputedStyle(el).fontFamily")
    assert page.locator(".papershelf-note h1, .papershelf-note h2").count() == 0
    toc = page.locator(".md-sidebar--secondary .md-nav__link").all_text_contents()
    assert any("论文解读" in t for t in toc) and any("第 3 部分" in t for t in toc)


def test_on_a_phone_the_alternatives_are_written_out(browser, sites) -> None:
    base, papers = sites["material"]
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(f"{base}{papers[0]['url']}")
    assert page.evaluate("matchMedia('(hover: none)').matches")
    shown = page.eval_on_selector(
        "mark.papershelf-unsure", "m => getComputedStyle(m, '::after').content"
    )
    assert "不, 中" in shown
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing wider than the phone
    context.close()


@pytest.mark.parametrize("theme", list(THEMES))
def test_print_has_no_navigation_and_prints_link_addresses(page, sites, theme) -> None:
    base, papers = sites[theme]
    page.goto(f"{base}{papers[0]['url']}")
    page.emulate_media(media="print")
    hidden = page.evaluate(
        """() => [...document.querySelectorAll('.papershelf-pager, .papershelf-back, .md-sidebar, .navbar')]
            .map(el => getComputedStyle(el).display)"""
    )
    assert hidden and set(hidden) == {"none"}
    after = page.eval_on_selector(
        ".papershelf-links a", "a => getComputedStyle(a, '::after').content"
    )
    assert "https://example.org/paper0" in after
    author = page.eval_on_selector(
        ".papershelf-authors a", "a => getComputedStyle(a, '::after').content"
    )
    assert author in ("none", "normal")  # the index filtered by an author: not a reference
    assert page.locator(".papershelf-bibtex").is_visible()


def test_math_titles_are_typeset_on_the_index_and_still_filtered_by_their_text(page, sites) -> None:
    base, papers = sites["material"]
    page.goto(f"{base}papers/")
    page.wait_for_selector("[data-papershelf-ready]", state="attached")
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.evaluate("() => MathJax.startup.promise")
    key = next(p["key"] for p in papers if "$" in p["title"])
    title = page.locator(f'[data-papershelf-key="{key}"] .papershelf-item-title')
    assert title.locator("mjx-container").count() == 1
    page.fill("[data-papershelf-query]", "mathcal tokens")
    page.wait_for_function(
        "key => [...document.querySelectorAll('[data-papershelf-key]')].filter(li => !li.closest('[hidden]')).map(li => li.dataset.papershelfKey).join() === key",
        arg=key,
    )
