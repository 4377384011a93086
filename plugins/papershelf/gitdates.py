"""The day each entry entered the bibliography, from the commit that first added it: one
`git log` pass over the .bib files, never one per paper.

Measured (research memo, `git_dates.py`): 10,000 entries over 500 commits cost git ~20 s of
CPU (it inflates and diffs the whole file for each commit) and Python 0.2 s; the example's
2 commits are instant. A result is kept per HEAD commit, so `mkdocs serve` runs git once.

A shallow clone (GitHub Actions checks out one commit by default) would date every entry by
that one commit, so it gives no dates at all and says so once. Outside a git work tree, or
without git, there are no dates and nothing to say.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .dates import parse_moment
from .model import Problem

TIMEOUT = 120  # seconds; a build must not hang on a huge history
_ENTRY = re.compile(r"^\+\s*@\s*([A-Za-z]+)\s*[{(]\s*([^,\s{}()]+)\s*,")
_NOT_ENTRIES = frozenset({"string", "comment", "preamble"})
_RECORD = "\x1e"
# Nothing from the repository's configuration or its .gitattributes (which a pull request can
# change) may run a program: no external diff or text conversion (`--no-ext-diff`,
# `--no-textconv` below), no pager, no fsmonitor hook, no signature check through gpg.
_GIT = [
    "git",
    "-c",
    "core.fsmonitor=",
    "-c",
    "core.pager=cat",
    "-c",
    "log.showSignature=false",
    "--no-pager",
]


@dataclass(frozen=True)
class GitDates:
    dates: dict[str, datetime] = field(default_factory=dict)  # key -> first commit's date
    problem: Problem | None = None  # why there are none (a shallow clone, git failed)
    tracked: bool = True  # some .bib file is in a git work tree (else git can date nothing)


@dataclass
class GitCache:
    """The last pass, by the repositories' HEAD commits and the files read."""

    signature: tuple[str, ...] = ()
    result: GitDates = GitDates()


def first_added(
    bib_files: Sequence[Path], shown: Sequence[str], cache: GitCache | None = None
) -> GitDates:
    """Each citation key's first commit date, over the .bib files that are in a git work
    tree. `shown`: the same files as messages name them."""
    repos: dict[Path, list[Path]] = {}
    names: dict[Path, str] = {}  # a repository -> its first .bib file, as messages name it
    for path, name in zip(bib_files, shown, strict=True):
        # A symlink (to a Zotero auto-export) is dated by the history of what it points at.
        path = Path(os.path.realpath(path))
        top = _toplevel(path.parent)
        if top is None:
            continue
        if top[1]:
            return GitDates(problem=_shallow(name))
        repos.setdefault(top[0], []).append(path)
        names.setdefault(top[0], name)
    if not repos:
        return GitDates(tracked=False)
    heads = {repo: _head(repo) for repo in repos}
    repos = {repo: paths for repo, paths in repos.items() if heads[repo]}  # no commit yet
    signature = tuple(f"{repo}:{heads[repo]}:{paths}" for repo, paths in repos.items())
    if cache is not None and cache.signature == signature:
        return cache.result
    dates: dict[str, datetime] = {}
    problem = None
    for repo, paths in repos.items():
        try:
            found = _log(repo, paths)
        except (OSError, subprocess.SubprocessError) as error:
            problem = _failed(names[repo], error)
            continue
        for key, when in found.items():
            dates.setdefault(key, when)
    result = GitDates(dates, problem)
    if cache is not None:
        cache.signature, cache.result = signature, result
    return result


def _git(folder: Path, *args: str, timeout: float = 10) -> str:
    """git's output; raises OSError or SubprocessError when it cannot run or fails."""
    done = subprocess.run(
        [*_GIT, "-C", str(folder), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
        check=True,
        env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"},
        stdin=subprocess.DEVNULL,
    )
    return done.stdout


def _run(folder: Path, *args: str) -> str | None:
    try:
        return _git(folder, *args)
    except (OSError, subprocess.SubprocessError):
        return None


def _toplevel(folder: Path) -> tuple[Path, bool] | None:
    """(the work tree's root, whether the clone is shallow), or None outside a work tree."""
    out = _run(folder, "rev-parse", "--show-toplevel", "--is-shallow-repository")
    lines = (out or "").split("\n")
    if len(lines) < 2 or not lines[0]:
        return None
    return Path(lines[0]), lines[1].strip() == "true"


def _head(repo: Path) -> str:
    return (_run(repo, "rev-parse", "HEAD") or "").strip()


def _log(repo: Path, paths: list[Path]) -> dict[str, datetime]:
    relative = [os.path.relpath(p, os.path.realpath(repo)) for p in paths]
    # --follow keeps a renamed file's history, but git allows it for one path only.
    follow = ["--follow"] if len(relative) == 1 else []
    out = _git(
        repo,
        "log",
        "--reverse",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "-p",
        "-U0",
        f"--format={_RECORD}%aI",
        *follow,
        "--",
        *relative,
        timeout=TIMEOUT,
    )
    return parse_log(out.split(_RECORD))


def parse_log(commits: Iterable[str]) -> dict[str, datetime]:
    """The first date each key was added on, from `git log --reverse -p -U0` records (each
    the author date on its first line, then the diff). A key removed and added again keeps
    its first date; so does one a re-export moved within the file."""
    found: dict[str, datetime] = {}
    for record in commits:
        head, _, diff = record.partition("\n")
        when = parse_moment(head.strip())
        if when is None:
            continue
        for line in diff.split("\n"):
            if not line.startswith("+") or "@" not in line[:40]:
                continue
            match = _ENTRY.match(line)
            if match and match.group(1).lower() not in _NOT_ENTRIES:
                found.setdefault(match.group(2), when)
    return found


def _shallow(shown: str) -> Problem:
    return Problem(
        shown,
        None,
        None,
        "the git clone is shallow, so the commits that added each entry are not there; "
        "the feed dates no paper by git",
        "clone the whole history (on GitHub Actions: `fetch-depth: 0` under "
        "`actions/checkout`), or give papers an `added:` date in their notes",
        "shallow-clone",
    )


def _failed(shown: str, error: Exception) -> Problem:
    what = "took too long" if isinstance(error, subprocess.TimeoutExpired) else "failed"
    return Problem(
        shown,
        None,
        None,
        f"`git log` {what} ({type(error).__name__}); no paper is dated by git",
        "give papers an `added:` date in their notes, or check the repository with `git log`",
        "git-failed",
    )
