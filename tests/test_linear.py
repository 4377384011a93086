"""Every input in time linear in its size: the adversarial shapes that once took minutes (or
crashed) are read within a bound of CPU time that only a return of the old behaviour exceeds.

Each shape of bench/adversarial.py runs in a process of its own under a CPU-time limit
(RLIMIT_CPU), so a regression is stopped after LIMIT seconds instead of hanging the suite, and
the check counts the process's own CPU time, which other work on a loaded machine does not
stretch the way it stretches the wall clock. LIMIT is 10x the budget of 2 CPU seconds for a
megabyte; each size below is one at which the old code needed more than that (the figure in
the comment, from `bench/fuzz_bib.py` run on the code before the fix) and today's needs a few
seconds at most.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

FUZZ = Path(__file__).resolve().parent.parent / "bench" / "fuzz_bib.py"
LIMIT = 20  # CPU seconds
MEMORY = 4 << 30  # bytes of address space
MB = 1_000_000

# (shape, bytes, what the code before the fix did with it)
SHAPES = [
    ("fields-without-commas", MB // 5, "RecursionError"),
    ("unclosed-entry", 2 * MB, "9 s for 1 MB, quadratic"),
    ("paren-math-run", MB, "over 30 s"),
    ("arxiv-then-spaces", MB, "over 30 s"),
    ("one-key-many-times", MB, "over 30 s"),
    ("keys-taken-by-renames", MB, "over 30 s"),
    ("unclosed-long-word", MB, "over 30 s"),
    ("hash-concatenation", 4 * MB, "2.5 s for 1 MB, quadratic"),
    ("string-doubling", MB, "over 30 s"),
    ("commented-entries", 3 * MB, "6 s for 1 MB, 25 s for 2 MB"),
    ("case-only-keys", 3 * MB // 2, "15 s for 1 MB, quadratic"),
    ("accent-brace-spaces", MB, "0.4 s for 20 KB, quadratic"),
    ("unknown-commands", 2 * MB, "0.45 s for 20 KB: 0.2 ms a command"),
    ("arxiv-archive-run", MB, "over 30 s"),
    ("date-slash-spaces", MB, "over 30 s"),
    ("title-escaped-dollars", MB, "over 30 s"),
    ("abstract-punctuation-word", MB, "2.7 s for 20 KB, quadratic"),
    ("yaml-aliases", MB // 10, "MemoryError after 35 s"),
    ("front-matter-unknown-keys", MB, "over 30 s"),
    ("uncertain-on-markup-runs", MB, "1.5 s for 210 KB, quadratic"),
    ("moved-uncertain-spans", MB, "0.5 s for 40 KB, quadratic"),
    ("note-markup-runs", MB, "the full-text index's markup patterns: linear from the start"),
    ("note-joined-words", MB, "the full-text index's compounds: linear from the start"),
    # New readings, bounded from the start: each would be unbounded without its limit.
    ("preamble-doubling", MB, "a terabyte if @preamble macros were expanded without a budget"),
    ("comma-separated-names", MB, "quadratic if each name looked at the whole list"),
]

# Memory is bounded too: the old reading of doubling @string macros grew without end.
RUN = """
import resource, runpy, sys
resource.setrlimit(resource.RLIMIT_CPU, ({limit}, {limit} + 1))
resource.setrlimit(resource.RLIMIT_AS, ({memory}, {memory}))
sys.argv = {argv!r}
runpy.run_path({path!r}, run_name="__main__")
"""


def run_shape(name: str, size: int) -> dict:
    sys.path.insert(0, str(FUZZ.parent))
    try:
        import adversarial
    finally:
        sys.path.pop(0)
    argv = [str(FUZZ), "--one", name, "--size", str(size)]
    if adversarial.SHAPES[name].stage == "load":
        argv.append("--no-render")  # thousands of pages that are not what is measured
    code = RUN.format(limit=LIMIT, memory=MEMORY, argv=argv, path=str(FUZZ))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30 * LIMIT
    )
    assert done.returncode == 0, (
        f"{name}: {'over the CPU limit' if done.returncode < 0 else 'failed'}: "
        f"{done.stderr.strip()[-500:]}"
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("name", "size"), [pytest.param(name, size, id=name) for name, size, _ in SHAPES]
)
def test_adversarial_input_is_read_in_bounded_time(name: str, size: int) -> None:
    figures = run_shape(name, size)
    assert figures["bytes"] >= size * 0.6
    assert figures["load_cpu"] + (figures["render_cpu"] or 0) < LIMIT
    assert figures["papers"] or figures["problems"]  # read, not skipped


def test_the_shapes_keep_their_papers() -> None:
    # What a linear reading still gets right: every paper under one key is kept, and the
    # entry with 40,000 fields and no commas is one paper.
    assert run_shape("one-key-many-times", MB // 20)["papers"] == 1111
    figures = run_shape("fields-without-commas", MB // 20)
    assert figures["papers"] == 1 and "missing-comma" in figures["codes"]
