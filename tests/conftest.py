from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from papershelf.library import Settings, load_library
from papershelf.model import Library

LoadFn = Callable[..., Library]


@pytest.fixture
def load(tmp_path: Path) -> LoadFn:
    """Write a .bib text (and optional notes) into a scratch site and load it."""

    def _load(bib: str, notes: dict[str, str] | None = None, **options: object) -> Library:
        (tmp_path / "bib" / "notes").mkdir(parents=True, exist_ok=True)
        (tmp_path / "bib" / "refs.bib").write_text(bib, encoding="utf-8")
        for name, text in (notes or {}).items():
            path = tmp_path / "bib" / "notes" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return load_library(Settings(root=tmp_path, **options))  # type: ignore[arg-type]

    return _load
