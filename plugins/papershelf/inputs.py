"""The one way papershelf lists and reads its input files.

Everything in a notes folder is untrusted (a pull request can add a symlink to `/etc/passwd`,
an archive can hold a FIFO), and all of it may end up on the open web. So:

- hidden files and folders (`.trash/`, `.obsidian/`, Emacs' `.#note.md`) are skipped;
- a symlink is followed only when its real path stays inside the folder being walked; one that
  leaves it is skipped and reported with where it points. Symlinked folders are never entered:
  one that points inside is walked where it really is, so nothing is listed twice or loops;
- only regular files are read. A file is opened non-blocking and checked on the open
  descriptor (`fstat`), so a FIFO or device swapped in after the walk is never read, and a
  file is only read when it is still the one the walk vetted;
- sizes are capped, and whatever cannot be listed or read is a `Problem`, never a traceback.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

from .model import Problem

# The longest note in the example is 8 KB; a book-length note (300 pages of Chinese) is about
# 1 MB. Anything past 2 MiB is not a note (a pasted data dump, a log, a disk image renamed
# .md), and Markdown over it would slow every build for a page nobody reads.
NOTE_LIMIT = 2 * 1024 * 1024
# A figure exported from a paper is well under 5 MB; GitHub rejects files over 100 MB and
# warns from 50 MB. 20 MiB leaves room for a large poster image.
IMAGE_LIMIT = 20 * 1024 * 1024

_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


@dataclass(frozen=True)
class Refused:
    """Why a file was not read: becomes a `Problem` (or, for a path named in mkdocs.yml, an
    error) in the caller's words."""

    code: str
    message: str
    hint: str

    def problem(self, shown: str) -> Problem:
        return Problem(shown, None, None, self.message, self.hint, self.code)


@dataclass(frozen=True)
class Found:
    """A regular file that passed the checks; `signature` changes whenever its content may."""

    path: Path  # where it was found (a symlink stays a symlink: its name is what counts)
    real: Path  # what it resolved to when vetted: what is read
    inside: str  # relative to the walked folder, '/'-separated
    shown: str  # relative to mkdocs.yml, for messages
    size: int
    mtime_ns: int
    device: int
    inode: int

    @property
    def signature(self) -> tuple[str, int, int, int, int]:
        return (str(self.path), self.mtime_ns, self.size, self.device, self.inode)


def walk(
    folder: Path, suffixes: Collection[str], shown: str, limits: dict[str, int]
) -> tuple[list[Found], list[Problem]]:
    """The files under `folder` whose suffix (lowercased) is in `suffixes`, in path order, and
    what was wrong with the others of those suffixes. `limits` caps the size per suffix."""
    root = Path(os.path.realpath(folder))
    found: list[Found] = []
    problems: list[Problem] = []

    def unlistable(error: OSError) -> None:
        where = _shown(shown, root, Path(error.filename or root))
        problems.append(
            Problem(
                where,
                None,
                None,
                f"folder cannot be read ({error.strerror or error}); its notes and images "
                "are left out",
                "make it readable (chmod u+rx), or move it out of the notes folder",
                "unreadable",
            )
        )

    for top, dirs, files in os.walk(root, onerror=unlistable):
        here = Path(top)
        dirs[:] = sorted(d for d in dirs if _keep_folder(here / d, root, shown, problems, suffixes))
        for name in sorted(files):
            suffix = os.path.splitext(name)[1].lower()
            if name.startswith(".") or suffix not in suffixes:
                continue
            path = here / name
            result = inspect(path, within=root, limit=limits.get(suffix))
            where = _shown(shown, root, path)
            if isinstance(result, Refused):
                problems.append(result.problem(where))
            else:
                found.append(_found(path, root, where, *result))
    found.sort(key=lambda f: f.inside)
    return found, problems


def lookup(folder: Path, name: str, limit: int | None = None) -> Found | Refused | None:
    """The file `name` (a '/'-separated path relative to `folder`, without `..` or hidden
    parts: the caller checks) if it is there: None when it is not, Refused when it may not be
    read (a symlink out of the folder, not a regular file, over `limit`). One file is looked
    up, not the folder walked: a folder of a site's assets can be large, and only the files a
    bibliography names are read."""
    root = Path(os.path.realpath(folder))
    path = root.joinpath(*name.split("/"))
    if not os.path.lexists(path):
        return None
    result = inspect(path, within=root, limit=limit)
    if isinstance(result, Refused):
        return result
    return _found(path, root, name, *result)


def _keep_folder(
    path: Path, root: Path, shown: str, problems: list[Problem], suffixes: Collection[str]
) -> bool:
    if path.name.startswith("."):
        return False  # .git, .trash, .obsidian: never notes
    where = _shown(shown, root, path)
    if path.is_symlink():
        real = Path(os.path.realpath(path))
        if not _inside(real, root):
            problems.append(_outside(_target(path, real), "folder").problem(where))
        return False
    if path.suffix.lower() in suffixes:
        problems.append(
            Problem(
                where,
                None,
                None,
                f"is a folder, not a {path.suffix} file; the files in it are read as usual",
                "rename the folder so its name does not end in " + path.suffix,
                "not-a-file",
            )
        )
    return True


def inspect(
    path: Path, *, within: Path | None = None, limit: int | None = None
) -> Refused | tuple[Path, os.stat_result]:
    """(real path, status) of a file that may be read: it exists, is a regular file (after
    links), is not over `limit`, and (with `within`) its real path is inside that folder."""
    link = os.path.islink(path)
    real = Path(os.path.realpath(path))
    if within is not None and not _inside(real, within):
        return _outside(_target(path, real), "file")
    try:
        status = os.stat(real)  # the vetted path, not the link, which could change meanwhile
    except OSError as error:
        return _stat_error(path, error, link)
    regular = _regular(status, limit)
    return regular if isinstance(regular, Refused) else (real, status)


def read(found: Found, limit: int | None = None) -> bytes | Refused:
    """The bytes of a file the walk vetted, unless it changed into something else since."""
    return read_path(found.real, limit, expect=(found.device, found.inode))


def read_path(
    path: Path, limit: int | None = None, expect: tuple[int, int] | None = None
) -> bytes | Refused:
    """The bytes of a regular file; never blocks (non-blocking open, checks on the open
    descriptor), never reads more than `limit` bytes."""
    try:
        fd = os.open(path, _FLAGS)
    except OSError as error:
        return _stat_error(path, error, os.path.islink(path))
    try:
        status = os.fstat(fd)
        refused = _regular(status, limit)
        if isinstance(refused, Refused):
            return refused
        if expect is not None and (status.st_dev, status.st_ino) != expect:
            return Refused(
                "unreadable",
                "file was replaced while the site was being built; not read",
                "build again",
            )
        chunks, size = [], 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if limit is not None and size > limit:  # it grew, or says its size is 0 (/proc)
                return _too_large(size, limit)
        return b"".join(chunks)
    except OSError as error:
        return _stat_error(path, error, False)
    finally:
        os.close(fd)


def readable(folder: Path, suffixes: Collection[str], limit: int) -> Iterator[tuple[Path, bytes]]:
    """(path, bytes) of each file `walk` finds that can be read. For commands that only look
    things up; `load_library` reports what is left out."""
    if not folder.is_dir():
        return
    for found in walk(folder, suffixes, str(folder), {s: limit for s in suffixes})[0]:
        data = read(found, limit)
        if isinstance(data, bytes):
            yield found.path, data


def _found(path: Path, root: Path, shown: str, real: Path, status: os.stat_result) -> Found:
    return Found(
        path,
        real,
        path.relative_to(root).as_posix(),
        shown,
        status.st_size,
        status.st_mtime_ns,
        status.st_dev,
        status.st_ino,
    )


def _regular(status: os.stat_result, limit: int | None) -> Refused | os.stat_result:
    for test, kind in _KINDS:
        if test(status.st_mode):
            return Refused(
                "not-a-file",
                f"is {kind}, not a regular file; not read",
                "replace it with a regular file, or remove it",
            )
    if not stat.S_ISREG(status.st_mode):
        return Refused("not-a-file", "is not a regular file; not read", "remove it")
    if limit is not None and status.st_size > limit:
        return _too_large(status.st_size, limit)
    return status


def _too_large(size: int, limit: int) -> Refused:
    return Refused(
        "too-large",
        f"file is {size / 1048576:.1f} MiB, over papershelf's limit of "
        f"{limit // 1048576} MiB for such files; not read",
        "shorten it, or keep it outside the notes folder",
    )


def _stat_error(path: Path, error: OSError, link: bool) -> Refused:
    if error.errno == errno.ELOOP:
        return Refused(
            "unreadable",
            "is a symlink loop (it ends up pointing to itself); not read",
            "point the link at a real file, or remove it",
        )
    if error.errno == errno.ENOENT and link:
        return Refused(
            "broken-link",
            f"is a symlink to '{_written(path)}', which does not exist; not read",
            "point the link at a real file, or remove it (editors leave such links while a "
            "file is open)",
        )
    if error.errno in (errno.EACCES, errno.EPERM):
        return Refused(
            "unreadable",
            "file cannot be read (permission denied); left out",
            "make it readable (chmod u+r), or move it out of the folder",
        )
    return Refused(
        "unreadable", f"file cannot be read ({error.strerror or error}); left out", "check the file"
    )


def _outside(target: str, what: str) -> Refused:
    return Refused(
        "unsafe-path",
        f"is a symlink to '{target}', outside the folder papershelf reads; this {what} is "
        "not read or published",
        "copy the file into the folder instead of linking to it",
    )


def _target(link: Path, real: Path) -> str:
    """Where a link points, as its owner wrote it when that is a full path (`/proc/self/...`
    rather than this process's number), else where it ends up."""
    written = _written(link)
    return written if os.path.isabs(written) else str(real)


def _written(link: Path) -> str:
    try:
        return os.readlink(link)
    except OSError:  # gone meanwhile, or not a link after all
        return str(link)


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _shown(shown: str, root: Path, path: Path) -> str:
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
    return shown if rel == "." else f"{shown.rstrip('/')}/{rel}"
