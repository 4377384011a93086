"""Formatted references: citeproc-py's output per style, made safe, and its cache."""

from __future__ import annotations

import json
import os
import re
import warnings
from pathlib import Path

import pytest

from papershelf import refcache
from papershelf.citestyles import UnknownStyle, check_style, style_title
from papershelf.library import Settings, load_library
from papershelf.model import Library, Paper
from papershelf.refcache import ReferenceCache
from papershelf.references import citeproc_input, format_reference

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
GOLDEN = Path(__file__).parent / "golden" / "references.txt"
STYLES = ("apa", "ieee", "gb7714")


def samples() -> Library:
    return load_library(Settings(root=DATA / "cite", bib=("samples.bib",), notes="none"))


@pytest.fixture(scope="module")
def sample_refs() -> dict[str, dict[str, str]]:
    papers = [e.paper for e in samples().entries]
    rendered = ReferenceCache(None).render(papers, STYLES)
    return {key: {r.style: r.html for r in refs} for key, refs in rendered.items()}


def test_the_samples_in_three_styles_match_the_golden_file(sample_refs) -> None:
    text = "".join(
        f"{key}\n" + "".join(f"  {style}: {html}\n" for style, html in refs.items())
        for key, refs in sorted(sample_refs.items())
    )
    if os.environ.get("PAPERSHELF_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


ALLOWED = re.compile(
    r"</?(?:i|b|sup|sub|span|u)>|<span class=\"papershelf-small-caps\">|<a href=\"https?://[^\"<>]+\">|</a>"
)


def test_script_and_markup_in_a_title_or_name_stay_text(sample_refs) -> None:
    for style, html in sample_refs["xss2025thesis"].items():
        assert "&lt;script&gt;" in html, style
        leftover = ALLOWED.sub("", html)
        assert "<" not in leftover and ">" not in leftover, (style, html)


def test_gbt_shows_the_type_code_with_or_without_url(sample_refs) -> None:
    # Without the style patch, entries with neither URL nor DOI lost their [M], [D], [Z].
    assert "[M]. 2nd ed." in sample_refs["gao2024smartrag-math"]["gb7714"]
    assert "with Tools[D]." in sample_refs["xss2025thesis"]["gb7714"]
    assert "[J/OL]" in sample_refs["wang2025chain-zh"]["gb7714"]
    assert "[C/OL]//EMNLP 2025" in sample_refs["li2025start"]["gb7714"]
    assert "[M]//SMITH A." in sample_refs["zhou2025from-chapter"]["gb7714"]


def test_apa_names_a_thesis_without_a_stray_publication_label(sample_refs) -> None:
    assert "(Publication)" not in sample_refs["xss2025thesis"]["apa"]
    assert "[PhD thesis]. Tsinghua University." in sample_refs["xss2025thesis"]["apa"]


def test_chinese_names_are_whole_and_and_others_is_et_al_in_the_entrys_language(
    sample_refs,
) -> None:
    chinese = sample_refs["wang2025chain-zh"]
    assert chinese["gb7714"].startswith(
        "王小明, 李华, WANG L, 等. 检索增强推理的链式检索方法[J/OL]"
    )
    assert chinese["apa"].startswith("王小明, 李华, Wang, L., et al. (2025).")
    assert chinese["ieee"].startswith("王小明, 李华, L. Wang <i>et al.</i>,")
    # English entries under GB/T: English terms (et al., ed.), not 等 and 版.
    assert "GAO J, LI L, VAN DER BERG J, et al." in sample_refs["gao2024smartrag-math"]["gb7714"]
    assert "等" not in sample_refs["gao2024smartrag-math"]["gb7714"]


def test_and_others_is_never_dropped(load) -> None:
    paper = load("@misc{k, title={T}, author={Doe, Jane and others}, year=2020}").entries[0].paper
    refs = ReferenceCache(None).render([paper], STYLES)["k"]
    texts = {r.style: r.html for r in refs}
    assert texts["apa"].startswith("Doe, J., et al. (2020).")
    assert texts["ieee"].startswith("J. Doe <i>et al.</i>,")
    assert texts["gb7714"].startswith("DOE J, et al. T[Z].")


def test_arxiv_numbers_keep_their_case_and_numeric_labels_are_dropped(sample_refs) -> None:
    tool = sample_refs["dong2025tool"]
    assert "(arXiv:2505.16410)" in tool["apa"] and "ArXiv" not in tool["apa"]
    assert not tool["ieee"].startswith("[1]") and not tool["gb7714"].startswith("[1]")


def test_math_stays_as_written_and_urls_and_dois_link(sample_refs) -> None:
    book = sample_refs["gao2024smartrag-math"]["apa"]
    assert "Retrieval in $O(n)$ Time: SmartRAG and the $\\mathcal{O}(\\log n)$ Index" in book
    doi = '<a href="https://doi.org/10.11897/SP.J.1016.2025.00512">https://doi.org/10.11897/SP.J.1016.2025.00512</a>'
    assert doi in sample_refs["wang2025chain-zh"]["apa"]


def test_every_example_paper_formats_in_every_style_with_warnings_as_errors() -> None:
    library = load_library(Settings(root=ROOT, bib=("bib/papers.bib",), notes="bib/notes"))
    cache = ReferenceCache(None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rendered = cache.render([e.paper for e in library.entries], STYLES)
    assert cache.failures == []
    assert len(rendered) == 41 and all(len(refs) == 3 for refs in rendered.values())
    for entry in library.entries:
        year = str(entry.paper.year)
        assert all(year in r.html for r in rendered[entry.paper.key]), entry.paper.key


def test_any_style_of_the_collection_can_be_named_and_is_labelled_by_its_title(load) -> None:
    paper = (
        load("@article{k, title={T}, author={Doe, Jane}, journal={J}, year=2020}").entries[0].paper
    )
    (ref,) = ReferenceCache(None).render([paper], ("nature",))["k"]
    assert ref.style == "nature" and "Doe, J." in ref.html and "J" in ref.html
    assert style_title("nature") == "Nature"


@pytest.mark.parametrize(
    ("name", "close"),
    [
        pytest.param("apaa", "'apa'", id="typo"),
        pytest.param("gb-t-7714", "'gb7714'", id="alias-typo"),
        pytest.param("no-such-style-at-all", None, id="nothing-close"),
    ],
)
def test_an_unknown_style_is_refused_naming_close_ones(name: str, close: str | None) -> None:
    with pytest.raises(UnknownStyle) as error:
        check_style(name)
    assert f"no citation style '{name}'" in str(error.value)
    assert (close in str(error.value)) if close else "did you mean" not in str(error.value)


def papers_of(load, *titles: str) -> list[Paper]:
    bib = "".join(
        f"@article{{k{i}, title={{{t}}}, journal={{J}}, year=2020}}\n" for i, t in enumerate(titles)
    )
    return [e.paper for e in load(bib).entries]


def test_the_disk_cache_formats_each_reference_once_and_prunes_the_unused(
    load, tmp_path: Path
) -> None:
    path = tmp_path / "cache" / "references.json"
    first = ReferenceCache(path)
    papers = papers_of(load, "One", "Two")
    before = first.render(papers, ("apa",))
    first.save()
    assert first.formatted == 2 and path.is_file()
    second = ReferenceCache(path)  # a new build: read from disk
    assert second.render(papers, ("apa",)) == before and second.formatted == 0
    changed = papers_of(load, "One", "Two, changed")
    second.render(changed, ("apa",))
    assert second.formatted == 1
    second.save()
    entries = json.loads(path.read_text(encoding="utf-8"))["entries"]
    assert len(entries) == 2  # the reference of the old "Two" is gone
    assert any("Two, changed" in html for html in entries.values())


def test_a_damaged_or_older_cache_file_is_an_empty_cache(load, tmp_path: Path) -> None:
    path = tmp_path / "references.json"
    papers = papers_of(load, "One")
    for text in ("{not json", json.dumps({"format": 0, "entries": {"x": "y"}}), "[]"):
        path.write_text(text, encoding="utf-8")
        cache = ReferenceCache(path)
        assert cache.render(papers, ("apa",))["k0"][0].html == "One. (2020). One. <i>J</i>."
        assert cache.formatted == 1


def test_the_cache_key_holds_the_style_and_the_versions(load, monkeypatch) -> None:
    papers = papers_of(load, "One")
    cache = ReferenceCache(None)
    cache.render(papers, ("apa",))
    cache.render(papers, ("apa", "ieee"))
    assert cache.formatted == 1
    monkeypatch.setattr(refcache, "PATCH_VERSION", "changed")
    cache.render(papers, ("apa",))
    assert cache.formatted == 1


def test_worker_processes_give_what_one_process_gives(load, monkeypatch) -> None:
    papers = [e.paper for e in samples().entries]
    serial = ReferenceCache(None, workers=1).render(papers, STYLES)
    monkeypatch.setattr(refcache, "POOL_THRESHOLD", 2)
    pooled = ReferenceCache(None, workers=2).render(papers, STYLES)
    assert pooled == serial


def test_an_entry_citeproc_cannot_format_is_a_failure_not_a_crash(load, monkeypatch) -> None:
    papers = papers_of(load, "One")

    def broken(style: str, data: dict) -> str:
        raise KeyError("locator")

    monkeypatch.setattr(refcache, "format_reference", broken)
    cache = ReferenceCache(None)
    assert cache.render(papers, ("apa",)) == {"k0": ()}
    assert [(f.key, f.style) for f in cache.failures] == [("k0", "apa")]
    assert "KeyError" in cache.failures[0].message


def test_the_item_citeproc_sees_is_escaped_and_whole_named(load) -> None:
    paper = (
        load(
            "@article{k, title={A <b>bold</b> & claim}, author={王, 小明 and others}, journal={J}, year=2020}"
        )
        .entries[0]
        .paper
    )
    data = citeproc_input(paper)
    assert data["title"] == "A &lt;b&gt;bold&lt;/b&gt; &amp; claim"
    assert data["author"] == [{"literal": "王小明"}, {"literal": "ZQXETALZQX"}]
    assert format_reference("apa", data).startswith("王小明, et al. (2020).")


def test_the_references_option_names_the_styles_and_an_unknown_one_stops_the_build(
    tmp_path: Path,
) -> None:
    from test_build import build, built, fixture_with

    old = "      facets: [method]\n"
    site = fixture_with(tmp_path / "bad", old, old + "      references: [apa, apaa]\n")
    result = build(site, tmp_path / "bad" / "out")
    assert result.returncode != 0
    assert "option 'references': no citation style 'apaa'; did you mean 'apa'" in result.stderr
    none = built(
        fixture_with(tmp_path / "none", old, old + "      references: []\n"), tmp_path / "o1"
    )
    page = (none / "papers" / "nonote2022" / "index.html").read_text(encoding="utf-8")
    assert 'id="cite"' not in page and "data-papershelf-reference" not in page
    assert 'data-papershelf-download="ris"' in page  # the downloads stay
    one = built(
        fixture_with(tmp_path / "one", old, old + "      references: [nature]\n"), tmp_path / "o2"
    )
    page = (one / "papers" / "nonote2022" / "index.html").read_text(encoding="utf-8")
    assert (
        '<dt>Nature</dt>\n<dd class="papershelf-reference" data-papershelf-reference="nature">'
        in page
    )
    assert 'data-papershelf-reference="apa"' not in page
