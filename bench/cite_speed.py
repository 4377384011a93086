"""What formatted references cost: ms per entry per style, with and without the memoised
citeproc-py lookups (citestyles.memoise_lookups), a warm cache, and the worker processes.

    python bench/cite_speed.py [N]        (default: 500 synthetic papers of bench/generate.py)

Each variant runs in a fresh process (styles parsed there, once), CPU time; the pool run is
wall time, since its work is done in other processes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate  # noqa: E402

from papershelf.citestyles import DEFAULT_STYLES  # noqa: E402


def papers(site: Path, n: int) -> list:
    from papershelf.library import Settings, load_library

    return [e.paper for e in load_library(Settings(root=site)).entries[:n]]


def worker(mode: str, site: Path, n: int) -> None:
    from papershelf import citestyles
    from papershelf.refcache import ReferenceCache

    if mode == "plain":
        citestyles._memoised.append(True)  # as if installed: leaves citeproc-py as it is
    items = papers(site, n)
    out = {}
    for style in DEFAULT_STYLES:
        citestyles.parsed_style(style)  # parsing is not formatting
        cache = ReferenceCache(None, workers=1)
        start = time.process_time()
        cache.render(items, (style,))
        out[style] = (time.process_time() - start) / len(items) * 1000
        start = time.process_time()
        cache.render(items, (style,))
        out[f"{style} warm"] = (time.process_time() - start) / len(items) * 1000
    print(json.dumps(out))


def pool(site: Path, n: int) -> tuple[float, float]:
    from papershelf.refcache import ReferenceCache

    items = papers(site, n)
    times = []
    for workers in (1, 2):
        start = time.perf_counter()
        ReferenceCache(None, workers=workers).render(items, DEFAULT_STYLES)
        times.append(time.perf_counter() - start)
    return times[0], times[1]


def main() -> None:
    if sys.argv[1:2] == ["--worker"]:
        return worker(sys.argv[2], Path(sys.argv[3]), int(sys.argv[4]))
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    with tempfile.TemporaryDirectory() as tmp:
        generate(n, Path(tmp))
        results = {}
        for mode in ("plain", "memoised", "plain", "memoised"):  # alternating, best of two
            text = subprocess.run(
                [sys.executable, __file__, "--worker", mode, tmp, str(n)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            for key, value in json.loads(text).items():
                results[(mode, key)] = min(value, results.get((mode, key), value))
        print(f"{n} papers, ms of CPU per entry (best of 2 alternating runs):")
        print(f"  {'style':8} {'citeproc-py':>12} {'memoised':>9} {'warm cache':>11}")
        total = {"plain": 0.0, "memoised": 0.0}
        for style in DEFAULT_STYLES:
            plain, memo = results[("plain", style)], results[("memoised", style)]
            total["plain"] += plain
            total["memoised"] += memo
            warm = results[("memoised", f"{style} warm")]
            print(f"  {style:8} {plain:12.2f} {memo:9.2f} {warm:11.3f}")
        print(
            f"  three styles: {total['plain']:.1f} -> {total['memoised']:.1f} ms a paper; "
            f"10,000 papers: {total['plain'] * 10:.0f} -> {total['memoised'] * 10:.0f} s of CPU"
        )
        one, two = pool(Path(tmp), n)
        print(
            f"  wall time for {n} x 3, one process: {one:.1f} s; two worker processes: {two:.1f} s"
        )


if __name__ == "__main__":
    main()
