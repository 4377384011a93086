"""Parse + normalise speed against bibtexparser's plain parse, measured side by side.

    python bench/parse_speed.py [N] [--naive] [--shape zotero|crawled|both]

For each shape of file (`generate.py`: a Zotero export with abstracts, and a crawled
conference list with comma-separated authors and no abstracts; both by default), prints the
median CPU time of several alternating runs of:
  plain      bibtexparser.parse_string(text)            (default middlewares, no LaTeX)
  papershelf load_library: read + normalise every entry (what a build does, cold caches)
  naive      plain parse + LatexDecodingMiddleware      (only with --naive: it takes minutes)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import bibtexparser
from bibtexparser.middlewares import LatexDecodingMiddleware

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate, generate_crawled  # noqa: E402

from papershelf import latex, names  # noqa: E402
from papershelf.library import Cache, Settings, load_library  # noqa: E402


def plain(text: str) -> None:
    bibtexparser.parse_string(text)


def ours(root: Path) -> Counter[str]:
    latex._decode_cached.cache_clear()  # measure a cold build, not warm caches
    names._parse_name.cache_clear()
    library = load_library(Settings(root=root, notes="no-notes"), Cache())
    assert library.entries
    return Counter(p.code for p in library.problems)


def naive(text: str) -> None:
    bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])


def timed(fn, arg) -> float:  # type: ignore[no-untyped-def]
    """CPU seconds: on a shared machine, other work stretches the wall clock, not these."""
    start = time.process_time()
    fn(arg)
    return time.process_time() - start


SHAPES = {"zotero": generate, "crawled": generate_crawled}


def main() -> None:
    n = int(next((a for a in sys.argv[1:] if a.isdigit()), "10000"))
    shape = sys.argv[sys.argv.index("--shape") + 1] if "--shape" in sys.argv else "both"
    for name in SHAPES if shape == "both" else [shape]:
        measure(name, n)


def measure(shape: str, n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        SHAPES[shape](n, root)
        text = (root / "bib" / "papers.bib").read_text(encoding="utf-8")
        print(f"{shape}: {n} entries, {len(text) / 1e6:.1f} MB of BibTeX")
        plain_times, our_times = [], []
        for _ in range(3):
            plain_times.append(timed(plain, text))
            our_times.append(timed(ours, root))
        p, o = statistics.median(plain_times), statistics.median(our_times)
        print(
            f"plain bibtexparser parse : {p:6.2f} CPU s  (runs: {', '.join(f'{t:.2f}' for t in plain_times)})"
        )
        print(
            f"papershelf parse+normalise: {o:6.2f} CPU s  (runs: {', '.join(f'{t:.2f}' for t in our_times)})"
        )
        print(f"ratio papershelf / plain  : {o / p:6.2f}x   (target: at most 2x)")
        problems = ours(root)
        print(f"problems: {dict(problems) or 'none'}")
        if "--naive" in sys.argv:
            t = timed(naive, text)
            print(f"naive LatexDecodingMiddleware: {t:6.2f} s = {t / p:.1f}x plain")


if __name__ == "__main__":
    main()
