"""The notes folder and the .bib files as an attacker would leave them: links out of the
folder, hidden folders, FIFOs, devices, loops, unreadable folders and over-size files."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from papershelf import inputs
from papershelf.library import PapershelfError, Settings, load_library
from papershelf.model import Library

FIXTURE = Path(__file__).parent / "fixtures" / "site"
SECRET = "TOPSECRET-4f2a"


@contextlib.contextmanager
def deadline(seconds: int = 10) -> Iterator[None]:
    """Fail instead of hanging: a read that blocks (a FIFO) is interrupted by SIGALRM."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"still blocked after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(FIXTURE, root)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_text(f"{SECRET}\n", encoding="utf-8")
    (tmp_path / "outside" / "note.md").write_text(f"# {SECRET}\n", encoding="utf-8")
    return root


def notes(site: Path) -> Path:
    return site / "bib" / "notes"


def load(site: Path) -> Library:
    with deadline():
        return load_library(Settings(root=site, bib=("bib/refs.bib",), facets=("method",)))


def found(library: Library) -> set[tuple[str, str]]:
    return {(p.code, p.path) for p in library.problems}


def everything(library: Library) -> str:
    parts = [e.note.body for e in library.entries if e.note]
    parts += [a.data.decode("latin-1") for a in library.assets]
    return "\n".join(parts)


def test_a_link_out_of_the_notes_folder_is_never_read_and_is_named(site: Path) -> None:
    outside = site.parent / "outside"
    (notes(site) / "leak.png").symlink_to(outside / "secret.txt")
    (notes(site) / "env.webp").symlink_to("/proc/self/environ")
    (notes(site) / "nonote2022.md").symlink_to(outside / "note.md")
    (notes(site) / "shared").symlink_to(outside, target_is_directory=True)
    library = load(site)
    assert SECRET not in everything(library)
    assert not library.assets
    assert library.by_key()["nonote2022"].note is None
    problems = {p.path: p for p in library.problems if p.code == "unsafe-path"}
    assert set(problems) == {
        "bib/notes/leak.png",
        "bib/notes/env.webp",
        "bib/notes/nonote2022.md",
        "bib/notes/shared",
    }
    assert str(outside / "secret.txt") in problems["bib/notes/leak.png"].message
    assert "/proc/" in problems["bib/notes/env.webp"].message
    assert problems["bib/notes/leak.png"].hint


def test_a_link_that_stays_inside_the_folder_is_followed(site: Path) -> None:
    (notes(site) / "texts").mkdir()
    (notes(site) / "texts" / "draft.txt").write_text("Linked note text.\n", encoding="utf-8")
    (notes(site) / "nonote2022.md").symlink_to(Path("texts") / "draft.txt")
    (notes(site) / "figures").mkdir()
    (notes(site) / "figures" / "plot.png").write_bytes(b"\x89PNG\r\n\x1a\nplot")
    (notes(site) / "plot-link.png").symlink_to(Path("figures") / "plot.png")
    (notes(site) / "again").symlink_to("figures", target_is_directory=True)
    library = load(site)
    assert library.problems == ()
    note = library.by_key()["nonote2022"].note
    assert note is not None and note.body == "Linked note text.\n"
    assert note.path == "bib/notes/nonote2022.md"  # named by the link, not its target
    # The linked folder is not walked a second time: its files are listed where they are.
    assert [a.path for a in library.assets] == ["figures/plot.png", "plot-link.png"]


def test_the_notes_folder_itself_may_be_a_link_the_owner_made(site: Path) -> None:
    vault = site.parent / "vault"
    shutil.move(str(notes(site)), vault)
    notes(site).symlink_to(vault, target_is_directory=True)  # e.g. notes kept in a synced vault
    (vault / "figures").mkdir()
    (vault / "figures" / "plot.png").write_bytes(b"\x89PNG plot")
    library = load(site)
    assert library.problems == ()
    assert sum(1 for e in library.entries if e.note) == 2
    assert [a.path for a in library.assets] == ["figures/plot.png"]
    assert {e.note.path for e in library.entries if e.note} == {
        "bib/notes/deepnet.md",
        "bib/notes/zhang2023chinese.md",
    }


def test_hidden_files_and_folders_are_never_read(site: Path) -> None:
    trash = notes(site) / ".trash"
    trash.mkdir()
    (trash / "zhang2023chinese.md").write_text("OLD DELETED NOTE\n", encoding="utf-8")
    templates = notes(site) / ".obsidian" / "templates"
    templates.mkdir(parents=True)
    (templates / "nonote2022.md").write_text("TEMPLATE {{title}}\n", encoding="utf-8")
    (templates / "icon.png").write_bytes(b"\x89PNG template")
    (notes(site) / ".#deepnet.md").symlink_to("root@host.1234:1700000000")  # Emacs' lock
    (notes(site) / ".hidden.png").write_bytes(b"\x89PNG hidden")
    library = load(site)
    assert library.problems == ()
    assert "OLD DELETED NOTE" not in everything(library)
    assert "TEMPLATE" not in everything(library)
    assert library.by_key()["nonote2022"].note is None
    assert not library.assets


def test_special_files_are_reported_and_never_block(site: Path) -> None:
    folder = notes(site)
    os.mkfifo(folder / "pipe.md")
    os.mkfifo(folder / "pipe.png")
    (folder / "zero.md").symlink_to("/dev/zero")
    (folder / "dangling.md").symlink_to("missing.md")
    (folder / "loop.md").symlink_to("loop2.md")
    (folder / "loop2.md").symlink_to("loop.md")
    (folder / "drafts.md").mkdir()
    (folder / "drafts.md" / "nonote2022.md").write_text("Inside drafts.md/.\n", encoding="utf-8")
    library = load(site)
    assert found(library) == {
        ("not-a-file", "bib/notes/pipe.md"),
        ("not-a-file", "bib/notes/pipe.png"),
        ("unsafe-path", "bib/notes/zero.md"),
        ("broken-link", "bib/notes/dangling.md"),
        ("unreadable", "bib/notes/loop.md"),
        ("unreadable", "bib/notes/loop2.md"),
        ("not-a-file", "bib/notes/drafts.md"),
    }
    messages = {p.path: p.message for p in library.problems}
    assert "FIFO" in messages["bib/notes/pipe.md"]
    assert "'missing.md', which does not exist" in messages["bib/notes/dangling.md"]
    assert "loop" in messages["bib/notes/loop.md"]
    note = library.by_key()["nonote2022"].note  # the folder's contents are still read
    assert note is not None and note.body == "Inside drafts.md/.\n"


def test_a_device_inside_the_folder_is_not_read(site: Path) -> None:
    # Only root may create a device node; a FIFO proves the same check without it.
    if os.geteuid() != 0:
        pytest.skip("creating a device node needs root")
    os.mknod(notes(site) / "zero.md", 0o600 | stat.S_IFCHR, os.makedev(1, 5))  # /dev/zero
    library = load(site)
    assert found(library) == {("not-a-file", "bib/notes/zero.md")}
    assert "character device" in library.problems[0].message


def test_reading_checks_the_open_descriptor_so_a_swap_after_the_walk_is_refused(
    tmp_path: Path,
) -> None:
    path = tmp_path / "note.md"
    path.write_text("first\n", encoding="utf-8")
    (listed,), _ = inputs.walk(tmp_path, {".md"}, "notes", {})
    path.rename(tmp_path / "kept.txt")  # kept, so its inode is not handed out again
    os.mkfifo(path)  # swapped in between the walk and the read
    with deadline():
        refused = inputs.read(listed, inputs.NOTE_LIMIT)
    assert isinstance(refused, inputs.Refused) and refused.code == "not-a-file"
    path.unlink()
    path.write_text("another file\n", encoding="utf-8")
    replaced = inputs.read(listed, inputs.NOTE_LIMIT)
    assert isinstance(replaced, inputs.Refused) and "replaced" in replaced.message
    (tmp_path / "kept.txt").rename(path)  # the very file the walk saw: read as usual
    assert inputs.read(listed, inputs.NOTE_LIMIT) == b"first\n"


def test_an_over_size_note_or_image_is_reported_not_read(site: Path) -> None:
    (notes(site) / "nonote2022.md").write_bytes(b"x" * (inputs.NOTE_LIMIT + 1))
    (notes(site) / "huge.png").write_bytes(b"\x89PNG" + b"\0" * inputs.IMAGE_LIMIT)
    (notes(site) / "fine.md").write_bytes(b"y" * 100_000)  # an orphan, but read
    library = load(site)
    assert found(library) == {
        ("too-large", "bib/notes/nonote2022.md"),
        ("too-large", "bib/notes/huge.png"),
        ("orphan-note", "bib/notes/fine.md"),
    }
    assert library.by_key()["nonote2022"].note is None and not library.assets
    messages = {p.path: p.message for p in library.problems}
    assert "limit of 2 MiB" in messages["bib/notes/nonote2022.md"]
    assert "limit of 20 MiB" in messages["bib/notes/huge.png"]


def test_a_file_that_grows_past_the_limit_while_read_is_cut_off(tmp_path: Path) -> None:
    # /proc files report size 0 and then yield data: the cap holds on what is read.
    result = inputs.read_path(Path("/proc/self/environ"), limit=4)
    assert isinstance(result, inputs.Refused) and result.code == "too-large"


def test_a_folder_that_cannot_be_listed_is_reported(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As root a chmod 000 folder can still be listed, so the walker's error path is driven
    # here by os.scandir failing for that folder (test_unreadable_files_as_another_user runs
    # the real thing).
    locked = notes(site) / "locked"
    locked.mkdir()
    (locked / "nonote2022.md").write_text("hidden by permissions\n", encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path: object = ".") -> object:
        if Path(str(path)) == locked.resolve():
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    library = load(site)
    assert found(library) == {("unreadable", "bib/notes/locked")}
    assert "Permission denied" in library.problems[0].message


CHECK = """
import json, sys
from papershelf.library import Settings, load_library
from pathlib import Path
site = Path(sys.argv[1])
library = load_library(Settings(root=site, bib=("bib/refs.bib",), facets=("method",)))
print(json.dumps(sorted([p.code, p.path] for p in library.problems)))
"""


def without_root_privileges() -> list[str]:
    """A command prefix under which chmod 000 applies: none needed for a normal user; for
    root, setpriv drops the capabilities that let root read any file."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv (util-linux): chmod 000 does not apply")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


def test_unreadable_files_and_folders_are_reported_for_real(site: Path) -> None:
    folder = notes(site)
    (folder / "locked").mkdir()
    (folder / "locked" / "nonote2022.md").write_text("locked away\n", encoding="utf-8")
    (folder / "secret.md").write_text("secret\n", encoding="utf-8")
    (folder / "secret.png").write_bytes(b"\x89PNG secret")
    for path in (folder / "secret.md", folder / "secret.png", folder / "locked"):
        path.chmod(0)
    try:
        result = subprocess.run(
            [*without_root_privileges(), sys.executable, "-c", CHECK, str(site)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        (folder / "locked").chmod(0o755)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        ["unreadable", "bib/notes/locked"],
        ["unreadable", "bib/notes/secret.md"],
        ["unreadable", "bib/notes/secret.png"],
    ]


# ---------------------------------------------------------------- .bib files
def bib_site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "bib").mkdir(parents=True)
    (root / "bib" / "a.bib").write_text("@misc{a, title = {A}, year = 2020}\n", encoding="utf-8")
    (tmp_path / "zotero.bib").write_text("@misc{z, title = {Z}, year = 2021}\n", encoding="utf-8")
    return root


def keys(library: Library) -> list[str]:
    return sorted(e.paper.key for e in library.entries)


def test_a_bib_file_matched_by_a_glob_must_be_inside_its_folder(tmp_path: Path) -> None:
    root = bib_site(tmp_path)
    (root / "bib" / "zotero.bib").symlink_to(tmp_path / "zotero.bib")
    os.mkfifo(root / "bib" / "pipe.bib")
    (root / "bib" / "gone.bib").symlink_to("nowhere.bib")
    with deadline():
        library = load_library(Settings(root=root))
    assert keys(library) == ["a"]
    assert found(library) == {
        ("unsafe-path", "bib/zotero.bib"),
        ("not-a-file", "bib/pipe.bib"),
        ("broken-link", "bib/gone.bib"),
    }


def test_a_bib_path_written_in_mkdocs_yml_may_point_anywhere(tmp_path: Path) -> None:
    root = bib_site(tmp_path)
    (root / "bib" / "zotero.bib").symlink_to(tmp_path / "zotero.bib")  # a Zotero auto-export
    library = load_library(Settings(root=root, bib=("bib/a.bib", "bib/zotero.bib")))
    assert keys(library) == ["a", "z"] and library.problems == ()
    assert library.entries[0].paper.source_path == "bib/zotero.bib"  # named as configured


@pytest.mark.parametrize(
    ("make", "words"),
    [
        pytest.param(lambda p: os.mkfifo(p), "is a FIFO (named pipe)", id="fifo"),
        pytest.param(lambda p: p.symlink_to("/dev/zero"), "is a character device", id="dev-zero"),
        pytest.param(lambda p: p.mkdir(), "is a folder", id="folder"),
        pytest.param(
            lambda p: p.symlink_to("gone.bib"),
            "is a symlink to 'gone.bib', which does not exist",
            id="dangling",
        ),
    ],
)
def test_a_special_file_named_in_mkdocs_yml_is_refused_with_a_clear_error(
    tmp_path: Path, make, words: str
) -> None:
    root = bib_site(tmp_path)
    make(root / "bib" / "special.bib")
    with deadline(), pytest.raises(PapershelfError) as error:
        load_library(Settings(root=root, bib=("bib/special.bib",)))
    assert f"bibliography 'bib/special.bib' {words}" in str(error.value)


# ---------------------------------------------------------------- a real build
def test_the_build_publishes_none_of_the_outside_files_and_never_hangs(site: Path) -> None:
    outside = site.parent / "outside"
    folder = notes(site)
    (folder / "leak.png").symlink_to(outside / "secret.txt")
    (folder / "env.webp").symlink_to("/proc/self/environ")
    (folder / "hostname.md").symlink_to("/etc/hostname")
    (folder / "zero.png").symlink_to("/dev/zero")
    os.mkfifo(folder / "pipe.md")
    (folder / ".trash").mkdir()
    (folder / ".trash" / "zhang2023chinese.md").write_text(f"{SECRET} old\n", encoding="utf-8")
    (folder / "figures").mkdir()
    (folder / "figures" / "plot.png").write_bytes(b"\x89PNG\r\n\x1a\nreal figure")
    out = site.parent / "out"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PAPERSHELF_TEST_ENV": SECRET}
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(site / "mkdocs.yml"), "-d", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    assert "Traceback" not in build.stderr
    published = [p for p in out.rglob("*") if p.is_file()]
    assert not any(SECRET.encode() in p.read_bytes() for p in published)
    names = {p.name for p in published}
    assert not names & {"leak.png", "env.webp", "zero.png", "hostname.md", "pipe.md"}
    assert (out / "papers" / "figures" / "plot.png").read_bytes().endswith(b"real figure")
    # `papershelf check` reports exactly what the build warned about.
    check = subprocess.run(
        [sys.executable, "-m", "papershelf.cli", "check", "-f", str(site / "mkdocs.yml")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert check.returncode == 1, build.stderr
    reported = check.stdout.splitlines()
    warned = [
        line.split(" -  ", 1)[1].removeprefix("papershelf: ")
        for line in build.stderr.splitlines()
        if line.startswith("WARNING")
    ]
    assert sorted(reported) == sorted(w for w in warned if w.startswith("bib/")), build.stderr
    assert len(reported) == 5, reported
    assert any(
        line.startswith("bib/notes/leak.png: is a symlink to ") and str(outside) in line
        for line in reported
    )


def test_svg_beside_the_notes_is_read_only_when_notes_are_trusted(site: Path) -> None:
    (notes(site) / "diagram.svg").write_text("<svg><script>alert(1)</script></svg>", "utf-8")
    for raw_html, published in (("sanitize", []), ("allow", ["diagram.svg"])):
        settings = Settings(root=site, bib=("bib/refs.bib",), facets=("method",), raw_html=raw_html)
        assert [a.path for a in load_library(settings).assets] == published


def test_each_file_is_read_once_and_not_again_while_unchanged(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from papershelf import library as library_module
    from papershelf.library import Cache

    (notes(site) / "figures").mkdir()
    (notes(site) / "figures" / "plot.png").write_bytes(b"\x89PNG plot")
    reads: list[str] = []
    real_read = library_module.read

    def counting_read(found: inputs.Found, limit: int | None = None) -> bytes | inputs.Refused:
        reads.append(found.inside)
        return real_read(found, limit)

    monkeypatch.setattr(library_module, "read", counting_read)
    settings = Settings(root=site, bib=("bib/refs.bib",), facets=("method",))
    cache = Cache()
    first = load_library(settings, cache)
    assert sorted(reads) == ["deepnet.md", "figures/plot.png", "zhang2023chinese.md"]
    reads.clear()
    again = load_library(settings, cache)  # `mkdocs serve` rebuilding with nothing changed
    assert reads == [] and again.assets == first.assets
    note = notes(site) / "deepnet.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    edited = load_library(settings, cache)
    assert reads == ["deepnet.md"]
    assert edited.by_key()["Muller2024:Deep/Nets"].note.body.endswith("Edited.\n")
