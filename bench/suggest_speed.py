"""What the similar-papers suggestions cost, against the whole build of the same site.

    python bench/suggest_speed.py [N]        (default: 10000)

Makes the papershelf site of build_speed.py (Material, search with jieba, tags, macros; every
other paper with a Chinese note) and builds it in a fresh process with `suggest` timed where
the plugin calls it (segmenting the papers' text, jieba's dictionary load included when it is
the first user, and scoring). Then, in another fresh process, the parts on their own: jieba's
dictionary load, the papers' terms, the scoring, and how many candidate scores it adds up next
to the pairs an all-pairs comparison would score. Target: suggestions at most 10% of the build.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from build_speed import make_sites  # noqa: E402

IN_BUILD = """
import sys, time
from mkdocs.commands.build import build
from mkdocs.config import load_config
import papershelf.site as site

spent = []
real = site.suggest
def timed(*args, **kwargs):
    start = time.perf_counter()
    try:
        return real(*args, **kwargs)
    finally:
        spent.append(time.perf_counter() - start)
site.suggest = timed
start = time.perf_counter()
build(load_config(sys.argv[1]))
print(time.perf_counter() - start, sum(spent))
"""

PARTS = """
import sys, time
from pathlib import Path
from papershelf.library import Settings, load_library
import papershelf.suggest as s

library = load_library(Settings(root=Path(sys.argv[1])))
entries = list(library.entries)
start = time.perf_counter(); s._segmenter()("预热"); load = time.perf_counter() - start
cache = s.TermCache()
start = time.perf_counter(); terms = s._all_terms(entries, cache); words = time.perf_counter() - start
start = time.perf_counter(); s.suggest(entries, cache=cache); score = time.perf_counter() - start
vectors = s._vectors([t.counts for t in terms]); index = s._inverted(vectors)
added = sum(len(index.get(t, ())) for v in vectors for t in list(v)[: s.QUERY_TERMS])
n = len(entries)
print(load, words, score, added, n * (n - 1) // 2)
"""


def run(script: str, *args: str) -> list[float]:
    result = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        check=True,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": ""},
    )
    return [float(x) for x in result.stdout.split()]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    with tempfile.TemporaryDirectory() as tmp:
        ours, _ = make_sites(n, Path(tmp))
        total, suggesting = run(IN_BUILD, str(ours / "mkdocs.yml"))
        load, words, score, added, pairs = run(PARTS, str(ours))
    print(f"N={n} papers ({n // 2} with Chinese notes)")
    print(f"  whole build (mkdocs build)     : {total:7.2f} s")
    print(
        f"  suggestions within it          : {suggesting:7.2f} s  = {suggesting / total:5.1%} of the build (target: at most 10%)"
    )
    print("  on their own, in a fresh process:")
    print(f"    jieba dictionary load        : {load:7.2f} s  (Material's search loads it too)")
    print(f"    terms (segmenting the text)  : {words:7.2f} s")
    print(f"    scoring, terms cached        : {score:7.2f} s")
    print(
        f"  candidate scores added         : {int(added):,} (all pairs: {int(pairs):,}, {added / pairs:.2%})"
    )


if __name__ == "__main__":
    main()
