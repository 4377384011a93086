"""The MkDocs shell: each hook hands its work to the core in a few lines."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from .checks import feed_inputs, has_han, search_pipeline_problem, search_separator_problem
from .config import PapershelfConfig, notes_folder_problem, option_error, show_review, to_settings
from .feed import FeedInputs
from .gitdates import GitCache
from .headtags import insert_head
from .i18n import ENGLISH, strings_for
from .library import Cache, PapershelfError, Settings, load_library
from .macros import Macros
from .manifest import MANIFEST, scan
from .model import Asset, Library
from .pages import NoteLinks, PaperPage, library_summary, unlink_missing
from .paperhtml import PaperHtml, finish, paper_links
from .refcache import ReferenceCache, cache_path, formatted
from .references import Reference
from .site import (
    INDEX_MARKER,
    SCRIPT,
    STYLESHEET,
    Layout,
    SiteCache,
    SitePlan,
    bib_files,
    feed_link,
    index_links,
    index_listing,
    link_problems,
    note_images,
    note_links,
    plan_site,
    with_search_link,
)

log = get_plugin_logger("papershelf")
THEME_DIR = Path(__file__).parent / "theme"


def rename_anchors(page: Page, done: PaperHtml) -> None:
    """The page's table of contents (the theme's sidebar) and anchors follow the ids
    `finish` gave the headings; MkDocs' checks of links into the page see both names."""
    stack = list(page.toc)
    while stack:
        item = stack.pop()
        item.id = done.anchor(item.id)
        stack.extend(item.children)
    if page.present_anchor_ids is not None:
        page.present_anchor_ids |= {done.anchor(a) for a in page.present_anchor_ids}


def leave_theme_search(config: MkDocsConfig, urls: frozenset[str]) -> None:
    """Take the pages at `urls` out of MkDocs' own search index (the mkdocs and readthedocs
    themes'), before it is written: its search cannot exclude a page, and at 10,000 papers
    their text would be a file of tens of megabytes that every page load fetches. Material's
    search is told by the pages' meta instead (`search: {exclude: true}`)."""
    index = getattr(config.plugins.get("search"), "search_index", None)
    entries = getattr(index, "_entries", None)
    if isinstance(entries, list):
        entries[:] = [e for e in entries if str(e.get("location", "")).split("#")[0] not in urls]


def theme_search_notice(config: MkDocsConfig, library: Library, fulltext: bool) -> str:
    """Why the mkdocs theme's search finds no Chinese word, and where to search instead;
    "" when that does not apply (Material, no search, no Chinese)."""
    if "search" not in config.plugins or not has_han(library):
        return ""
    why = "the theme's search (lunr) cannot find Chinese words: it splits text at spaces only"
    if not fulltext:
        return f"{why}; set the papershelf option `fulltext: true` to search notes from the index"
    return (
        f"{why}, so the paper pages are left out of it; its search box links to the index, "
        "whose filter finds the notes' words. For Chinese in your own pages too, use the "
        "Material theme (with jieba, installed with papershelf)"
    )


def site_language(option: str, config: MkDocsConfig) -> str:
    """The plugin's `language`, else the theme's (Material's `language`, the mkdocs theme's
    `locale`), else English."""
    theme = config.theme
    return option or str(theme.get("language") or theme.get("locale") or "en")


class PapershelfBuildError(PluginError):
    """No site can be built: the message says what to do."""


class PapershelfPlugin(BasePlugin[PapershelfConfig]):
    def __init__(self) -> None:
        # MkDocs keeps this instance across `serve` rebuilds (it defines on_startup), so what
        # is worth keeping between builds lives here.
        self.dirty = False  # `serve --dirty` / `build --dirty`
        self.serving = False  # `mkdocs serve`: the person editing is reading the pages
        self.cache = Cache()  # parsed .bib files and notes
        self.site_cache = SiteCache()  # pages and the index's outputs
        self.git = GitCache()  # the dates the feed takes from git, by HEAD commit
        self.settings = Settings(root=Path.cwd())
        self.layout = Layout()
        self.math = False  # pymdownx.arithmatex will typeset $...$
        self.snippets = False  # pymdownx.snippets would read files named in the pages
        self.strings = ENGLISH  # the interface's words, in the site's language
        self.library: Library | None = None
        self.plan: SitePlan | None = None
        self.summary: dict[str, Any] = {}  # {{ papershelf.* }} for hand-written pages
        self.outputs: frozenset[str] = frozenset()  # files generated by the last build
        self.face: Any = None  # what hand-written pages could read of the last library
        self.noticed = False  # the theme-search notice was given (once per process)
        self.references = ReferenceCache(None)  # formatted references, on disk from on_config

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.dirty = dirty
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.settings = to_settings(self.config, config.config_file_path)
        settings = self.settings
        folders = (Path(config.docs_dir), Path(config.site_dir))
        if problem := notes_folder_problem(settings.notes_dir(), settings.root, *folders):
            raise PapershelfBuildError(option_error("notes", problem))
        try:
            bib_paths = self.settings.bib_paths()
        except PapershelfError as error:
            raise PapershelfBuildError(str(error)) from error
        config.watch.extend(str(p) for p in bib_paths)
        config.watch.extend(str(p) for f in settings.files if (p := settings.root / f).is_dir())
        if self.settings.notes_dir().is_dir():
            config.watch.append(str(self.settings.notes_dir()))
        config.theme.dirs.append(str(THEME_DIR))
        # A site that also builds with `papershelf generate` lists them itself: not twice.
        if STYLESHEET not in config.extra_css:
            config.extra_css.append(STYLESHEET)
        if SCRIPT not in [str(script) for script in config.extra_javascript]:
            config.extra_javascript.append(SCRIPT)
        self.math = "pymdownx.arithmatex" in config.markdown_extensions
        self.snippets = "pymdownx.snippets" in config.markdown_extensions
        self.layout = Layout(self.settings.path, config.use_directory_urls)
        cache_file = cache_path(settings.root)
        if self.references.path != cache_file:
            self.references = ReferenceCache(cache_file)
        self.strings = strings_for(site_language(self.config.language, config), self.config.strings)
        macros = config.plugins.get("macros")
        if macros is not None and hasattr(macros, "register_macros"):
            # Hand-written pages can write {{ cite("key") }}, {{ paper_list(tag="RL") }},
            # {{ paper_card("key") }} and {{ papershelf.count }}.
            functions = Macros(
                library=lambda: self.library,
                page_uri=self._page_uri,
                current=lambda: str(macros.page.file.src_uri),
                strings=self.strings,
                warn=log.warning,
            )
            macros.register_macros(functions.functions())
            macros.register_variables({"papershelf": self.summary})
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        try:
            library = self.library = load_library(self.settings, self.cache)
        except PapershelfError as error:
            raise PapershelfBuildError(str(error)) from error
        self._drop_generated(files, config)
        published = {
            uri: file
            for uri, file in [
                *bib_files(library).items(),
                *note_images(library, self.layout).items(),
            ]
            if files.get_file_from_path(uri) is None
        }
        links = note_links(
            library, self.settings, self.layout, [*(f.src_uri for f in files), *published]
        )
        feed = self._report(config, library, links)
        self.summary.update(library_summary(library))
        hand_written = {f.src_uri for f in files if not f.generated_by}
        plan = self.plan = plan_site(
            library,
            self.settings,
            self.layout,
            links=links,
            hand_written=hand_written,
            catalogue=self.config.catalogue,
            fulltext=self.config.fulltext,
            math=self.math,
            snippets=self.snippets,
            strings=self.strings,
            cache=self.site_cache,
            feed=feed,
            review=show_review(self.config.review, self.serving),
            site_url=config.site_url or "",
            references=self._references(library),
            downloads=tuple(dict.fromkeys(self.config.downloads)),
        )
        for uri in sorted(hand_written & {self.layout.page_uri(e.paper) for e in library.entries}):
            log.info(f"{uri} is written by hand; it replaces the generated page")
        added = self._generated(config, plan, published)
        # The one-entry downloads beside each page; a file of the same name in docs/ wins.
        added += [
            File.generated(config, uri, content=text)
            for uri, text in plan.downloads.items()
            if files.get_file_from_path(uri) is None
        ]
        for file in added:
            files.append(file)
        if self.dirty:
            self._forget_stale(files, config, library, added)
        return files

    def _report(
        self, config: MkDocsConfig, library: Library, links: NoteLinks
    ) -> FeedInputs | None:
        """Warn about every problem `papershelf check` reports; the feed's inputs, if any."""
        feed, feed_problems = feed_inputs(
            library,
            self.settings,
            self.config.feed,
            config,
            Path(config.config_file_path or "mkdocs.yml"),
            self.git,
        )
        fulltext = self.config.fulltext
        # With the full-text index, paper pages are not in Material's search: its separator
        # no longer decides whether the notes' Chinese words are found.
        separator = None if fulltext else search_separator_problem(config, library)
        notice = theme_search_notice(config, library, fulltext)
        if notice and not self.noticed:
            log.info(notice)
            self.noticed = True
        for problem in [
            *library.problems,
            *link_problems(library, links),
            *filter(None, [separator, search_pipeline_problem(config)]),
            *feed_problems,
        ]:
            log.warning(str(problem))
        return feed

    def _generated(
        self, config: MkDocsConfig, plan: SitePlan, published: dict[str, Asset]
    ) -> list[File]:
        added = [self._page_file(config, uri, page) for uri, page in plan.pages.items()]
        for uri, text in (
            (self.layout.index_uri, plan.index_page),
            (self.layout.stats_uri, plan.stats_page),
        ):
            if text:
                added.append(
                    File.generated(config, uri, content=text, inclusion=InclusionLevel.NOT_IN_NAV)
                )
        added += [File.generated(config, uri, content=text) for uri, text in plan.data.items()]
        # Old addresses (`aliases:`): plain files, so no theme, search or sitemap lists them.
        added += [File.generated(config, uri, content=t) for uri, t in plan.redirects.items()]
        # The images and the .bib's files were read (and checked) with the notes and the
        # entries: MkDocs never opens their paths.
        added += [File.generated(config, uri, content=f.data) for uri, f in published.items()]
        return added

    def _page_uri(self, key: str) -> str:
        assert self.library is not None  # macros run on pages, after on_files
        return self.layout.page_uri(self.library.by_key()[key].paper)

    def _drop_generated(self, files: Files, config: MkDocsConfig) -> None:
        """Files `papershelf generate` wrote into the docs folder (for Zensical) give way to
        the plugin's own: the plugin makes them itself, from the current list."""
        manifest = f"{self.layout.path}/{MANIFEST}"
        if not os.path.lexists(Path(config.docs_dir, manifest)):
            return
        found = scan(Path(config.docs_dir), manifest, "docs")
        for uri in found.ours:
            file = files.get_file_from_path(uri)
            if file is not None:
                files.remove(file)
        if found.ours:
            log.info(
                f"{len(found.ours)} files papershelf generate wrote are made by the plugin instead"
            )

    def _references(self, library: Library) -> dict[str, tuple[Reference, ...]]:
        """Every paper's formatted references, from the cache where it has them."""
        papers = [e.paper for e in library.entries]
        references, notes = formatted(self.references, papers, self.config.references)
        for note in notes:
            log.info(note)
        return references

    def _page_file(self, config: MkDocsConfig, uri: str, page: PaperPage) -> File:
        if not self.dirty:
            return File.generated(
                config, uri, content=page.markdown, inclusion=InclusionLevel.NOT_IN_NAV
            )
        # `--dirty` only rebuilds pages whose source file is newer than their output, so the
        # page is backed by a file rewritten when it changes. The header and BibTeX go in after
        # Markdown, so their digest is part of that source too.
        digest = hashlib.sha256("\0".join(page.blocks.values()).encode("utf-8")).hexdigest()[:16]
        markdown = f"{page.markdown}\n<!-- papershelf {digest} -->\n"
        path = Path(config.config_file_path).parent / ".cache" / "papershelf" / uri
        if not path.is_file() or path.read_text(encoding="utf-8") != markdown:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(markdown, encoding="utf-8")
        return File.generated(
            config, uri, abs_src_path=str(path), inclusion=InclusionLevel.NOT_IN_NAV
        )

    def _forget_stale(
        self, files: Files, config: MkDocsConfig, library: Library, added: list[File]
    ) -> None:
        """Under `--dirty` MkDocs rebuilds only pages whose source changed: a removed paper's
        old page would still be served, and a hand-written page showing `{{ papershelf.count }}`
        or `{{ cite(...) }}` would go stale. Their outputs are removed, so they are redone."""
        outputs = frozenset(f.abs_dest_path for f in added)
        face = (
            repr(self.summary),
            tuple((e.paper.key, e.paper.slug, e.paper.title) for e in library.entries),
        )
        stale = set(self.outputs - outputs)
        if self.face is not None and face != self.face:
            stale.update(f.abs_dest_path for f in files.documentation_pages() if not f.generated_by)
        for path in stale:
            if os.path.isfile(path):
                os.remove(path)
                folder = os.path.dirname(path)
                if folder != config.site_dir and not os.listdir(folder):
                    os.rmdir(folder)
        self.outputs, self.face = outputs, face

    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        uri, plan = page.file.src_uri, self.plan
        if plan is not None and uri in plan.keys:  # a paper page: HTML parts after Markdown
            if self.config.fulltext:  # found from the index instead (Material reads this)
                page.meta["search"] = {"exclude": True}
            # The note may hold raw HTML; decided by file, so lost page meta cannot skip it.
            sanitize = self.settings.raw_html == "sanitize"
            links = paper_links(page.url, plan.page_urls)
            done = finish(plan.pages[uri], unlink_missing(html), sanitize, links)
            if done.missing:
                log.warning(
                    f"{uri}: a Markdown extension removed the HTML comments "
                    f"{', '.join(done.missing)}; those parts of the page are missing"
                )
            rename_anchors(page, done)
            return done.html
        if uri == self.layout.index_uri and INDEX_MARKER not in html:
            return html + INDEX_MARKER
        return html

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        if self.library is None or not self.plan:
            return output
        if self.config.fulltext:
            output = with_search_link(output, self.plan, self.layout, page.url)
        if page.file.src_uri in self.plan.heads:
            # Every theme has a </head>; not every theme prints page meta escaped.
            return insert_head(output, self.plan.heads[page.file.src_uri])
        # The list goes in last, so the search index does not hold every paper twice (each
        # has its own page) and indexing a page of thousands of items costs nothing.
        if page.file.src_uri != self.layout.index_uri:
            return output
        listing = index_listing(self.library, self.plan, self.layout, self.site_cache)
        listing = index_links(self.plan, self.layout) + "\n" + listing
        output = output.replace(INDEX_MARKER, listing, 1)
        head = feed_link(self.plan, self.layout)
        return output.replace("</head>", f"{head}\n</head>", 1) if head else output

    @event_priority(50)  # before the search plugin writes its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.config.fulltext and self.plan is not None:
            leave_theme_search(config, self.plan.page_urls)
