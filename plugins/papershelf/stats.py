"""`Library` -> the statistics page: papers per month, top tags, venues and authors, reading
status, as SVG bar charts drawn here at build time (no script, no chart library, no service).

Every bar is a link into the index, filtered with the index's own query names
(`../?month=2025-03`, `?tag=RL`, `?venue=...`, `?author=...`, `?status=read`), and counts the
values as the index's facets do (case folded, shown in the most frequent spelling). Colours
come from the theme's CSS variables with `currentColor` as the fallback, so the charts read
in light and dark schemes alike (papershelf.css, "statistics page").
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from .i18n import ENGLISH, Strings
from .model import ET_AL, Entry, Library
from .notes import STATUSES
from .pages import front_matter_json, md_escape
from .templating import render

TOP = 15  # rows in each "top" chart
MONTHS_SHOWN = 72  # a longer span is drawn per year
LABEL_UNITS = 32  # the label column's width, in Latin letters (a Chinese character is two)
WIDTH, LABEL_WIDTH, ROW = 640, 230, 22  # horizontal charts, in SVG units
HEIGHT, STEP_MAX = 160, 36  # the time chart's bars


@dataclass(frozen=True)
class Bar:
    label: str  # shown beside or under the bar
    count: int
    query: str  # the index's query string for its papers: "month=2025-03"
    title: str  # the bar's tooltip and accessible name: "March 2025: 5 papers"


@dataclass(frozen=True)
class Chart:
    anchor: str
    heading: str
    bars: tuple[Bar, ...]
    vertical: bool = False  # a time line (bars side by side) rather than a ranking


def charts(library: Library, strings: Strings = ENGLISH) -> list[Chart]:
    t = strings
    entries = library.entries
    out = [_timeline(entries, t)]
    for anchor, heading, facet, values in (
        ("tags", "stats.tags", "tag", lambda e: e.tags),
        ("venues", "stats.venues", "venue", lambda e: [e.paper.venue] if e.paper.venue else []),
        ("authors", "stats.authors", "author", _authors),
    ):
        ranked = _ranked(entries, values)[:TOP]
        bars = tuple(_bar(label, n, {facet: label}, t) for label, n in ranked)
        out.append(Chart(anchor, t(heading), bars))
    statuses = Counter((e.note.status if e.note else "") or "none" for e in entries)
    bars = tuple(
        _bar(t(f"status.{s}"), statuses[s], {"status": s}, t)
        for s in (*STATUSES, "none")
        if statuses[s]
    )
    out.append(Chart("status", t("stats.status"), bars))
    return [chart for chart in out if chart.bars]


def _authors(entry: Entry) -> list[str]:
    return [a.display for a in entry.paper.authors if a != ET_AL]


def _bar(label: str, n: int, query: dict[str, str], strings: Strings) -> Bar:
    return Bar(label, n, urlencode(query), strings.count("stats.bar", n, label=label))


def _ranked(
    entries: Iterable[Entry], values: Callable[[Entry], Iterable[str]]
) -> list[tuple[str, int]]:
    """(value, papers) most frequent first; values differing only in case are one, in their
    most frequent spelling (as the index's facets count them)."""
    spellings: dict[str, Counter[str]] = {}
    for entry in entries:
        for value in dict.fromkeys(values(entry)):
            spellings.setdefault(value.casefold(), Counter())[value] += 1
    ranked = sorted(spellings.items(), key=lambda kv: (-kv[1].total(), kv[0]))
    return [(counter.most_common(1)[0][0], counter.total()) for _, counter in ranked]


def _timeline(entries: Iterable[Entry], strings: Strings) -> Chart:
    """Papers per month from the first dated month to the last, empty months included; per
    year when that spans more than `MONTHS_SHOWN` months."""
    dated = [(e.paper.year, e.paper.month) for e in entries if e.paper.year]
    if not dated:
        return Chart("timeline", strings("stats.per-month"), ())
    first, last = min(y for y, _ in dated), max(y for y, _ in dated)
    months = sorted((y, m) for y, m in dated if m)
    if not months or _index(months[-1]) - _index(months[0]) >= MONTHS_SHOWN:
        per_year = Counter(y for y, _ in dated)
        bars = tuple(
            _bar(str(y), per_year[y], {"year": str(y)}, strings) for y in range(first, last + 1)
        )
        return Chart("timeline", strings("stats.per-year"), bars, vertical=True)
    per_month = Counter(months)
    bars_: list[Bar] = []
    for index in range(_index(months[0]), _index(months[-1]) + 1):
        y, m = divmod(index, 12)
        n = per_month[(y, m + 1)]
        label = strings.month(y, m + 1)
        query = urlencode({"month": f"{y}-{m + 1:02d}"})
        bars_.append(Bar(str(y), n, query, strings.count("stats.bar", n, label=label)))
    return Chart("timeline", strings("stats.per-month"), tuple(bars_), vertical=True)


def _index(month: tuple[int, int]) -> int:
    """Months counted from year 0, so spans are differences."""
    return month[0] * 12 + month[1] - 1


def stats_page(library: Library, strings: Strings = ENGLISH, index_url: str = "../") -> str:
    """The page's Markdown: a heading per chart (so the theme's table of contents lists
    them), each chart a raw HTML figure. `index_url`: the index, relative to this page."""
    meta = {"title": strings("stats.title"), "render_macros": False, "search": {"exclude": True}}
    parts = ["---", front_matter_json(meta), "---", ""]
    found = charts(library, strings)
    if not found:
        parts += [md_escape(strings("stats.empty")), ""]
    undated = sum(1 for e in library.entries if not e.paper.year)
    for chart in found:
        parts += [f"## {md_escape(chart.heading)}", "", _svg(chart, index_url), ""]
        if chart.anchor == "timeline" and undated:
            parts += [md_escape(strings.count("stats.undated", undated)), ""]
    return "\n".join(parts)


def _svg(chart: Chart, index_url: str) -> str:
    top = max(bar.count for bar in chart.bars) or 1
    if chart.vertical:
        return _columns(chart, index_url, top)
    rows = [
        {
            "y": i * ROW,
            "width": max(1.0, round((WIDTH - LABEL_WIDTH - 50) * bar.count / top, 1)),
            "label": _fit(bar.label),
            "bar": bar,
            "href": f"{index_url}?{bar.query}",
        }
        for i, bar in enumerate(chart.bars)
    ]
    return render(
        "stats.html",
        chart=chart,
        rows=rows,
        width=WIDTH,
        height=len(rows) * ROW,
        label_width=LABEL_WIDTH,
    ).strip()


def _columns(chart: Chart, index_url: str, top: int) -> str:
    step = max(6.0, min(STEP_MAX, round(600 / len(chart.bars), 1)))
    labelled = len(chart.bars) <= 36
    columns, last_label = [], ""
    years = {bar.label for bar in chart.bars if bar.count}  # that have papers to link to
    for i, bar in enumerate(chart.bars):
        height = round((HEIGHT - 20) * bar.count / top, 1)
        columns.append(
            {
                "x": round(40 + i * step, 1),
                "width": round(step * 0.8, 1),
                "height": height,
                "y": round(HEIGHT - height, 1),
                "bar": bar,
                "href": f"{index_url}?{bar.query}",
                # a year under its first bar, linking to the whole year
                "year": bar.label if bar.label != last_label else "",
                "year_href": f"{index_url}?{urlencode({'year': bar.label})}"
                if bar.label in years
                else "",
                "count": bar.count if labelled and bar.count else "",
            }
        )
        last_label = bar.label
    return render(
        "stats.html",
        chart=chart,
        columns=columns,
        width=round(40 + len(chart.bars) * step, 1),
        height=HEIGHT + 24,
        chart_height=HEIGHT,
        top=top,
    ).strip()


def _fit(label: str) -> str:
    """`label` cut to fit the label column (Chinese characters count double)."""
    units = 0
    for i, ch in enumerate(label):
        units += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if units > LABEL_UNITS:
            return label[: max(i - 1, 1)] + "…"
    return label
