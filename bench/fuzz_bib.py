"""Fuzz the bib reader and `load_library`: adversarial shapes must cost time linear in their
size, and no mutated input may crash them.

    python bench/fuzz_bib.py [COUNT] [--seed N] [--no-render] [--keep DIR]
                             [--shapes all|none|NAME,...] [--size BYTES] [--timeout S]

First, each adversarial shape of `bench/adversarial.py` (about --size bytes, 1 MB by default;
`--shapes none` skips them) is built as a site and read the way a build reads it, each in its
own process (so one that runs away is stopped after --timeout seconds): `load_library`, then
(unless --no-render) every paper page, the index list, its data files and the catalogue. Per
shape it prints the size, the CPU seconds of `load_library` (parse + normalise + notes) and
per MB, the wall-clock seconds, the CPU seconds of rendering, the problems and papers, and
whether the budget holds: a megabyte read in 2 CPU seconds. CPU time, not wall time, is what
the budget is checked on: other work on a shared machine stretches the wall clock.

Then COUNT random inputs: one to four entries, each either taken from bib/papers.bib or
remixed from its fields and odd ones, joined and then damaged up to six times: random byte
flips, deleted spans, inserted BibTeX punctuation (`{}@%,"=#\\`), truncation, duplicated
spans, deleted lines, odd bytes (BOM, NUL, broken UTF-8), and fields people get wrong (month,
date, crossref, doi, ...) given odd values. The bytes are written as a site's .bib file and
read the way a build reads them: `read_bib` on the decoded text, then `load_library`, then
(unless --no-render) the paper pages, the index list and the catalogue of whatever survived.

Prints how many inputs were tried, how many problems were reported, how many inputs crashed
and the run time; exits 1 if any input crashed or a shape failed or ran over its time, after
saving each crashing input (to --keep, by default a temporary folder) so it can become a case
in tests/corpus/.

    python bench/fuzz_bib.py --one NAME [--size BYTES] [--no-render]

runs one shape in this process and prints its figures as JSON (what tests/test_linear.py uses).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import adversarial  # noqa: E402

from papershelf.bib import read_bib  # noqa: E402
from papershelf.index import catalogue_json, index_html  # noqa: E402
from papershelf.library import Cache, Settings, decode_bytes, load_library  # noqa: E402
from papershelf.pages import paper_markdown  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEED_FILE = ROOT / "bib" / "papers.bib"
PUNCTUATION = b'{}@%,"=#\\'
ODD_BYTES = [
    b"\n",
    b"\r\n",
    b"\n@misc{",
    b"@string{x = ",
    b"\x00",
    b"\xef\xbb\xbf",
    b"\xc3\xa9",
    "论文".encode(),
    b"\xc3",
    b"\n% comment\n",
    b"@comment{",
    b"$",
    b"\\'",
    b"\\url{",
]
FIELD_NAMES = [
    b"month",
    b"date",
    b"year",
    b"crossref",
    b"doi",
    b"url",
    b"eprint",
    b"author",
    b"title",
    b"keywords",
    b"code",
    b"archiveprefix",
    b"ids",
    b"abstract",
]
FIELD_VALUES = [
    b"{2021-13}",
    b"{2021-00-01}",
    b"{0}",
    b"{13}",
    b"{-1}",
    b"{99999999999999999999}",
    b"{0000}",
    b"smarch",
    b"jan # feb",
    b"{}",
    b'""',
    b"{ }",
    b"{and}",
    b"{others}",
    b"{, and ,}",
    b"{javascript:alert(1)}",
    b"{https://arxiv.org/abs/2501.00001v9}",
    b"{10.1234/x}",
    b"{li2025start}",
    b"{x}",
    b"{\\}",
    b"{$\\frac{a}{b}$}",
    b"{{{{{}}}}}",
    b'{\\"{}}',
    b'"{"}"',
    b"{\\c}",
]


def seed_entries(path: Path) -> list[bytes]:
    text = path.read_bytes()
    starts = [m.start() for m in re.finditer(rb"^@", text, re.MULTILINE)]
    return [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]


def mutate(data: bytearray, rng: random.Random) -> None:
    """Apply one random damage to `data` in place."""
    if not data:
        data.extend(rng.choice([b"@", b"{", b"@article{", b"%"]))
        return
    kind = rng.randrange(8)
    pos = rng.randrange(len(data))
    if kind == 0:  # flip one byte to any value (may break UTF-8 on purpose)
        data[pos] = rng.randrange(256)
    elif kind == 1:  # delete a span
        del data[pos : pos + rng.randint(1, 40)]
    elif kind == 2:  # insert BibTeX punctuation
        data[pos:pos] = bytes(rng.choice(PUNCTUATION) for _ in range(rng.randint(1, 3)))
    elif kind == 3:  # truncate
        del data[pos:]
    elif kind == 4:  # duplicate a span somewhere else
        span = data[pos : pos + rng.randint(1, 200)]
        where = rng.randrange(len(data) + 1)
        data[where:where] = span
    elif kind == 5:  # a line break, a stray `@type{`, odd characters
        data[pos:pos] = rng.choice(ODD_BYTES)
    elif kind == 6:  # a field people get wrong, with an odd value, where a field may stand
        name, value = rng.choice(FIELD_NAMES), rng.choice(FIELD_VALUES)
        at = data.find(b",\n", pos)
        at = at + 1 if at >= 0 else pos
        data[at:at] = b"\n  " + name + b" = " + value + b","
    else:  # delete a whole line (a field, or an entry's first or last line)
        start = data.rfind(b"\n", 0, pos) + 1
        end = data.find(b"\n", pos)
        del data[start : end + 1 if end >= 0 else len(data)]


def field_lines(entries: list[bytes]) -> list[bytes]:
    """The one-line fields of the seed entries (`  title = {...},`), to remix."""
    return [m.group() for e in entries for m in re.finditer(rb"^  \w+ = .*,$", e, re.MULTILINE)]


def remix(fields: list[bytes], rng: random.Random) -> bytes:
    """A new entry from random real fields plus odd ones: combinations no export has."""
    chosen = rng.sample(fields, rng.randint(0, 8))
    for _ in range(rng.randint(0, 3)):
        chosen.append(b"  " + rng.choice(FIELD_NAMES) + b" = " + rng.choice(FIELD_VALUES) + b",")
    rng.shuffle(chosen)
    key = rng.choice([b"k", b"K", b"a:b/c", b"../x", b"CON", "ключ".encode(), b"li2025start"])
    kind = rng.choice([b"article", b"inproceedings", b"misc", b"proceedings", b"book"])
    return b"@" + kind + b"{" + key + b",\n" + b"\n".join(chosen) + b"\n}\n"


def make_input(entries: list[bytes], fields: list[bytes], rng: random.Random) -> bytes:
    parts = [
        rng.choice(entries) if rng.random() < 0.5 else remix(fields, rng)
        for _ in range(rng.randint(1, 4))
    ]
    data = bytearray(b"\n".join(parts))
    for _ in range(rng.randint(0, 6)):
        mutate(data, rng)
    return bytes(data)


def run_one(data: bytes, site: Path, render: bool) -> int:
    """Read one input every way a build does; return the number of problems reported."""
    text, _ = decode_bytes(data, "bib/fuzz.bib")
    read_bib(text, "bib/fuzz.bib")
    (site / "bib" / "fuzz.bib").write_bytes(data)
    library = load_library(Settings(root=site, bib=("bib/fuzz.bib",)), Cache())
    if render:
        by_key = library.by_key()
        for entry in library.entries:
            paper_markdown(entry, by_key)
        index_html(library, lambda e: f"{e.paper.slug}/")
        catalogue_json(library, lambda e: f"papers/{e.paper.slug}/")
    return len(library.problems)


def run_shapes(names: list[str], size: int, render: bool, timeout: float) -> int:
    """Each shape in a process of its own; prints a table; returns how many failed."""
    print(
        f"{'shape':28} {'MB':>5} {'load s':>7} {'s/MB':>6} {'wall s':>7} {'render s':>8} "
        f"{'problems':>8} {'papers':>6}  budget"
    )
    failed = 0
    for name in names:
        command = [sys.executable, __file__, "--one", name, "--size", str(size)]
        try:
            done = subprocess.run(
                command + ([] if render else ["--no-render"]),
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            failed += 1
            print(f"{name:28} over {timeout:.0f} s: stopped")
            continue
        if done.returncode:
            failed += 1
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            print(f"{name:28} failed: {last[:100]}")
            continue
        f = json.loads(done.stdout.strip().splitlines()[-1])
        mb = f["bytes"] / adversarial.MB
        per_mb = f["load_cpu"] / max(mb, 1e-9)
        rendered = "-" if f["render_cpu"] is None else f"{f['render_cpu']:.2f}"
        verdict = "ok" if f["load_cpu"] <= adversarial.BUDGET * max(mb, 1) else "OVER"
        print(
            f"{name:28} {mb:5.2f} {f['load_cpu']:7.2f} {per_mb:6.2f} {f['load_wall']:7.2f} "
            f"{rendered:>8} {f['problems']:8} {f['papers']:6}  {verdict}"
        )
    return failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=20000, help="inputs to try")
    parser.add_argument("--seed", type=int, default=5, help="random seed (same seed, same inputs)")
    parser.add_argument("--no-render", action="store_true", help="skip rendering the pages")
    parser.add_argument("--keep", type=Path, help="folder for crashing inputs")
    parser.add_argument("--shapes", default="all", help="all, none, or names joined by commas")
    parser.add_argument("--size", type=int, default=adversarial.MB, help="bytes per shape")
    parser.add_argument("--timeout", type=float, default=120, help="seconds allowed per shape")
    parser.add_argument("--one", help="run one shape here and print its figures as JSON")
    args = parser.parse_args(argv)

    if args.one:
        print(adversarial.as_json(adversarial.run(args.one, args.size, not args.no_render)))
        return 0
    names = {"all": list(adversarial.SHAPES), "none": []}.get(args.shapes)
    shapes_failed = run_shapes(
        args.shapes.split(",") if names is None else names,
        args.size,
        not args.no_render,
        args.timeout,
    )
    if args.shapes != "none":
        print()

    rng = random.Random(args.seed)
    entries = seed_entries(SEED_FILE)
    fields = field_lines(entries)
    keep = args.keep or Path(tempfile.mkdtemp(prefix="papershelf-fuzz-"))
    crashes: Counter[str] = Counter()
    problems = with_problems = 0
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        (site / "bib").mkdir()
        for i in range(args.count):
            data = make_input(entries, fields, rng)
            try:
                found = run_one(data, site, not args.no_render)
            except Exception as error:  # noqa: BLE001 - counting every crash is the point
                where = traceback.extract_tb(error.__traceback__)[-1]
                signature = f"{type(error).__name__} at {Path(where.filename).name}:{where.lineno}"
                if not crashes[signature]:
                    keep.mkdir(parents=True, exist_ok=True)
                    (keep / f"crash-{i}.bib").write_bytes(data)
                    print(f"input {i}: {signature}: {error} (saved as {keep}/crash-{i}.bib)")
                crashes[signature] += 1
                continue
            problems += found
            with_problems += bool(found)
    elapsed = time.perf_counter() - start
    crashed = sum(crashes.values())
    print(
        f"inputs tried: {args.count} (seed {args.seed}, from {len(entries)} entries of "
        f"{SEED_FILE.relative_to(ROOT)})"
    )
    print(f"problems reported: {problems} (in {with_problems} inputs)")
    print(f"crashed: {crashed}" + "".join(f"\n  {n} x {sig}" for sig, n in crashes.items()))
    print(f"time: {elapsed:.1f} s ({args.count / max(elapsed, 1e-9):.0f} inputs/s)")
    return 1 if crashed or shapes_failed else 0


if __name__ == "__main__":
    sys.exit(main())
