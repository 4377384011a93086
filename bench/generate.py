"""Synthetic reading lists for the benchmarks: Zotero-style entries and Chinese notes, or a
crawled conference list.

    python bench/generate.py 10000 OUT_DIR            # writes OUT_DIR/bib/papers.bib + bib/notes/
    python bench/generate.py 10000 OUT_DIR --crawled  # a crawled conference file, no notes

Entries look like a Better BibTeX export: `{{Braced}}` titles, LaTeX accents in author
names, month macros, arXiv ids, ~1 KB abstracts (a word-bigram chain over the example
site's real abstracts) with math, private Zotero fields. Every other paper has a Chinese note of 2-5 KB with English terms.

The crawled shape is what scrapers of conference sites write: short entries without
abstracts, `{Title}` in plain braces, full names, and in one entry out of eight the authors
separated by commas instead of `and` (the 10,000-entry file of issue #15 had over a
thousand), one in forty with an HTML character reference left in the title.
"""

from __future__ import annotations

import random
import re
import sys
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

EXAMPLE_BIB = Path(__file__).resolve().parent.parent / "bib" / "papers.bib"

FIRST = [
    "Wei",
    "Jing",
    "Hao",
    "Yue",
    "Chen",
    "Ana",
    "Jörg",
    "Sébastien",
    "Łukasz",
    "Zoë",
    "François",
    "Mikołaj",
    "Ömer",
    "Jiří",
    "Siddharth",
    "Lucía",
    "Ngọc",
    "Björn",
]
LAST = [
    "Li",
    "Wang",
    "Zhang",
    "Liu",
    "Chen",
    "Müller",
    "Dubois",
    "Nowak",
    "Yılmaz",
    "Novák",
    "García",
    "Nguyễn",
    "Sørensen",
    "Kowalski",
    "Smith",
    "Tanaka",
    "Kim",
    "Rossi",
]
LATEX = {
    "ö": r"{\"o}",
    "ü": r"{\"u}",
    "é": r"{\'e}",
    "ł": r"{\l}",
    "Ł": r"{\L}",
    "ë": r"{\"e}",
    "ç": r"{\c{c}}",
    "ř": r"{\v{r}}",
    "í": r"{\'{\i}}",
    "ø": r"{\o}",
    "ı": r"{\i}",
    "Ö": r"{\"O}",
    "ọ": r"{\d{o}}",
    "ễ": "ễ",
    "ạ": "ạ",
}
WORDS = (
    "reasoning retrieval agents reinforcement learning search policy reward model "
    "language large benchmark scaling tool efficient robust multi-hop question answering "
    "verification curriculum latent memory planning graph code math"
).split()
VENUES = ["NeurIPS 2025", "ICLR 2025", "ICML 2024", "EMNLP 2025", "ACL 2025", "COLM 2025", ""]
ZH = [
    "大语言模型",
    "强化学习",
    "检索增强生成",
    "推理能力",
    "奖励函数",
    "实验结果表明",
    "本文提出了一种",
    "核心方法",
    "在多个基准上",
    "显著提升了",
    "与现有方法相比",
    "训练过程中",
    "不需要额外的标注数据",
    "智能体",
    "搜索引擎",
    "多跳问答",
    "值得借鉴的是",
    "工具调用",
    "策略优化",
    "长链推理",
    "泛化能力",
    "数据效率",
    "模型规模",
    "消融实验",
    "上下文",
]


@lru_cache(maxsize=1)
def _chain() -> dict[str, list[str]]:
    """A word-bigram chain over the example site's real abstracts, so synthetic abstracts
    have the vocabulary and entropy of real ones (and compress like them)."""
    text = EXAMPLE_BIB.read_text(encoding="utf-8")
    chain: dict[str, list[str]] = defaultdict(list)
    for abstract in re.findall(r"abstract = \{(.*?)\},\n", text, re.DOTALL):
        # Braces, backslashes and @ would unbalance the synthetic entries.
        words = ["<s>", *(w for w in abstract.split() if not re.search(r"[{}\\@%]", w))]
        for a, b in zip(words, words[1:], strict=False):
            chain[a].append(b)
    return chain


def abstract_text(rng: random.Random, words: int = 200) -> str:
    chain, out, word = _chain(), [], "<s>"
    while len(out) < words:
        word = rng.choice(chain.get(word) or chain["<s>"])
        out.append(word)
    return " ".join(out) + " We report $\\mathcal{O}(n)$ cost and 10\\% gains --- see below."


def tex(text: str) -> str:
    return "".join(LATEX.get(ch, ch) for ch in text)


def note(rng: random.Random, title: str) -> str:
    parts = [f"### 🌟 论文解读 | {title}\n"]
    for heading in ("📌 背景痛点/本文动机", "🚀 核心方法", "📈 实验结果", "💬 可借鉴之处"):
        parts.append(f"### {heading}")
        for _ in range(rng.randint(2, 4)):
            sentence = "，".join(
                rng.choice(ZH) + rng.choice(["", "（RL）", " GRPO ", "PPO"])
                for _ in range(rng.randint(4, 9))
            )
            parts.append(sentence + "。")
        parts.append("")
    return "---\nstatus: read\ntags: [benchmark]\n---\n" + "\n".join(parts)


def entry(rng: random.Random, i: int) -> tuple[str, str, str | None]:
    year = rng.choice([2022, 2023, 2024, 2025])
    month = rng.randint(1, 12)
    arxiv = f"{year % 100:02d}{month:02d}.{10000 + i:05d}"  # unique, as real ids are
    words = rng.sample(WORDS, 5)
    title = " ".join(w.capitalize() for w in words)
    authors = " and ".join(
        f"{tex(rng.choice(LAST))}, {tex(rng.choice(FIRST))}" for _ in range(rng.randint(2, 9))
    )
    abstract = abstract_text(rng, rng.randint(120, 260))
    key = f"{rng.choice(LAST).lower().replace('ü', 'u')}{year}{words[0]}{i}"
    venue = rng.choice(VENUES)
    kind, where = (
        ("inproceedings", f"  booktitle = {{{venue}}},\n")
        if venue
        else ("article", f"  journal = {{arXiv preprint arXiv:{arxiv}}},\n")
    )
    bib = (
        f"@{kind}{{{key},\n"
        f"  title = {{{{{title.split()[0]}}}: {' '.join(title.split()[1:])} for {{LLMs}}}},\n"
        f"  author = {{{authors}}},\n{where}"
        f"  year = {{{year}}},\n  month = {['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'][month - 1]},\n"
        f"  eprint = {{{arxiv}}},\n  archiveprefix = {{arXiv}},\n"
        f"  url = {{http://arxiv.org/abs/{arxiv}v{rng.randint(1, 3)}}},\n"
        f"  keywords = {{{', '.join(rng.sample(WORDS, 3))}}},\n"
        f"  abstract = {{{abstract.strip()}}},\n"
        f"  file = {{Full Text PDF:/home/reader/Zotero/storage/{i:08d}/paper.pdf:application/pdf}},\n"
        f"  urldate = {{2025-06-01}},\n  langid = {{english}},\n}}\n"
    )
    return key, bib, note(rng, title) if i % 2 == 0 else None


def generate(n: int, out: Path, seed: int = 1) -> list[str]:
    """Write `n` entries to out/bib/papers.bib and notes to out/bib/notes; return the keys."""
    rng = random.Random(seed)
    notes_dir = out / "bib" / "notes"
    notes_dir.mkdir(parents=True, exist_ok=True)
    keys, chunks = [], []
    for i in range(n):
        key, bib, text = entry(rng, i)
        keys.append(key)
        chunks.append(bib)
        if text is not None:
            (notes_dir / f"{key}.md").write_text(text, encoding="utf-8")
    (out / "bib" / "papers.bib").write_text("\n".join(chunks), encoding="utf-8")
    return keys


CONFERENCES = [
    ("cvpr", "Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern Recognition"),
    ("iccv", "Proceedings of the IEEE/CVF International Conference on Computer Vision"),
    ("neurips", "Advances in Neural Information Processing Systems"),
    ("acl", "Proceedings of the Annual Meeting of the Association for Computational Linguistics"),
]
PLAIN_FIRST = ["Marcus", "Amanpreet", "Devi", "Peter", "Xinlei", "Dhruv", "Ana", "Wei", "Jing"]
PLAIN_LAST = ["Rohrbach", "Singh", "Parikh", "Anderson", "Chen", "Batra", "Lopes", "Li", "Zhou"]


def crawled_entry(rng: random.Random, i: int) -> str:
    short, venue = rng.choice(CONFERENCES)
    year = rng.choice([2018, 2019, 2020, 2021, 2022, 2023])
    names = [
        f"{rng.choice(PLAIN_FIRST)} {rng.choice(PLAIN_LAST)}" for _ in range(rng.randint(1, 8))
    ]
    commas = i % 8 == 0 and len(names) > 2
    authors = ", ".join(names) if commas else " and ".join(names)
    words = [w.capitalize() for w in rng.sample(WORDS, rng.randint(4, 8))]
    if i % 40 == 0:
        words.insert(2, "&amp;amp;")
    first = names[0].split()[-1].lower()
    page = rng.randint(1, 9000)
    return (
        f"@inproceedings{{{first}{year}{words[0].lower()}{i},\n"
        f"  title={{{' '.join(words)}}},\n  author={{{authors}}},\n  booktitle={{{venue}}},\n"
        f"  pages={{{page}--{page + rng.randint(8, 12)}}},\n  year={{{year}}},\n"
        f"  url={{https://openaccess.example.org/{short}/{year}/{i}.html}}\n}}\n"
    )


def generate_crawled(n: int, out: Path, seed: int = 1) -> None:
    """Write `n` crawled-conference entries to out/bib/papers.bib (no notes)."""
    rng = random.Random(seed)
    (out / "bib").mkdir(parents=True, exist_ok=True)
    text = "\n".join(crawled_entry(rng, i) for i in range(n))
    (out / "bib" / "papers.bib").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    count = int(args[0]) if args else 1000
    target = Path(args[1]) if len(args) > 1 else Path("bench/out/library")
    if "--crawled" in sys.argv:
        generate_crawled(count, target)
    else:
        generate(count, target)
    print(f"wrote {count} entries to {target / 'bib'}")
