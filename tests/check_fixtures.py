"""Minimal hand-made corpora for each check: a true positive, the exclusions, nothing irrelevant."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from loaders import model
from loaders.blocks import text_to_blocks
from loaders.pipeline import Corpus, text_to_doc
from loaders.prose_figures import prose_figures

DOC = {"doc_id": "d1", "source_file": "fixture.txt", "department": "测试局", "year": 2023}


def line(item, budget=None, actual=None, **kw):
    row = {
        **DOC,
        "table": "表1",
        "item": item,
        "budget": budget,
        "actual": actual,
        "source_line": 10,
        "origin": "table",
        "table_kind": "budget_table",
        "table_id": 1,
        "row_kind": "item",
        "parent_item": "",
        "project": "",
        "code": "",
        "unit": "万元",
        "decimals": 2,
        "text": item,
    }
    row.update(kw)
    return row


def indicator(name, target, actual, **kw):
    row = {
        **DOC,
        "project": "",
        "level1": "产出指标",
        "level2": "数量指标",
        "name": name,
        "target": target,
        "actual": actual,
        "weight": None,
        "score": None,
        "note": "",
        "source_line": 20,
        "table": "表2",
        "table_kind": "dept_self_eval",
        "table_id": 2,
        "row_kind": "indicator",
    }
    row.update(kw)
    return row


def narrative(section, text, **kw):
    row = {**DOC, "project": "", "section": section, "text": text, "source_line": 30}
    row.update(kw)
    return row


def _figures(texts: dict[str, list[str]]) -> list[dict]:
    """The prose figures the loader would read from the given lines."""
    out = []
    for doc_id, lines in texts.items():
        rows, _ = prose_figures(text_to_blocks("\n".join(lines)))
        out += [{**r, "doc_id": doc_id, "source_file": DOC["source_file"]} for r in rows]
    return out


def corpus(budget=(), indicators=(), narratives=(), texts=None, docs=None) -> Corpus:
    docs = docs or [
        {
            **DOC,
            "kind": "整体自评报告",
            "region": "测试市",
            "status": "ok",
            "message": "",
            "encoding": "utf-8",
            "n_lines": 100,
        }
    ]
    return Corpus(
        documents=model.frame(docs, model.DOCUMENTS),
        prose_figures=model.frame(_figures(texts or {}), model.PROSE_FIGURES),
        budget_lines=model.frame(list(budget), model.BUDGET_LINES),
        indicators=model.frame(list(indicators), model.INDICATORS),
        narratives=model.frame(list(narratives), model.NARRATIVES),
        parse_issues=model.frame([], model.PARSE_ISSUES),
        texts=texts or {},
    )


SAMPLE_003 = Path(__file__).resolve().parents[1] / "data" / "samples" / "003_d00643376496db49.txt"


def final_accounts_text() -> str:
    """Sample 003's 部门决算 (tables and 情况说明), without its self-evaluation annex: the base
    of the disclosure checks' fixtures (each plants one error in a copy)."""
    lines = SAMPLE_003.read_text(encoding="utf-8").split("\n")
    end = max(i for i, line in enumerate(lines) if line.startswith("第四部分"))
    return "\n".join(lines[:end])


def planted(*edits: tuple[str, str], text: str | None = None) -> str:
    """``text`` (default: sample 003's 决算) with each (old, new) replaced exactly once."""
    text = final_accounts_text() if text is None else text
    for old, new in edits:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


def loaded(*texts: str) -> Corpus:
    """The corpus the loader reads from the given report texts (fixture_N.txt)."""
    docs = [
        text_to_doc(t, f"fixture_{i}.txt", f"f{i}", "utf-8") for i, t in enumerate(texts, start=1)
    ]
    return Corpus.from_docs(docs)


# two years of one department's 决算 (D11): 2023 restates the 2022 figure through its change
YEAR_2022 = "武汉市测试中心2022年度部门决算\n\n部门：武汉市测试中心\n\n一、收入决算情况说明\n\n2022年度收入合计510.46万元，主要是财政拨款收入。"
YEAR_2023 = "武汉市测试中心2023年度部门决算\n\n部门：武汉市测试中心\n\n一、收入决算情况说明\n\n2023年度收入合计524.26万元，与2022年相比，收入增加13.8万元，增长2.7%，主要原因是新增编制人员。"

LONG = "全面完成企业改制，筑牢稳定防线，保障信访维稳工作稳定持续向好，坚守安全底线，排除安全隐患。"

# code -> (positive corpus, negative corpus (each exclusion), settings override, flags expected with override)
FIXTURES = {
    "E01": (
        corpus([line("专项A", 100, 50)]),
        corpus(
            [
                line("专项B", 100, 95),
                line("公务接待费", 10, 0),
                line("公交车运行维护", 4, 3.27),  # 三公, typo and all
                line("其中：公用经费", 177.35, 159.26, table_kind="basic_data"),
                line("商品服务支出", 64.47, 54.57),  # running costs: staying under is the goal
                line("政府采购金额", 226.3, 0, table_kind="basic_data"),  # a memo row
                line("无预算", 0, 5),
            ]
        ),
        {"high_below": 40.0},
        1,
    ),
    "E02": (
        corpus([line("专项A", 100, 120.01)]),
        corpus(
            [
                line("专项B", 100, 100.004),
                line("专项C", 100, 90),
                # 年初预算 only, the 追加 written in the same sentence
                line(
                    "养老保险缴费",
                    12.65,
                    23.9,
                    budget_initial=12.65,
                    budget_adjustment=11.25,
                    origin="prose",
                ),
                line("死亡抚恤", 0, 32.06, budget_initial=0, origin="prose"),  # cannot be budgeted
                line("一般公共预算支出", 498.45, 524.26, budget_initial=498.45, origin="prose"),
            ]
        ),
        {"high_above": 130.0},
        1,
    ),
    "B01": (
        corpus([line("专项A", 1000, 700, balance=300)]),
        corpus(
            [
                line("专项B", 1000, 950),
                line("小额", 20, 15),
                line("三公经费", 100, 10),
                # 年初预算 51.5 → 决算 25.33: a 压减, not a balance
                line("一般行政管理事务", 51.5, 25.33, budget_initial=51.5, origin="prose"),
            ]
        ),
        {"share_medium": 50.0},
        0,
    ),
    "B02": (
        corpus([line("追加项目", None, 10, budget_initial=0, budget_adjustment=100)]),
        corpus(
            [
                line("追加用完", None, 95, budget_initial=0, budget_adjustment=100),
                # a total: its balance is not all additions (judged item by item)
                line(
                    "部门项目支出",
                    1505.25,
                    900.99,
                    budget_initial=319.58,
                    budget_adjustment=1185.67,
                ),
            ]
        ),
        {"unspent_share": 95.0},
        0,
    ),
    "B03": (
        corpus(texts={"d1": ["指标结余1,200.00万元，结余指标均已被财政收回。"]}),
        corpus(texts={"d1": ["资金已全部拨付到位。", "表\t收回\t1"]}),
        {"high_amount": 100.0},
        1,
    ),
    "I01": (
        corpus(
            indicators=[
                indicator("保障作用", "有效保障", "有效保障"),
                indicator("时效", "≤计划期", "≤计划期"),
            ]
        ),
        corpus(
            indicators=[
                indicator("人数", "5人", "5人"),
                indicator("……", "", ""),
                # quantified, though written as a sentence
                indicator("改革", "通过项目的实施，力争使68项具体改革事项完成率达到100%。", "100%"),
                indicator(
                    "上缴", "组织监管企业按时上缴，未按时上缴的企业不超过3家。", "全部按时上缴"
                ),
                indicator("服务离退休人员人数", "257", "257"),  # the unit is in the name
            ]
        ),
        {"vague_words": ["不存在的词"]},
        1,
    ),
    "I02": (
        corpus(indicators=[indicator("人数", "5人", "5人"), indicator("无", "无", "无")]),
        # the form's “……” rows in a filled-in table are blank slots
        corpus(indicators=[indicator("人数", "5人", "5人"), indicator("……", "", "")]),
        {"high_share": 60.0},
        1,
    ),
    "I03": (
        corpus(
            indicators=[
                indicator("档案", "档案归档规范齐全", "档案归档规范齐全"),
                indicator("工作", "做好留守处工作", "100%"),
            ]
        ),
        corpus(
            indicators=[indicator("人数", "5人", "5人"), indicator("作用", "有效保障", "有效保障")]
        ),
        {"min_chars": 50},
        1,
    ),
    "I04": (
        corpus(
            indicators=[
                indicator("作用", "发挥", "发挥", level2="社会效益指标"),  # 产出 on its own row
                indicator(
                    "经济效益指标",
                    "1个",
                    "1个",
                    level1="效益指标",
                    level2="经济效益指标",
                    source_line=21,
                ),
                indicator("服务人数", "5人", "5人", source_line=22),
            ],
            texts={"d1": [""] * 19 + ["\t产出指标\t社会效益指标\t作用\t发挥\t发挥", "", ""]},
        ),
        corpus(
            indicators=[
                indicator("人数", "5人", "5人"),
                # a blank (merged) 一级 cell carried down: 社会效益 is 效益
                indicator("资料参考作用", "5件", "5件", level2="社会效益指标", source_line=21),
                # the older template files 满意度 under 效益
                indicator(
                    "服务满意率",
                    "95%",
                    "95%",
                    level1="效益指标",
                    level2="社会公众或服务对象满意度",
                    source_line=22,
                ),
                indicator("工资总额预算管理", "11家", "11家", source_line=23),  # not money in
            ],
            texts={
                "d1": [""] * 19
                + ["\t产出指标\t数量指标\t人数\t5人\t5人", "\t\t社会效益指标\t资料参考作用"]
            },
        ),
        {"input_pattern": "人数"},
        3,
    ),
    "T01": (
        corpus(
            narratives=[
                narrative("存在问题", LONG, project="甲"),
                narrative("存在问题", LONG, project="乙", source_line=40),
            ]
        ),
        corpus(
            narratives=[
                narrative("存在问题", LONG),
                narrative("改进措施", "加强预算管理，提高资金使用效益。", source_line=40),
            ]
        ),
        {"min_chars": 200},
        0,
    ),
    "T02": (
        corpus(
            narratives=[
                narrative("预期目标", LONG, project="甲"),
                narrative("实际完成", LONG.replace("排除", "消除"), project="甲", source_line=31),
            ]
        ),
        corpus(
            narratives=[
                narrative("预期目标", LONG, project="甲"),
                narrative("实际完成", "完成托管企业档案整理5148件。", project="甲"),
            ]
        ),
        {"similarity": 99.0},
        0,
    ),
    "A01": (
        corpus(
            [
                line("甲", 10.00, 5.00),
                line("乙", 20.00, 5.00),
                line("小计", 30.05, 10.00, row_kind="subtotal"),
            ]
        ),
        corpus(
            [
                line("甲", 10.00, 5.00),
                line("乙", 20.00, 5.00),
                line("小计", 30.01, 10.01, row_kind="subtotal"),
            ]
        ),
        {"min_difference": 1.0},
        0,
    ),
    "A02": (
        corpus([line("甲", 633.99, 581.14, rate_stated=92.61, rate_decimals=2)]),
        corpus(
            [
                line("三公", 4.00, 1.16, rate_stated=28.88, rate_decimals=2),
                line("乙", 2967.53, 2797.78, balance=169.76),
            ]
        ),
        {"min_rate_gap": 5.0},
        0,
    ),
    "A03": (
        corpus(
            [
                line(
                    "年度资金总额",
                    10,
                    10,
                    weight=10,
                    score=100,
                    table_kind="project_self_eval",
                    project="甲",
                )
            ]
        ),
        corpus(
            indicators=[
                indicator("人数", "5人", "5人", weight=50, score=45),
                indicator("总分", "", "", weight=50, score=45, row_kind="total"),
            ]
        ),
        {"tolerance": 100.0},
        1,
    ),
    "C01": (
        corpus(
            [
                line("基本支出", 100, 90, table_id=1),
                line("基本支出", 120, 90, table_id=2, source_line=20),
            ]
        ),
        corpus(
            [
                line("基本支出", 1083.888, 90, table_id=1, decimals=3),
                line("基本支出", 1083.88, 90, table_id=2, source_line=20),
                line("合计", 5, 5, table_id=3),
                # one amount (≈2.945) rounded in one place, truncated in the other
                line("专项经费", 2.95, 2.95, table_id=4, source_line=30),
                line("专项经费", 2.94, 2.94, table_id=5, source_line=40),
            ]
        ),
        {"generic_items": ["基本支出"]},
        0,
    ),
    "A04": (
        corpus(
            [
                line("二、部门项目支出", 390.56, 390.56, table_kind="basic_data", source_line=128),
                line("1、国企改革工作经费", 13.5, 13.5, table_kind="basic_data", source_line=133),
                line("2、维稳专项工作经费", 9, 9, table_kind="basic_data", source_line=143),
                line("政府采购金额", 0, 0, table_kind="basic_data", source_line=153),
            ]
        ),
        corpus(
            [
                line("二、部门项目支出", 220.13, 220.13, table_kind="basic_data", source_line=141),
                line("维稳工作经费", 220.13, 220.13, table_kind="basic_data", source_line=161),
                line("政府采购金额", 226.3, 0, table_kind="basic_data", source_line=176),
                # last year's projects may have been others: prior years are not compared
                line("部门项目支出", 5, 5, table_kind="basic_data", table_id=7, prior_actual=99.0),
                line("甲", 5, 5, table_kind="basic_data", table_id=7, prior_actual=1.0),
            ]
        ),
        {"min_difference": 400.0},
        0,
    ),
    "C02": (
        corpus(
            texts={
                "d1": [
                    "项目支出390.56万元，比上年增长242.65万元，增长164%。",
                    "项目支出390.56万元，比上年增长242.65万元，增长160%。",
                ]
            }
        ),
        corpus(texts={"d1": ["收入完成1367.36万元，比上年增加300.91万元，增长28.21%。"]}),
        {"max_statements": 0},
        0,
    ),
    "C03": (
        corpus(
            indicators=[
                indicator("档案咨询人数", "5人", "5人", table_id=2),
                indicator("档案咨询人数", "5人", "8人", table_id=3, project="甲", source_line=40),
                indicator("排除安全隐患率", "100%", "100%", source_line=21),
            ],
            texts={"d1": ["排查安全隐患159处，整改155处，整改率97.5%。"]},
        ),
        corpus(
            indicators=[
                indicator("档案咨询人数", "5人", "5人", table_id=2),
                indicator("档案咨询人数", "5人", "5人", table_id=3, project="甲", source_line=40),
                indicator("安全隐患整改资金执行率", "100%", "100%", source_line=21),
                indicator("排除安全隐患率", "100%", "100%", source_line=22),
            ],
            texts={
                "d1": [
                    "安全隐患整改资金年初预算75万元，执行率95%。",  # money, not this indicator
                    "排查安全隐患159处，全部整改，整改率100%。",
                ]
            },
        ),
        {"rate_gap": 5.0},
        1,
    ),
    "V01": (
        corpus([line("专项A", 100, 100)]),
        corpus([line("专项A", 100, 100)], indicators=[indicator("人数", "5人", "5人")]),
        {"kinds": "部门决算"},
        0,
    ),
    "V02": (
        corpus([line("专项A", 100, 50)], texts={"d1": ["专项A\t100\t50"]}),
        corpus([line("专项B", 100, 50)], texts={"d1": ["专项B执行率偏低的原因是项目延期。"]}),
        {"below": 40.0},
        0,
    ),
    "V03": (
        corpus(
            [
                line("部门项目支出", 400, 400, table_kind="basic_data"),
                line("年度资金总额", 100, 100, table_kind="project_self_eval", project="甲"),
            ]
        ),
        corpus(
            [
                line("部门项目支出", 400, 400, table_kind="basic_data"),
                line("年度资金总额", 390, 390, table_kind="project_self_eval", project="甲"),
            ]
        ),
        {"min_share": 20.0},
        0,
    ),
    "V04": (
        corpus(indicators=[indicator("人数", "5人", "5人"), indicator("次数", "3次", "3次")]),
        corpus(
            indicators=[
                indicator("人数", "5人", "5人", weight=5, score=5),
                indicator("次数", "3次", "3次", weight=5, score=5),
            ]
        ),
        {"min_rows": 5},
        0,
    ),
    "D01": (
        loaded(
            planted(
                ("注：我单位无“政府性基金 ”预算支出。", ""),
                ("2023年度国有资本经营预算财政拨款支出决算表", "2023年度国有资本经营支出情况"),
            )
        ),
        loaded(final_accounts_text()),
        {"empty_note": "栏次"},
        1,
    ),
    "D02": (
        loaded(planted(("\n十二、国有资产占用情况说明\n", "\n十二、资产情况说明\n"))),
        loaded(final_accounts_text()),
        {"heading_chars": 5},
        0,
    ),
    "D03": (
        loaded(
            planted(
                (
                    "相比，收、支总计各增加13.8万元，增长2.7%",
                    "相比，收、支总计各增加13.8万元，增长（下降）2.7%",
                )
            )
        ),
        loaded(final_accounts_text()),
        {"alternative": "不存在的词"},
        0,
    ),
    "D04": (
        loaded(
            planted(
                ("\n2023年度收入决算表\n", "\n2022年度收入决算表\n"),
                (
                    "2023年度收入合计524.26万元，与2022年相比",
                    "2022年度收入合计524.26万元，与2021年相比",
                ),
            )
        ),
        loaded(final_accounts_text()),
        {"max_per_document": 1},
        1,
    ),
    "D08": (
        loaded(planted(("占本年支出合计的100.0 %", "占本年支出合计的90.0 %"))),
        loaded(final_accounts_text()),
        {"minor_points": 20.0},
        1,
    ),
    "D07": (
        loaded(
            planted(
                (
                    "2023年度一般公共预算财政拨款基本支出498.93万元",
                    "2023年度一般公共预算财政拨款基本支出488.93万元",
                )
            )
        ),
        loaded(final_accounts_text()),
        {"min_difference": 20.0},
        0,
    ),
    "D09": (
        loaded(
            planted(
                (
                    "支出决算数大于年初预算数的主要原因是：新增编制人员，追加人员相关经费11.25",
                    "支出决算数小于年初预算数的主要原因是：新增编制人员，追加人员相关经费11.25",
                )
            )
        ),
        loaded(final_accounts_text()),
        {"less": "不存在的词"},
        0,
    ),
    "D10": (
        loaded(planted(("共涉及项目3个", "共涉及项目0个"))),
        loaded(final_accounts_text()),
        {"projects": "不存在的词"},
        0,
    ),
    "D11": (
        loaded(YEAR_2022, YEAR_2023.replace("增加13.8万元", "增加23.8万元")),
        loaded(YEAR_2022, YEAR_2023),
        {"bases": ["上年预算"]},
        0,
    ),
    "D05": (
        loaded(planted(("总计\t31\t524.26\t总计", "总计\t31\t534.26\t总计"))),
        loaded(final_accounts_text()),
        {"min_difference": 20.0},
        0,
    ),
    "D06": (
        loaded(planted(("\t合计\t524.26\t524.26\t\t", "\t合计\t534.26\t534.26\t\t"))),
        loaded(final_accounts_text()),
        {"min_difference": 20.0},
        0,
    ),
}


def empty_frame_like(schema: dict) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)
