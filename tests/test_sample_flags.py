"""The red flags an auditor raises from each sample, by reading it (file, check, source line).

Every flag listed here must be found. For arithmetic and consistency, the list is
complete: any other flag there would come from rounding or a misreading.
"""

from __future__ import annotations

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
        (F0, "E01", 42),
        (F0, "E01", 46),
        (F0, "E01", 73),  # 基本支出 88.50%, 商品服务 84.64%, 对个人 68.33%, 企业口 0%
        (F1, "E02", 81),  # 部门基本支出 预算 1925.25 决算 2558.63 (132.90%)
        (F1, "E01", 101),
        (F1, "E01", 176),  # 会议费培训费 7.96%, 政府采购 0%
        (F3, "E01", 451),  # 一般行政管理事务 年初 51.5 → 25.33 (49.18%)
        (F3, "E01", 694),
        (F3, "E01", 715),
        (F3, "E01", 736),  # 资金量 4 / 22.5 / 21 vs 执行 2.94 / 9.8 / 12.58
        (F3, "E02", 439),
        (F3, "E02", 443),
        (F3, "E02", 453),  # 188.93%, 死亡抚恤 无年初预算, 104.5%
        (F4, "E01", 114),
        (F4, "E01", 117),
        (F4, "E01", 161),
        (F4, "E01", 28),  # 防疫 52.01%, 激励 0%, 人社 23.68%, 部门项目 59.86%
        (F4, "E01", 113),
        (F4, "E01", 116),  # 无线电 83.84%, 派驻纪检 60%
    },
    "balance": {
        (F0, "B01", 46),
        (F1, "B01", 101),
        (F1, "B01", 176),
        (F3, "B01", 451),
        (F4, "B01", 161),
        (F4, "B01", 21),  # 人社 结余 4578.98; 整体 结余 13203.38
        (F4, "B02", 117),
        (F4, "B02", 28),  # 追加 106 全部未用; 追加 1185.67 结余 604.26
        (F4, "B03", 21),
        (F2, "B03", 18),  # 结余被财政收回
    },
    "indicator": {
        (F1, "I01", 385),  # 有效保障 / 有效保障
        (F1, "I04", 405),  # 满意度 filed under 效益
        (F2, "I03", 239),  # qualitative target answered "100%"
        (F2, "I04", 834),
        (F2, "I04", 1305),  # two indicators in one cell
        (F2, "I02", 848),  # placeholder rows
        (F3, "I01", 667),
        (F3, "I01", 662),  # ≤计划期; 发挥作用
        (F3, "I04", 700),
        (F3, "I04", 675),  # 社会效益 under 产出; named after its category
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
    },
    "consistency": {
        (F1, "C01", 81),  # 基本支出 预算 1925.25 (附件2) vs 2558.63 (附件3)
        (F2, "C01", 14),  # 编制 40 in prose vs 48 in 附件2
        (F2, "C02", 1671),  # 增长164% vs 增长160%
        (F3, "C01", 433),  # 企业托管改制工作专项经费 2.95 vs 2.94
    },
    "coverage": {
        (F0, "V01", 36),
        (F4, "V01", 21),  # no indicator table
        (
            F2,
            "V03",
            128,
        ),  # 基础数据表 部门项目支出: 4 project self-evaluations cover 132.84 of 390.56 万元
        (F3, "V04", 659),  # four indicator tables without weights or scores
        (F3, "V02", 694),
        (F3, "V02", 736),
        (F4, "V02", 113),  # low rate, no explanation
    },
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
        ranking.filter(ranking["rank"] == 5)["department"].item() == "长沙市工业企业改制服务办公室"
    )
