"""Screenshots of paper pages and the index in headless Chromium, to look at each layout.

    .venv/bin/python scripts/screenshots.py [OUT_DIR]     (default: /tmp/papershelf-shots)
    .venv/bin/python scripts/screenshots.py --readme      (also writes the README's two)

Builds the example site (Material) and the fixture site (plain mkdocs theme), serves them on
127.0.0.1 and takes: a paper page wide (1280 px, light and dark), on a phone (light and
dark), printed (its first 1,800 px), in the mkdocs theme (light and dark), and the index.
Debian's Chromium through Playwright; nothing is downloaded. The notes' emoji need a colour
emoji font (Debian's fonts-noto-color-emoji).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "site"
PAPER = "papers/jin2025search/"  # a Chinese note, relations both ways, similar papers
# name: (site, path, width, height, dark, phone, scroll to, print)
SHOTS = {
    "paper-wide-light": ("example", PAPER, 1280, 900, False, False, None, False),
    "paper-wide-dark": ("example", PAPER, 1280, 900, True, False, "#related-papers", False),
    "paper-phone-light": ("example", PAPER, 390, 844, False, True, None, False),
    "paper-phone-dark": ("example", PAPER, 390, 844, True, True, "#related-papers", False),
    "paper-print": ("example", PAPER, 800, 1800, False, False, None, True),
    "mkdocs-light": ("fixture", "papers/zhang2023chinese/", 1280, 800, False, False, None, False),
    "mkdocs-dark": ("fixture", "papers/muller2024-deep-nets/", 1280, 800, True, False, None, False),
    "mkdocs-phone": ("fixture", "papers/muller2024-deep-nets/", 390, 844, False, True, None, False),
    "index-wide": ("example", "papers/", 1280, 900, False, False, None, False),
}
README = {"paper-wide-light": "screenshot-paper.png", "paper-phone-dark": "screenshot-phone.png"}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(folder: Path) -> str:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/"


def build(config: Path, out: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(out)]
    subprocess.run(command, check=True, env=env, capture_output=True)


def sites(work: Path) -> dict[str, str]:
    example = work / "example"
    for folder in ("docs", "bib"):
        shutil.copytree(ROOT / folder, example / folder)
    shutil.copy(ROOT / "mkdocs.yml", example / "mkdocs.yml")
    build(example / "mkdocs.yml", work / "example-site")
    fixture = work / "fixture"
    shutil.copytree(FIXTURE, fixture)
    config = fixture / "mkdocs.yml"
    # The mkdocs theme's own colour-mode switch, so its dark mode can be shown.
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "highlightjs: false}", "highlightjs: false, user_color_mode_toggle: true}"
        ),
        encoding="utf-8",
    )
    build(config, work / "fixture-site")
    return {"example": serve(work / "example-site"), "fixture": serve(work / "fixture-site")}


DARK = """() => {
  const body = document.body;
  if (body.hasAttribute("data-md-color-scheme")) {
    body.setAttribute("data-md-color-scheme", "slate");
    body.setAttribute("data-md-color-primary", "indigo");
  }
  document.documentElement.setAttribute("data-bs-theme", "dark");
}"""


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "--readme"]
    out = Path(args[0]) if args else Path(tempfile.gettempdir()) / "papershelf-shots"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        bases = sites(Path(tmp))
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        for name, (site, path, width, height, dark, phone, scroll, printed) in SHOTS.items():
            context = browser.new_context(
                viewport={"width": width, "height": height},
                is_mobile=phone,
                has_touch=phone,
                device_scale_factor=2 if phone else 1,
                color_scheme="dark" if dark else "light",
            )
            page = context.new_page()
            page.goto(bases[site] + path)
            if dark:
                page.evaluate(DARK)
            if printed:
                page.emulate_media(media="print")
            if scroll:
                page.eval_on_selector(scroll, "el => { el.scrollIntoView(); scrollBy(0, -72); }")
            page.wait_for_timeout(500)
            page.screenshot(path=str(out / f"{name}.png"))
            context.close()
            print(out / f"{name}.png")
        browser.close()
    if "--readme" in sys.argv:
        for name, target in README.items():
            shutil.copy(out / f"{name}.png", ROOT / "docs" / "assets" / target)
            print(ROOT / "docs" / "assets" / target)


if __name__ == "__main__":
    main()
