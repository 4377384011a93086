"""What papershelf needs from mkdocs.yml besides its own options: the docs folder, the URL
style, `site_url` and the site's name for the feed, the Markdown extensions and the extra
CSS and JavaScript it lists, the macros plugin's options, the interface's language.

Read as the file is written, not through MkDocs' validation, which knows nothing of the
settings of Zensical (which reads the same file): `papershelf generate` and the macros module
run for sites that MkDocs itself may not build.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .i18n import Strings, strings_for
from .library import Settings


@dataclass(frozen=True)
class SiteOptions:
    """What papershelf needs from mkdocs.yml besides its own options, read as it is written
    (not through MkDocs, whose validation knows nothing of Zensical's settings)."""

    config_file: Path
    docs_dir: Path
    directory_urls: bool = True
    site_url: str = ""
    site_name: str = ""
    site_author: str = ""
    site_description: str = ""
    extensions: tuple[str, ...] = ()
    extra_css: tuple[str, ...] = ()
    extra_javascript: tuple[str, ...] = ()
    macros: dict[str, Any] | None = None  # the macros plugin's options, when it is listed
    custom_dir: str = ""  # the theme's override folder (`theme: custom_dir:`)
    strings: Strings = field(default_factory=lambda: strings_for("en"))

    @property
    def math(self) -> bool:
        return "pymdownx.arithmatex" in self.extensions


def read_site(config_file: Path, settings: Settings, options: Any = None) -> SiteOptions:
    """`options`: the plugin's validated options (`language`, `strings`), when at hand."""
    from mkdocs.utils.yaml import yaml_load

    with config_file.open(encoding="utf-8") as stream:
        data = yaml_load(stream) or {}
    theme = data["theme"] if isinstance(data.get("theme"), dict) else {}
    language = getattr(options, "language", "") or theme.get("language") or theme.get("locale")
    return SiteOptions(
        config_file=config_file,
        docs_dir=settings.root / str(data.get("docs_dir") or "docs"),
        directory_urls=data.get("use_directory_urls", True) is not False,
        site_url=str(data.get("site_url") or ""),
        site_name=str(data.get("site_name") or ""),
        site_author=str(data.get("site_author") or ""),
        site_description=str(data.get("site_description") or ""),
        extensions=tuple(_names(data.get("markdown_extensions"))),
        extra_css=tuple(_paths(data.get("extra_css"))),
        extra_javascript=tuple(_paths(data.get("extra_javascript"))),
        macros=_plugin(data.get("plugins"), "macros"),
        custom_dir=str(theme.get("custom_dir") or ""),
        strings=strings_for(str(language or "en"), getattr(options, "strings", None)),
    )


def _names(items: Any) -> list[str]:
    if isinstance(items, dict):
        return [str(k) for k in items]
    return [str(next(iter(i))) if isinstance(i, dict) else str(i) for i in items or []]


def _paths(items: Any) -> list[str]:
    return [str(i.get("path", "")) if isinstance(i, dict) else str(i) for i in items or []]


def _plugin(plugins: Any, name: str) -> dict[str, Any] | None:
    entries = list(plugins.items()) if isinstance(plugins, dict) else []
    for item in plugins if isinstance(plugins, list) else []:
        entries += list(item.items()) if isinstance(item, dict) else [(item, {})]
    return next((dict(o or {}) for n, o in entries if n == name), None)
