"""The report text around a flagged line, with the line and its figures highlighted."""

from __future__ import annotations

import html
import re

import streamlit as st

from checks.registry import BY_CODE
from dashboard import plain
from dashboard.labels import label

_FIGURE = re.compile(r"\d[\d,]*(?:\.\d+)?%?")


def excerpt_html(lines: list[str], line: int, figures: list[str], context: int = 4) -> str:
    """HTML of lines around ``line`` (1-based); that line marked, its figures in bold."""
    start, end = max(1, line - context), min(len(lines), line + context)
    wanted = {f for f in figures if f}
    out = []
    for n in range(start, end + 1):
        # quote=False: no "&#x27;" whose digits the figure pattern below would cut apart
        text = html.escape(lines[n - 1].replace("\t", " │ ").replace("\u3000", " "), quote=False)
        if n == line:
            text = _FIGURE.sub(
                lambda m: (
                    f"<b>{m.group(0)}</b>"
                    if not wanted or m.group(0).replace(",", "") in wanted
                    else m.group(0)
                ),
                text,
            )
            out.append(
                f'<div style="background:#fff3b0;padding:1px 4px"><span style="color:#888">{n:>5}</span>  {text}</div>'
            )
        else:
            out.append(
                f'<div style="padding:1px 4px"><span style="color:#888">{n:>5}</span>  {text}</div>'
            )
    return (
        '<div class="ba-source" style="font-family:monospace;font-size:0.85rem;white-space:pre-wrap;'
        'border:1px solid #ddd;border-radius:4px">' + "".join(out) + "</div>"
    )


def figures_in(evidence: str) -> list[str]:
    return [m.rstrip("%").replace(",", "") for m in _FIGURE.findall(evidence or "")]


def show_finding(finding: dict, flags, texts: dict[str, list[str]]) -> None:
    """A finding: its primary flag in full, the reason the report gives, the other flags."""
    ids = finding["flag_ids"].split("; ")
    members = {
        r["flag_id"]: r for r in flags.filter(flags["flag_id"].is_in(ids)).iter_rows(named=True)
    }
    primary = members.get(ids[0])
    if primary is None:
        plain.text(finding["message"] or "")
        return
    show_flag(primary, texts)
    lines = texts.get(finding["doc_id"])
    if finding.get("explained") and finding.get("explanation_line"):
        plain.text(f"报告说明的原因（第 {finding['explanation_line']} 行）：{finding['explanation']}")
        if lines:
            st.html(excerpt_html(lines, int(finding["explanation_line"]), [], context=1))
    elif finding.get("explained") is False:
        plain.note("报告中未找到对这一偏差的原因说明（正文、偏差原因栏、分项都没有）。")
    if finding.get("within"):
        plain.note(f"金额已计入更大的一笔（问题 {finding['within']}），涉及金额不重复计算。")
    others = [members[i] for i in ids[1:] if i in members]
    if others:
        plain.text("同一事实的其他疑点（作为证据）：")
        for f in others:
            check = BY_CODE.get(f["check_id"])
            title = check.CHECK.title if check else ""
            plain.note(
                f"· {f['check_id']} {title}（{label('severity', f['severity'])}）：{f['message']}"
                f"　{f['source_file']} 第 {f['source_line']} 行"
            )


def show_flag(flag: dict, texts: dict[str, list[str]]) -> None:
    """Everything an auditor needs to quote a flag: figures, source text, why it matters."""
    st.html(
        f"<p class='ba-quote' style='font-weight:600;margin:0'>{plain.esc(flag['message'])}</p>"
    )
    plain.note(f"证据：{flag['evidence'] or ''}")
    lines = texts.get(flag["doc_id"])
    if lines and flag.get("source_line"):
        place = f"（原文件{flag['source_place']}）" if flag.get("source_place") else ""
        plain.text(f"原文：{flag['source_file']} 第 {flag['source_line']} 行{place}")
        st.html(excerpt_html(lines, int(flag["source_line"]), figures_in(flag["evidence"])))
    if flag.get("related_lines"):
        plain.note(f"同一事实的其他位置：{flag['related_lines']}")
    check = BY_CODE.get(flag["check_id"])
    if check:
        info = check.CHECK
        st.markdown(
            f"**为什么是疑点**（{info.code} {info.title}，{label('category', info.category)}，"
            f"{label('severity', flag['severity'])}）：{info.explanation}"
        )
        if flag.get("threshold"):
            plain.note(f"所用阈值：{flag['threshold']}")
        with st.expander("检查说明与示例"):
            st.markdown(info.doc)  # the check's own documentation (trusted, from checks/)
