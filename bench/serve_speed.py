"""The edit loop: how long `mkdocs serve` takes to rebuild after one paper's note changes.

    python bench/serve_speed.py [N]        (default: 2000)

Uses the two sites of build_speed.py (same mkdocs.yml; papershelf generating the pages, and
the floor: the same pages written by hand).  For each site it starts `mkdocs serve`, then
`mkdocs serve --dirty`, waits for the first build, edits one paper three times (papershelf:
its note file; floor: its page) and reads MkDocs's own "Documentation built in X seconds"
for each rebuild.  For papershelf it also edits one title in the .bib file.  It prints the
median rebuild per site and mode, and the ratio papershelf / floor side by side.
Wall times (edit -> rebuilt) include the file watcher's polling delay.
"""

from __future__ import annotations

import os
import queue
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from build_speed import make_sites  # noqa: E402

from papershelf.library import Settings, load_library  # noqa: E402

BUILT = re.compile(r"Documentation built in ([\d.]+) seconds")
DONE = re.compile(r"Serving on|Reloading browsers")  # after the first build / a rebuild
EDITS = 3


class Server:
    """A `mkdocs serve` process whose log lines are read on a thread."""

    def __init__(self, site: Path, dirty: bool) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        args = [
            sys.executable,
            "-m",
            "mkdocs",
            "serve",
            "-f",
            str(site / "mkdocs.yml"),
            "-a",
            f"127.0.0.1:{port}",
            *(["--dirty"] if dirty else []),
        ]
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        self.proc = subprocess.Popen(
            args, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.last = 0.0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.put(line)

    def next_build(self, timeout: float = 600) -> float:
        """MkDocs's figure for the next build, read when the server reports it done.

        MkDocs drops a log line that repeats the previous one word for word, so a rebuild
        as fast as the last one has no "built in" line: it took the same time.
        """
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                raise RuntimeError("mkdocs serve stopped or timed out before a build finished")
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                continue
            match = BUILT.search(line)
            if match:
                self.last = float(match.group(1))
            elif DONE.search(line):
                return self.last

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def edit_loop(
    site: Path, dirty: bool, edits: list[Path]
) -> tuple[float, list[tuple[float, float]]]:
    """First build, then (built-in, wall) for each edited file."""
    server = Server(site, dirty)
    try:
        first = server.next_build()
        time.sleep(1.0)  # let the watcher settle after the first build
        out = []
        for k, path in enumerate(edits):
            start = time.perf_counter()
            edit(path, k)
            built = server.next_build()
            out.append((built, time.perf_counter() - start))
            time.sleep(0.5)
        return first, out
    finally:
        server.close()


def edit(path: Path, k: int) -> None:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".bib":  # change the first title: `title = {{Word}: ...`
        text = text.replace("title = {", f"title = {{Edited {k} ", 1)
    else:
        text += f"\n\nEdited while serving ({k}).\n"
    path.write_text(text, encoding="utf-8")


def median(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(b for b, _ in runs), statistics.median(w for _, w in runs)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as tmp:
        ours, floor = make_sites(n, Path(tmp))
        notes = sorted((ours / "bib" / "notes").glob("*.md"))[:EDITS]
        slug = {e.paper.key: e.paper.slug for e in load_library(Settings(root=ours)).entries}
        pages = [floor / "docs" / "papers" / f"{slug[p.stem]}.md" for p in notes]
        print(f"N={n}: edit one paper while `mkdocs serve` runs (median of {EDITS} edits)")
        print(f"  {'':28} {'first build':>12} {'rebuild':>9} {'edit->done':>11}")
        result = {}
        for dirty in (False, True):
            mode = "serve --dirty" if dirty else "serve"
            for name, site, files in (("floor", floor, pages), ("papershelf", ours, notes)):
                first, runs = edit_loop(site, dirty, files)
                built, wall = median(runs)
                result[name, dirty] = built
                print(f"  {name + ', ' + mode:28} {first:10.2f} s {built:7.2f} s {wall:9.2f} s")
            ratio = result["papershelf", dirty] / result["floor", dirty]
            print(f"  {'ratio papershelf / floor':28} {'':12} {ratio:7.2f}")
        first, runs = edit_loop(ours, True, [ours / "bib" / "papers.bib"])
        print(
            f"  {'papershelf, --dirty, .bib':28} {first:10.2f} s {runs[0][0]:7.2f} s"
            f" {runs[0][1]:9.2f} s   (one title changed in the .bib)"
        )


if __name__ == "__main__":
    main()
