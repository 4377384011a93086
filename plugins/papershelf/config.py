"""Plugin options, declared the MkDocs way, and their conversion to core `Settings`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c

from .i18n import Text, unknown_keys
from .index import CATALOGUE_FIELDS, RESERVED
from .library import Settings
from .normalize import PUBLIC_FIELDS
from .notes import KNOWN_FIELDS
from .safety import RAW_HTML_POLICIES


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
        unknown = unknown_keys(texts)
        if unknown:
            self.warnings.append(
                f"no such text: {', '.join(unknown)}; the ids are listed in papershelf/i18n.py"
            )
        return {k: v for k, v in texts.items() if k not in unknown}


class PapershelfConfig(base.Config):
    bib = OneOrMany(c.Type(str), default=["bib/*.bib"])
    """The .bib file(s), relative to mkdocs.yml; glob patterns allowed."""
    notes = c.Type(str, default="bib/notes")
    """Folder of note files (`<key>.md`), relative to mkdocs.yml; keep it outside docs/."""
    path = c.Type(str, default="papers")
    """Where the index (`<path>/`) and the paper pages (`<path>/<slug>/`) live in the site."""
    facets = FacetNames()
    """Extra note front-matter fields to show and filter on, e.g. [method, benchmark]."""
    public_fields = c.ListOfItems(c.Type(str), default=list(PUBLIC_FIELDS))
    """BibTeX fields shown in the copyable entry; all others stay private."""
    hide = c.ListOfItems(c.Type(str), default=[])
    """Bib fields kept off the site entirely (pages, index, catalogue, BibTeX), e.g. [keywords]."""
    catalogue = c.Type(str, default="papers.json")
    """Where the public JSON catalogue is written in the site ('' to skip it)."""
    raw_html = c.Choice(RAW_HTML_POLICIES, default="sanitize")
    """Raw HTML in notes: `sanitize` drops scripts and event handlers; `allow` trusts notes."""
    language = c.Type(str, default="")
    """The interface's language (`en`, `zh`, `zh-Hant`, ...); empty: the theme's language."""
    strings = InterfaceTexts()
    """The site's own words for papershelf's interface, by id: `{index.filter: Search}`."""


def to_settings(config: PapershelfConfig, config_file_path: str | None) -> Settings:
    root = Path(config_file_path).parent if config_file_path else Path.cwd()
    return Settings(
        root=root.resolve(),
        bib=tuple(config.bib),
        notes=config.notes,
        path=config.path.strip("/") or "papers",
        facets=tuple(config.facets),
        public_fields=tuple(f.lower() for f in config.public_fields),
        hide=tuple(f.lower() for f in config.hide),
        raw_html=config.raw_html,
    )
