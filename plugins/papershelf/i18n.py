"""Every word papershelf writes into a site, by interface language.

The site's language is its theme's (`theme.language` in Material, `theme.locale` in the
mkdocs theme), or the plugin's `language` option. A site adds a language, or changes a few
words, with the `strings` option: `{id: text}` over the table of the closest language.
Texts are `str.format` templates (`{n}`, `{year}`); a text that depends on a count is a
mapping from plural category ("one", "other") to text, chosen as `count` says.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

Text = str | Mapping[str, str]

EN: dict[str, Text] = {
    # a paper page
    "section.abstract": "Abstract",
    "section.notes": "Notes",
    "section.related": "Related papers",
    "section.bibtex": "BibTeX",
    "fact.published": "Published",
    "fact.venue": "Venue",
    "fact.arxiv": "arXiv",
    "fact.status": "Status",
    "fact.rating": "Rating",
    "tags": "Tags",
    "summary": "TL;DR",
    "link.arxiv": "arXiv",
    "link.pdf": "PDF",
    "link.code": "Code",
    "link.doi": "DOI",
    "link.project": "Project page",
    "copy": "Copy",
    "copy.done": "Copied",
    "copy.failed": "Copy failed: select the text",
    "review.summary": {
        "one": "This note was restored from damaged text; {n} passage may be wrong "
        "(least sure first)",
        "other": "This note was restored from damaged text; {n} passages may be wrong "
        "(least sure first)",
    },
    "review.line": "line {line}",
    "review.or": "or {alternatives}",
    "review.unsure": "unsure",
    # dates and reading status
    "month": "{month_name} {year}",
    "month.names": "January February March April May June July August September October "
    "November December",
    "undated": "Undated",
    "status.to-read": "To read",
    "status.reading": "Reading",
    "status.read": "Read",
    "status.skimmed": "Skimmed",
    "status.none": "No status",
    # the index page
    "index.title": "Papers",
    "index.count": {"one": "{n} paper", "other": "{n} papers"},
    "index.showing": {
        "one": "Showing {shown} of {n} paper",
        "other": "Showing {shown} of {n} papers",
    },
    "index.note": "Notes",
    "index.filter": "Filter",
    "index.filter.placeholder": "Title, author, tag, abstract or note",
    "index.sort": "Sort",
    "index.sort.newest": "Newest first",
    "index.sort.oldest": "Oldest first",
    "index.sort.title": "Title A–Z",
    "index.export.bib": "Download .bib",
    "index.export.markdown": "Copy Markdown",
    "index.markdown.label": "Markdown for the papers shown (select and copy it):",
    "index.close": "Close",
    "index.filters": "Filters",
    "index.filters.count": "Filters ({n})",
    "index.more": "Show more ({n})",
    "index.fewer": "Show fewer",
    "index.no-match": "No match",
    "index.none": "None",
    "index.find": "Find…",
    "index.find.label": "Find {facet}",
    "index.remove": "Remove filter {facet}: {value}",
    "index.clear": "Clear all",
    "index.searching": "(searching notes…)",
    "index.search-failed": "Notes and abstracts could not be loaded: searching titles, authors, "
    "venues and tags only.",
    "index.downloaded": {
        "one": "Downloaded {n} entry as papers.bib.",
        "other": "Downloaded {n} entries as papers.bib.",
    },
    "index.bibtex-failed": "The BibTeX could not be loaded ({error}).",
    "index.copied": {
        "one": "Copied {n} paper as Markdown.",
        "other": "Copied {n} papers as Markdown.",
    },
    "index.no-clipboard": "The clipboard is not available: copy the Markdown below.",
    "index.digits": "0–9",
    "index.other": "Other",
    # facets
    "facet.year": "Year",
    "facet.month": "Month",
    "facet.tag": "Tags",
    "facet.venue": "Venue",
    "facet.author": "Authors",
    "facet.code": "Code",
    "facet.code.yes": "Has code",
    "facet.code.no": "No code",
    "facet.note": "Note",
    "facet.note.yes": "Has a note",
    "facet.note.no": "No note",
    "facet.status": "Reading status",
    # ---- full-text search (#14): add its texts below this line
    "index.sort.best": "Best match",
    "index.best.title": "In the title",
    "index.best.fields": "In the authors, venue, tags, summary or abstract",
    "index.best.note": "In the note",
    "index.best.more": {"one": "Show {n} more", "other": "Show {n} more"},
    "search.link": {
        "one": "Search {n} paper and its note for “{q}” →",
        "other": "Search {n} papers and their notes for “{q}” →",
    },
    # ---- citing and saving (#11): add its texts below this line
    "section.cite": "Cite",
    "reference.apa": "APA",
    "reference.ieee": "IEEE",
    "reference.gb7714": "GB/T 7714",
    "download.bib": "Download .bib",
    "download.ris": "Download .ris",
    "download.csl": "Download CSL-JSON",
    # ---- moving around, relations, reading (#11): add its texts below this line
    "nav.label": "Papers: previous, next, the list",
    "nav.previous": "Previous",
    "nav.next": "Next",
    "nav.back": "Back to the list",
    "section.similar": "Similar papers",
    "relation.extends": "Extends",
    "relation.improves": "Improves on",
    "relation.compares": "Compares with",
    "relation.uses": "Uses",
    "relation.cites": "Cites",
    "relation.surveys": "Surveys",
    "relation.reproduces": "Reproduces",
    "relation.contradicts": "Contradicts",
    "relation.supersedes": "Supersedes",
    "relation.related": "Related",
    "relation.other": "{type}",
    "backlink.extends": "Extended by",
    "backlink.improves": "Improved on by",
    "backlink.compares": "Compared in",
    "backlink.uses": "Used by",
    "backlink.cites": "Cited by",
    "backlink.surveys": "Surveyed in",
    "backlink.reproduces": "Reproduced by",
    "backlink.contradicts": "Contradicted by",
    "backlink.supersedes": "Superseded by",
    "backlink.related": "Related",
    "backlink.other": "Named “{type}” by",
    "reason.tags": {"one": "shares the tag {tags}", "other": "shares tags {tags}"},
    "reason.authors": {"one": "same author: {authors}", "other": "same authors: {authors}"},
    "reason.wording": "similar wording",
    "reason.separator": "; ",
    "list.separator": ", ",
    "redirect.title": "Moved: {title}",
    "redirect.text": "This paper's page has moved:",
    # ---- feeds, statistics, macros (#12): add its texts below this line
    "feed.title": "{site}: papers added lately",
    "feed.link": "Atom feed",
    "stats.link": "Statistics",
    "stats.title": "Statistics",
    "stats.per-month": "Papers per month",
    "stats.per-year": "Papers per year",
    "stats.tags": "Top tags",
    "stats.venues": "Top venues",
    "stats.authors": "Top authors",
    "stats.status": "Reading status",
    "stats.bar": {"one": "{label}: {n} paper", "other": "{label}: {n} papers"},
    "stats.undated": {"one": "{n} paper has no date.", "other": "{n} papers have no date."},
    "stats.empty": "No papers yet.",
    "macros.none": "No papers match.",
    # ---- bibliographies as their owners keep them (#15, al-folio #12): texts below this line
    "month.range": "{first}–{last} {year}",
    "link.html": "HTML",
    "link.poster": "Poster",
    "link.slides": "Slides",
    "link.supp": "Supplement",
    "preview": "Preview of {title}",
    "facet.selected": "Selected",
    "facet.selected.yes": "Selected",
    "facet.selected.no": "Not selected",
}

ZH: dict[str, Text] = {
    "section.abstract": "摘要",
    "section.notes": "笔记",
    "section.related": "相关论文",
    "section.bibtex": "BibTeX",
    "fact.published": "发表时间",
    "fact.venue": "发表于",
    "fact.arxiv": "arXiv",
    "fact.status": "阅读状态",
    "fact.rating": "评分",
    "tags": "标签",
    "summary": "一句话总结",
    "link.arxiv": "arXiv",
    "link.pdf": "PDF",
    "link.code": "代码",
    "link.doi": "DOI",
    "link.project": "项目主页",
    "copy": "复制",
    "copy.done": "已复制",
    "copy.failed": "复制失败：请手动选择文本",
    "review.summary": "本笔记由损坏的文本恢复而来，其中 {n} 处可能有误（最不确定的在前）",
    "review.line": "第 {line} 行",
    "review.or": "或 {alternatives}",
    "review.unsure": "不确定",
    "month": "{year}年{month_name}",
    "month.names": "1月 2月 3月 4月 5月 6月 7月 8月 9月 10月 11月 12月",
    "undated": "未注明日期",
    "status.to-read": "待读",
    "status.reading": "在读",
    "status.read": "已读",
    "status.skimmed": "略读",
    "status.none": "无状态",
    "index.title": "论文",
    "index.count": "{n} 篇论文",
    "index.showing": "显示 {shown} / {n} 篇论文",
    "index.note": "笔记",
    "index.filter": "筛选",
    "index.filter.placeholder": "标题、作者、标签、摘要或笔记",
    "index.sort": "排序",
    "index.sort.newest": "最新在前",
    "index.sort.oldest": "最早在前",
    "index.sort.title": "按标题 A–Z",
    "index.export.bib": "下载 .bib",
    "index.export.markdown": "复制 Markdown",
    "index.markdown.label": "当前显示的论文（Markdown，请选中后复制）：",
    "index.close": "关闭",
    "index.filters": "筛选条件",
    "index.filters.count": "筛选条件（{n}）",
    "index.more": "显示更多（{n}）",
    "index.fewer": "收起",
    "index.no-match": "无匹配",
    "index.none": "无",
    "index.find": "查找…",
    "index.find.label": "查找{facet}",
    "index.remove": "移除筛选条件 {facet}：{value}",
    "index.clear": "全部清除",
    "index.searching": "（正在搜索笔记…）",
    "index.search-failed": "笔记和摘要未能加载：只搜索标题、作者、发表处和标签。",
    "index.downloaded": "已下载 {n} 条记录（papers.bib）。",
    "index.bibtex-failed": "BibTeX 未能加载（{error}）。",
    "index.copied": "已复制 {n} 篇论文（Markdown）。",
    "index.no-clipboard": "无法使用剪贴板：请复制下面的 Markdown。",
    "index.digits": "0–9",
    "index.other": "其他",
    "facet.year": "年份",
    "facet.month": "月份",
    "facet.tag": "标签",
    "facet.venue": "发表于",
    "facet.author": "作者",
    "facet.code": "代码",
    "facet.code.yes": "有代码",
    "facet.code.no": "无代码",
    "facet.note": "笔记",
    "facet.note.yes": "有笔记",
    "facet.note.no": "无笔记",
    "facet.status": "阅读状态",
    # ---- full-text search (#14): add its texts below this line
    "index.sort.best": "最相关",
    "index.best.title": "标题中",
    "index.best.fields": "作者、发表处、标签、总结或摘要中",
    "index.best.note": "笔记中",
    "index.best.more": "再显示 {n} 篇",
    "search.link": "在 {n} 篇论文及其笔记中搜索“{q}” →",
    # ---- citing and saving (#11): add its texts below this line
    "section.cite": "引用",
    "reference.apa": "APA",
    "reference.ieee": "IEEE",
    "reference.gb7714": "GB/T 7714",
    "download.bib": "下载 .bib",
    "download.ris": "下载 .ris",
    "download.csl": "下载 CSL-JSON",
    # ---- moving around, relations, reading (#11): add its texts below this line
    "nav.label": "论文：上一篇、下一篇、列表",
    "nav.previous": "上一篇",
    "nav.next": "下一篇",
    "nav.back": "返回论文列表",
    "section.similar": "相似论文",
    "relation.extends": "扩展了",
    "relation.improves": "改进了",
    "relation.compares": "对比了",
    "relation.uses": "使用了",
    "relation.cites": "引用了",
    "relation.surveys": "综述了",
    "relation.reproduces": "复现了",
    "relation.contradicts": "反驳了",
    "relation.supersedes": "取代了",
    "relation.related": "相关",
    "relation.other": "{type}",
    "backlink.extends": "被以下论文扩展",
    "backlink.improves": "被以下论文改进",
    "backlink.compares": "被以下论文对比",
    "backlink.uses": "被以下论文使用",
    "backlink.cites": "被以下论文引用",
    "backlink.surveys": "被以下论文综述",
    "backlink.reproduces": "被以下论文复现",
    "backlink.contradicts": "被以下论文反驳",
    "backlink.supersedes": "被以下论文取代",
    "backlink.related": "相关",
    "backlink.other": "将本文标为“{type}”的论文",
    "reason.tags": "共同标签：{tags}",
    "reason.authors": "相同作者：{authors}",
    "reason.wording": "内容相近",
    "reason.separator": "；",
    "list.separator": "、",
    "redirect.title": "已迁移：{title}",
    "redirect.text": "本论文页面已迁移至：",
    # ---- feeds, statistics, macros (#12): add its texts below this line
    "feed.title": "{site}：最近添加的论文",
    "feed.link": "Atom 订阅",
    "stats.link": "统计",
    "stats.title": "统计",
    "stats.per-month": "每月论文数",
    "stats.per-year": "每年论文数",
    "stats.tags": "最常见的标签",
    "stats.venues": "最常见的发表处",
    "stats.authors": "论文最多的作者",
    "stats.status": "阅读状态",
    "stats.bar": "{label}：{n} 篇论文",
    "stats.undated": "{n} 篇论文未注明日期。",
    "stats.empty": "还没有论文。",
    "macros.none": "没有符合条件的论文。",
    # ---- bibliographies as their owners keep them (#15, al-folio #12): texts below this line
    "month.range": "{year}年{first}–{last}",
    "link.html": "网页",
    "link.poster": "海报",
    "link.slides": "幻灯片",
    "link.supp": "补充材料",
    "preview": "{title} 的预览图",
    "facet.selected": "代表作",
    "facet.selected.yes": "代表作",
    "facet.selected.no": "非代表作",
}

# Traditional Chinese: the Simplified table, with the words written differently.
ZH_HANT: dict[str, Text] = {
    **ZH,
    "section.notes": "筆記",
    "section.related": "相關論文",
    "fact.published": "發表時間",
    "fact.venue": "發表於",
    "fact.status": "閱讀狀態",
    "fact.rating": "評分",
    "tags": "標籤",
    "summary": "一句話總結",
    "link.code": "程式碼",
    "link.project": "專案首頁",
    "copy": "複製",
    "copy.done": "已複製",
    "copy.failed": "複製失敗：請手動選取文字",
    "review.summary": "本筆記由損壞的文字還原而來，其中 {n} 處可能有誤（最不確定的在前）",
    "review.line": "第 {line} 行",
    "review.unsure": "不確定",
    "undated": "未註明日期",
    "status.to-read": "待讀",
    "status.reading": "在讀",
    "status.read": "已讀",
    "status.skimmed": "略讀",
    "status.none": "無狀態",
    "index.title": "論文",
    "index.count": "{n} 篇論文",
    "index.showing": "顯示 {shown} / {n} 篇論文",
    "index.note": "筆記",
    "index.filter": "篩選",
    "index.filter.placeholder": "標題、作者、標籤、摘要或筆記",
    "index.sort": "排序",
    "index.sort.newest": "最新在前",
    "index.sort.oldest": "最早在前",
    "index.sort.title": "依標題 A–Z",
    "index.export.bib": "下載 .bib",
    "index.export.markdown": "複製 Markdown",
    "index.markdown.label": "目前顯示的論文（Markdown，請選取後複製）：",
    "index.close": "關閉",
    "index.filters": "篩選條件",
    "index.filters.count": "篩選條件（{n}）",
    "index.more": "顯示更多（{n}）",
    "index.fewer": "收合",
    "index.no-match": "無符合項目",
    "index.none": "無",
    "index.find": "尋找…",
    "index.find.label": "尋找{facet}",
    "index.remove": "移除篩選條件 {facet}：{value}",
    "index.clear": "全部清除",
    "index.searching": "（正在搜尋筆記…）",
    "index.search-failed": "筆記和摘要未能載入：只搜尋標題、作者、發表處和標籤。",
    "index.downloaded": "已下載 {n} 筆記錄（papers.bib）。",
    "index.bibtex-failed": "BibTeX 未能載入（{error}）。",
    "index.copied": "已複製 {n} 篇論文（Markdown）。",
    "index.no-clipboard": "無法使用剪貼簿：請複製下方的 Markdown。",
    "index.other": "其他",
    "facet.year": "年份",
    "facet.month": "月份",
    "facet.tag": "標籤",
    "facet.venue": "發表於",
    "facet.author": "作者",
    "facet.code": "程式碼",
    "facet.code.yes": "有程式碼",
    "facet.code.no": "無程式碼",
    "facet.note": "筆記",
    "facet.note.yes": "有筆記",
    "facet.note.no": "無筆記",
    "facet.status": "閱讀狀態",
    # ---- full-text search (#14): add its texts below this line
    "index.sort.best": "最相關",
    "index.best.title": "標題中",
    "index.best.fields": "作者、發表處、標籤、總結或摘要中",
    "index.best.note": "筆記中",
    "index.best.more": "再顯示 {n} 篇",
    "search.link": "在 {n} 篇論文及其筆記中搜尋「{q}」 →",
    # ---- citing and saving (#11): add its texts below this line
    "download.bib": "下載 .bib",
    "download.ris": "下載 .ris",
    "download.csl": "下載 CSL-JSON",
    # ---- moving around, relations, reading (#11): add its texts below this line
    "nav.label": "論文：上一篇、下一篇、列表",
    "nav.previous": "上一篇",
    "nav.next": "下一篇",
    "nav.back": "返回論文列表",
    "section.similar": "相似論文",
    "relation.extends": "擴展了",
    "relation.improves": "改進了",
    "relation.compares": "對比了",
    "relation.uses": "使用了",
    "relation.cites": "引用了",
    "relation.surveys": "綜述了",
    "relation.reproduces": "重現了",
    "relation.contradicts": "反駁了",
    "relation.supersedes": "取代了",
    "relation.related": "相關",
    "relation.other": "{type}",
    "backlink.extends": "被以下論文擴展",
    "backlink.improves": "被以下論文改進",
    "backlink.compares": "被以下論文對比",
    "backlink.uses": "被以下論文使用",
    "backlink.cites": "被以下論文引用",
    "backlink.surveys": "被以下論文綜述",
    "backlink.reproduces": "被以下論文重現",
    "backlink.contradicts": "被以下論文反駁",
    "backlink.supersedes": "被以下論文取代",
    "backlink.related": "相關",
    "backlink.other": "將本文標為「{type}」的論文",
    "reason.tags": "共同標籤：{tags}",
    "reason.authors": "相同作者：{authors}",
    "reason.wording": "內容相近",
    "reason.separator": "；",
    "list.separator": "、",
    "redirect.title": "已遷移：{title}",
    "redirect.text": "本論文頁面已遷移至：",
    # ---- feeds, statistics, macros (#12): add its texts below this line
    "feed.title": "{site}：最近新增的論文",
    "feed.link": "Atom 訂閱",
    "stats.link": "統計",
    "stats.title": "統計",
    "stats.per-month": "每月論文數",
    "stats.per-year": "每年論文數",
    "stats.tags": "最常見的標籤",
    "stats.venues": "最常見的發表處",
    "stats.authors": "論文最多的作者",
    "stats.status": "閱讀狀態",
    "stats.bar": "{label}：{n} 篇論文",
    "stats.undated": "{n} 篇論文未註明日期。",
    "stats.empty": "還沒有論文。",
    "macros.none": "沒有符合條件的論文。",
    # ---- bibliographies as their owners keep them (#15, al-folio #12): texts below this line
    "link.html": "網頁",
    "link.poster": "海報",
    "link.slides": "投影片",
    "link.supp": "補充資料",
    "preview": "{title} 的預覽圖",
    "facet.selected": "代表作",
    "facet.selected.yes": "代表作",
    "facet.selected.no": "非代表作",
}

TABLES: Mapping[str, Mapping[str, Text]] = MappingProxyType(
    {"en": EN, "zh": ZH, "zh-Hant": ZH_HANT}
)
# Theme language codes that mean Traditional Chinese (Material: zh-Hant, zh-TW).
_TRADITIONAL = ("zh-hant", "zh-tw", "zh-hk", "zh-mo")


def table_for(language: str) -> str:
    """The table that serves a theme language code: exact, then by its base language
    (`zh-CN` -> `zh`, `zh-TW` -> `zh-Hant`), else English."""
    code = (language or "en").strip()
    if code in TABLES:
        return code
    if code.lower().startswith(_TRADITIONAL):
        return "zh-Hant"
    base = code.split("-")[0].split("_")[0].lower()
    return base if base in TABLES else "en"


@dataclass(frozen=True)
class Strings:
    """The texts of one interface language (see `strings_for`); English by default."""

    language: str = "en"  # the site's language code, as its pages declare it
    table: Mapping[str, Text] = field(default_factory=lambda: MappingProxyType(EN))

    def __call__(self, key: str, **values: Any) -> str:
        text = self.table[key]
        if not isinstance(text, str):
            text = text.get("other", "")
        return text.format(**values) if values else text

    def count(self, key: str, n: int, **values: Any) -> str:
        """The text for `n` of something: English says "1 paper", "2 papers"."""
        text = self.table[key]
        if not isinstance(text, str):
            text = text.get("one" if n == 1 else "other") or text.get("other", "")
        return text.format(n=n, **values)

    def month(self, year: int, month: int) -> str:
        names = self("month.names").split()
        return self("month", year=year, month=month, month_name=names[month - 1])

    def date(self, year: int | None, month: int | None, month_end: int | None = None) -> str:
        """A paper's date as its page and the index show it ("" without a year); a range of
        months (`jan # "--" # feb`) as "January–February 2020"."""
        if year is None:
            return ""
        if month and month_end:
            names = self("month.names").split()
            first, last = names[month - 1], names[month_end - 1]
            return self("month.range", year=year, first=first, last=last)
        return self.month(year, month) if month else str(year)

    def for_script(self) -> dict[str, Text]:
        """The texts papershelf.js shows, for the index's data file."""
        return {
            k: v for k, v in self.table.items() if k.startswith(("index.", "facet.", "status."))
        }


def strings_for(language: str, overrides: Mapping[str, Text] | None = None) -> Strings:
    """The interface in `language`, with a site's own texts (the `strings` option) on top."""
    table = {**EN, **TABLES[table_for(language)], **(overrides or {})}
    return Strings(language or "en", MappingProxyType(table))


def unknown_keys(overrides: Mapping[str, Any]) -> list[str]:
    """The ids in a site's `strings` option that no table has (probably misspelt)."""
    return sorted(set(overrides) - set(EN))


ENGLISH = Strings()  # the default interface
