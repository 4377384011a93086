"""LaTeX macros that a bibliography's @preamble (or the `latex_macros` option) defines, and
their expansion in the values of its entries.

`@preamble{"\\providecommand{\\Name}{Foo}"}` defines a command that titles then use
(`title = {{\\Name}: ...}`); BibTeX copies every @preamble of every file to the top of the
bibliography, so such a macro holds for every entry, wherever it is defined. Only commands
without arguments are expanded: those are names for things (a system, a venue), while a
command with arguments is markup that display text does without.

Reading definitions and expanding them is linear in the text: definitions are read in one
pass that never returns to a body it has read, each macro is expanded once (memoised, at most
MACRO_LIMIT characters), and all expansion together adds at most a budget of characters,
like the @string macros'.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from .bib import Preamble, RawEntry
from .bibvalues import EXPANSION_ALLOWANCE, EXPANSION_FACTOR, closing_brace
from .model import Problem

# An expanded macro longer than this is a mistake (or an attack), not a name for something.
MACRO_LIMIT = 10_000
_NESTING = 20  # macros inside macros, deeper than this, are left as written

_DEFINITION = re.compile(
    r"\\(?:(?P<cmd>(?:re)?newcommand|providecommand|DeclareRobustCommand)\*?+\s*+"
    r"(?:\{\s*+\\(?P<braced>[A-Za-z]++)\s*+\}|\\(?P<bare>[A-Za-z]++))"
    r"\s*+(?:\[\s*+(?P<args>\d++)\s*+\])?+\s*+(?P<default>\[)?+"
    r"|(?P<def>[gex]?def)\s*+\\(?P<defname>[A-Za-z]++)(?P<params>[^{\\]*+))"
)
_USE = re.compile(r"\\([A-Za-z]++)(\s*+)")
_XSPACE = "\\xspace"


@dataclass(frozen=True)
class Definition:
    name: str  # without the backslash
    body: str  # LaTeX
    # \newcommand and \providecommand leave a name that is already defined alone (LaTeX
    # stops at the first, and the second exists to avoid that); \renewcommand, \def and
    # \DeclareRobustCommand replace it.
    replaces: bool = True


def read_definitions(text: str) -> list[Definition]:
    """The argument-less macro definitions in a preamble's LaTeX, in order."""
    found: list[Definition] = []
    pos = 0
    while (m := _DEFINITION.search(text, pos)) is not None:
        if m.group("def"):
            name, takes_arguments = m.group("defname"), bool(m.group("params").strip())
        else:
            name = m.group("braced") or m.group("bare")
            takes_arguments = int(m.group("args") or 0) > 0 or bool(m.group("default"))
        start = m.end()
        while start < len(text) and text[start].isspace():
            start += 1
        if not text.startswith("{", start):
            pos = m.end()  # `\def\x\y`, `\newcommand{\x}x`: no body we can read
            continue
        close = closing_brace(text, start)
        if close is None:
            break  # the rest of the preamble is inside this body
        if not takes_arguments:
            replaces = m.group("cmd") not in ("newcommand", "providecommand")
            found.append(Definition(name, text[start + 1 : close], replaces))
        pos = close + 1
    return found


@dataclass
class TexMacros:
    """Macros to expand, with what expanding them may still add (characters)."""

    bodies: Mapping[str, str]
    budget: int
    refused: str = ""  # the first macro left unexpanded because the budget ran out
    too_long: set[str] = field(default_factory=set)
    _expanded: dict[str, str | None] = field(default_factory=dict)

    def expand(self, text: str) -> str:
        """`text` with every known macro replaced by its braced expansion. As in TeX, the
        spaces after a command's name go with it (`\\Name{}` or `{\\Name}` keeps the next
        word apart), unless its body ends in `\\xspace`."""
        if "\\" not in text or not self.bodies:
            return text
        return _substitute(text, lambda name: self._full(name, ()), self._spend)

    def _spend(self, name: str, added: int) -> bool:
        if added > self.budget:
            self.refused, self.budget = self.refused or name, 0
            return False
        self.budget -= added
        return True

    def _full(self, name: str, stack: tuple[str, ...]) -> str | None:
        """The body of `name` with the macros inside it expanded; None if it is unknown,
        part of a loop, or too long."""
        if name not in self.bodies or name in stack:
            return None
        if name in self._expanded:
            return self._expanded[name]
        body = self.bodies[name]
        left = [MACRO_LIMIT - len(body)]

        def room(_: str, added: int) -> bool:
            left[0] -= added
            return left[0] >= 0

        if "\\" in body and len(stack) < _NESTING:
            body = _substitute(body, lambda other: self._full(other, (*stack, name)), room)
        result = body if left[0] >= 0 else None
        if result is None:
            self.too_long.add(name)
        self._expanded[name] = result
        return result


def _substitute(
    text: str, lookup: Callable[[str], str | None], allow: Callable[[str, int], bool]
) -> str:
    """`text` with each `\\name` that `lookup` knows braced in its place, while `allow`
    (given the name and the characters it would add) agrees."""
    out, pos, stopped = [], 0, False
    for m in _USE.finditer(text):
        body = None if stopped else lookup(m.group(1))
        if body is None:
            continue
        if not allow(m.group(1), len(body)):
            stopped = True
            continue
        out.append(text[pos : m.start()])
        if body.endswith(_XSPACE):
            out.append("{" + body[: -len(_XSPACE)] + "}" + m.group(2))
        else:
            out.append("{" + body + "}")
        pos = m.end()
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


def collect(
    preambles: Iterable[Preamble], configured: Mapping[str, str], size: int
) -> tuple[TexMacros, dict[str, Preamble]]:
    """The macros of a bibliography: those the `latex_macros` option gives (the LaTeX
    document's own, defined before the bibliography), then those of its @preambles in reading
    order; and where each @preamble one was defined. `size` is the bibliography's size in
    characters, which bounds expansion."""
    bodies = {name.lstrip("\\"): body for name, body in configured.items()}
    where: dict[str, Preamble] = {}
    for preamble in preambles:
        if "\\" not in preamble.text:
            continue
        for definition in read_definitions(preamble.text):
            if definition.replaces or definition.name not in bodies:
                bodies[definition.name] = definition.body
                where[definition.name] = preamble
    return TexMacros(bodies, EXPANSION_FACTOR * size + EXPANSION_ALLOWANCE), where


def expand_entries(
    raws: list[RawEntry], macros: TexMacros, where: Mapping[str, Preamble]
) -> tuple[list[RawEntry], list[Problem]]:
    """The entries with the macros expanded in every field, and what could not be expanded."""
    if not macros.bodies:
        return raws, []
    out: list[Problem] = []
    expanded = []
    for raw in raws:
        fields = {name: macros.expand(value) for name, value in raw.fields.items()}
        if macros.refused and not any(p.code == "macro-too-large" and p.key for p in out):
            name = next((n for n, v in fields.items() if f"\\{macros.refused}" in v), None)
            out.append(
                Problem(
                    raw.path,
                    raw.where(name),
                    raw.key,
                    f"LaTeX macros expand to more than {EXPANSION_FACTOR} times the "
                    f"bibliography's size; \\{macros.refused[:60]} and every later macro use "
                    "are shown as written",
                    "a macro that names something is short; use it where it is needed",
                    "macro-too-large",
                )
            )
        expanded.append(raw if fields == raw.fields else replace(raw, fields=fields))
    for name in sorted(macros.too_long):
        source = where.get(name)
        out.append(
            Problem(
                source.path if source else "mkdocs.yml",
                source.line if source else None,
                None,
                f"LaTeX macro \\{name[:60]} expands to more than {MACRO_LIMIT:,} characters; "
                "it is shown as written",
                "a macro that names something is short; check its definition",
                "macro-too-large",
            )
        )
    return expanded, out
