"""`papershelf generate` and the builders that read its output, on a synthetic list.

    python bench/generate_speed.py [N]        (default: 2000)

One site (Material, search with jieba, the papershelf plugin with a feed of 50, the lines
`generate` needs), committed to a fresh git repository so the feed dates papers by git.
Prints, each in a fresh process, in CPU time (user + sys of the child) and wall time:
  generate (cold)     every file written
  generate (again)    nothing changed: every file compared, none written
  zensical build      the generated docs folder, cache cleaned
  mkdocs build        the same site with the plugin (which drops the generated files)
and the in-process cost of the feed's git pass and of the statistics page.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate  # noqa: E402

from papershelf.gitdates import first_added  # noqa: E402
from papershelf.library import Settings, load_library  # noqa: E402
from papershelf.stats import stats_page  # noqa: E402

BIN = Path(sys.executable).parent
CONFIG = """site_name: Bench
site_url: https://example.org/bench/
theme:
  name: material
nav:
  - Home: index.md
  - Papers: papers/index.md
plugins:
  - search:
      separator: '[\\s\\u200b\\-]+'
  - papershelf:
      feed: 50
extra_css: [assets/papershelf/papershelf.css]
extra_javascript: [assets/papershelf/papershelf.js]
markdown_extensions:
  - toc
  - attr_list
  - pymdownx.superfences
  - papershelf.markdown_ext
"""


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):  # 1: problems reported, files still written
        sys.exit(f"{command[0]} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def site(n: int, root: Path) -> Path:
    generate(n, root)
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Bench\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": "2025-01-01T00:00:00Z",
        "GIT_COMMITTER_DATE": "2025-01-01T00:00:00Z",
    }
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "bench"]):
        git = ["git", "-c", "user.name=b", "-c", "user.email=b@example.org", *args]
        subprocess.run(git, cwd=root, check=True, capture_output=True, env=env)
    return root


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = site(n, Path(tmp))
        print(f"{n} papers")
        rows = [
            ("generate (cold)", [str(BIN / "papershelf"), "generate"]),
            ("generate (again)", [str(BIN / "papershelf"), "generate"]),
            ("zensical build", [sys.executable, "-m", "zensical", "build", "--clean"]),
            (
                "mkdocs build (plugin)",
                [sys.executable, "-m", "mkdocs", "build", "-d", "site-mkdocs"],
            ),
        ]
        for name, command in rows:
            wall, cpu = timed(command, root)
            print(f"  {name:24} {wall:7.2f} s wall {cpu:7.2f} s CPU")
        settings = Settings(root=root, bib=("bib/papers.bib",))
        library = load_library(settings)
        start = time.process_time()
        dates = first_added([root / "bib" / "papers.bib"], ["bib/papers.bib"])
        print(
            f"  git dates (one pass)     {time.process_time() - start:7.3f} s CPU in Python, {len(dates.dates)} keys"
        )
        start = time.process_time()
        stats_page(library)
        print(f"  statistics page          {time.process_time() - start:7.3f} s CPU")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
