"""Language model used by :mod:`papershelf.repair` to choose among byte reinsertions.

Everything is derived at first use from data shipped inside the ``jieba`` wheel:

* ``dict.txt``: ~350k words with corpus frequencies and a POS tag (unigram word model);
* ``posseg/prob_trans.py`` and ``posseg/prob_start.py``: the POS-HMM's transitions between
  (B/M/E/S, tag) states, reused here as a word-level POS bigram model.

jieba itself is never imported: its ``__init__`` pulls in ``pkg_resources`` and sets up
logging, neither of which a text repair needs.
"""

from __future__ import annotations

import ast
import importlib.util
import math
import pickle
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

State = tuple[str, str]  # jieba posseg state: (position in word: B/M/E/S, POS tag)

# A boundary token (punctuation, whitespace, Latin text): the POS chain restarts after it.
BOUNDARY: State = ("X", "x")
# An out-of-vocabulary char: transitions into and out of it are left unscored.
UNKNOWN: State = ("O", "o")


@dataclass
class Weights:
    """Log-linear weights; tuned on bench/data/repair_dev.txt, never on the TEST file."""

    trans: float = 0.5  # POS-bigram correction relative to the unigram word model
    trans_floor: float = -12.0  # log-prob for POS transitions jieba never saw
    oov_char: float = 6.0  # extra cost of a CJK char that is not a dictionary word
    rare_cjk: float = 8.0  # extra cost of CJK extension blocks (almost never meant)
    cache_uni: float = 0.0  # document unigram cache (counts of intact chars)
    cache_mu: float = 2000.0  # Dirichlet prior mass of the cache
    cache_bi: float = 0.0  # document bigram cache, bonus per log(1+count)
    end_scale: float = 0.0  # clause-final propensity of the word before punctuation
    extra: dict[str, float] = field(default_factory=dict)


WEIGHTS = Weights()


def _jieba_dir() -> Path:
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("papershelf.repair needs the 'jieba' package (its dictionary)")
    return Path(next(iter(spec.submodule_search_locations)))


class _PlainUnpickler(pickle.Unpickler):
    """jieba's *.p tables are dicts of tuples/strs/floats: refuse anything that needs a class."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"unexpected object {module}.{name} in jieba table")


def _table(path: Path) -> dict:
    """Load a jieba probability table from its pickle, or else its ``P={...}`` literal."""
    pickled = path.with_suffix(".p")
    if pickled.is_file():
        with pickled.open("rb") as fh:
            return _PlainUnpickler(fh).load()
    text = path.read_text(encoding="utf-8")
    return ast.literal_eval(text[text.index("=") + 1 :])


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x3134F


@dataclass
class LanguageModel:
    word_lp: dict[str, float]
    word_tag: dict[str, str]
    prefixes: frozenset[str]
    char_lp: dict[str, float]
    trans: dict[State, dict[State, float]]
    start: dict[State, float]
    marg: dict[State, float]
    dict_marg: dict[State, float]
    single_tags: dict[str, tuple[tuple[State, float], ...]]
    min_char_lp: float


def _stationary_entries(trans: dict[State, dict[State, float]]) -> dict[State, float]:
    """Marginal log-probability of each word-entry state (B,t)/(S,t) under the POS chain.

    The POS correction is log P(entry | previous) - log P(entry); this is the denominator.
    """
    exits = [s for s in trans if s[0] in "ES"]
    pi = dict.fromkeys(exits, 1.0 / len(exits))
    for _ in range(60):
        nxt: dict[State, float] = dict.fromkeys(exits, 0.0)
        for x, p in pi.items():
            for y, lp in trans[x].items():
                if y[0] == "B":
                    nxt[("E", y[1])] += p * math.exp(lp)
                elif y[0] == "S":
                    nxt[y] += p * math.exp(lp)
        z = sum(nxt.values())
        pi = {k: v / z for k, v in nxt.items()}
    marg: dict[State, float] = {}
    for x, p in pi.items():
        for y, lp in trans[x].items():
            if y[0] in "BS":
                marg[y] = marg.get(y, 0.0) + p * math.exp(lp)
    return {k: math.log(v) for k, v in marg.items() if v > 0}


def _single_char_tags(
    states: dict[str, tuple[State, ...]],
    emit: dict[State, dict[str, float]],
    marg: dict[State, float],
) -> dict[str, tuple[tuple[State, float], ...]]:
    """P(tag | char used as a one-char word), from the POS-HMM's emissions.

    dict.txt gives one tag per entry, and for single chars it is often a morpheme tag
    (每/zg, 块/zg) that the POS chain barely knows; the HMM says how the char is used.
    """
    out: dict[str, tuple[tuple[State, float], ...]] = {}
    for ch, sts in states.items():
        scored = [
            (s, emit[s][ch] + marg[s]) for s in sts if s[0] == "S" and s in marg and ch in emit[s]
        ]
        if not scored:
            continue
        top = max(v for _, v in scored)
        z = math.log(sum(math.exp(v - top) for _, v in scored)) + top
        kept = sorted(((s, v - z) for s, v in scored if v - z > math.log(0.05)), key=lambda x: -x[1])
        out[ch] = tuple(kept[:4])
    return out


def _load() -> LanguageModel:
    root = _jieba_dir()
    freq: dict[str, int] = {}
    tag: dict[str, str] = {}
    with (root / "dict.txt").open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) < 2:
                continue
            f = int(parts[1])
            if f > 0:
                freq[parts[0]] = f
                tag[parts[0]] = parts[2] if len(parts) > 2 else "x"
    log_total = math.log(sum(freq.values()))
    word_lp = {w: math.log(f) - log_total for w, f in freq.items()}
    prefixes = {w[:k] for w in freq if len(w) > 1 for k in range(1, len(w))}
    chars: Counter[str] = Counter()
    for w, f in freq.items():
        for ch in w:
            chars[ch] += f
    char_total = math.log(sum(chars.values()))
    char_lp = {c: math.log(f) - char_total for c, f in chars.items()}
    trans = _table(root / "posseg" / "prob_trans.py")
    entry_freq: Counter[State] = Counter()
    for word, f in freq.items():
        entry_freq[("S" if len(word) == 1 else "B", tag[word])] += f
    dict_marg = {k: math.log(v) - log_total for k, v in entry_freq.items()}
    start = {k: v for k, v in _table(root / "posseg" / "prob_start.py").items() if v > -1e50}
    marg = _stationary_entries(trans)
    single_tags = _single_char_tags(
        _table(root / "posseg" / "char_state_tab.py"), _table(root / "posseg" / "prob_emit.py"), marg
    )
    return LanguageModel(
        word_lp=word_lp,
        word_tag=tag,
        prefixes=frozenset(prefixes),
        char_lp=char_lp,
        trans=trans,
        start=start,
        marg=marg,
        single_tags=single_tags,
        dict_marg=dict_marg,
        min_char_lp=min(char_lp.values()),
    )


_MODEL: LanguageModel | None = None
_LOCK = threading.Lock()


def get_model() -> LanguageModel:
    global _MODEL
    if _MODEL is None:
        with _LOCK:
            if _MODEL is None:
                _MODEL = _load()
    return _MODEL


# ---------------------------------------------------------------------------------------
# Priors for non-CJK candidates.  jieba has no punctuation or emoji statistics, so these
# are rough per-character log-probabilities (same scale as word_lp) for the symbols that a
# dropped byte can turn into each other.  Anything not listed falls back to its Unicode
# category, which keeps exotic symbols (㍀, ⁀, 𝟔 ...) far behind real punctuation.
# ---------------------------------------------------------------------------------------
_SYMBOL_LP: dict[str, float] = {
    "、": -5.0, "”": -5.3, "“": -5.3, "！": -6.5, "」": -8.0, "「": -8.0, "『": -9.5,
    "』": -9.5, "【": -8.5, "】": -8.5, "／": -10.0, "－": -10.5, "．": -11.0, "０": -11.5,
    "＝": -11.5, "＞": -11.5, "～": -10.5, "｝": -12.0, "‐": -11.0, "„": -12.5, "〝": -13.0,
    "〞": -13.0, "\ufe0f": -7.0, "\u200d": -9.0, "\u00ad": -11.0, "í": -9.0, "Á": -11.0,
    "Í": -11.5, "Ó": -11.0, "ó": -9.0, "Ð": -12.5, "Ý": -12.5, "Þ": -12.5, "Î": -12.0,
    "Ï": -12.0,
}

# Emoji seen in reading notes, most used first; rank sets the prior.
_EMOJI_RANK = (
    "🌟💡📌🚀📈💬🔍🎯📝🏆✨🧠📊🔥✅👉⭐❗❓🤔👍📚💻🛠🔧📖🌐🔑⚡🎉📋🧩🔬🧪📉🗂🏗🤖"
    "🧭🔗📦🔎🌍🔁🔄🆕💪🙌👀🎨🧐📣📢🎓🌱🔮🪄🐛⚠🌈🌞🌏🌎🍀🎈🎁🏅🥇🔒🔓🔐🔝🔭"
)
EMOJI_LP: dict[str, float] = {ch: -7.0 - 0.08 * i for i, ch in enumerate(_EMOJI_RANK)}


def symbol_logp(ch: str) -> float | None:
    """Prior log-probability of a non-CJK candidate char, or None if it is not plausible."""
    lp = _SYMBOL_LP.get(ch)
    if lp is not None:
        return lp
    lp = EMOJI_LP.get(ch)
    if lp is not None:
        return lp
    cat = unicodedata.category(ch)
    if cat in ("Cn", "Co", "Cs", "Cc"):
        return None
    if cat == "So" and 0x1F000 <= ord(ch) <= 0x1FAFF:
        return -13.0
    if cat in ("Ll", "Lu") and ord(ch) < 0x250:
        return -13.0
    return -18.0


# ---------------------------------------------------------------------------------------
# Lattice decoding of one line.
# ---------------------------------------------------------------------------------------
Slot = tuple[str, ...]  # candidates for one output char; a single entry means "intact"
Token = tuple[int, int, str, State, State, float]  # start, end, text, entry, exit, score

_ASCII_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")


def _transition(lm: LanguageModel, w: Weights, prev: State, entry: State) -> float:
    if entry is BOUNDARY:
        if prev is BOUNDARY or prev is UNKNOWN or not w.end_scale:
            return 0.0
        return w.end_scale * END_PROPENSITY.get(prev[1], 0.0)
    if prev is UNKNOWN or entry is UNKNOWN:
        return 0.0
    base = (lm.dict_marg if w.extra.get("dictmarg") else lm.marg).get(entry)
    if base is None:
        return 0.0
    table = lm.start if prev is BOUNDARY else lm.trans.get(prev, {})
    corr = max(table.get(entry, w.trans_floor), w.trans_floor) - base
    return w.trans * min(corr, w.extra.get("cap", 99.0))


# Clause-final propensity by POS tag: how much likelier a word of this tag is to stand
# right before punctuation than an average word.  jieba's HMM was trained on text with the
# punctuation removed, so this small table is linguistic prior knowledge.
END_PROPENSITY: dict[str, float] = {
    "f": 1.0, "y": 1.5, "ul": 1.0, "uz": 0.5, "v": 0.3, "n": 0.3, "a": 0.2, "m": 0.0,
    "d": -1.5, "p": -3.0, "c": -3.0, "uj": -2.0, "r": -0.3, "q": 0.0, "ud": -1.0,
}


def _single_tokens(lm: LanguageModel, w: Weights, i: int, slot: Slot, bonus: dict[str, float]):
    for ch in slot:
        b = bonus.get(ch, 0.0)
        lp = lm.word_lp.get(ch)
        if lp is not None:
            tags = lm.single_tags.get(ch) if w.extra.get("hmmtags", 1) else None
            if tags:
                for st, tlp in tags:
                    yield (i, i + 1, ch, st, st, lp + tlp + b)
            else:
                st = ("S", lm.word_tag[ch])
                yield (i, i + 1, ch, st, st, lp + b)
        elif is_cjk(ch):
            cost = w.oov_char + (w.rare_cjk if ord(ch) > 0xFFFF or ord(ch) < 0x4E00 else 0.0)
            yield (i, i + 1, ch, UNKNOWN, UNKNOWN, lm.char_lp.get(ch, lm.min_char_lp) - cost + b)
        elif len(slot) == 1:
            yield (i, i + 1, ch, BOUNDARY, BOUNDARY, 0.0)
        else:
            slp = symbol_logp(ch)
            if slp is not None:
                yield (i, i + 1, ch, BOUNDARY, BOUNDARY, slp + b)


def _word_tokens(lm: LanguageModel, slots: list[Slot], i: int, bonuses: list[dict[str, float]]):
    n = len(slots)
    stack: list[tuple[int, str, float]] = [(i, "", 0.0)]
    while stack:
        j, pre, b = stack.pop()
        if j >= n:
            continue
        bon = bonuses[j]
        for ch in slots[j]:
            word = pre + ch
            wb = b + bon.get(ch, 0.0) if bon else b
            if len(word) > 1:
                lp = lm.word_lp.get(word)
                if lp is not None:
                    tag = lm.word_tag[word]
                    yield (i, j + 1, word, ("B", tag), ("E", tag), lp + wb)
            if word in lm.prefixes:
                stack.append((j + 1, word, wb))


def line_tokens(
    lm: LanguageModel, w: Weights, slots: list[Slot], bonuses: list[dict[str, float]]
) -> list[list[Token]]:
    """All tokens starting at each position (empty list inside an ASCII run)."""
    n = len(slots)
    out: list[list[Token]] = [[] for _ in range(n)]
    i = 0
    while i < n:
        slot = slots[i]
        ch = slot[0]
        if len(slot) == 1 and ch < "\x80":
            j = i + 1
            if ch in _ASCII_WORD:
                while j < n and len(slots[j]) == 1 and slots[j][0] in _ASCII_WORD:
                    j += 1
                text = "".join(s[0] for s in slots[i:j])
                st: State = ("S", "m") if text[0].isdigit() else ("S", "eng")
                out[i].append((i, j, text, st, st, 0.0))
            else:
                out[i].append((i, j, ch, BOUNDARY, BOUNDARY, 0.0))
            i = j
            continue
        toks = list(_single_tokens(lm, w, i, slot, bonuses[i]))
        toks.extend(_word_tokens(lm, slots, i, bonuses))
        out[i] = toks
        i += 1
    return out


@dataclass
class LineDecode:
    chosen: list[str]
    # per damaged position: candidates with their max-marginal log-scores, best first
    scores: dict[int, list[tuple[str, float]]]


def decode_line(
    slots: list[Slot], bonuses: list[dict[str, float]], w: Weights | None = None
) -> LineDecode:
    """Viterbi over the word lattice plus max-marginals for every damaged position."""
    lm = get_model()
    w = w or WEIGHTS
    n = len(slots)
    tokens = line_tokens(lm, w, slots, bonuses)
    neg = -1e30
    alpha: list[dict[State, float]] = [{} for _ in range(n + 1)]
    back: list[dict[State, Token]] = [{} for _ in range(n + 1)]
    alpha[0][BOUNDARY] = 0.0
    enter: list[dict[State, float]] = [{} for _ in range(n + 1)]
    for i in range(n):
        a = alpha[i]
        if not a:
            continue
        ent = enter[i]
        for tok in tokens[i]:
            entry = tok[3]
            best = ent.get(entry)
            if best is None:
                best = max(s + _transition(lm, w, p, entry) for p, s in a.items())
                ent[entry] = best
            v = best + tok[5]
            j, ex = tok[1], tok[4]
            if v > alpha[j].get(ex, neg):
                alpha[j][ex] = v
                back[j][ex] = tok
    final = {s: v + _transition(lm, w, s, BOUNDARY) for s, v in alpha[n].items()}
    beta: list[dict[State, float]] = [{} for _ in range(n + 1)]
    beta[n] = {s: _transition(lm, w, s, BOUNDARY) for s in alpha[n]}
    for i in range(n - 1, -1, -1):
        if not alpha[i]:
            continue
        out_best: dict[State, float] = {}
        for tok in tokens[i]:
            tail = beta[tok[1]].get(tok[4])
            if tail is None:
                continue
            v = tok[5] + tail
            if v > out_best.get(tok[3], neg):
                out_best[tok[3]] = v
        beta[i] = {
            p: max(_transition(lm, w, p, e) + v for e, v in out_best.items()) for p in alpha[i]
        }
    damaged = [k for k in range(n) if len(slots[k]) > 1]
    mm: dict[int, dict[str, float]] = {k: {} for k in damaged}
    if damaged:
        for i in range(n):
            for tok in tokens[i]:
                j = tok[1]
                if not any(len(slots[k]) > 1 for k in range(i, j)):
                    continue
                tail = beta[j].get(tok[4])
                head = enter[i].get(tok[3])
                if tail is None or head is None:
                    continue
                v = head + tok[5] + tail
                for k in range(i, j):
                    if len(slots[k]) > 1:
                        d = mm[k]
                        ch = tok[2][k - i]
                        if v > d.get(ch, neg):
                            d[ch] = v
    chosen = [s[0] for s in slots]
    state = max(final, key=lambda s: final[s])
    j = n
    while j > 0:
        tok = back[j][state]
        for k in range(tok[0], j):
            chosen[k] = tok[2][k - tok[0]]
        j = tok[0]
        state = max(
            alpha[j], key=lambda p, e=tok[3], jj=j: alpha[jj][p] + _transition(lm, w, p, e)
        )
    scores = {k: sorted(mm[k].items(), key=lambda kv: -kv[1]) for k in damaged}
    return LineDecode(chosen, scores)


# ---------------------------------------------------------------------------------------
# Whole-document decoding: evidence from the intact three quarters of the text.
# ---------------------------------------------------------------------------------------
_PAIRS = {"“": "”", "「": "」", "『": "』", "【": "】", "〝": "〞", "（": "）", "《": "》"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}


@dataclass
class DocumentDecode:
    chosen: list[str]
    uncertain: list[tuple[int, tuple[str, ...], float]]  # position, alternatives, confidence


class DocumentStats:
    """Unigram and bigram counts of the document's chars that are known or confidently decoded."""

    def __init__(self, chars: list[str | None]) -> None:
        self.uni: Counter[str] = Counter()
        self.bi: Counter[tuple[str, str]] = Counter()
        prev = None
        for ch in chars:
            if ch is not None and ch >= "\x80":
                self.uni[ch] += 1
                if prev is not None:
                    self.bi[(prev, ch)] += 1
                prev = ch
            else:
                prev = None
        self.total = sum(self.uni.values())

    def unigram_bonus(self, lm: LanguageModel, w: Weights, ch: str) -> float:
        if not w.cache_uni:
            return 0.0
        base = math.exp(lm.char_lp.get(ch, lm.min_char_lp))
        doc = (self.uni[ch] + w.cache_mu * base) / (self.total + w.cache_mu)
        return w.cache_uni * math.log(doc / base)

    def bigram_bonus(self, w: Weights, left: str | None, ch: str, right: str | None) -> float:
        if not w.cache_bi:
            return 0.0
        n = 0
        if left is not None:
            n += self.bi[(left, ch)]
        if right is not None:
            n += self.bi[(ch, right)]
        return w.cache_bi * math.log1p(n)


def _bracket_bonus(slots: list[Slot], k: int, w: Weights) -> dict[str, float]:
    """Favour the bracket that closes an open pair, or opens one that a later char closes."""
    bonus: dict[str, float] = {}
    strength = w.extra.get("bracket", 0.0)
    if not strength:
        return bonus
    for ch in slots[k]:
        if ch in _CLOSERS:
            opener = _CLOSERS[ch]
            opened = sum(1 for s in slots[:k] if len(s) == 1 and s[0] == opener)
            closed = sum(1 for s in slots[:k] if len(s) == 1 and s[0] == ch)
            bonus[ch] = strength if opened > closed else -strength
        elif ch in _PAIRS:
            closer = _PAIRS[ch]
            later = sum(1 for s in slots[k + 1 :] if len(s) == 1 and s[0] == closer)
            opens = sum(1 for s in slots[k + 1 :] if len(s) == 1 and s[0] == ch)
            bonus[ch] = strength if later > opens else 0.0
    return bonus


def _line_bonuses(
    lm: LanguageModel, w: Weights, stats: DocumentStats, slots: list[Slot]
) -> list[dict[str, float]]:
    out: list[dict[str, float]] = []
    n = len(slots)
    for k, slot in enumerate(slots):
        if len(slot) == 1:
            out.append({})
            continue
        left = slots[k - 1][0] if k > 0 and len(slots[k - 1]) == 1 else None
        right = slots[k + 1][0] if k + 1 < n and len(slots[k + 1]) == 1 else None
        br = _bracket_bonus(slots, k, w)
        out.append(
            {
                ch: stats.unigram_bonus(lm, w, ch)
                + stats.bigram_bonus(w, left, ch, right)
                + br.get(ch, 0.0)
                for ch in slot
            }
        )
    return out


def _lines(slots: list[Slot]) -> Iterator[tuple[int, int]]:
    start = 0
    for k, slot in enumerate(slots):
        if slot == ("\n",):
            yield start, k
            start = k + 1
    yield start, len(slots)


def _decode_pass(
    lm: LanguageModel, w: Weights, slots: list[Slot], stats: DocumentStats
) -> tuple[list[str], dict[int, list[tuple[str, float]]]]:
    chosen = [s[0] for s in slots]
    scores: dict[int, list[tuple[str, float]]] = {}
    for start, end in _lines(slots):
        line = slots[start:end]
        if all(len(s) == 1 for s in line):
            continue
        dec = decode_line(line, _line_bonuses(lm, w, stats, line), w)
        chosen[start:end] = dec.chosen
        for k, scored in dec.scores.items():
            scores[start + k] = scored
    return chosen, scores


def decode_document(slots: list[Slot], w: Weights | None = None) -> DocumentDecode:
    """Decode twice: the second pass also learns from the first pass's confident choices."""
    lm = get_model()
    w = w or WEIGHTS
    intact: list[str | None] = [s[0] if len(s) == 1 else None for s in slots]
    chosen, scores = _decode_pass(lm, w, slots, DocumentStats(intact))
    passes = int(w.extra.get("passes", 1))
    for _ in range(passes - 1):
        known = list(intact)
        for k, scored in scores.items():
            if _confidence(chosen[k], scored, w)[0] >= w.extra.get("learn_above", 0.95):
                known[k] = chosen[k]
        chosen, scores = _decode_pass(lm, w, slots, DocumentStats(known))
    uncertain: list[tuple[int, tuple[str, ...], float]] = []
    for k, scored in scores.items():
        conf, alts = _confidence(chosen[k], scored, w)
        if conf < w.extra.get("uncertain_below", 0.9):
            uncertain.append((k, alts, conf))
    return DocumentDecode(chosen, uncertain)


def _confidence(
    chosen: str, scored: list[tuple[str, float]], w: Weights
) -> tuple[float, tuple[str, ...]]:
    temp = w.extra.get("temperature", 1.0)
    top = scored[0][1]
    probs = {ch: math.exp((s - top) / temp) for ch, s in scored}
    z = sum(probs.values())
    alts = tuple(ch for ch, _ in scored if ch != chosen and probs[ch] / z > 0.01)
    return probs.get(chosen, 0.0) / z, alts
