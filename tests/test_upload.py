"""Uploads: safe names, saving inside the workspace only, the 上传 page, uploads on every page."""

from __future__ import annotations

import json
import os

import polars as pl
import pytest
from conftest import FIXTURES, ROOT, SAMPLES
from streamlit.testing.v1 import AppTest

from dashboard import plain
from dashboard import workspace as ws
from loaders.limits import Limits

ENTRY = str(ROOT / "dashboard" / "app.py")
CLEAN = (FIXTURES / "clean_report.txt").read_bytes()
GARBAGE = bytes(range(256)) * 16  # NUL and control bytes: clearly not a text report


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    """A fresh workspace for one test, inside tmp_path/inner so 'outside' can be watched."""
    root = tmp_path / "inner" / "ws"
    monkeypatch.setenv(ws.ENV, str(root))
    monkeypatch.setenv("BUDGET_AUDIT_PATHS", str(SAMPLES))
    for name in [k for k in os.environ if k.startswith("BUDGET_AUDIT_LIMITS_")]:
        monkeypatch.delenv(name)
    return root


def _all_files(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# ---- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("/etc/cron.d/evil.txt", "evil.txt"),
        ("C:\\Windows\\System32\\evil.TXT", "evil.txt"),
        ("..\\..\\报告.docx", "报告.docx"),
        ("a\x00b.txt", "ab.txt"),
        ("report\x1b[31m.txt", "report[31m.txt"),
        ("年度报告\u202etxt.exe.md", "年度报告txt.exe.md"),  # right-to-left override removed
        ("<script>.txt", "_script_.txt"),
        ('a:b|c?d*"e".pdf', "a_b_c_d__e_.pdf"),
        (".bashrc", "upload.bashrc"),
        (".txt", "upload.txt"),
        ("...", "upload"),
        ("..", "upload"),
        ("", "upload"),
        ("CON.txt", "_CON.txt"),
        ("lpt1", "_lpt1"),
        ("nul.tar.xlsx", "_nul.tar.xlsx"),
        ("a..b.md", "a.b.md"),
        ("  长沙市 工信局  2023.TXT ", "长沙市 工信局 2023.txt"),
        ("trailing. .", "trailing"),
    ],
)
def test_sanitize_name(raw, safe):
    assert ws.sanitize_name(raw) == safe


def test_sanitize_long_names_keep_extension_and_characters():
    long_cn = "长沙市工业和信息化局" * 30 + ".docx"
    safe = ws.sanitize_name(long_cn)
    assert safe.endswith(".docx") and safe.startswith("长沙市工业和信息化局")
    assert len(safe.encode()) <= ws.MAX_NAME_BYTES
    safe = ws.sanitize_name("x" * 5000 + ".pdf")
    assert safe.endswith(".pdf") and len(safe.encode()) <= ws.MAX_NAME_BYTES


# ---- saving -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["../../etc/passwd.txt", "/tmp/abs.txt", "..\\..\\win.txt", "a\x00/../b.txt"]
)
def test_save_never_leaves_the_uploads_folder(workspace, tmp_path, name):
    path = ws.save_upload(name, b"hello")
    uploads = workspace / "uploads"
    assert path.parent == uploads.resolve() and path.read_bytes() == b"hello"
    assert _all_files(tmp_path) == [
        "inner",
        "inner/ws",
        "inner/ws/uploads",
        f"inner/ws/uploads/{path.name}",
    ]


def test_collisions_get_a_suffix_and_nothing_is_replaced(workspace):
    first = ws.save_upload("报告.txt", b"1")
    second = ws.save_upload("报告.txt", b"2")
    third = ws.save_upload("../报告.txt", b"3")
    assert [p.name for p in (first, second, third)] == ["报告.txt", "报告-2.txt", "报告-3.txt"]
    assert [p.read_bytes() for p in (first, second, third)] == [b"1", b"2", b"3"]
    long = "长" * 200 + ".txt"
    a, b = ws.save_upload(long, b"a"), ws.save_upload(long, b"b")
    assert a != b and b.name.endswith("-2.txt") and len(b.name.encode()) <= ws.MAX_NAME_BYTES


def test_size_limit_is_checked_before_writing(workspace):
    with pytest.raises(ws.UploadError) as err:
        ws.save_upload("big.txt", b"x" * 101, Limits(max_bytes=100))
    assert err.value.code == "too-large" and "超过大小上限" in str(err.value)
    assert not (workspace / "uploads").exists() or _all_files(workspace / "uploads") == []
    assert ws.save_upload("ok.txt", b"x" * 100, Limits(max_bytes=100)).name == "ok.txt"
    with pytest.raises(ws.UploadError, match="为空"):
        ws.save_upload("empty.txt", b"")


def test_no_temp_files_are_left_behind(workspace):
    ws.save_upload("a.txt", b"a")
    assert _all_files(workspace / "uploads") == ["a.txt"]


def test_symlink_in_uploads_is_not_followed(workspace, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"secret")
    uploads = workspace / "uploads"
    uploads.mkdir(parents=True)
    (uploads / "report.txt").symlink_to(outside)
    saved = ws.save_upload("report.txt", b"new")
    assert saved.name == "report-2.txt" and outside.read_bytes() == b"secret"
    assert [p.name for p in ws.list_uploads()] == ["report-2.txt"]  # the link is not an upload
    assert ws.delete_upload("report.txt") is False and outside.exists()


def test_symlinked_uploads_folder_is_refused(workspace, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    workspace.mkdir(parents=True)
    (workspace / "uploads").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(ws.UploadError) as err:
        ws.save_upload("a.txt", b"a")
    assert err.value.code == "unsafe-folder"
    assert list(elsewhere.iterdir()) == [] and ws.list_uploads() == []
    result = ws.process_upload("a.txt", CLEAN)
    assert result.status == "failed" and "符号链接" in result.message


def test_list_and_delete(workspace, tmp_path):
    assert ws.list_uploads() == []
    ws.save_upload("b.txt", b"b")
    ws.save_upload("a.txt", b"a")
    (workspace / "uploads" / ".upload-x.part").write_bytes(b"partial")
    assert [p.name for p in ws.list_uploads()] == ["a.txt", "b.txt"]
    victim = tmp_path / "inner" / "victim.txt"
    victim.write_bytes(b"keep")
    for bad in [
        "../victim.txt",
        "../../inner/victim.txt",
        "/etc/passwd",
        "",
        ".",
        "..",
        ".upload-x.part",
    ]:
        assert ws.delete_upload(bad) is False
    assert victim.exists() and (workspace / "uploads" / ".upload-x.part").exists()
    assert ws.delete_upload("a.txt") is True and ws.delete_upload("a.txt") is False
    assert [p.name for p in ws.list_uploads()] == ["b.txt"]


def test_workspace_defaults_to_the_users_data_folder_not_the_checkout(monkeypatch, tmp_path):
    monkeypatch.delenv(ws.ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert ws.workspace_dir() == (tmp_path / "data" / "budget-audit").resolve()
    monkeypatch.delenv("XDG_DATA_HOME")
    assert not ws.workspace_dir().is_relative_to(ROOT)


def test_serve_sets_workspace_env(monkeypatch, tmp_path):
    from cli import main as cli
    from cli import serve

    seen = {}
    monkeypatch.setattr(serve.subprocess, "Popen", lambda cmd, env, cwd, **kw: seen.update(env))
    monkeypatch.setattr(serve, "supervise", lambda child: 0)
    monkeypatch.setattr(serve, "announce_ready", lambda *args: None)  # no server to wait for
    assert cli.main(["serve", str(SAMPLES), "--workspace", str(tmp_path / "w")]) == 0
    assert seen[ws.ENV] == str((tmp_path / "w").resolve())


# ---- processing one uploaded file (what the page calls) ----------------------------------------


def test_process_clean_and_garbage(workspace):
    good = ws.process_upload("clean_report.txt", CLEAN)
    assert good.status == "ok" and good.saved_as == "clean_report.txt"
    assert good.source_file == "uploads/clean_report.txt"
    row = good.row()
    assert row["状态"].startswith("✅") and row["部门"] == "青山市文化局" and row["年度"] == "2023"
    assert row["预算行数"] > 0 and row["指标数"] > 0 and row["问题数"] == 0 and row["格式"] == "TXT"
    bad = ws.process_upload("garbage.txt", GARBAGE)
    assert bad.status == "failed" and bad.row()["状态"].startswith("❌") and bad.issues
    assert bad.saved_as == "garbage.txt"  # kept, so the 文档 page shows why it failed


@pytest.mark.parametrize(
    ("name", "data", "limits", "needle"),
    [
        ("../../etc/passwd", b"root:x:0:0", None, "不支持的格式"),
        ("<script>alert(1)</script>.exe", b"MZ", None, "不支持的格式"),
        ("empty.txt", b"", None, "为空"),
        ("big.txt", b"x" * 2048, Limits(max_bytes=1024), "超过大小上限"),
    ],
)
def test_process_rejects_without_saving(workspace, name, data, limits, needle):
    result = ws.process_upload(name, data, limits)
    assert result.status == "failed" and needle in result.message and result.saved_as == ""
    assert result.row()["状态"].startswith("❌") and ws.list_uploads() == []


def test_process_hostile_name_is_saved_safely(workspace):
    result = ws.process_upload("<script>.txt", CLEAN)
    assert result.saved_as == "_script_.txt" and result.status == "ok"


def test_process_same_bytes_twice_is_stored_once(workspace):
    ws.process_upload("a.txt", CLEAN)
    again = ws.process_upload("b.txt", CLEAN)
    assert again.saved_as == "a.txt" and "内容相同" in again.message
    assert [p.name for p in ws.list_uploads()] == ["a.txt"]
    sample = sorted(SAMPLES.glob("*.txt"))[0]
    from loaders.pipeline import doc_id_of

    data = sample.read_bytes()
    known = ws.process_upload("copy.txt", data, known={doc_id_of(data): sample.name})
    assert known.status == "failed" and sample.name in known.message
    assert [p.name for p in ws.list_uploads()] == ["a.txt"]


def test_process_never_raises(workspace, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("kaputt")

    monkeypatch.setattr(ws, "load_named", boom)
    result = ws.process_upload("x.txt", CLEAN)
    assert result.status == "failed" and "kaputt" in result.message


# ---- the app's data includes uploads ---------------------------------------------------------


def test_app_data_includes_uploads_and_notices_changes(workspace):
    from dashboard.data import app_data

    before = app_data()
    n = before.corpus.documents.height
    ws.save_upload("clean.txt", CLEAN)
    after = app_data()
    docs = after.corpus.documents
    assert docs.height == n + 1 and "uploads/clean.txt" in docs["source_file"].to_list()
    assert after.corpus.budget_lines.filter(pl.col("source_file") == "uploads/clean.txt").height
    ws.delete_upload("clean.txt")
    assert app_data().corpus.documents.height == n


def test_app_data_copy_of_a_sample_is_not_counted_twice(workspace):
    from dashboard.data import app_data

    base = app_data()
    sample = sorted(SAMPLES.glob("*.txt"))[0]
    (workspace / "uploads").mkdir(parents=True)
    (workspace / "uploads" / "copy.txt").write_bytes(sample.read_bytes())
    data = app_data()
    row = data.corpus.documents.filter(pl.col("source_file") == "uploads/copy.txt").row(
        0, named=True
    )
    assert row["status"] == "failed" and sample.name in row["message"]
    assert data.run.flags.height == base.run.flags.height


# ---- the page ---------------------------------------------------------------------------------


def _open_upload(**session) -> AppTest:
    at = AppTest.from_file(ENTRY, default_timeout=60)
    at.run()
    at.switch_page("views/upload.py")
    for key, value in session.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_upload_page_empty_workspace_shows_limits(workspace, monkeypatch):
    monkeypatch.setenv("BUDGET_AUDIT_LIMITS_MAX_BYTES", str(3 * 1024 * 1024))
    at = _open_upload()
    assert at.title[0].value == "上传报告"
    captions = " ".join(c.value for c in at.caption)
    assert "3.0 MB" in captions and ".docx" in captions
    assert str(workspace) not in captions  # the server's folders are not shown to browsers
    assert any("还没有上传的文件" in i.value for i in at.info)


def test_upload_page_bad_limit_env_falls_back(workspace, monkeypatch):
    monkeypatch.setenv("BUDGET_AUDIT_LIMITS_MAX_BYTES", "lots")
    at = _open_upload()
    assert any("默认值" in w.value for w in at.warning)
    assert "50.0 MB" in " ".join(c.value for c in at.caption)


def test_upload_page_lists_saved_files_and_deletes(workspace):
    ws.save_upload("clean.txt", CLEAN)
    ws.save_upload("<b>坏文件</b>.txt", GARBAGE)
    at = _open_upload()
    texts = [t.value for t in at.text]
    assert "clean.txt" in texts and "b_.txt" in texts
    assert "正常" in texts and "读取失败" in texts
    assert len(at.button) == 2
    at.button[0].click().run()
    assert not at.exception
    assert [p.name for p in ws.list_uploads()] == ["clean.txt"]
    assert any(plain.md("已删除 b_.txt") == s.value for s in at.success)


def test_upload_page_shows_results_issues_and_flag_counts(workspace):
    results = [
        ws.process_upload("clean.txt", CLEAN),
        ws.process_upload("../../garbage.txt", GARBAGE),
        ws.process_upload("big.exe", b"x"),
    ]
    at = _open_upload(upload_results=results)
    table = at.dataframe[0].value
    assert list(table["file"]) == ["clean.txt", "garbage.txt", "big.exe"]
    assert list(table["status"]) == ["正常", "读取失败", "读取失败"]
    headers = [
        c["label"] for c in json.loads(at.dataframe[0].proto.columns).values() if "label" in c
    ]
    assert "文件" in headers and "状态" in headers and "预算行数" in headers
    assert len(at.expander) == 3 and "读取问题 0 条" in at.expander[0].label
    assert {m.label for m in at.metric} >= {"疑点", "高风险", "中风险", "低风险"}
    assert at.metric[0].value == "0"  # the clean fixture raises no flag


def test_uploaded_document_appears_on_documents_page(workspace):
    ws.save_upload("clean.txt", CLEAN)
    at = AppTest.from_file(ENTRY, default_timeout=60)
    at.run()
    at.switch_page("views/documents.py")
    at.query_params["doc"] = "uploads/clean.txt"
    at.run()
    assert not at.exception
    assert "uploads/clean.txt" in list(at.dataframe[0].value["source_file"])
    assert at.selectbox(key="doc").value == "uploads/clean.txt"


def test_a_gbk_named_file_in_uploads_is_listed_read_and_deleted(workspace):
    """A file copied into uploads/ by hand from a Windows share keeps its GBK-encoded name."""
    uploads = ws.uploads_dir(create=True)
    raw = os.path.join(os.fsencode(uploads), "部门决算".encode("gbk") + b".txt")
    with open(raw, "wb") as handle:
        handle.write(CLEAN)
    at = _open_upload()
    assert not at.exception
    assert "部门决算.txt" in [t.value for t in at.text]
    docs = at.session_state  # the page ran; the document is in the corpus under a printable name
    from dashboard.data import app_data

    names = app_data().corpus.documents["source_file"].to_list()
    assert "uploads/部门决算.txt" in names and docs is not None
    at.button[0].click().run()
    assert not at.exception and ws.list_uploads() == []
