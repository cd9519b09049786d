"""The workspace folder: uploaded reports, kept on disk so they survive a restart.

The folder comes from ``BUDGET_AUDIT_WORKSPACE`` (set by ``budget-audit serve
--workspace DIR``), default ``<repo>/workspace``. Uploads live in
``<workspace>/uploads/`` and are read by the app like any configured folder,
under the display name ``uploads/<name>``.

Uploaded names and bytes are untrusted. Names are reduced to one safe file
name (no folders, no ``..``, no control characters, no reserved names, no
leading dot, bounded length; Chinese characters and the extension are kept).
Bytes are size-checked before anything is written, written to a hidden temp
file and published under the final name without ever replacing a file or
following a symlink. Every path written or deleted is checked to sit directly
inside the uploads folder.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from loaders.cache import ParseCache, default_cache_dir
from loaders.issues import FileProblem, issue
from loaders.limits import Limits, human_size
from loaders.model import Corpus
from loaders.pipeline import LOADER_VERSION, doc_id_of, load_named, printable_name
from loaders.workspace import ENV as ENV
from loaders.workspace import workspace_dir

try:
    from loaders.pipeline import SUPPORTED_SUFFIXES
except ImportError:  # older loaders: the formats announced for this release
    SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".html", ".htm", ".xlsx", ".xls")

ROOT = Path(__file__).resolve().parents[1]
UPLOADS = "uploads"
SOURCE_PREFIX = "uploads/"  # display name of an upload in every table: uploads/<name>
SUFFIXES = tuple(dict.fromkeys(s.lower() for s in SUPPORTED_SUFFIXES if s))
UPLOAD_TYPES = [s.lstrip(".") for s in SUFFIXES]  # for st.file_uploader(type=...)
MAX_NAME_BYTES = 120  # UTF-8 bytes of a saved name (file systems allow 255); 40 Chinese characters
_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(10)),
    *(f"LPT{i}" for i in range(10)),
}
_FORBIDDEN = re.compile(r'[<>:"|?*]')
_TEMP_PREFIX = ".upload-"
_LOCK = threading.Lock()  # Streamlit sessions are threads of one process


class UploadError(FileProblem):
    """An upload that cannot be saved; the message is shown for that file."""


def uploads_dir(create: bool = False) -> Path:
    """``<workspace>/uploads``; refuses a symlinked or non-folder uploads path."""
    root = workspace_dir()
    folder = root / UPLOADS
    if folder.is_symlink():
        raise UploadError("unsafe-folder", f"上传目录 {folder} 是符号链接，已拒绝使用")
    if folder.exists() and not folder.is_dir():
        raise UploadError("unsafe-folder", f"上传目录 {folder} 不是文件夹")
    if create:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UploadError("unwritable", f"无法创建上传目录：{exc.strerror or exc}") from exc
    return folder


def size_text(n: int) -> str:
    return f"{n} 字节" if n < 1024 else human_size(n)


def active_limits() -> tuple[Limits, str]:
    """The limits from ``BUDGET_AUDIT_LIMITS_*``, or the defaults with a note if those are bad."""
    try:
        return Limits.from_env(), ""
    except (TypeError, ValueError) as exc:
        return Limits(), f"环境变量中的读取上限无效（{exc}），已使用默认值"


def sanitize_name(name: str) -> str:
    """One safe file name from an untrusted upload name; never empty, never hidden."""
    name = unicodedata.normalize("NFC", str(name))
    name = re.split(r"[/\\]", name)[-1]  # strip folders, POSIX or Windows
    name = "".join(
        " " if ch.isspace() else ch
        for ch in name
        if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn") or ch.isspace()
    )
    name = _FORBIDDEN.sub("_", name)
    name = re.sub(r"\.{2,}", ".", re.sub(r" +", " ", name)).strip(" ")
    stem, dot, ext = name.rpartition(".")
    if not dot or not re.fullmatch(r"[A-Za-z0-9]{1,10}", ext):
        stem, ext = name, ""
    stem = stem.strip(" .") or "upload"  # no leading dot (hidden), no trailing dot or space
    if stem.split(".")[0].strip().upper() in _RESERVED:
        stem = f"_{stem}"
    ext = f".{ext.lower()}" if ext else ""
    return _fit(stem, ext)


def _fit(stem: str, ext: str, extra: str = "") -> str:
    """``stem + extra + ext`` cut on a character boundary to at most MAX_NAME_BYTES."""
    room = MAX_NAME_BYTES - len((extra + ext).encode())
    while len(stem.encode()) > room:
        stem = stem[:-1]
    return (stem.rstrip(" .") or "upload") + extra + ext


def _candidates(safe: str):
    stem, ext = (
        (safe.rsplit(".", 1)[0], "." + safe.rsplit(".", 1)[1]) if "." in safe else (safe, "")
    )
    yield safe
    for i in range(2, 1000):
        yield _fit(stem, ext, f"-{i}")
    raise UploadError("name-collision", f"同名文件过多：{safe}")


def _inside(path: Path, folder: Path) -> Path:
    """``path`` itself (not followed if a link) when it sits directly in ``folder``; else raise."""
    resolved = path.parent.resolve() / path.name
    if resolved.parent != folder.resolve() or not resolved.parent.is_relative_to(workspace_dir()):
        raise UploadError("outside", f"拒绝写入上传目录以外的位置：{path.name}")
    return resolved


def save_upload(
    name: str,
    data: bytes,
    limits: Limits | None = None,
    before_publish: Callable[[Path], None] | None = None,
) -> Path:
    """Write one upload into ``<workspace>/uploads``; returns the path it was saved under.

    Raises :class:`UploadError` (too large, empty, unsafe folder, cannot write);
    never writes outside the uploads folder and never replaces an existing file.
    ``before_publish(temp_path)`` runs while the file is still hidden: the page
    reads it then, so other sessions never see an upload that is not yet read.
    """
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        raise UploadError("too-large", size=size_text(len(data)), limit=size_text(limits.max_bytes))
    if not data:
        raise UploadError("empty-upload")
    folder = uploads_dir(create=True)
    safe = sanitize_name(name)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=".part", dir=folder)
    except OSError as exc:
        raise UploadError("unwritable", f"无法写入上传目录：{exc.strerror or exc}") from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        _inside(tmp, folder)
        if before_publish is not None:
            before_publish(tmp)
        with _LOCK:
            for candidate in _candidates(safe):
                target = _inside(folder / candidate, folder)
                if os.path.lexists(target):
                    continue
                try:  # publish without replacing: a link fails if the name was just taken
                    os.link(tmp, target, follow_symlinks=False)
                except FileExistsError:
                    continue
                except OSError:  # file system without hard links: rename under the lock
                    os.replace(tmp, target)
                return target
    except OSError as exc:
        raise UploadError("unwritable", f"无法保存文件：{exc.strerror or exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    raise AssertionError("unreachable")  # _candidates raises when exhausted


def list_uploads() -> list[Path]:
    """Saved uploads: regular files (not symlinks, not hidden or temp files), by name."""
    try:
        folder = uploads_dir()
        entries = list(folder.iterdir()) if folder.is_dir() else []
    except (UploadError, OSError):
        return []
    return sorted(
        (p for p in entries if not p.name.startswith(".") and p.is_file() and not p.is_symlink()),
        key=lambda p: p.name,
    )


def delete_upload(name: str) -> bool:
    """Remove one saved upload by its listed name; False if there is no such upload."""
    try:
        folder = uploads_dir()
    except UploadError:
        return False
    if name != Path(name).name or name in ("", ".", "..") or name.startswith("."):
        return False
    if name not in {p.name for p in list_uploads()}:
        return False
    target = _inside(folder / name, folder)
    try:
        target.unlink()
    except FileNotFoundError:
        return False
    return True


def source_name(path_or_name: Path | str) -> str:
    """How an upload is named in the app's tables (``uploads/<name>``), printable."""
    return SOURCE_PREFIX + printable_name(Path(path_or_name).name)


def find_duplicate(data: bytes) -> Path | None:
    """A saved upload with exactly these bytes, if any."""
    digest = None
    for path in list_uploads():
        try:
            if path.stat().st_size != len(data):
                continue
            digest = digest or hashlib.sha256(data).digest()
            if hashlib.sha256(path.read_bytes()).digest() == digest:
                return path
        except OSError:
            continue
    return None


STATUS_LABELS = {"ok": "✅ 正常", "partial": "⚠️ 部分读入", "failed": "❌ 失败"}


@dataclass
class UploadResult:
    """What happened to one uploaded file: saved or not, and what reading it found."""

    name: str  # as the browser sent it
    saved_as: str  # file name in the uploads folder, "" when not saved
    source_file: str  # name in the app's tables
    suffix: str
    size: int
    status: str  # ok / partial / failed
    department: str | None = None
    year: int | None = None
    budget_lines: int = 0
    indicators: int = 0
    message: str = ""
    issues: list[dict] = field(default_factory=list)

    def row(self) -> dict:
        return {
            "文件": self.saved_as or sanitize_name(self.name),
            "格式": self.suffix.lstrip(".").upper() or "—",
            "大小": size_text(self.size),
            "状态": STATUS_LABELS.get(self.status, self.status),
            "部门": self.department or "",
            "年度": str(self.year) if self.year else "",
            "预算行数": self.budget_lines,
            "指标数": self.indicators,
            "问题数": len(self.issues),
            "说明": self.message,
        }


def _failed(name: str, data: bytes, code: str, **values) -> UploadResult:
    safe = sanitize_name(name)
    row = issue(code, **values)
    return UploadResult(
        name,
        "",
        "",
        Path(safe).suffix.lower(),
        len(data),
        "failed",
        message=row["message"],
        issues=[row],
    )


def process_upload(
    name: str, data: bytes, limits: Limits | None = None, known: dict[str, str] | None = None
) -> UploadResult:
    """Check, save and read one uploaded file; every problem becomes that file's result.

    ``known`` maps the doc_id (content hash) of files the app already reads to
    their names, so the same report is not stored and counted twice.
    """
    limits = limits or Limits()
    try:
        suffix = Path(sanitize_name(name)).suffix.lower()
        if suffix not in SUFFIXES:
            shown = suffix or "（无扩展名）"
            return _failed(
                name,
                data,
                "unsupported-format",
                detail=f"不支持的格式 {shown}；支持：{'、'.join(SUFFIXES)}",
            )
        same = (known or {}).get(doc_id_of(data)) if data else None
        duplicate = find_duplicate(data) if data else None
        note = ""
        if duplicate is not None:
            saved, note = duplicate, f"与已上传的 {duplicate.name} 内容相同，未重复保存"
        elif same:
            return _failed(name, data, "duplicate", other=same)
        else:
            # read (into the parse cache) before the file appears in the folder
            early = source_name(sanitize_name(name))
            saved = save_upload(name, data, limits, lambda tmp: read_upload(tmp, early, limits))
        source = source_name(saved)
        corpus = read_upload(saved, source, limits)  # from the cache, under its final name
    except UploadError as exc:
        return _failed(name, data, exc.code, **exc.values)
    except Exception as exc:  # one odd file must never break the page
        return _failed(
            name, data, "internal-error", stage="上传", detail=f"{type(exc).__name__}: {exc}"
        )
    docs = corpus.documents
    info = docs.row(0, named=True) if docs.height else {"status": "failed"}
    message = "；".join(m for m in (note, info.get("message") or "") if m)
    return UploadResult(
        name=name,
        saved_as=saved.name,
        source_file=source,
        suffix=suffix,
        size=len(data),
        status=info.get("status") or "failed",
        department=info.get("department"),
        year=info.get("year"),
        budget_lines=corpus.budget_lines.height,
        indicators=corpus.indicators.height,
        message=message,
        issues=corpus.parse_issues.select("code", "severity", "message", "source_line").to_dicts(),
    )


def read_upload(path: Path, source: str, limits: Limits) -> Corpus:
    """One saved upload, read once: in a worker process (its own time and memory limits),
    through the parse cache the app reads from, so the next page load does not read it again."""
    cache = ParseCache(default_cache_dir(), LOADER_VERSION)
    return load_named([path], [source], limits, cache, isolate=True)
