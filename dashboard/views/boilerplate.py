"""套话: groups of repeated text, every place they appear, differences highlighted."""

import difflib
import html

import polars as pl
import streamlit as st

from dashboard.data import app_data
from dashboard.url_state import link_box, read_choice, write

st.title("套话与雷同文字")
data = app_data()
corpus, flags = data.corpus, data.run.flags
groups = flags.filter(pl.col("category") == "boilerplate")
st.caption(
    "同一段目标、指标、问题或措施出现在多个项目、部门或年度；已排除几乎每份报告都有的表格模板文字。"
)
if groups.height == 0:
    st.info("没有发现雷同文字。")
    st.stop()


def _line_text(doc_id: str, line: int) -> str:
    lines = corpus.texts.get(doc_id) or []
    return lines[line - 1].replace("\t", " ").strip() if 0 < line <= len(lines) else ""


def _diff_html(a: str, b: str) -> tuple[str, str]:
    """Both texts with the characters that differ marked."""
    sm = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    out_a, out_b = [], []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        seg_a, seg_b = html.escape(a[i1:i2]), html.escape(b[j1:j2])
        if op == "equal":
            out_a.append(seg_a)
            out_b.append(seg_b)
        else:
            out_a.append(f'<mark style="background:#f8d7da">{seg_a}</mark>' if seg_a else "")
            out_b.append(f'<mark style="background:#d1e7dd">{seg_b}</mark>' if seg_b else "")
    return "".join(out_a), "".join(out_b)


ids = groups["flag_id"].to_list()
labels = {
    r["flag_id"]: f"{r['check_id']} · {r['department']} · {r['subject'][:40]}"
    for r in groups.iter_rows(named=True)
}
chosen = read_choice("group", ids, ids[0])
chosen = st.selectbox(
    f"雷同组（共 {len(ids)} 组）", ids, index=ids.index(chosen), format_func=labels.get, key="group"
)
write("group", chosen)
flag = groups.filter(pl.col("flag_id") == chosen).row(0, named=True)
st.markdown(f"**{flag['message']}**")
places = [(flag["source_file"], int(flag["source_line"]), flag["doc_id"])]
files = dict(zip(corpus.documents["source_file"], corpus.documents["doc_id"], strict=False))
for ref in filter(None, (flag["related_lines"] or "").split("; ")):
    name, _, line = ref.rpartition(":")
    if line.isdigit() and name in files:
        places.append((name, int(line), files[name]))
st.dataframe(
    pl.DataFrame(
        {
            "位置": [f"{f}:{n}" for f, n, _ in places],
            "文字": [_line_text(d, n)[:120] for _, n, d in places],
        }
    ),
    hide_index=True,
    width="stretch",
)
st.caption(f"相似度与位置：{flag['evidence']}")
if len(places) >= 2:
    other = st.selectbox("与第一处对比", [f"{f}:{n}" for f, n, _ in places[1:]], key="compare")
    f2, n2, d2 = places[1 + [f"{f}:{n}" for f, n, _ in places[1:]].index(other)]
    a, b = _diff_html(_line_text(places[0][2], places[0][1]), _line_text(d2, n2))
    left, right = st.columns(2)
    left.markdown(f"**{places[0][0]} 第 {places[0][1]} 行**")
    left.html(f'<div style="line-height:1.7">{a}</div>')
    right.markdown(f"**{f2} 第 {n2} 行**")
    right.html(f'<div style="line-height:1.7">{b}</div>')
link_box("boilerplate")
