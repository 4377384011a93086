"""The interface in the site's language: the tables, a site's own words, a Chinese build."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from test_build import FIXTURE, build

from papershelf.i18n import EN, TABLES, strings_for, table_for


@pytest.mark.parametrize(
    ("code", "table"),
    [
        ("en", "en"),
        ("zh", "zh"),
        ("zh-CN", "zh"),
        ("zh_CN", "zh"),
        ("zh-Hans", "zh"),
        ("zh-Hant", "zh-Hant"),
        ("zh-TW", "zh-Hant"),
        ("de", "en"),
        ("", "en"),
    ],
)
def test_a_theme_language_finds_its_table(code: str, table: str) -> None:
    assert table_for(code) == table


def test_every_table_has_every_text_with_the_same_placeholders() -> None:
    def fields(text) -> set[str]:
        texts = [text] if isinstance(text, str) else list(text.values())
        return {name for t in texts for name in re.findall(r"\{(\w+)\}", t)}

    for name, table in TABLES.items():
        assert set(table) == set(EN), name
        for key, text in table.items():
            assert fields(text) == fields(EN[key]), (name, key)


def test_counts_and_dates_read_as_people_write_them() -> None:
    en, zh = strings_for("en"), strings_for("zh")
    assert [en.count("index.count", n) for n in (1, 2)] == ["1 paper", "2 papers"]
    assert zh.count("index.count", 1) == "1 篇论文"
    assert (en.date(2025, 3), zh.date(2025, 3), en.date(2025, None), zh.date(None, 3)) == (
        "March 2025",
        "2025年3月",
        "2025",
        "",
    )
    own = strings_for("zh", {"index.filter": "搜索", "index.count": {"other": "共 {n} 篇"}})
    assert own("index.filter") == "搜索" and own.count("index.count", 7) == "共 7 篇"


def test_a_chinese_site_gets_a_chinese_interface(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    config = site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("highlightjs: false}", "highlightjs: false, locale: zh_CN}"))
    result = build(site, tmp_path / "out", "--strict")
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out" / "papers"
    page = (out / "muller2024-deep-nets" / "index.html").read_text(encoding="utf-8")
    assert ">摘要</h2>" in page and ">笔记</h2>" in page and "发表时间" in page
    assert "2024年7月" in page and ">代码</a>" in page and 'data-papershelf-copy="复制"' in page
    assert 'id="abstract"' in page and 'id="notes"' in page  # the anchors stay
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "3 篇论文" in index and ">2024年7月 <" in index
    data = json.loads(next(out.glob("index-data.json")).read_text(encoding="utf-8"))
    assert data["strings"]["index.filter"] == "筛选"
    assert [f["label"] for f in data["facets"]][:3] == ["年份", "月份", "标签"]
    catalogue = json.loads((tmp_path / "out" / "papers.json").read_text(encoding="utf-8"))
    assert "Code" in catalogue[0]["links"]  # data keeps its English names


def test_a_misspelt_text_id_is_reported(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    config = site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("facets: [method]", "facets: [method]\n      strings: {index.filtr: Find}")
    )
    result = build(site, tmp_path / "out", "--strict")
    assert result.returncode != 0 and "no such text: index.filtr" in result.stderr


def test_a_facet_of_the_site_takes_its_label_from_strings(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    config = site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    labelled = "facets: [method]\n      strings: {facet.method: 方法}"
    config.write_text(text.replace("facets: [method]", labelled))
    result = build(site, tmp_path / "out", "--strict")
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "out" / "papers" / "index-data.json").read_text("utf-8"))
    assert [f["label"] for f in data["facets"] if f["name"] == "method"] == ["方法"]
    # a label for a facet the site does not have is a misspelling
    config.write_text(
        text.replace("facets: [method]", labelled.replace("facet.method", "facet.methd"))
    )
    result = build(site, tmp_path / "out2", "--strict")
    assert result.returncode != 0 and "no such text: facet.methd" in result.stderr
