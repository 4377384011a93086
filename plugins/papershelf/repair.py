"""Detect and repair mojibake in reading-list notes.

The main case is text whose UTF-8 bytes 0x81 0x8D 0x8E 0x8F 0x90 0x9D 0x9E 0xAD were
dropped before the rest was decoded as Windows-1254 (``论文解读`` -> ``è®ºæ–‡è§£è¯»``).  The
dropped values are all UTF-8 continuation bytes, so lead bytes survive and every damaged
character announces how many bytes it lost; which values, and where, is decided by the
language model in :mod:`papershelf.repair_model`.

When the optional trigram model is there (``papershelf[repair]`` and Debian's
``libime-data-language-model``), :mod:`papershelf.repair_trigram` takes a second look at the
Chinese text and about halves the misses; without it the repair is exactly the jieba model's.

Plain mojibake (UTF-8 read as cp1252/latin-1, nothing lost) is handed to ftfy.
"""

from __future__ import annotations

import itertools
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from papershelf import repair_model as rm
from papershelf import repair_trigram as rt

DROPPED_BYTES = frozenset(b"\x81\x8d\x8e\x8f\x90\x9d\x9e\xad")
_DROPPED_ORDER = bytes(sorted(DROPPED_BYTES))
_CODEC = "cp1254"

CLEAN = "clean"
DROPPED = "cp1254-dropped"
MOJIBAKE = "mojibake"


@dataclass(frozen=True)
class Uncertain:
    start: int  # offset in the REPAIRED text (str index)
    end: int
    chosen: str  # the text chosen for [start:end]
    alternatives: tuple[str, ...]  # other plausible candidates, best first
    confidence: float  # 0..1, the model's probability for `chosen`


@dataclass(frozen=True)
class RepairResult:
    text: str  # repaired text (or the input unchanged)
    kind: str  # "clean" | "cp1254-dropped" | "mojibake"
    changed: bool
    uncertain: tuple[Uncertain, ...]
    unresolved: int  # damaged spans that could not be decoded at all (left as-is)
    model: str = ""  # "trigram" or "basic" for dropped-byte repairs
    hint: str = ""  # how to get the trigram model, when it was wanted and missing


def damage(text: str) -> str:
    """The exact forward corruption: UTF-8, drop the eight byte values, decode cp1254."""
    raw = bytes(b for b in text.encode("utf-8") if b not in DROPPED_BYTES)
    return raw.decode(_CODEC)


# ---------------------------------------------------------------------------------------
# Byte-level structure
# ---------------------------------------------------------------------------------------
def _seq_len(lead: int) -> int:
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 0  # a continuation byte or a value UTF-8 never uses as a lead


def _is_cont(b: int) -> bool:
    return 0x80 <= b <= 0xBF


@lru_cache(maxsize=8192)
def candidates(lead: int, present: bytes, length: int) -> tuple[str, ...]:
    """Every char obtainable by inserting dropped values among the surviving continuations."""
    missing = length - 1 - len(present)
    found: dict[str, None] = {}
    for where in itertools.combinations(range(length - 1), missing):
        for values in itertools.product(_DROPPED_ORDER, repeat=missing):
            fill = iter(values)
            rest = iter(present)
            seq = bytes(
                [lead, *(next(fill) if k in where else next(rest) for k in range(length - 1))]
            )
            try:
                ch = seq.decode("utf-8")
            except UnicodeDecodeError:
                continue
            if unicodedata.category(ch) not in ("Cn", "Co", "Cs", "Cc"):
                found[ch] = None
    return tuple(found)


@dataclass
class _RunParse:
    slots: list[rm.Slot] | None  # None: left as-is (cannot be explained by the corruption)
    complete: int = 0  # multi-byte sequences with all their bytes
    partial: int = 0  # sequences that lost bytes but kept at least one continuation
    bare: int = 0  # lead bytes with no continuation at all (weak evidence)


def _parse_run(raw: bytes) -> _RunParse:
    """Split one run of non-ASCII bytes into slots; see _RunParse for the counters."""
    out = _RunParse(slots=[])
    slots: list[rm.Slot] = []
    i, n = 0, len(raw)
    while i < n:
        length = _seq_len(raw[i])
        if not length:
            return _RunParse(slots=None)
        j = i + 1
        while j < n and j - i < length and _is_cont(raw[j]):
            j += 1
        if j - i == length:
            try:
                slots.append((raw[i:j].decode("utf-8"),))
            except UnicodeDecodeError:
                return _RunParse(slots=None)
            out.complete += 1
        else:
            cands = candidates(raw[i], bytes(raw[i + 1 : j]), length)
            if not cands:
                return _RunParse(slots=None)
            slots.append(cands)
            if j - i > 1:
                out.partial += 1
            else:
                out.bare += 1
        i = j
    out.slots = slots
    return out


_RUN = re.compile(r"[^\x00-\x7f]+")


@dataclass
class _Analysis:
    runs: list[tuple[int, int, _RunParse | None]]  # None: holds chars the codec cannot encode
    complete: int
    partial: int
    bare: int
    bad: int  # encodable runs that the corruption cannot have produced
    foreign: int  # runs with chars outside the codec that also hold mojibake-like chars


def _analyse(text: str, codec: str = _CODEC) -> _Analysis:
    runs: list[tuple[int, int, _RunParse | None]] = []
    complete = partial = bare = bad = foreign = 0
    for m in _RUN.finditer(text):
        try:
            raw = m.group().encode(codec)
        except UnicodeEncodeError:
            runs.append((m.start(), m.end(), None))
            if any(_encodable(ch, codec) for ch in m.group()):
                foreign += 1
            continue
        p = _parse_run(raw)
        runs.append((m.start(), m.end(), p))
        if p.slots is None:
            bad += 1
        else:
            complete += p.complete
            partial += p.partial
            bare += p.bare
    return _Analysis(runs, complete, partial, bare, bad, foreign)


def _encodable(ch: str, codec: str) -> bool:
    try:
        ch.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


# ---------------------------------------------------------------------------------------
# Detection
# ---------------------------------------------------------------------------------------
def _classify(a: _Analysis) -> str:
    evidence = a.complete + a.partial  # leads followed by at least one continuation
    if evidence == 0:
        return CLEAN
    # Real damage never leaves a stray continuation or an impossible lead; allow a few such
    # runs in a long document (they are left alone), none in a short string.
    if a.bad + a.foreign > evidence // 20:
        return CLEAN
    # "Sébastien", "naïve": a lone lead-looking letter before ASCII is ordinary Latin text.
    if a.bare * 2 > evidence:
        return CLEAN
    if a.partial + a.bare == 0:
        return MOJIBAKE
    # About three chars in four survive whole, so intact sequences must dominate; this
    # also keeps out Latin text that merely has "é’" (E9 + continuation) here and there.
    return DROPPED if a.complete and a.complete * 2 >= a.partial else CLEAN


def _kind_and_analysis(text: str) -> tuple[str, _Analysis | None]:
    if text.isascii():
        return CLEAN, None
    a = _analyse(text)
    kind = _classify(a)
    if kind == CLEAN and a.foreign:
        # cp1252/latin-1 mojibake holds chars cp1254 lacks (ð, Ž, C1 controls ...).
        for codec in ("cp1252", "latin-1"):
            other = _analyse(text, codec)
            if _classify(other) == MOJIBAKE:
                return MOJIBAKE, None
    return kind, a


def detect_damage(text: str) -> str:
    """Return "clean", "cp1254-dropped" or "mojibake" without repairing anything."""
    return _kind_and_analysis(text)[0]


# ---------------------------------------------------------------------------------------
# Repair
# ---------------------------------------------------------------------------------------
def repair_text(text: str, model: str | os.PathLike[str] | None = None) -> RepairResult:
    """Detect the damage and undo it.  `model`: the trigram model file; by default
    $PAPERSHELF_REPAIR_MODEL, else Debian's; "" repairs with the jieba model alone."""
    kind, analysis = _kind_and_analysis(text)
    if kind == CLEAN:
        return RepairResult(text, CLEAN, False, (), 0)
    if kind == MOJIBAKE or analysis is None:
        return _fix_mojibake(text, analysis)
    slots, unresolved = _slots(text, analysis)
    decoded = rm.decode_document(slots)
    trigram, hint = _trigram(model)
    if trigram is not None:
        decoded = rt.refine(slots, decoded, trigram)
    fixed = "".join(decoded.chosen)
    uncertain = tuple(
        Uncertain(k, k + 1, decoded.chosen[k], alts, conf) for k, alts, conf in decoded.uncertain
    )
    used = "trigram" if trigram is not None else "basic"
    return RepairResult(fixed, DROPPED, fixed != text, uncertain, unresolved, used, hint)


_GET_IT = (
    "damaged text was repaired with the basic model; the trigram model halves its misses: "
    "{steps} (see README, 'Command line')"
)


def _trigram(model: str | os.PathLike[str] | None) -> tuple[rt.Trigram | None, str]:
    """The trigram model, or None and what to do to get it ("" when it was switched off)."""
    if model is not None and not str(model) or model is None and os.environ.get(rt.ENV) == "":
        return None, ""
    steps = []
    if rt.kenlm_missing():
        steps.append("pip install 'papershelf[repair]' (builds kenlm; needs a C++ compiler)")
    path = rt.find_model(model)
    if path is None:
        given = model if model is not None else os.environ.get(rt.ENV)
        steps.append(
            f"{given}: no such file" if given else "apt-get install libime-data-language-model"
        )
    if steps:
        return None, _GET_IT.format(steps="; ".join(steps))
    assert path is not None
    try:
        return rt.load(path), ""
    except (OSError, RuntimeError, ValueError) as error:  # kenlm's reading errors
        return None, _GET_IT.format(steps=f"{path} is not a KenLM model ({error})")


def _fix_mojibake(text: str, analysis: _Analysis | None) -> RepairResult:
    import ftfy  # imported here: only mojibake needs it, and it is slow to import

    fixed = ftfy.fix_encoding(text)
    if fixed == text and analysis is not None:
        # ftfy declined; every run is a complete cp1254 sequence, so decoding is exact.
        slots, _ = _slots(text, analysis)
        fixed = "".join(s[0] for s in slots)
    return RepairResult(fixed, MOJIBAKE, fixed != text, (), 0)


def _slots(text: str, a: _Analysis) -> tuple[list[rm.Slot], int]:
    """One slot per output char; runs the corruption cannot explain are kept verbatim."""
    slots: list[rm.Slot] = []
    unresolved = 0
    pos = 0
    for start, end, parse in a.runs:
        slots.extend((ch,) for ch in text[pos:start])
        if parse is not None and parse.slots is not None:
            slots.extend(parse.slots)
        else:
            chunk = text[start:end]
            if parse is not None or any(_encodable(ch, _CODEC) for ch in chunk):
                unresolved += 1
            slots.extend((ch,) for ch in chunk)
        pos = end
    slots.extend((ch,) for ch in text[pos:])
    return slots, unresolved
