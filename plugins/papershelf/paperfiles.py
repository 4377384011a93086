"""Files a bibliography names instead of linking (al-folio's `pdf = {paper.pdf}`, `poster`,
`slides`, `supp`, `preview`): looked up in the `files` folders, checked, published under
`<path>/files/`, and linked from the paper's page, the index and the catalogue.

Only the files an entry names are read, through `inputs.lookup` (no symlink out of the
folder, regular files only, size caps), and only PDF and raster images are published, and
only when their first bytes say they are what their name says. An HTML or SVG file served
from the site runs its scripts with the site's origin; a file named `.pdf` that holds HTML
could be sniffed as HTML by a browser. A .bib file and its folder often come from elsewhere
(a co-author, a crawl), so neither is published, whatever `raw_html` says.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

from . import latex
from .bib import RawEntry
from .inputs import IMAGE_LIMIT, Found, Refused, lookup, read
from .model import Asset, Paper, Problem
from .normalize import FILE_FIELDS, local_file

# A conference poster as a PDF is rarely over 30 MB; GitHub refuses files over 100 MB.
PDF_LIMIT = 50 * 1024 * 1024
_IMAGES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif")
_LIMITS = {".pdf": PDF_LIMIT, **dict.fromkeys(_IMAGES, IMAGE_LIMIT)}
FOLDER = "files"  # under the site's `path`: papers/files/<name>


def _looks_like(suffix: str, data: bytes) -> bool:
    """Whether the file's first bytes are those of its kind."""
    if suffix == ".pdf":
        return b"%PDF-" in data[:1024]  # the header may follow a little junk (spec: 1024)
    if suffix == ".png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if suffix in (".jpg", ".jpeg"):
        return data.startswith(b"\xff\xd8\xff")
    if suffix == ".gif":
        return data.startswith((b"GIF87a", b"GIF89a"))
    if suffix == ".webp":
        return data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    return data[4:8] == b"ftyp" and (b"avif" in data[8:32] or b"avis" in data[8:32])


@dataclass
class Files:
    """One build's lookups: the folders, what was published, and the serve cache."""

    folders: tuple[Path, ...]  # those that exist
    shown: tuple[str, ...]  # every folder `files` names, relative to mkdocs.yml
    path: str  # the site's `path` option
    cache: dict[Any, Asset | Refused]
    fresh: dict[Any, Asset | Refused] = field(default_factory=dict)
    published: dict[str, Asset] = field(default_factory=dict)  # site path -> file

    def attach(self, paper: Paper, raw: RawEntry, problems: list[Problem]) -> Paper:
        """`paper` with links to the files its entry names; a problem for each that cannot
        be published."""
        found: dict[str, str] = {}
        for name in FILE_FIELDS:
            value = latex.strip_braces(raw.fields.get(name, ""))
            if not value or not local_file(value):
                continue

            def problem(message: str, hint: str, code: str, name: str = name) -> None:
                problems.append(Problem(raw.path, raw.where(name), raw.key, message, hint, code))

            uri = self._publish(name, value, problem)
            if uri:
                found[name] = quote(uri)
        if not found:
            return paper
        links = {k: v for k, v in found.items() if k != "preview"}
        return replace(
            paper,
            links=replace(paper.links, **links) if links else paper.links,
            preview=found.get("preview", paper.preview),
        )

    def _publish(self, name: str, value: str, problem: Callable[[str, str, str], None]) -> str:
        """The site path `value` is published at, or "" (and a problem)."""
        what = f"'{name}' names the file '{value[:80]}'"
        if not self.shown:
            where = "assets/img/publication_preview" if name == "preview" else "assets/pdf"
            problem(
                f"{what}, which is not published",
                "set `files:` under `plugins: - papershelf:` to the folder that holds it "
                f"(al-folio keeps them in {where}), or give a full https:// address",
                "local-file",
            )
            return ""
        relative = _relative(value)
        if relative is None:
            problem(
                f"{what}, which is not a path inside the `files` folders",
                "give its path relative to one of them, without `..`, a leading `/` or hidden "
                "folders",
                "unsafe-path",
            )
            return ""
        suffix = posixpath.splitext(relative)[1].lower()
        if suffix not in _LIMITS or (name == "preview" and suffix == ".pdf"):
            kinds = "an image" if name == "preview" else "PDF or an image"
            problem(
                f"{what}; only {kinds} (PNG, JPEG, GIF, WebP, AVIF) is published: an HTML or "
                "SVG file could run scripts on the site",
                "convert it, or link to where it is published with a full https:// address",
                "file-type",
            )
            return ""
        for folder in self.folders:
            hit = lookup(folder, relative, _LIMITS[suffix])
            if hit is None:
                continue
            asset = self._read(hit, suffix) if isinstance(hit, Found) else hit
            if isinstance(asset, Refused):
                hint = asset.hint
                if asset.code == "too-large":
                    hint = "publish it elsewhere and give its https:// address"
                problem(f"{what}: {asset.message}", hint, asset.code)
                return ""
            uri = f"{self.path}/{FOLDER}/{relative}"
            self.published[uri] = replace(asset, path=uri)
            return uri
        problem(
            f"{what}, which is in none of the `files` folders ({', '.join(self.shown)}); no "
            "link is shown",
            f"add the file to {self.shown[0]}/, or correct the name",
            "missing-file",
        )
        return ""

    def _read(self, found: Found, suffix: str) -> Asset | Refused:
        key = (found.signature, suffix)
        asset = self.fresh.get(key) or self.cache.get(key)
        if asset is None:
            data = read(found, _LIMITS[suffix])
            if isinstance(data, Refused):
                asset = data
            elif not _looks_like(suffix, data):
                asset = Refused(
                    "file-type",
                    f"it does not hold what its name says (it is no {suffix[1:].upper()} "
                    "file); not published",
                    "check the file, or give it the name of its kind",
                )
            else:
                asset = Asset(found.inside, data)
        self.fresh[key] = asset
        return asset


def _relative(value: str) -> str | None:
    """`value` as a clean '/'-separated path, or None if it leaves its folder."""
    if "\\" in value or value.startswith("/") or ":" in value:
        return None
    parts = [p for p in value.split("/") if p not in ("", ".")]
    if not parts or any(p == ".." or p.startswith(".") for p in parts):
        return None
    return "/".join(parts)
