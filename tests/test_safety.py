"""Nothing injected: hostile .bib values and notes end up as text, never as script."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from papershelf.safety import NoteIds, attribute_text, plain_title, sanitize_html

FIXTURE = Path(__file__).parent / "fixtures" / "site"

HOSTILE_BIB = r"""@article{xss1,
  title = {<script>alert("title")</script> & <img src=x onerror=alert(1)>},
  author = {<b onmouseover=alert(2)>Evil</b>, Eve and O'Brien, "Quote"},
  journal = {</title><script>alert(3)</script>},
  year = {2024},
  keywords = {<svg onload=alert(4)>, "><script>alert(5)</script>},
  abstract = {Abstract with <script>alert(6)</script> and "quotes" & ampersands.},
  url = {javascript:alert(7)},
  code = {https://github.com/a/b"><script>alert(8)</script>},
}
@misc{../../escape:me, title = {Path key}, year = {2023}}
"""

HOSTILE_NOTE = """---
summary: "<img src=x onerror=alert(9)>"
---
Fine **Markdown** stays.

<script>alert(10)</script>
<img src="x" onerror="alert(11)">
<a href="javascript:alert(12)">click</a> [md link](javascript:alert(13))
<iframe src="https://evil.example"></iframe>
<div onclick="alert(14)">div text</div>
<details><summary>More</summary>Kept</details>
<kbd>Ctrl</kbd>
"""


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<script>alert(1)</script>ok", "ok"),
        ('<img src="x" onerror="alert(1)">', '<img src="x">'),
        ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
        ('<a href="data:text/html,&lt;script&gt;">x</a>', "<a>x</a>"),
        (
            '<a href="https://ok.example/p" rel="noopener">x</a>',
            '<a href="https://ok.example/p" rel="noopener">x</a>',
        ),
        ('<a href="../other/">x</a>', '<a href="../other/">x</a>'),
        (
            '<div class="admonition note" onclick="x()"><p>t</p></div>',
            '<div class="admonition note"><p>t</p></div>',
        ),
        (
            '<svg onload="alert(1)" viewBox="0 0 24 24"><path d="M0 0"></path></svg>',
            '<svg viewBox="0 0 24 24"><path d="M0 0"></path></svg>',
        ),
        ("<style>body{display:none}</style>x", "x"),
        (
            '<input type="checkbox" checked disabled onfocus="x()">',
            '<input type="checkbox" checked="" disabled="">',
        ),
        ('<span data-papershelf-key="k">x</span>', "<span>x</span>"),
        (
            '<div data-papershelf-index data-papershelf-data="https://e.example/x.json">',
            "<div></div>",
        ),
        ('<div data-md-component="search" data-md-toggle="search">x</div>', "<div>x</div>"),
        (
            '<div id="x" data-no-results-text="&lt;img src=x onerror=alert(1)&gt;">',
            '<div id="x"></div>',
        ),
        (
            '<div class="tabbed-set" data-tabs="1:2">t</div>',
            '<div class="tabbed-set" data-tabs="1:2">t</div>',
        ),
        (
            '<span class="linenos" data-linenos="1 "></span>',
            '<span class="linenos" data-linenos="1 "></span>',
        ),
        (
            '<a href="https://e.example" target="_blank">x</a>',
            '<a href="https://e.example" target="_blank">x</a>',
        ),
        (
            '<a href="https://e.example" target="papershelf">x</a>',
            '<a href="https://e.example">x</a>',
        ),
        ("a<!-- b -->c", "ac"),
    ],
)
def test_sanitize_html(dirty: str, clean: str) -> None:
    assert sanitize_html(dirty) == clean


@pytest.mark.parametrize(
    ("note", "page"),
    [
        pytest.param('<div id="__config">', '<div id="note-__config">', id="id"),
        pytest.param('<a name="x">', '<a name="note-x">', id="name"),
        pytest.param('<label for="x">', '<label for="note-x">', id="for"),
        pytest.param(
            '<p aria-describedby="a b">', '<p aria-describedby="note-a note-b">', id="id-list"
        ),
        pytest.param('<a href="#method">', '<a href="#note-method">', id="to-a-heading"),
        pytest.param('<a href="#bibtex_1">', '<a href="#bibtex">', id="to-a-renumbered-section"),
        pytest.param('<a href="#bibtex">', '<a href="#bibtex">', id="to-a-papershelf-section"),
        pytest.param('<a href="#fn:1">', '<a href="#note-fn:1">', id="to-a-footnote"),
        pytest.param('<a href="#">', '<a href="#">', id="to-the-top"),
        pytest.param('<a id="__codelineno-0-1">', '<a id="__codelineno-0-1">', id="code-line"),
        pytest.param('<a href="../b/#method">', '<a href="../b/#note-method">', id="other-paper"),
        pytest.param('<a href="../b/#notes">', '<a href="../b/#notes">', id="other-paper-section"),
        pytest.param('<a href="../own/#x">', '<a href="../own/#x">', id="other-page"),
        pytest.param(
            '<a href="https://e.example/#x">', '<a href="https://e.example/#x">', id="other-site"
        ),
        pytest.param(
            '<a href="https://e.example" target="_blank">',
            '<a href="https://e.example" target="_blank" rel="noopener">',
            id="new-tab",
        ),
        pytest.param(
            '<a target="_blank" rel="nofollow noopener">',
            '<a target="_blank" rel="nofollow noopener">',
            id="new-tab-with-rel",
        ),
        pytest.param('<div data-tabs="1:2">', '<div data-tabs="1:2">', id="tabs"),
        pytest.param('<div data-tabs="1:2&quot;x">', "<div>", id="tabs-odd-value"),
    ],
)
def test_note_ids_are_the_notes_own(note: str, page: str) -> None:
    ids = NoteIds(
        {"method": "note-method", "bibtex_1": "bibtex"},
        frozenset({"notes", "bibtex"}),
        paper_page=lambda path: path == "../b/",
    )
    assert ids.rewrite(note) == page


def test_meta_values_are_safe_for_unescaping_themes() -> None:
    assert "<" not in plain_title("</title><script>x</script>")
    assert attribute_text('a "b" <c>') == "a &quot;b&quot; &lt;c&gt;"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    site = root / "site"
    shutil.copytree(FIXTURE, site)
    (site / "bib" / "refs.bib").write_text(HOSTILE_BIB, encoding="utf-8")
    shutil.rmtree(site / "bib" / "notes")
    (site / "bib" / "notes").mkdir()
    (site / "bib" / "notes" / "xss1.md").write_text(HOSTILE_NOTE, encoding="utf-8")
    for theme in ("mkdocs", "material"):
        config = site / "mkdocs.yml"
        spec = "{name: mkdocs, highlightjs: false}" if theme == "mkdocs" else theme
        text = re.sub(r"theme: .*", f"theme: {spec}", (FIXTURE / "mkdocs.yml").read_text())
        config.write_text(text, encoding="utf-8")
        result = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(root / theme)],
            capture_output=True,
            text=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
        assert result.returncode == 0, result.stderr
        assert "bib/refs.bib:8: entry 'xss1': 'url' is not an http(s) URL" in result.stderr
    return root


def page_scripts(html: str) -> list[str]:
    """The page's scripts that run. A JSON-LD block is data: it must parse whole as JSON (a
    title that ended it early would leave it cut short), and is left out."""
    scripts = []
    for kind, text in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.DOTALL):
        if 'type="application/ld+json"' in kind:
            json.loads(text)
        else:
            scripts.append(text)
    return scripts


class _Handlers(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [f"<{tag} {name}>" for name, _ in attrs if name.startswith("on")]


def event_handlers(html: str) -> list[str]:
    """The `on*` attributes of the page's tags, as a browser parses them (text inside an
    attribute value, such as an escaped title in a meta tag, is no attribute)."""
    parser = _Handlers()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("theme", ["mkdocs", "material"])
def test_no_data_becomes_markup(hostile_site: Path, theme: str) -> None:
    out = hostile_site / theme
    for path in [out / "papers" / "xss1" / "index.html", out / "papers" / "index.html"]:
        html = path.read_text(encoding="utf-8")
        assert not any("alert(" in script for script in page_scripts(html)), path
        assert not event_handlers(html), path
        assert not re.search(r"""(href|src)\s*=\s*["']?\s*javascript:""", html, re.I), path
        assert "<iframe" not in html and "<svg onload" not in html
    page = (out / "papers" / "xss1" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt; &amp; &lt;img" in page  # as text
    assert "<strong>Markdown</strong>" in page and "<details>" in page and "<kbd>Ctrl</kbd>" in page
    assert "div text" in page


def test_hostile_key_gets_a_working_page_inside_the_site(hostile_site: Path) -> None:
    pages = [
        p.relative_to(hostile_site / "mkdocs")
        for p in (hostile_site / "mkdocs").rglob("index.html")
    ]
    assert Path("papers/escape-me/index.html") in pages
    assert not (hostile_site / "escape").exists() and not (hostile_site.parent / "escape").exists()


@pytest.mark.browser
@pytest.mark.parametrize("theme", ["mkdocs", "material"])
def test_hostile_pages_run_no_script_in_a_browser(
    hostile_site: Path, theme: str, serve, page
) -> None:
    base = serve(hostile_site / theme)
    page.add_init_script(
        "for (const f of ['alert', 'confirm', 'prompt']) "
        "window[f] = (...a) => { (window.__called ||= []).push(f + ':' + a); };"
    )
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{base}papers/xss1/")
    title = page.text_content(".papershelf-paper-title")
    assert title.startswith('<script>alert("title")</script> & <img src=x onerror=alert(1)>')
    page.goto(f"{base}papers/")
    page.wait_for_selector("[data-papershelf-ready]", state="attached")
    page.fill("[data-papershelf-query]", "<script>")
    page.wait_for_function(
        "() => document.querySelectorAll('[data-papershelf-key]:not([hidden])').length === 1"
    )
    page.hover("[data-papershelf-key=xss1]")
    page.locator('[data-papershelf-facet="tag"] input[type=checkbox]').first.click()
    page.wait_for_timeout(300)  # let any injected timer or handler run
    assert page.evaluate("() => window.__called || []") == [] and dialogs == []


@pytest.mark.parametrize(
    "text", ["a\x85b", "line\u2028sep", "\ufeffbom", "del\x7f", "ok 🌟 中文 é"]
)
def test_front_matter_reads_back_exactly(text: str) -> None:
    from mkdocs.utils.meta import get_data

    from papershelf.pages import front_matter_json

    meta = {"title": text, "papershelf": "k"}
    body, read = get_data(f"---\n{front_matter_json(meta)}\n---\n\nbody\n")
    assert read == meta and body.strip() == "body"
