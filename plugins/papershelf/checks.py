"""Problems with how a site is set up, found from its MkDocs configuration: the plugin warns
about them during a build and `papershelf check` reports them, through these same functions."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

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
