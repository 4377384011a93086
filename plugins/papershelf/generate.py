"""`papershelf generate`: the files the plugin adds to a site, written into the docs folder as
ordinary Markdown and static files, for a site generator that runs no MkDocs plugins
(Zensical reads mkdocs.yml but ignores `- papershelf`).

The same core as the plugin decides what the site gets (`site.plan_site`); the paper pages
are written whole (`markdown_ext.standalone`) and finished by the Markdown extension
papershelf ships, which runs the plugin's own sanitizing. mkdocs.yml must list that
extension and papershelf's stylesheet and script: this command never edits mkdocs.yml, it
names the lines to add. What it writes, and never a person's file, is `manifest`'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .checks import feed_inputs
from .library import Settings, load_library
from .manifest import MANIFEST, Outcome, scan, sync
from .markdown_ext import HEAD_META, standalone
from .model import Library, Problem
from .refcache import ReferenceCache, cache_path, formatted
from .site import (
    INDEX_MARKER,
    SCRIPT,
    STYLESHEET,
    Layout,
    SiteCache,
    SitePlan,
    bib_files,
    index_links,
    index_listing,
    link_problems,
    note_images,
    note_links,
    plan_site,
)
from .siteconfig import SiteOptions, read_site

if TYPE_CHECKING:
    from .config import PapershelfConfig

ASSETS = Path(__file__).parent / "theme" / "assets" / "papershelf"
HEAD_OVERRIDE = Path(__file__).parent / "zensical" / "main.html"  # prints HEAD_META in <head>
EXTENSION = "papershelf.markdown_ext"
MACROS_MODULE = "papershelf.macros"
_SLUG_LINK = re.compile(r"([a-z0-9-]+)\.md\b")


def missing_lines(site: SiteOptions) -> str:
    """The mkdocs.yml lines a generator without the plugin needs and the file lacks, as YAML
    to add ("" when nothing is missing)."""
    out = []
    if EXTENSION not in site.extensions:
        out.append(
            f"markdown_extensions:\n  - {EXTENSION}   # finishes and sanitizes the paper pages"
        )
    if STYLESHEET not in site.extra_css:
        out.append(f"extra_css:\n  - {STYLESHEET}")
    if SCRIPT not in site.extra_javascript:
        out.append(f"extra_javascript:\n  - {SCRIPT}")
    modules = (site.macros or {}).get("modules") or []
    if site.macros is not None and MACROS_MODULE not in modules:
        out.append(
            f"plugins:\n  - macros:\n      modules: [{MACROS_MODULE}]   # cite(), paper_list(), ..."
        )
    return "\n".join(out)


@dataclass
class Generated:
    library: Library
    outcome: Outcome
    problems: list[Problem]  # the library's, the site's and the writing's, as `check` lists them
    hand_written: list[str]  # paper pages the docs folder has of its own
    notes: list[str]  # what the references' formatting has to say (as the build logs it)


def generate(config_file: Path, config: PapershelfConfig, settings: Settings) -> Generated:
    """Write the generated files into the docs folder (see the module's docstring)."""
    site = read_site(config_file, settings, config)
    library = load_library(settings)
    docs = site.docs_dir
    shown = settings.relative(docs)
    layout = Layout(settings.path, site.directory_urls)
    manifest_uri = f"{layout.path}/{MANIFEST}"
    found = scan(docs, manifest_uri, shown)
    images = {**bib_files(library), **note_images(library, layout)}  # as the plugin publishes
    links = note_links(library, settings, layout, [*found.present, *images])
    feed, feed_problems = feed_inputs(library, settings, config.feed, site, config_file)
    cache = ReferenceCache(cache_path(settings.root))
    papers = [e.paper for e in library.entries]
    references, notes = formatted(cache, papers, config.references)
    plan = plan_site(
        library,
        settings,
        layout,
        links=links,
        hand_written=found.persons,
        catalogue=config.catalogue,
        fulltext=config.fulltext,
        math=site.math,
        snippets="pymdownx.snippets" in site.extensions,
        strings=site.strings,
        feed=feed,
        source_links=True,  # Zensical rewrites raw HTML's links too, from the source file
        review=config.review == "always",  # a site to publish: "serve" means not here
        site_url=site.site_url,
        references=references,
        downloads=tuple(dict.fromkeys(config.downloads)),
    )
    files = site_files(library, plan, layout, settings.raw_html == "sanitize")
    files.update({uri: asset.data for uri, asset in images.items()})
    files.update({f"assets/papershelf/{p.name}": p.read_bytes() for p in sorted(ASSETS.iterdir())})
    outcome = sync(docs, found, files, manifest_uri, shown)
    problems = [*library.problems, *link_problems(library, links), *feed_problems]
    if not plan.index_page:
        problems.append(_own_index(f"{shown}/{layout.index_uri}"))
    problems += [*found.problems, *outcome.problems]
    pages = {layout.page_uri(e.paper) for e in library.entries}
    if plan.heads and not _prints_head(site):
        notes.append(
            "the paper pages' citation tags (for Zotero and Google Scholar) reach <head> only "
            f"through a theme override: copy {HEAD_OVERRIDE} into the folder that mkdocs.yml "
            "names in theme: custom_dir: (or merge its block into your main.html)"
        )
    return Generated(library, outcome, problems, sorted(found.persons & pages), notes)


def _prints_head(site: SiteOptions) -> bool:
    """Whether the theme override (`custom_dir`) has a main.html that prints HEAD_META."""
    if not site.custom_dir:
        return False
    main = site.config_file.parent / site.custom_dir / "main.html"
    try:
        return HEAD_META in main.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def site_files(
    library: Library, plan: SitePlan, layout: Layout, sanitize: bool
) -> dict[str, bytes]:
    """Every generated file but the images and assets, by docs-relative URI."""
    slugs = {e.paper.slug for e in library.entries}
    out: dict[str, bytes] = {}
    for uri, page in plan.pages.items():
        linked = frozenset(_SLUG_LINK.findall(page.markdown)) & slugs
        out[uri] = standalone(page, sanitize, linked, plan.heads.get(uri, "")).encode("utf-8")
    if plan.index_page:
        # Raw HTML, which no generator rewrites: its links are final URLs already.
        listing = (
            index_links(plan, layout, element=True)
            + "\n"
            + index_listing(library, plan, layout, SiteCache())
        )
        out[layout.index_uri] = plan.index_page.replace(INDEX_MARKER, listing).encode("utf-8")
    if plan.stats_page:
        out[layout.stats_uri] = plan.stats_page.encode("utf-8")
    out.update({uri: text.encode("utf-8") for uri, text in plan.data.items()})
    out.update({uri: text.encode("utf-8") for uri, text in plan.downloads.items()})
    # Old addresses (`aliases:`): plain HTML, copied as they are, with final URLs.
    out.update({uri: text.encode("utf-8") for uri, text in plan.redirects.items()})
    return out


def _own_index(shown: str) -> Problem:
    return Problem(
        shown,
        None,
        None,
        "is your own page, so the index's list of papers is not written (papershelf puts "
        "the list into a page only under the MkDocs plugin)",
        "delete or rename it to get the generated index",
        "not-ours",
    )


def summary(result: Generated) -> str:
    o = result.outcome
    files = "file" if len(o.written) == 1 else "files"
    return (
        f"{len(result.library.entries)} papers: wrote {len(o.written)} {files}, "
        f"{len(o.unchanged)} unchanged, removed {len(o.removed)}"
    )
