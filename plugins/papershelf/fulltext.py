"""Abstracts and notes -> the index page's full-text index: static files cut into chunks, so a
query fetches only the few that hold its words, whatever the size of the library.

Pure functions (no MkDocs). The files, beside the index page (README.md, "Full-text search"):

- `index-fulltext.json`, the manifest: the sorted vocabulary's chunk boundaries (the first
  token of each chunk and the chunk's file), and digests that tie it to the list it indexes;
- `index-fulltext/<hash>.txt`, the chunks: one line per token, `token<TAB>A<TAB>N`, where A
  lists the papers whose abstract has the token and N those whose note has it (and whose
  abstract does not), as list positions (paper `i` is the `i`-th item of the index list);
- `index-fulltext/text/<slug>.txt`: a paper's abstract and note as plain text, fetched for the
  snippet under a hit.

Tokens, from the folded text (`index.fold`): every run of letters and digits outside Chinese
and Japanese script is a word, found by prefix; words joined by `-` or `.` (`search-r1`,
`2503.09516`, `qwen2.5-7b`) are also indexed joined, from each part on, so a query for the
compound does not match papers that only hold its parts far apart. A run of Chinese or Japanese
characters gives each character and each pair of neighbours: a query of one character looks up
the character, a longer one all its pairs (at most `MAX_PAIRS`, spread over it), which finds
it wherever the note has it, without a dictionary, as a substring search would.
`papershelf.js` parses queries by the same rules; `tests/test_fulltext_script.py` holds the
two to each other.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import operator
import re
from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import repeat

from .index import FULLTEXT_FILE, fold, list_digest
from .markdown import fence_mask
from .model import Entry, Library

MANIFEST_FILE = FULLTEXT_FILE
FOLDER = "index-fulltext"
FORMAT_VERSION = 1
# Characters of a paper's abstract and note that are indexed, and kept for its snippets: a
# 2 MiB note cannot blow up the index (the example's longest note has 8,000 characters).
MAX_INDEXED = 100_000
MAX_SHOWN = 20_000
# A chunk ends after CHUNK_MIN bytes at a token whose hash says so, or at CHUNK_MAX: cuts
# decided by content, so an edit that changes one chunk leaves its neighbours' files (and
# the browsers' cached copies) alone. Measured: 24 KB chunks keep a first query under 200 KB.
CHUNK_MIN = 20_000
CHUNK_MAX = 32_000
# A token held by more than 1/BITMAP_SHARE of the papers is stored as a bitmap (smaller then).
BITMAP_SHARE = 6
# What the query side does (papershelf.js has the same numbers): Latin words of this many
# characters or more match by prefix, shorter ones exactly (a one- or two-letter prefix would
# fetch a large part of the vocabulary); a Chinese run looks up at most MAX_PAIRS pairs.
MIN_PREFIX = 3
MAX_PAIRS = 8
# A token has at most MAX_TOKEN characters: a longer word is indexed in pieces of that many, a
# compound from each of its parts cut there; parts beyond MAX_CHAIN characters into a chain of
# joined words (a URL, a megabyte of `a-a-a`) are indexed as words only.
MAX_TOKEN = 40
MAX_CHAIN = 200

# Han (with 々 〆 〇), hiragana and katakana letters. Hangul is not here: folding decomposes
# its syllables into jamo, which are letters like any other and Korean puts spaces between
# words anyway.
CJK = (
    "\u3005-\u3007\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
)
_LETTER = f"[^\\W_{CJK}]"  # a letter or digit outside CJK (Python's \w is Unicode-aware)
# Every pattern here reads its text once: no part of one can match what the next part does.
_WORD = re.compile(f"{_LETTER}{{1,{MAX_TOKEN}}}")
_COMPOUND = re.compile(f"(?<!{_LETTER}){_LETTER}+(?:[-.]{_LETTER}+)+")
_JOINER = re.compile("[-.]")
_PAIR = re.compile(f"(?=([{CJK}]{{2}}))")
_CHAR = re.compile(f"[{CJK}]")
_LEADING_WORD = re.compile(f"{_LETTER}+")
_RUNS = re.compile(f"([{CJK}]+)|({_LETTER}+(?:[-.]{_LETTER}+)*)")


def text_tokens(folded: str) -> set[str]:
    """The distinct tokens of a folded text: words, compounds, CJK characters and pairs."""
    if len(folded) > MAX_INDEXED:  # cut, without the word cut in two (read from the end)
        cut = folded[:MAX_INDEXED]
        partial = (
            _LEADING_WORD.match(cut[::-1]) if _LEADING_WORD.match(folded, MAX_INDEXED) else None
        )
        folded = cut[: len(cut) - partial.end()] if partial else cut
    tokens = set(_WORD.findall(folded))
    if "-" in folded or "." in folded:
        for compound in set(_COMPOUND.findall(folded)):
            # `qwen2.5-7b` is found as `qwen2.5-7b`, and as `5-7b` from its second part.
            starts = [0, *(m.end() for m in _JOINER.finditer(compound, 0, MAX_CHAIN))]
            tokens.update(compound[s : s + MAX_TOKEN] for s in starts if s < len(compound))
    if not folded.isascii():
        tokens.update(_PAIR.findall(folded))
        tokens.update(_CHAR.findall("".join(set(folded))))
    return tokens


@dataclass(frozen=True)
class Lookup:
    """One probe of the vocabulary: the tokens equal to `token`, or starting with it."""

    token: str
    prefix: bool


def query_lookups(word: str) -> list[Lookup]:
    """What a folded query word asks of the index; a paper matches when it has every lookup.
    The Python twin of `lookups` in papershelf.js (tests and benchmarks use it)."""
    out: list[Lookup] = []
    for cjk, latin in _RUNS.findall(word):
        if _JOINER.search(latin):
            out.append(Lookup(latin[:MAX_TOKEN], True))
        elif latin:  # in the index's pieces; a piece after the first goes on in the text
            pieces = [latin[i : i + MAX_TOKEN] for i in range(0, len(latin), MAX_TOKEN)]
            out.append(Lookup(pieces[0], len(latin) >= MIN_PREFIX))
            out += [Lookup(piece, True) for piece in pieces[1:]]
        elif len(cjk) == 1:
            out.append(Lookup(cjk, False))
        else:
            out += [Lookup(cjk[i : i + 2], False) for i in _spread(len(cjk) - 1, MAX_PAIRS)]
    return list(dict.fromkeys(out))


def _spread(count: int, limit: int) -> list[int]:
    """`count` positions, or `limit` of them spread evenly from the first to the last."""
    if count <= limit:
        return list(range(count))
    return [round(k * (count - 1) / (limit - 1)) for k in range(limit)]


# ---------------------------------------------------------------- a note as plain text
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})(.*)$")
# Applied in this order to the text outside code blocks, as a whole (re.MULTILINE).
_MARKUP = [
    (re.compile(p, re.MULTILINE), by)
    for p, by in (
        # admonitions and details (`!!! note "Title"`): the title stays
        (r'^[ \t]*(?:!!!|\?\?\?\+?)[ \t]+[\w-]+(?:[ \t]+"([^"\n]*)")?[ \t]*$', r"\1"),
        # thematic breaks, table rules, reference definitions `[id]: url`
        (r"^[ \t]*(?:[-*_][ \t]*){3,}$|^(?=[^\n]*---)[ \t|:-]+$", ""),
        (r"\[\^[^\[\]\n]+\]:?", ""),  # footnote marks (their text stays)
        (r"^[ ]{0,3}\[[^\[\]\n]+\]:.*$", ""),
        # images and links: their text. (No `[` inside the brackets, no `(` inside the target:
        # a line of a thousand unclosed ones is read once, not once from each.)
        (r"!?\[([^\[\]\n]*)\](?:\([^()\n]*\)|\[[^\[\]\n]*\])", r"\1"),
        # HTML: a line break is a space, other tags go without one
        (r"<br\s*/?>", " "),
        (r"</?[A-Za-z][^<>\n]*>", ""),
        (r"\{:?[ \t]*[#.][^{}\n]*\}", ""),  # attribute lists
        # the markers of headings, quotes and lists, however nested
        (r"^(?:[ \t]*(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\d{1,9}[.)][ \t]+))+", ""),
        (r"\*\*|__|~~|==", ""),
        (r"\\([\\`*_{}\[\]()#+\-.!|~<>$])", r"\1"),  # backslash escapes
        (r"\|", " "),
    )
]
_SPACES = re.compile(r"[ \t]+")


def note_text(body: str) -> str:
    """A note's Markdown as a reader sees it: words and code, without markup.

    Link and image targets, HTML tags and comments, reference definitions, attribute lists
    and the markers of headings, lists, quotes, emphasis and tables go; link texts, image
    descriptions, admonition titles and the text of code blocks stay (people look for a
    function or a command they saw). A tag is removed without a space, so `强化<b>学习</b>`
    still reads 强化学习. Lines are kept, blank ones dropped."""
    lines = _COMMENT.sub("", body).split("\n")
    parts, prose, fence = [], [], ""
    for line, fenced in zip(lines, fence_mask(lines), strict=True):
        if not fenced:
            prose.append(line)
            continue
        if prose:
            parts.append(_plain("\n".join(prose)))
            prose = []
        # The fence lines go, the code stays (as fence_mask reads a fence's end).
        match = _FENCE.match(line)
        if not fence:
            fence = match.group(1) if match else "```"
        elif (
            match
            and match.group(1)[0] == fence[0]
            and len(match.group(1)) >= len(fence)
            and not match.group(2).strip()
        ):
            fence = ""
        else:
            parts.append(line)
    if prose:
        parts.append(_plain("\n".join(prose)))
    lines = _SPACES.sub(" ", "\n".join(parts)).split("\n")
    return "\n".join(filter(None, map(str.strip, lines)))


def _plain(text: str) -> str:
    for pattern, by in _MARKUP:
        text = pattern.sub(by, text)
    return html.unescape(text)


# ---------------------------------------------------------------- per paper
@dataclass(frozen=True)
class PaperText:
    """What one paper gives the index: its tokens (the abstract's, and the note's that the
    abstract lacks) and the text its snippets are cut from."""

    abstract: frozenset[str]
    note: frozenset[str]
    shown: str


def paper_text(abstract: str, body: str) -> PaperText:
    note = note_text(body) if body.strip() else ""
    in_abstract = frozenset(text_tokens(fold(abstract))) if abstract else frozenset()
    in_note = frozenset(text_tokens(fold(note)) - in_abstract) if note else frozenset()
    shown = "\n\n".join(part for part in (abstract, note) if part)[:MAX_SHOWN]
    return PaperText(in_abstract, in_note, shown)


@dataclass
class FulltextCache:
    """Kept across `mkdocs serve` rebuilds: each paper's tokens by citation key, with the
    texts they came from, and the files of the last index."""

    papers: dict[str, tuple[tuple[str, str], PaperText]] = field(default_factory=dict)
    made_from: tuple[tuple[str, ...], list[PaperText]] | None = None
    files: dict[str, str] | None = None


def _paper_texts(entries: Sequence[Entry], cache: FulltextCache) -> list[PaperText]:
    fresh: dict[str, tuple[tuple[str, str], PaperText]] = {}
    out = []
    for entry in entries:
        inputs = (entry.paper.abstract, entry.note.body if entry.has_note and entry.note else "")
        hit = cache.papers.get(entry.paper.key)
        if hit is None or hit[0] != inputs:
            hit = (inputs, paper_text(*inputs))
        fresh[entry.paper.key] = hit
        out.append(hit[1])
    cache.papers = fresh
    return out


# ---------------------------------------------------------------- the files
def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def fulltext_files(library: Library, cache: FulltextCache | None = None) -> dict[str, str]:
    """Path (relative to the index page's folder) -> text of the full-text index's files."""
    cache = cache if cache is not None else FulltextCache()
    entries = library.entries
    keys, texts = tuple(e.paper.key for e in entries), _paper_texts(entries, cache)
    last = cache.made_from
    if (
        cache.files is not None
        and last
        and last[0] == keys
        and all(map(operator.is_, last[1], texts))
    ):
        return cache.files  # the same papers, none of them edited
    count = len(entries)
    files = {
        f"{FOLDER}/text/{entry.paper.slug}.txt": text.shown
        for entry, text in zip(entries, texts, strict=True)
        if text.shown
    }
    shown = hashlib.sha256()
    for path, text in files.items():
        shown.update(f"{path}\0{text}\0".encode())
    chunks = [(lines[0].split("\t", 1)[0], "".join(lines)) for lines in _chunks(_lines(texts))]
    names = [_digest(text) for _, text in chunks]
    files.update(
        {f"{FOLDER}/{name}.txt": text for name, (_, text) in zip(names, chunks, strict=True)}
    )
    manifest = {
        "version": FORMAT_VERSION,
        "count": count,
        "list": list_digest(library),
        "texts": shown.hexdigest()[:12],  # the version in the snippet texts' addresses
        "chunks": [[first, name] for (first, _), name in zip(chunks, names, strict=True)],
    }
    files[MANIFEST_FILE] = json.dumps(manifest, ensure_ascii=False, separators=(",", ":"))
    cache.made_from, cache.files = (keys, texts), files
    return files


def _lines(texts: Sequence[PaperText]) -> list[str]:
    """One line per token, in the order the script compares strings (UTF-16 code units)."""
    in_abstract: defaultdict[str, list[int]] = defaultdict(list)
    in_note: defaultdict[str, list[int]] = defaultdict(list)
    append = list.append
    for i, text in enumerate(texts):
        # Ten million postings at 10,000 papers: appended by `map`, without a Python loop.
        deque(map(append, map(in_abstract.__getitem__, text.abstract), repeat(i)), 0)
        deque(map(append, map(in_note.__getitem__, text.note), repeat(i)), 0)
    count = len(texts)
    vocabulary = sorted(in_abstract.keys() | in_note.keys(), key=_utf16)
    return [
        f"{t}\t{_postings(in_abstract.get(t, []), count)}\t{_postings(in_note.get(t, []), count)}\n"
        for t in vocabulary
    ]


def _utf16(token: str) -> bytes:
    # Python compares code points, JavaScript UTF-16 code units: they disagree on characters
    # beyond U+FFFF (Han extension B) against U+E000-U+FFFF, and the script binary-searches.
    return token.encode("utf-16-be")


def _postings(papers: list[int], count: int) -> str:
    if len(papers) * BITMAP_SHARE <= count:
        return encode_gaps(papers)
    flags = bytearray(count)
    deque(map(flags.__setitem__, papers, repeat(1)), 0)
    # Paper i is bit i (bit 0 of byte 0 first): the flags, read as a binary number.
    bits = int(flags.translate(_BINARY)[::-1], 2).to_bytes((count + 7) // 8, "little")
    return "!" + base64.b64encode(bits).decode("ascii")


_BINARY = bytes.maketrans(b"\x00\x01", b"01")


def _chunks(lines: Sequence[str]) -> list[list[str]]:
    chunks: list[list[str]] = []
    current: list[str] = []
    size = 0
    for line in lines:
        if current and (size >= CHUNK_MAX or (size >= CHUNK_MIN and _cut_before(line))):
            chunks.append(current)
            current, size = [], 0
        current.append(line)
        size += len(line.encode("utf-8"))
    if current:
        chunks.append(current)
    return chunks


def _cut_before(line: str) -> bool:
    token = line.split("\t", 1)[0]
    return hashlib.blake2b(token.encode("utf-8"), digest_size=1).digest()[0] < 16


# ---------------------------------------------------------------- posting lists
# A list of ascending positions is written as the gaps between them, each in base 32, most
# significant digit first: the last digit of a number from the first half of ALPHABET, the
# others from the second half. Most gaps are under 32: one character each.
ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"


def _gap_digits(gap: int) -> str:
    digits = []
    while True:
        digits.append(gap & 31)
        gap >>= 5
        if not gap:
            break
    return "".join(ALPHABET[32 + d] for d in reversed(digits[1:])) + ALPHABET[digits[0]]


class _Digits(dict[int, str]):
    def __missing__(self, gap: int) -> str:
        return _gap_digits(gap)


_DIGITS = _Digits((gap, _gap_digits(gap)) for gap in range(32 * 32))


def encode_gaps(numbers: list[int]) -> str:
    """Ascending non-negative integers as the gaps between them, in `ALPHABET` digits."""
    gaps = map(operator.sub, numbers, [-1, *numbers[:-1]])
    return "".join(map(_DIGITS.__getitem__, map((1).__rsub__, gaps)))


def decode_gaps(text: str) -> list[int]:
    """The inverse of `encode_gaps` (the script has the twin)."""
    out, value, previous = [], 0, -1
    for char in text:
        digit = ALPHABET.index(char)
        if digit >= 32:
            value = value * 32 + digit - 32
        else:
            previous += value * 32 + digit + 1
            out.append(previous)
            value = 0
    return out


def decode_postings(text: str, count: int) -> list[int]:
    """A posting list as stored (gaps, or `!` and a bitmap), as positions."""
    if not text.startswith("!"):
        return decode_gaps(text)
    bits = int.from_bytes(base64.b64decode(text[1:]), "little")
    return [i for i in range(count) if bits >> i & 1]
