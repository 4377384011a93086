"""LaTeX as found in .bib files -> display Unicode, fast.

One regex pass handles what real Zotero/Better BibTeX exports contain (accents in all their
brace forms, special letters, escaped symbols, dashes, quotes, text-formatting commands,
protective braces). Math stays verbatim. Only a string holding a command this table does
not know is looked up in pylatexenc's table, once per command name.
"""

from __future__ import annotations

import html
import logging
import re
import unicodedata
from collections.abc import Collection
from functools import lru_cache
from typing import Any

# Characters whose absence proves there is nothing to decode (the common case).
_NEEDS_WORK = re.compile(r"[\\{}$~]|--|``|''")

_ACCENTS = {
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    '"': "\u0308",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
    "r": "\u030a",
    "d": "\u0323",
    "b": "\u0331",
    "t": "\u0361",
}

_SYMBOLS = {
    "ss": "ß",
    "o": "ø",
    "O": "Ø",
    "aa": "å",
    "AA": "Å",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "l": "ł",
    "L": "Ł",
    "i": "ı",
    "j": "ȷ",
    "dh": "ð",
    "DH": "Ð",
    "th": "þ",
    "TH": "Þ",
    "ng": "ŋ",
    "NG": "Ŋ",
    "dj": "đ",
    "DJ": "Đ",
    "textendash": "–",
    "textemdash": "—",
    "textquoteleft": "‘",
    "textquoteright": "’",
    "textquotedblleft": "“",
    "textquotedblright": "”",
    "ldots": "…",
    "dots": "…",
    "textellipsis": "…",
    "textregistered": "®",
    "texttrademark": "™",
    "copyright": "©",
    "textcopyright": "©",
    "textdegree": "°",
    "S": "§",
    "P": "¶",
    "euro": "€",
    "texteuro": "€",
    "pounds": "£",
    "textsterling": "£",
    "textasciitilde": "~",
    "textbackslash": "\\",
    "textunderscore": "_",
    "textbar": "|",
    "textless": "<",
    "textgreater": ">",
    "textbullet": "•",
    "guillemotleft": "«",
    "guillemotright": "»",
    "quad": " ",
    "qquad": " ",
    "LaTeX": "LaTeX",
    "TeX": "TeX",
    "BibTeX": "BibTeX",
    "textasciicircum": "^",
    "slash": "/",
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "epsilon": "ε",
    "lambda": "λ",
    "mu": "μ",
    "pi": "π",
    "sigma": "σ",
    "tau": "τ",
    "phi": "φ",
    "omega": "ω",
    "Delta": "Δ",
    "Sigma": "Σ",
    "Omega": "Ω",
    "textquotedbl": '"',
    "textperiodcentered": "·",
    "og": "« ",
    "fg": " »",
}

# An accent over nothing (`\~{}`) is the accent character itself.
_SPACING_ACCENTS = {
    "'": "´",
    "`": "`",
    "^": "^",
    '"': "¨",
    "~": "~",
    "=": "¯",
    ".": "˙",
    "u": "˘",
    "v": "ˇ",
    "H": "˝",
    "c": "¸",
    "k": "˛",
    "r": "˚",
}

# Commands whose argument is plain text: the command goes, the argument stays.
_TEXT_COMMANDS = frozenset(
    "emph textit textbf textsc texttt textrm textsf textsl textup textmd textnormal "
    "mbox text url nolinkurl uppercase lowercase MakeUppercase MakeLowercase "
    "ensuremath textsuperscript textsubscript underline hbox it bf em sc tt rm sf "
    "relax protect".split()
)

_TOKEN = re.compile(
    # The lookahead lets the engine skip plain text quickly (about 6x faster on abstracts).
    # Every run that a failed match could re-scan from the next start is possessive (`*+`),
    # and `\(...\)` math stops at the next `\(`: a run of `\(` without `\)` is read once,
    # not once per `\(` (100 KB of them took 21 s).
    r"""
    (?=[$\\`'~{}-])
    (?:(?P<math>\$\$.+?\$\$|\$(?:\\.|[^$\\])++\$|\\\((?:[^\\]++|\\[^()])++\\\))
    |\\(?P<acc>['"^`~=.])\s*+(?:\{\s*+(?P<accarg>\\[ij](?![A-Za-z])|[^{}\\\s])?\s*+\}
                              |(?P<accbare>\\[ij](?![A-Za-z])|[A-Za-z]))
    |\\(?P<lacc>[uvHckrdbt])(?:\s*+\{\s*+(?P<laccarg>\\[ij](?![A-Za-z])|[^{}\\\s])?\s*+\}
                             |\s++(?P<laccbare>[A-Za-z]))
    |\\href\s*+\{[^{}]*+\}
    |\\(?:noopsort|hspace\*?|vspace\*?|label|index)\s*+\{[^{}]*+\}
    |\\(?P<word>[A-Za-z]+)(?P<space>\s*)
    |\\(?P<sym>[&%$\#_{}\s,;:!/\-@|\\])
    |(?P<dash>---?)
    |(?P<quote>``|'')
    |(?P<tilde>~)
    |(?P<brace>[{}]))
    """,
    re.VERBOSE | re.DOTALL,
)

_COMBINING = re.compile("[\u0300-\u036f]")
_SYMBOL_ESCAPES = {"\\": " ", ",": " ", ";": " ", ":": " ", "!": "", "/": "", "-": "", "@": ""}
_WORDLIKE = frozenset({"LaTeX", "TeX", "BibTeX"})


def _replace(match: re.Match[str]) -> str:
    group = match.lastgroup
    if group == "math":
        return match.group()
    if match.group("acc") or match.group("lacc"):
        accent = match.group("acc") or match.group("lacc")
        base = (
            match.group("accarg")
            or match.group("accbare")
            or match.group("laccarg")
            or match.group("laccbare")
            or ""
        )
        if base in ("\\i", "\\j"):
            base = base[1]
        return base + _ACCENTS[accent] if base else _SPACING_ACCENTS.get(accent, "")
    word = match.group("word")
    if word is not None:
        if word in _SYMBOLS:
            keep_space = word in _WORDLIKE and match.group("space")
            return _SYMBOLS[word] + (" " if keep_space else "")
        if word in _TEXT_COMMANDS:
            return ""
        return _unknown_command(word)
    sym = match.group("sym")
    if sym is not None:
        return " " if sym.isspace() else _SYMBOL_ESCAPES.get(sym, sym)
    if group == "dash":
        return "—" if len(match.group()) == 3 else "–"
    if group == "quote":
        return "“" if match.group() == "``" else "”"
    if group == "tilde":
        return " "
    return ""  # a protective brace, \href{url}'s URL half, or \noopsort{key} and the like


def decode(text: str, *, keep_paragraphs: bool = False) -> str:
    """Return `text` as display Unicode with whitespace collapsed.

    With `keep_paragraphs`, blank lines survive as paragraph breaks ("\\n\\n").
    """
    if not text:  # most fields of most entries are absent
        return ""
    if keep_paragraphs:
        paragraphs = re.split(r"\n\s*\n", text.strip())
        return "\n\n".join(p for p in (decode(p) for p in paragraphs) if p)
    if _NEEDS_WORK.search(text):
        text = _decode_cached(text)
    text = printable(" ".join(text.split()))
    if "&" in text and ";" in text:  # crawled data: `Bottom-Up &amp;amp; Top-Down`
        text = " ".join(unescape_entities(text).split())
    return text


_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def unescape_entities(text: str) -> str:
    """HTML character references (`&amp;`, `&#39;`) as the characters they stand for, even
    escaped twice over (`&amp;amp;`), as crawled bibliographies hold them. A reference to a
    control character is dropped, like any control character."""
    for _ in range(3):  # three rounds undo any escaping seen in practice; each is linear
        if not _ENTITY.search(text):
            break
        text = _ENTITY.sub(lambda m: html.unescape(m.group()), text)
    return printable(text)


# Names the decoder handles by pattern rather than by table.
_PATTERN_COMMANDS = frozenset(
    {"href", "noopsort", "hspace", "vspace", "label", "index", "i", "j", *"uvHckrdbt"}
)


def unknown_commands(text: str, defined: Collection[str] = ()) -> list[str]:
    """The commands (outside math) that `decode` drops because nothing defines them: neither
    its own tables nor pylatexenc's, nor `defined`. In order, each once."""
    if "\\" not in text:
        return []
    # Most texts name only known commands: checked over the names alone, the full reading
    # (which also steps over every brace) is only needed when one is not known.
    if all(word in defined or _known(word) for word in set(_COMMAND_NAME.findall(text))):
        return []
    names: dict[str, None] = {}
    for piece in _TOKEN.finditer(text):
        if piece.lastgroup == "math" or piece.group("word") is None:
            continue
        word = piece.group("word")
        if word not in defined and not _known(word):
            names.setdefault(word)
    return list(names)


_COMMAND_NAME = re.compile(r"\\([A-Za-z]++)")


def _known(word: str) -> bool:
    return (
        word in _SYMBOLS
        or word in _TEXT_COMMANDS
        or word in _PATTERN_COMMANDS
        or _pylatexenc_knows(word)
    )


@lru_cache(maxsize=4096)
def _pylatexenc_knows(word: str) -> bool:
    return _pylatexenc_table().get_macro_spec(word) is not None


# LaTeX that was text to the exporter: Zotero escapes the markup of arXiv abstracts
# (`\textbackslash{}textbf\{X\}`), so after decoding it reads `\textbf{X}`.
_ESCAPED_MARKUP = re.compile(
    r"\\(?:textbf|textit|emph|texttt|textsc|underline|mbox|url)\{([^{}]*)\}"
    r"|\\href\{[^{}\s]*\}\{([^{}\\]*)\}"
    r"|\\([%&$#_])"
    r"|\\(etc|ie|eg|vs|etal)\b\.?"
)
_LATIN = {"etc": "etc.", "ie": "i.e.", "eg": "e.g.", "vs": "vs.", "etal": "et al."}


def unescape_markup(text: str) -> str:
    r"""Resolve LaTeX markup that survives decoding as text (`\textbf{X}` -> X, `\%` -> %,
    `\ie` -> i.e.). A command it does not know, such as a paper's own `\name`, stays."""
    if "\\" not in text:
        return text
    return _ESCAPED_MARKUP.sub(
        lambda m: (
            m.group(1)
            if m.group(1) is not None
            else (m.group(2) if m.group(2) is not None else m.group(3) or _LATIN[m.group(4)])
        ),
        text,
    )


# Control characters mean nothing in display text, and YAML (the pages' front matter) rejects
# most of them, so one stray byte would cost a page its title and metadata.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")


def printable(text: str) -> str:
    """`text` without control characters (tabs and line breaks are kept)."""
    return text if text.isprintable() else _CONTROL.sub("", text)


@lru_cache(maxsize=65536)
def _decode_cached(text: str) -> str:
    out = _TOKEN.sub(_replace, text)
    if _COMBINING.search(out):
        out = unicodedata.normalize("NFC", out)
    return out


@lru_cache(maxsize=1024)
def _unknown_command(word: str) -> str:
    """A command missing from our table: ask pylatexenc once; if it does not know it either,
    drop the command and keep its argument, as for `\\emph`.

    Only names in pylatexenc's table are converted (a few hundred, all cached): converting
    costs 0.3 ms, so a megabyte of made-up commands (`\\za \\zb ...`) would take a minute.
    """
    from pylatexenc.latex2text import LatexNodes2Text  # imported late: it is slow to load

    if not _pylatexenc_knows(word):
        return ""

    # It logs "Error in configuration" for a command given without its arguments (`\\frac`):
    # the command is dropped, which is all the reader needs.
    log = logging.getLogger("pylatexenc.latex2text")
    was = log.disabled
    log.disabled = True
    try:
        text = LatexNodes2Text(math_mode="verbatim").latex_to_text("\\" + word)
    except Exception:  # pylatexenc raises many types on odd input; we only lose a symbol
        return ""
    finally:
        log.disabled = was
    # "%s" is its placeholder for the arguments a command was not given.
    return text if text.strip() and "\\" not in text and "%s" not in text else ""


@lru_cache(maxsize=1)
def _pylatexenc_table() -> Any:
    from pylatexenc.latex2text import get_default_latex_context_db

    return get_default_latex_context_db()


def strip_braces(text: str) -> str:
    """For URL-like fields: drop protective braces and the escapes Zotero adds (`\\_`, `\\%`)."""
    if "\\" not in text and "{" not in text:
        return text.strip()
    text = re.sub(r"\\([_%#&$~])", r"\1", text)
    return text.replace("{", "").replace("}", "").strip()
