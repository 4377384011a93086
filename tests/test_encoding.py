"""Reading files in the encodings people's tools write: real text in each, long and short."""

from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest

from papershelf import encoding
from papershelf.encoding import best_readings, decode_bytes, profile_score

ZH = "基于检索增强的大语言模型推理：本文提出了一种新的方法，通过强化学习训练模型主动调用搜索引擎。"
ZH_HANT = (
    "基於檢索增強的大語言模型推理：本文提出了一種新的方法，通過強化學習訓練模型主動調用搜尋引擎。"
)
JA = "検索拡張による大規模言語モデルの推論。本論文では、強化学習を用いて新しい手法を提案する。"
RU = "Рассуждение больших языковых моделей с поиском. В статье предлагается новый метод обучения."
FR = "Réseaux profonds : une méthode élégante où l'on préfère les données déjà étiquetées."


def entry(title: str) -> str:
    return f"@article{{k,\n  author = {{Someone}},\n  title = {{{title}}},\n  year = 2024,\n}}\n"


@pytest.mark.parametrize(
    ("text", "codec", "name"),
    [
        pytest.param(ZH, "gbk", "GBK", id="gbk"),
        pytest.param(ZH + "㐀", "gb18030", "GB18030", id="gb18030-four-byte"),
        pytest.param(ZH_HANT, "big5", "Big5", id="big5"),
        pytest.param(ZH_HANT, "cp950", "Big5", id="cp950"),
        pytest.param(JA, "shift_jis", "Shift-JIS", id="shift-jis"),
        pytest.param(JA, "cp932", "Shift-JIS", id="cp932"),
        pytest.param(JA, "euc_jp", "EUC-JP", id="euc-jp"),
        pytest.param(RU, "koi8_r", "KOI8-R", id="koi8-r"),
        pytest.param(RU, "cp1251", "Windows-1251", id="cp1251"),
    ],
)
def test_a_legacy_file_is_read_in_its_encoding_and_reported_by_name(
    text: str, codec: str, name: str
) -> None:
    bib = entry(text)
    decoded, problem = decode_bytes(bib.encode(codec), "bib/refs.bib")
    assert decoded == bib
    assert problem is not None and problem.code == "encoding"
    assert problem.line == 3  # the title's line: the first byte that is not UTF-8
    assert problem.message.startswith(f"file is {name}, not UTF-8")
    assert "could also" not in problem.message and "check which" not in problem.message
    assert "iconv -f" in problem.hint


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        pytest.param("大语言模型", "gbk", id="gbk-five"),
        pytest.param("幻觉问题", "gbk", id="gbk-four"),
        pytest.param("機器學習", "big5", id="big5-four"),
        pytest.param("深層学習", "cp932", id="shift-jis-four"),
        pytest.param("自然言語処理", "euc_jp", id="euc-jp-six"),
        pytest.param("Глубокое обучение", "koi8_r", id="koi8-r-two-words"),
        pytest.param("Нейронные сети", "cp1251", id="cp1251-two-words"),
        pytest.param("Gödel", "cp1252", id="cp1252-one-letter"),
        pytest.param("Señor Peña", "latin-1", id="latin-1"),
    ],
)
def test_short_texts_are_read_right(text: str, codec: str) -> None:
    """Where detectors guess wrong (a title of a few characters), the readings' scores still
    rank the right one first."""
    bib = entry(text)
    decoded, problem = decode_bytes(bib.encode(codec), "bib/refs.bib")
    assert decoded == bib
    assert problem is not None and problem.line == 3


def test_too_few_bytes_to_be_sure_names_the_other_reading() -> None:
    # 中文 in GBK, four bytes: read as GBK (the best score), and the message quotes what the
    # runner-up would have made of them, so a person can tell.
    decoded, problem = decode_bytes(entry("Notes on 中文").encode("gbk"), "bib/refs.bib")
    assert "Notes on 中文" in decoded
    assert problem is not None
    assert problem.message.startswith("file is GBK, not UTF-8")
    assert "it reads `{Notes on 中文},`, but as " in problem.message
    assert "check which is right" in problem.message


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        pytest.param(ZH, "gb18030", id="gbk"),
        pytest.param(ZH_HANT, "cp950", id="big5"),
        pytest.param(JA, "cp932", id="shift-jis"),
        pytest.param(JA, "euc_jp", id="euc-jp"),
        pytest.param(RU, "koi8_r", id="koi8-r"),
        pytest.param(RU, "cp1251", id="cp1251"),
        pytest.param(FR, "cp1252", id="cp1252"),
    ],
)
def test_the_right_reading_scores_high_and_every_wrong_one_clearly_lower(
    text: str, codec: str
) -> None:
    data = text.encode(codec)
    scores = {c: profile_score(data.decode(c, errors="replace"), c) for c, *_ in encoding._LEGACY}
    right = scores.pop(codec)
    assert right >= 0.85, right
    assert max(scores.values()) < right - encoding._MARGIN, scores


def test_a_utf8_file_with_one_latin1_line_keeps_the_byte_by_byte_reading() -> None:
    data = "title = {Café},\n".encode() + b"title = {Caf\xe9},\n"
    decoded, problem = decode_bytes(data, "x.bib")
    assert decoded == "title = {Café},\ntitle = {Café},\n"
    assert problem is not None and problem.line == 2 and "Windows-1252" in problem.message


def test_a_utf8_file_with_one_gbk_line_keeps_its_utf8_lines() -> None:
    lines = [
        "title = {大语言模型的推理},\n",
        "abstract = {本文提出了一种新的方法，通过强化学习训练},\n",
    ]
    data = lines[0].encode() + lines[1].encode("gbk")
    decoded, problem = decode_bytes(data, "x.bib")
    assert decoded == "".join(lines)
    assert problem is not None and problem.line == 2 and "GBK" in problem.message


def test_binary_junk_falls_back_to_windows_1252_and_says_so() -> None:
    data = random.Random(1).randbytes(4000)
    _, problem = decode_bytes(data, "x.bib")
    assert problem is not None and "read as Windows-1252" in problem.message
    assert best_readings(data) == []


def test_detection_costs_nothing_for_utf8(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object) -> None:
        raise AssertionError("a UTF-8 file must not be scored")

    monkeypatch.setattr(encoding, "best_readings", fail)
    text = entry(ZH) * 100
    assert decode_bytes(text.encode(), "x.bib") == (text, None)
    assert decode_bytes(codecs.BOM_UTF8 + text.encode(), "x.bib") == (text, None)


WIDE = entry("Café") + entry("论文")
# A real note of the example (Chinese, with Markdown and English terms).
NOTE = (Path(__file__).parent.parent / "bib" / "notes" / "li2025start.md").read_text("utf-8")


@pytest.mark.parametrize(
    ("data", "name"),
    [
        pytest.param(
            codecs.BOM_UTF16_LE + WIDE.encode("utf-16-le"), "UTF-16 (little", id="16le-bom"
        ),
        pytest.param(WIDE.encode("utf-16-le"), "UTF-16 (little", id="16le"),
        pytest.param(WIDE.encode("utf-16-be"), "UTF-16 (big", id="16be"),
        pytest.param(
            codecs.BOM_UTF32_LE + WIDE.encode("utf-32-le"), "UTF-32 (little", id="32le-bom"
        ),
        pytest.param(codecs.BOM_UTF32_BE + WIDE.encode("utf-32-be"), "UTF-32 (big", id="32be-bom"),
        pytest.param(WIDE.encode("utf-32-le"), "UTF-32 (little", id="32le"),
        pytest.param(WIDE.encode("utf-32-be"), "UTF-32 (big", id="32be"),
        pytest.param(NOTE.encode("utf-16-le"), "UTF-16 (little", id="16le-chinese-note"),
        pytest.param(NOTE.encode("utf-16-be"), "UTF-16 (big", id="16be-chinese-note"),
    ],
)
def test_utf16_and_utf32_are_read_with_or_without_a_bom(data: bytes, name: str) -> None:
    decoded, problem = decode_bytes(data, "x.bib")
    assert decoded in (WIDE, NOTE)
    assert problem is not None and problem.message.startswith(f"file is {name}")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_a_stray_last_byte_loses_half_a_character_not_the_file(codec: str) -> None:
    decoded, problem = decode_bytes(WIDE.encode(codec) + b"\n", "x.bib")
    assert decoded == WIDE
    assert problem is not None and "1 stray byte" in problem.message


def test_utf32_without_bom_is_not_taken_for_utf16() -> None:
    assert encoding.wide_codec("ab\ncd".encode("utf-32-le")) == "utf-32-le"
    assert encoding.wide_codec("ab\ncd".encode("utf-16-le")) == "utf-16-le"
    assert encoding.wide_codec("a\n\n\nb\tc\n".encode("utf-16-be")) == "utf-16-be"


def test_one_stray_nul_in_a_utf8_file_is_not_utf16() -> None:
    text = entry("Café") + "\0" + entry("B")
    assert decode_bytes(text.encode(), "x.bib") == (text, None)


@pytest.mark.parametrize(
    ("data", "line"),
    [
        pytest.param(b"a\rb\rc\xe9\r", 3, id="cr"),
        pytest.param(b"a\r\nb\r\nc\xe9\r\n", 3, id="crlf"),
        pytest.param(b"a\nb\rc\r\nd\xe9\n", 4, id="mixed"),
        pytest.param(
            "a\rb\rc\r".encode("utf-16-le") + b"\x00\xd8" + "x".encode("utf-16-le"),
            4,
            id="utf16-cr",
        ),
    ],
)
def test_cr_only_line_ends_count_as_lines(data: bytes, line: int) -> None:
    decoded, problem = decode_bytes(data, "x.bib")
    assert problem is not None and problem.line == line
    assert "\r" not in decoded.replace("\r\n", "")  # a lone CR became a line end


def test_lone_cr_becomes_a_line_end_and_crlf_stays() -> None:
    assert decode_bytes(b"a\rb\r\nc\n", "x") == ("a\nb\r\nc\n", None)
