"""What a new user's first commands rely on: the version, and set-up without Debian."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from papershelf import __version__
from papershelf.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_version_is_the_package_version(capsys) -> None:
    from importlib.metadata import version

    try:
        main(["--version"])
    except SystemExit as done:
        assert done.code == 0
    assert capsys.readouterr().out.strip() == f"papershelf {__version__}"
    assert version("papershelf") == __version__  # pyproject reads it from the package


def test_ensure_chromium_without_apt_get_says_so_and_lets_the_tests_run(tmp_path: Path) -> None:
    # A PATH holding only what the script needs besides apt-get, and no /usr/bin/chromium
    # visible to it: the script is run with a fake root for the check.
    script = (ROOT / "scripts" / "ensure-chromium").read_text(encoding="utf-8")
    fake = tmp_path / "ensure-chromium"
    fake.write_text(script.replace("/usr/bin/chromium", str(tmp_path / "no-chromium")))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "id"):
        os.symlink(shutil.which(tool), bin_dir / tool)
    result = subprocess.run(
        [str(bin_dir / "bash"), str(fake)],
        capture_output=True,
        text=True,
        env={"PATH": str(bin_dir)},
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert "no apt-get here" in result.stderr and "skipped" in result.stderr
