"""Issue #9's script injections, built for real and opened in a browser with real MathJax.

Each injection class gets a paper page under Material and under the plain mkdocs theme:
DOM clobbering of the themes' ids and data attributes, a forged papershelf index, and TeX
that MathJax would turn into `javascript:` links (in a title, an abstract, note math and a
raw `<span class="arithmatex">`). The browser counts dialogs, `alert`/`confirm`/`prompt`
calls, workers, fetches and navigations to `javascript:`/`data:` or other sites, and clicks
every link MathJax made. A positive control (an https `\\href`, which must stay a link)
shows that MathJax really typeset the math. MathJax 3 comes from the test dependency
`django-static-mathjax` (the npm `mathjax-full` build in a wheel), served from the site.
"""

from __future__ import annotations

import importlib.util
import json
import os
import urllib.parse
from pathlib import Path

import pytest
from conftest import build_site

# Material reads its configuration from the first #__config; this one points its search
# worker at a data: URL whose first message is a "search result" Material renders as HTML.
WORKER = (
    "postMessage({type:1});postMessage({type:3,data:{items:[[{location:'x',score:1,terms:{},"
    "tags:[],title:'<img src=x onerror=alert(document.domain)>',text:''}]]}})"
)
MATERIAL_CONFIG = json.dumps(
    {
        "base": ".",
        "features": [],
        "search": "data:text/javascript," + urllib.parse.quote(WORKER),
        "translations": {},
    }
)
BIB = r"""@article{evil,
  title = {Title $\href{javascript:alert('title')}{click}$ and $\cssId{__config}{x}$},
  author = {Eve, Evil},
  year = {2024},
  abstract = {Abstract $\h\class{x}ref{javascript:alert('abstract')}{click}$ and
    $\mmlToken{mi}[href="javascript:alert('abstract2')"]{y}$.},
}
@article{rich,
  title = {Extensions still work},
  author = {Doe, Jane},
  year = {2023},
}
"""
EVIL_NOTE = f"""## Method

Math $\\href{{javascript:alert('note')}}{{click}}$ and $\\href {{java
script:alert('newline')}}{{nl}}$ and $\\def\\x{{\\href}}\\x{{javascript:alert('def')}}{{d}}$.
Raw <span class="arithmatex">\\(\\href{{&#x6a;avascript:alert('raw')}}{{raw}}\\)</span> and
<span class="arithmatex">\\(\\hr<!-- -->ef{{javascript:alert('comment')}}{{c}}\\)</span>.
A link that must stay: $\\href{{https://example.org/ok}}{{ok}}$.

<div id="__config">{MATERIAL_CONFIG}</div>

<div id="mkdocs-search-results" data-no-results-text="<img src=x onerror=alert(document.domain)>"></div>

<div data-papershelf-index data-papershelf-data="https://other.example/x.json" data-md-component="search"></div>

<a href="https://example.org/tab" target="_blank">a new tab</a>, [to the method](#method), a
footnote[^1].

[^1]: The footnote.
"""
RICH_NOTE = """## Tabs

=== "Python"

    Alpha

=== "Rust"

    Beta

The same languages again:

=== "Python"

    Gamma

=== "Rust"

    Delta

!!! note "An admonition"
    Its body.

??? info "Details"
    Hidden until opened.

- [x] done
- [ ] to do

```python linenums="1"
print("hi")
print("there")
```

An icon :material-check:, math $a^2 + b^2$ and a link in math $\\href{https://example.org/ok}{ok}$.

$$
\\sum_i x_i
$$

A footnote[^n] and [back to the tabs](#tabs).

[^n]: The footnote's text.
"""
# Material's own page (https://squidfunk.github.io/mkdocs-material/reference/math/) also
# re-typesets on every `document$` page; on a first load that races MathJax's own typeset,
# which loses `\href` altogether (shown as an undefined macro), so these pages, loaded one at
# a time, let MathJax typeset once.
MATHJAX_CONFIG = """window.MathJax = {
  tex: {inlineMath: [["\\\\(", "\\\\)"]], displayMath: [["\\\\[", "\\\\]"]],
        processEscapes: true, processEnvironments: true},
  options: {ignoreHtmlClass: ".*|", processHtmlClass: "arithmatex"}
};
"""
EXTENSIONS = """markdown_extensions:
  - toc: {permalink: true}
  - footnotes
  - attr_list
  - md_in_html
  - admonition
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.highlight: {anchor_linenums: true, line_spans: __span}
  - pymdownx.inlinehilite
  - pymdownx.tabbed: {alternate_style: true}
  - pymdownx.tasklist: {custom_checkbox: true}
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
  - pymdownx.arithmatex: {generic: true}
extra_javascript:
  - javascripts/mathjax.js
  - mathjax/tex-mml-chtml.js
"""
THEMES = {
    "material": "{name: material, font: false, features: [content.code.copy, content.tabs.link]}",
    "mkdocs": "{name: mkdocs, highlightjs: false}",
}
# Counts what a page tries: dialogs, workers, fetches and clicks that go to javascript:,
# data: or another site. Runs before any of the page's own scripts.
TRIPWIRES = """(() => {
  const seen = (window.__tripped = []);
  const foreign = (url) => {
    try {
      const u = new URL(String(url), location.href);
      return u.origin !== location.origin;  // javascript:, data: and other sites alike
    } catch (error) { return true; }
  };
  for (const name of ["alert", "confirm", "prompt"]) {
    window[name] = (...args) => { seen.push(name + "(" + args.join(",") + ")"); };
  }
  const Worker = window.Worker;
  window.Worker = function (url, options) {
    if (foreign(url)) seen.push("worker " + String(url).slice(0, 60));
    return new Worker(url, options);
  };
  const fetch = window.fetch;
  window.fetch = (input, init) => {
    const url = input instanceof Request ? input.url : input;
    if (foreign(url)) seen.push("fetch " + url);
    return fetch(input, init);
  };
  const open = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    if (foreign(url)) seen.push("xhr " + url);
    return open.call(this, method, url, ...rest);
  };
  document.addEventListener("click", (event) => {
    // a.protocol is the scheme as the browser reads it, "java\\nscript:" included.
    const link = event.target.closest && event.target.closest("a[href]");
    if (link && /^(javascript|data|vbscript):$/.test(link.protocol)) {
      seen.push("navigate " + link.getAttribute("href"));
    }
  }, true);
})();"""


def mathjax_es5() -> Path:
    spec = importlib.util.find_spec("mathjax")
    folder = (
        Path(spec.origin).parent / "static" / "mathjax" / "es5" if spec and spec.origin else None
    )
    if folder is None or not (folder / "tex-mml-chtml.js").is_file():
        message = "MathJax is missing: pip install -e '.[test]' (django-static-mathjax)"
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    return folder


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    """The two papers built under each theme, with MathJax served beside them."""
    es5 = mathjax_es5()
    root = tmp_path_factory.mktemp("injection")
    (root / "docs" / "javascripts").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Home\n\n[Papers](papers/index.md)\n")
    (root / "docs" / "javascripts" / "mathjax.js").write_text(MATHJAX_CONFIG)
    (root / "bib" / "notes").mkdir(parents=True)
    (root / "bib" / "refs.bib").write_text(BIB, encoding="utf-8")
    (root / "bib" / "notes" / "evil.md").write_text(EVIL_NOTE, encoding="utf-8")
    (root / "bib" / "notes" / "rich.md").write_text(RICH_NOTE, encoding="utf-8")
    built = {}
    for theme, spec in THEMES.items():
        (root / "mkdocs.yml").write_text(
            f"site_name: Injection\ntheme: {spec}\nplugins:\n  - search\n  - papershelf:\n"
            f"      bib: bib/refs.bib\n      notes: bib/notes\n{EXTENSIONS}",
            encoding="utf-8",
        )
        out = build_site(root / "mkdocs.yml", root / f"site-{theme}", "--strict")
        (out / "mathjax").symlink_to(es5, target_is_directory=True)
        built[theme] = out
    return built


def open_paper(page, base: str, slug: str, query: str = "") -> list[str]:
    """Open a paper page with the tripwires set, once MathJax is done; return the other
    sites it asked for."""
    requests = open_page(page, base, f"papers/{slug}/{query}")
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.evaluate("() => MathJax.startup.promise")
    return requests


def open_page(page, base: str, path: str) -> list[str]:
    requests: list[str] = []

    def route(route) -> None:
        if route.request.url.startswith(base):
            route.continue_()
        else:
            requests.append(route.request.url)
            route.abort()

    page.context.route("**/*", route)
    page.add_init_script(TRIPWIRES)
    page.goto(base + path)
    return requests


@pytest.mark.browser
@pytest.mark.parametrize("theme", ["material", "mkdocs"])
def test_no_injection_runs_script_or_leaves_the_site(sites, serve, page, theme: str) -> None:
    base = serve(sites[theme])
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    # ?q= makes the mkdocs theme search on load: no result shows its "no results" text.
    requests = open_paper(page, base, "evil", "?q=zzqqxx")
    if theme == "mkdocs":
        page.wait_for_function(
            "() => document.getElementById('mkdocs-search-results').childElementCount > 0"
        )
    math_links = page.eval_on_selector_all(
        "mjx-container a[href]", "links => links.map(a => a.getAttribute('href'))"
    )
    assert "https://example.org/ok" in math_links  # MathJax did typeset \href
    for index in range(len(math_links)):
        link = page.locator("mjx-container a[href]").nth(index)
        if not link.get_attribute("href").startswith("https://"):
            link.dispatch_event("click")  # as a reader's click, even under an open overlay
    page.wait_for_timeout(500)  # let any worker message, timer or handler run
    tripped = page.evaluate("() => window.__tripped")
    assert (dialogs, tripped, requests) == ([], [], [])
    assert [h for h in math_links if not h.startswith("https://")] == []
    schemes = page.eval_on_selector_all("a[href]", "links => links.map(a => a.protocol)")
    assert {"javascript:", "data:", "vbscript:"} & set(schemes) == set()


@pytest.mark.browser
@pytest.mark.parametrize("theme", ["material", "mkdocs"])
def test_titles_typeset_on_the_index_and_beside_papers_make_no_link(
    sites, serve, page, theme
) -> None:
    base = serve(sites[theme])
    for path in ("papers/", "papers/rich/"):  # the index; the evil one is rich's neighbour
        requests = open_page(page, base, path)
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("() => MathJax.startup.promise")
        assert (
            page.locator(
                ".papershelf-item-title mjx-container, .papershelf-pager mjx-container"
            ).count()
            >= 2
        )
        links = page.eval_on_selector_all(
            ".papershelf-item-title mjx-container a, .papershelf-pager mjx-container a",
            "links => links.map(a => a.href)",
        )
        assert (links, page.evaluate("() => window.__tripped"), requests) == ([], [], []), path


@pytest.mark.browser
@pytest.mark.parametrize("theme", ["material", "mkdocs"])
def test_theme_and_papershelf_hooks_are_their_own(sites, serve, page, theme: str) -> None:
    base = serve(sites[theme])
    open_paper(page, base, "evil")
    hooks = page.evaluate(
        """() => ({
        config: document.getElementById("__config") && document.getElementById("__config").tagName,
        results: ((el) => el === null || el.closest("#mkdocs_search_modal") !== null)(
          document.getElementById("mkdocs-search-results")),
        forged: Array.from(document.querySelectorAll("*")).filter(el => Array.from(el.attributes)
          .some(a => /^data-(md|papershelf)-/.test(a.name))
          && el.closest(".papershelf-paper, .papershelf-references") === null
          && el.closest("article, [role=main]") !== null).map(el => el.outerHTML.slice(0, 80)),
        ids: Array.from(document.querySelectorAll("[role=main] [id], article [id]"))
          .map(el => el.id).filter(id => !/^(note-|abstract$|notes$|cite$|bibtex$|mjx-|__code_\\d+$)/.test(id)),
        newTab: Array.from(document.querySelectorAll("a[target=_blank]")).map(a => a.rel),
      })"""
    )
    assert hooks["config"] in ("SCRIPT", None)  # Material's own, or none (mkdocs theme)
    assert hooks["results"]  # the mkdocs theme's own search box, or none (Material)
    assert hooks["forged"] == []
    assert hooks["ids"] == []  # but papershelf's, MathJax's and those Material's scripts add
    assert hooks["newTab"] and all("noopener" in rel.split() for rel in hooks["newTab"])
    # The note's in-page link and footnote still land on their targets.
    page.click("text=to the method")
    assert page.evaluate("() => location.hash") == "#note-method"
    page.click("a.footnote-ref")
    assert page.evaluate("() => document.getElementById(location.hash.slice(1)) !== null")


@pytest.mark.browser
def test_material_extensions_still_work_in_a_sanitized_note(sites, serve, page, tmp_path) -> None:
    base = serve(sites["material"])
    open_paper(page, base, "rich")
    page.screenshot(path=str(tmp_path / "rich.png"), full_page=True)
    # Linked content tabs: choosing Rust in the first set chooses it in the second too.
    page.click(".tabbed-set >> nth=0 >> label >> text=Rust")
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.tabbed-set')).every("
        "set => set.querySelectorAll(':scope > input')[1].checked)"
    )
    assert page.is_visible("text=Delta") and not page.is_visible("text=Gamma")
    assert page.is_visible(".admonition.note >> text=Its body.")
    assert not page.is_visible("text=Hidden until opened.")
    page.click("details.info > summary")
    assert page.is_visible("text=Hidden until opened.")
    assert page.eval_on_selector_all(".task-list-item input", "b => b.map(i => i.checked)") == [
        True,
        False,
    ]
    assert page.locator(".highlight [data-clipboard-target]").count() == 1  # the copy button
    assert page.locator('a[href="#__codelineno-0-1"]').count() == 1  # line anchors
    assert page.locator(".twemoji svg").count() == 1
    assert page.locator(".papershelf-note mjx-container").count() == 3
    # The evil paper's title, typeset in the previous / next bar, makes no link either.
    assert page.locator(".papershelf-pager mjx-container").count() == 2
    assert page.locator(".papershelf-pager mjx-container a").count() == 0
    assert page.locator('mjx-container a[href="https://example.org/ok"]').count() == 1
    # Every link into the page, from the note, its footnotes, the permalinks and the table
    # of contents Material renders, lands on an element.
    dangling = page.evaluate(
        """() => Array.from(document.querySelectorAll('a[href^="#"]'))
        .map(a => decodeURIComponent(a.getAttribute('href').slice(1)))
        .filter(id => id && !id.startsWith('__') && !document.getElementById(id))"""
    )
    assert dangling == []
    toc = page.eval_on_selector_all(
        ".md-nav--secondary a", "links => links.map(a => a.getAttribute('href'))"
    )
    assert toc == ["#notes", "#note-tabs", "#cite", "#bibtex"]
    page.click("a.footnote-ref")
    assert page.evaluate("() => location.hash") == "#note-fn:n"


LOOKALIKE = '<div data-papershelf-index data-papershelf-data="{url}"><ol></ol></div>\n'


@pytest.fixture(scope="module")
def trusted_site(tmp_path_factory) -> Path:
    """Look-alike index elements where the sanitizer does not stand in the way: a note under
    `raw_html: allow` and a page of the site's own; and index data naming another site."""
    root = tmp_path_factory.mktemp("lookalike")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Home\n\n[Papers](papers/index.md)\n")
    (root / "docs" / "own.md").write_text(
        "# Own\n\n" + LOOKALIKE.format(url="https://other.example/x.json"), encoding="utf-8"
    )
    (root / "bib" / "notes").mkdir(parents=True)
    (root / "bib" / "refs.bib").write_text(BIB, encoding="utf-8")
    (root / "bib" / "notes" / "evil.md").write_text(
        "A note.\n\n" + LOOKALIKE.format(url="index-data.json?v=0"), encoding="utf-8"
    )
    (root / "mkdocs.yml").write_text(
        "site_name: Look-alike\ntheme: {name: mkdocs, highlightjs: false}\nplugins:\n  - search\n"
        "  - papershelf:\n      bib: bib/refs.bib\n      notes: bib/notes\n      raw_html: allow\n",
        encoding="utf-8",
    )
    out = build_site(root / "mkdocs.yml", root / "site", "--strict")
    data = out / "papers" / "index-data.json"
    tampered = json.loads(data.read_text(encoding="utf-8"))
    tampered["fulltext"] = "https://other.example/index-fulltext.json"
    data.write_text(json.dumps(tampered), encoding="utf-8")
    return out


@pytest.mark.browser
@pytest.mark.parametrize("path", ["papers/evil/", "own/"])
def test_papershelf_js_wires_only_the_index_it_wrote(trusted_site, serve, page, path) -> None:
    base = serve(trusted_site)
    requests = open_page(page, base, path)
    page.wait_for_timeout(300)
    assert page.locator("[data-papershelf-wiring], [data-papershelf-ready]").count() == 0
    assert (page.evaluate("() => window.__tripped"), requests) == ([], [])


@pytest.mark.browser
def test_papershelf_js_fetches_only_its_own_data_files(trusted_site, serve, page) -> None:
    base = serve(trusted_site)
    requests = open_page(page, base, "papers/")
    page.wait_for_selector("[data-papershelf-ready]", state="attached")
    page.fill("[data-papershelf-query]", "abstract")  # asks for the full-text index
    page.wait_for_selector("text=Notes and abstracts could not be loaded")
    assert (page.evaluate("() => window.__tripped"), requests) == ([], [])
