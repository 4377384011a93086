"""TeX that MathJax or KaTeX would turn into links, attributes or definitions, made inert.

MathJax's TeX input writes HTML for a few commands: `\\href` makes a link (a `javascript:`
target runs script when clicked), `\\class`, `\\cssId`, `\\style` and `\\data` set attributes,
`\\mmlToken` sets any of them, `\\unicode[font]`, `\\bbox[style]` write CSS; KaTeX has
`\\url`, `\\includegraphics` and `\\htmlClass`/`\\htmlId`/`\\htmlStyle`/`\\htmlData`. Macro
definitions (`\\def`, `\\newcommand`, `\\let`, ...) and `\\require` would let math build
such commands out of pieces a filter does not see, so they are dropped too.

`neutralise_tex` reads the string the way both engines do: a control word is a backslash and
ASCII letters, so `\\h\\ref` is two commands and `\\\\href` is a line break and letters. It
looks inside `%` comments as well (`\\verb|%|` would end one early). A dropped command leaves
`{}` behind, never nothing, so the text on either side cannot join into a new command
(`\\h\\class{x}ref` must not become `\\href`). What is kept is the source unchanged.
"""

from __future__ import annotations

import html
import re

# Commands whose first argument becomes an attribute; the math after it stays.
_ATTRIBUTE = frozenset(
    {"class", "cssId", "style", "data", "htmlClass", "htmlId", "htmlStyle", "htmlData"}
)
# Commands that define or load other commands: dropped on their own (their arguments stay as
# harmless text), so no macro exists that could expand into one of the commands above.
_DEFINE = frozenset(
    """def gdef edef xdef let futurelet newcommand renewcommand providecommand newenvironment
    renewenvironment DeclareMathOperator Newextarrow require setOptions csname expandafter""".split()
)
_COMMANDS = _ATTRIBUTE | _DEFINE | {"href", "url", "mmlToken", "unicode", "bbox", "includegraphics"}
_CONTROL = re.compile(r"\\(?:([A-Za-z]+)|.)", re.DOTALL)
_QUICK = re.compile(r"\\(?:" + "|".join(sorted(_COMMANDS)) + r")(?![A-Za-z])")
# The only link targets kept: a plain http(s) address written in braces, nothing that MathJax
# and this module could read differently (no backslash, brace, percent sign or space in it).
_SAFE_TARGET = re.compile(r"[ \t\n]*\{(https?://[^\s{}\\%]*)\}")
_CODE_POINT = re.compile(r"\{\s*(?:[xX][0-9A-Fa-f]+|\d+)\s*\}")
_BBOX_OPTIONS = re.compile(r"\[[\w\s.,#-]*\]")  # colours and sizes; a style has a colon
_TEXT_SAFE = re.compile(r"[^A-Za-z0-9:/.?=+@!,;()-]")


def neutralise_tex(tex: str) -> str:
    """`tex` with every command that could write HTML made harmless; other TeX unchanged.

    `\\href{url}{label}` keeps only its label unless `url` is http(s), and `\\url{x}` becomes
    `x` as plain text; `\\class`, `\\cssId`, `\\style`, `\\data` (and KaTeX's html
    commands) keep only the math they wrap; `\\mmlToken` keeps its text; `\\unicode` keeps a
    code point and loses its font; `\\bbox` loses a style; definitions and `\\require` go.
    """
    if not _QUICK.search(tex):
        return tex
    out: list[str] = []
    done = 0
    for match in _CONTROL.finditer(tex):
        if match.start() < done:  # inside a part already dropped
            continue
        name = match.group(1)
        if name not in _COMMANDS:
            continue
        rewrite = _rewrite(tex, name, match.end())
        if rewrite is None:
            continue
        out += [tex[done : match.start()], rewrite[1]]
        done = rewrite[0]
    out.append(tex[done:])
    return "".join(out)


def _rewrite(tex: str, name: str, at: int) -> tuple[int, str] | None:
    """Where what the command ending at `at` takes ends, and the text that stands in for it
    all; None keeps the command as written."""
    if name in _DEFINE:
        return at, "{}"
    if name in ("href", "url"):
        if _SAFE_TARGET.match(tex, at):
            return None
        end = _argument(tex, at) or at
        shown = _TEXT_SAFE.sub("", tex[at:end]) if name == "url" else ""
        return end, "{\\text{" + shown + "}}" if shown else "{}"
    if name == "bbox":
        options = _optional(tex, at)
        if options is None or _BBOX_OPTIONS.fullmatch(tex, _skip_space(tex, at), options):
            return None
        return options, "{}"
    if name == "unicode":  # \unicode[height,depth][font]{code}
        end = at
        while (more := _optional(tex, end)) is not None:
            end = more
        code = _CODE_POINT.match(tex, _skip_space(tex, end))
        if code is None:
            return _argument(tex, end) or end, "{}"
        return None if end == at else (code.end(), "{\\unicode" + code.group() + "}")
    if name == "mmlToken":  # \mmlToken{type}[attributes]{text}: the text stays
        end = _argument(tex, at) or at
        return _optional(tex, end) or end, "{}"
    if name == "includegraphics":
        end = _optional(tex, at) or at
        return _argument(tex, end) or end, "{}"
    return _argument(tex, at) or at, "{}"  # \class{...}{math} and the like: the math stays


def _skip_space(tex: str, at: int) -> int:
    while at < len(tex) and tex[at].isspace():
        at += 1
    return at


def _argument(tex: str, at: int) -> int | None:
    """The end of the argument starting at `at` (a braced group, a command or one character),
    as TeX reads it; None when there is none (the end of the string or of the group)."""
    i = _skip_space(tex, at)
    if i >= len(tex) or tex[i] == "}":
        return None
    if tex[i] == "{":
        return _group_end(tex, i, "{", "}")
    if tex[i] == "\\":
        control = _CONTROL.match(tex, i)
        return control.end() if control else len(tex)
    return i + 1


def _optional(tex: str, at: int) -> int | None:
    """The end of a `[...]` argument starting at `at`; None when there is none."""
    i = _skip_space(tex, at)
    if i >= len(tex) or tex[i] != "[":
        return None
    return _group_end(tex, i, "[", "]")


def _group_end(tex: str, i: int, open_: str, close: str) -> int:
    """The index after the `close` that ends the group opened at `tex[i]`; an unclosed group
    runs to the end. An optional argument ends at the first `]` outside braces, as in MathJax."""
    brace = 0
    j = i
    while j < len(tex):
        c = tex[j]
        if c == "\\":
            j += 2
            continue
        if c == "{":
            brace += 1
        elif c == "}":
            brace -= 1
        if c == close and brace == 0 and (open_ == "{" or j > i):
            return j + 1
        j += 1
    return len(tex)


def might_write_html(text: str) -> bool:
    """Whether `text` (or HTML, read with its character references) names one of the commands
    `neutralise_tex` changes; most text does not, and is passed over at this cost only."""
    return bool(_QUICK.search(text) or ("&#" in text and _QUICK.search(html.unescape(text))))


# Where MathJax does not look for math (its skipHtmlTags) unless told to by a class.
_SKIPPED = frozenset({"pre", "code", "script", "style", "textarea", "noscript"})
_VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())
_PIECE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>|<!--.*?-->|([^<]+)|<", re.DOTALL)
_CLASS = re.compile(r'\sclass="([^"]*)"')


def neutralise_math_html(fragment: str) -> str:
    """`fragment` with `neutralise_tex` applied to every text MathJax or KaTeX may typeset:
    inside an element of class `arithmatex` (even within code: MathJax's processHtmlClass
    wins over the tags it skips) and anywhere outside code, since a site may have MathJax
    look for math on the whole page. `fragment` must have its tags quoted as nh3, Jinja or
    Markdown write them. Text is compared unescaped, as the browser reads it."""
    if not might_write_html(fragment):
        return fragment
    out: list[str] = []
    open_: list[tuple[str, bool, bool]] = []  # (tag, math inside, skipped inside)
    math = skipped = False
    for piece in _PIECE.finditer(fragment):
        closing, tag, attributes, text = piece.groups()
        if text is not None:
            if math or not skipped:
                plain = html.unescape(text)
                safe = neutralise_tex(plain)
                text = text if safe == plain else html.escape(safe, quote=False)
            out.append(text)
            continue
        out.append(piece.group())
        tag = (tag or "").lower()
        if not tag or tag in _VOID:
            continue
        if not closing:
            open_.append((tag, math, skipped))
            classes = _CLASS.search(attributes)
            math = math or bool(classes and "arithmatex" in classes.group(1).split())
            skipped = skipped or tag in _SKIPPED
        elif any(t == tag for t, _, _ in open_):
            while open_:
                t, math, skipped = open_.pop()
                if t == tag:
                    break
    return "".join(out)
