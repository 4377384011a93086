"""Related papers suggested automatically: for each paper, up to five others that share its
rarer tags, its authors or its wording (title, abstract and the start of the note, Chinese
cut into words by jieba).

Each paper is a sparse vector of weighted terms (tf-idf: a term many papers have weighs
little), of which only its strongest `TOP_TERMS` are kept. Candidates come from an inverted
index that keeps, per term, only the `POSTINGS` papers where the term weighs most: the work
is bounded by papers x TOP_TERMS x POSTINGS, never by all pairs of papers. Measured with
`bench/suggest_speed.py`.
"""

from __future__ import annotations

import functools
import heapq
import logging
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from operator import itemgetter

from .index import fold
from .model import ET_AL, Entry

SUGGESTIONS = 5
TOP_TERMS = 24  # terms kept per paper
QUERY_TERMS = 12  # of those, the ones that look for candidates
POSTINGS = 40  # papers kept per term, the ones it weighs most in
NOTE_CHARS = 2000  # the start of a note says what it is about; the rest costs segmentation
MIN_SCORE = 0.08  # cosine below which a paper is not suggested
TAG_WEIGHT = 1.5  # a shared tag or author counts more than a shared word of equal rarity
AUTHOR_WEIGHT = 2.0
# A reason is given for a kind of match that makes up at least this share of the score.
REASON_SHARE = 0.25

_TAG, _AUTHOR = "\x01", "\x02"  # term prefixes: tags and authors never meet words
_WORD = re.compile(r"[a-z][a-z0-9]+|[0-9]+[a-z][a-z0-9]*")
_HAN_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_CODE = re.compile(r"```.*?```|`[^`\n]*`|https?://\S+|\]\([^)]*\)|<[^>]*>", re.DOTALL)
_STOP = frozenset(
    """about above after again against all also among and any are based been before being
    between both but can could does doing down during each few for from further had has
    have having here how however into its itself just more most much not now off once only
    other our out over own same should such than that the their them then there these they
    this those through too under until using very was way well were what when where which
    while who whom why will with within without would you your via use used uses new show
    shows shown propose proposed proposes paper papers approach approaches method methods
    results result work works existing first two one three
    """.split()
)


@dataclass(frozen=True)
class Suggestion:
    """Another paper worth reading next to this one, and why."""

    key: str
    tags: tuple[str, ...] = ()  # shared tags that count for it, as this paper spells them
    authors: tuple[str, ...] = ()  # shared authors
    wording: bool = False  # similar title, abstract or note


@dataclass(frozen=True)
class Terms:
    """A paper's terms with their counts, and the terms of its tags and authors with the
    names they stand for (to say which are shared)."""

    counts: Counter[str]
    names: tuple[tuple[str, str], ...]  # (term, tag or author as shown), tags first


@dataclass
class TermCache:
    """Each paper's terms by the text they were made from, kept across `mkdocs serve`
    rebuilds: only an edited paper is segmented again."""

    terms: dict[tuple[str, ...], Terms] = field(default_factory=dict)


def suggest(
    entries: Iterable[Entry],
    linked: Mapping[str, set[str]] | None = None,
    cache: TermCache | None = None,
) -> dict[str, tuple[Suggestion, ...]]:
    """Up to `SUGGESTIONS` suggestions per citation key, best first; papers in `linked[key]`
    (its relations, already on its page) are not suggested again."""
    entries = list(entries)
    linked = linked or {}
    terms = _all_terms(entries, cache if cache is not None else TermCache())
    vectors = _vectors([t.counts for t in terms])
    index = _inverted(vectors)
    keys = [entry.paper.key for entry in entries]
    out: dict[str, tuple[Suggestion, ...]] = {}
    for i, vector in enumerate(vectors):
        scores: defaultdict[int, float] = defaultdict(float)
        # The strongest terms find the candidates; the rest add little but cost as much.
        for term, weight in list(vector.items())[:QUERY_TERMS]:
            for other, other_weight in index.get(term, ()):
                scores[other] += weight * other_weight
        skip = linked.get(keys[i], set())
        # Ties go to the paper met first, in the library's order.
        ranked = heapq.nlargest(SUGGESTIONS + len(skip) + 1, scores.items(), key=itemgetter(1))
        best = [j for j, score in ranked if j != i and score >= MIN_SCORE and keys[j] not in skip][
            :SUGGESTIONS
        ]
        if best:
            out[keys[i]] = tuple(_explain(keys[j], terms[i], vector, vectors[j]) for j in best)
    return out


def _all_terms(entries: list[Entry], cache: TermCache) -> list[Terms]:
    fresh: dict[tuple[str, ...], Terms] = {}
    out = []
    for entry in entries:
        paper = entry.paper
        note = entry.note.body[:NOTE_CHARS] if entry.has_note and entry.note else ""
        authors = tuple(a.display for a in paper.authors if a != ET_AL)
        signature = (paper.title, paper.abstract, note, *entry.tags, "\0", *authors)
        terms = cache.terms.get(signature) or paper_terms(
            paper.title, paper.abstract, note, entry.tags, authors
        )
        fresh[signature] = terms
        out.append(terms)
    cache.terms = fresh
    return out


def paper_terms(
    title: str, abstract: str, note: str, tags: Iterable[str], authors: Iterable[str]
) -> Terms:
    """A paper's terms: the words of its title (counted twice), abstract and note, its tags
    and its authors."""
    counts = Counter(words(title))
    counts.update(counts)
    counts.update(words(abstract))
    counts.update(words(note))
    names = tuple((_TAG + fold(t), t) for t in tags) + tuple(
        (_AUTHOR + fold(a), a) for a in authors
    )
    counts.update(dict.fromkeys((term for term, _ in names), 1))
    return Terms(counts, names)


def words(text: str) -> list[str]:
    """The words of a text that can tell papers apart: folded English words of two letters
    or more (no stop words, plural `s` dropped) and Chinese words of two characters or more."""
    if not text:
        return []
    if "`" in text or "](" in text or "<" in text or "://" in text:
        text = _CODE.sub(" ", text)
    folded = text.lower() if text.isascii() else fold(text)
    found = [_stem(w) for w in _WORD.findall(folded) if w not in _STOP]
    if _HAN_RUN.search(text):
        found.extend(_segmenter()(text))
    return found


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@functools.lru_cache(maxsize=1)
def _segmenter() -> Callable[[str], list[str]]:
    """Chinese text -> its words of two characters or more, as jieba's precise mode without
    its HMM cuts them, over jieba's dictionary. jieba is imported (and its dictionary loaded,
    ~0.5 s, shared with Material's search) only for a library that holds Chinese.

    The cut itself is done here: jieba's `cut` spends two thirds of its time around the
    dynamic programme (splitting, generators, a logarithm per candidate word), which costs
    3x as much on the notes of `bench/generate.py`; the words come out the same."""
    import jieba

    jieba.setLogLevel(logging.WARNING)  # it announces its dictionary on stderr
    jieba.initialize()
    freq: dict[str, int] = jieba.dt.FREQ  # word -> count; a prefix of a word -> 0
    log_total = math.log(jieba.dt.total)
    log_p: dict[str, float] = {}

    def cost(word: str) -> float:
        value = log_p.get(word)
        if value is None:
            value = log_p[word] = math.log(freq.get(word) or 1) - log_total
        return value

    def cut(text: str) -> list[str]:
        words = []
        for run in _HAN_RUN.findall(text):
            n = len(run)
            best, ends = [0.0] * (n + 1), [0] * (n + 1)
            for i in range(n - 1, -1, -1):
                # The likeliest way to cut run[i:]: a dictionary word from i (the longest
                # on a tie, as jieba), else the character alone, then the best of the rest.
                score, end = cost(run[i]) + best[i + 1], i + 1
                j, fragment = i + 1, run[i]
                while fragment in freq:
                    if freq[fragment] and j > i + 1:
                        candidate = cost(fragment) + best[j]
                        if candidate >= score:
                            score, end = candidate, j
                    if j >= n:
                        break
                    j += 1
                    fragment = run[i:j]
                best[i], ends[i] = score, end
            i = 0
            while i < n:
                if ends[i] - i > 1:
                    words.append(run[i : ends[i]])
                i = ends[i]
        return words

    return cut


def _vectors(counts: list[Counter[str]]) -> list[dict[str, float]]:
    """tf-idf vectors of each paper's strongest `TOP_TERMS` terms, of unit length. A term
    only one paper has cannot relate it to another; one most papers have tells nothing."""
    n = len(counts)
    df = Counter(term for terms in counts for term in terms)
    common = max(2, n // 2)
    idf = {t: math.log(n / d) for t, d in df.items() if 2 <= d <= common}
    vectors = []
    for terms in counts:
        weights = {}
        for term, tf in terms.items():
            rarity = idf.get(term)
            if rarity is None:
                continue
            boost = TAG_WEIGHT if term[0] == _TAG else AUTHOR_WEIGHT if term[0] == _AUTHOR else 1.0
            weights[term] = (1.0 + math.log(tf)) * rarity * boost
        kept = heapq.nlargest(TOP_TERMS, weights.items(), key=lambda kv: kv[1])  # strongest first
        norm = math.sqrt(sum(w * w for _, w in kept)) or 1.0
        vectors.append({t: w / norm for t, w in kept})
    return vectors


def _inverted(vectors: list[dict[str, float]]) -> dict[str, list[tuple[int, float]]]:
    postings: dict[str, list[tuple[int, float]]] = {}
    for i, vector in enumerate(vectors):
        for term, weight in vector.items():
            postings.setdefault(term, []).append((i, weight))
    for term, papers in postings.items():
        if len(papers) > POSTINGS:
            postings[term] = heapq.nlargest(POSTINGS, papers, key=lambda p: p[1])
    return postings


def _explain(
    key: str, terms: Terms, mine: dict[str, float], theirs: dict[str, float]
) -> Suggestion:
    """Why the paper `key` is suggested: the kinds of shared terms that make up its score."""
    parts = {_TAG: 0.0, _AUTHOR: 0.0, "": 0.0}
    for term, weight in mine.items():
        if term in theirs:
            parts[term[0] if term[0] in parts else ""] += weight * theirs[term]
    total = sum(parts.values()) or 1.0
    counts = {kind: part / total >= REASON_SHARE for kind, part in parts.items()}
    shared = [(term[0], shown) for term, shown in terms.names if term in mine and term in theirs]
    return Suggestion(
        key,
        tuple(shown for kind, shown in shared if kind == _TAG) if counts[_TAG] else (),
        tuple(shown for kind, shown in shared if kind == _AUTHOR) if counts[_AUTHOR] else (),
        counts[""] or not (counts[_TAG] or counts[_AUTHOR]),
    )
