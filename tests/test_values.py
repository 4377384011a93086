"""Field values read as BibTeX reads them: escapes at the end of a value, forgotten commas,
and @string macros whose expansion is bounded by the file's size."""

from __future__ import annotations

import pytest

from papershelf.bib import read_bib
from papershelf.bibvalues import EXPANSION_ALLOWANCE, EXPANSION_FACTOR, Macros, evaluate


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param(r"title = {C:\\}", "C:\\\\", id="braced-ends-in-escaped-backslash"),
        pytest.param(r'title = "C:\\"', "C:\\\\", id="quoted-ends-in-escaped-backslash"),
        pytest.param(r"title = {\\}", "\\\\", id="only-an-escaped-backslash"),
        pytest.param(r"title = {a \} b}", "a \\} b", id="escaped-brace-inside"),
        pytest.param(r"title = {50\%}", "50\\%", id="ends-in-escaped-percent"),
        pytest.param(r'title = "say \"hi\""', 'say \\"hi\\"', id="escaped-quotes-in-quotes"),
        pytest.param(r"title = {C:\\\}}", "C:\\\\\\}", id="escaped-backslash-then-brace"),
        pytest.param(r"title = {x} # {y\\}", "xy\\\\", id="concatenated-part-ends-in-escape"),
    ],
)
def test_values_ending_in_escapes_are_read_as_written(field: str, value: str) -> None:
    out = read_bib(f"@misc{{a, {field}, year = 2020}}\n@misc{{b, title = {{B}}}}\n", "x.bib")
    assert out.problems == []
    assert [e.key for e in out.entries] == ["a", "b"]
    assert out.entries[0].fields == {"title": value, "year": "2020"}


def test_a_backslash_before_a_line_break_counts_the_line() -> None:
    text = (
        "@misc{a,\n  abstract = {one\\\\\n  two\\\n  three},\n  note = {\\\\},\n  year = 2020\n}\n"
        "@misc{b, title = {B}}\n"
    )
    out = read_bib(text, "x.bib")
    assert out.entries[0].fields["abstract"] == "one\\\\\n  two\\\n  three"
    assert out.entries[0].field_lines == {"abstract": 2, "note": 5, "year": 6}
    assert out.entries[1].line == 8


def test_a_lone_backslash_before_the_closing_brace_escapes_it() -> None:
    out = read_bib("@misc{a, title = {C:\\}, year = 2020}\n@misc{b, title = {B}}\n", "x.bib")
    assert [e.key for e in out.entries] == ["b"]
    (problem,) = out.problems
    assert (problem.line, problem.key, problem.code) == (1, "a", "malformed-entry")


def test_thousands_of_fields_without_commas_are_each_read_and_reported() -> None:
    # Each field followed the one before it through a recursive call: 1,000 were enough for
    # a RecursionError. Now one loop reads them all.
    n = 5000
    text = "@misc{a,\n" + "".join(f"  f{i} = {{v{i}}}\n" for i in range(n)) + "}\n"
    out = read_bib(text, "x.bib")
    (entry,) = out.entries
    assert entry.fields == {f"f{i}": f"v{i}" for i in range(n)}
    assert entry.field_lines == {f"f{i}": i + 2 for i in range(n)}
    assert [(p.line, p.code) for p in out.problems] == [
        (i + 2, "missing-comma") for i in range(1, n)
    ]


def test_a_field_name_seen_twice_without_commas_keeps_the_first_value() -> None:
    out = read_bib("@misc{a,\n  note = {1}\n  note = {2}\n  year = 2020\n}\n", "x.bib")
    assert out.entries[0].fields == {"note": "1", "year": "2020"}


def test_macros_doubling_each_other_stop_at_the_files_size() -> None:
    strings = "@string{s0 = {xxxxxxxx}}\n" + "".join(
        f"@string{{s{i} = s{i - 1} # s{i - 1}}}\n" for i in range(1, 41)
    )
    text = strings + "@misc{a, title = s40, year = 2020}\n@misc{b, title = s3, year = 2020}\n"
    out = read_bib(text, "x.bib")
    assert [e.key for e in out.entries] == ["a", "b"]
    limit = EXPANSION_FACTOR * len(text) + EXPANSION_ALLOWANCE
    assert all(len(v) <= limit for e in out.entries for v in e.fields.values())
    # Once the budget is spent, every later use is shown as written, as the problem says.
    assert [e.fields["title"] for e in out.entries] == ["s40", "s3"]
    (problem,) = out.problems  # reported once, where the budget ran out
    assert problem.code == "macro-too-large" and problem.line < 41
    assert "shown as written" in problem.message and problem.hint


def test_a_macro_used_often_is_expanded_each_time() -> None:
    venue = "Advances in Neural Information Processing Systems 33: Annual Conference " * 2
    uses = "".join(f"@misc{{k{i}, booktitle = nips, year = 2020}}\n" for i in range(2000))
    out = read_bib(f'@string{{nips = "{venue}"}}\n' + uses, "x.bib")
    assert out.problems == []
    assert {e.fields["booktitle"] for e in out.entries} == {venue}


def test_macro_expansion_is_unbounded_without_a_budget() -> None:
    assert evaluate("a # a # a", {"a": "xy"}) == ("xyxyxy", [])
    macros = Macros({"a": "xy"}, budget=5)
    assert evaluate("a # a # a", macros) == ("xyxya", [])
    assert macros.refused == "a"
