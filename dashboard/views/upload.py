"""上传: add reports from the browser; they are kept in the workspace and read with the rest."""

import hashlib
import logging
import math
import os

import polars as pl
import streamlit as st

from checks.base import SEVERITIES
from dashboard import plain
from dashboard.data import app_data
from dashboard.labels import label
from dashboard.numbers import count
from dashboard.tables import Col, show
from dashboard.workspace import (
    SUFFIXES,
    UPLOAD_TYPES,
    UploadError,
    active_limits,
    delete_upload,
    list_uploads,
    process_upload,
    size_text,
    source_name,
    uploads_dir,
)
from loaders.limits import MB
from loaders.pipeline import printable_name

LOG = logging.getLogger("budget_audit.dashboard")


def _delete(name: str) -> None:
    ok = delete_upload(name)
    shown = printable_name(name)
    st.session_state["upload_notice"] = f"已删除 {shown}" if ok else f"未找到 {shown}，可能已被删除"


st.title("上传报告")
limits, limits_note = active_limits()
st.caption(
    f"支持格式：{'、'.join(SUFFIXES)}。单个文件不超过 {size_text(limits.max_bytes)}；"
    f"PDF 不超过 {limits.max_pages} 页；Word/Excel 解压后不超过 {size_text(limits.max_unzipped_bytes)}；"
    f"每个文件读取不超过 {limits.max_seconds:g} 秒。"
)
if limits_note:
    st.warning(plain.md(limits_note), icon=":material/warning:")
try:
    uploads_dir()
except UploadError as exc:  # the message names the server's folder: log it, do not show it
    LOG.error("uploads folder unusable: %s", exc)
    st.error("服务器上的上传目录不可用，暂时不能上传。请联系管理员检查工作目录设置。")
    st.stop()
st.caption("上传的文件保存在服务器的工作目录中，重启后仍在，并与其他报告一起出现在各页面。")

if notice := st.session_state.pop("upload_notice", None):
    st.success(plain.md(notice))

round_no = st.session_state.setdefault("upload_round", 0)
files = st.file_uploader(
    "选择报告文件（可多选）",
    type=UPLOAD_TYPES,
    accept_multiple_files=True,
    key=f"uploader_{round_no}",
    max_upload_size=max(1, math.ceil(limits.max_bytes / MB)),
)
if files:
    known_docs = app_data().corpus.documents.select("doc_id", "source_file")
    known = {d: s for d, s in known_docs.iter_rows() if d}
    # each file is read in a worker process of its own (time and memory limits), one by one
    bar = st.progress(0.0, text="正在保存并读取上传的文件…")
    results = []
    for k, f in enumerate(files):
        bar.progress(k / len(files), text=plain.md(f"正在读取第 {k + 1}/{len(files)} 个：{f.name}"))
        results.append(process_upload(f.name, f.getvalue(), limits, known))
    bar.progress(1.0, text="读取完成")
    st.session_state["upload_results"] = results
    st.session_state["upload_round"] = round_no + 1  # a fresh, empty uploader
    st.rerun()

data = app_data()
flags = data.run.flags
results = st.session_state.get("upload_results") or []
if results:
    st.subheader("本次上传")
    rows = pl.DataFrame(
        [
            {
                "file": r.row()["文件"],
                "format": r.suffix.lstrip(".").upper(),
                "size": size_text(r.size),
                "status": r.status,
                "department": r.department,
                "year": r.year,
                "budget_lines": r.budget_lines,
                "indicators": r.indicators,
                "issues": len(r.issues),
                "message": r.message,
            }
            for r in results
        ],
        schema={
            "file": pl.String,
            "format": pl.String,
            "size": pl.String,
            "status": pl.String,
            "department": pl.String,
            "year": pl.Int32,
            "budget_lines": pl.Int64,
            "indicators": pl.Int64,
            "issues": pl.Int64,
            "message": pl.String,
        },
    )
    show(
        rows,
        {
            "file": Col("文件"),
            "format": Col("格式", width="small"),
            "size": Col("大小", width="small"),
            "status": Col("状态", vocabulary="status", width="small"),
            "department": Col("部门"),
            "year": Col("年度", kind="year", width="small"),
            "budget_lines": Col("预算行数", kind="count", width="small"),
            "indicators": Col("指标数", kind="count", width="small"),
            "issues": Col("问题数", kind="count", width="small"),
            "message": Col("说明", width="large"),
        },
        key="upload_status",
    )
    for r in results:
        title = f"{label('status', r.status)} {r.row()['文件']}：读取问题 {len(r.issues):,} 条"
        with st.expander(plain.md(title), expanded=r.status == "failed"):
            if r.issues:
                issues = pl.DataFrame(
                    [
                        {
                            "severity": i.get("severity"),
                            "code": i.get("code"),
                            "message": i.get("message"),
                            "source_line": i.get("source_line"),
                        }
                        for i in r.issues
                    ],
                    schema={
                        "severity": pl.String,
                        "code": pl.String,
                        "message": pl.String,
                        "source_line": pl.Int64,
                    },
                )
                show(
                    issues.with_columns(pl.col("code").alias("title")),
                    {
                        "severity": Col("级别", vocabulary="issue_severity", width="small"),
                        "title": Col("问题", vocabulary="issue"),
                        "message": Col("说明", width="large"),
                        "source_line": Col("行号", kind="count", width="small"),
                        "code": Col("代码", width="small"),
                    },
                )
            else:
                st.success("该文件没有读取问题。")

    saved = list(dict.fromkeys(r.source_file for r in results if r.saved_as))  # upload order
    if saved:
        batch = flags.filter(pl.col("source_file").is_in(saved))
        st.subheader("这些文件的疑点")
        by_sev = dict(batch.group_by("severity").len().iter_rows())
        cols = st.columns(4)
        cols[0].metric("疑点", count(batch.height))
        for col, sev in zip(cols[1:], SEVERITIES, strict=True):
            col.metric(f"{label('severity', sev)}风险", count(by_sev.get(sev, 0)))
        depts = sorted(batch["department"].drop_nulls().unique().to_list())
        links = st.columns(2)
        with links[0]:
            st.page_link(
                "views/flags.py",
                label="在问题清单中查看（按这些部门筛选）" if depts else "打开问题清单",
                query_params={"dept": depts} if depts else None,
            )
        with links[1]:
            st.page_link(
                "views/documents.py", label="查看文档读取情况", query_params={"doc": saved[0]}
            )

uploads = list_uploads()
st.subheader(f"已上传的文件（{len(uploads)}）")
if not uploads:
    st.info("还没有上传的文件。")
else:
    docs = {row["source_file"]: row for row in data.corpus.documents.iter_rows(named=True)}
    per_file = dict(flags.group_by("source_file").len().iter_rows())
    head = st.columns([5, 2, 2, 1, 1])
    for col, text in zip(head, ("文件", "状态", "大小", "疑点", ""), strict=True):
        col.caption(text)
    for path in uploads:
        source = source_name(path)
        doc = docs.get(source, {})
        try:
            size = size_text(path.stat().st_size)
        except OSError:
            size = ""
        c = st.columns([5, 2, 2, 1, 1], vertical_alignment="center")
        c[0].text(source.removeprefix("uploads/"))  # printable even for a GBK-named file
        c[1].text(label("status", doc.get("status")) or "未读入")
        c[2].text(size)
        c[3].text(count(per_file.get(source, 0)))
        c[4].button(
            "删除",
            key="del_" + hashlib.sha256(os.fsencode(path.name)).hexdigest()[:16],
            on_click=_delete,
            args=(path.name,),
        )
