"""The kinds of finding the checks used to miss, each on a hand-made fixture and its exclusion."""

from __future__ import annotations

from check_fixtures import corpus, indicator, line
from test_checks import _settings

from checks import a03_score_arithmetic, i03_restated_target, v03_evaluation_coverage


def _funds_row(weight, score, **kw):
    return line(
        "年度资金总额",
        10,
        10,
        weight=weight,
        score=score,
        table_kind="dept_self_eval",
        table_id=2,
        **kw,
    )


def test_a03_total_that_leaves_out_the_funds_row():
    rows = [indicator(f"指标{i}", "5人", "5人", weight=45, score=45) for i in range(2)]
    total = indicator("总分", "", "", weight=90, score=90, row_kind="total", source_line=30)
    flags = a03_score_arithmetic.run(
        corpus([_funds_row(10, 10)], indicators=[*rows, total]), _settings("A03")
    ).flags
    assert [f["subject"] for f in flags] == ["总分未计入资金执行率"]
    # the same table with a total of 100 counts the funds row: nothing to say
    total = {**total, "weight": 100.0, "score": 100.0}
    assert (
        a03_score_arithmetic.run(
            corpus([_funds_row(10, 10)], indicators=[*rows, total]), _settings("A03")
        ).flags
        == []
    )


def test_i03_a_whole_table_whose_actuals_repeat_the_targets():
    values = [
        ("5人", "5人"),
        ("95%", "达到95%"),
        ("159", "159处"),
        ("400元", "小于等于400元"),
        ("有效", "有效"),
    ]
    table = [indicator(f"指标{i}", t, a, source_line=20 + i) for i, (t, a) in enumerate(values)]
    flags = i03_restated_target.run(corpus(indicators=table), _settings("I03")).flags
    assert [f["subject"] for f in flags] == ["整表实际值照抄目标值"]
    # one real actual (8人 for a target of 5人) is enough
    table[0] = {**table[0], "actual": "8人"}
    flags = i03_restated_target.run(corpus(indicators=table), _settings("I03")).flags
    assert "整表实际值照抄目标值" not in [f["subject"] for f in flags]


def test_v03_a_report_that_says_it_evaluates_only_some_projects():
    money = [
        line("项目支出", 1083.888, 1076.55, origin="prose", source_line=2),
        line("小计", 1083.88, 1076.55, row_kind="total", source_line=9, table_id=3),
    ]
    said = (
        "年初预算项目2个,金额合计21.07万元。根据财政局要求,我单位将对这两个项目开展绩效自评,"
        "其他专项经费仅仅通过我单位账户过桥转发，不纳入我单位部门整体支出绩效自评。"
    )
    texts = {"d1": ["", "项目支出预算为 1083.888 万元。", "", said]}
    flags = v03_evaluation_coverage.run(corpus(money, texts=texts), _settings("V03")).flags
    assert len(flags) == 1 and flags[0]["severity"] == "high" and "1.94%" in flags[0]["message"]
    # covering most of the money is no finding, whatever the wording
    texts = {"d1": ["", "项目支出预算为 1083.888 万元。", "", said.replace("21.07", "1000.00")]}
    assert v03_evaluation_coverage.run(corpus(money, texts=texts), _settings("V03")).flags == []
