"""Bytes of an input file -> text, in whichever encoding people's tools wrote it.

1. A BOM decides: UTF-8, UTF-16 or UTF-32 (UTF-32's BOM starts with UTF-16's: it goes first).
2. NUL bytes in one pattern mean UTF-16 or UTF-32 without a BOM; UTF-8 text never holds them.
3. Strict UTF-8. Nearly every file stops here, after one `in` scan and one decode: nothing
   below runs for it.
4. Otherwise the lines that are not UTF-8 are decoded in each legacy encoding we know and the
   readings scored (below). The best is used; when that is Windows-1252 (it wins ties) or
   none is believable, the file keeps the UTF-8 + Windows-1252 byte-by-byte reading, which
   suits the usual case of one pasted Latin-1 line.

Every file that is not plain UTF-8 is reported (`encoding`), naming what it was read as and
the line of the first byte that is not UTF-8, so no guess is ever silent.
"""

from __future__ import annotations

import codecs
import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .model import Problem

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_NAMES = {
    "utf-32-le": "UTF-32 (little-endian)",
    "utf-32-be": "UTF-32 (big-endian)",
    "utf-16-le": "UTF-16 (little-endian)",
    "utf-16-be": "UTF-16 (big-endian)",
}
_LONE_CR = re.compile(r"\r(?!\n)")
_HINT = "re-save the file as UTF-8"


def decode_bytes(data: bytes, shown: str) -> tuple[str, Problem | None]:
    """The text of a file and, unless it is UTF-8, an `encoding` problem saying how it was read.
    A lone CR (classic Mac line ends) becomes a line end, so every line number holds."""
    text, problem = _decode(data, shown)
    if "\r" in text:
        text = _LONE_CR.sub("\n", text)
    return text, problem


def _decode(data: bytes, shown: str) -> tuple[str, Problem | None]:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            if codec == "utf-8":
                break
            return _wide(data[len(bom) :], codec, shown)
    # Not "utf-8-sig": its error offsets would not count the BOM, and the line would be off.
    body = data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data
    if b"\0" in body:
        wide = wide_codec(body)
        if wide:
            return _wide(body, wide, shown)
    try:
        return body.decode("utf-8"), None
    except UnicodeDecodeError as error:
        return _legacy(body, error.start, shown)


def wide_codec(data: bytes) -> str:
    """'utf-32-le', 'utf-16-be', ... when BOM-less bytes are UTF-32 or UTF-16, else ''."""
    sample = data[:4096]
    units = len(sample) // 4
    if units:
        # Every code point is below 0x110000: one UTF-32 unit always has a zero byte and a
        # byte of at most 0x10 at its top. UTF-16 text has that only where a tab or line end
        # follows a character, so it cannot pass for UTF-32.
        le = sum(1 for i in range(0, units * 4, 4) if sample[i + 3] == 0 and sample[i + 2] <= 16)
        be = sum(1 for i in range(0, units * 4, 4) if sample[i] == 0 and sample[i + 1] <= 16)
        if max(le, be) >= 0.9 * units:
            return "utf-32-le" if le >= be else "utf-32-be"
    # ASCII in UTF-16 has a NUL in every other byte; Chinese text has fewer, but its line
    # ends, markup and front matter still put them all at one parity.
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    pairs = len(sample) // 2
    if odd >= max(2, 0.05 * pairs) and odd >= 4 * even:
        return "utf-16-le"
    if even >= max(2, 0.05 * pairs) and even >= 4 * odd:
        return "utf-16-be"
    return ""


def _wide(body: bytes, codec: str, shown: str) -> tuple[str, Problem]:
    unit = 4 if "32" in codec else 2
    extra = len(body) % unit
    # A file cut short (or saved with one stray byte) loses that half character, not the file.
    text = body[: len(body) - extra].decode(codec, errors="replace")
    bad = text.find("\ufffd")
    damage = []
    if bad >= 0:
        damage.append("some bytes could not be decoded")
    if extra:
        damage.append(f"it ends in {extra} stray byte{'s' if extra > 1 else ''}, left out")
    notes = f" ({'; '.join(damage)})" if damage else ""
    line = _text_line(text, bad) if bad >= 0 else 1
    return text, Problem(
        shown,
        line,
        None,
        f"file is {_NAMES[codec]}, not UTF-8{notes}; it was read, but BibTeX tools and "
        "Markdown editors expect UTF-8",
        _HINT,
        "encoding",
    )


def _legacy(body: bytes, first_bad: int, shown: str) -> tuple[str, Problem]:
    lines = body.splitlines(keepends=True)
    utf8 = [_utf8(line) for line in lines]
    foreign = b"".join(line for line, text in zip(lines, utf8, strict=True) if text is None)
    readings = best_readings(foreign)
    where, byte = _byte_line(body, first_bad), f"0x{body[first_bad]:02x}"
    if not readings or readings[0].codec == "cp1252":
        return _cp1252(body), Problem(
            shown,
            where,
            None,
            f"file is not valid UTF-8 (byte {byte}); bytes that are not UTF-8 were read as "
            "Windows-1252, so accented letters may be wrong" + _doubt(readings),
            _HINT,
            "encoding",
        )
    best = readings[0]
    parts = []
    for line, text in zip(lines, utf8, strict=True):
        legacy = line.decode(best.codec, errors="replace") if not (text and text.isascii()) else ""
        # A line of a legacy file can be valid UTF-8 by chance: then it reads as nonsense.
        if text is None or (
            legacy and profile_score(legacy, best.codec) > profile_score(text, best.codec)
        ):
            parts.append(legacy)
        else:
            parts.append(text)
    decoded = "".join(parts)
    damaged = " (some bytes could not be decoded)" if "\ufffd" in decoded else ""
    return decoded, Problem(
        shown,
        where,
        None,
        f"file is {best.name}, not UTF-8 (byte {byte} on this line); it was read as "
        f"{best.name}{damaged}" + _doubt(readings),
        f"{_HINT}, e.g. with `iconv -f {best.iconv} -t UTF-8`",
        "encoding",
    )


def _utf8(line: bytes) -> str | None:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _doubt(readings: list[Reading]) -> str:
    """The runner-up reading, when it scored nearly as well (short texts): a person decides."""
    if len(readings) < 2:
        return ""
    best, other = readings
    return (
        f"; it reads `{best.excerpt}`, but as {other.name} it would read `{other.excerpt}`: "
        "check which is right"
    )


def _cp1252(body: bytes) -> str:
    # Byte by byte, so the UTF-8 parts of a file edited in two encodings stay intact.
    return body.decode("utf-8", errors=_CP1252_FALLBACK)


def _cp1252_bytes(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    bad = error.object[error.start : error.end]
    return bytes(bad).decode("cp1252", errors="replace"), error.end


_CP1252_FALLBACK = "papershelf-cp1252"
codecs.register_error(_CP1252_FALLBACK, _cp1252_bytes)


def _byte_line(data: bytes, offset: int) -> int:
    """1-based line of a byte offset, counting CRLF, LF and a lone CR as one line end each."""
    head = data[:offset]
    return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1


def _text_line(text: str, offset: int) -> int:
    head = text[:offset]
    return head.count("\n") + head.count("\r") - head.count("\r\n") + 1


# ---------------------------------------------------------------- legacy encodings
@dataclass(frozen=True)
class Reading:
    """One way to read the bytes that are not UTF-8, and how much it looks like real text."""

    codec: str  # Python's name
    name: str  # as people call it
    iconv: str  # as `iconv -f` spells it
    score: float  # 0..1: share of the bytes that read as likely characters
    excerpt: str = ""


# (codec, name, iconv name, script). GB18030 decodes GBK and GB2312 as well; CP950, CP932 are
# the Windows forms of Big5 and Shift-JIS, which is what Windows tools write.
_LEGACY = (
    ("cp1252", "Windows-1252", "CP1252", "latin"),  # first: it wins ties, as it always did
    ("gb18030", "GBK", "GBK", "hans"),
    ("cp950", "Big5", "CP950", "hant"),
    ("cp932", "Shift-JIS", "CP932", "ja"),
    ("euc_jp", "EUC-JP", "EUC-JP", "ja"),
    ("cp1251", "Windows-1251", "CP1251", "cyrillic"),
    ("koi8_r", "KOI8-R", "KOI8-R", "cyrillic"),
)
_SCRIPT = {codec: script for codec, _, _, script in _LEGACY}
# Scoring reads at most this much of the non-UTF-8 lines: plenty to tell encodings apart,
# and a large legacy .bib file costs no more than a small one.
_SAMPLE = 8192
# Below this no reading is believable (binary junk, an encoding we do not know): the file
# keeps the UTF-8 + Windows-1252 reading. Right readings of real text score 0.85 or more,
# wrong ones mostly 0.1 to 0.7 (tests/test_encoding.py checks both).
_FLOOR = 0.6
# A runner-up this close is named in the problem, so a person can check; so is any believable
# one when there are too few bytes to go on (one or two CJK characters, a short word).
_MARGIN = 0.15
_FEW = 8
_PUNCT = frozenset("·‐‑–—―‘’“”„…‰′″※•°±×÷№«»§¶€£©®\u00a0")


def best_readings(data: bytes) -> list[Reading]:
    """The likeliest reading of `data` (lines that are not UTF-8) first, then the runner-up
    if it scored nearly as well; [] when no reading is believable."""
    sample = data[:_SAMPLE]
    if len(data) > _SAMPLE and b"\n" in sample:
        sample = sample[: sample.rindex(b"\n") + 1]  # never cut a character in two
    readings = []
    for codec, name, iconv, _script in _LEGACY:
        text = sample.decode(codec, errors="replace")
        if codec == "gb18030" and not _decodes(sample, "gbk"):
            name = iconv = "GB18030"
        readings.append(Reading(codec, name, iconv, profile_score(text, codec), _excerpt(text)))
    readings.sort(key=lambda r: -r.score)  # stable: ties keep the order of _LEGACY
    best = readings[0]
    if best.score < _FLOOR:
        return []
    few = sum(1 for byte in sample if byte > 0x7F) < _FEW
    close = [
        r for r in readings[1:2] if r.score >= best.score - _MARGIN or (few and r.score >= _FLOOR)
    ]
    return [best, *(r for r in close if r.excerpt != best.excerpt)]


def profile_score(text: str, codec: str) -> float:
    """Share of the non-ASCII text (weighted by bytes) that is likely in the codec's script."""
    script = _SCRIPT[codec]
    total = score = 0.0
    for run in re.finditer(r"[^\x00-\x7f]+", text):
        chars = run.group()
        before = text[run.start() - 1] if run.start() else " "
        after = text[run.end()] if run.end() < len(text) else " "
        for i, ch in enumerate(chars):
            size = 1.0 if ord(ch) < 0x800 else 2.0
            prev = chars[i - 1] if i else before
            glued = (not i and _latin(before)) or (i == len(chars) - 1 and _latin(after))
            total += size
            score += size * _weight(ch, prev, glued, len(chars), script)
    return score / total if total else 0.0


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def _weight(ch: str, prev: str, glued: bool, run: int, script: str) -> float:
    """How likely `ch` is in real text of `script`; `glued`: an ASCII letter touches it."""
    if ch in _PUNCT:
        return 1.0
    if script == "latin":
        # Accented letters stand alone among ASCII letters; runs of them are other scripts.
        base = 1.0 if unicodedata.category(ch)[0] == "L" else 0.2
        return base if run == 1 else (base / 2 if run == 2 else 0.1)
    if script == "cyrillic":
        if not "\u0400" <= ch <= "\u045f":
            return 0.0
        if glued:
            return 0.1  # a Cyrillic letter glued to a Latin one: a wrong reading
        cyrillic_prev = "\u0400" <= prev <= "\u045f"
        if ch.isupper() and cyrillic_prev:
            return 0.1 if prev.islower() else 0.4  # capitals mid-word: the case is inverted
        if ch.isupper() and not prev.isascii():
            return 0.3  # a capital after a symbol such as µ or ¤
        # Russian's own 33 letters; Ukrainian and Serbian ones are rarer, and are what the
        # symbols area of Windows-1251 turns CJK bytes into.
        return 1.0 if "\u0410" <= ch <= "\u044f" or ch in "Ёё" else 0.5
    if "\u3000" <= ch <= "\u303f" or "\uff01" <= ch <= "\uff5e":
        return 1.0  # CJK punctuation and full-width forms
    if "\u3040" <= ch <= "\u30ff":
        return 1.0 if script == "ja" else 0.1  # kana: Japanese, rarely in Chinese text
    if "\uff61" <= ch <= "\uff9f":
        return 0.3 if script == "ja" else 0.0  # half-width katakana
    if ch in _common_han():
        return 1.0
    frequent, rarer = _tiers(script)
    # The list of common characters is simplified Chinese: for Big5 and Japanese the
    # standards' own first level says more.
    if ch in frequent:
        return 0.5 if script == "hans" else 0.8
    if ch in rarer:
        return 0.3 if script == "hans" else 0.4
    return 0.1 if "\u3400" <= ch <= "\u9fff" else 0.0


@functools.cache
def _common_han() -> frozenset[str]:
    """The 1,000 most frequent Han characters (scripts/han-frequency): about 91% of the Han
    characters of real Chinese text, about 26% of a wrong reading's."""
    return frozenset(
        "".join((Path(__file__).parent / "han-frequency.txt").read_text("utf-8").split())
    )


@functools.cache
def _tiers(script: str) -> tuple[frozenset[str], frozenset[str]]:
    """(frequent, less frequent) Han characters as each script's own standard ranks them:
    GB2312 levels 1 and 2, Big5's frequent and less frequent blocks, JIS X 0208 levels 1
    and 2. A wrong reading of real text lands mostly outside the first, or on symbols."""
    codec, first, second = {
        "hans": ("gb2312", (0xB0, 0xD7), (0xD8, 0xF7)),
        "hant": ("big5", (0xA4, 0xC6), (0xC9, 0xF9)),
        "ja": ("euc_jp", (0xB0, 0xCF), (0xD0, 0xF4)),
    }[script]
    return _han_rows(codec, *first), _han_rows(codec, *second)


def _han_rows(codec: str, first: int, last: int) -> frozenset[str]:
    found = set()
    for lead in range(first, last + 1):
        for trail in (*range(0x40, 0x7F), *range(0xA1, 0xFF)):
            try:
                ch = bytes((lead, trail)).decode(codec)
            except UnicodeDecodeError:
                continue
            if len(ch) == 1 and "\u3400" <= ch <= "\u9fff":
                found.add(ch)
    return frozenset(found)


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _excerpt(text: str) -> str:
    """The first non-ASCII characters with a few words around them, printable, for the
    message."""
    start = next((i for i, ch in enumerate(text) if not ch.isascii()), 0)
    line = text.rfind("\n", 0, start) + 1
    left = text[max(line, start - 12) : start]
    if start - 12 > line and " " in left:
        left = left[left.index(" ") + 1 :]  # start at a word
    piece = (left + text[start : start + 16]).split("\n")[0]
    return "".join(ch if ch.isprintable() else "?" for ch in piece).strip()
