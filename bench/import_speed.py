"""What the import's safety costs on a large bibliography: reading the site (the floor every
import pays), then planning, staging with the read-back check, and writing, for a short
list that fills in one entry and adds two.

    python bench/import_speed.py [N]     # N entries in the site's .bib (default 10,000)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402

from papershelf import importer  # noqa: E402
from papershelf.library import Settings, load_library  # noqa: E402
from papershelf.paperlist import parse_paper_list  # noqa: E402
from papershelf.transaction import write_all  # noqa: E402


def short_list(title: str, arxiv: str) -> str:
    """The first paper of the site again (with a new abstract to fill in), and two new ones."""
    items, sections = [], []
    for n, (t, a) in enumerate([(title, arxiv), ("New paper one", ""), ("New paper two", "")]):
        paper = f"https://arxiv.org/pdf/{a}v1" if a else f"https://example.org/{n}"
        anchor = f"p{n}"
        items.append(f"- [24/01] **{t}**  \n[[Paper]({paper})] [[TLDR/Notes](#{anchor})]\n")
        sections.append(f"## {anchor}\n### Abstract\nAbstract {n}.\n### Note\nNote {n}.\n")
    return (
        "# Paper List from BIB File: x.bib\n"
        + "\n".join(items)
        + "\n# TLDR/Notes\n"
        + "".join(sections)
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(n, root)
        settings = Settings(root=root)
        start = time.perf_counter()
        library = load_library(settings)
        floor = time.perf_counter() - start
        # An entry with an arXiv id: drop its abstract so that the list fills it in.
        first = next(e.paper for e in library.entries if e.paper.arxiv)
        bib = root / "bib" / "papers.bib"
        lines = bib.read_text(encoding="utf-8").split("\n")
        at = next(i for i, line in enumerate(lines) if line.startswith("@") and first.key in line)
        cut = next(i for i in range(at, len(lines)) if lines[i].startswith("  abstract = "))
        bib.write_text("\n".join(lines[:cut] + lines[cut + 1 :]), encoding="utf-8")
        listing = parse_paper_list(short_list(first.title, first.arxiv), "list.md")
        start = time.perf_counter()
        plan = importer.make_plan(settings, listing.papers, {})
        planned = time.perf_counter()
        staged = importer.stage(settings, plan)
        checked = time.perf_counter()
        write_all(staged.outputs, staged.originals)
        done = time.perf_counter()
        print(f"site of {n:,} entries, {bib.stat().st_size / 1e6:.1f} MB .bib")
        print(f"  load_library (the floor):        {floor:6.2f} s")
        print(f"  plan (load_library + matching):  {planned - start:6.2f} s")
        print(f"  stage (fill, append, read back): {checked - planned:6.2f} s")
        print(f"  write (stage, replace, clean):   {done - checked:6.3f} s")
        print(
            f"  entries added {len(plan.new_entries)}, filled {staged.filled}, "
            f"notes written {len(plan.writes)}"
        )
        print(f"  import over the floor: {(done - start) / floor:.2f}x")


if __name__ == "__main__":
    main()
