"""The 决算 / 预算 disclosure checks on real documents.

1. Planted errors: one named error of each kind in a copy of sample 003 (its text) and of real
   Jiangsu PDFs (edited at the reader's output stage, `disclosure_planting`); the check finds
   exactly that error, at that line, and nothing on the untouched original beyond the real flags.
2. The untouched real documents (`shared/real` and sample 003): every flag these checks raise is
   listed below with the reason it is right, read in the document (pages rendered and looked at).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from disclosure_planting import (
    ROOT,
    corpus_of,
    planted_text,
    read_source,
    recognise,
    sample_003,
    shared_real,
    text_doc,
)

from checks.engine import check_settings, run_checks
from checks.registry import BY_CODE, CHECKS
from checks.settings import load_rules

FIXTURES = ROOT / "tests" / "fixtures" / "real"
SETTINGS = load_rules(None, CHECKS)
D_CHECKS = [c for c in BY_CODE if c.startswith("D")] + ["C02"]


def run(code: str, corpus) -> list[dict]:
    module = BY_CODE[code]
    return module.run(corpus, check_settings(SETTINGS, module.CHECK)).flags


def places(flag: dict) -> set[int]:
    """The lines a flag names: its own and its related ones."""
    out = {flag["source_line"]}
    for part in (flag.get("related_lines") or "").split(";"):
        tail = part.strip().rsplit(":", 1)[-1]
        if tail.isdigit():
            out.add(int(tail))
    return out


def new_flags(code: str, planted_corpus, original_corpus) -> list[dict]:
    """Flags of ``code`` on the planted copy that the untouched original does not raise."""
    before = {(f["subject"], f["source_line"]) for f in run(code, original_corpus)}
    return [f for f in run(code, planted_corpus) if (f["subject"], f["source_line"]) not in before]


# ---- sample 003 (text): one error of each kind ------------------------------------------------

TEXT_PLANTS = {
    # code: (old, new, what the auditor should read)
    "D01": (
        "\n2023年度国有资本经营预算财政拨款支出决算表\n",
        "\n2023年度国有资本经营情况\n",
        "缺表 08",
    ),
    "D02": ("\n十二、国有资产占用情况说明\n", "\n十二、资产情况说明\n", "缺少国有资产一节"),
    "D03": (
        "与2022年度相比，收、支总计各增加13.8万元，增长2.7%",
        "与2022年度相比，收、支总计各增加13.8万元，增长（下降）2.7%",
        "模板方向词",
    ),
    "D04": ("\n2023年度收入决算表\n", "\n2022年度收入决算表\n", "表题年度"),
    "D05": ("总计\t31\t524.26\t总计", "总计\t31\t534.26\t总计", "收支总表总计"),
    "D06": ("\t合计\t524.26\t524.26\t\t", "\t合计\t534.26\t534.26\t\t", "02 合计 ≠ 01、04"),
    "D07": (
        "2023年度一般公共预算财政拨款基本支出498.93万元",
        "2023年度一般公共预算财政拨款基本支出488.93万元",
        "正文基本支出",
    ),
    "D08": ("占本年支出合计的100.0 %", "占本年支出合计的90.0 %", "占比"),
    "D09": (
        "支出决算数大于年初预算数的主要原因是：新增编制人员，追加人员相关经费11.25",
        "支出决算数小于年初预算数的主要原因是：新增编制人员，追加人员相关经费11.25",
        "大于写成小于",
    ),
    "D10": ("共涉及项目3个", "共涉及项目0个", "0 个项目"),
    "C02": (
        "2023年度收入合计524.26万元，与2022年相比，收入增加13.8万元，增长2.7%",
        "2023年度收入合计524.26万元，与2022年相比，收入增加13.8万元，增长12.7%",
        "增长率",
    ),
}


@pytest.fixture(scope="module")
def original_003():
    return corpus_of(text_doc(sample_003(), "003_original.txt"))


@pytest.mark.parametrize("code", sorted(TEXT_PLANTS))
def test_planted_in_sample_003_is_found_exactly(code, original_003):
    old, new, _ = TEXT_PLANTS[code]
    text, line = planted_text(old, new)
    planted = corpus_of(text_doc(text))
    assert run(code, original_003) == [], "the untouched sample raises nothing"
    found = new_flags(code, planted, original_003)
    assert found, f"{code} missed the planted error at line {line}"
    for flag in found:
        if code in ("D01", "D02"):  # what is not there has no line: the message names it
            assert (
                "国有资本经营预算财政拨款支出决算表" if code == "D01" else "国有资产占用"
            ) in flag["message"]
        else:
            assert line in places(flag), (line, flag["message"])
    if code not in ("D05", "D06"):  # one wrong cell breaks every identity or link it is in
        assert len(found) == 1, [f["message"] for f in found]


def test_a02_recomputes_a_completion_rate_in_the_text(original_003):
    """完成年初预算的Z% is recomputed by A02 (D09 does not repeat it)."""
    text, line = planted_text("完成年初预算的188.93%", "完成年初预算的198.93%")
    found = new_flags("A02", corpus_of(text_doc(text)), original_003)
    assert [f["source_line"] for f in found] == [line]
    assert new_flags("D09", corpus_of(text_doc(text)), original_003) == []


def test_a_rate_against_a_zero_budget(original_003):
    text, line = planted_text(
        "年初预算为0万元，支出决算为32.06万元，",
        "年初预算为0万元，支出决算为32.06万元，完成年初预算的100%，",
    )
    found = new_flags("D09", corpus_of(text_doc(text)), original_003)
    assert [f["source_line"] for f in found] == [line] and "年初预算为 0" in found[0]["message"]


# ---- real PDFs, planted at the reader's output stage ------------------------------------------


@pytest.fixture(scope="module")
def npc_2018():
    return read_source(FIXTURES / "js-npc-2018-budget.pdf", "js-npc-2018-budget.pdf")


@pytest.fixture(scope="module")
def procuratorate_2019():
    return read_source(FIXTURES / "js-procuratorate-2019-budget.pdf", "js-procuratorate-2019.pdf")


@pytest.fixture(scope="module")
def court_2018():
    return read_source(FIXTURES / "js-court-2018-budget.pdf", "js-court-2018-budget.pdf")


@pytest.fixture(scope="module")
def party_office():
    return (
        read_source(FIXTURES / "js-party-office-2017-text.pdf", "js-party-office-2017-text.pdf"),
        read_source(FIXTURES / "js-party-office-2018-text.pdf", "js-party-office-2018-text.pdf"),
    )


def _pdf_case(source, code, *edits):
    from loaders.pipeline import rendered_to_doc

    original = corpus_of(rendered_to_doc(source.rendered, source.name, source.doc_id))
    planted_doc, lines = recognise(source, *edits)
    found = new_flags(code, corpus_of(planted_doc), original)
    return found, lines


PDF_PLANTS = [
    # (fixture, code, edits, what)
    ("npc_2018", "D05", [("15897.44", "15997.44", 145)], "收支预算总表收入合计"),
    ("npc_2018", "D08", [("占 49.55%", "占 59.55%")], "基本支出占比"),
    ("npc_2018", "C02", [("增长20.69 %", "增长21.69 %")], "一般公共服务类增长率"),
    ("npc_2018", "D03", [("增长20.69 %", "增长（下降）20.69 %")], "模板方向词"),
    ("procuratorate_2019", "D10", [("共有车辆55辆", "共有车辆0辆")], "0 辆车"),
    ("procuratorate_2019", "D06", [("24169.74", "24196.74", 296)], "02 收入总计 ≠ 01"),
    (
        "court_2018",
        "D04",
        [
            (
                "十二、2018年江苏省高级人民法院政府采购预算表",
                "十二、2017年江苏省高级人民法院政府采购预算表",
            )
        ],
        "表题年度",
    ),
    ("court_2018", "D07", [("基本支出预算数为", "基本支出预算数为1")], "正文基本支出"),
]


@pytest.mark.parametrize(
    "fixture, code, edits, what", PDF_PLANTS, ids=[f"{p[1]}-{p[0]}-{p[3]}" for p in PDF_PLANTS]
)
def test_planted_in_a_real_pdf_is_found_exactly(fixture, code, edits, what, request):
    source = request.getfixturevalue(fixture)
    found, lines = _pdf_case(source, code, *[tuple(e) for e in edits])
    assert found, f"{code} missed “{what}” planted at line {lines}"
    for flag in found:
        assert set(lines) & places(flag), (lines, flag["message"])


def test_prior_year_figure_across_two_real_years(party_office):
    """D11: the 2018 text's 上年 figure against the 2017 text (same department, two spellings)."""
    from loaders.pipeline import rendered_to_doc

    y2017, y2018 = party_office
    old17 = rendered_to_doc(y2017.rendered, y2017.name, y2017.doc_id)
    old18 = rendered_to_doc(y2018.rendered, y2018.name, y2018.doc_id)
    assert run("D11", corpus_of(old17, old18)) == []
    planted, lines = recognise(y2018, ("3756.18", "3746.18", 85))
    found = run("D11", corpus_of(old17, planted))
    assert [f["source_line"] for f in found] == lines, [f["message"] for f in found]


# ---- the untouched real documents --------------------------------------------------------------

# (check, file name part, line, reason — read in the document at that page)
REAL_FLAGS = [
    (
        "C02",
        "2018年省检察院",
        632,
        "3,958.67 ÷ 17,996.70 = 22.00%, printed 21.95%: a 0.05-point slip, low",
    ),
    ("C02", "2019年度部门预算公开", 538, "2,214.39 ÷ 21,955.35 = 10.09%, printed 10.06%: low"),
    (
        "C02",
        "2019年度部门预算公开",
        565,
        "项目支出减少 1,237.70 on 5,573.00 is 22.21%, printed 13.22%: medium",
    ),
    (
        "C02",
        "2019年度部门预算公开",
        626,
        "住房公积金 368.97 ÷ 1,073.77 = 34.36%, printed 34.38%: low",
    ),
    (
        "C02",
        "2017年省检察院",
        517,
        "机关运行经费 3,401.59 ÷ 2,630.96 = 129.29%, printed 129.97%: medium",
    ),
    ("C02", "江苏省委办公厅2017年部门预算", 168, "101.48 ÷ 6,005.51 = 1.69%, printed 1.66%: low"),
    (
        "C02",
        "江苏省政协办公厅2018年度部门预算",
        303,
        "2,233.13 ÷ 3,348.98 = 66.68%, printed 66.69%: low",
    ),
    (
        "C02",
        "省法院2017年度部门预算公开",
        642,
        "提租补贴 865.57 ÷ 1,094.42 = 79.09%, printed 79.05%: low",
    ),
    ("C02", "省法院2018年度部门预算公开", 563, "392.92 ÷ 6,442.89 = 6.10%, printed 5.95%: low"),
    (
        "C02",
        "省人大办公厅2018预算公开",
        395,
        "预留机动经费 1,557.29 ÷ 128.43 = 1212.56%, printed 1312.56%: medium",
    ),
    (
        "D01",
        "2017年省检察院部门预算",
        292,
        "七、政府性基金支出预算表: a blank 合计 row, no note (p13)",
    ),
    ("D01", "江苏省委办公厅2017年预算公开表格", 104, "政府性基金 table blank, no note (p7)"),
    ("D01", "省法院2017年度部门预算公开", 410, "政府性基金 table blank, no note (p15)"),
    (
        "D01",
        "省法院2018年度部门预算公开",
        412,
        "十、政府性基金 table: blank 合计 row, no note (p14)",
    ),
    (
        "D06",
        "江苏省政协办公厅__2017年度部门预算公开表",
        164,
        "机关运行经费 3,348.98 > 公用经费 1,131.92; the tables file gives no 口径 note (p10)",
    ),
    # the 2017 机关运行经费 counted project money too; these documents say so (口径): explained, low
    ("D06", "江苏省人大办公厅2017年度预算公开", 333, "p28: 财政部对“机关运行经费”口径调整"),
    ("D06", "2017年省检察院部门预算", 347, "p22: 两个年度报表设计的统计口径形成的"),
    ("D06", "江苏省委办公厅2017年预算公开表格", 158, "its text file p10: 统计口径发生调整"),
    ("D06", "省法院2017年度部门预算公开", 470, "p24: 机关运行经费统计口径与上年不一致"),
    (
        "D07",
        "2017年省检察院部门预算",
        440,
        "text 基本支出 12,323.46 against 12,323.48 in 01 and on the same page (p19)",
    ),
    (
        "D08",
        "江苏省人大办公厅2017年度预算公开",
        494,
        "三公 shares 8.75/7.22/16.81% of 833.6 万元 should be 26.69/22.02/51.28% (p28)",
    ),
    (
        "D08",
        "2017年省检察院部门预算",
        526,
        "三公 shares 18.85/54.43/26.72% vs 18.82/54.39/26.79%: up to 0.07 points, low (p22)",
    ),
    (
        "D10",
        "省人大办公厅2018预算公开",
        550,
        "0 个项目实行绩效目标管理 with 项目支出 6,333.96 (p29)",
    ),
    ("D10", "2019年度部门预算公开", 699, "0 个项目 with 项目支出 4,335.30 (p32)"),
    (
        "D10",
        "江苏省委办公厅2018年度部门预算公开文件",
        220,
        "0 个项目 with 项目支出 12,081.46 in its tables file (p12)",
    ),
    (
        "D10",
        "江苏省政协办公厅2018年度部门预算",
        314,
        "0 个项目 with 项目支出 3,314.68 in its tables file (p15)",
    ),
    (
        "D11",
        "省法院2018年度部门预算公开",
        563,
        "2018: 一般行政管理事务 prior 6,442.89; 2017 published 6,432.89 (p19 / 2017 p22)",
    ),
]


@pytest.fixture(scope="module")
def real_run():
    real = shared_real()
    if real is None:
        pytest.skip("shared/real is not beside the repository")
    from loaders.pipeline import load_paths

    corpus = load_paths([real, ROOT / "data" / "samples" / "003_d00643376496db49.txt"], workers=2)
    return run_checks(corpus)


def test_every_flag_on_the_real_documents_is_listed_with_its_reason(real_run):
    flags = real_run.flags.filter(pl.col("check_id").is_in(D_CHECKS))
    got = {
        (r["check_id"], Path(r["source_file"]).name, r["source_line"])
        for r in flags.iter_rows(named=True)
    }
    listed = set()
    for code, part, line, _ in REAL_FLAGS:
        match = [g for g in got if g[0] == code and part in g[1] and g[2] == line]
        assert match, f"listed flag not raised: {code} {part} {line}"
        listed |= set(match)
    assert got == listed, f"flags not listed: {sorted(got - listed)}"
    explained = flags.filter(pl.col("check_id") == "D06", pl.col("explained").fill_null(False))
    assert explained.height == 4 and set(explained["severity"]) == {"low"}
    template = real_run.flags.filter(pl.col("source_file").str.contains("模板"))
    assert template.is_empty(), "the blank template raises nothing"


def test_check_summary_reports_applied_not_applicable_and_flagged(real_run):
    summary = real_run.summary.filter(pl.col("check_id").is_in(D_CHECKS))
    assert set(summary["check_id"]) == set(D_CHECKS)
    assert (summary["applied"] > 0).all() and (summary["documents"] > 0).all()
    assert summary.filter(pl.col("check_id") == "D01")["not_applicable"][0]
