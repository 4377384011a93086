"""A note's YAML front matter -> plain values, read safely.

Front matter comes from notes published to the open web, so reading it must stay linear in
its size. YAML aliases are refused: nine lines of `b: [*a, *a, ...]` describe a billion
values, which merge keys (`<<: *a`) copy and any message showing the value would expand
(such a note ran out of memory after 35 s). libyaml already refuses nesting deeper than 1,000.
"""

from __future__ import annotations

import reprlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FIX = "fix the YAML between the --- lines"


@dataclass(frozen=True)
class FrontMatter:
    data: Any = None  # what the YAML holds; None when empty or unreadable
    lines: Mapping[str, int] = field(default_factory=dict)  # top-level name -> file line
    # Where each value is written, by its path: (name, value) for a list's items, (name, key)
    # and (name, key, value) for a mapping's, such as `relations: {extends: [a]}`.
    items: Mapping[tuple[str, ...], int] = field(default_factory=dict)
    error: tuple[int, str, str] | None = None  # (file line, what is wrong, hint) if unreadable


def load(front: str) -> FrontMatter:
    """Read the YAML between the `---` lines (line 1 of the file is the opening `---`): the
    one place front matter is loaded, for `read_note` and the importer alike."""
    if "*" in front:  # the YAML alias indicator; rarely in front matter at all
        alias = _first_alias(front)
        if alias is not None:
            return FrontMatter(
                error=(
                    alias,
                    "front matter repeats a value with a YAML alias (`*name`), which is not read",
                    "write the value out where the alias stands",
                )
            )
    loader = _Loader(front)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or "invalid YAML"
        line = 2 + mark.line if mark else 1
        return FrontMatter(error=(line, f"front matter is not valid YAML: {problem}", _FIX))
    except ValueError:  # an integer of more than 4,300 digits, which int() refuses
        return FrontMatter(error=(1, "front matter holds a number too long to read", _FIX))
    finally:
        loader.dispose()
    return FrontMatter(data, _key_lines(node), _item_lines(node))


def _first_alias(front: str) -> int | None:
    """The file line of the first alias, or None (also when the YAML is broken: loading it
    reports that)."""
    try:
        for event in yaml.parse(front, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent):
                return 2 + event.start_mark.line if event.start_mark else 1
    except yaml.YAMLError:
        return None
    return None


def _key_lines(node: yaml.Node | None) -> dict[str, int]:
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode):
                lines.setdefault(str(key.value), 2 + key.start_mark.line)
    return lines


def _item_lines(node: yaml.Node | None) -> dict[tuple[str, ...], int]:
    """The file line of each value two levels down, by its path (one pass over the nodes)."""
    lines: dict[tuple[str, ...], int] = {}

    def note(path: tuple[str, ...], value: yaml.Node) -> None:
        if isinstance(value, yaml.ScalarNode):
            lines.setdefault((*path, str(value.value)), 2 + value.start_mark.line)
        elif isinstance(value, yaml.SequenceNode):
            for item in value.value:
                if isinstance(item, yaml.ScalarNode):
                    lines.setdefault((*path, str(item.value)), 2 + item.start_mark.line)

    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                continue
            name = str(key.value)
            note((name,), value)
            if isinstance(value, yaml.MappingNode):
                for inner, inner_value in value.value:
                    if isinstance(inner, yaml.ScalarNode):
                        lines.setdefault((name, str(inner.value)), 2 + inner.start_mark.line)
                        note((name, str(inner.value)), inner_value)
    return lines


_SHOWN = reprlib.Repr()
_SHOWN.maxstring = _SHOWN.maxother = 60
_SHOWN.maxlist = _SHOWN.maxdict = _SHOWN.maxtuple = _SHOWN.maxset = 5
_SHOWN.maxlevel = 3


def shown(value: Any) -> str:
    """`repr(value)` cut short: a message quotes at most about 60 characters of any value."""
    try:
        return _SHOWN.repr(value)
    except ValueError:  # repr() refuses integers of more than 4,300 digits
        return "a number too long to show"
