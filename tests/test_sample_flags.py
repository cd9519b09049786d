"""The red flags an auditor raises from each sample, by reading it (file, check, source line).

Every flag listed here must be found. For arithmetic and consistency, the list is
complete: any other flag there would come from rounding or a misreading.
"""

from __future__ import annotations

import polars as pl
import pytest

from checks.engine import run_checks

F0, F1, F2, F3, F4 = (
    "000_9f256ef334f2e80e.txt",
    "001_e4b7451ca6ac423e.txt",
    "002_ab28928a96ffb29a.txt",
    "003_d00643376496db49.txt",
    "004_8408bbae33fc7234.txt",
)
EXPECTED = {
    "execution": {
        (F0, "E01", 36),
        (F0, "E01", 46),
        # 基本支出 88.50%, 对个人和家庭的补助 68.33%: both explained (救济费, line 193)
        (F1, "E02", 81),  # 部门基本支出 预算 1925.25 决算 2558.63 (132.90%)
        (F3, "E01", 451),  # 一般行政管理事务 年初 51.5 → 25.33 (49.18%): a documented 压减, low
        (F3, "E01", 715),
        (F3, "E01", 736),  # 资金量 22.5 / 21 vs 执行 9.8 / 12.58: the 压减 of line 451
        (F4, "E01", 114),
        (F4, "E01", 117),
        (F4, "E01", 161),
        (F4, "E01", 28),  # 防疫 52.01%, 激励 0%, 人社 23.68%, 部门项目 59.86%
    },
    "balance": {
        (F0, "B01", 46),
        (F4, "B01", 161),
        (F4, "B01", 21),  # 人社 结余 4578.98; 整体 结余 13203.38
        (F4, "B02", 117),  # 追加 106 全部未用
        (F4, "B03", 21),
    },
    "indicator": {
        (F1, "I01", 385),  # 有效保障 / 有效保障
        (F1, "I03", 255),  # the whole 部门整体 table: every actual repeats its target
        (F2, "I03", 239),  # qualitative target answered "100%"
        (F2, "I04", 834),
        (F2, "I04", 1305),  # two indicators in one cell
        (F2, "I02", 918),  # 经济效益 / 生态效益 filled with "无"
        (F3, "I01", 667),
        (F3, "I01", 662),  # ≤计划期; 发挥作用
        (F3, "I03", 659),  # three tables whose actuals all repeat their targets
        (F3, "I04", 675),  # named after its category
    },
    "boilerplate": {
        (F1, "T02", 517),
        (F2, "T02", 815),  # goal copied as result
        (F2, "T01", 41),  # 附件6's problem section copies the main report's measures
        (F2, "T01", 396),  # 可持续发展 indicator in 3 tables
        (F3, "T01", 668),  # the same 信访 indicator under goals 2 and 3 and a project
    },
    "arithmetic": {
        (F0, "A02", 41),  # 工资福利支出 581.14 / 633.99 = 91.66%, printed 92.61%
        (F2, "A02", 58),  # 控制率 100% for 42 of 48 posts
        (F2, "A03", 476),
        (F2, "A03", 772),
        (F2, "A03", 1073),
        (F2, "A03", 1373),  # 得分 100 > 分值 10
        (F2, "A03", 436),  # 总分 90: the funds row (分值 10) left out, in all five tables
        (F2, "A04", 128),  # 部门项目支出 390.56, the four listed projects 132.84
    },
    "consistency": {
        (F1, "C01", 81),  # 基本支出 预算 1925.25 (附件2) vs 2558.63 (附件3)
        (F1, "C03", 299),  # 排除安全隐患率 100% in the table, 整改率97.5% (155 of 159) in the text
        (F2, "C01", 14),  # 编制 40 in prose vs 48 in 附件2
        (F2, "C02", 1671),  # 增长164% vs 增长160%
        (F3, "C03", 696),  # 档案咨询人数 5人 (整体表) vs 8人 (项目表); 档案整理数 5000 vs 5148件
    },
    "coverage": {
        (F0, "V01", 36),
        (F4, "V01", 21),  # no indicator table
        (F0, "V03", 81),  # the report evaluates 2 of its 14 projects (21.07 of 1083.89 万元)
        (
            F2,
            "V03",
            128,
        ),  # 基础数据表 部门项目支出: 4 project self-evaluations cover 132.84 of 390.56 万元
        (F3, "V04", 659),  # four indicator tables without weights or scores
    },
}
# Immaterial shortfalls and balances (under 10 万元 and 1% of the department) are not findings:
# the check summary counts them as 金额不重要 (issue #12, second reader: trivia).
IMMATERIAL = {
    (F0, "E01", 73),  # 企业口有关资金 5.00, 0% but explained (line 193)
    (F2, "B03", 18),  # 2.02 万元 returned to the treasury
    (F3, "E01", 694),  # 企业改制托管 资金量 4 → 2.94
    (F4, "E01", 113),  # 无线电管理经费 83.87%, 2.27 short in an 85,578.49 万元 department
    (F4, "E01", 116),  # 派驻纪检监察组办公经费 60.00%, 1.20 short
}
# Read once as flags, then found to be no red flag in context (issue #12):
NOT_FLAGGED = {
    (F0, "E01", 42),  # 商品服务支出 is 公用经费: staying under running costs is the goal
    (F1, "E01", 101),
    (F1, "B01", 101),  # 会议费、培训费 in the 经费控制情况 block: controlled costs
    (F1, "E01", 176),
    (F1, "B01", 176),  # 政府采购金额 restates money counted elsewhere (a memo row)
    (F2, "E01", 113),  # 公交车运行维护 is 公务车运行维护 (三公), typo and all
    (F3, "B01", 451),  # a 压减 (budget cut) is no idle balance
    (F3, "E02", 433),  # 105.18% of the initial budget: the items below document their 追加
    (F3, "C01", 433),  # 2.95 in the text, 2.94 in the table: one ≈2.945 rounded and truncated
    (F3, "E02", 439),
    (F3, "E02", 443),
    (F3, "E02", 453),  # the 追加 (11.25, 抚恤金 32.06, 8.67) is written in the same sentence
    (F4, "B02", 28),  # the whole balance is not additions: item by item 防疫 48%, 激励 100%
    (F1, "I04", 405),  # 满意度 under 效益指标 is the older template's own layout
    (F3, "I04", 700),  # a blank (merged) 一级 cell under 社会效益指标 is 效益指标
    (F2, "I02", 279),  # “……” rows of the form in a filled-in table are blank slots
}


@pytest.fixture(scope="module")
def flags(corpus):
    return run_checks(corpus).flags


@pytest.mark.parametrize("category", sorted(EXPECTED))
def test_expected_flags_are_found(flags, category):
    found = {
        (r["source_file"], r["check_id"], r["source_line"])
        for r in flags.filter(flags["category"] == category).iter_rows(named=True)
    }
    assert EXPECTED[category] - found == set()


@pytest.mark.parametrize("category", ["arithmetic", "consistency"])
def test_no_other_arithmetic_or_consistency_flags(flags, category):
    """Everything else in the samples adds up within rounding (e.g. 28.88% = 1.16 / 4)."""
    found = {
        (r["source_file"], r["check_id"], r["source_line"])
        for r in flags.filter(flags["category"] == category).iter_rows(named=True)
    }
    assert found == EXPECTED[category]


def test_every_low_rate_in_the_samples_has_its_reason_attached(flags):
    """Every material low rate of the samples is explained somewhere in its report: the row's
    own sentence, a named reason, the parts, or the 压减 of the total it is part of."""
    e01 = flags.filter(flags["check_id"] == "E01")
    where = {
        (r["source_file"], r["source_line"]): r["explanation_line"]
        for r in e01.iter_rows(named=True)
        if r["explained"]
    }
    assert set(where) == {(r["source_file"], r["source_line"]) for r in e01.iter_rows(named=True)}
    assert {(F4, 161), (F4, 114), (F4, 117), (F3, 715), (F3, 451)} <= set(where)
    assert where[(F0, 46)] == 193  # 对个人和家庭的补助 ← “救济费因…减少”
    assert where[(F3, 736)] == 451  # 资产监管: the 政策性项目经费压减 of 一般行政管理事务
    assert "V02" not in set(flags["check_id"])


def test_immaterial_shortfalls_are_counted_not_flagged(corpus, flags):
    found = {
        (r["source_file"], r["check_id"], r["source_line"]) for r in flags.iter_rows(named=True)
    }
    assert IMMATERIAL & found == set()
    summary = run_checks(corpus).summary
    dropped = dict(
        summary.filter(pl.col("check_id").is_in(["E01", "B03"]))
        .select("check_id", pl.col("not_applicable").str.extract(r"金额不重要（[^）]*）\s(\d+)"))
        .iter_rows()
    )
    assert dropped == {"E01": "4", "B03": "1"}


def test_misreadings_are_not_flagged(flags):
    found = {
        (r["source_file"], r["check_id"], r["source_line"]) for r in flags.iter_rows(named=True)
    }
    assert NOT_FLAGGED & found == set()


def test_flags_carry_figures_and_evidence(flags):
    assert flags.height > 50
    for row in flags.iter_rows(named=True):
        assert row["message"] and row["evidence"] and row["source_line"] and row["source_file"]
        assert row["category"] in EXPECTED and row["severity"] in ("high", "medium", "low")


def test_flag_ids_are_stable(corpus, flags):
    again = run_checks(corpus).flags
    assert sorted(again["flag_id"].to_list()) == sorted(flags["flag_id"].to_list())
    assert flags["flag_id"].n_unique() == flags.height


def test_one_fact_is_flagged_once(flags):
    """The same budget and actual in a table and in prose make one flag with related lines."""
    e01 = flags.filter((flags["check_id"] == "E01") & (flags["source_file"] == F4))
    messages = e01["message"].to_list()
    assert sum("人社专项" in m for m in messages) == 1
    assert any(r.startswith(F4 + ":") for r in e01["related_lines"].to_list())


def test_department_ranking(corpus, flags):
    ranking = run_checks(corpus).departments
    assert ranking.height == 5 and ranking["rank"].to_list() == [1, 2, 3, 4, 5]
    assert ranking["risk_score"].is_sorted(descending=True)
    assert (
        ranking.filter(ranking["rank"] == 1)["department"].item()
        == "衡阳市人民政府国有资产监督管理委员会"
    )
