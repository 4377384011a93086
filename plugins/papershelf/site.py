"""`Library` -> the files papershelf adds to a site: a page per paper, the index page, its data
files and the public catalogue.

Pure functions (no MkDocs): the plugin turns the result into MkDocs `File`s, and a command can
write the same files into a docs folder for generators that run no plugins. A `SiteCache`
carries what is worth keeping across `mkdocs serve` rebuilds.
"""

from __future__ import annotations

import posixpath
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .i18n import ENGLISH, Strings
from .index import DATA_FILE, catalogue_json, index_files, index_html, index_inputs, versioned
from .library import Settings
from .model import Asset, Entry, Library, Note, Paper, Problem
from .pages import NoteLinks, PageOptions, PaperPage, front_matter_json, paper_page

INDEX_MARKER = "<!-- papershelf-index -->"


def index_page(strings: Strings = ENGLISH) -> str:
    """The index page's own source. Its list goes in after the theme has rendered the page,
    so the theme's search does not index every paper a second time (each has its own page)."""
    meta = {
        "title": strings("index.title"),
        "render_macros": False,
        "search": {"exclude": True},
        "hide": ["toc"],
    }
    return f"---\n{front_matter_json(meta)}\n---\n\n{INDEX_MARKER}\n"


@dataclass(frozen=True)
class Layout:
    """Where papershelf's files live in a site: `<path>/index.md`, `<path>/<slug>.md`."""

    path: str = "papers"
    directory_urls: bool = True  # MkDocs' `use_directory_urls`

    @property
    def index_uri(self) -> str:
        return f"{self.path}/index.md"

    def page_uri(self, paper: Paper) -> str:
        return f"{self.path}/{paper.slug}.md"

    def url(self, uri: str) -> str:
        """The site URL of a Markdown page, as MkDocs gives it (`papers/x.md` -> `papers/x/`)."""
        stem = uri[: -len(".md")]
        if not self.directory_urls:
            return f"{stem}.html"
        if stem == "index":
            return "./"
        if stem.endswith("/index"):
            return stem[: -len("index")]
        return f"{stem}/"


def site_root(url: str) -> str:
    """The site's root, relative to the page at site URL `url` (`papers/x/` -> `../../`)."""
    folder = url if url.endswith("/") else posixpath.dirname(url)
    return "../" * len([part for part in folder.split("/") if part and part != "."])


def relative_url(target: str, base: str) -> str:
    """`target` as a link from the page at `base` (both site URLs, like MkDocs' own)."""
    folder = base if base.endswith("/") else posixpath.dirname(base)
    relative = posixpath.relpath(target or ".", folder or ".")
    return relative + "/" if target.endswith("/") and relative != "." else relative or "."


@dataclass(frozen=True)
class PageInputs:
    """Everything a paper page is made from: equal inputs give an equal page."""

    paper: Paper
    note: Note | None
    options: PageOptions
    related: tuple[tuple[str, str], ...]  # (slug, title) of the papers the note relates
    body: str  # the note's text with its links pointed at the pages


@dataclass(frozen=True)
class CachedPage:
    inputs: PageInputs
    page: PaperPage


@dataclass
class SiteCache:
    """Kept across `mkdocs serve` rebuilds: pages by citation key, and the index's data files
    and list for the library they were made from (an edit of a note's text changes neither)."""

    pages: dict[str, CachedPage] = field(default_factory=dict)
    index_inputs: Any = None
    data: dict[str, str] | None = None
    listing: str | None = None


@dataclass(frozen=True)
class SitePlan:
    """What the site gets. URIs are relative to the docs folder."""

    pages: Mapping[str, PaperPage]  # generated paper pages
    keys: Mapping[str, str]  # generated page's URI -> its citation key
    urls: Mapping[str, str]  # citation key -> its page's site URL (generated or hand-written)
    index_page: str  # the index page's Markdown; "" when the site has its own
    data: Mapping[str, str]  # data files: the index's, and the catalogue
    strings: Strings = ENGLISH  # the interface's words

    @cached_property
    def page_urls(self) -> frozenset[str]:
        """The site URLs of the generated paper pages."""
        return frozenset(self.urls[key] for key in self.keys.values())


def plan_site(
    library: Library,
    settings: Settings,
    layout: Layout,
    *,
    links: NoteLinks,
    hand_written: Container[str] = (),
    catalogue: str = "papers.json",
    math: bool = False,
    strings: Strings = ENGLISH,
    cache: SiteCache | None = None,
) -> SitePlan:
    """The pages, the index and its data. A page the site has written by hand (its URI is in
    `hand_written`) takes the place of the generated one."""
    cache = cache if cache is not None else SiteCache()
    by_key = library.by_key()
    index_url = layout.url(layout.index_uri)
    pages: dict[str, PaperPage] = {}
    keys: dict[str, str] = {}
    urls: dict[str, str] = {}
    fresh: dict[str, CachedPage] = {}
    for entry in library.entries:
        uri = layout.page_uri(entry.paper)
        urls[entry.paper.key] = layout.url(uri)
        if uri in hand_written:
            continue
        index = relative_url(index_url, urls[entry.paper.key])
        options = PageOptions(
            index_url=index, math=math, strings=strings, site_root=site_root(urls[entry.paper.key])
        )
        fresh[entry.paper.key] = _page(entry, by_key, options, links, cache)
        pages[uri], keys[uri] = fresh[entry.paper.key].page, entry.paper.key
    cache.pages = fresh
    return SitePlan(
        pages=pages,
        keys=keys,
        urls=urls,
        index_page="" if layout.index_uri in hand_written else index_page(strings),
        data=_index_data(library, settings, layout, urls, catalogue, strings, cache),
        strings=strings,
    )


def _page(
    entry: Entry,
    by_key: Mapping[str, Entry],
    options: PageOptions,
    links: NoteLinks,
    cache: SiteCache,
) -> CachedPage:
    note = entry.note
    related = tuple(
        (by_key[k].paper.slug, by_key[k].paper.title)
        for k in (note.related if note else ())
        if k in by_key
    )
    inputs = PageInputs(entry.paper, note, options, related, links.rewrite(note) if note else "")
    hit = cache.pages.get(entry.paper.key)
    if hit is None or hit.inputs != inputs:
        hit = CachedPage(inputs, paper_page(entry, by_key, options, links))
    return hit


def _index_data(
    library: Library,
    settings: Settings,
    layout: Layout,
    urls: Mapping[str, str],
    catalogue: str,
    strings: Strings,
    cache: SiteCache,
) -> dict[str, str]:
    inputs = (index_inputs(library), settings, layout, catalogue, strings)
    if inputs != cache.index_inputs or cache.data is None:
        cache.index_inputs, cache.listing = inputs, None
        data = {
            f"{layout.path}/{name}": text
            for name, text in index_files(library, settings.facets, strings).items()
        }
        if catalogue:
            data[catalogue] = catalogue_json(library, lambda e: urls[e.paper.key], settings.facets)
        cache.data = data
    return cache.data


def index_listing(library: Library, plan: SitePlan, layout: Layout, cache: SiteCache) -> str:
    """The index page's list of every paper (HTML), made once per library."""
    if cache.listing is None:
        base = layout.url(layout.index_uri)
        data_file = f"{layout.path}/{DATA_FILE}"
        cache.listing = index_html(
            library,
            lambda e: relative_url(plan.urls[e.paper.key], base),
            versioned(DATA_FILE, plan.data[data_file]),
            plan.strings,
            site_root(base),
        )
    return cache.listing


def note_images(library: Library, layout: Layout) -> dict[str, Asset]:
    """Images beside the notes, by the URI they get beside the pages (so `![](figures/a.png)`
    works). `load_library` found, checked and read them: only images (a notes folder may hold
    PDFs and other files not meant for the web), and SVG only when notes are trusted."""
    return {f"{layout.path}/{asset.path}": asset for asset in library.assets}


def bib_files(library: Library) -> dict[str, Asset]:
    """The files the bibliography names (`pdf = {a.pdf}`), by their URI in the site:
    `load_library` found, checked and read them (see `paperfiles`)."""
    return {asset.path: asset for asset in library.files}


def note_links(
    library: Library, settings: Settings, layout: Layout, published: Iterable[str]
) -> NoteLinks:
    """How notes' links are pointed and checked. `published`: the site's other files (the
    docs folder's, the images beside the notes), relative to the docs folder."""
    pages = {layout.page_uri(entry.paper) for entry in library.entries}
    return NoteLinks.of(
        library,
        settings.relative(settings.notes_dir()),
        layout.path,
        frozenset(published) | pages | {layout.index_uri},
    )


def link_problems(library: Library, links: NoteLinks) -> list[Problem]:
    return [problem for e in library.entries if e.note for problem in links.missing(e.note)]
