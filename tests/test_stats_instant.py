"""The statistics page under Material's instant navigation."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_build import built, fixture_with


@pytest.mark.browser
@pytest.mark.xfail(
    strict=True,
    reason="Material's instant navigation sets `.href` on every link of a page, and an SVG "
    "<a> (the charts' bars) has a read-only href: its script stops with a TypeError",
)
def test_the_stats_page_runs_materials_instant_navigation(tmp_path: Path, serve, browser) -> None:
    site = fixture_with(
        tmp_path,
        "theme: {name: mkdocs, highlightjs: false}",
        "theme: {name: material, features: [navigation.instant]}",
    )
    base = serve(built(site, tmp_path / "out"))
    # Its own tab rather than the `page` fixture, which fails at teardown (not in the test).
    context = browser.new_context()
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(base + "papers/stats/")
    tab.wait_for_timeout(1000)
    context.close()
    assert errors == []
