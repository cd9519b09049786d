"""The disclosure recognisers on small hand-made tables: units, codes, headers, empty tables."""

from __future__ import annotations

from loaders.pipeline import text_to_doc


def _accounts(text: str) -> list[dict]:
    return text_to_doc(text, "t.txt", "t", "utf-8").accounts


def _doc(text: str):
    return text_to_doc(text, "t.txt", "t", "utf-8")


def test_a_table_in_yuan_is_converted_and_keeps_what_was_printed():
    rows = _accounts(
        "2025年度部门预算\n\n02 收入预算总表\n单位：元\n\n"
        "项目\t\t合计\t财政拨款收入\t事业收入\n"
        "功能分类科目编码\t科目名称\t\t\t\n"
        "\t合计\t1,234,567.89\t1,000,000.00\t234,567.89\n"
    )
    total = next(r for r in rows if r["measure"] == "合计")
    assert (total["amount"], total["unit_printed"], total["decimals"]) == (123.456789, "元", 2)
    assert {r["measure"] for r in rows} == {"合计", "财政拨款收入", "事业收入"}
    assert {r["side"] for r in rows} == {"income"}


def test_codes_in_their_own_columns_or_glued_to_the_name():
    rows = _accounts(
        "2023年度部门决算\n\n2023年度一般公共预算财政拨款支出决算表\n金额单位：万元\n\n"
        "项目\t\t\t\t本年支出\t\t\n"
        "功能分类科目编码\t\t\t科目名称\t小计\t基本支出\t项目支出\n"
        "类\t款\t项\t栏次\t1\t2\t3\n"
        "208\t\t\t社会保障和就业支出\t221.90\t221.90\t\n"
        "208\t05\t\t行政事业单位养老支出\t189.84\t189.84\t\n"
        "208\t05\t02\t事业单位离退休\t143.21\t143.21\t-\n"
    )
    codes = {(r["code"], r["level"], r["measure"]): r["amount"] for r in rows}
    assert codes[("208", "类", "合计")] == 221.9
    assert codes[("20805", "款", "基本支出")] == 189.84
    assert codes[("2080502", "项", "项目支出")] == 0  # a printed dash is a zero amount
    assert {r["fund"] for r in rows} == {"一般公共预算"}
    glued = _accounts(
        "2019年度部门预算\n\n一般公共预算支出预算表\n\n"
        "功能科目\t金额\n合计\t100.00\n2010101行政运行\t60.00\n2010102 一般行政管理事务\t40.00\n"
    )
    assert [(r["code"], r["item"]) for r in glued] == [
        (None, "合计"),
        ("2010101", "行政运行"),
        ("2010102", "一般行政管理事务"),
    ]


def test_an_empty_fund_table_gives_no_rows_and_no_issue():
    doc = _doc(
        "2023年度部门决算\n\n2023年度政府性基金预算财政拨款收入支出决算表\n\n"
        "项目\t\t年初结转和结余\t本年收入\t本年支出\t年末结转和结余\n"
        "功能分类科目编码\t科目名称\t\t\t\t\n\t合计\t\t\t\t\n\n"
        "注：本单位无政府性基金预算财政拨款收入和支出，故本表为空表。\n"
    )
    assert doc.accounts == [] and doc.document["cells_numeric"] == 0
    assert not [i for i in doc.issues if i["code"] in ("unplaced-figure", "no-row-label")]


def test_columns_of_one_table_name_their_side():
    rows = _accounts(
        "2023年度部门决算\n\n2023年度政府性基金预算财政拨款收入支出决算表\n\n"
        "项目\t\t年初结转和结余\t本年收入\t本年支出\t\t\t年末结转和结余\n"
        "功能分类科目编码\t科目名称\t\t\t合计\t基本支出\t项目支出\t\n"
        "212\t城乡社区支出\t1.00\t10.00\t9.00\t\t9.00\t2.00\n"
    )
    sides = {r["measure"]: r["side"] for r in rows}
    assert sides == {
        "年初结转和结余": "balance",
        "本年收入": "income",
        "合计": "expenditure",
        "项目支出": "expenditure",
        "年末结转和结余": "balance",
    }


def test_a_figure_without_a_column_or_a_row_name_is_a_catalogued_issue():
    doc = _doc(
        "2023年度部门决算\n\n2023年度支出决算表\n\n"
        "项目\t\t本年支出合计\t基本支出\n功能分类科目编码\t科目名称\t\t\n"
        "208\t社会保障和就业支出\t10.00\t10.00\t5.00\n"
        "\t\t3.00\t\n"
    )
    codes = [i["code"] for i in doc.issues if i["source_line"]]
    assert sorted(codes) == ["no-row-label", "unplaced-figure"]
    assert doc.document["cells_numeric"] - doc.document["cells_placed"] == 2
