"""Parse + normalise speed against bibtexparser's plain parse, measured side by side.

    python bench/parse_speed.py [N] [--naive]

Prints the median of several alternating runs of:
  plain      bibtexparser.parse_string(text)            (default middlewares, no LaTeX)
  papershelf read_bib + normalize of every entry        (what a build does, cold caches)
  naive      plain parse + LatexDecodingMiddleware      (only with --naive: it takes minutes)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import bibtexparser
from bibtexparser.middlewares import LatexDecodingMiddleware

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate  # noqa: E402

from papershelf import latex, normalize  # noqa: E402
from papershelf.library import Cache, Settings, load_library  # noqa: E402


def plain(text: str) -> None:
    bibtexparser.parse_string(text)


def ours(root: Path) -> None:
    latex._decode_cached.cache_clear()  # measure a cold build, not warm caches
    normalize._parse_name.cache_clear()
    library = load_library(Settings(root=root, notes="no-notes"), Cache())
    assert library.entries and not library.problems, library.problems[:3]


def naive(text: str) -> None:
    bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])


def timed(fn, arg) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn(arg)
    return time.perf_counter() - start


def main() -> None:
    n = int(next((a for a in sys.argv[1:] if a.isdigit()), "10000"))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(n, root)
        text = (root / "bib" / "papers.bib").read_text(encoding="utf-8")
        print(f"{n} entries, {len(text) / 1e6:.1f} MB of BibTeX")
        plain_times, our_times = [], []
        for _ in range(3):
            plain_times.append(timed(plain, text))
            our_times.append(timed(ours, root))
        p, o = statistics.median(plain_times), statistics.median(our_times)
        print(
            f"plain bibtexparser parse : {p:6.2f} s  (runs: {', '.join(f'{t:.2f}' for t in plain_times)})"
        )
        print(
            f"papershelf parse+normalise: {o:6.2f} s  (runs: {', '.join(f'{t:.2f}' for t in our_times)})"
        )
        print(f"ratio papershelf / plain  : {o / p:6.2f}x   (target: at most 2x)")
        if "--naive" in sys.argv:
            t = timed(naive, text)
            print(f"naive LatexDecodingMiddleware: {t:6.2f} s = {t / p:.1f}x plain")


if __name__ == "__main__":
    main()
