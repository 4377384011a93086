"""Writing generated files into a person's docs folder without ever touching one of theirs.

`papershelf generate` records every file it writes, with a hash of its content, in a
manifest (`docs/<path>/.papershelf-manifest.json`). A file is papershelf's only while it is
listed there and still holds what was written: one that is not listed, or was edited since,
is the person's and is never overwritten or removed. A file is rewritten only when its
content changes (a generator's cache and `serve` then see only real edits), and a file
papershelf wrote earlier that is no longer needed (a paper left the list) is removed.

Nothing is written through a symlink or outside the docs folder: files are replaced by
renaming a new file over them, and every folder written into must really be inside docs.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .model import Problem

MANIFEST = ".papershelf-manifest.json"
_MANIFEST_LIMIT = 64 * 1024 * 1024  # 10,000 papers list ~1 MB
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Scan:
    """The docs folder as found: every file's URI, and which of them are papershelf's."""

    present: frozenset[str]
    ours: Mapping[str, str]  # URI -> digest, for files still as papershelf wrote them
    edited: frozenset[str]  # listed in the manifest but changed since: the person's now
    problems: tuple[Problem, ...] = ()

    @property
    def persons(self) -> frozenset[str]:
        return self.present - set(self.ours)


def scan(docs: Path, manifest_uri: str, shown: str) -> Scan:
    """`shown`: the docs folder as messages name it (relative to mkdocs.yml)."""
    present = frozenset(_files(docs)) - {manifest_uri}
    listed, problems = _read_manifest(docs / manifest_uri, f"{shown}/{manifest_uri}")
    ours: dict[str, str] = {}
    for uri, wanted in listed.items():
        if uri in present:
            found = _content(docs / uri)
            if found is not None and digest(found) == wanted:
                ours[uri] = wanted
    edited = frozenset(uri for uri in listed if uri in present and uri not in ours)
    return Scan(present, ours, edited, tuple(problems))


def _files(docs: Path) -> list[str]:
    out = []
    for folder, dirs, names in os.walk(docs):
        base = Path(folder).relative_to(docs).as_posix()
        prefix = "" if base == "." else f"{base}/"
        # A symlink to a folder is listed as a file: never entered, never written through.
        out += [prefix + d for d in dirs if os.path.islink(os.path.join(folder, d))]
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(folder, d))]
        out += [prefix + name for name in names]
    return out


def _content(path: Path) -> bytes | None:
    """The bytes of a regular file (not a symlink, FIFO or device), else None."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        return path.read_bytes()
    except OSError:
        return None


def _read_manifest(path: Path, shown: str) -> tuple[dict[str, str], list[Problem]]:
    if not os.path.lexists(path):
        return {}, []
    data = _content(path)
    try:
        if data is None or len(data) > _MANIFEST_LIMIT:
            raise ValueError("not a regular file of a sensible size")
        files = json.loads(data.decode("utf-8"))["files"]
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
            raise ValueError("not a mapping of paths to hashes")
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as error:
        return {}, [
            Problem(
                shown,
                None,
                None,
                f"the list of files papershelf wrote cannot be read ({error}); every file "
                "there is treated as yours and none is overwritten",
                "delete the generated files you do not want to keep and this list, then run "
                "`papershelf generate` again",
                "bad-manifest",
            )
        ]
    return dict(files), []


@dataclass
class Outcome:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def sync(
    docs: Path, found: Scan, files: Mapping[str, bytes], manifest_uri: str, shown: str
) -> Outcome:
    """Make the docs folder hold `files` (URI -> content), as far as it is papershelf's."""
    outcome = Outcome()
    folder = _blocking(manifest_uri, found.persons)
    if folder is not None:  # files written now could not be told apart from the person's later
        outcome.problems.append(_not_ours(f"{shown}/{folder}", False, folder=True))
        return outcome
    kept: dict[str, str] = {}
    blocked: set[str] = set()
    for uri, data in files.items():
        wanted = digest(data)
        folder = _blocking(uri, found.persons)
        if folder is not None:
            if folder not in blocked:  # one message for a folder, not one per file in it
                blocked.add(folder)
                outcome.problems.append(_not_ours(f"{shown}/{folder}", False, folder=True))
        elif uri in found.persons:
            outcome.problems.append(_not_ours(f"{shown}/{uri}", uri in found.edited))
        elif found.ours.get(uri) == wanted:
            outcome.unchanged.append(uri)
            kept[uri] = wanted
        else:
            try:
                _write(docs, uri, data)
            except OSError as error:
                outcome.problems.append(_failed(f"{shown}/{uri}", error))
                if uri in found.ours:  # still what papershelf wrote last time
                    kept[uri] = found.ours[uri]
                continue
            outcome.written.append(uri)
            kept[uri] = wanted
    kept.update(_remove_stale(docs, found, files, outcome, shown))
    if kept != dict(found.ours) or not (docs / manifest_uri).exists():
        text = json.dumps(
            {"papershelf": __version__, "files": dict(sorted(kept.items()))}, indent=0
        )
        try:
            _write(docs, manifest_uri, text.encode("utf-8"))
        except OSError as error:
            outcome.problems.append(_failed(f"{shown}/{manifest_uri}", error))
    return outcome


def _remove_stale(
    docs: Path, found: Scan, files: Mapping[str, bytes], outcome: Outcome, shown: str
) -> dict[str, str]:
    """Remove what papershelf wrote earlier and no longer writes; what could not be removed
    stays papershelf's (URI -> digest)."""
    left: dict[str, str] = {}
    for uri in sorted(set(found.ours) - set(files)):
        try:
            os.remove(docs / uri)
        except OSError as error:
            outcome.problems.append(_failed(f"{shown}/{uri}", error))
            left[uri] = found.ours[uri]
            continue
        outcome.removed.append(uri)
        _remove_empty(docs, (docs / uri).parent)
    return left


def _write(docs: Path, uri: str, data: bytes) -> None:
    parts = uri.split("/")
    if any(part in ("", ".", "..") for part in parts) or uri.startswith("/"):
        raise OSError(f"'{uri}' is not a path inside the docs folder")
    target = docs.joinpath(*parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    inside = os.path.realpath(docs)
    real = os.path.realpath(target.parent)
    if real != inside and not real.startswith(inside + os.sep):
        raise OSError(f"its folder leads out of the docs folder (to {real})")
    temporary = target.parent / f".{target.name}.papershelf-new"
    temporary.unlink(missing_ok=True)  # a leftover (or a planted symlink) goes, not followed
    try:
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)  # replaces a symlink itself, never what it points to
    except OSError:
        temporary.unlink(missing_ok=True)
        raise


def _remove_empty(docs: Path, folder: Path) -> None:
    while folder != docs and docs in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return  # not empty, or not ours to remove
        folder = folder.parent


def _blocking(uri: str, persons: frozenset[str]) -> str | None:
    """The first folder on `uri`'s path that is a person's file or symlink, if any."""
    parts = uri.split("/")
    return next(
        (p for p in ("/".join(parts[:i]) for i in range(1, len(parts))) if p in persons), None
    )


def _not_ours(shown: str, edited: bool, folder: bool = False) -> Problem:
    why = "was changed since papershelf wrote it" if edited else "is not one papershelf wrote"
    if folder:
        why = "is a file or link of yours where papershelf would write a folder of files"
    return Problem(
        shown,
        None,
        None,
        f"{why}, so it is kept as it is and papershelf's version is not written",
        "if papershelf may replace it, delete it and run `papershelf generate` again",
        "not-ours",
    )


def _failed(shown: str, error: OSError) -> Problem:
    return Problem(
        shown,
        None,
        None,
        f"could not be written or removed: {error}",
        "check that the path is a folder you may write to",
        "write-failed",
    )
