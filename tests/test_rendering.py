"""Plain-text rendering, Chinese labels, the number format and the auditor exports."""

from __future__ import annotations

import re

import polars as pl
import pytest

from dashboard import plain
from dashboard.auditor_export import FLAG_HEADERS, flags_for_auditors, ranking_for_auditors
from dashboard.labels import VOCABULARIES, label, labelled, labelled_list
from dashboard.numbers import amount, count, rate
from dashboard.repeated_text import best_match, places

HOSTILE = [
    '=HYPERLINK("http://evil.example/x","点我")',
    "[x](http://evil.example/a)",
    "![](http://beacon.example/b.png)",
    "<img src=x onerror=alert(1)>",
    ":red[经审核无问题]",
    ":material/check_circle: 图标",
    "www.evil.example 与 a@evil.example",
    "**粗** $x$ ~删~ `码` # 标题",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_md_escapes_every_markdown_and_link_trigger(text):
    out = plain.md(text)
    # no unescaped ASCII punctuation is left for Markdown to read
    assert not re.search(r"(?<!\\)[\[\]()!<>*_`~#$:|]", out.replace(plain.WORD_JOINER, ""))
    # autolinks are broken: the scheme separator, "www." and "@" carry a word joiner
    assert "://" not in out.replace("\\", "") and "www." not in out.replace("\\", "")
    # the text itself is unchanged once the escapes and joiners are removed
    assert re.sub(r"\\(.)", r"\1", out).replace(plain.WORD_JOINER, "") == text


def test_esc_and_chart_escape_html():
    assert plain.esc("<img src=x>") == "&lt;img src=x&gt;"
    assert plain.chart('<a href="x">链</a>') == '&lt;a href="x"&gt;链&lt;/a&gt;'
    assert plain.md("第一行\n第二行") == "第一行 第二行"


def test_every_code_has_a_chinese_name():
    for vocabulary, names in VOCABULARIES.items():
        for code, name in names.items():
            assert re.search(r"[\u4e00-\u9fff]", name), (vocabulary, code, name)
    assert label("status", "partial") == "部分读入" and label("severity", None) == ""
    df = pl.DataFrame({"c": ["coverage、balance", None], "s": ["high", "low"]})
    out = df.select(labelled_list("c", "category"), labelled("s", "severity"))
    assert out.rows() == [("结余资金、内容缺失", "高"), ("", "低")]


def test_one_number_format():
    assert amount(261.20000000000005) == "261.20"
    assert amount(13203.380000000005) == "13,203.38"
    assert amount(-0.001) == "0.00" and amount(None) == "" and amount(float("nan")) == ""
    assert amount(1234.5, unit=True) == "1,234.50 万元"
    assert rate(85.5449) == "85.54%" and count(1156) == "1,156"


def test_flag_exports_are_chinese_with_codes_kept(corpus):
    from checks.base import FLAG_COLUMNS
    from checks.engine import run_checks

    run = run_checks(corpus)
    assert set(FLAG_COLUMNS) <= set(FLAG_HEADERS), "every flag column needs a Chinese header"
    out = flags_for_auditors(run.flags)
    assert all(not re.search(r"[A-Za-z]", h) for h in out.columns)
    assert set(out["类别"]) <= set(VOCABULARIES["category"].values())
    assert set(out["严重程度"]) <= {"高", "中", "低"}
    assert set(out["类别代码"]) <= set(VOCABULARIES["category"])
    amounts = out["涉及金额（万元）"].drop_nulls()
    assert (amounts == amounts.round(2)).all()
    ranking = ranking_for_auditors(run.departments)
    assert all(not re.search(r"[A-Za-z]", h) for h in ranking.columns)
    assert not ranking["疑点类别"].str.contains(r"[A-Za-z]").any()


def test_every_repeated_text_group_shows_its_text_and_best_match(corpus):
    """Every 套话 group on the samples: text at every place, a best match elsewhere if any."""
    from checks.engine import run_checks

    groups = run_checks(corpus).flags.filter(pl.col("category") == "boilerplate")
    assert groups.height >= 9
    for flag in groups.iter_rows(named=True):
        found = places(flag, corpus)
        assert len(found) >= 2, flag["flag_id"]
        for i, place in enumerate(found):
            assert place.text.strip(), (flag["flag_id"], place.source_file, place.line)
            assert place.department and place.section and place.source_file
            j, score = best_match(found, i)
            assert j is not None and j != i and found[j].text.strip()
            if any(p.doc_id != place.doc_id and score_of(place, p) >= 50 for p in found):
                assert found[j].doc_id != place.doc_id, (flag["flag_id"], i)
            assert score >= 50


def score_of(a, b):
    from dashboard.repeated_text import similarity

    return similarity(a, b)


def test_best_match_prefers_another_document():
    from dashboard.repeated_text import Place

    def place(doc, line, text):
        return Place(doc, f"{doc}.txt", line, "某局", 2023, "整体自评报告", "存在问题", "", text)

    found = [
        place("a", 1, "加强预算管理，提高资金使用效益。"),
        place("a", 2, "加强预算管理，提高资金使用效益"),  # same file, closer
        place("b", 9, "加强预算管理，提高资金的使用效益。"),
    ]
    assert best_match(found, 0)[0] == 2
    assert best_match(found, 2)[0] in (0, 1)


@pytest.mark.parametrize(
    "name",
    ["长沙市财政局", "A&B=C#D%E+F G?局", "岳麓区www.<script>_斜_~删~局", "\u202e局\u3000 \t"],
)
def test_department_link_reads_back_the_same_department(name):
    from urllib.parse import parse_qs, urlsplit

    from dashboard.metrics import department_links

    docs = pl.DataFrame({"department": [name], "year": [2023]})
    link = department_links(docs)["link"][0]
    query = parse_qs(urlsplit(link).query, keep_blank_values=True)
    assert query == {"dept": [name], "year": ["2023"]}
    if name == "长沙市财政局":  # Chinese kept as it is: the browser encodes it when followed
        assert link == "department?dept=长沙市财政局&year=2023"
