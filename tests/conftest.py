from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from papershelf.library import Settings, load_library
from papershelf.model import Library

LoadFn = Callable[..., Library]


@pytest.fixture
def load(tmp_path: Path) -> LoadFn:
    """Write a .bib text (and optional notes) into a scratch site and load it."""

    def _load(bib: str, notes: dict[str, str] | None = None, **options: object) -> Library:
        (tmp_path / "bib" / "notes").mkdir(parents=True, exist_ok=True)
        (tmp_path / "bib" / "refs.bib").write_text(bib, encoding="utf-8")
        for name, text in (notes or {}).items():
            path = tmp_path / "bib" / "notes" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return load_library(Settings(root=tmp_path, **options))  # type: ignore[arg-type]

    return _load


# ---------------------------------------------------------------- real-browser tests
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _browser_missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (scripts/ensure-chromium installs it)"
    return None


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright. Outside CI a missing browser skips; on CI
    (CI=true) it fails, so browser tests can never silently stop running there."""
    missing = _browser_missing()
    if missing:
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail(f"browser tests must run on CI: {missing}")
        pytest.skip(f"browser tests skipped outside CI: {missing}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def serve():
    """serve(folder) -> base URL of a static server for that folder on 127.0.0.1."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def _serve(folder: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield _serve
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def page(browser):
    """A fresh page; any uncaught script error on it fails the test."""
    context = browser.new_context(accept_downloads=True)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert errors == [], errors


@contextmanager
def index_tab(browser, url: str) -> Iterator:
    """A tab of its own on the index page at `url`, once papershelf.js has wired it; no
    script error may happen on it while it is in use."""
    context = browser.new_context()
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(url)
    tab.wait_for_selector("[data-papershelf-ready]", state="attached")
    yield tab
    context.close()
    assert errors == []


def build_site(config: Path, out: Path, *args: str) -> Path:
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(out), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return out


def commit_copy(work: Path, when: str = "2025-06-01T10:00:00Z") -> Path:
    """Make a copy of a site its own git repository with everything in one commit: the feed
    dates papers by the commit that added their entry, and outside git it reports every
    paper as undated (which fails `--strict`)."""
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "copy"]):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-C", str(work), *args],
            check=True,
            capture_output=True,
            env=env,
        )
    return work
