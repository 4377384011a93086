"""Accuracy and speed of papershelf.repair on text damaged the way the seed notes were.

Run from the repository root:
    python bench/repair_accuracy.py [--only dev] [--errors] [--basic | --model PATH]
The clean texts in bench/data are original Chinese write-ups (ML paper notes plus some
general prose); DEV was used for tuning, TEST was not.  The script damages them exactly
(UTF-8, drop 0x81 0x8D 0x8E 0x8F 0x90 0x9D 0x9E 0xAD, decode cp1254), repairs them and
prints its figures.  It asserts nothing.  By default the trigram model is used when it is
installed (see README); --basic repairs with the jieba model alone.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

from papershelf import repair, repair_model, repair_trigram  # noqa: E402

DATA = ROOT / "bench" / "data"
SEED = ROOT.parent / "shared" / "seed" / "000_c5403efe11b6c2ac.txt"


def _was_damaged(ch: str) -> bool:
    return any(b in repair.DROPPED_BYTES for b in ch.encode("utf-8"))


def evaluate(name: str, clean: str, model: str | None, show_errors: bool = False) -> None:
    damaged = repair.damage(clean)
    start, cpu = time.perf_counter(), time.process_time()
    result = repair.repair_text(damaged, model)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
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
    print(f"kind detected            {result.kind} ({result.model} model)")
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
    print(
        f"time                     {seconds:.2f} s ({len(clean) / seconds:,.0f} chars/s),"
        f" CPU {cpu:.2f} s"
    )
    if show_errors:
        _print_errors(clean, fixed, errors, flagged)


def _print_errors(clean: str, fixed: str, errors: list[int], flagged: set[int]) -> None:
    """Each wrong char in its context: the true text, then the repair ('?' marks flagged)."""
    for i in errors:
        lo, hi = max(0, i - 12), min(len(clean), i + 13)
        mark = "?" if i in flagged else " "
        true = clean[lo:hi].replace("\n", "⏎")
        got = fixed[lo:hi].replace("\n", "⏎")
        print(f"  {mark} {clean[i]}->{fixed[i]}  {true}  |  {got}")


def seed_sanity(model: str | None) -> None:
    if not SEED.is_file():
        print("== seed: file not found, skipped")
        return
    text = SEED.read_text(encoding="utf-8")
    start = time.perf_counter()
    result = repair.repair_text(text, model)
    seconds = time.perf_counter() - start
    pairs = zip(text.splitlines(), result.text.splitlines(), strict=True)
    changed = sum(1 for a, b in pairs if a != b)
    print("== seed file (sanity; its true text is unknown)")
    print(
        f"kind {result.kind}; {len(text):,} chars in {seconds:.2f} s; {changed} lines changed;"
        f" {len(result.uncertain)} uncertain chars; {result.unresolved} unresolved spans"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=("test", "dev"), help="evaluate one set (tune on dev)")
    parser.add_argument("--errors", action="store_true", help="print every error in context")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--basic", action="store_true", help="without the trigram model")
    which.add_argument("--model", help="the trigram model file (default: as the importer finds it)")
    args = parser.parse_args()
    model = "" if args.basic else args.model
    start = time.perf_counter()
    repair_model.get_model()
    print(f"model load               {time.perf_counter() - start:.2f} s")
    path = repair_trigram.find_model(model)
    if path is not None and not repair_trigram.kenlm_missing():
        start = time.perf_counter()
        repair_trigram.load(path)
        print(f"trigram model load       {time.perf_counter() - start:.2f} s ({path})")
    for name in (args.only,) if args.only else ("test", "dev"):
        path = DATA / f"repair_{name}.txt"
        text = path.read_text(encoding="utf-8")
        evaluate(f"{name.upper()} ({path.name})", text, model, args.errors)
    if not args.only:
        seed_sanity(model)


if __name__ == "__main__":
    main()
