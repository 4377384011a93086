"""The note files an import writes: their front matter (`key`, the `imported` hash of the
text written, the `uncertain` spans to review), and whether a file already there may be
replaced (only if its text is still what an import wrote)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .inputs import NOTE_LIMIT, readable
from .notes import split_front_matter


@dataclass(frozen=True)
class NoteWrite:
    path: Path
    text: str | None  # the file's new text; None when it is to stay as it is
    seen: bytes | None  # what the file held when it was read (None: no file)
    edited: bool = False  # a person edited it since it was imported, so it stays
    uncertain: int = 0  # uncertain spans listed in the new text


def note_hash(body: str) -> str:
    return hashlib.sha1(body.strip().encode("utf-8")).hexdigest()[:12]


class NoteFiles:
    """The notes folder: a paper's note file by its usual name, else by its `key:` field
    (the folder is read for those once, and only if a usual name is missing)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._by_key: dict[str, Path] | None = None

    def find(self, key: str, default: Path) -> tuple[Path, bytes] | None:
        if default.is_file():
            return default, default.read_bytes()
        if self._by_key is None:
            self._by_key = {}
            for path, data in readable(self.folder, (".md",), NOTE_LIMIT):
                fields, _ = split_front_matter(_text(data))
                if isinstance(fields.get("key"), str):
                    self._by_key.setdefault(fields["key"], path)
        found = self._by_key.get(key)
        return (found, found.read_bytes()) if found else None

    def plan(
        self, key: str, default: Path, body: str, first: int, spans: list[dict[str, Any]]
    ) -> NoteWrite:
        """The note for `key` with `body`, whose first line is line `first` of the list;
        `spans` are its uncertain characters, by line of the list (moved to the file's)."""
        meta: dict[str, Any] = {"key": key, "imported": note_hash(body)}
        existing = self.find(key, default)
        path, seen = existing if existing else (default, None)
        old_text = _text(seen) if seen is not None else ""
        if seen is not None:
            old_fields, old_body = split_front_matter(old_text)
            if old_body.strip() == body.strip():
                # The same text: its review list (and any line ticked off) stays as it is.
                return NoteWrite(path, None, seen)
            if old_fields.get("imported") != note_hash(old_body):
                return NoteWrite(path, None, seen, edited=True)
            # Fields a person added (status, tags, ...) survive a re-import, in their place;
            # the importer's own (key, imported, uncertain) are written anew.
            kept = {n: meta.get(n, v) for n, v in old_fields.items() if n != "uncertain"}
            meta = {**kept, **meta}
        if spans:
            meta["uncertain"] = spans
            # Lines of the note file: the body starts after the front matter's lines.
            body_start = front_matter(meta).count("\n") + 1
            stripped = body[: len(body) - len(body.lstrip())].count("\n")
            for span in spans:
                span["line"] += body_start - first - stripped
        text = front_matter(meta) + body.strip() + "\n"
        same = seen is not None and _same_note(old_text, text)
        return NoteWrite(path, None if same else text, seen, uncertain=len(spans))


def _text(data: bytes) -> str:
    # A note that is not UTF-8 cannot match the hash it recorded, so it counts as edited.
    return data.decode("utf-8", errors="replace")


def _same_note(old: str, new: str) -> bool:
    """Equal front matter values and body: a person's own YAML spelling is left alone."""
    return old == new or split_front_matter(old) == split_front_matter(new)


def front_matter(meta: dict[str, Any]) -> str:
    # JSON values are valid YAML, quick to write and easy to diff; a list gets one item per
    # line so that a reviewer can tick off uncertain spans one by one.
    lines = []
    for name, value in meta.items():
        if isinstance(value, list) and value:
            lines.append(f"{name}:")
            lines.extend(
                f"  - {json.dumps(item, ensure_ascii=False, default=str)}" for item in value
            )
        else:
            lines.append(f"{name}: {json.dumps(value, ensure_ascii=False, default=str)}")
    return "---\n" + "\n".join(lines) + "\n---\n"
