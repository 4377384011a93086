"""`papershelf ...`: commands over the same `Library` the plugin builds from.

Run from a site's root (where mkdocs.yml enables the plugin), or pass `-f mkdocs.yml`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .library import PapershelfError, Settings, load_library
from .model import Library, Problem

if TYPE_CHECKING:
    from .config import PapershelfConfig


class CliError(Exception):
    """A message for the user; the command exits with status 2."""


def load_settings(config_file: str) -> Settings:
    """The plugin's options from mkdocs.yml, validated exactly as MkDocs validates them."""
    from .config import to_settings

    config, _warnings = _read_options(config_file)
    return to_settings(config, config_file)


def load_options(config_file: str) -> PapershelfConfig:
    """The plugin's validated options themselves (`feed`, `catalogue`, `language`, ...)."""
    return _read_options(config_file)[0]


def option_problems(config_file: str) -> list[Problem]:
    """What MkDocs warns about the plugin's options (a build in `--strict` mode stops there)."""
    _config, warnings = _read_options(config_file)
    text = Path(config_file).read_text(encoding="utf-8")
    return [
        Problem(
            Path(config_file).name,
            _option_line(text, name),
            None,
            f"plugins.papershelf.{name}: {message}",
            "",
            "bad-option",
        )
        for name, message in warnings
    ]


def _option_line(text: str, name: str) -> int | None:
    """The line of `name:` under the papershelf plugin in mkdocs.yml, if it can be found."""
    start = re.search(r"^\s*-?\s*papershelf\s*:", text, re.MULTILINE)
    found = start and re.compile(rf"^\s+{re.escape(name)}\s*:", re.MULTILINE).search(
        text, start.end()
    )
    return text.count("\n", 0, found.start()) + 1 if found else None


def _read_options(config_file: str) -> tuple[PapershelfConfig, list[tuple[str, str]]]:
    from mkdocs.utils.yaml import yaml_load

    from .config import PapershelfConfig, notes_folder_problem, option_error

    path = Path(config_file)
    if not path.is_file():
        raise CliError(
            f"{config_file} not found: run papershelf from your site's root "
            "(the folder holding mkdocs.yml) or pass -f path/to/mkdocs.yml"
        )
    with path.open(encoding="utf-8") as stream:
        data = yaml_load(stream) or {}
    options = _plugin_options(data.get("plugins") or [])
    if options is None:
        raise CliError(
            f"{config_file} does not enable the papershelf plugin: add "
            "`- papershelf` under `plugins:`"
        )
    config = PapershelfConfig(config_file_path=str(path))
    config.load_dict(options)
    errors, warnings = config.validate()
    if errors:
        raise CliError("\n".join(option_error(name, str(error)) for name, error in errors))
    # The same check `mkdocs build` makes in on_config, with the folders mkdocs.yml names.
    root = path.parent.resolve()
    folders = (root / str(data.get(key) or key.removesuffix("_dir")) for key in _DIRS)
    if problem := notes_folder_problem(root / config.notes, root, *folders):
        raise CliError(option_error("notes", problem))
    return config, warnings


_DIRS = ("docs_dir", "site_dir")


def _plugin_options(plugins: Any) -> dict[str, Any] | None:
    """Find our options whether `plugins:` is a list (`- papershelf: {...}`) or a mapping."""
    if isinstance(plugins, dict):
        entries = list(plugins.items())
    else:
        entries = []
        for item in plugins:
            entries.extend(item.items() if isinstance(item, dict) else [(item, {})])
    for name, options in entries:
        if name == "papershelf":
            return dict(options or {})
    return None


# ---------------------------------------------------------------- check
def cmd_check(args: argparse.Namespace) -> int:
    settings = load_settings(args.config_file)
    library = load_library(settings)
    problems = [
        *option_problems(args.config_file),
        *library.problems,
        *_site_problems(args.config_file, settings, library),
    ]
    if args.format == "json":
        report = {
            "papers": len(library.entries),
            "notes": sum(1 for e in library.entries if e.has_note),
            "problems": [p.as_dict() for p in problems],
        }
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            print(problem)
        notes = sum(1 for e in library.entries if e.has_note)
        summary = (
            f"{_count(len(library.entries), 'paper')}, {_count(notes, 'note')}, "
            f"{_count(len(problems), 'problem')}"
        )
        print(summary, file=sys.stderr)
    return 1 if problems else 0


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _site_problems(config_file: str, settings: Settings, library: Library) -> list[Problem]:
    """What the plugin warns about beyond the library's own problems, as a build would see it."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError
    from mkdocs.structure.files import get_files

    from .checks import feed_inputs, search_pipeline_problem, search_separator_problem
    from .site import Layout, link_problems, note_images, note_links

    try:
        config = load_config(config_file)
    except (ConfigurationError, OSError):
        return []  # `mkdocs build` reports its own configuration errors
    search = config.plugins.get("material/search")
    if search is not None:
        search.on_config(config)  # where Material fills in the theme language's separator
    layout = Layout(settings.path, config.use_directory_urls)
    docs = [f.src_uri for f in get_files(config)]
    images = note_images(library, layout)
    links = note_links(library, settings, layout, [*docs, *images])
    # As the plugin does: with its full-text index, paper pages are not in Material's search.
    plugin = config.plugins.get("papershelf")
    fulltext = getattr(getattr(plugin, "config", None), "fulltext", True)
    separator = None if fulltext else search_separator_problem(config, library)
    entries = load_options(config_file).feed
    _feed, feed_problems = feed_inputs(library, settings, entries, config, Path(config_file))
    pipeline = search_pipeline_problem(config)
    return [*link_problems(library, links), *filter(None, [separator, pipeline]), *feed_problems]


# ---------------------------------------------------------------- generate
def cmd_generate(args: argparse.Namespace) -> int:
    from .config import to_settings
    from .generate import generate, missing_lines, read_site, summary

    config_file = Path(args.config_file)
    options = load_options(args.config_file)
    settings = to_settings(options, args.config_file)
    lines = missing_lines(read_site(config_file, settings, options))
    if lines:
        raise CliError(
            f"{config_file.name} lacks what a generator without the papershelf plugin needs to "
            f"show the generated pages safely; add (merging with what is there):\n\n{lines}\n"
        )
    result = generate(config_file, options, settings)
    problems = [*option_problems(args.config_file), *result.problems]
    for note in result.notes:
        print(f"papershelf: {note}", file=sys.stderr)
    for problem in problems:
        print(problem)
    if result.hand_written:
        shown = ", ".join(result.hand_written[:5]) + (
            ", ..." if len(result.hand_written) > 5 else ""
        )
        print(
            f"{_count(len(result.hand_written), 'paper page')} in the docs folder are your own "
            f"and replace the generated ones: {shown}",
            file=sys.stderr,
        )
    print(f"{summary(result)}, {_count(len(problems), 'problem')}", file=sys.stderr)
    return 1 if problems else 0


# ---------------------------------------------------------------- export / import
def cmd_export(args: argparse.Namespace) -> int:
    from .paperlist import export_markdown

    settings = load_settings(args.config_file)
    library = load_library(settings)
    name = settings.bib_paths()[0].name
    text = export_markdown(library, name)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {len(library.entries)} papers to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from .importer import import_list

    settings = load_settings(args.config_file)
    path = Path(args.path)
    result = import_list(
        settings,
        path,
        metadata=Path(args.metadata) if args.metadata else None,
        dry_run=args.dry_run,
        progress=_import_progress(path),
    )
    if result.repaired:
        print(
            f"repaired damaged text ({result.repaired}); uncertain characters in notes are "
            "listed in their front matter for review",
            file=sys.stderr,
        )
    if result.hint:
        print(f"papershelf: {result.hint}", file=sys.stderr)
    for problem in result.problems:
        print(problem, file=sys.stderr)
    for reason in result.skipped:
        print(f"skipped: {reason}", file=sys.stderr)
    would = result.dry_run
    filled = f"{'would fill' if would else 'filled'} in {result.filled} entries, "
    print(
        f"{'would add' if would else 'added'} {result.added} entries to "
        f"{settings.relative(result.bib_path)}, {filled if result.filled else ''}"
        f"{'would write' if would else 'wrote'} {len(result.notes)} notes "
        f"({result.uncertain} uncertain characters to review), skipped {len(result.skipped)}"
    )
    if would:
        for note_path in result.notes:
            print(f"  note {settings.relative(note_path)}")
    return 1 if result.problems else 0


def _import_progress(path: Path) -> Callable[[str, int, int], None]:
    def report(what: str, done: int, total: int) -> None:
        # The repair takes about a second per 20,000 damaged characters.
        if what == "repair" and total > 200_000:
            print(
                f"reading {path} ({total:,} characters; damaged text takes a while)...",
                file=sys.stderr,
            )
        elif (
            what == "papers" and total >= 200 and (done % max(total // 20, 1) == 0 or done == total)
        ):
            print(f"  {done}/{total} papers", file=sys.stderr)

    return report


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="papershelf",
        description="Check, import and export the reading list of a papershelf site: the .bib "
        "files and notes that mkdocs.yml configures. Run it from the site's root (the folder "
        "holding mkdocs.yml) or pass -f path/to/mkdocs.yml.",
    )
    parser.add_argument("--version", action="version", version=f"papershelf {__version__}")
    parser.add_argument(
        "-f",
        "--config-file",
        default="mkdocs.yml",
        help="the site's mkdocs.yml (default: ./mkdocs.yml)",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    # `-f` also after the command (`papershelf check -f site/mkdocs.yml`); SUPPRESS keeps an
    # absent one from overriding the one given before it.
    site = argparse.ArgumentParser(add_help=False)
    site.add_argument(
        "-f",
        "--config-file",
        default=argparse.SUPPRESS,
        help="the site's mkdocs.yml (default: ./mkdocs.yml)",
    )

    check = commands.add_parser("check", help="validate the bibliography and notes", parents=[site])
    check.add_argument("--format", choices=["text", "json"], default="text")
    check.set_defaults(run=cmd_check)

    gen = commands.add_parser(
        "generate",
        help="write the papers' pages and data into the docs folder, for a generator that "
        "runs no MkDocs plugins (Zensical)",
        parents=[site],
    )
    gen.set_defaults(run=cmd_generate)

    export = commands.add_parser("export", help="write the list in another format", parents=[site])
    export.add_argument(
        "format",
        choices=["markdown"],
        help="markdown: the 'Paper List' format, for a GitHub README",
    )
    export.add_argument("-o", "--output", help="write to this file instead of standard output")
    export.set_defaults(run=cmd_export)

    imp = commands.add_parser(
        "import", help="bring in a 'Paper List' Markdown file", parents=[site]
    )
    imp.add_argument("path", help="the Markdown file to import")
    imp.add_argument("--dry-run", action="store_true", help="show what would change, write nothing")
    imp.add_argument("--metadata", help="JSON list of {arxiv_id, authors, venue, ...} to merge in")
    imp.set_defaults(run=cmd_import)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except (CliError, PapershelfError) as error:
        print(f"papershelf: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
