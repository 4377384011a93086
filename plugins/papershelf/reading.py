"""Text made easier to read on a paper page: the language a note or abstract is written in
(for `lang`, so browsers pick the right glyphs and screen readers the right voice), a note's
headings nested under the page's own, and bare web addresses in abstracts made links."""

from __future__ import annotations

import re

from .markdown import fence_mask

_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile("[\u3040-\u30ff]")
_HANGUL = re.compile("[\uac00-\ud7af]")
_LATIN = re.compile("[A-Za-z\u00c0-\u024f]")
_NOT_PROSE = re.compile(r"```.*?```|`[^`\n]*`|https?://\S+|\]\([^)]*\)|<[^>]*>", re.DOTALL)
_ENGLISH = frozenset("the of and to in is that for with on are we this by as from be our".split())
# Common characters written differently in Simplified and Traditional Chinese.
_SIMPLIFIED = frozenset(
    "这个们来说时为会学国对过发问经实现点动种后进还开关间见样长话机头东应无没听书写车语让认题论记设证识统据数训练检强习优础验错误难题终级"
)
_TRADITIONAL = frozenset(
    "這個們來說時為會學國對過發問經實現點動種後進還開關間見樣長話機頭東應無沒聽書寫車語讓認題論記設證識統據數訓練檢強習優礎驗錯誤難題終級"
)
SAMPLE = 20_000  # characters looked at: enough to tell, cheap on the longest note


def text_language(text: str) -> str:
    """The language `text` is mostly written in, as an HTML `lang` value: `zh-Hans`,
    `zh-Hant`, `ja`, `ko` or `en`; "" when it is too short or mixed to tell.

    A Chinese character says about as much as two Latin letters, so a note in Chinese with
    English terms (`用 RL 训练 Search-R1`) is Chinese, an abstract with one Chinese word is not.
    """
    sample = _NOT_PROSE.sub(" ", text[:SAMPLE])
    han, kana = len(_HAN.findall(sample)), len(_KANA.findall(sample))
    hangul, latin = len(_HANGUL.findall(sample)), len(_LATIN.findall(sample))
    cjk = han + kana + hangul
    if cjk * 2 + latin < 20:
        return ""
    if cjk * 2 >= latin:
        if hangul > han:
            return "ko"
        if kana * 20 >= cjk:
            return "ja"
        simplified = sum(1 for ch in sample if ch in _SIMPLIFIED)
        traditional = sum(1 for ch in sample if ch in _TRADITIONAL)
        return "zh-Hant" if traditional > simplified else "zh-Hans"
    words = re.findall(r"[a-z]+", sample.lower())
    common = sum(1 for w in words if w in _ENGLISH)
    return "en" if words and common * 12 >= len(words) else ""


_ATX = re.compile(r"^( {0,3})(#{1,6})(?=[ \t]|$)")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_BLOCK_START = re.compile(r"^ {0,3}(?:[-*+>|]|\d+[.)]|#|```|~~~|<)")


def nest_headings(body: str, top: int = 3) -> str:
    """The note with its headings moved down so the highest is an `h<top>`: under the
    page's own `h2` sections (a note's `# Title` would be a second page title) and in the
    table of contents beneath "Notes". Code is left alone; lines keep their numbers."""
    lines = body.split("\n")
    fenced = fence_mask(lines)
    found: list[tuple[int, int]] = []  # (row, level)
    for row, line in enumerate(lines):
        if fenced[row]:
            continue
        atx = _ATX.match(line)
        if atx:
            found.append((row, len(atx.group(2))))
        elif _is_setext(lines, fenced, row):
            found.append((row - 1, 1 if lines[row].strip()[0] == "=" else 2))
    if not found or min(level for _, level in found) >= top:
        return body
    shift = top - min(level for _, level in found)
    for row, level in found:
        atx = _ATX.match(lines[row])
        new = "#" * min(6, level + shift)
        if atx:
            lines[row] = atx.group(1) + new + lines[row][atx.end() :]
        else:  # setext: the text becomes an ATX heading, its underline a blank line
            lines[row], lines[row + 1] = f"{new} {lines[row].strip()}", ""
    return "\n".join(lines)


def _is_setext(lines: list[str], fenced: list[bool], row: int) -> bool:
    """Whether lines[row] underlines the line above into a heading: a paragraph's only
    line (Python-Markdown reads `Text\\n---` at the start of a block so, and a rule
    elsewhere)."""
    if row == 0 or fenced[row - 1] or not _SETEXT.match(lines[row]):
        return False
    text = lines[row - 1]
    if not text.strip() or _BLOCK_START.match(text) or text.startswith(("    ", "\t")):
        return False
    return row == 1 or not lines[row - 2].strip()


# A bare web address in running text: up to a space, a quote or an angle bracket.
_URL = re.compile(r"https?://[^\s<>\"'`{}|\\^\[\]]+")
_TRAILING = ".,;:!?*'\""


def link_pieces(text: str) -> list[tuple[str, str]]:
    """("text", ...) and ("link", url) pieces of `text`: bare http(s) addresses become
    links, without the punctuation that ends a sentence or a closing bracket they do not
    open."""
    pieces: list[tuple[str, str]] = []
    start = 0
    for match in _URL.finditer(text):
        url = _trim(match.group())
        if len(url) <= len("https://"):
            continue
        if match.start() > start:
            pieces.append(("text", text[start : match.start()]))
        pieces.append(("link", url))
        start = match.start() + len(url)
    if start < len(text):
        pieces.append(("text", text[start:]))
    return pieces


def _trim(url: str) -> str:
    while url:
        if url[-1] in _TRAILING or url[-1] == ")" and url.count("(") < url.count(")"):
            url = url[:-1]
        else:
            break
    return url
