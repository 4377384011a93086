"""Options that would write outside the site or read the site's own files are config errors,
in MkDocs' own words, from `mkdocs build` and `papershelf check` alike."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from papershelf.config import PapershelfConfig, notes_folder_problem

FIXTURE = Path(__file__).parent / "fixtures" / "site"
PREFIX = "Config value 'plugins': Plugin 'papershelf'"


def validate(tmp_path: Path, **options: object) -> list[tuple[str, str]]:
    config = PapershelfConfig(config_file_path=str(tmp_path / "mkdocs.yml"))
    config.load_dict(options)
    errors, _ = config.validate()
    return [(name, str(error)) for name, error in errors]


@pytest.mark.parametrize(
    ("value", "words"),
    [
        pytest.param("../x", "must not contain '..'", id="parent"),
        pytest.param("papers/../../x", "must not contain '..'", id="parent-later"),
        pytest.param("/papers", "is absolute", id="absolute"),
        pytest.param("/", "must not be empty", id="root-slash"),
        pytest.param("", "must not be empty", id="empty"),
        pytest.param("a//b", "empty folder names", id="empty-segment"),
        pytest.param(".", "must not contain '.'", id="dot"),
        pytest.param("./papers", "must not contain '.'", id="dot-segment"),
        pytest.param("..\\x", "must not contain '\\\\'", id="backslash-parent"),
        pytest.param("a\\b", "must not contain '\\\\'", id="backslash"),
        pytest.param("C:/x", "must not contain ':'", id="drive"),
        pytest.param("x?y", "must not contain '?'", id="query"),
        pytest.param("x#y", "must not contain '#'", id="fragment"),
        pytest.param("x%2e%2e", "must not contain '%'", id="percent"),
        pytest.param("x\ny", "must not contain '\\n'", id="newline"),
        pytest.param(".papers", "must not start with '.'", id="hidden"),
    ],
)
def test_a_path_that_leaves_the_site_is_a_config_error(
    tmp_path: Path, value: str, words: str
) -> None:
    errors = validate(tmp_path, path=value)
    assert [name for name, _ in errors] == ["path"]
    assert words in errors[0][1], errors[0][1]


@pytest.mark.parametrize("value", ["papers", "reading/papers", "papers/", "论文", "reading list"])
def test_a_relative_path_inside_the_site_is_accepted(tmp_path: Path, value: str) -> None:
    config = PapershelfConfig(config_file_path=str(tmp_path / "mkdocs.yml"))
    config.load_dict({"path": value})
    assert config.validate() == ([], [])
    assert config.path == value.rstrip("/")


def test_the_catalogue_is_a_site_path_too_and_may_be_switched_off(tmp_path: Path) -> None:
    assert validate(tmp_path, catalogue="") == []
    assert validate(tmp_path, catalogue="data/papers.json") == []
    errors = validate(tmp_path, catalogue="../../papers.json")
    assert [name for name, _ in errors] == ["catalogue"]


@pytest.mark.parametrize(
    ("value", "words"),
    [
        pytest.param(".", "is the site's own folder", id="root"),
        pytest.param("./", "is the site's own folder", id="root-slash"),
        pytest.param("..", "holds the whole site", id="above-root"),
        pytest.param(".cache/notes", "is inside .cache/", id="cache"),
        pytest.param("  ", "must name a folder", id="blank"),
    ],
)
def test_a_notes_folder_holding_the_site_is_a_config_error(
    tmp_path: Path, value: str, words: str
) -> None:
    errors = validate(tmp_path, notes=value)
    assert [name for name, _ in errors] == ["notes"]
    assert words in errors[0][1], errors[0][1]


@pytest.mark.parametrize(
    ("notes", "words"),
    [
        pytest.param("docs", "is the docs_dir 'docs': MkDocs would publish", id="docs"),
        pytest.param("docs/notes", "is inside the docs_dir 'docs'", id="inside-docs"),
        pytest.param("site/notes", "is inside the site_dir 'site'", id="inside-site"),
        pytest.param("work", "holds the site_dir 'work/site'", id="holds-site"),
    ],
)
def test_the_notes_folder_must_stay_clear_of_docs_and_site(
    tmp_path: Path, notes: str, words: str
) -> None:
    site_dir = tmp_path / ("work/site" if notes == "work" else "site")
    problem = notes_folder_problem(tmp_path / notes, tmp_path, tmp_path / "docs", site_dir)
    assert problem is not None and words in problem
    assert (
        notes_folder_problem(tmp_path / "bib/notes", tmp_path, tmp_path / "docs", site_dir) is None
    )


def run(site: Path, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *command],
        capture_output=True,
        text=True,
        cwd=site,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=300,
    )


@pytest.mark.parametrize(
    ("option", "message"),
    [
        pytest.param(
            "path: ../escaped",
            "option 'path': '../escaped' must not contain '..': pages must stay inside the site",
            id="path",
        ),
        pytest.param(
            "notes: .",
            "option 'notes': is the site's own folder (mkdocs.yml, docs/, site/, .cache/)",
            id="notes-root",
        ),
        pytest.param(
            "notes: docs/notes",
            "option 'notes': 'docs/notes' is inside the docs_dir 'docs': MkDocs would publish",
            id="notes-in-docs",
        ),
    ],
)
def test_build_and_check_report_a_bad_option_in_the_same_words(
    tmp_path: Path, option: str, message: str
) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    (site / "docs" / "notes").mkdir()
    config = site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("      bib: bib/refs.bib\n", f"      bib: bib/refs.bib\n      {option}\n"),
        encoding="utf-8",
    )
    before = set(tmp_path.rglob("*"))
    build = run(site, "mkdocs", "build", "-d", str(tmp_path / "out"))
    check = run(site, "papershelf.cli", "check")
    assert build.returncode != 0 and check.returncode == 2
    assert f"{PREFIX} {message}" in build.stderr
    assert f"papershelf: {PREFIX} {message}" in check.stderr
    assert "Traceback" not in build.stderr + check.stderr
    assert set(tmp_path.rglob("*")) == before  # nothing written, inside the site or out
