"""Accuracy and speed of papershelf.repair on text damaged the way the seed notes were.

Run from the repository root:  python bench/repair_accuracy.py
The clean texts in bench/data are original Chinese write-ups (ML paper notes plus some
general prose); DEV was used for tuning, TEST was not.  The script damages them exactly
(UTF-8, drop 0x81 0x8D 0x8E 0x8F 0x90 0x9D 0x9E 0xAD, decode cp1254), repairs them and
prints its figures.  It asserts nothing.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

from papershelf import repair, repair_model  # noqa: E402

DATA = ROOT / "bench" / "data"
SEED = ROOT.parent / "shared" / "seed" / "000_c5403efe11b6c2ac.txt"


def _was_damaged(ch: str) -> bool:
    return any(b in repair.DROPPED_BYTES for b in ch.encode("utf-8"))


def evaluate(name: str, clean: str) -> None:
    damaged = repair.damage(clean)
    start = time.perf_counter()
    result = repair.repair_text(damaged)
    seconds = time.perf_counter() - start
    fixed = result.text
    non_ascii = [i for i, ch in enumerate(clean) if not ch.isascii()]
    hit = [i for i in non_ascii if _was_damaged(clean[i])]
    if len(fixed) == len(clean):
        errors = [i for i in non_ascii if fixed[i] != clean[i]]
    else:  # cannot happen for this corruption; count everything as wrong rather than guess
        errors = list(non_ascii)
    flagged = {u.start for u in result.uncertain}
    covered = sum(1 for i in errors if i in flagged)
    print(f"== {name}")
    print(f"kind detected            {result.kind}")
    print(f"non-ASCII chars          {len(non_ascii)}")
    print(f"damaged chars            {len(hit)} ({len(hit) / len(non_ascii):.1%})")
    print(f"errors                   {len(errors)}")
    print(f"accuracy, all non-ASCII  {1 - len(errors) / len(non_ascii):.4%}")
    print(f"accuracy, damaged only   {1 - len(errors) / max(1, len(hit)):.4%}")
    print(
        f"uncertain spans          {len(flagged)} ({len(flagged) / max(1, len(hit)):.1%} of damaged"
        f" chars); they hold {covered}/{len(errors)} errors"
        f" ({covered / max(1, len(errors)):.0%})"
    )
    confusions = Counter(f"{clean[i]}->{fixed[i]}" for i in errors)
    print(
        "top confusions          " + ", ".join(f"{k} x{v}" for k, v in confusions.most_common(10))
    )
    print(f"time                     {seconds:.2f} s ({len(clean) / seconds:,.0f} chars/s)")


def seed_sanity() -> None:
    if not SEED.is_file():
        print("== seed: file not found, skipped")
        return
    text = SEED.read_text(encoding="utf-8")
    start = time.perf_counter()
    result = repair.repair_text(text)
    seconds = time.perf_counter() - start
    pairs = zip(text.splitlines(), result.text.splitlines(), strict=True)
    changed = sum(1 for a, b in pairs if a != b)
    print("== seed file (sanity; its true text is unknown)")
    print(
        f"kind {result.kind}; {len(text):,} chars in {seconds:.2f} s; {changed} lines changed;"
        f" {len(result.uncertain)} uncertain chars; {result.unresolved} unresolved spans"
    )


def main() -> None:
    start = time.perf_counter()
    repair_model.get_model()
    print(f"model load               {time.perf_counter() - start:.2f} s")
    for name in ("test", "dev"):
        path = DATA / f"repair_{name}.txt"
        evaluate(f"{name.upper()} ({path.name})", path.read_text(encoding="utf-8"))
    seed_sanity()


if __name__ == "__main__":
    main()
