"""A note cannot make a site's other Markdown extensions read files for it.

pymdownx.snippets (in many Material sites' mkdocs.yml) replaces a line `--8<-- "file"`, in
prose or in code, with the file's content, from anywhere under the site's folder: a note
could publish `.env` or `mkdocs.yml`. Under `raw_html: sanitize` such lines in a note are
shown as written; under `allow` the note is trusted, as the site's own pages are.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_build import build, fixture_with

SECRET = "SECRET_TOKEN_hunter2"
NOTE = """---
key: Muller2024:Deep/Nets
---
A note.

--8<-- ".env"

  -8<- 'mkdocs.yml'

```
--8<-- ".env"
```

--8<--
.env
--8<--
"""


def snippets_site(tmp_path: Path, raw_html: str = "sanitize") -> Path:
    # Snippets reads files from the working folder unless told otherwise: the site's here.
    snippets = f"  - pymdownx.snippets: {{base_path: ['{tmp_path / 'site'}']}}\n"
    site = fixture_with(tmp_path, "  - toc\n", f"  - toc\n{snippets}  - pymdownx.superfences\n")
    if raw_html != "sanitize":
        config = site / "mkdocs.yml"
        text = config.read_text(encoding="utf-8")
        config.write_text(
            text.replace("bib: bib/refs.bib", f"bib: bib/refs.bib\n      raw_html: {raw_html}"),
            encoding="utf-8",
        )
    (site / ".env").write_text(SECRET + "\n", encoding="utf-8")
    (site / "bib" / "notes" / "deepnet.md").write_text(NOTE, encoding="utf-8")
    return site


def page_of(tmp_path: Path, site: Path) -> str:
    out = tmp_path / "out"
    result = build(site, out)
    assert result.returncode == 0, result.stderr
    return (out / "papers" / "muller2024-deep-nets" / "index.html").read_text(encoding="utf-8")


def test_a_sanitized_note_cannot_include_files_through_snippets(tmp_path: Path) -> None:
    html = page_of(tmp_path, snippets_site(tmp_path))
    assert SECRET not in html
    assert "site_name: Fixture" not in html
    # The lines are shown as the note has them.
    assert html.count("--8&lt;-- &quot;.env&quot;") + html.count('--8&lt;-- ".env"') == 2
    assert "-8&lt;- 'mkdocs.yml'" in html or "-8&lt;- &#x27;mkdocs.yml&#x27;" in html


@pytest.mark.parametrize("raw_html", [pytest.param("allow", id="trusted-notes")])
def test_trusted_notes_keep_their_snippets(tmp_path: Path, raw_html: str) -> None:
    assert SECRET in page_of(tmp_path, snippets_site(tmp_path, raw_html))


def test_generated_pages_escape_snippets_too(tmp_path: Path) -> None:
    # `papershelf generate` writes the page for Zensical, whose snippets reads it the same way.
    from test_generate import LINES, generate

    site = snippets_site(tmp_path)
    config = site / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + LINES, encoding="utf-8")
    result = generate(site)
    assert result.returncode == 0, result.stderr
    page = (site / "docs" / "papers" / "muller2024-deep-nets.md").read_text(encoding="utf-8")
    lines = page.splitlines()
    assert lines.count(';--8<-- ".env"') == 2 and lines.count(";--8<--") == 2
    assert "  ;-8<- 'mkdocs.yml'" in lines
    assert not any(line.lstrip().startswith("-8<-") or line.startswith("--8<-") for line in lines)
