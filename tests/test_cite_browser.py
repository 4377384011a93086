"""Citing from a paper page in a real browser: the references' Copy buttons and the downloads."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_build import built, copy_fixture

READ_HTML = """async () => {
  const items = await navigator.clipboard.read();
  const item = items.find((i) => i.types.includes("text/html"));
  return item ? await (await item.getType("text/html")).text() : null;
}"""


@pytest.fixture
def clipboard_page(browser):
    context = browser.new_context(
        permissions=["clipboard-read", "clipboard-write"], accept_downloads=True
    )
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert errors == [], errors


@pytest.mark.browser
def test_each_reference_copies_as_text_and_as_html(tmp_path: Path, serve, clipboard_page) -> None:
    out = built(copy_fixture(tmp_path), tmp_path / "out")
    page = clipboard_page
    page.goto(f"{serve(out)}papers/muller2024-deep-nets/")
    for style, start in (
        ("apa", "Müller, J., & Bubeck, S. (2024, July)."),
        ("ieee", "J. Müller and S. Bubeck, “DeepNet"),
        ("gb7714", "MÜLLER J, BUBECK S. DeepNet"),
    ):
        button = page.locator(f'[data-papershelf-copy-reference="{style}"]')
        assert button.text_content() == "Copy"
        page.evaluate("navigator.clipboard.writeText('')")
        button.click()
        page.wait_for_function(
            "b => b.textContent === 'Copied'", arg=button.element_handle(), timeout=5000
        )
        text = page.evaluate("navigator.clipboard.readText()")
        shown = page.locator(f'dd[data-papershelf-reference="{style}"]').text_content()
        assert text == " ".join(shown.split()) and text.startswith(start), text
        assert "Copy" not in text  # the button sits outside the reference
        rich = page.evaluate(READ_HTML)
        assert rich is not None and 'href="https://arxiv.org/abs/2401.00001"' in rich
        assert ("<i>" in rich) == (style != "gb7714")  # the italics go with the HTML
    # The BibTeX block's own button still copies the entry.
    page.locator(".papershelf-bibtex .papershelf-copy").click()
    page.wait_for_function("() => navigator.clipboard.readText().then(t => t.startsWith('@'))")


@pytest.mark.browser
def test_the_download_links_save_the_files_under_the_key(
    tmp_path: Path, serve, clipboard_page
) -> None:
    out = built(copy_fixture(tmp_path), tmp_path / "out")
    page = clipboard_page
    page.goto(f"{serve(out)}papers/muller2024-deep-nets/")
    for kind, name, start in (
        ("bib", "Muller2024_Deep_Nets.bib", "@inproceedings{Muller2024:Deep/Nets,"),
        ("ris", "Muller2024_Deep_Nets.ris", "TY  - CONF\r\n"),
        ("csl", "Muller2024_Deep_Nets.csl.json", '[\n  {\n    "id": "Muller2024:Deep/Nets"'),
    ):
        with page.expect_download() as info:
            page.click(f'[data-papershelf-download="{kind}"]')
        download = info.value
        assert download.suggested_filename == name
        assert Path(download.path()).read_bytes().decode("utf-8").startswith(start)
