"""Macros for hand-written pages: `{{ cite("key") }}`, `{{ paper_list(tag=..., ...) }}`,
`{{ paper_card("key") }}` and the `{{ papershelf.count }}` variables.

Under MkDocs the plugin registers them on mkdocs-macros itself. For Zensical (which runs its
own port of mkdocs-macros and no MkDocs plugin) list this module, as mkdocs-macros also
accepts it, under the macros plugin:

    plugins:
      - macros:
          modules: [papershelf.macros]

`define_env` then reads the list from mkdocs.yml's papershelf options (once per process:
Zensical loads the module again for every page). When the plugin is active it does nothing,
so one mkdocs.yml serves both.

Everything a macro writes is Markdown, with text from the .bib escaped (`md_escape`) and its
math made inert; links are relative paths to the pages' Markdown files, which MkDocs and
Zensical both resolve. A key that does not exist, an unknown filter or one that matches no
paper is a warning: the plugin's logger, so `mkdocs build --strict` fails on it. Macros run
only while a page is built, so `papershelf check` cannot see them.
"""

from __future__ import annotations

import logging
import os
import posixpath
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .i18n import ENGLISH, Strings
from .mathguard import neutralise_tex
from .model import ET_AL, Entry, Library
from .notes import STATUSES
from .pages import author_list, md_escape

log = logging.getLogger("mkdocs.plugins.papershelf")

FILTERS = ("tag", "year", "status", "venue", "author")
SORTS = ("newest", "oldest", "title")


@dataclass(frozen=True)
class Selection:
    entries: tuple[Entry, ...]
    complaints: tuple[str, ...]  # what the page's author should hear about, as warnings


def select(library: Library, options: Mapping[str, Any]) -> Selection:
    """The papers `paper_list(**options)` shows. Several values for one filter (a list) mean
    any of them; different filters must all hold, as in the index."""
    complaints = [
        f"unknown option '{name}' (use {', '.join((*FILTERS, 'sort', 'limit'))})"
        for name in options
        if name not in (*FILTERS, "sort", "limit")
    ]
    entries = list(library.entries)  # newest first
    for name in FILTERS:
        if options.get(name) is None:
            continue
        wanted = options[name] if isinstance(options[name], (list, tuple)) else [options[name]]
        folded = {str(value).strip().casefold() for value in wanted}
        if name == "status" and not folded <= {*STATUSES, "none"}:
            complaints.append(f"status must be one of {', '.join((*STATUSES, 'none'))}")
        entries = [e for e in entries if folded & {v.casefold() for v in _values(name, e)}]
    sort = str(options.get("sort") or "newest")
    if sort not in SORTS:
        complaints.append(f"sort must be one of {', '.join(SORTS)}, not '{sort}'")
    elif sort == "oldest":
        entries.reverse()
    elif sort == "title":
        entries.sort(key=lambda e: e.paper.title.casefold())
    limit = options.get("limit")
    if limit is not None:
        if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0:
            entries = entries[:limit]
        else:
            complaints.append(f"limit must be a whole number above 0, not {limit!r}")
    return Selection(tuple(entries), tuple(complaints))


def _values(name: str, entry: Entry) -> list[str]:
    paper = entry.paper
    if name == "tag":
        return list(entry.tags)
    if name == "year":
        return [str(paper.year)] if paper.year else []
    if name == "status":
        return [(entry.note.status if entry.note else "") or "none"]
    if name == "venue":
        return [paper.venue] if paper.venue else []
    return [a.display for a in paper.authors if a != ET_AL]


def title_link(entry: Entry, link: str) -> str:
    return f"[{md_escape(neutralise_tex(entry.paper.title))}]({link})"


def list_markdown(
    entries: tuple[Entry, ...], link: Callable[[Entry], str], strings: Strings = ENGLISH
) -> str:
    """`- [Title](link) — Authors (March 2025), Venue`, one line per paper."""
    lines = []
    for entry in entries:
        paper = entry.paper
        facts = [md_escape(author_list(entry, 6))] if paper.authors else []
        date = strings.date(paper.year, paper.month)
        if date:
            facts.append(f"({md_escape(date)})")
        line = f"- {title_link(entry, link(entry))}"
        if facts:
            line += " — " + " ".join(facts)
        if paper.venue:
            line += f", {md_escape(paper.venue)}"
        lines.append(line)
    return "\n".join(lines)


def card_markdown(entry: Entry, link: str, strings: Strings = ENGLISH) -> str:
    """A paper as a quoted block: title, authors, date and venue, its one-line summary."""
    paper = entry.paper
    facts = [md_escape(author_list(entry, 6))] if paper.authors else []
    facts += [md_escape(v) for v in (strings.date(paper.year, paper.month), paper.venue) if v]
    lines = [f"**{title_link(entry, link)}**"]
    if facts:
        lines.append(" · ".join(facts))
    if entry.note is not None and entry.note.summary:
        lines.append(f"*{md_escape(strings('summary'))}* {md_escape(entry.note.summary)}")
    return "\n".join(
        f"> {line}" + ("  " if i < len(lines) - 1 else "") for i, line in enumerate(lines)
    )


def relative_link(from_uri: str, to_uri: str) -> str:
    """A link from the page `from_uri` to the Markdown file `to_uri` (both docs-relative)."""
    return posixpath.relpath(to_uri, posixpath.dirname(from_uri) or ".")


@dataclass
class Macros:
    """The macros over one library, for the page being built (`page_uri()`); `warn` is told
    what a page's author got wrong."""

    library: Callable[[], Library | None]
    page_uri: Callable[[str], str]  # a paper's key -> its page's docs-relative URI
    current: Callable[[], str]  # the docs-relative URI of the page being built
    strings: Strings = ENGLISH
    warn: Callable[[str], None] = log.warning

    def _entry(self, what: str, key: str) -> Entry | None:
        library = self.library()
        entry = library.by_key().get(key) if library else None
        if entry is None:
            self.warn(
                f"{self.current()}: {what}('{key}'): no such citation key in the bibliography"
            )
        return entry

    def _link(self, entry: Entry) -> str:
        return relative_link(self.current(), self.page_uri(entry.paper.key))

    def cite(self, key: str) -> str:
        entry = self._entry("cite", key)
        return md_escape(key) if entry is None else title_link(entry, self._link(entry))

    def paper_card(self, key: str) -> str:
        entry = self._entry("paper_card", key)
        return (
            md_escape(key)
            if entry is None
            else card_markdown(entry, self._link(entry), self.strings)
        )

    def paper_list(self, **options: Any) -> str:
        library = self.library() or Library(())
        chosen = select(library, options)
        call = ", ".join(f"{name}={value!r}" for name, value in options.items())
        for complaint in chosen.complaints:
            self.warn(f"{self.current()}: paper_list({call}): {complaint}")
        if not chosen.entries:
            self.warn(f"{self.current()}: paper_list({call}) matches no paper")
            return f"*{md_escape(self.strings('macros.none'))}*"
        return list_markdown(chosen.entries, self._link, self.strings)

    def functions(self) -> dict[str, Callable[..., str]]:
        return {"cite": self.cite, "paper_list": self.paper_list, "paper_card": self.paper_card}


# ---------------------------------------------------------------- as a macros module
_LOADED: dict[str, tuple[Any, Any]] = {}  # mkdocs.yml -> (its inputs' signature, site)


def define_env(env: Any) -> None:
    """mkdocs-macros' and Zensical's entry point for `modules: [papershelf.macros]`."""
    plugins = env.conf.get("plugins") or {}
    if "papershelf" in plugins:
        return  # the plugin registers the macros itself, with its own library
    config_file = _config_file(env)
    if config_file is None:
        log.warning("papershelf.macros: no mkdocs.yml found next to the site; no macros defined")
        return
    site = _site(config_file)
    macros = Macros(
        library=lambda: site.library,
        page_uri=site.page_uri,
        current=lambda: _page_path(env),
        strings=site.strings,
    )
    for name, function in macros.functions().items():
        env.macro(function, name)
    env.variables["papershelf"] = site.summary


def _config_file(env: Any) -> Path | None:
    given = env.conf.get("config_file_path")
    if given:
        return Path(given)
    root = Path(env.conf.get("root_dir") or ".")
    return next((root / n for n in ("mkdocs.yml", "mkdocs.yaml") if (root / n).is_file()), None)


def _page_path(env: Any) -> str:
    page = getattr(env, "page", None)
    file = getattr(page, "file", None)
    path = getattr(file, "src_uri", None) or getattr(page, "path", None) or "index.md"
    return str(path).replace(os.sep, "/")


@dataclass
class _Site:
    library: Library
    layout: Any
    strings: Strings
    summary: dict[str, Any]

    def page_uri(self, key: str) -> str:
        return str(self.layout.page_uri(self.library.by_key()[key].paper))


def _site(config_file: Path) -> _Site:
    """The library of the site at `config_file`, read again only when a .bib file or the
    notes folder changed (Zensical calls `define_env` for every page)."""
    from .cli import load_settings
    from .library import load_library
    from .pages import library_summary
    from .site import Layout
    from .siteconfig import read_site

    settings = load_settings(str(config_file))
    signature = [_stamp(p) for p in (*settings.existing_bib_files(), settings.notes_dir())]
    key = str(config_file.resolve())
    hit = _LOADED.get(key)
    if hit is not None and hit[0] == signature:
        return hit[1]
    options = read_site(config_file, settings)
    library = load_library(settings)
    site = _Site(
        library,
        Layout(settings.path, options.directory_urls),
        options.strings,
        library_summary(library),
    )
    _LOADED[key] = (signature, site)
    return site


def _stamp(path: Path) -> tuple[str, float, int]:
    try:
        stat = path.stat()
    except OSError:
        return (str(path), 0.0, -1)
    return (str(path), stat.st_mtime, stat.st_size)
