"""Problems with how a site is set up, found from its MkDocs configuration: the plugin warns
about them during a build and `papershelf check` reports them, through these same functions."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .feed import (
    FeedInputs,
    FeedOptions,
    added_dates,
    build_date,
    undated_problems,
    untracked_problem,
)
from .gitdates import GitCache, first_added
from .library import Settings
from .model import Library, Problem

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

_HAN = re.compile("[\u3400-\u9fff]")


def has_han(library: Library) -> bool:
    """Whether any title, abstract or note holds Chinese characters."""
    return any(
        _HAN.search(e.paper.title)
        or _HAN.search(e.paper.abstract)
        or (e.note and _HAN.search(e.note.body))
        for e in library.entries
    )


def search_separator_problem(config: MkDocsConfig, library: Library) -> Problem | None:
    """Material's search cuts Chinese into words with jieba and joins them with U+200B; its
    separator for most theme languages does not split there, so no Chinese word is found.
    `config` must have been through Material's search `on_config`, which fills the separator
    in from the theme's language."""
    search = config.plugins.get("material/search")
    separator = getattr(search, "config", {}).get("separator") if search else None
    if not isinstance(separator, str) or "\u200b" in separator or "\\u200b" in separator:
        return None
    if not has_han(library):
        return None
    return Problem(
        Path(config.config_file_path or "mkdocs.yml").name,
        None,
        None,
        "the papers or notes hold Chinese text, but Material's search `separator` "
        f"'{separator}' does not split at U+200B, where it cuts Chinese into words: "
        "searching for a Chinese word finds nothing",
        "in mkdocs.yml, set `separator: '[\\s\\u200b\\-]+'` under `- search:`",
        "search-separator",
    )


def search_pipeline_problem(config: MkDocsConfig) -> Problem | None:
    """Material's search with `stemmer` in its pipeline (its default for the theme languages
    zh, zh-Hant, zh-TW and ja) finds no whole word: the index holds stems (`fixtur`), the
    query a prefix of the word (`fixture*`), and lunr does not stem a prefix. Measured with
    Material 9.8: `fixture` typed on such a site found nothing, with `pipeline: []` its page.
    `config` must have been through Material's search `on_config`."""
    search = config.plugins.get("material/search")
    pipeline = getattr(search, "config", {}).get("pipeline") if search else None
    if not isinstance(pipeline, list) or "stemmer" not in pipeline:
        return None
    language = config.theme.get("language") or "en"
    return Problem(
        Path(config.config_file_path or "mkdocs.yml").name,
        None,
        None,
        f"Material's search `pipeline` holds `stemmer` (its default for the theme language "
        f"'{language}'): the search box then finds no word typed in full, on any page",
        "in mkdocs.yml, set `pipeline: []` under `- search:`",
        "search-pipeline",
    )


def site_url_problem(site_url: str | None, config_file: Path) -> Problem | None:
    """The feed's links must be absolute: `site_url` must be an http(s) address."""
    parts = urlsplit(site_url or "")
    if parts.scheme in ("http", "https") and parts.netloc:
        return None
    what = (
        f"`site_url` '{site_url}' is not an absolute http(s) address"
        if site_url
        else "`site_url` is not set"
    )
    return Problem(
        config_file.name,
        _line_of(config_file, "site_url"),
        None,
        f"{what}, and the feed needs absolute links: no feed is written",
        "set the published address, e.g. `site_url: https://you.github.io/reading/`, "
        "or `feed: 0` under the plugin's options for no feed",
        "bad-site-url",
    )


def _line_of(config_file: Path, name: str) -> int | None:
    try:
        text = config_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    found = re.search(rf"^{re.escape(name)}\s*:", text, re.MULTILINE)
    return text.count("\n", 0, found.start()) + 1 if found else None


def feed_inputs(
    library: Library,
    settings: Settings,
    entries: int,
    site: Any,
    config_file: Path,
    git: GitCache | None = None,
) -> tuple[FeedInputs | None, list[Problem]]:
    """What the feed is made from, and what is wrong with it: the plugin, `papershelf check`
    and `generate` all ask here. `site`: anything with mkdocs.yml's `site_url`, `site_name`,
    `site_author` and `site_description` (MkDocs' config, or `generate.SiteOptions`)."""
    if entries <= 0:
        return None, []
    bad_url = site_url_problem(site.site_url, config_file)
    if bad_url is not None:
        return None, [bad_url]
    added = added_dates(library, {})
    problems: list[Problem] = []
    tracked = True
    if len(added) < len(library.entries):  # only then is git asked
        paths = settings.existing_bib_files()
        dates = first_added(paths, [settings.relative(p) for p in paths], git)
        added, tracked = added_dates(library, dates.dates), dates.tracked
        problems += [dates.problem] if dates.problem else []
    if not tracked:
        problems += filter(None, [untracked_problem(library, added)])
    elif not problems:  # a shallow clone's one message stands for every undated paper
        problems += undated_problems(library, added)
    options = FeedOptions(
        site_url=str(site.site_url),
        title=str(site.site_name or ""),
        entries=entries,
        author=str(site.site_author or ""),
        description=str(site.site_description or ""),
    )
    return FeedInputs(options, added, build_date()), problems
