"""The one-entry files beside each paper page: `<slug>.bib` (the public BibTeX),
`<slug>.ris` and `<slug>.csl.json`, which a reference manager imports with one click."""

from __future__ import annotations

import json
import re

from .csl import csl_item
from .model import Entry
from .ris import ris_record

# kind -> the file's suffix; `.csl.json` is CSL-JSON's usual name (pandoc, Zotero).
SUFFIXES = {"bib": ".bib", "ris": ".ris", "csl": ".csl.json"}
# Characters no file name may hold on some system; a key keeps the rest (case included).
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def download_name(key: str, kind: str) -> str:
    """The name the browser saves a download under: the citation key, made safe."""
    stem = _UNSAFE_NAME.sub("_", key).strip(" .") or "paper"
    return stem + SUFFIXES[kind]


def download_uri(folder: str, slug: str, kind: str) -> str:
    """Where the file is in the site: beside the paper pages, named by the page's slug."""
    return f"{folder}/{slug}{SUFFIXES[kind]}"


def download_text(entry: Entry, kind: str) -> str:
    """The file's content: public fields and what the page shows, nothing else."""
    paper = entry.paper
    if kind == "bib":
        return paper.bibtex + "\n"
    if kind == "ris":
        return ris_record(paper, entry.tags)
    item = csl_item(paper, keywords=entry.tags)
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"
