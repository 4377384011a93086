"""Speed of the filterable index page and its full-text search in headless Chromium.

    python bench/index_speed.py [N ...]              # default: 1000 10000
    python bench/index_speed.py --realistic [N ...]  # notes made of the example's real notes
    python bench/index_speed.py --site DIR [N]       # measure a site built earlier

For each N: generates a library (bench/generate.py; with --realistic each note is rewritten as
25-60 lines drawn from the example's 41 notes, so it has the vocabulary and length of real
ones: generate.py's notes are made of 25 phrases), builds it with the Material theme,
`navigation.instant`, the search plugin (jieba, the U+200B separator) and `theme.font: false`
(no Google Fonts request), serves it on 127.0.0.1 with http.server, and drives Debian's
Chromium through Playwright. It prints:

- the full-text index: its size per paper (chunks; snippet texts), the manifest;
- per query, in a fresh browser (nothing cached): the bytes a first query fetches (manifest,
  chunks, the snippet texts of the hits on screen) as a plain static server sends them (no
  compression), the time from the keystroke to the list showing its results (the chunks
  fetched and read), and to the first snippet; then a later query on the same page;
- typing queries at a human pace: keystroke -> results shown, p50/p95 (chunks fetched as
  they are needed), and the same once every chunk is in (warm);
- what a first page view fetches with search on (home, a paper page, the index), and how much
  of it is search machinery (Material's search index, worker and lunr files, papershelf.js);

and, as before:

- first contentful paint (the server-rendered list is the page's content, so this is when the
  first papers are shown), DOMContentLoaded, and when papershelf.js finished wiring the filters;
- keystroke -> updated list and facet click -> updated list, p50/p95 over 40 events each, at
  two paces (see PACES):
  "to frame" runs from the input/click event to the next frame (requestAnimationFrame, then a
  task after it: style, layout and paint included); "script" is papershelf.js's own
  `papershelf-update` measure (filter, counts, DOM writes);
- bytes transferred, per resource, raw and gzip-compressed (http.server does not compress:
  each body the page loaded is gzip-compressed here, level 6, as a server would send it).

It asserts nothing about speed; the issue's targets are printed next to the figures.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MKDOCS_YML = """\
site_name: papershelf index bench
theme:
  name: material
  font: false
  features: [navigation.instant]
nav:
  - Home: index.md
  - Papers: papers/index.md
plugins:
  - search:
      separator: '[\\s\\u200b\\-]+'
  - papershelf
"""
EXAMPLE_NOTES = Path(__file__).resolve().parent.parent / "bib" / "notes"
# (label, query): Chinese of 2 and 4 characters, a phrase, English words, a prefix, an
# accent-folded name, a word in no paper.
QUERIES = [
    ("zh, 2 characters", "推理"),
    ("zh, 4 characters", "强化学习"),
    ("zh, phrase", "不需要额外的标注数据"),
    ("en, word", "retrieval"),
    ("en, prefix", "retri"),
    ("en, 2 words", "policy reward"),
    ("en + zh", "reinforcement 智能体"),
    ("accents", "muller"),
    ("no match", "zebra"),
]
TYPED_QUERIES = ["强化学习 检索增强生成", "policy optimisation", "智能体 grpo"]
# Latency probe: event -> next frame. rAF callbacks run before style/layout/paint; a message
# posted from one runs as the next task, after the frame is produced.
PROBE = """
window.__latency = {input: [], click: []};
for (const type of ["input", "click"]) {
  document.addEventListener(type, (event) => {
    if (type === "click" && !event.target.closest("[data-papershelf-value]")) return;
    const start = event.timeStamp;
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => window.__latency[type].push(performance.now() - start);
      channel.port2.postMessage(0);
    });
  }, true);
}
"""
TYPED = list("reinforcement agents") + ["Backspace"] * 20  # 40 keystrokes
# Pause after each event's frame (keystroke, click), in ms. Work the script defers until after
# the frame (the URL update, restyling far-off items) is done when the browser is idle, so an
# event that lands within ~30 ms of the previous one can queue behind it: "back to back" shows
# that worst case, "human pace" a fast typist (~8 keys/s) and quick clicking.
PACES = {
    "back to back (30 ms gaps)": (30, 30),
    "human pace (120 ms between keys, 300 ms between clicks)": (120, 300),
}


class Server:
    """http.server on a free port, recording the path of every response it sends."""

    def __init__(self, root: Path) -> None:
        self.served: list[str] = []
        served = self.served

        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def send_response(self, code: int, message: str | None = None) -> None:
                if code == 200:
                    served.append(unquote(urlsplit(self.path).path))
                super().send_response(code, message)

        self.httpd = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Handler, directory=str(root))
        )
        self.root = root
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def sizes(self, paths: list[str]) -> list[tuple[str, int, int]]:
        out = []
        for path in paths:
            file = self.root / path.lstrip("/")
            if file.is_dir():
                file = file / "index.html"
            body = file.read_bytes()
            out.append((path, len(body), len(gzip.compress(body, 6))))
        return out


# Settle probe: after each input event, the time until a frame in which the list shows the
# query's results (the full-text chunks it needs fetched and read: aria-busy is false), and
# until the first snippet is on the page.
SETTLE = """
window.__settle = [];
document.addEventListener("input", (event) => {
  if (!event.target.matches("[data-papershelf-query]")) return;
  const entry = {start: event.timeStamp, results: null, snippet: null};
  window.__settle.push(entry);
  const results = document.querySelector(".papershelf-results");
  const check = () => {
    if (window.__settle[window.__settle.length - 1] !== entry) return;  // a newer keystroke
    const now = performance.now();
    if (entry.results === null && results.getAttribute("aria-busy") === "false") entry.results = now - entry.start;
    if (entry.snippet === null && document.querySelector("[data-papershelf-snippet]")) entry.snippet = now - entry.start;
    if (entry.results === null || (entry.snippet === null && now - entry.start < 5000)) frame();
  };
  const frame = () => requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = check;
    channel.port2.postMessage(0);
  });
  frame();
}, true);
"""


def realistic_notes(work: Path, seed: int = 2) -> None:
    """Rewrite generate.py's notes as 25-60 lines drawn from the example's real notes."""
    lines = []
    for note in sorted(EXAMPLE_NOTES.glob("*.md")):
        body = note.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        lines += [
            ln
            for ln in body.splitlines()
            if len(ln.strip()) > 8 and not ln.startswith(("```", "|"))
        ]
    rng = random.Random(seed)
    for note in sorted((work / "bib" / "notes").glob("*.md")):
        head = note.read_text(encoding="utf-8").split("\n---\n", 1)[0] + "\n---\n"
        body = "\n\n".join(rng.choice(lines) for _ in range(rng.randint(25, 60)))
        note.write_text(head + body + "\n", encoding="utf-8")


def fulltext_sizes(site: Path, n: int) -> None:
    folder = site / "papers" / "index-fulltext"
    chunks = sorted(p.stat().st_size for p in folder.glob("*.txt"))
    texts = [p.stat().st_size for p in (folder / "text").glob("*.txt")]
    manifest = (site / "papers" / "index-fulltext.json").stat().st_size
    print(
        f"full-text index: {len(chunks)} chunks, {sum(chunks) / 1e6:.2f} MB "
        f"({sum(chunks) / n / 1e3:.2f} KB per paper; median {chunks[len(chunks) // 2] / 1e3:.0f} KB, "
        f"max {chunks[-1] / 1e3:.0f} KB), manifest {manifest / 1e3:.1f} KB; snippet texts "
        f"{sum(texts) / 1e6:.1f} MB ({sum(texts) / n / 1e3:.2f} KB per paper, fetched for hits on screen)"
    )


def fetched(server: Server, start: int) -> tuple[int, int]:
    """Bytes (raw, as served) and files of the responses since `start`."""
    sizes = server.sizes(server.served[start:])
    return sum(raw for _, raw, _ in sizes), len(sizes)


def settled(page, count: int, timeout: float = 180_000) -> dict:  # noqa: ANN001
    page.wait_for_function(
        f"() => window.__settle.length >= {count} && window.__settle[{count - 1}].results !== null",
        timeout=timeout,
    )
    page.wait_for_timeout(600)  # the snippets of the hits on screen
    return page.evaluate(f"() => window.__settle[{count - 1}]")


def measure_queries(browser, server: Server) -> None:  # noqa: ANN001
    """Each query first in a fresh browser, then a later one on the same page."""
    print("query (first in a fresh browser; then the next one in the list, on the same page)")
    print(
        f"  {'':22} {'first query':>24} {'results':>9} {'snippet':>9} {'later query':>24} {'results':>9}"
    )
    firsts, later, latency = [], [], []
    for k, (label, q) in enumerate(QUERIES):
        context = local_context(browser, server)
        context.add_init_script(SETTLE)
        page = context.new_page()
        page.goto(server.url + "papers/", wait_until="load")
        page.wait_for_selector("[data-papershelf-ready]", timeout=60_000)
        start = len(server.served)
        page.focus("[data-papershelf-query]")  # fetches the manifest
        page.keyboard.insert_text(q)  # one input event, as an input method commits a word
        first = settled(page, 1)
        first_bytes = fetched(server, start)
        shown = page.text_content("[data-papershelf-count]")
        start = len(server.served)
        page.fill("[data-papershelf-query]", QUERIES[(k + 1) % len(QUERIES)][1])
        second = settled(page, 2)
        second_bytes = fetched(server, start)
        context.close()
        firsts.append(first_bytes[0])
        later.append(second_bytes[0])
        latency += [first["results"], second["results"]]
        snip = f"{first['snippet']:7.0f} ms" if first["snippet"] is not None else "     none"
        print(
            f"  {label:22} {first_bytes[0] / 1024:8.1f} KB in {first_bytes[1]:3} files "
            f"{first['results']:7.0f} ms {snip} {second_bytes[0] / 1024:8.1f} KB in "
            f"{second_bytes[1]:3} files {second['results']:7.0f} ms   ({shown})"
        )
    print(
        f"  bytes of a first query: max {max(firsts) / 1024:.0f} KB (target 500 KB, limit 2 MB); "
        f"a later one: max {max(later) / 1024:.0f} KB"
    )
    print(f"  keystroke -> results shown, chunks fetched on the way: {spread(latency)}")


def measure_typing(browser, server: Server) -> None:  # noqa: ANN001
    context = local_context(browser, server)
    context.add_init_script(SETTLE)
    page = context.new_page()
    page.goto(server.url + "papers/", wait_until="load")
    page.wait_for_selector("[data-papershelf-ready]", timeout=60_000)
    page.focus("[data-papershelf-query]")
    results: dict[str, list[float]] = {"cold": [], "warm": []}
    for phase in ("cold", "warm"):  # warm: every chunk those words need is already in
        for q in TYPED_QUERIES:
            page.fill("[data-papershelf-query]", "")
            page.wait_for_timeout(300)
            for char in q:
                count = page.evaluate("() => window.__settle.length") + 1
                page.keyboard.type(char)
                results[phase].append(settled(page, count)["results"])
                page.wait_for_timeout(120)
    context.close()
    print(f"typing {', '.join(map(repr, TYPED_QUERIES))} at a human pace (120 ms between keys):")
    print(
        f"  keystroke -> results shown, fetching chunks:  {spread(results['cold'])}   target p95 < 300 ms"
    )
    print(f"  the same, chunks in (warm):                    {spread(results['warm'])}")


MACHINERY = re.compile(r"search|lunr|papershelf\.js|index-fulltext|index-data")


def page_views(browser, server: Server) -> None:  # noqa: ANN001
    """What loading a page fetches with search on, in a fresh browser each."""
    paper = next(
        p
        for p in (server.root / "papers").iterdir()
        if (p / "index.html").is_file() and p.name != "index-fulltext"
    )
    print("first page view with search on (fresh browser; raw bytes as served, gzip in brackets):")
    for label, path in (
        ("home", ""),
        ("a paper page", f"papers/{paper.name}/"),
        ("the index", "papers/"),
    ):
        context = local_context(browser, server)
        page = context.new_page()
        start = len(server.served)
        page.goto(server.url + path, wait_until="load")
        page.wait_for_load_state("networkidle")
        sizes = server.sizes(list(dict.fromkeys(server.served[start:])))
        context.close()
        total, packed = sum(s[1] for s in sizes), sum(s[2] for s in sizes)
        search = [s for s in sizes if MACHINERY.search(s[0])]
        biggest = max(search, key=lambda s: s[1]) if search else ("", 0, 0)
        print(
            f"  {label:14} {total / 1024:8.0f} KB ({packed / 1024:6.0f} KB) in {len(sizes):3} files; "
            f"search machinery {sum(s[1] for s in search) / 1024:6.0f} KB "
            f"({sum(s[2] for s in search) / 1024:5.0f} KB), largest {biggest[0].rsplit('/', 1)[-1]} "
            f"{biggest[1] / 1024:.0f} KB   target < 3 MB"
        )


def local_context(browser, server: Server):  # noqa: ANN001, ANN201
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(server.url) else route.abort()
        ),
    )
    return context


def build(n: int, work: Path, realistic: bool = False) -> tuple[Path, float]:
    generate(n, work)
    if realistic:
        realistic_notes(work)
    (work / "docs").mkdir()
    (work / "docs" / "index.md").write_text("# Home\n\n[Papers](papers/index.md)\n")
    (work / "mkdocs.yml").write_text(MKDOCS_YML)
    start = time.perf_counter()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "-q",
            "-f",
            str(work / "mkdocs.yml"),
            "-d",
            str(work / "site"),
        ],
        check=True,
        env=env,
    )
    return work / "site", time.perf_counter() - start


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def spread(values: list[float]) -> str:
    return (
        f"p50 {pct(values, 50):6.1f} ms   p95 {pct(values, 95):6.1f} ms   max {max(values):6.1f} ms"
    )


def measure(browser, server: Server, n: int) -> None:  # noqa: ANN001
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    blocked: list[str] = []

    def local_only(route) -> None:  # noqa: ANN001
        if route.request.url.startswith(server.url):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", local_only)
    context.add_init_script(PROBE)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server.url + "papers/", wait_until="load")
    page.wait_for_selector("[data-papershelf-ready]", timeout=60_000)
    load = page.evaluate("""() => {
        const nav = performance.getEntriesByType("navigation")[0];
        const fcp = performance.getEntriesByName("first-contentful-paint")[0];
        return {fcp: fcp ? fcp.startTime : NaN, dcl: nav.domContentLoadedEventEnd,
                load: nav.loadEventEnd, ready: performance.getEntriesByName("papershelf-ready")[0].startTime};
    }""")
    initial = list(server.served)

    # Keystrokes: focusing the box fetches the full-text manifest; type once it is read.
    focused_at = page.evaluate(
        "() => { document.querySelector('[data-papershelf-query]').focus(); return performance.now(); }"
    )
    page.wait_for_function(
        "() => performance.getEntriesByName('papershelf-fulltext-ready').length", timeout=60_000
    )
    search_ready = (
        page.evaluate(
            "() => performance.getEntriesByName('papershelf-fulltext-ready')[0].startTime"
        )
        - focused_at
    )
    typed, typed_js = {}, {}
    for pace, gap in PACES.items():
        page.evaluate(
            "() => { performance.clearMeasures('papershelf-update'); window.__latency.input = []; }"
        )
        for i, key in enumerate(TYPED, 1):
            page.keyboard.press(key)
            page.wait_for_function(f"() => window.__latency.input.length >= {i}")
            page.wait_for_timeout(gap[0])
        typed[pace] = page.evaluate("() => window.__latency.input")
        typed_js[pace] = page.evaluate(
            "() => performance.getEntriesByName('papershelf-update').map(m => m.duration)"
        )

    # Facet clicks: toggle the two most frequent tags, the newest year and month, on and off.
    targets = [
        "[data-papershelf-facet=tag] li:nth-child(1) input",
        "[data-papershelf-facet=tag] li:nth-child(2) input",
        "[data-papershelf-facet=year] li:nth-child(1) input",
        "[data-papershelf-facet=month] li:nth-child(1) input",
    ]
    values = [page.get_attribute(t, "data-papershelf-value") for t in targets]
    clicks, clicks_js = {}, {}
    for pace, gap in PACES.items():
        page.evaluate(
            "() => { performance.clearMeasures('papershelf-update'); window.__latency.click = []; }"
        )
        for i in range(40):
            facet, value = (
                ("tag", values[i % 2])
                if i % 4 < 2
                else (("year", values[2]) if i % 8 < 4 else ("month", values[3]))
            )
            page.click(f"[data-papershelf-facet={facet}] input[data-papershelf-value='{value}']")
            page.wait_for_function(f"() => window.__latency.click.length >= {i + 1}")
            page.wait_for_timeout(gap[1])
        clicks[pace] = page.evaluate("() => window.__latency.click")
        clicks_js[pace] = page.evaluate(
            "() => performance.getEntriesByName('papershelf-update').map(m => m.duration)"
        )
    shown = page.text_content("[data-papershelf-count]")

    # Export: the BibTeX file is fetched on the first export.
    page.fill("[data-papershelf-query]", "")
    started = time.perf_counter()
    with page.expect_download() as download:
        page.click("[data-papershelf-export=bib]")
    exported = Path(download.value.path()).read_text(encoding="utf-8").count("\n@")
    export_s = time.perf_counter() - started
    context.close()

    print(
        f"\n=== {n:,} papers: the index page (Material theme, navigation.instant, search on, "
        "no Google Fonts) ==="
    )
    print(
        f"first list shown (FCP)        {load['fcp']:7.0f} ms   target: usable (first list shown) < 1000 ms"
    )
    print(f"DOMContentLoaded              {load['dcl']:7.0f} ms")
    print(
        f"filters wired                 {load['ready']:7.0f} ms   (list scrollable and its links work before this)"
    )
    print(f"full-text manifest read       {search_ready:7.0f} ms after focusing the box")
    for pace in PACES:
        print(f"-- {pace}")
        print(
            f"keystroke -> frame (n={len(typed[pace])})     {spread(typed[pace])}   target p95 < 50 ms"
        )
        print(f"keystroke, script only        {spread(typed_js[pace])}")
        print(
            f"facet click -> frame (n={len(clicks[pace])})   {spread(clicks[pace])}   target p95 < 50 ms"
        )
        print(f"facet click, script only      {spread(clicks_js[pace])}")
    print(
        f"export .bib of {exported + 1:,} entries  {export_s * 1000:7.0f} ms (click to file, incl. fetch)"
    )
    print(f"(last view: {shown})")
    if errors or blocked:
        print(f"page errors: {errors}  blocked external requests: {blocked}")
    report_transfer(server, initial)


def report_transfer(server: Server, initial: list[str]) -> None:
    # Chromium asks for the favicon again on every history.pushState/replaceState; a browser
    # cache would answer those, so each path counts once.
    later = [p for p in dict.fromkeys(server.served[len(initial) :]) if p not in initial]
    repeats = len(server.served) - len(initial) - len(later)
    print("transfer                                  raw        gzip")
    totals = {"initial": [0, 0], "later": [0, 0]}
    for phase, paths in (("initial", initial), ("later", later)):
        for path, raw, packed in server.sizes(paths):
            totals[phase][0] += raw
            totals[phase][1] += packed
            when = "" if phase == "initial" else "  (on first search/export)"
            print(f"  {path[-36:]:36} {raw / 1024:9.0f} KB {packed / 1024:7.0f} KB{when}")
    raw = totals["initial"][0] + totals["later"][0]
    packed = totals["initial"][1] + totals["later"][1]
    print(
        f"  {'page load':36} {totals['initial'][0] / 1024:9.0f} KB {totals['initial'][1] / 1024:7.0f} KB"
    )
    print(
        f"  {'total, with search and export data':36} {raw / 1024:9.0f} KB {packed / 1024:7.0f} KB"
        "   target: < 2048 KB gzip"
    )
    if repeats:
        print(
            f"  ({repeats} repeated requests, e.g. the favicon after each URL change, counted once)"
        )


def measure_all(browser, server: Server, n: int) -> None:  # noqa: ANN001
    if n:
        fulltext_sizes(server.root, n)
    measure_queries(browser, server)
    measure_typing(browser, server)
    page_views(browser, server)
    server.served.clear()  # measure() counts what its page fetched from the start
    measure(browser, server, n)


def main() -> None:
    from playwright.sync_api import sync_playwright

    args = sys.argv[1:]
    realistic = "--realistic" in args
    args = [a for a in args if a != "--realistic"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        if args[:1] == ["--site"]:  # an already built site, e.g. to try a CSS change
            with Server(Path(args[1])) as server:
                measure_all(browser, server, int(args[2]) if len(args) > 2 else 0)
            browser.close()
            return
        for n in [int(a) for a in args] or [1000, 10000]:
            with tempfile.TemporaryDirectory() as tmp:
                site, seconds = build(n, Path(tmp), realistic)
                notes = (
                    "notes drawn from the example's real notes"
                    if realistic
                    else "generate.py's notes"
                )
                print(f"\n##### {n:,} papers ({notes}), built in {seconds:.1f} s")
                with Server(site) as server:
                    measure_all(browser, server, n)
        browser.close()
    print(
        f"\nmachine: {os.cpu_count()} CPUs; one run each, figures are noisy: trust ratios more than ms"
    )


if __name__ == "__main__":
    main()
