"""The MkDocs shell: each hook delegates to the core in a few lines."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from .config import PapershelfConfig, to_settings
from .index import (
    DATA_FILE,
    RESERVED,
    catalogue_json,
    index_files,
    index_html,
    index_inputs,
    versioned,
)
from .library import Cache, PapershelfError, load_library
from .model import Entry, Library, Problem
from .pages import (
    IMAGE_SUFFIXES,
    NoteLinks,
    PageOptions,
    PaperPage,
    cite_markdown,
    library_summary,
    paper_page,
)
from .safety import sanitize_html

log = get_plugin_logger("papershelf")
THEME_DIR = Path(__file__).parent / "theme"
INDEX_MARKER = "<!-- papershelf-index -->"
INDEX_PAGE = """---
{"title": "Papers", "render_macros": false, "search": {"exclude": true}, "hide": ["toc"]}
---

<!-- papershelf-index -->
"""
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
    separator for most theme languages does not split there, so no Chinese word is found."""
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


class PapershelfBuildError(PluginError):
    """No site can be built: the message says what to do."""


class PapershelfPlugin(BasePlugin[PapershelfConfig]):
    def __init__(self) -> None:
        self.cache = Cache()
        self.dirty = False
        self.pages: dict[str, tuple[tuple[Any, ...], PaperPage]] = {}
        self.library: Library | None = None
        self.index_uri = ""
        self.summary: dict[str, Any] = {}
        self.index_files: dict[str, str] = {}
        self.index_inputs: Any = None
        self.index_outputs: dict[Any, Any] = {}

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # MkDocs keeps this instance across `serve` rebuilds: the caches live on it.
        self.dirty = dirty

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.settings = to_settings(self.config, config.config_file_path)
        try:
            bib_paths = self.settings.bib_paths()
        except PapershelfError as error:
            raise PapershelfBuildError(str(error)) from error
        config.watch.extend(str(p) for p in bib_paths)
        if self.settings.notes_dir().is_dir():
            config.watch.append(str(self.settings.notes_dir()))
        config.theme.dirs.append(str(THEME_DIR))
        config.extra_css.append("assets/papershelf/papershelf.css")
        config.extra_javascript.append("assets/papershelf/papershelf.js")
        self.math = "pymdownx.arithmatex" in config.markdown_extensions
        self.index_uri = f"{self.settings.path}/index.md"
        macros = config.plugins.get("macros")
        if macros is not None and hasattr(macros, "register_macros"):
            # Hand-written pages can write {{ cite("key") }} and {{ papershelf.count }}.
            macros.register_macros({"cite": lambda key: self._cite(key, macros)})
            macros.register_variables({"papershelf": self.summary})
        return config

    def _cite(self, key: str, macros: Any) -> str:
        entry = self.library.by_key().get(key) if self.library else None
        if entry is None:
            log.warning(f"cite('{key}'): no such citation key in the bibliography")
            return key
        target = f"{self.settings.path}/{entry.paper.slug}.md"
        return cite_markdown(entry, macros.page.file.src_uri, target)

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        try:
            library = self.library = load_library(self.settings, self.cache)
        except PapershelfError as error:
            raise PapershelfBuildError(str(error)) from error
        for problem in library.problems:
            log.warning(str(problem))
        if separator := search_separator_problem(config, library):
            log.warning(str(separator))
        self.summary.update(library_summary(library))
        if files.get_file_from_path(self.index_uri) is None:
            files.append(
                File.generated(
                    config, self.index_uri, content=INDEX_PAGE, inclusion=InclusionLevel.NOT_IN_NAV
                )
            )
        index_file = files.get_file_from_path(self.index_uri)
        assert index_file is not None
        self.paper_files: dict[str, File] = {}
        self.generated: dict[str, str] = {}  # generated page's src_uri -> citation key
        by_key = library.by_key()
        self.note_links = NoteLinks.of(library, self.settings.relative(self.settings.notes_dir()))
        for entry in library.entries:
            uri = f"{self.settings.path}/{entry.paper.slug}.md"
            existing = files.get_file_from_path(uri)
            if existing is not None and not existing.generated_by:
                log.info(f"{uri} is written by hand; it replaces the generated page")
                self.paper_files[entry.paper.key] = existing
                continue
            page_file = self._paper_file(config, uri, entry, by_key, index_file)
            files.append(page_file)
            self.generated[uri] = entry.paper.key
            self.paper_files[entry.paper.key] = page_file
        self._add_note_images(config, files)
        # Editing a note's text (the usual `serve` rebuild) leaves the index, its data files and
        # the catalogue as they were: they are redone only when what they read changes.
        inputs = (index_inputs(library), self.settings, config.use_directory_urls)
        if inputs != self.index_inputs:
            self.index_inputs, self.index_outputs = inputs, {}
        done = self.index_outputs
        if self.config.catalogue:
            if "catalogue" not in done:
                done["catalogue"] = catalogue_json(
                    library, lambda e: self.paper_files[e.paper.key].url, self.settings.facets
                )
            files.append(File.generated(config, self.config.catalogue, content=done["catalogue"]))
        for name in sorted(set(self.settings.facets) & set(RESERVED)):
            log.warning(f"facet '{name}' is built in; rename it to filter on the notes' own field")
        if "files" not in done:
            done["files"] = index_files(library, self.settings.facets)
        self.index_files = done["files"]
        for name, content in self.index_files.items():
            files.append(File.generated(config, f"{self.settings.path}/{name}", content=content))
        return files

    def _add_note_images(self, config: MkDocsConfig, files: Files) -> None:
        """Images beside the notes go beside the pages, so `![](figures/plot.png)` works.
        Only images: a notes folder may also hold PDFs and other files not meant for the web."""
        folder = self.settings.notes_dir()
        # SVG can carry script, so it is copied only when notes are trusted (`raw_html: allow`).
        kinds = {s for s in IMAGE_SUFFIXES if s != ".svg" or self.config.raw_html == "allow"}
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            inside = path.relative_to(folder)
            if path.suffix.lower() not in kinds or any(p.startswith(".") for p in inside.parts):
                continue
            uri = f"{self.settings.path}/{inside.as_posix()}"
            if files.get_file_from_path(uri) is None and path.is_file():
                files.append(File.generated(config, uri, abs_src_path=str(path)))

    def _paper_file(
        self,
        config: MkDocsConfig,
        uri: str,
        entry: Entry,
        by_key: dict[str, Entry],
        index_file: File,
    ) -> File:
        page_url = File(uri, None, config.site_dir, config.use_directory_urls).url
        options = PageOptions(index_url=get_relative_url(index_file.url, page_url), math=self.math)
        markdown = self._markdown(entry, by_key, options)
        if not self.dirty:
            return File.generated(
                config, uri, content=markdown, inclusion=InclusionLevel.NOT_IN_NAV
            )
        # `serve --dirty` only skips pages whose source file is older than their output. The
        # header and BibTeX go in after Markdown, so their digest is part of the source too.
        blocks = self.pages[entry.paper.key][1].blocks
        digest = hashlib.sha256("\0".join(blocks.values()).encode("utf-8")).hexdigest()[:16]
        markdown += f"\n<!-- papershelf {digest} -->\n"
        path = Path(config.config_file_path).parent / ".cache" / "papershelf" / uri
        if not path.is_file() or path.read_text(encoding="utf-8") != markdown:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(markdown, encoding="utf-8")
        return File.generated(
            config, uri, abs_src_path=str(path), inclusion=InclusionLevel.NOT_IN_NAV
        )

    def _markdown(self, entry: Entry, by_key: dict[str, Entry], options: PageOptions) -> str:
        # Cached papers and notes are the same objects while their inputs are unchanged, so
        # identity (plus the titles of related papers and where the note's links point)
        # tells whether a page must be redone.
        related = tuple(
            (by_key[k].paper.slug, by_key[k].paper.title)
            for k in (entry.note.related if entry.note else ())
            if k in by_key
        )
        body = self.note_links.rewrite(entry.note) if entry.note else ""
        hit = self.pages.get(entry.paper.key)
        if (
            hit is None
            or hit[0][0] is not entry.paper
            or hit[0][1] is not entry.note
            or hit[0][2:] != (options, related, body)
        ):
            hit = (
                (entry.paper, entry.note, options, related, body),
                paper_page(entry, by_key, options, self.note_links),
            )
            self.pages[entry.paper.key] = hit
        return hit[1].markdown

    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        key = self.generated.get(page.file.src_uri)
        if key is not None:  # a paper page: its HTML parts go in after Markdown
            parts = self.pages[key][1]
            missing = [m for m in parts.blocks if m not in html]
            if missing:
                log.warning(
                    f"{page.file.src_uri}: a Markdown extension removed the HTML "
                    f"comments {', '.join(missing)}; those parts of the page are missing"
                )
            html = parts.fill(html)
            # The note may hold raw HTML; decided by file, so lost page meta cannot skip it.
            return sanitize_html(html) if self.config.raw_html == "sanitize" else html
        if page.file.src_uri == self.index_uri and INDEX_MARKER not in html:
            return html + INDEX_MARKER
        return html

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        # The list goes in last, so the search index does not hold every paper twice (each
        # has its own page) and indexing a page of thousands of items costs nothing.
        if page.file.src_uri != self.index_uri or self.library is None:
            return output
        base = page.file.url
        listing = self.index_outputs.get(("listing", base))
        if listing is None:
            listing = self.index_outputs[("listing", base)] = index_html(
                self.library,
                lambda e: get_relative_url(self.paper_files[e.paper.key].url, base),
                versioned(DATA_FILE, self.index_files[DATA_FILE]),
            )
        return output.replace(INDEX_MARKER, listing, 1)
