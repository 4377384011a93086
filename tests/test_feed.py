"""The Atom feed: when papers were added (notes, Zotero's fields, git), the feed itself, and
what a build and `papershelf check` say when it cannot be right."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from test_build import build, copy_fixture, fixture_with

from papershelf.checks import site_url_problem
from papershelf.dates import parse_moment
from papershelf.feed import Added, FeedInputs, FeedOptions, added_dates, feed_xml, newest
from papershelf.gitdates import GitCache, first_added, parse_log
from papershelf.i18n import strings_for

ATOM = "{http://www.w3.org/2005/Atom}"
NOW = datetime(2030, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2025-03-10", datetime(2025, 3, 10, tzinfo=UTC), id="date"),
        pytest.param("2025-03-10T09:30:00Z", datetime(2025, 3, 10, 9, 30, tzinfo=UTC), id="iso-z"),
        pytest.param(
            "2025-03-10 09:30:00 +0200",
            datetime(2025, 3, 10, 9, 30, tzinfo=timezone(timedelta(hours=2))),
            id="bibdesk",
        ),
        pytest.param(
            "2025-03-10T09:30:00.000+01:00",
            datetime(2025, 3, 10, 9, 30, tzinfo=timezone(timedelta(hours=1))),
            id="bibsonomy",
        ),
        pytest.param("2025.03.10", datetime(2025, 3, 10, tzinfo=UTC), id="jabref"),
        pytest.param("{2025-3-1}", datetime(2025, 3, 1, tzinfo=UTC), id="braced-short"),
        pytest.param("2025-02-30", None, id="no-such-day"),
        pytest.param("2025-03-10T25:00", None, id="no-such-hour"),
        pytest.param("2025-03-10T10:00+99:00", None, id="no-such-zone"),
        pytest.param("last spring", None, id="words"),
        pytest.param("2025", None, id="year-only"),
    ],
)
def test_moments_are_read_as_the_tools_write_them(text: str, expected: datetime | None) -> None:
    assert parse_moment(text) == expected


def test_a_note_says_when_its_paper_was_added_and_a_bad_date_is_reported(load) -> None:
    bib = "@article{a, title={A}, year=2024}\n@article{b, title={B}, year=2024}\n"
    library = load(
        bib, {"a.md": "---\nadded: 2024-06-01\n---\nx\n", "b.md": "---\nadded: soon\n---\n"}
    )
    assert library.by_key()["a"].note.added == datetime(2024, 6, 1, tzinfo=UTC)
    [problem] = library.problems
    assert (problem.path, problem.line, problem.code) == ("bib/notes/b.md", 2, "bad-front-matter")
    assert "'added' must be a date such as 2025-03-10" in problem.message


def test_the_note_wins_over_the_bib_field_which_wins_over_git(load) -> None:
    bib = (
        "@article{n, title={N}, year=2024, timestamp={2024-01-01}}\n"
        "@article{b, title={B}, year=2024, dateadded={2024-02-02}}\n"
        "@article{g, title={G}, year=2024}\n"
        "@article{none, title={None}, year=2024}\n"
    )
    library = load(bib, {"n.md": "---\nadded: 2024-03-03\n---\n"})
    git = {"n": NOW, "b": NOW, "g": datetime(2024, 4, 4, tzinfo=UTC)}
    added = added_dates(library, git)
    assert {k: (a.when.date().isoformat(), a.source) for k, a in added.items()} == {
        "n": ("2024-03-03", "note"),
        "b": ("2024-02-02", "bib"),
        "g": ("2024-04-04", "git"),
    }


def test_git_log_is_read_for_the_first_commit_adding_each_entry() -> None:
    records = [
        "2024-01-01T10:00:00+00:00\n+@article{first,\n+@string{macro = {x}}\n+  title = {@misc{notakey,}",
        "2024-02-01T10:00:00+00:00\n-@article{first,\n+@ARTICLE( second ,\n+@comment{ignored,",
        "2024-03-01T10:00:00+00:00\n+@article{first,\n+ @misc{third,",
    ]
    found = parse_log(records)
    assert {k: v.month for k, v in found.items()} == {"first": 1, "second": 2, "third": 3}


def git(folder: Path, *args: str, when: str = "2024-01-01T10:00:00Z") -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-C", str(folder), *args],
        check=True,
        capture_output=True,
        env=env,
    )


def commit_all(folder: Path, when: str) -> None:
    git(folder, "add", "-A", when=when)
    git(folder, "commit", "-q", "-m", "x", when=when)


def test_git_dates_come_from_one_pass_and_a_shallow_clone_gives_none(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "bib").mkdir(parents=True)
    bib = repo / "bib" / "refs.bib"
    git(repo, "init", "-q")
    bib.write_text("@article{old, title={Old}, year=2020}\n", encoding="utf-8")
    commit_all(repo, "2024-01-01T10:00:00Z")
    bib.write_text(bib.read_text() + "@article{new, title={New}, year=2021}\n", encoding="utf-8")
    commit_all(repo, "2024-05-01T10:00:00Z")
    # A diff driver from .gitattributes (a pull request can add one) must not run.
    marker = tmp_path / "ran"
    (repo / ".gitattributes").write_text("*.bib diff=evil\n", encoding="utf-8")
    for name in ("textconv", "command"):
        git(repo, "config", f"diff.evil.{name}", f"touch {marker} #")
    git(repo, "config", "log.showSignature", "true")
    cache = GitCache()
    dates = first_added([bib], ["bib/refs.bib"], cache)
    assert not marker.exists()
    assert dates.problem is None
    assert {k: v.date().isoformat() for k, v in dates.dates.items()} == {
        "old": "2024-01-01",
        "new": "2024-05-01",
    }
    assert cache.signature and first_added([bib], ["bib/refs.bib"], cache) is dates  # kept
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)],
        check=True,
        capture_output=True,
    )
    shallow = first_added([clone / "bib" / "refs.bib"], ["bib/refs.bib"])
    assert shallow.dates == {} and shallow.problem is not None
    assert shallow.problem.code == "shallow-clone" and "fetch-depth: 0" in shallow.problem.hint
    outside = tmp_path / "plain"
    outside.mkdir()
    (outside / "refs.bib").write_text("@article{x, title={X}, year=2020}\n", encoding="utf-8")
    assert first_added([outside / "refs.bib"], ["refs.bib"]).dates == {}


def feed_of(library, added: dict[str, Added], entries: int = 50, **options: str) -> ET.Element:
    inputs = FeedInputs(
        FeedOptions(
            site_url=options.get("site_url", "https://x.org/site"), title="Shelf", entries=entries
        ),
        added,
        NOW,
    )
    urls = {e.paper.key: f"papers/{e.paper.slug}/" for e in library.entries}
    text = feed_xml(
        library,
        inputs,
        urls,
        "feed.xml",
        "papers/",
        strings_for(options.get("language", "en")),
    )
    return ET.fromstring(text.encode("utf-8"))


def test_the_feed_lists_the_newest_additions_first_and_undated_ones_last(load) -> None:
    bib = "".join(
        f"@article{{p{i}, title={{Paper {i}}}, year=2020, author={{A, B}}}}\n" for i in range(5)
    )
    library = load(bib)
    added = {f"p{i}": Added(datetime(2024, 1, 1 + i, tzinfo=UTC), "git") for i in (0, 1, 3)}
    feed = feed_of(library, added)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Paper 3",
        "Paper 1",
        "Paper 0",
        "Paper 2",  # no date: last, with the build's date
        "Paper 4",
    ]
    assert entries[0].findtext(f"{ATOM}updated") == "2024-01-04T00:00:00+00:00"
    assert entries[-1].findtext(f"{ATOM}updated") == NOW.isoformat()
    assert feed.findtext(f"{ATOM}updated") == "2024-01-04T00:00:00+00:00"  # not the build's
    assert entries[0].findtext(f"{ATOM}id") == "https://x.org/site/papers/p3/"
    assert entries[0].find(f"{ATOM}author/{ATOM}name").text == "B A"
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links == {
        "alternate": "https://x.org/site/papers/",
        "self": "https://x.org/site/feed.xml",
    }
    assert len(feed_of(library, added, entries=2).findall(f"{ATOM}entry")) == 2


def test_feed_text_is_escaped_cut_and_free_of_private_fields(load) -> None:
    bib = (
        "@article{x, title={A <script>alert(1)</script> \\& title}, year=2024,\n"
        "  keywords={RL, <b>bold</b>}, annote={PRIVATE-ANNOTE}, timestamp={2024-01-01},\n"
        "  abstract={" + "word " * 300 + "}}\n"
    )
    library = load(bib)
    # A control character XML cannot hold, however it got into the model, is left out.
    entry = library.entries[0]
    paper = replace(entry.paper, title=entry.paper.title + "\x0b\ufffe")
    library = replace(library, entries=(replace(entry, paper=paper),))
    xml = ET.tostring(feed_of(library, added_dates(library, {})), encoding="unicode")
    item = ET.fromstring(xml).find(f"{ATOM}entry")
    assert item.findtext(f"{ATOM}title") == "A <script>alert(1)</script> & title"  # as text
    assert "<script>" not in xml  # escaped in the document
    assert [c.get("term") for c in item.findall(f"{ATOM}category")] == ["RL", "<b>bold</b>"]
    summary = item.findtext(f"{ATOM}summary")
    assert summary.endswith("…") and len(summary) <= 501
    assert "PRIVATE-ANNOTE" not in xml and "timestamp" not in xml


def test_the_feed_is_in_the_sites_language(load) -> None:
    library = load("@article{x, title={X}, year=2024}\n")
    feed = feed_of(library, {}, language="zh")
    assert feed.findtext(f"{ATOM}title") == "Shelf：最近添加的论文"
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh"


@pytest.mark.parametrize(
    ("site_url", "message"),
    [
        pytest.param(None, "`site_url` is not set", id="missing"),
        pytest.param("", "`site_url` is not set", id="empty"),
        pytest.param(
            "papers.example.org/", "'papers.example.org/' is not an absolute", id="no-scheme"
        ),
        pytest.param("/reading/", "'/reading/' is not an absolute", id="path-only"),
        pytest.param("ftp://example.org/", "'ftp://example.org/' is not an absolute", id="ftp"),
    ],
)
def test_a_misconfigured_site_url_is_reported_at_its_line(
    tmp_path: Path, site_url: str | None, message: str
) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text(f"site_name: x\nsite_url: {site_url or ''}\n", encoding="utf-8")
    problem = site_url_problem(site_url, config)
    assert problem is not None and message in problem.message
    assert (problem.path, problem.line, problem.code) == ("mkdocs.yml", 2, "bad-site-url")
    assert site_url_problem("https://example.org/reading/", config) is None


def with_feed(tmp_path: Path, site_url: str = "site_url: https://example.org/shelf/\n") -> Path:
    site = fixture_with(
        tmp_path, "      facets: [method]\n", "      facets: [method]\n      feed: 2\n"
    )
    config = site / "mkdocs.yml"
    config.write_text(site_url + config.read_text(encoding="utf-8"), encoding="utf-8")
    return site


def test_a_build_writes_the_feed_and_links_it_from_the_index(tmp_path: Path) -> None:
    site = with_feed(tmp_path)
    git(site, "init", "-q")
    commit_all(site, "2024-05-01T10:00:00Z")
    result = build(site, tmp_path / "out", "--strict")
    assert result.returncode == 0, result.stderr
    feed = ET.parse(tmp_path / "out" / "feed.xml").getroot()
    assert len(feed.findall(f"{ATOM}entry")) == 2  # `feed: 2` of the 3 papers
    index = (tmp_path / "out" / "papers" / "index.html").read_text(encoding="utf-8")
    head = index[: index.index("</head>")]
    assert (
        '<link rel="alternate" type="application/atom+xml" href="../feed.xml" title="Atom feed">'
        in head
    )
    assert '<a href="../feed.xml" type="application/atom+xml">Atom feed</a>' in index
    assert '<a href="stats/">Statistics</a>' in index


@pytest.mark.browser
def test_the_feed_link_makes_material_fetch_nothing_that_is_missing(tmp_path, serve, page) -> None:
    # Material reads every <link rel="alternate"> as a translation and fetches the sitemap
    # beside it: beside papers/feed.xml that was a 404 on every visit of the index.
    out = tmp_path / "out"
    out.mkdir()
    base = serve(out)
    site = with_feed(tmp_path, f"site_url: {base}\n")
    config = site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    old = "theme: {name: mkdocs, highlightjs: false}"
    assert old in text
    config.write_text(text.replace(old, "theme: {name: material, features: [navigation.instant]}"))
    git(site, "init", "-q")
    commit_all(site, "2024-05-01T10:00:00Z")
    assert build(site, out, "--strict").returncode == 0
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    page.goto(f"{base}papers/")
    page.wait_for_selector("[data-papershelf-ready]", state="attached")
    page.wait_for_load_state("networkidle")
    assert page.locator("link[rel=alternate]").count() == 1
    assert missing == []


def dateless(result_text: str) -> list[str]:
    return sorted(
        line.split("papershelf: ", 1)[-1]
        for line in result_text.splitlines()
        if "no date it was added" in line or "have no date they were added" in line
    )


def check_output(site: Path) -> subprocess.CompletedProcess:
    papershelf = str(Path(sys.executable).parent / "papershelf")
    return subprocess.run(
        [papershelf, "check", "-f", str(site / "mkdocs.yml")], capture_output=True, text=True
    )


def test_papers_without_a_date_are_reported_by_build_and_check_alike(tmp_path: Path) -> None:
    site = with_feed(tmp_path)  # not in git: no commit can date a paper, one message says so
    strict = build(site, tmp_path / "strict", "--strict")
    assert strict.returncode != 0
    warned = dateless(strict.stderr)
    assert warned == [
        "bib/refs.bib: 3 of 3 papers have no date they were added, and the .bib file is not in "
        "a git work tree whose commits could date them: the feed lists them last, dated by the "
        "build (build from a git clone of the site, set `added: YYYY-MM-DD` in the papers' "
        "notes, or export Zotero's `dateAdded` field)"
    ]
    check = check_output(site)
    assert check.returncode == 1 and dateless(check.stdout) == warned
    relaxed = build(site, tmp_path / "relaxed")
    assert relaxed.returncode == 0 and (tmp_path / "relaxed" / "feed.xml").is_file()
    # In git, an entry not committed yet is the one undated paper, named at its line.
    git(site, "init", "-q")
    commit_all(site, "2024-05-01T10:00:00Z")
    with (site / "bib" / "refs.bib").open("a", encoding="utf-8") as bib:
        bib.write("\n@misc{fresh2025, title = {Just Added}, year = {2025}}\n")
    line = (site / "bib" / "refs.bib").read_text(encoding="utf-8").count("\n")
    warned = dateless(build(site, tmp_path / "again", "--strict").stderr)
    assert warned == [
        f"bib/refs.bib:{line}: entry 'fresh2025': no date it was added: the feed lists it last, "
        "dated by the build (commit the .bib file (its first commit dates the entry), set "
        "`added: YYYY-MM-DD` in the paper's note, or export Zotero's `dateAdded` field)"
    ]
    assert dateless(check_output(site).stdout) == warned


def test_without_site_url_there_is_no_feed_but_the_rest_is_built(tmp_path: Path) -> None:
    site = with_feed(tmp_path, site_url="")
    strict = build(site, tmp_path / "strict", "--strict")
    assert strict.returncode != 0
    assert "mkdocs.yml: `site_url` is not set, and the feed needs absolute links" in strict.stderr
    assert "no date it was added" not in strict.stderr  # one message, not one per paper
    check = subprocess.run(
        [str(Path(sys.executable).parent / "papershelf"), "check", "-f", str(site / "mkdocs.yml")],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 1 and check.stdout.startswith("mkdocs.yml: `site_url` is not set")
    relaxed = build(site, tmp_path / "relaxed")
    assert relaxed.returncode == 0
    assert not (tmp_path / "relaxed" / "feed.xml").exists()
    assert (tmp_path / "relaxed" / "papers" / "zhang2023chinese" / "index.html").is_file()
    index = (tmp_path / "relaxed" / "papers" / "index.html").read_text(encoding="utf-8")
    assert "application/atom+xml" not in index


def test_no_feed_unless_asked_for(tmp_path: Path) -> None:
    site = copy_fixture(tmp_path)
    result = build(site, tmp_path / "out", "--strict")
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "out" / "feed.xml").exists()


def test_newest_keeps_the_list_order_for_papers_added_together(load) -> None:
    library = load("@article{a, title={A}, year=2025}\n@article{b, title={B}, year=2024}\n")
    same = datetime(2024, 1, 1, tzinfo=UTC)
    inputs = FeedInputs(
        FeedOptions("https://x.org/", "x"), {"a": Added(same, "git"), "b": Added(same, "git")}, NOW
    )
    assert [e.paper.key for e, _ in newest(library, inputs)] == ["a", "b"]
