"""`papershelf import --metadata`: the JSON records whose authors, venue and arXiv category an
import merges in, checked before the slow part of the import starts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .library import PapershelfError


class MetadataError(PapershelfError):
    """--metadata cannot be used; the message says why and what to do."""


_METADATA_SHAPE = (
    'a JSON list of {"arxiv_id": "2503.04625", "authors": ["Last, First", ...], '
    '"venue": "...", "primary_category": "cs.CL"}'
)


def read_metadata(path: Path | None) -> dict[str, dict[str, Any]]:
    if path is None:
        return {}
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise MetadataError(f"{path}: cannot be read ({error.strerror or error})") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        line = f":{error.lineno}" if isinstance(error, json.JSONDecodeError) else ""
        raise MetadataError(
            f"{path}{line}: not JSON ({error}); --metadata takes {_METADATA_SHAPE}"
        ) from error
    if not isinstance(records, list):
        raise MetadataError(
            f"{path}: --metadata takes {_METADATA_SHAPE}, not a JSON {type(records).__name__}"
        )
    out: dict[str, dict[str, Any]] = {}
    for i, record in enumerate(records):
        if not isinstance(record, dict) or not isinstance(record.get("arxiv_id"), str):
            raise MetadataError(
                f'{path}: record {i + 1} has no "arxiv_id" string; each record is {_METADATA_SHAPE}'
            )
        authors = record.get("authors", [])
        if not isinstance(authors, list) or not all(isinstance(a, str) for a in authors):
            raise MetadataError(
                f'{path}: record {i + 1} ({record["arxiv_id"]}): "authors" '
                'must be a list of names such as ["Li, Chengpeng"]'
            )
        for name in ("venue", "primary_category"):
            if record.get(name) is not None and not isinstance(record[name], str):
                raise MetadataError(
                    f'{path}: record {i + 1} ({record["arxiv_id"]}): "{name}" must be a string'
                )
        out[record["arxiv_id"]] = record
    return out
