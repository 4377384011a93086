"""`Library` -> the files papershelf adds to a site: a page per paper, the index page, its data
files and the public catalogue.

Pure functions (no MkDocs): the plugin turns the result into MkDocs `File`s, and a command can
write the same files into a docs folder for generators that run no plugins. A `SiteCache`
carries what is worth keeping across `mkdocs serve` rebuilds.
"""

from __future__ import annotations

import html
import posixpath
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from markupsafe import Markup

from .around import Around, Surroundings
from .citestyles import style_title
from .downloads import SUFFIXES, download_name, download_text, download_uri
from .feed import FEED_FILE, FeedInputs, feed_xml
from .fulltext import FulltextCache, fulltext_files
from .headtags import head_html
from .i18n import ENGLISH, Strings
from .index import (
    DATA_FILE,
    catalogue_json,
    index_files,
    index_html,
    index_inputs,
    item_anchors,
    versioned,
)
from .library import Settings
from .mathguard import neutralise_tex
from .model import Asset, Entry, Library, Note, Paper, Problem
from .pages import Citing, NoteLinks, PageOptions, PaperPage, front_matter_json, paper_page
from .references import Reference
from .relations import Graph, link_graph
from .sections import redirect_html
from .stats import stats_page
from .suggest import TermCache, suggest
from .templating import render

FEED_TYPE = "application/atom+xml"

INDEX_MARKER = "<!-- papershelf-index -->"
STYLESHEET = "assets/papershelf/papershelf.css"  # the stylesheet and the script every page loads
SCRIPT = "assets/papershelf/papershelf.js"


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

    @property
    def stats_uri(self) -> str:
        return f"{self.path}/stats.md"

    @property
    def feed_uri(self) -> str:
        # At the site's root: Material takes every <link rel="alternate"> for a translation
        # of the site and fetches the sitemap beside it (a 404 next to papers/).
        return FEED_FILE

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
    around: Around | None = None  # what it shows of other papers: relations, suggestions, ...
    citing: Citing = Citing()


@dataclass(frozen=True)
class CachedPage:
    inputs: PageInputs
    page: PaperPage


@dataclass
class SiteCache:
    """Kept across `mkdocs serve` rebuilds: pages by citation key, the index's data files and
    list for the library they were made from (an edit of a note's text changes neither), and
    the full-text index's tokens by paper."""

    pages: dict[str, CachedPage] = field(default_factory=dict)
    terms: TermCache = field(default_factory=TermCache)  # each paper's words, for suggestions
    # citation key -> (paper, tags) and the download files made from them
    downloads: dict[str, tuple[Any, dict[str, str]]] = field(default_factory=dict)
    index_inputs: Any = None
    data: dict[str, str] | None = None
    listing: str | None = None
    stats: str | None = None
    fulltext: FulltextCache = field(default_factory=FulltextCache)


@dataclass(frozen=True)
class SitePlan:
    """What the site gets. URIs are relative to the docs folder."""

    pages: Mapping[str, PaperPage]  # generated paper pages
    keys: Mapping[str, str]  # generated page's URI -> its citation key
    urls: Mapping[str, str]  # citation key -> its page's site URL (generated or hand-written)
    index_page: str  # the index page's Markdown; "" when the site has its own
    data: Mapping[
        str, str
    ]  # data files: the index's (full-text index too), the catalogue, the feed
    strings: Strings = ENGLISH  # the interface's words
    stats_page: str = ""  # the statistics page's Markdown; "" when the site has its own
    feed: bool = False  # whether `data` holds the feed
    redirects: Mapping[str, str] = field(default_factory=dict)  # old address's file -> HTML
    math: bool = False  # titles on the index typeset by arithmatex
    # Every paper page's (generated or hand-written) extra <head>: citation meta, JSON-LD
    heads: Mapping[str, str] = field(default_factory=dict)
    downloads: Mapping[str, str] = field(default_factory=dict)  # URI -> one-entry file

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
    fulltext: bool = True,
    math: bool = False,
    snippets: bool = False,
    strings: Strings = ENGLISH,
    cache: SiteCache | None = None,
    feed: FeedInputs | None = None,
    source_links: bool = False,
    review: bool = True,
    site_url: str = "",
    references: Mapping[str, tuple[Reference, ...]] | None = None,
    downloads: tuple[str, ...] = tuple(SUFFIXES),
) -> SitePlan:
    """The pages, the index and its data, the statistics page and the feed (with `feed`). A
    page the site has written by hand (its URI is in `hand_written`) takes the place of the
    generated one; it still gets the paper's head tags and download files. `fulltext`: the
    index searches abstracts and notes through a full-text index (fulltext.py).

    `source_links`: the pages' own HTML links (to the index, to other papers) as Markdown
    links are written, relative to the page's source file (`index.md?tag=x`), for a generator
    that rewrites every link, raw HTML's too, as it rewrites Markdown's (Zensical). MkDocs
    leaves raw HTML alone: there they are final URLs (`../?tag=x`). `review`: whether pages
    mark the text repair's uncertain passages; `site_url` makes the old addresses' canonical
    links and the head tags' URLs absolute. `references`: each paper's formatted references,
    by key; `downloads`: the kinds of one-entry files each paper gets (`bib`, `ris`, `csl`).
    `snippets`: pymdownx.snippets is on, so a sanitized note's `--8<--` lines are escaped."""
    cache = cache if cache is not None else SiteCache()
    by_key = library.by_key()
    index_url = layout.url(layout.index_uri)
    urls = {e.paper.key: layout.url(layout.page_uri(e.paper)) for e in library.entries}
    graph = link_graph(library.entries)[0]
    around = _surroundings(library, graph, layout, urls, strings, cache, source_links)
    pages: dict[str, PaperPage] = {}
    keys: dict[str, str] = {}
    fresh: dict[str, CachedPage] = {}
    heads: dict[str, str] = {}
    download_files = _downloads(library, layout, cache, downloads)
    labels = _labels(references or {}, strings)
    for i, entry in enumerate(library.entries):
        uri = layout.page_uri(entry.paper)
        url = urls[entry.paper.key]
        heads[uri] = head_html(entry.paper, _absolute(site_url, url), entry.tags)
        if uri in hand_written:
            continue
        index = _index_link(layout, uri, url, source_links)
        # The site's root from the page: from its source file, for a generator (as its links)
        root = "../" * uri.count("/") if source_links else site_root(url)
        options = PageOptions(
            index_url=index,
            math=math,
            strings=strings,
            review=review,
            site_root=root,
            snippets=snippets and settings.raw_html == "sanitize",
        )
        citing = Citing(
            tuple(
                (r.style, labels[r.style], r.html)
                for r in (references or {}).get(entry.paper.key, ())
            ),
            tuple(
                (
                    kind,
                    _file_link(
                        uri, url, download_uri(layout.path, entry.paper.slug, kind), source_links
                    ),
                    download_name(entry.paper.key, kind),
                )
                for kind in downloads
            ),
        )
        fresh[entry.paper.key] = _page(entry, by_key, options, links, cache, around.of(i), citing)
        pages[uri], keys[uri] = fresh[entry.paper.key].page, entry.paper.key
    cache.pages = fresh
    data = _index_data(library, settings, layout, urls, catalogue, fulltext, strings, cache, math)
    if fulltext:
        searchable = fulltext_files(library, cache.fulltext)
        data = {**data, **{f"{layout.path}/{name}": text for name, text in searchable.items()}}
    if cache.stats is None:
        # The charts' links are SVG links (xlink:href), which no generator rewrites and
        # Material's instant navigation leaves alone: final URLs, with Zensical too.
        stats_url = layout.url(layout.stats_uri)
        index = relative_url(layout.url(layout.index_uri), stats_url)
        cache.stats = stats_page(library, strings, index)
    if feed is not None:
        xml = feed_xml(library, feed, urls, layout.feed_uri, index_url, strings)
        data = {**data, layout.feed_uri: xml}
    return SitePlan(
        pages=pages,
        keys=keys,
        urls=urls,
        index_page="" if layout.index_uri in hand_written else index_page(strings),
        data=data,
        strings=strings,
        stats_page="" if layout.stats_uri in hand_written else cache.stats,
        feed=feed is not None,
        redirects=_redirects(graph, by_key, layout, urls, hand_written, strings, site_url),
        math=math,
        heads=heads,
        downloads=download_files,
    )


def _index_link(layout: Layout, uri: str, url: str, source_links: bool) -> str:
    """The index, as a link in the raw HTML of the page at `uri` (served at `url`)."""
    return _link(layout, uri, url, layout.index_uri, source_links)


def _link(layout: Layout, uri: str, url: str, target: str, source_links: bool) -> str:
    """A link from the page at `uri` (served at `url`) to the page `target` (a docs URI), in
    its raw HTML: a source path for Zensical, else the final URL."""
    if source_links:
        return posixpath.relpath(target, posixpath.dirname(uri))
    return relative_url(layout.url(target), url)


def _surroundings(
    library: Library,
    graph: Graph,
    layout: Layout,
    urls: Mapping[str, str],
    strings: Strings,
    cache: SiteCache,
    source_links: bool,
) -> Surroundings:
    """The library as each page sees it. Suggestions leave out papers a relation already
    shows; each paper's words are kept in `cache`, so `mkdocs serve` segments only edits."""
    linked = {e.paper.key: graph.linked(e.paper.key) for e in library.entries}
    anchors = item_anchors(library)
    uris = {e.paper.key: layout.page_uri(e.paper) for e in library.entries}

    def link_to(here: str, there: str) -> str:
        return _link(layout, uris[here], urls[here], uris[there], source_links)

    def back_to(key: str) -> str:
        back = _link(layout, uris[key], urls[key], layout.index_uri, source_links)
        return f"{back}#{anchors[key]}" if key in anchors else back

    similar = suggest(library.entries, linked, cache.terms)
    return Surroundings(library.entries, graph, similar, strings, link_to, back_to)


def _redirects(
    graph: Graph,
    by_key: Mapping[str, Entry],
    layout: Layout,
    urls: Mapping[str, str],
    hand_written: Container[str],
    strings: Strings,
    site_url: str,
) -> dict[str, str]:
    """A small page at each old address (`aliases:`) leading to the paper's page: plain HTML
    files, so no theme, search index or sitemap lists them. A page written by hand at that
    address wins."""
    out = {}
    for old, key in sorted(graph.aliases.items()):
        if any(
            u in hand_written for u in (f"{layout.path}/{old}.md", f"{layout.path}/{old}/index.md")
        ):
            continue
        file = (
            f"{layout.path}/{old}/index.html"
            if layout.directory_urls
            else f"{layout.path}/{old}.html"
        )
        here = layout.url(f"{layout.path}/{old}.md")
        target = relative_url(urls[key], here)
        canonical = site_url.rstrip("/") + "/" + urls[key] if site_url else ""
        title = neutralise_tex(by_key[key].paper.title)
        out[file] = redirect_html(title, target, canonical, strings)
    return out


def _absolute(site_url: str, url: str) -> str:
    return f"{site_url.rstrip('/')}/{url}" if site_url else ""


def _labels(references: Mapping[str, tuple[Reference, ...]], strings: Strings) -> dict[str, str]:
    """Each style's label: the interface's word for it, else the style's own title."""
    styles = {r.style for refs in references.values() for r in refs}
    return {
        s: strings(f"reference.{s}") if f"reference.{s}" in strings.table else style_title(s)
        for s in styles
    }


def _downloads(
    library: Library, layout: Layout, cache: SiteCache, kinds: tuple[str, ...]
) -> dict[str, str]:
    """URI -> text of every paper's download files, remade only for papers that changed."""
    out: dict[str, str] = {}
    fresh: dict[str, tuple[Any, dict[str, str]]] = {}
    for entry in library.entries:
        made_from = (entry.paper, entry.tags, kinds, layout.path)
        hit = cache.downloads.get(entry.paper.key)
        if hit is None or hit[0] != made_from:
            texts = {
                download_uri(layout.path, entry.paper.slug, k): download_text(entry, k)
                for k in kinds
            }
            hit = (made_from, texts)
        fresh[entry.paper.key] = hit
        out.update(hit[1])
    cache.downloads = fresh
    return out


def _file_link(uri: str, url: str, target: str, source_links: bool) -> str:
    """A link from the page at `uri` (served at `url`) to the static file `target`."""
    if source_links:
        return posixpath.relpath(target, posixpath.dirname(uri))
    return relative_url(target, url)


def _page(
    entry: Entry,
    by_key: Mapping[str, Entry],
    options: PageOptions,
    links: NoteLinks,
    cache: SiteCache,
    around: Around,
    citing: Citing,
) -> CachedPage:
    note = entry.note
    related = tuple(
        (by_key[k].paper.slug, by_key[k].paper.title)
        for k in (note.related if note else ())
        if k in by_key
    )
    body = links.rewrite(note) if note else ""
    inputs = PageInputs(entry.paper, note, options, related, body, around, citing)
    hit = cache.pages.get(entry.paper.key)
    if hit is None or hit.inputs != inputs:
        hit = CachedPage(inputs, paper_page(entry, by_key, options, links, around, citing))
    return hit


def _index_data(
    library: Library,
    settings: Settings,
    layout: Layout,
    urls: Mapping[str, str],
    catalogue: str,
    fulltext: bool,
    strings: Strings,
    cache: SiteCache,
    math: bool = False,
) -> dict[str, str]:
    inputs = (index_inputs(library), settings, layout, catalogue, fulltext, strings, math)
    if inputs != cache.index_inputs or cache.data is None:
        cache.index_inputs, cache.listing, cache.stats = inputs, None, None
        files = index_files(library, settings.facets, strings, fulltext=fulltext)
        data = {f"{layout.path}/{name}": text for name, text in files.items()}
        if catalogue:
            data[catalogue] = catalogue_json(library, lambda e: urls[e.paper.key], settings.facets)
        cache.data = data
    return cache.data


def index_links(plan: SitePlan, layout: Layout, element: bool = False) -> str:
    """Links from the index to the statistics page and the feed (HTML). `element`: with the
    feed's `<link rel="alternate">` too, for a generator where papershelf cannot reach the
    page's `<head>` (generated pages)."""
    base, t = layout.url(layout.index_uri), plan.strings
    links = [(relative_url(layout.url(layout.stats_uri), base), t("stats.link"), "")]
    if plan.feed:
        links.append((relative_url(layout.feed_uri, base), t("feed.link"), FEED_TYPE))
    head = feed_link(plan, layout) if element else ""
    return render("index-links.html", links=links, head=Markup(head)).strip()


def feed_link(plan: SitePlan, layout: Layout) -> str:
    """The feed's `<link rel="alternate">` for the index page's `<head>`; "" without a feed."""
    if not plan.feed:
        return ""
    href = relative_url(layout.feed_uri, layout.url(layout.index_uri))
    return str(
        Markup('<link rel="alternate" type="{}" href="{}" title="{}">').format(
            FEED_TYPE, href, plan.strings("feed.link")
        )
    )


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
            plan.math,
            site_root(base),
        )
    return cache.listing


def with_search_link(output: str, plan: SitePlan, layout: Layout, page_url: str) -> str:
    """A page's HTML whose papershelf script knows where the index is, from that page, and
    the words of the link it adds to the theme's search box ("Search 41 papers and their
    notes for “q”"): the theme's search no longer holds the paper pages."""
    count = len(plan.urls)
    if not count or f'{SCRIPT}"' not in output:
        return output
    index = relative_url(layout.url(layout.index_uri), page_url)
    label = plan.strings.count("search.link", count, q="{q}")
    attributes = (
        f' data-papershelf-search="{html.escape(index)}"'
        f' data-papershelf-search-label="{html.escape(label)}"'
    )
    return output.replace(f'{SCRIPT}"', f'{SCRIPT}"{attributes}', 1)


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
