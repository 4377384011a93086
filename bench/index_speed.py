"""Speed of the filterable index page in headless Chromium, at 2,000 and 10,000 papers.

    python bench/index_speed.py [N ...]        # default: 2000 10000
    python bench/index_speed.py --site DIR [N] # measure a site built earlier

For each N: generates a library (bench/generate.py), builds it with the Material theme and
`navigation.instant` but WITHOUT the search plugin (Material's search index is not part of the
index page) and with `theme.font: false` (no Google Fonts request), serves it on 127.0.0.1
with http.server, and drives Debian's Chromium through Playwright. It prints:

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
  - papershelf
"""
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


def build(n: int, work: Path) -> tuple[Path, float]:
    generate(n, work)
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

    # Keystrokes: focusing the box fetches the abstract index; type once it is decoded.
    focused_at = page.evaluate(
        "() => { document.querySelector('[data-papershelf-query]').focus(); return performance.now(); }"
    )
    page.wait_for_function(
        "() => performance.getEntriesByName('papershelf-search-ready').length", timeout=60_000
    )
    search_ready = (
        page.evaluate("() => performance.getEntriesByName('papershelf-search-ready')[0].startTime")
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
        f"\n=== {n:,} papers: Material theme, navigation.instant, no search plugin "
        "(Material's search index is not part of this page), no Google Fonts ==="
    )
    print(
        f"first list shown (FCP)        {load['fcp']:7.0f} ms   target: usable (first list shown) < 1000 ms"
    )
    print(f"DOMContentLoaded              {load['dcl']:7.0f} ms")
    print(
        f"filters wired                 {load['ready']:7.0f} ms   (list scrollable and its links work before this)"
    )
    print(
        f"abstract index ready          {search_ready:7.0f} ms after focusing the box (fetch + decode)"
    )
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


def main() -> None:
    from playwright.sync_api import sync_playwright

    args = sys.argv[1:]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        if args[:1] == ["--site"]:  # an already built site, e.g. to try a CSS change
            with Server(Path(args[1])) as server:
                measure(browser, server, int(args[2]) if len(args) > 2 else 0)
            browser.close()
            return
        for n in [int(a) for a in args] or [2000, 10000]:
            with tempfile.TemporaryDirectory() as tmp:
                site, seconds = build(n, Path(tmp))
                print(f"\nbuilt {n:,} papers in {seconds:.1f} s")
                with Server(site) as server:
                    measure(browser, server, n)
        browser.close()
    print(
        f"\nmachine: {os.cpu_count()} CPUs; one run each, figures are noisy: trust ratios more than ms"
    )


if __name__ == "__main__":
    main()
