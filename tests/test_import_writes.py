"""`papershelf import` writes all or nothing: each failure of the file system is injected
(os.replace, writes, fsync, mkdir, ...) and the site must be byte for byte as before, with
no `.papershelf-*` file left; a bind-mounted .bib (EBUSY) is written in place."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from papershelf import importer
from papershelf.cli import main
from papershelf.library import Settings, load_library

ITEM = "- [24/0{n}] **{title}**  \n[[Paper](https://arxiv.org/pdf/2401.0000{n}v1)] [[TLDR/Notes](#{anchor})]\n"


def paper_list(*papers: tuple[int, str, str, str]) -> str:
    """A list in the old tool's format: (n, title, abstract, note) per paper."""
    items = [ITEM.format(n=n, title=t, anchor=t.lower().replace(" ", "-")) for n, t, _, _ in papers]
    sections = [
        f"## {t.lower().replace(' ', '-')}\n### Abstract\n{a}\n### Note\n{note}\n"
        for _, t, a, note in papers
    ]
    return (
        "# Paper List from BIB File: x.bib\n"
        + "\n".join(items)
        + "\n# TLDR/Notes\n"
        + "".join(sections)
    )


FIRST = paper_list((1, "Alpha paper", "", "Alpha note."), (2, "Beta paper", "Beta abs.", "Beta."))
# The second list fills in Alpha's abstract, changes its note, and adds Gamma.
SECOND = paper_list(
    (1, "Alpha paper", "Alpha abs.", "Alpha note, revised."),
    (2, "Beta paper", "Beta abs.", "Beta."),
    (3, "Gamma paper", "Gamma abs.", "Gamma note."),
)


def site(tmp_path: Path, *, imported: bool) -> Path:
    root = tmp_path / "site"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Site\n")
    (root / "mkdocs.yml").write_text("site_name: T\nplugins:\n  - papershelf\n")
    for name, text in (("first.md", FIRST), ("second.md", SECOND)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    if imported:
        cwd = os.getcwd()
        os.chdir(root)
        try:
            assert main(["import", str(tmp_path / "first.md")]) == 0
        finally:
            os.chdir(cwd)
    return root


def tree(root: Path) -> dict[str, bytes | None]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes() if p.is_file() else None
        for p in sorted(root.rglob("*"))
    }


def leftovers(root: Path) -> list[Path]:
    return list(root.rglob(".papershelf-*"))


def run_second(root: Path, monkeypatch) -> int:
    monkeypatch.chdir(root)
    return main(["import", str(root.parent / "second.md")])


# Which calls an injected error hits, by the arguments of the call.
WHERE: dict[str, Callable[..., bool]] = {
    "any": lambda *args: True,
    "temp": lambda path, *rest: Path(path).name.startswith(".papershelf-"),
    "onto-bib": lambda src, dst, *rest: Path(dst).name == "papers.bib",
    "onto-note": lambda src, dst, *rest: Path(dst).suffix == ".md",
    # Opened to be written, not created: reading opens (papershelf reads with os.open too) pass.
    "in-place": lambda path, flags, *rest: flags & os.O_WRONLY and not flags & os.O_CREAT,
    "from-backup": lambda src, dst, *rest: Path(src).suffix == ".bak",
}


def inject(monkeypatch, name: str, where: str, nth: int, code: int) -> None:
    """Make the `nth` call of os.`name` that `where` selects fail with errno `code`."""
    real, calls = getattr(os, name), []

    def failing(*args, **kwargs):
        if WHERE[where](*args):
            calls.append(args)
            if len(calls) == nth:
                spot = args[1] if name == "replace" else args[0] if name != "fsync" else None
                raise OSError(code, os.strerror(code), None if spot is None else str(spot))
        return real(*args, **kwargs)

    monkeypatch.setattr(os, name, failing)


def partial_in_place_write(monkeypatch) -> None:
    """The first write in place stops half-way with a full disk, as a real one would."""
    real_open, real_fdopen = os.open, os.fdopen
    in_place: dict[str, int] = {}  # the first write in place only: the rollback's succeeds

    def opening(path, flags, *args, **kwargs):
        fd = real_open(path, flags, *args, **kwargs)
        if flags & os.O_WRONLY and not flags & os.O_CREAT and "fd" not in in_place:
            in_place["fd"] = fd
        return fd

    class HalfWritten:
        def __init__(self, stream) -> None:
            self.stream = stream

        def __enter__(self):
            return self

        def __exit__(self, *exc) -> None:
            self.stream.close()

        def write(self, data: bytes) -> int:
            self.stream.write(data[: len(data) // 2])
            self.stream.flush()
            raise OSError(errno.ENOSPC, "No space left on device")

    def fdopen(fd, *args, **kwargs):
        stream = real_fdopen(fd, *args, **kwargs)
        if in_place.get("fd") == fd and "used" not in in_place:
            in_place["used"] = fd
            return HalfWritten(stream)
        return stream

    monkeypatch.setattr(os, "open", opening)
    monkeypatch.setattr(os, "fdopen", fdopen)


@pytest.mark.parametrize(
    ("imported", "failures"),
    [
        pytest.param(False, [("mkdir", "any", 2, errno.EACCES)], id="notes-folder-not-made"),
        pytest.param(True, [("open", "temp", 2, errno.ENOSPC)], id="second-staged-file"),
        pytest.param(True, [("fsync", "any", 1, errno.EIO)], id="flush-to-disk"),
        pytest.param(True, [("chmod", "temp", 1, errno.EPERM)], id="keeping-permissions"),
        pytest.param(True, [("replace", "onto-bib", 1, errno.EACCES)], id="bib-not-replaced"),
        pytest.param(True, [("replace", "any", 2, errno.ENOSPC)], id="note-after-bib"),
        pytest.param(True, [("replace", "any", 3, errno.EXDEV)], id="new-note-exdev"),
        pytest.param(False, [("replace", "any", 3, errno.EACCES)], id="fresh-site-last-note"),
        pytest.param(
            True,
            [("replace", "onto-bib", 1, errno.EBUSY), ("open", "in-place", 1, errno.EACCES)],
            id="bind-mount-not-writable",
        ),
        pytest.param(
            True,
            [("replace", "onto-bib", 1, errno.EBUSY), ("replace", "onto-note", 2, errno.EIO)],
            id="bind-mount-then-note-fails",
        ),
        pytest.param(True, ["partial"], id="bind-mount-disk-full-half-way"),
    ],
)
def test_a_failed_write_leaves_the_site_as_it_was(
    tmp_path: Path, monkeypatch, capsys, imported: bool, failures: list
) -> None:
    root = site(tmp_path, imported=imported)
    before = tree(root)
    for failure in failures:
        if failure == "partial":
            inject(monkeypatch, "replace", "onto-bib", 1, errno.EBUSY)
            partial_in_place_write(monkeypatch)
        else:
            inject(monkeypatch, *failure)
    assert run_second(root, monkeypatch) == 2
    assert "every file is as it was" in capsys.readouterr().err
    monkeypatch.undo()
    assert tree(root) == before
    assert leftovers(root) == []


def test_the_second_list_fills_adds_and_rewrites(tmp_path: Path, monkeypatch) -> None:
    root = site(tmp_path, imported=True)
    bib = root / "bib" / "papers.bib"
    bib.chmod(0o640)
    assert run_second(root, monkeypatch) == 0
    entries = load_library(Settings(root=root)).by_key()
    assert {e.paper.key: e.paper.abstract for e in entries.values()} == {
        "2024alpha": "Alpha abs.",
        "2024beta": "Beta abs.",
        "2024gamma": "Gamma abs.",
    }
    assert entries["2024alpha"].note.body.strip() == "### Note\nAlpha note, revised."
    assert bib.stat().st_mode & 0o777 == 0o640  # a replaced file keeps its permissions
    assert leftovers(root) == []


@pytest.mark.parametrize("code", [errno.EBUSY, errno.EXDEV], ids=["ebusy", "exdev"])
def test_a_bib_that_cannot_be_renamed_over_is_written_in_place(
    tmp_path: Path, monkeypatch, code: int
) -> None:
    """A Docker single-file bind mount: rename onto the file fails, writing it works."""
    expected = site(tmp_path / "a", imported=True)
    assert run_second(expected, monkeypatch) == 0
    root = site(tmp_path / "b", imported=True)
    inode = (root / "bib" / "papers.bib").stat().st_ino
    inject(monkeypatch, "replace", "onto-bib", 1, code)
    inject(monkeypatch, "link", "any", 1, errno.EXDEV)  # no second link to a mount point
    assert run_second(root, monkeypatch) == 0
    monkeypatch.undo()
    assert tree(root) == tree(expected)
    assert (root / "bib" / "papers.bib").stat().st_ino == inode  # the same file, rewritten
    assert leftovers(root) == []


def test_a_file_that_cannot_be_restored_is_named_with_its_backup(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    root = site(tmp_path, imported=True)
    bib, note = root / "bib" / "papers.bib", root / "bib" / "notes" / "2024alpha.md"
    old = {bib.read_bytes(), note.read_bytes()}
    inject(monkeypatch, "replace", "onto-note", 2, errno.EIO)  # the new note fails...
    inject(monkeypatch, "replace", "from-backup", 1, errno.EIO)  # ...and so does a restore
    assert run_second(root, monkeypatch) == 2
    err = capsys.readouterr().err
    assert "could not be restored" in err
    monkeypatch.undo()
    (backup,) = leftovers(root)  # the way back, named in the message
    assert backup.read_bytes() in old and f"(its old content is in {backup})" in err
    assert {bib.read_bytes(), note.read_bytes()} != old


def test_a_bib_edited_during_the_import_is_not_overwritten(tmp_path: Path, monkeypatch, capsys):
    root = site(tmp_path, imported=True)
    bib = root / "bib" / "papers.bib"
    real = importer.write_all

    def edit_then_write(outputs, originals):
        bib.write_text(bib.read_text(encoding="utf-8") + "\n% my edit\n", encoding="utf-8")
        return real(outputs, originals)

    monkeypatch.setattr(importer, "write_all", edit_then_write)
    before = tree(root)
    assert run_second(root, monkeypatch) == 2
    assert "changed while the import ran" in capsys.readouterr().err
    after = tree(root)
    assert after.pop("bib/papers.bib").endswith(b"% my edit\n")
    before.pop("bib/papers.bib")
    assert after == before and leftovers(root) == []


def test_a_rewrite_that_would_lose_an_entry_is_refused(tmp_path: Path, monkeypatch, capsys):
    root = site(tmp_path, imported=True)
    real = importer.append_entries
    # A writer that goes wrong: the new text loses the first entry of the file.
    monkeypatch.setattr(
        importer, "append_entries", lambda text, new: real(text[text.index("@", 1) :], new)
    )
    before = tree(root)
    assert run_second(root, monkeypatch) == 2
    err = capsys.readouterr().err
    assert "import refused, nothing was written" in err and "would be lost" in err
    assert tree(root) == before


def test_a_bib_that_is_not_utf8_is_refused(tmp_path: Path, monkeypatch, capsys) -> None:
    root = site(tmp_path, imported=True)
    bib = root / "bib" / "papers.bib"
    bib.write_bytes(bib.read_bytes().replace(b"Alpha", b"Alpha \xe9"))
    before = tree(root)
    assert run_second(root, monkeypatch) == 2
    assert "not UTF-8" in capsys.readouterr().err
    assert tree(root) == before


def test_a_bom_and_crlf_line_ends_are_kept(tmp_path: Path, monkeypatch) -> None:
    root = site(tmp_path, imported=True)
    bib = root / "bib" / "papers.bib"
    bib.write_bytes(b"\xef\xbb\xbf" + bib.read_bytes().replace(b"\n", b"\r\n"))
    assert run_second(root, monkeypatch) == 0
    data = bib.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"Gamma" in data
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert len(load_library(Settings(root=root)).entries) == 3


def test_the_old_tree_is_kept_when_a_second_link_is_impossible(tmp_path: Path, monkeypatch) -> None:
    """Without hard links the backup is a copy; a later failure still restores the .bib."""
    root = site(tmp_path, imported=True)
    before = tree(root)
    inject(monkeypatch, "link", "any", 1, errno.EPERM)
    inject(monkeypatch, "replace", "any", 3, errno.ENOSPC)
    assert run_second(root, monkeypatch) == 2
    monkeypatch.undo()
    assert tree(root) == before and leftovers(root) == []


def test_the_first_list_makes_two_entries_and_two_notes(tmp_path: Path) -> None:
    root = site(tmp_path, imported=True)
    assert sorted(p for p in tree(root) if p.startswith("bib")) == [
        "bib",
        "bib/notes",
        "bib/notes/2024alpha.md",
        "bib/notes/2024beta.md",
        "bib/papers.bib",
    ]
    assert leftovers(root) == []
