"""套话: groups of repeated text, every place with its department, document and section,
each compared side by side with its best match (in another document when there is one)."""

import difflib

import polars as pl
import streamlit as st

from dashboard import chrome, plain
from dashboard.data import app_data
from dashboard.labels import label
from dashboard.repeated_text import best_match, places
from dashboard.tables import Col, show
from dashboard.url_state import link_box, read_choice, write

st.title("套话与雷同文字")
data = app_data()
corpus, flags = data.corpus, data.run.flags
groups = flags.filter(pl.col("category") == "boilerplate")
st.caption(
    "同一段目标、指标、问题或措施出现在多个项目、部门或年度；已排除几乎每份报告都有的表格模板文字。"
    "每一处都与最相似的另一处对照（有其他文件中的雷同时，优先对照其他文件）。"
)
if groups.height == 0:
    st.info("没有发现雷同文字。")
    st.stop()


def _diff_html(a: str, b: str) -> tuple[str, str]:
    """Both texts escaped, with the characters that differ marked."""
    sm = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    out_a, out_b = [], []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        seg_a, seg_b = plain.esc(a[i1:i2]), plain.esc(b[j1:j2])
        if op == "equal":
            out_a.append(seg_a)
            out_b.append(seg_b)
        else:
            out_a.append(f'<mark style="background:#f8d7da">{seg_a}</mark>' if seg_a else "")
            out_b.append(f'<mark style="background:#d1e7dd">{seg_b}</mark>' if seg_b else "")
    return "".join(out_a), "".join(out_b)


def _side(title: str, body: str) -> str:
    return (
        f'<div style="font-weight:600;margin-bottom:0.3rem">{plain.esc(title)}</div>'
        f'<div style="line-height:1.7;border:1px solid #ddd;border-radius:4px;padding:0.5rem">'
        f"{body}</div>"
    )


groups = groups.sort(
    pl.col("severity").replace_strict({"high": 0, "medium": 1, "low": 2}, default=3),
    "department",
    "source_file",
    "source_line",
)
ids = groups["flag_id"].to_list()
labels = {
    r["flag_id"]: (
        f"{label('severity', r['severity'])} · {r['check_id']} · {r['department'] or ''} · "
        f"{(r['subject'] or '')[:36]}"
    )
    for r in groups.iter_rows(named=True)
}
chosen = read_choice("group", ids, ids[0])
chosen = st.selectbox(
    f"雷同组（共 {len(ids):,} 组）",
    ids,
    index=ids.index(chosen),
    format_func=labels.get,
    placeholder=chrome.CHOOSE_PLACEHOLDER,
    key="group",
)
write("group", chosen)
flag = groups.filter(pl.col("flag_id") == chosen).row(0, named=True)
st.html(f"<p class='ba-quote' style='font-weight:600;margin:0'>{plain.esc(flag['message'])}</p>")
plain.note(f"{flag['check_id']} {flag['check_title'] or ''} · {flag['threshold'] or ''}")

found = places(flag, corpus)
matches = [best_match(found, i) for i in range(len(found))]
table = pl.DataFrame(
    {
        "n": list(range(1, len(found) + 1)),
        "department": [p.department for p in found],
        "year": [p.year for p in found],
        "source_file": [p.source_file for p in found],
        "kind": [p.kind for p in found],
        "section": [f"{p.section}（{p.project}）" if p.project else p.section for p in found],
        "line": [p.line for p in found],
        "text": [p.text for p in found],
        "match": [f"第 {j + 1} 处" if j is not None else "" for j, _ in matches],
        "similarity": [round(s, 1) if j is not None else None for j, s in matches],
    },
    schema_overrides={"year": pl.Int32, "similarity": pl.Float64},
)
show(
    table,
    {
        "n": Col("序号", kind="count", width="small"),
        "department": Col("部门", width="medium"),
        "section": Col("栏目", width="medium"),
        "text": Col("文字", width="large"),
        "match": Col("最相似", width="small"),
        "similarity": Col("相似度", kind="score", width="small"),
        "line": Col("行", kind="count", width="small"),
        "source_file": Col("文件"),
        "year": Col("年度", kind="year", width="small"),
        "kind": Col("文档类型"),
    },
    key="places_table",
)

if len(found) >= 2:
    options = [str(i + 1) for i in range(len(found))]
    at = read_choice("place", options, "1")
    at = st.selectbox(
        "对照哪一处",
        options,
        index=options.index(at),
        format_func=lambda k: f"第 {k} 处 · {found[int(k) - 1].where}",
        placeholder=chrome.CHOOSE_PLACEHOLDER,
        key="place",
    )
    write("place", None if at == "1" else at)
    i = int(at) - 1
    j, score = matches[i]
    a, b = found[i], found[j]
    left_html, right_html = _diff_html(a.text, b.text)
    st.caption(f"第 {i + 1} 处与第 {j + 1} 处对照，相似度 {score:.1f}；不同的字已标出。")
    left, right = st.columns(2)
    left.html(_side(f"第 {i + 1} 处 · {a.where}", left_html))
    right.html(_side(f"第 {j + 1} 处 · {b.where}", right_html))
link_box("boilerplate")
