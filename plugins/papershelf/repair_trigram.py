"""A second opinion on the repair from a Chinese word-trigram model (``papershelf[repair]``).

The model is fcitx5's (Debian's ``libime-data-language-model``: ``zh_CN.lm``, KenLM's binary
format, read with the ``kenlm`` module).  It was trained on segmented news text with no
punctuation and no sentence markers, so it is used the way it was trained:

* each run of Chinese characters is decoded as a lattice over the model's own vocabulary
  (its words are stored at the end of the file), never over another segmenter's words;
* runs are scored with no ``<s>``/``</s>`` and end at punctuation and Latin text; a number
  or a Latin word right before or after a run is read as a stand-in word (几, 系统), so
  that 400步 or RAG与 keep the context the model can use;
* the lattice is searched with KenLM states as the search states, which is exact for a
  trigram, so context on both sides of a damaged character counts;
* the jieba model's per-candidate scores (:mod:`papershelf.repair_model`) are added as
  further evidence, and a second pass favours content characters that complete a word the
  document holds elsewhere, intact or decoded with confidence (参数量, 多步, 取信息).

Measured on bench/data/repair_dev.txt (92 errors with the jieba model alone): 42 errors;
with 几 for numbers 41; with the jieba scores at 0.5 and a small bonus for 与 38; with 系统
for Latin words 36.  The word evidence changes nothing on DEV (whose misses are not of
that kind), and 46 characters of the example's seed: read by hand, 40 fixed (轻量 x10, 多步,
单步 and 分步 x21, 子问题 x2, 取信息 x3 ...), 3 broken (揭示 x2 read 提示, 又), 3 unclear.
Scoring words by how much more often the document uses them than the model expects broke
more (面向 read 颁发).  A document cache of single characters (as the jieba model's second
pass has) cost 1 to 2 errors on DEV and was left out.
"""

from __future__ import annotations

import glob
import math
import os
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

from . import repair_model as rm

ENV = "PAPERSHELF_REPAIR_MODEL"
DEBIAN_MODEL = "/usr/lib/*/libime/zh_CN.lm"  # Debian's libime-data-language-model
LN10 = math.log(10)
BINARY_MAGIC = b"mmap lm http://kheafield.com/code"


@dataclass(frozen=True)
class Weights:
    """Chosen on bench/data/repair_dev.txt only (TEST was measured once, at the end)."""

    evidence: float = 0.5  # share of the jieba model's per-candidate scores
    margin: float = 12.0  # candidates further behind the jieba model's best are dropped
    # News text uses 与 as a conjunction less than technical notes do; DEV's misses of the
    # three-way 与/不/中 confusion were 10 of 12 a missed 与.
    conjunction: float = 0.75
    number: str = "几"  # stand-in for a number touching a run (DEV: 42 -> 41 errors)
    latin: str = "系统"  # stand-in for a Latin word touching a run (DEV: 38 -> 36)
    words: float = 3.0  # per log-count of a document word a candidate completes
    word_sizes: tuple[int, ...] = (2, 3, 4)
    word_common: float = -3.5  # log10 P of the char alone: commoner ones (与 不 中 在) get none
    word_glue: float = -3.0  # ...and a word of it with only such chars (的 是 在 了) is none
    learn_above: float = 0.95  # confidence that makes a first-pass choice evidence
    temperature: float = 1.5  # DEV: 0.95 below which 40 of 41 misses are flagged (346 chars)
    uncertain_below: float = 0.95


WEIGHTS = Weights()


# ---------------------------------------------------------------------------------------
# Finding and loading the model
# ---------------------------------------------------------------------------------------
def find_model(path: str | os.PathLike[str] | None = None) -> Path | None:
    """The model file: `path`, else $PAPERSHELF_REPAIR_MODEL, else Debian's.  None when there
    is none, or when `path` or the variable is "" (repair without it)."""
    if path is None:
        path = os.environ.get(ENV)
    if path is not None:
        return Path(path) if str(path) and Path(path).is_file() else None
    found = sorted(glob.glob(DEBIAN_MODEL))
    return Path(found[0]) if found else None


def kenlm_missing() -> bool:
    try:
        import kenlm  # noqa: F401
    except ImportError:
        return True
    return False


@dataclass
class Trigram:
    model: Any  # kenlm.Model
    words: frozenset[str]
    prefixes: frozenset[str]  # proper prefixes of the multi-character words
    null: Any  # kenlm.State of the empty context
    memo: dict[tuple[Any, str], tuple[float, Any]] = field(default_factory=dict)

    def score(self, state: Any, word: str) -> tuple[float, Any]:
        """Natural-log probability of `word` after `state`, and the state after it."""
        key = (state, word)
        hit = self.memo.get(key)
        if hit is None:
            out = type(state)()
            hit = self.memo[key] = (LN10 * self.model.BaseScore(state, word, out), out)
        return hit


def vocabulary(path: Path) -> list[str]:
    """The model's words.  KenLM's binary format ends with the vocabulary as NUL-separated
    UTF-8 strings, ``<unk>`` first (zh_CN.lm: 164,887 words in 0.15 s of CPU; a disk cache
    of the derived sets took as long to load, so they are kept per process only)."""
    data = path.read_bytes()
    start = data.find(b"<unk>\x00")
    if start < 0:
        return []
    return [w for w in data[start:].decode("utf-8", "replace").split("\x00")[1:] if w]


_LOADED: dict[Path, Trigram] = {}
_LOCK = threading.Lock()


def load(path: Path) -> Trigram:
    """The model at `path`, loaded once per process.  Raises ImportError without kenlm,
    ValueError for a file that is not a binary KenLM model, OSError if it cannot be read."""
    with _LOCK:
        if path not in _LOADED:
            import kenlm

            with path.open("rb") as fh:
                # KenLM would parse anything else as ARPA text, slowly and out loud.
                if not fh.read(len(BINARY_MAGIC)) == BINARY_MAGIC:
                    raise ValueError("not in KenLM's binary format")
            model = kenlm.Model(str(path))
            words = vocabulary(path)
            null = kenlm.State()
            model.NullContextWrite(null)
            prefixes = frozenset(w[:k] for w in words for k in range(1, len(w)))
            _LOADED[path] = Trigram(model, frozenset(words), prefixes, null)
        return _LOADED[path]


# ---------------------------------------------------------------------------------------
# One run of Chinese characters
# ---------------------------------------------------------------------------------------
class Word(NamedTuple):
    start: int  # positions in the run
    end: int
    text: str
    evidence: float  # the other evidence for the candidates it chooses


Evidence = dict[int, dict[str, float]]  # ambiguous run position -> candidate -> evidence


def _words(tg: Trigram, chars: list[tuple[str, ...]], ev: Evidence, i: int) -> Iterator[Word]:
    """Each candidate at i as a one-char word, and every vocabulary word starting at i."""
    stack = []
    for ch in chars[i]:
        e = ev[i][ch] if i in ev else 0.0
        yield Word(i, i + 1, ch, e)
        stack.append((i + 1, ch, e))
    while stack:
        j, pre, e = stack.pop()
        if j >= len(chars) or pre not in tg.prefixes:
            continue
        for ch in chars[j]:
            word, more = pre + ch, e + (ev[j][ch] if j in ev else 0.0)
            if word in tg.words:
                yield Word(i, j + 1, word, more)
            stack.append((j + 1, word, more))


@dataclass
class RunDecode:
    chosen: list[str]
    scores: dict[int, list[tuple[str, float]]]  # ambiguous position -> max-marginals, best first


Edge = tuple[int, Any, Word, Any, float]  # from position, from state, word, to state, score


def decode_run(
    tg: Trigram, chars: list[tuple[str, ...]], ev: Evidence, left: str = "", right: str = ""
) -> RunDecode:
    """Viterbi over (position, KenLM state), then max-marginals of the ambiguous positions.
    `left`, `right`: stand-in words just outside the run ("" for none)."""
    n = len(chars)
    alpha: list[dict[Any, float]] = [{} for _ in range(n + 1)]
    back: list[dict[Any, tuple[Any, Word]]] = [{} for _ in range(n + 1)]
    edges: list[Edge] = []
    alpha[0][tg.score(tg.null, left)[1] if left else tg.null] = 0.0
    for i in range(n):
        lattice = list(_words(tg, chars, ev, i))
        for state, head in alpha[i].items():
            for word in lattice:
                lp, out = tg.score(state, word.text)
                edge = lp + word.evidence
                edges.append((i, state, word, out, edge))
                ahead = alpha[word.end]
                if head + edge > ahead.get(out, -math.inf):
                    ahead[out] = head + edge
                    back[word.end][out] = (state, word)
    beta: list[dict[Any, float]] = [{} for _ in range(n + 1)]
    beta[n] = {s: tg.score(s, right)[0] if right else 0.0 for s in alpha[n]}
    for i, state, word, out, edge in reversed(edges):
        tail = beta[word.end].get(out)
        if tail is not None and edge + tail > beta[i].get(state, -math.inf):
            beta[i][state] = edge + tail
    return RunDecode(_backtrack(chars, alpha, beta, back), _max_marginals(ev, alpha, beta, edges))


def _backtrack(
    chars: list[tuple[str, ...]],
    alpha: list[dict[Any, float]],
    beta: list[dict[Any, float]],
    back: list[dict[Any, tuple[Any, Word]]],
) -> list[str]:
    n = len(chars)
    chosen = [c[0] for c in chars]
    state = max(alpha[n], key=lambda s: alpha[n][s] + beta[n][s])
    while n > 0:
        state, word = back[n][state]
        chosen[word.start : word.end] = word.text
        n = word.start
    return chosen


def _max_marginals(
    ev: Evidence, alpha: list[dict[Any, float]], beta: list[dict[Any, float]], edges: list[Edge]
) -> dict[int, list[tuple[str, float]]]:
    """Best score of the whole run with each ambiguous position forced to each candidate."""
    mm: dict[int, dict[str, float]] = {k: {} for k in ev}
    for i, state, word, out, edge in edges:
        tail = beta[word.end].get(out)
        if tail is None:
            continue
        v = alpha[i][state] + edge + tail
        for k in range(word.start, word.end):
            if k in mm:
                ch = word.text[k - word.start]
                if v > mm[k].get(ch, -math.inf):
                    mm[k][ch] = v
    return {k: sorted(d.items(), key=lambda kv: -kv[1]) for k, d in mm.items()}


# ---------------------------------------------------------------------------------------
# Whole documents
# ---------------------------------------------------------------------------------------
@dataclass
class _Run:
    start: int
    end: int
    evidence: Evidence  # the jieba model's, for each ambiguous position (run positions)


def _runs(slots: list[rm.Slot], first: rm.DocumentDecode, w: Weights) -> Iterator[_Run]:
    """Maximal stretches of Chinese characters (as the first pass read them) that hold an
    ambiguous position, with the first pass's Chinese candidates close to its best."""
    chosen, k, n = first.chosen, 0, len(first.chosen)
    while k < n:
        if not rm.is_cjk(chosen[k]):
            k += 1
            continue
        start = k
        while k < n and rm.is_cjk(chosen[k]):
            k += 1
        ev: Evidence = {}
        for j in range(start, k):
            scored = first.scores.get(j)
            if len(slots[j]) > 1 and scored:
                top = scored[0][1]
                ev[j - start] = {
                    ch: w.evidence * (v - top) + (w.conjunction if ch == "与" else 0.0)
                    for ch, v in scored
                    if rm.is_cjk(ch) and (top - v <= w.margin or ch == chosen[j])
                }
        if ev:
            yield _Run(start, k, ev)


def _stand_in(text: list[str], k: int, w: Weights) -> str:
    if not 0 <= k < len(text) or not text[k].isascii():
        return ""
    return w.number if text[k].isdigit() else w.latin if text[k].isalpha() else ""


def _decode(
    tg: Trigram, run: _Run, text: list[str], ev: Evidence, w: Weights
) -> tuple[list[str], dict[int, list[tuple[str, float]]]]:
    chars = [
        tuple(ev[j]) if j in ev else (text[run.start + j],) for j in range(run.end - run.start)
    ]
    left, right = _stand_in(text, run.start - 1, w), _stand_in(text, run.end, w)
    dec = decode_run(tg, chars, ev, left, right)
    return dec.chosen, {run.start + j: v for j, v in dec.scores.items()}


def _seen_words(known: list[str | None], w: Weights) -> Counter[str]:
    """Chinese n-grams of the text held intact or decoded with confidence."""
    counts: Counter[str] = Counter()
    stretch: list[str] = []
    for ch in [*known, None]:
        if ch is not None and rm.is_cjk(ch):
            stretch.append(ch)
            continue
        text = "".join(stretch)
        for size in w.word_sizes:
            counts.update(text[i : i + size] for i in range(len(text) - size + 1))
        stretch = []
    return counts


def _common(tg: Trigram, ch: str, w: Weights) -> bool:
    return tg.score(tg.null, ch)[0] > w.word_common * LN10


def _word_bonus(
    tg: Trigram, known: list[str | None], k: int, ch: str, seen: Counter[str], w: Weights
) -> float:
    """Evidence for `ch` at k: the commonest document word it completes with known chars."""
    if _common(tg, ch, w):
        return 0.0  # function chars are a matter of syntax, and would echo the first pass
    best = 0.0
    for size in w.word_sizes:
        for lo in range(max(0, k - size + 1), min(k, len(known) - size) + 1):
            parts = [ch if j == k else known[j] for j in range(lo, lo + size)]
            chars = [p for p in parts if p is not None and rm.is_cjk(p)]
            if len(chars) < size:
                continue
            glue = [tg.score(tg.null, p)[0] > w.word_glue * LN10 for p in chars]
            if all(g for j, g in enumerate(glue) if lo + j != k):
                continue  # 的反 (from 的反思) in 的后训练 is no evidence for 反
            gram = "".join(chars)
            best = max(best, math.log1p(seen.get(gram, 0)))
    return w.words * best


def refine(
    slots: list[rm.Slot], first: rm.DocumentDecode, tg: Trigram, w: Weights | None = None
) -> rm.DocumentDecode:
    """The trigram model's reading of `slots`, given the jieba model's decode of them."""
    w = w or WEIGHTS
    tg = replace(tg, memo={})  # scores are reused within a document, not kept after it
    conf_w = rm.Weights(temperature=w.temperature)
    runs = list(_runs(slots, first, w))
    chosen = list(first.chosen)
    scores: dict[int, list[tuple[str, float]]] = {}
    for run in runs:
        chosen[run.start : run.end], got = _decode(tg, run, first.chosen, run.evidence, w)
        scores.update(got)
    known: list[str | None] = [s[0] if len(s) == 1 else None for s in slots]
    doubtful = set()
    for k, scored in scores.items():
        if rm.confidence(chosen[k], scored, conf_w)[0] >= w.learn_above:
            known[k] = chosen[k]
        else:
            doubtful.add(k)
    seen = _seen_words(known, w) if w.words else Counter()
    for run in runs:
        if seen and any(run.start + j in doubtful for j in run.evidence):
            ev = {
                j: {
                    ch: e + _word_bonus(tg, known, run.start + j, ch, seen, w)
                    for ch, e in cands.items()
                }
                for j, cands in run.evidence.items()
            }
            chosen[run.start : run.end], got = _decode(tg, run, first.chosen, ev, w)
            scores.update(got)
    scores = {**first.scores, **scores}  # punctuation keeps the first pass's scores
    uncertain = []
    for k, scored in sorted(scores.items()):
        conf, alts = rm.confidence(chosen[k], scored, conf_w)
        if conf < w.uncertain_below:
            uncertain.append((k, alts, conf))
    return rm.DocumentDecode(chosen, uncertain, scores)
