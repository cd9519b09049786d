"""The PDF reader's layout rules on hand-made rows: when a page break cuts a row, which
column system wins, what counts as a page number and when a tight line is a wrap."""

from __future__ import annotations

from loaders.readers.pdf import _cut_row, _is_furniture, _join_wrapped, _refined_edges


def test_a_row_cut_by_the_page_break_is_rejoined():
    last = ["项目名称", "", "资产监管及营运工作经", "", ""]
    assert _cut_row(last, ["", "", "费", "", ""])


def test_a_new_row_is_not_taken_for_the_tail_of_the_last():
    full = ["", "质量指标", "档案整理合格率", "100%", "100%"]
    assert not _cut_row(full, ["", "", "……", "", ""])  # a placeholder row
    assert not _cut_row(full, ["", "", "", "90", ""])  # a figure
    assert not _cut_row(full, ["", "时效指标", "完成及时性", "≤计划期", "≤计划期"])  # as full
    ended = ["", "", "加快推进脱钩工作。", "", ""]
    assert not _cut_row(ended, ["", "", "完善制度", "", ""])  # the sentence above ended


def test_the_finer_column_system_of_two_pages_is_kept():
    coarse, fine = [6.4, 42.5, 589.9], [6.4, 45.4, 155.6, 196.9, 589.9]
    assert _refined_edges(coarse, fine) == fine
    assert _refined_edges(fine, coarse) == fine
    assert _refined_edges(coarse, [6.4, 300.0, 589.9]) is None  # not one table's rules
    assert _refined_edges(coarse, [60.0, 155.6, 589.9]) is None  # another left edge


def test_only_figures_in_the_margins_are_page_numbers():
    assert _is_furniture({"text": "- 3 -", "top": 800, "bottom": 810}, 842)
    assert _is_furniture({"text": "第 2 页", "top": 20, "bottom": 30}, 842)
    assert not _is_furniture({"text": "0", "top": 253, "bottom": 261}, 842)


def _line(top: float, *pieces: tuple[float, str]) -> tuple[list, dict]:
    chars = [{"size": 8.0}]
    row = [(x0, x0 + 8 * len(text), text) for x0, text in pieces]
    return row, {"top": top, "bottom": top + 8, "chars": chars}


def test_figures_under_figures_are_rows_but_under_words_a_wrap():
    rows, lines = zip(
        _line(100, (10, "其中：当年财政拨款"), (200, "85.5")),
        _line(111, (10, "上年结转资金"), (200, "0")),
        _line(122, (10, "纳入专户管理的拨款："), (200, "5")),
        _line(133, (10, "0")),
        strict=True,
    )
    got = _join_wrapped(list(rows), list(lines))
    assert [[text for _, _, text in row] for row in got] == [
        ["其中：当年财政拨款", "85.5"],
        ["上年结转资金", "0"],
        ["纳入专户管理的拨款：0", "5"],
    ]
