"""Adversarial inputs of about a given size, one per shape that once cost more than linear time
(or that might): what `bench/fuzz_bib.py` times and `tests/test_linear.py` bounds.

Each shape is a function `size -> Case` (a .bib text and notes); its docstring says what the
input is and, where it was slow, what it cost before (on a megabyte unless said). `stage` says
where the risk lies: "load" (parse, normalise, notes: `load_library`) or "render" (pages, index
data), so a test can skip rendering thousands of pages it does not need.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from papershelf.fulltext import fulltext_files
from papershelf.index import catalogue_json, index_files, index_html
from papershelf.library import Cache, Settings, load_library
from papershelf.pages import paper_markdown

MB = 1_000_000
BUDGET = 2.0  # CPU seconds per MB for load_library's work (parse + normalise + notes)


@dataclass(frozen=True)
class Case:
    bib: str
    notes: dict[str, str] = field(default_factory=dict)
    more: str = ""  # a second .bib file, read before `bib` (bib/a.bib, then bib/refs.bib)


@dataclass(frozen=True)
class Shape:
    name: str
    what: str
    build: Callable[[int], Case]
    stage: str


SHAPES: dict[str, Shape] = {}


def shape(stage: str = "load") -> Callable[[Callable[[int], Case]], Callable[[int], Case]]:
    def register(build: Callable[[int], Case]) -> Callable[[int], Case]:
        name = build.__name__.replace("_", "-")
        what = " ".join((build.__doc__ or "").split())
        SHAPES[name] = Shape(name, what, build, stage)
        return build

    return register


def fill(unit: str, size: int) -> str:
    """`unit` repeated to about `size` bytes of UTF-8."""
    return unit * max(1, size // len(unit.encode()))


def counted(template: str, size: int) -> str:
    """`template` with `{i}` numbered 0, 1, 2, ... to about `size` bytes."""
    n = max(1, size // len(template.format(i=10_000).encode()))
    return "".join(template.format(i=i) for i in range(n))


def entry(fields: str, key: str = "k") -> str:
    return f"@article{{{key},\n  title = {{T}},\n  year = 2020,\n{fields}\n}}\n"


def one(field_text: str) -> Case:
    return Case(entry(field_text))


# ---------------------------------------------------------------- the six shapes
@shape()
def fields_without_commas(size: int) -> Case:
    """One entry whose fields have no comma between them: ~80,000 fields read one after the
    other (was a RecursionError from 1,000 fields on)."""
    return Case("@article{k,\n" + counted("  f{i} = {{v}}\n", size) + "}\n")


@shape()
def unclosed_entry(size: int) -> Case:
    """An entry of 70,000 fields that is never closed (9 s; 100,000 fields: 30 s)."""
    return Case("@article{k,\n" + counted("  f{i} = {{v}},\n", size))


@shape()
def paren_math_run(size: int) -> Case:
    r"""`\(` repeated through an abstract, never closed (100 KB: 21 s)."""
    return one("  abstract = {" + fill("\\(", size) + "}")


@shape()
def arxiv_then_spaces(size: int) -> Case:
    """`arXiv` followed by a megabyte of spaces in `journal` (32 KB: 30 s)."""
    return one("  journal = {arXiv" + " " * size + "x}")


@shape()
def one_key_many_times(size: int) -> Case:
    """~28,000 different papers under one key (20,000: 48 s, quadratic)."""
    return Case(counted("@misc{{k, title = {{Paper {i}}}, year = 2020}}\n", size))


@shape()
def keys_taken_by_renames(size: int) -> Case:
    """`k` many times, after real entries `k-2` ... `k-N`: every copy must find a free name."""
    half = counted("@misc{{k-{i}, title = {{Real {i}}}, year = 2020}}\n", size // 2)
    return Case(half + counted("@misc{{k, title = {{Copy {i}}}, year = 2020}}\n", size // 2))


# ---------------------------------------------------------------- BibTeX syntax
@shape()
def unclosed_long_word(size: int) -> Case:
    """`@article{k, ` and one word of a megabyte, never closed: each letter looked like the
    start of a field name (over 30 s)."""
    return Case("@article{k, " + "a" * size)


@shape()
def unbalanced_braces(size: int) -> Case:
    """A title of a megabyte of `{`, never closed."""
    return Case("@article{k,\n  title = {" + "{" * size + "}\n")


@shape()
def nested_braces(size: int) -> Case:
    """An abstract nested 500,000 braces deep."""
    return one("  abstract = {" + "{" * (size // 2) + "}" * (size // 2) + "}")


@shape()
def hash_concatenation(size: int) -> Case:
    """`a # a # a ...`: 250,000 parts joined by `#` (each re-sliced the rest: 2.5 s, quadratic)."""
    return Case("@string{a = {x}}\n" + entry("  abstract = a" + fill(" # a", size)))


@shape()
def quoted_concatenation(size: int) -> Case:
    """`"x" # "x" # ...`: quoted parts joined by `#`."""
    return one('  abstract = "x"' + fill(' # "x"', size))


@shape()
def string_doubling(size: int) -> Case:
    """`@string{s1 = s0 # s0}` forty times over (a terabyte when expanded), then uses of it."""
    strings = "@string{s0 = {xxxxxxxxxxxxxxxx}}\n" + "".join(
        f"@string{{s{i} = s{i - 1} # s{i - 1}}}\n" for i in range(1, 41)
    )
    return Case(strings + counted("@misc{{k{i}, title = s40, year = 2020}}\n", size))


@shape()
def big_macro_used_often(size: int) -> Case:
    """A macro of half a megabyte of LaTeX, used as the title of 20,000 entries: expanded
    until the file's budget (4 times its size and 1 MB) is spent."""
    big = fill("Caf\\'e -- $x$ ", size // 2)
    return Case(
        f"@string{{big = {{{big}}}}}\n" + counted("@misc{{k{i}, title = big}}\n", size // 2)
    )


@shape()
def percent_lines(size: int) -> Case:
    """Half a megabyte of `%` comment lines between entries, half inside one."""
    inside = entry(fill("  % a remark\n  note = {x},\n", size // 2))
    return Case(fill("% a comment line\n", size // 2) + inside)


@shape()
def at_signs(size: int) -> Case:
    """250,000 lines of `@a{`: a failed block each (5 s, while the cyclic garbage collector
    rescanned every failed block's traceback)."""
    return Case(fill("@a{\n", size))


@shape()
def stray_braces(size: int) -> Case:
    """An entry, then a megabyte of `} stray` lines."""
    return Case(entry("") + fill("} stray text\n", size))


@shape()
def commented_entries(size: int) -> Case:
    """43,000 entries inside one `@comment{...}` (each counted its line from the top: 6 s,
    25 s for 2 MB)."""
    return Case("@comment{" + fill("\n@article{x, title={t}}", size) + "}\n")


@shape()
def paren_delimited(size: int) -> Case:
    """Entries written `@misc(key, ...)` with parentheses inside quoted values."""
    return Case(counted('@misc(p{i}, title = "(a) and (b)", year = 2020)\n', size))


@shape()
def separator_runs(size: int) -> Case:
    """An entry of a megabyte of commas, one of `=`, one of quotes (for bibtexparser)."""
    third = size // 3
    return Case(
        "@misc{a" + "," * third + "}\n@misc{b, c" + "=" * third + "}\n@misc{c, d = " + '"' * third
    )


@shape()
def string_and_preamble_blocks(size: int) -> Case:
    """60,000 `@string` and `@preamble` blocks, and indented `@x{` lines."""
    third = size // 3
    return Case(
        counted('@string{{s{i} = "x"}}\n', third)
        + fill('@preamble{"x"}\n', third)
        + fill("\n @x{", third)
    )


@shape()
def quote_brace_runs(size: int) -> Case:
    """A quoted value of `{"}` (a quote inside braces) repeated."""
    return one('  abstract = "' + fill('{"}', size) + '"')


@shape()
def backslash_line_ends(size: int) -> Case:
    """An abstract whose every line ends in a backslash."""
    return one("  abstract = {" + fill("a line\\\n", size) + "}")


@shape()
def escaped_backslashes(size: int) -> Case:
    r"""Entries whose values end in an escaped backslash (`{C:\\}`)."""
    return Case(counted('@misc{{p{i}, title = {{C:\\\\}}, note = "D:\\\\", year = 2020}}\n', size))


@shape()
def long_key(size: int) -> Case:
    """A citation key of a megabyte."""
    return Case("@misc{" + "k" * size + ", title = {T}, year = 2020}\n")


@shape()
def many_fields(size: int) -> Case:
    """One entry with 70,000 different fields."""
    return one(counted("  f{i} = {{v}},\n", size))


@shape()
def duplicate_fields(size: int) -> Case:
    """One entry with the same field 70,000 times."""
    return one(fill("  note = {v},\n", size))


@shape()
def whitespace_runs(size: int) -> Case:
    """Values of nothing but spaces, tabs and line breaks."""
    return one("  abstract = {" + fill(" \t\n", size) + "x},\n  note = {" + " " * 1000 + "}")


# ---------------------------------------------------------------- keys and entries
@shape()
def identical_copies(size: int) -> Case:
    """The very same entry 28,000 times."""
    return Case(fill("@misc{k, title = {Same}, year = 2020}\n", size))


@shape()
def case_only_keys(size: int) -> Case:
    """Pairs of keys that differ only in case (`a1`, `A1`): 20,000 slug collisions (each looked
    its entry up in the whole list: 15 s)."""
    return Case(counted("@misc{{a{i}, title={{t}}}}\n@misc{{A{i}, title={{t}}}}\n", size))


@shape()
def same_slug_keys(size: int) -> Case:
    """40,000 keys that all map to one page address (`a:`, `a/`, `a_`, ...)."""
    separators = ":/_.+-"
    keys = []
    for i in range(6**6):
        keys.append("a" + "".join(separators[(i // 6**j) % 6] for j in range(6)))
        if len(keys) * 24 > size:
            break
    return Case("".join(f"@misc{{{k}, title={{t}}}}\n" for k in keys))


@shape()
def tiny_entries(size: int) -> Case:
    """28,000 small valid entries: the most pages a megabyte can hold (per-entry cost)."""
    return Case(counted("@misc{{k{i}, title = {{Title {i}}}, year = 2020}}\n", size))


@shape()
def crossref_chain(size: int) -> Case:
    """22,000 entries, each a `crossref` to the one before."""
    unit = "@misc{{c{i}, crossref = {{c{j}}}, title={{t}}}}\n"
    n = max(1, size // len(unit.format(i=10_000, j=9_999)))
    return Case("".join(unit.format(i=i, j=i - 1) for i in range(n)))


@shape()
def proceedings_siblings(size: int) -> Case:
    """One @proceedings volume with a DOI and 20,000 papers that crossref it (each was a
    duplicate-paper of all the others)."""
    volume = "@proceedings{vol, title = {V}, year = 2020, doi = {10.1/v}, url = {https://v.org}}\n"
    return Case(
        volume + counted("@inproceedings{{p{i}, title = {{P}}, crossref = {{vol}}}}\n", size)
    )


@shape()
def strings_across_files(size: int) -> Case:
    """Half a megabyte of @string macros in one file, used by 15,000 entries of the next."""
    strings = counted('@string{{m{i} = "Venue {i}"}}\n', size // 2)
    return Case(
        counted("@misc{{k{i}, title = {{T}}, year = 2020, journal = m{i}}}\n", size // 2),
        more=strings,
    )


# ---------------------------------------------------------------- LaTeX and normalising
def letters(i: int) -> str:
    """`i` in base 26, as letters (`a`, `b`, ..., `ba`): a LaTeX command name."""
    out = ""
    while True:
        out = chr(97 + i % 26) + out
        i //= 26
        if not i:
            return out


@shape()
def preamble_doubling(size: int) -> Case:
    r"""`\def\zb{\za\za}` forty times over in @preamble (a terabyte when expanded), then
    20,000 uses of the last, of one of half a kilobyte and of the first."""
    names = [f"z{letters(i)}" for i in range(41)]
    defs = f"\\def\\{names[0]}{{xxxxxxxx}}" + "".join(
        f"\\def\\{names[i]}{{\\{names[i - 1]}\\{names[i - 1]}}}" for i in range(1, 41)
    )
    uses = counted(
        f"@misc{{{{k{{i}}, title = {{{{\\{names[40]} \\{names[6]} \\{names[0]}}}}}, year = 2020}}}}\n",
        size,
    )
    return Case(f'@preamble{{"{defs}"}}\n' + uses)


@shape()
def preamble_definitions(size: int) -> Case:
    r"""30,000 `\newcommand` definitions in @preamble, each used once."""
    n = max(1, size // 60)
    defs = "".join(f"\\newcommand{{\\c{letters(i)}}}{{C}}" for i in range(n))
    uses = "".join(f"@misc{{k{i}, title = {{\\c{letters(i)}}}}}\n" for i in range(n))
    return Case(f"@preamble{{{{{defs}}}}}\n" + uses)


@shape()
def comma_separated_names(size: int) -> Case:
    """One author list of 100,000 full names separated by commas."""
    return one("  author = {" + fill("Ann Lee, ", size) + "Bo Li}")


@shape()
def entity_runs(size: int) -> Case:
    """A title of `&amp;amp;amp;...` (each round of unescaping peels one) and of `&#38;`."""
    half = size // 2
    return one("  abstract = {&" + fill("amp;", half) + "}, note = {" + fill("&#38;", half) + "}")


@shape()
def month_range_spaces(size: int) -> Case:
    """A month of `jan` and a megabyte of spaces before `-- feb`."""
    return one("  month = {jan" + fill(" ", size) + "-- feb}")


@shape()
def dollar_runs(size: int) -> Case:
    r"""`$` then escaped dollars (`\$\$\$...`), and `$$a$` repeated."""
    return one(
        "  abstract = {$"
        + fill("\\$", size // 2)
        + "},\n  note = {"
        + fill("$$a$", size // 2)
        + "}"
    )


@shape()
def accent_brace_spaces(size: int) -> Case:
    r"""`\'{` then a megabyte of spaces and no letter (`\s*x?\s*` tried every split)."""
    return one("  abstract = {\\'{" + " " * size + "{}}}")


@shape()
def command_runs(size: int) -> Case:
    r"""`\href{`, `\url{`, `\textbf{` repeated without their closing braces."""
    third = size // 3
    return one(
        "  abstract = {"
        + fill("\\href{a ", third)
        + fill("\\textbf{b ", third)
        + "},\n  howpublished = {"
        + fill("\\url{http://a", third)
        + "}"
    )


@shape()
def unknown_commands(size: int) -> Case:
    r"""`\zza \zzb ...`: 100,000 made-up commands (each asked pylatexenc: 0.3 ms apiece)."""
    names, n = [], 0
    while len(names) * 8 < size:
        names.append("\\zz" + "".join(chr(97 + (n // 26**k) % 26) for k in range(4)) + " ")
        n += 1
    return one("  abstract = {" + "".join(names) + "}")


@shape()
def one_huge_field(size: int) -> Case:
    """A megabyte-long abstract of accents, math and dashes."""
    unit = "Caf\\'e na\\\"ive {\\L}ukasz $x^2$ -- word \\emph{it} "
    return one("  abstract = {" + fill(unit, size) + "}")


@shape()
def arxiv_archive_run(size: int) -> Case:
    """`arxivq-arxivq-...` in `note`: every `arxiv` read the archive name to the end."""
    return one("  note = {" + fill("arxivq-", size) + "}")


@shape()
def date_slash_spaces(size: int) -> Case:
    """`date = {2020/` and a megabyte of spaces, then a line break and text."""
    return Case("@article{k,\n  title = {T},\n  date = {2020/" + " " * size + "\nx}\n}\n")


@shape()
def many_authors(size: int) -> Case:
    """One author list of 100,000 names joined by ` and `."""
    return one("  author = {" + fill("Ann Lee and ", size) + "Bo Li}")


@shape()
def author_commas(size: int) -> Case:
    """One name with 300,000 commas, and names in braces."""
    half = size // 2
    return one("  author = {" + fill("a, ", half) + "b and " + fill("{A} and ", half) + "C}")


@shape()
def many_keywords(size: int) -> Case:
    """150,000 keywords."""
    return one("  keywords = {" + counted("t{i}, ", size) + "}")


@shape()
def damaged_text(size: int) -> Case:
    """A megabyte of mojibake, and a megabyte of accented text (read by the damage check)."""
    return one(
        "  abstract = {"
        + fill("è®ºæ–‡è§£è¯» ", size // 2)
        + "},\n  note = {"
        + fill("café naïve Müller ", size // 2)
        + "}"
    )


@shape()
def url_spaces(size: int) -> Case:
    """`howpublished = {http://a` and a megabyte of spaces."""
    return one("  howpublished = {http://a" + " " * size + "x}")


@shape("render")
def title_escaped_dollars(size: int) -> Case:
    r"""A title of `\textbackslash{}\$` repeated: `\$\$\$...` on the page, where every `$`
    was tried as the start of math (16 KB: 0.7 s)."""
    return Case(
        "@article{k,\n  title = {" + fill("\\textbackslash{}\\$", size) + "},\n  year = 2020\n}\n"
    )


@shape("render")
def abstract_punctuation_word(size: int) -> Case:
    """An abstract that is one word: a letter, a megabyte of punctuation and a letter (the
    search index trimmed its ends with a pattern anchored at the end, tried at each `!`)."""
    return one("  abstract = {a" + "!" * size + "a}")


# ---------------------------------------------------------------- notes
def with_note(note: str) -> Case:
    return Case(entry(""), {"k.md": note})


@shape()
def yaml_aliases(size: int) -> Case:
    """Front matter that is a billion laughs: nine levels of nine aliases (a MemoryError
    after 35 s, from a message that showed the value)."""
    levels = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        name, below = chr(97 + i), chr(96 + i)
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{below}"] * 9) + "]")
    return with_note("---\n" + "\n".join(levels) + "\ntags: *j\n---\n" + fill("Text. ", size))


@shape()
def front_matter_unknown_keys(size: int) -> Case:
    """125,000 undeclared front-matter fields (each searched the front matter for its line)."""
    return with_note("---\n" + counted("k{i}: v\n", size) + "---\nbody\n")


@shape()
def front_matter_long_values(size: int) -> Case:
    """A list of 150,000 tags, and a summary with `*` in it."""
    half = size // 2
    return with_note(
        "---\ntags: [" + fill("t, ", half) + "]\nsummary: " + fill("a *b* ", half) + "\n---\nb\n"
    )


@shape()
def note_accented_lines(size: int) -> Case:
    """A megabyte of short French lines (each checked for mojibake)."""
    return with_note("---\nstatus: read\n---\n" + fill("Un café très naïf à Noël.\n", size))


@shape("render")
def uncertain_spans(size: int) -> Case:
    """10,000 `uncertain` passages that no longer fit the text (each was tried at 400 shifts)."""
    spans = counted("  - {{line: {i}, column: 3, text: 与, alternatives: [中]}}\n", size // 2)
    body = fill("提升效率和精度\n", size // 2)
    return with_note("---\nuncertain:\n" + spans + "---\n" + body)


@shape("render")
def moved_uncertain_spans(size: int) -> Case:
    """5,000 `uncertain` passages with their recorded context, none where it was recorded, in
    a body full of their character: each was looked for in the whole note, and each missing
    one searched the whole note again for its context."""
    spans = counted(
        "  - {{line: {i}, column: 3, text: 与, alternatives: [中], before: 一二, after: 三四}}\n",
        size // 2,
    )
    return with_note(
        "---\nuncertain:\n" + spans + "---\n" + fill("提升效率与精度与训练\n", size // 2)
    )


@shape("render")
def uncertain_on_markup_runs(size: int) -> Case:
    """A line of `](` and `<` with 2,000 uncertain passages on it (each unclosed link target
    or tag was read to the end of the line: 1.5 s for 210 KB, quadratic)."""
    line = fill("](", size * 2 // 5) + fill("<", size * 2 // 5) + "与" * 2000
    at = len(line) - 2000 + 1  # 1-based column of the first 与, on file line 2004
    spans = "".join(
        f"  - {{line: 2004, column: {at + i}, text: 与, alternatives: [中]}}\n" for i in range(2000)
    )
    return with_note("---\nuncertain:\n" + spans + "---\n" + line + "\n")


@shape("render")
def note_markup_runs(size: int) -> Case:
    """A note of one line of unclosed Markdown and HTML: `[`, `[x](`, `[^`, `<a`, `{#`, table
    rules, escapes (the full-text index strips the markup; a pattern that read on to the end
    of the line from each opening would be quadratic)."""
    units = ["[", "[x](", "[^", "<a", "{#", "|-", "\\*", "> "]
    return with_note("".join(fill(unit, size // len(units)) for unit in units) + "x\n")


@shape("render")
def note_joined_words(size: int) -> Case:
    """A note that is one chain of words joined by `-` and `.`, then one word of half a
    megabyte (the full-text index keeps a compound from each part, and words of 40 letters)."""
    return with_note(fill("a-b.", size // 2) + " " + "x" * (size // 2) + "\n")


# ---------------------------------------------------------------- running one
def run(name: str, size: int = MB, render: bool = True) -> dict[str, Any]:
    """Build the shape's site in a temporary folder, load it, and (if `render`) render every
    page, the index and its data files. Returns the figures."""
    case = SHAPES[name].build(size)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "bib" / "notes").mkdir(parents=True)
        data = case.bib.encode("utf-8")
        (root / "bib" / "refs.bib").write_bytes(data)
        if case.more:
            (root / "bib" / "a.bib").write_text(case.more, encoding="utf-8")
            data += case.more.encode("utf-8")
        for note, text in case.notes.items():
            (root / "bib" / "notes" / note).write_text(text, encoding="utf-8")
            data += text.encode("utf-8")
        cpu, wall = time.process_time(), time.perf_counter()
        library = load_library(Settings(root=root), Cache())
        load_cpu, load_wall = time.process_time() - cpu, time.perf_counter() - wall
        cpu = time.process_time()
        if render:
            by_key = library.by_key()
            for item in library.entries:
                paper_markdown(item, by_key)
            index_html(library, lambda e: f"{e.paper.slug}/", "index-data.json")
            index_files(library)
            fulltext_files(library)
            catalogue_json(library, lambda e: f"papers/{e.paper.slug}/")
    return {
        "shape": name,
        "bytes": len(data),
        "load_cpu": round(load_cpu, 3),
        "load_wall": round(load_wall, 3),
        "render_cpu": round(time.process_time() - cpu, 3) if render else None,
        "problems": len(library.problems),
        "papers": len(library.entries),
        "codes": sorted({p.code for p in library.problems}),
    }


def as_json(figures: dict[str, Any]) -> str:
    return json.dumps(figures, sort_keys=True)
