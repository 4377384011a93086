"""Write several files all or nothing: every new content is staged and checked next to its
file first, then each file is replaced in turn; if any step fails, every file already
replaced gets its old content back, and no temporary file is left behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .library import PapershelfError

PREFIX = ".papershelf-"  # every temporary or backup file this module makes starts so


class WriteFailed(PapershelfError):
    """The files could not be written; the message says whether they are as they were."""


@dataclass
class _Target:
    path: Path
    content: bytes
    original: bytes | None  # None: the file does not exist yet
    temp: Path | None = None
    backup: Path | None = None  # the old file, kept until everything is in place
    done: str = ""  # "created", "replaced" or "in place" once the content is in the file


def write_all(outputs: Mapping[Path, bytes], originals: Mapping[Path, bytes | None]) -> None:
    """Give each file in `outputs` its content, in the order given, or change nothing.

    `originals` holds what each file held (None: absent) when the outputs were computed from
    it; a file that has changed since is not overwritten. Raises WriteFailed.
    """
    targets = [_Target(path, content, originals.get(path)) for path, content in outputs.items()]
    made_dirs: list[Path] = []
    try:
        for target in targets:
            _stage(target, made_dirs)
        for target in targets:
            _put(target)
    except BaseException as error:
        unrestored = _roll_back(targets)
        _remove_temporaries(targets, keep=unrestored)
        _remove_dirs(made_dirs)
        if not isinstance(error, OSError | WriteFailed):
            raise  # Ctrl-C or a bug: the files are restored all the same
        raise WriteFailed(_failure_message(error, unrestored)) from error
    _remove_temporaries(targets, keep=[])


def _stage(target: _Target, made_dirs: list[Path]) -> None:
    """The new content in a temporary file beside the target, read back and compared; the
    old file kept as a backup (a second link to it, else a copy)."""
    _make_dirs(target.path.parent, made_dirs)
    mode = None
    if target.original is not None:
        mode = stat.S_IMODE(os.stat(target.path).st_mode)
        target.backup = _backup(target, mode)
    target.temp = _write_new(target.path.parent, target.content, mode)
    if target.temp.read_bytes() != target.content:
        raise WriteFailed(f"{target.path}: the staged copy did not read back as written")


def _make_dirs(folder: Path, made: list[Path]) -> None:
    missing = []
    while not folder.is_dir():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        os.mkdir(path)
        made.append(path)


def _write_new(folder: Path, content: bytes, mode: int | None, suffix: str = ".tmp") -> Path:
    """A new file in `folder` holding `content`, flushed to disk."""
    while True:
        path = folder / f"{PREFIX}{secrets.token_hex(6)}{suffix}"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # umask applies
            break
        except FileExistsError:
            continue
    try:
        stream = os.fdopen(fd, "wb")
    except BaseException:
        os.close(fd)
        os.unlink(path)
        raise
    try:
        with stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        if mode is not None:
            os.chmod(path, mode)  # a replaced file keeps its permissions
    except BaseException:
        os.unlink(path)
        raise
    return path


def _backup(target: _Target, mode: int) -> Path:
    path = target.path.parent / f"{PREFIX}{secrets.token_hex(6)}.bak"
    try:
        os.link(target.path, path)
        return path
    except OSError:  # no hard links here (or the file is a mount point): a copy will do
        assert target.original is not None
        return _write_new(target.path.parent, target.original, mode, suffix=".bak")


def _put(target: _Target) -> None:
    assert target.temp is not None
    current = target.path.read_bytes() if target.path.exists() else None
    if current != target.original:
        raise WriteFailed(f"{target.path} changed while the import ran; run it again")
    try:
        os.replace(target.temp, target.path)
        target.temp, target.done = None, "created" if target.original is None else "replaced"
    except OSError as error:
        # A single-file bind mount (Docker's `-v file:file`) cannot be renamed over (EBUSY;
        # EXDEV on some file systems), but it can be written. The staged copy has been read
        # back already, and the old content is kept for the rollback, so writing in place
        # is still all-or-nothing for the import as a whole.
        if error.errno not in (errno.EBUSY, errno.EXDEV) or target.original is None:
            raise
        if target.backup is not None and os.path.samefile(target.backup, target.path):
            # A second link would change with the file: the backup must be a real copy.
            os.unlink(target.backup)
            target.backup = None
            target.backup = _write_new(target.path.parent, target.original, None, ".bak")
        target.done = "in place"
        _write_in_place(target.path, target.content)


def _write_in_place(path: Path, content: bytes) -> None:
    # Never through a symbolic link: a link in the notes folder could point anywhere.
    fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        stream = os.fdopen(fd, "wb")
    except BaseException:
        os.close(fd)
        raise
    with stream:
        stream.write(content)
        stream.truncate()
        stream.flush()
        os.fsync(stream.fileno())
    if path.read_bytes() != content:
        raise WriteFailed(f"{path}: the file did not read back as written")


def _roll_back(targets: list[_Target]) -> list[_Target]:
    """Undo every change, newest first; returns the targets that could not be restored."""
    failed = []
    for target in reversed(targets):
        try:
            if target.done == "created":
                os.unlink(target.path)
            elif target.done == "replaced":
                assert target.backup is not None
                os.replace(target.backup, target.path)
                target.backup = None
            elif target.done == "in place":
                assert target.original is not None
                _write_in_place(target.path, target.original)
            target.done = ""
        except OSError:
            failed.append(target)
    return failed


def _remove_temporaries(targets: list[_Target], keep: list[_Target]) -> None:
    """Delete the staged copies and backups; a backup whose file could not be restored is
    kept, since it is the way back."""
    for target in targets:
        for path in (target.temp, None if target in keep else target.backup):
            if path is not None:
                with contextlib.suppress(OSError):  # gone already, or nothing more to do
                    os.unlink(path)
        target.temp = None


def _remove_dirs(made: list[Path]) -> None:
    for folder in reversed(made):
        with contextlib.suppress(OSError):  # not empty: what is left there is reported
            os.rmdir(folder)


def _failure_message(error: BaseException, unrestored: list[_Target]) -> str:
    reason = (error.strerror or str(error)) if isinstance(error, OSError) else str(error)
    where = getattr(error, "filename", None)
    what = f"{where}: {reason}" if where else reason
    if not unrestored:
        return f"nothing was written ({what}); every file is as it was"
    kept = "; ".join(
        f"{t.path} (its old content is in {t.backup})" if t.backup else str(t.path)
        for t in unrestored
    )
    return f"writing failed ({what}) and these files could not be restored: {kept}"
