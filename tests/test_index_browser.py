"""The filterable index in a real browser: Debian's Chromium driven by Playwright, against the
example site (Material, navigation.instant) and the fixture site (plain mkdocs theme) served
on 127.0.0.1. Every expectation is computed from the built `papers.json` and the notes as the
built paper pages show them, not from the index page."""

from __future__ import annotations

import contextlib
import html
import json
import re
import shutil
import time
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

import pytest

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:  # the `browser` fixture explains what is missing
    PlaywrightTimeout = TimeoutError  # type: ignore[misc,assignment]
from conftest import build_site, commit_copy

from papershelf.index import fold

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "site"

SHOWN_KEYS = """root => [...root.querySelectorAll('[data-papershelf-key]')]
    .filter(li => !li.closest('[hidden]')).map(li => li.dataset.papershelfKey)"""


@pytest.fixture(scope="module")
def example(tmp_path_factory, serve) -> tuple[str, list[dict]]:
    """The example site, built for the address it is served at: Material's instant navigation
    only takes over links listed in sitemap.xml, which holds absolute URLs from `site_url`."""
    work = tmp_path_factory.mktemp("example")
    for folder in ("docs", "bib"):
        shutil.copytree(ROOT / folder, work / folder)
    out = work / "site"
    out.mkdir()
    base = serve(out)
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    (work / "mkdocs.yml").write_text(
        re.sub(r"(?m)^site_url: .*$", f"site_url: {base}", config), encoding="utf-8"
    )
    commit_copy(work)  # the feed dates papers by git
    build_site(work / "mkdocs.yml", out, "--strict")
    return base, built_papers(out)


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory, serve) -> tuple[str, list[dict]]:
    out = build_site(FIXTURE / "mkdocs.yml", tmp_path_factory.mktemp("fixture"), "--strict")
    return serve(out), built_papers(out)


def built_papers(out: Path) -> list[dict]:
    """papers.json, each paper with `note`: its note's text as its page shows it (up to the
    next of papershelf's sections: a note's own headings start at h3)."""
    papers = json.loads((out / "papers.json").read_text(encoding="utf-8"))
    for paper in papers:
        page = (out / paper["url"] / "index.html").read_text(encoding="utf-8")
        found = re.search(r'<h2 id="notes">.*?</h2>(.*?)<h2 id="', page, re.S)
        note = re.sub(
            r'<details class="papershelf-uncertain">.*?</details>',
            "",
            found.group(1) if found else "",
            flags=re.S,
        )
        note = re.sub(r"</?(?:p|li|h\d|div|br|tr|td|th|pre|blockquote)\b[^>]*>", "\n", note)
        paper["note"] = html.unescape(re.sub(r"<[^>]+>", "", note))
    return papers


def open_index(page, base: str, query: str = "") -> None:
    page.goto(f"{base}papers/{query}")
    page.wait_for_selector("[data-papershelf-ready]", state="attached")


def shown(page) -> list[str]:
    return page.eval_on_selector("[data-papershelf-index]", SHOWN_KEYS)


def wait_shown(page, keys: list[str], timeout: float = 5.0) -> None:
    """Wait until exactly `keys` are shown (in any order), then compare for a clear diff.
    Polled from here: a predicate run on every animation frame (wait_for_function) after a
    history step left the list of the example empty in some test orders."""
    deadline = time.monotonic() + timeout
    while sorted(shown(page)) != sorted(keys) and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert sorted(shown(page)) == sorted(keys)


def searched(page) -> None:
    """Wait until the filter has what it needs (the full-text chunks of the query's words)."""
    page.wait_for_function(
        "() => document.querySelector('.papershelf-results[aria-busy=false]')", timeout=15000
    )


def count_text(page) -> str:
    return page.text_content("[data-papershelf-count]").strip()


def facet_box(page, facet: str, value: str):
    return page.locator(f'[data-papershelf-facet="{facet}"] input[data-papershelf-value="{value}"]')


def facet_count(page, facet: str, value: str) -> int:
    label = facet_box(page, facet, value).locator("xpath=..")
    return int(label.locator(".papershelf-facet-count").text_content())


def query_of(page, expected: list[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
    """The page's query pairs; with `expected`, first wait (the URL is written after paint)
    until they are those, in any order."""
    if expected is not None:
        with contextlib.suppress(PlaywrightTimeout):
            page.wait_for_function(
                """expected => { const got = [...new URLSearchParams(location.search)].map(p => p.join("="));
                   return got.length === expected.length && expected.every(p => got.includes(p)); }""",
                arg=[f"{k}={v}" for k, v in expected],
                timeout=5000,
            )
    return parse_qsl(urlsplit(page.url).query)


def text_match(paper: dict, words: list[str]) -> bool:
    """What the filter finds: each word in the title, summary, venue, authors, tags, key or
    arXiv id (anywhere), or in the abstract or the note (a Latin word at the start of a word,
    by prefix from three letters on; Chinese anywhere)."""
    return all(word_place(paper, word) < 3 for word in words)


def word_place(paper: dict, word: str) -> int:
    """0: in the title, 1: in the other fields or the abstract, 2: in the note, 3: nowhere."""
    fields = fold(
        " ".join(
            [
                paper["summary"],
                paper["venue"],
                *paper["authors"],
                *paper["tags"],
                paper["key"],
                paper["arxiv"],
            ]
        )
    )
    if word in fold(paper["title"]):
        return 0
    if word in fields or found_in(word, fold(paper["abstract"])):
        return 1
    return 2 if found_in(word, fold(paper.get("note", ""))) else 3


def found_in(word: str, text: str) -> bool:
    if re.fullmatch(r"[a-z0-9]+", word):  # not after a Latin letter or digit
        end = "" if len(word) >= 3 else r"(?![a-z0-9\u00df-\u024f])"
        return re.search(rf"(?<![a-z0-9\u00df-\u024f]){word}{end}", text) is not None
    return word in text


def keys(papers: list[dict], keep=lambda p: True) -> list[str]:
    return [p["key"] for p in papers if keep(p)]


# ---------------------------------------------------------------- without JavaScript
def test_without_javascript_the_whole_list_is_there(browser, example) -> None:
    base, papers = example
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}papers/")
    assert shown(page) == keys(papers)  # all of them, newest first
    assert page.locator("[data-papershelf-key] a.papershelf-item-title").count() == len(papers)
    assert page.locator("[data-papershelf-query]").count() == 0  # no dead controls
    assert count_text(page) == f"{len(papers)} papers"
    results, content = page.locator(".papershelf-results"), page.locator(".papershelf-index")
    assert results.bounding_box()["x"] - content.bounding_box()["x"] < 2  # no empty filter column
    context.close()


# ---------------------------------------------------------------- text, facets, counts
def test_typing_filters_title_authors_venue_tags_and_abstract(page, example) -> None:
    base, papers = example
    open_index(page, base)
    page.click("[data-papershelf-query]")
    page.keyboard.type("Reinforcement")
    expected = keys(papers, lambda p: text_match(p, ["reinforcement"]))
    assert 0 < len(expected) < len(papers)
    # Most matches are in the title; the others come from abstracts and notes (the full-text
    # index, fetched on focus).
    assert any("reinforcement" not in p["title"].lower() for p in papers if p["key"] in expected)
    wait_shown(page, expected)
    page.wait_for_function("() => !document.querySelector('[aria-busy=true]')")
    assert count_text(page) == f"Showing {len(expected)} of {len(papers)} papers"
    page.keyboard.type(" Jiawei")  # an author: both words must match
    expected = keys(papers, lambda p: text_match(p, ["reinforcement", "jiawei"]))
    assert expected
    wait_shown(page, expected)
    assert query_of(page, [("q", "Reinforcement Jiawei")]) == [("q", "Reinforcement Jiawei")]


def test_a_citation_key_or_arxiv_id_finds_its_paper(page, example) -> None:
    base, papers = example
    paper = next(p for p in papers if p["arxiv"] and p["arxiv"] not in p["key"])
    for query in (paper["arxiv"], paper["key"].upper()):
        open_index(page, base, "?q=" + quote(query))
        wait_shown(page, [paper["key"]])


def test_facets_or_within_and_across_with_counts(page, example) -> None:
    base, papers = example
    open_index(page, base)
    tags = {"Machine Learning", "Artificial Intelligence"}
    for tag in tags:
        facet_box(page, "tag", tag).check()
    facet_box(page, "venue", "arXiv").check()

    def in_tags(p: dict) -> bool:
        return bool(tags & set(p["tags"]))

    expected = keys(papers, lambda p: in_tags(p) and p["venue"] == "arXiv")
    assert expected and len(expected) < len([p for p in papers if in_tags(p)])
    wait_shown(page, expected)
    # A facet's counts apply the other facets' choices: what choosing that value would give.
    for venue in {p["venue"] for p in papers if in_tags(p)}:
        want = sum(1 for p in papers if in_tags(p) and p["venue"] == venue)
        assert facet_count(page, "venue", venue) == want, venue
    for tag in tags | {"Computation and Language"}:
        want = sum(1 for p in papers if tag in p["tags"] and p["venue"] == "arXiv")
        assert facet_count(page, "tag", tag) == want, tag
    month = f"{papers[0]['year']}-{papers[0]['month']:02d}"
    assert facet_count(page, "month", month) == len(
        keys(
            papers,
            lambda p: (
                in_tags(p)
                and p["venue"] == "arXiv"
                and (p["year"], p["month"]) == (papers[0]["year"], papers[0]["month"])
            ),
        )
    )
    want = [("tag", t) for t in tags] + [("venue", "arXiv")]
    assert sorted(query_of(page, want)) == sorted(want)


def test_has_code_and_author_type_ahead(page, example) -> None:
    base, papers = example
    open_index(page, base)
    facet_box(page, "code", "yes").check()
    wait_shown(page, keys(papers, lambda p: bool(p["code"])))
    author = "Jiawei Han"
    find = page.locator('[data-papershelf-facet-find="author"]')
    find.fill("jiawei h")  # the type-ahead narrows thousands of names to a few
    facet_box(page, "author", author).check()
    wait_shown(page, keys(papers, lambda p: bool(p["code"]) and author in p["authors"]))
    want = [("code", "yes"), ("author", author)]
    assert sorted(query_of(page, want)) == sorted(want)


# ---------------------------------------------------------------- URL state
def test_a_link_reproduces_the_view(page, example) -> None:
    base, papers = example
    tag = "Computation and Language"
    open_index(page, base, f"?q=search&tag={quote(tag)}&sort=oldest")
    expected = [
        k
        for k in reversed(keys(papers))
        if k in keys(papers, lambda p: tag in p["tags"] and text_match(p, ["search"]))
    ]
    wait_shown(page, expected)
    assert shown(page) == expected  # oldest first
    assert page.input_value("[data-papershelf-query]") == "search"
    assert facet_box(page, "tag", tag).is_checked()
    assert page.input_value("[data-papershelf-sort]") == "oldest"
    # Material's search also opens itself for a ?q= (and drops q when closed): not here.
    assert not page.is_checked("#__search"), "Material's search dialog took the filter's text"
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('q') === 'search'", timeout=5000
    )
    assert parse_qsl(urlsplit(page.url).query) == [
        ("q", "search"),
        ("tag", tag),
        ("sort", "oldest"),
    ]
    headings = page.eval_on_selector_all(
        ".papershelf-group:not([hidden]) .papershelf-group-title",
        "hs => hs.map(h => h.firstChild.textContent.trim())",
    )
    dates = [(p["year"], p["month"]) for p in papers if p["key"] in expected]
    assert headings[0].endswith(str(dates[-1][0])) and len(headings) == len(dict.fromkeys(dates))


def test_sort_by_title_regroups_by_letter(page, example) -> None:
    base, papers = example
    open_index(page, base)
    page.select_option("[data-papershelf-sort]", "title")
    page.wait_for_function("() => location.search === '?sort=title'")
    titles = page.eval_on_selector_all(
        "[data-papershelf-key] .papershelf-item-title", "as => as.map(a => a.textContent)"
    )

    def filed(title: str) -> str:  # a leading article is passed over, as catalogues do
        return re.sub(r"^(the|an?)\s+", "", fold(title))

    assert sorted(titles, key=filed) == titles and len(titles) == len(papers)
    assert any(fold(t).startswith("the ") for t in titles)  # so the rule above is exercised
    headings = page.eval_on_selector_all(
        ".papershelf-group-title", "hs => hs.map(h => h.firstChild.textContent.trim())"
    )
    assert headings == sorted(set(headings)) and headings[0] == filed(titles[0])[0].upper()


def test_back_and_forward_restore_views(page, example) -> None:
    base, papers = example
    open_index(page, base)
    facet_box(page, "venue", "NeurIPS 2025").check()
    page.wait_for_function("() => location.search === '?venue=NeurIPS%202025'")
    facet_box(page, "code", "yes").check()
    page.wait_for_function("() => location.search.includes('code=yes')")
    both = keys(papers, lambda p: p["venue"] == "NeurIPS 2025" and bool(p["code"]))
    wait_shown(page, both)
    page.go_back()
    wait_shown(page, keys(papers, lambda p: p["venue"] == "NeurIPS 2025"))
    assert not facet_box(page, "code", "yes").is_checked()
    page.go_back()
    wait_shown(page, keys(papers))
    page.go_forward()
    page.go_forward()
    wait_shown(page, both)
    assert facet_box(page, "code", "yes").is_checked()


def test_typing_is_one_step_back(page, example) -> None:
    base, papers = example
    open_index(page, base)
    facet_box(page, "venue", "NeurIPS 2025").check()
    page.wait_for_function("() => location.search === '?venue=NeurIPS%202025'")
    page.fill("[data-papershelf-query]", "rea")
    page.wait_for_function("() => location.search.includes('q=rea')")
    page.type("[data-papershelf-query]", "soning", delay=30)
    page.wait_for_function("() => location.search.includes('q=reasoning')")
    page.go_back()  # to the view before typing, not past it
    page.wait_for_function("() => location.search === '?venue=NeurIPS%202025'")
    wait_shown(page, keys(papers, lambda p: p["venue"] == "NeurIPS 2025"))
    assert page.input_value("[data-papershelf-query]") == ""


@pytest.mark.parametrize(
    "query",
    [
        "?tag=No+such+tag&bogus=1&sort=sideways",
        "?q=%E0%A4%A&year=%ZZ",
        "?q=" + "x" * 5000 + "&tag=" + "y" * 5000,
        "?venue=arxiv",  # known value, other case: kept, respelled
        "?" + "&".join(f"f{i}=v" for i in range(500)),
    ],
    ids=["unknown", "bad-encoding", "huge", "case", "many"],
)
def test_bad_query_strings_are_ignored_and_cleaned(page, example, query: str) -> None:
    base, papers = example
    open_index(page, base, query)
    if query == "?venue=arxiv":
        wait_shown(page, keys(papers, lambda p: p["venue"] == "arXiv"))
        page.wait_for_function("() => location.search === '?venue=arXiv'")
    else:
        wait_shown(page, keys(papers))
        page.wait_for_function("() => location.search === ''")
        assert count_text(page) == f"{len(papers)} papers"


def test_a_documented_value_no_paper_has_shows_no_papers(page, example) -> None:
    base, papers = example
    assert all(p["has_note"] for p in papers)  # so `note=no` matches nothing here
    open_index(page, base, "?note=no")
    wait_shown(page, [])
    assert count_text(page) == f"Showing 0 of {len(papers)} papers"
    assert page.evaluate("() => location.search") == "?note=no"  # kept, not widened to all
    assert (
        page.locator('.papershelf-chip[data-papershelf-value="no"]').text_content() == "No note ✕"
    )
    assert facet_box(page, "note", "no").is_checked()  # shown, so it can be unchecked


# ---------------------------------------------------------------- export
def test_export_downloads_exactly_the_shown_papers_as_bibtex(page, example) -> None:
    base, papers = example
    open_index(page, base, "?venue=EMNLP+2025")
    expected = keys(papers, lambda p: p["venue"] == "EMNLP 2025")
    wait_shown(page, expected)
    with page.expect_download() as download:
        page.click('[data-papershelf-export="bib"]')
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert download.value.suggested_filename == "papers.bib"
    assert re.findall(r"^@\w+\{([^,]+),", text, re.MULTILINE) == expected
    assert "imported" not in text and "file =" not in text
    page.wait_for_function(
        "() => /Downloaded 5 entries/.test(document.querySelector('.papershelf-message').textContent)"
    )


def test_export_copies_the_shown_papers_as_markdown(browser, example) -> None:
    base, papers = example
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base.rstrip("/"))
    page = context.new_page()
    open_index(page, base, "?venue=COLM+2025")
    expected = [p for p in papers if p["venue"] == "COLM 2025"]
    wait_shown(page, [p["key"] for p in expected])
    page.click('[data-papershelf-export="markdown"]')
    page.wait_for_function(
        "() => /Copied 3 papers/.test(document.querySelector('.papershelf-message').textContent)"
    )
    lines = page.evaluate("() => navigator.clipboard.readText()").splitlines()
    assert len(lines) == len(expected)
    for line, paper in zip(lines, expected, strict=True):
        assert line.startswith(f"- [{paper['title']}]({base}{paper['url']})")
        assert f"({paper['year']}), COLM 2025" in line and paper["authors"][0] in line
    context.close()


def test_a_paper_page_has_one_copy_button_that_covers_no_text(browser, example) -> None:
    base, papers = example
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base.rstrip("/"))
    page = context.new_page()
    page.goto(base + papers[0]["url"])
    box = page.locator(".papershelf-bibtex")
    copy = box.locator(".papershelf-copy")
    copy.wait_for()
    page.wait_for_timeout(300)  # Material adds its own copy buttons after loading
    assert box.locator("button").count() == 1  # Material's is kept off this block
    button, code = copy.bounding_box(), box.locator("pre").bounding_box()
    assert button and code and button["y"] + button["height"] <= code["y"]
    copy.click()
    page.wait_for_function(
        "() => document.querySelector('.papershelf-bibtex .papershelf-copy').textContent === 'Copied'"
    )
    assert page.evaluate("() => navigator.clipboard.readText()").startswith("@")
    page.wait_for_function(
        "() => document.querySelector('.papershelf-bibtex .papershelf-copy').textContent === 'Copy'",
        timeout=5000,
    )
    context.close()


# ---------------------------------------------------------------- accessibility
def test_every_control_has_a_label_and_the_count_is_announced(page, example) -> None:
    base, _ = example
    open_index(page, base)
    unnamed = page.evaluate("""() => [...document.querySelectorAll(
        '[data-papershelf-index] input, [data-papershelf-index] select, [data-papershelf-index] button, [data-papershelf-index] textarea')]
      .filter(el => !(el.getAttribute('aria-label') || el.closest('label') || (el.id && document.querySelector(`label[for="${el.id}"]`)) || el.textContent.trim()))
      .map(el => el.outerHTML)""")
    assert unnamed == []
    assert page.get_attribute("[data-papershelf-count]", "aria-live") == "polite"


def test_filters_work_from_the_keyboard(page, example) -> None:
    base, papers = example
    open_index(page, base)
    facet_box(page, "venue", "ICLR 2025").focus()
    page.keyboard.press("Space")
    wait_shown(page, keys(papers, lambda p: p["venue"] == "ICLR 2025"))
    chip = page.locator(".papershelf-chip[data-papershelf-facet=venue]")
    chip.focus()
    page.keyboard.press("Enter")  # remove the filter again
    wait_shown(page, keys(papers))


# ---------------------------------------------------------------- themes and navigation
def test_material_instant_navigation_wires_the_index(page, example) -> None:
    base, papers = example
    page.goto(base)
    page.wait_for_load_state("networkidle")  # the sitemap is loaded
    page.evaluate("() => { window.__sameDocument = true; }")
    page.click("nav a[href$='papers/']")
    page.wait_for_selector("[data-papershelf-ready]", state="attached")
    assert page.evaluate("() => window.__sameDocument === true"), "the page was reloaded"
    facet_box(page, "venue", "ICML 2025").check()
    page.fill("[data-papershelf-query]", "reasoning")
    view = keys(papers, lambda p: p["venue"] == "ICML 2025" and text_match(p, ["reasoning"]))
    assert view
    wait_shown(page, view)
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('q') === 'reasoning'", timeout=5000
    )
    page.click("[data-papershelf-key]:not([hidden]) a.papershelf-item-title")
    page.wait_for_selector(".papershelf-paper")
    page.go_back()
    page.wait_for_selector("[data-papershelf-ready]", state="attached")
    wait_shown(page, view)
    assert page.input_value("[data-papershelf-query]") == "reasoning"
    assert not page.is_checked("#__search"), "Material's search dialog took the filter's text"
    assert page.evaluate("() => window.__sameDocument === true"), "the page was reloaded"


def test_on_a_phone_a_shared_view_shows_its_papers_first(page, example) -> None:
    base, papers = example
    page.set_viewport_size({"width": 390, "height": 844})
    open_index(page, base, "?venue=ICML+2025")
    expected = keys(papers, lambda p: p["venue"] == "ICML 2025")
    wait_shown(page, expected)
    toggle = page.locator(".papershelf-filters-toggle")
    assert (
        toggle.text_content() == "Filters (1)" and toggle.get_attribute("aria-expanded") == "false"
    )
    first = page.locator(f'[data-papershelf-key="{expected[0]}"]')
    assert first.bounding_box()["y"] < 844, "the papers are below the fold, under the filters"
    toggle.click()
    assert facet_box(page, "venue", "ICML 2025").is_visible()


def test_plain_mkdocs_theme_link_with_text_keeps_its_search_dialog_shut(page, fixture_site) -> None:
    base, papers = fixture_site
    open_index(page, base, "?q=muller")  # the mkdocs theme opens its search dialog for a ?q=
    wait_shown(page, keys(papers, lambda p: "Jörg Müller" in p["authors"]))
    page.wait_for_timeout(500)  # the theme's dialog fades in
    assert not page.is_visible("#mkdocs_search_modal"), "the theme's search took the filter's text"
    assert page.input_value("[data-papershelf-query]") == "muller"
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('q') === 'muller'", timeout=5000
    )


def test_plain_mkdocs_theme_accents_chinese_and_extra_facets(page, fixture_site) -> None:
    base, papers = fixture_site
    open_index(page, base)
    page.fill("[data-papershelf-query]", "MULLER")  # Jörg Müller, without the accent
    wait_shown(page, keys(papers, lambda p: "Jörg Müller" in p["authors"]))
    page.fill("[data-papershelf-query]", "中文")  # a tag, matched as a substring
    wait_shown(page, ["zhang2023chinese"])
    page.fill("[data-papershelf-query]", "")
    facet_box(page, "method", "RL").check()  # declared in mkdocs.yml: facets: [method]
    wait_shown(page, keys(papers, lambda p: "RL" in p.get("method", [])))
    assert facet_count(page, "method", "search") == 1


def test_a_paper_page_tag_opens_the_index_filtered_by_it(page, example) -> None:
    base, papers = example
    paper = next(p for p in papers if p["tags"])
    page.goto(f"{base}{paper['url']}")
    tags = page.locator(".papershelf-paper .papershelf-tags a")
    assert tags.first.is_visible()
    # Material's own (unlinked) copy of the page tags gives way to papershelf's linked ones.
    assert (
        page.locator(".md-tags").count() in (0, 1)
        and not page.locator(".md-tags").first.is_visible()
    )
    tag = paper["tags"][0]
    page.click(f".papershelf-paper .papershelf-tags a:text-is('{tag}')")
    page.wait_for_selector("[data-papershelf-ready]", state="attached")
    wait_shown(page, keys(papers, lambda p: tag in p["tags"]))
    assert facet_box(page, "tag", tag).is_checked()


def test_material_search_links_to_the_notes_that_hold_a_chinese_word(page, example) -> None:
    # The paper pages are not in Material's search: its results link to the index's view.
    base, papers = example
    word = "计算思维"
    holders = keys(papers, lambda p: text_match(p, [word]))
    assert holders and all(word_place(p, word) == 2 for p in papers if p["key"] in holders)
    page.goto(base)
    page.click(".md-search__input")
    page.keyboard.insert_text(word)
    link = page.locator("[data-papershelf-search-link]")
    link.wait_for()
    assert link.text_content() == f"Search {len(papers)} papers and their notes for “{word}” →"
    assert urlsplit(link.get_attribute("href")).path.endswith("/papers/")
    assert parse_qsl(urlsplit(link.get_attribute("href")).query) == [("q", word)]
    link.click()
    page.wait_for_selector("[data-papershelf-ready]", state="attached")
    wait_shown(page, holders)
    assert page.input_value("[data-papershelf-query]") == word
    assert page.locator("[data-papershelf-search-link]").count() == 1  # wired once


def test_the_mkdocs_theme_search_links_to_the_index(page, fixture_site) -> None:
    base, papers = fixture_site
    page.goto(base)
    page.click("a[data-bs-target='#mkdocs_search_modal']")
    page.fill("#mkdocs-search-query", "中文")
    link = page.locator("[data-papershelf-search-link]")
    link.wait_for()
    assert link.text_content() == f"Search {len(papers)} papers and their notes for “中文” →"
    page.keyboard.type(" ")  # the theme redraws its results on each key: the link stays
    assert link.is_visible()
    link.click()
    page.wait_for_selector("[data-papershelf-ready]", state="attached")
    wait_shown(page, ["zhang2023chinese"])


def test_a_page_load_fetches_no_whole_site_search_index(browser, example) -> None:
    base, papers = example
    context = browser.new_context()
    page = context.new_page()
    fetched: list[str] = []
    page.on("requestfinished", lambda request: fetched.append(request.url))
    for url in (base, base + papers[0]["url"], base + "papers/"):
        page.goto(url)
        page.wait_for_load_state("networkidle")
    index_url = next(u for u in fetched if u.endswith("search/search_index.json"))
    docs = page.evaluate("url => fetch(url).then(r => r.json()).then(d => d.docs)", index_url)
    context.close()
    assert docs and not [d for d in docs if d["location"].startswith("papers/")]
    assert not [u for u in fetched if "index-fulltext" in u]  # only when someone searches


# ---------------------------------------------------------------- full-text search
def snippets(page) -> list[tuple[str, str]]:
    """(paper key, highlighted text) of each snippet on the page."""
    return page.eval_on_selector_all(
        "[data-papershelf-snippet]",
        "els => els.map(e => [e.closest('[data-papershelf-key]').dataset.papershelfKey, e.querySelector('mark').textContent])",
    )


@pytest.mark.parametrize(
    ("word", "typed"),
    [("幻觉", "ime"), ("强化学习", "ime"), ("bamboogle", "keys"), ("Bamboogle", "url")],
    ids=["chinese-2", "chinese-4-no-spaces", "english-typed", "english-from-the-address"],
)
def test_words_only_in_notes_find_their_papers_with_snippets(page, example, word, typed) -> None:
    base, papers = example
    expected = keys(papers, lambda p: text_match(p, [fold(word)]))
    in_notes = [p for p in papers if p["key"] in expected and word_place(p, fold(word)) == 2]
    assert in_notes and len(expected) < len(papers)  # some only through their note
    open_index(page, base, "?q=" + quote(word) if typed == "url" else "")
    if typed == "ime":  # one input event with the whole word, as an input method commits it
        page.click("[data-papershelf-query]")
        page.keyboard.insert_text(word)
    elif typed == "keys":
        page.type("[data-papershelf-query]", word, delay=20)
    searched(page)
    wait_shown(page, expected)
    assert count_text(page) == f"Showing {len(expected)} of {len(papers)} papers"
    page.wait_for_function("() => document.querySelector('[data-papershelf-snippet]')")
    found = snippets(page)
    assert found and all(fold(mark) == fold(word) and key in expected for key, mark in found)
    notes_only = {p["key"] for p in in_notes}
    assert notes_only & {key for key, _ in found}  # a paper found by its note shows why
    query_of(page, [("q", word)])


def test_best_match_puts_title_matches_before_notes(page, example) -> None:
    base, papers = example
    word = "policy"
    places = {p["key"]: word_place(p, word) for p in papers}
    expected = [k for tier in (0, 1, 2) for k in keys(papers) if places[k] == tier]
    assert {places[k] for k in expected} == {0, 1, 2}  # all three groups are there
    open_index(page, base, "?q=policy")
    searched(page)
    wait_shown(page, expected)
    assert shown(page) == expected  # by group, newest first in each
    assert page.input_value("[data-papershelf-sort]") == "best"
    headings = page.eval_on_selector_all(
        ".papershelf-group:not([hidden]) .papershelf-group-title",
        "hs => hs.map(h => h.firstChild.textContent.trim())",
    )
    assert headings == [
        "In the title",
        "In the authors, venue, tags, summary or abstract",
        "In the note",
    ]
    page.select_option("[data-papershelf-sort]", "newest")
    query_of(page, [("q", "policy"), ("sort", "newest")])
    assert shown(page) == [k for k in keys(papers) if k in expected]
    page.fill("[data-papershelf-query]", "")  # no query: the default order again
    query_of(page, [])
    assert shown(page) == keys(papers)


def test_a_note_word_with_a_facet(page, example) -> None:
    base, papers = example
    word, venue = "强化学习", "arXiv"
    open_index(page, base, "?q=" + quote(word))
    with_word = keys(papers, lambda p: text_match(p, [word]))
    searched(page)
    wait_shown(page, with_word)
    for value in {p["venue"] for p in papers if p["key"] in with_word}:
        assert facet_count(page, "venue", value) == sum(
            1 for p in papers if p["key"] in with_word and p["venue"] == value
        ), value
    facet_box(page, "venue", venue).check()
    both = [k for k in with_word if next(p for p in papers if p["key"] == k)["venue"] == venue]
    assert 0 < len(both) < len(with_word)
    wait_shown(page, both)
    query_of(page, [("q", word), ("venue", venue)])


@pytest.mark.xfail(
    strict=False,
    reason="open bug: after Back from a facet chosen on a query, Material's instant navigation "
    "reloads the index (a request for papers/ is seen) and the list is sometimes left empty; "
    "it fails in full runs after another test of the example, rarely alone",
)
def test_back_and_forward_over_a_facet_on_a_note_word(page, example) -> None:
    base, papers = example
    word, venue = "强化学习", "arXiv"
    open_index(page, base, "?q=" + quote(word))
    with_word = keys(papers, lambda p: text_match(p, [word]))
    both = [k for k in with_word if next(p for p in papers if p["key"] == k)["venue"] == venue]
    searched(page)
    wait_shown(page, with_word)
    facet_box(page, "venue", venue).check()
    wait_shown(page, both)
    page.go_back()
    wait_shown(page, with_word)
    assert not facet_box(page, "venue", venue).is_checked()
    page.go_forward()
    wait_shown(page, both)
    assert page.input_value("[data-papershelf-query]") == word


@pytest.mark.parametrize(
    "query",
    [
        ".*+?[](){}|^$\\",
        "\"quoted\" “幻觉” 「检索」 'x'",
        "强化学习 " * 2000,
        "\ud800幻觉\udfff",
        "!!! … —",
        "🌟🌟",
        "a\x00b\x1f",
    ],
    ids=["regex", "quotes", "10-kb", "lone-surrogates", "punctuation", "emoji", "control"],
)
def test_hostile_queries_neither_fail_nor_hang(page, example, query: str) -> None:
    base, papers = example
    open_index(page, base)
    started = page.evaluate("() => performance.now()")
    page.fill("[data-papershelf-query]", query)
    searched(page)
    page.wait_for_function(
        "() => /papers/.test(document.querySelector('[data-papershelf-count]').textContent)"
    )
    assert page.evaluate("() => performance.now()") - started < 5000
    q = dict(query_of(page)).get("q", "")
    assert len(q) <= 200 and "\ud800" not in q  # at most the filter's 200 characters, valid


def test_a_list_without_abstracts_filters_by_text_quietly(page, serve, tmp_path) -> None:
    # DBLP exports and many Zotero ones have no abstracts: the abstract index is then empty.
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    bib = site / "bib" / "refs.bib"
    bib.write_text(
        re.sub(r"(?m)^\s*abstract = .*\n", "", bib.read_text(encoding="utf-8")), encoding="utf-8"
    )
    out = build_site(site / "mkdocs.yml", tmp_path / "out", "--strict")
    papers = json.loads((out / "papers.json").read_text(encoding="utf-8"))
    assert papers and not any(p["abstract"] for p in papers)
    complaints: list[str] = []
    page.on(
        "console", lambda m: complaints.append(m.text) if m.type in ("warning", "error") else None
    )
    open_index(page, serve(out))
    page.fill("[data-papershelf-query]", "chinese")
    wait_shown(page, keys(papers, lambda p: text_match(p, ["chinese"])))
    page.wait_for_timeout(300)  # the full-text index is fetched on focus
    assert [c for c in complaints if "papershelf" in c] == []


@pytest.fixture(scope="module")
def many_hits(tmp_path_factory, serve) -> str:
    """250 papers with `policy` in every title, so one best-match group has 250 hits."""
    work = tmp_path_factory.mktemp("many")
    shutil.copytree(FIXTURE, work / "site")
    shutil.rmtree(work / "site" / "bib" / "notes")
    (work / "site" / "bib" / "notes").mkdir()
    entries = [
        f"@misc{{p{i:03d}, title = {{Policy study {i}}}, author = {{Doe, Jane}}, "
        f"year = {{{2000 + i % 25}}}, month = {{{1 + i % 12}}}}}\n"
        for i in range(250)
    ]
    (work / "site" / "bib" / "refs.bib").write_text("".join(entries), encoding="utf-8")
    return serve(build_site(work / "site" / "mkdocs.yml", work / "out", "--strict"))


def test_best_match_draws_the_first_hits_and_the_rest_on_demand(page, many_hits) -> None:
    open_index(page, many_hits, "?q=policy")
    searched(page)
    title_group = "[data-papershelf-group=best-title]"
    drawn = f"{title_group} .papershelf-item:not([hidden])"
    page.wait_for_function(f"() => document.querySelectorAll('{drawn}').length === 100")
    assert count_text(page) == "250 papers"  # the count is of every hit, drawn or not
    assert page.text_content(f"{title_group} .papershelf-group-count").strip() == "250"
    more = page.locator(f"{title_group} .papershelf-more")
    assert more.is_visible() and more.text_content() == "Show 150 more"
    more.click()
    page.wait_for_function(f"() => document.querySelectorAll('{drawn}').length === 250")
    assert not more.is_visible()
    assert len(set(shown(page))) == 250
    page.keyboard.press("End")
    page.click("[data-papershelf-query]")
    page.keyboard.type(" study")  # a new query: its first hits again
    page.wait_for_function(f"() => document.querySelectorAll('{drawn}').length === 100")
    page.select_option("[data-papershelf-sort]", "newest")  # other orders draw every hit
    page.wait_for_function(
        "() => document.querySelectorAll('.papershelf-item:not([hidden])').length === 250"
    )
