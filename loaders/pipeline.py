"""The loading pipeline: file → text → blocks → grids → recognised rows → typed frames.

``load_paths`` never raises for a bad file: the file gets status ``failed`` and
a message, every other file still loads. ``debug_stages`` returns every
intermediate stage of one file for inspection.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from loaders import model
from loaders.blocks import Grid, Paragraph, is_heading, text_to_blocks
from loaders.cache import ParseCache, limits_digest
from loaders.decode import decode_bytes
from loaders.duplicates import drop_repeats
from loaders.identity import cover_statement, find_year, identify
from loaders.issues import FileProblem, issue
from loaders.limits import Deadline, Limits, human_size
from loaders.model import Corpus, LoadedDoc
from loaders.narratives import paragraphs_to_narratives
from loaders.prose import paragraph_to_lines
from loaders.prose_figures import prose_figures
from loaders.readers import SUPPORTED_SUFFIXES, Rendered, read
from loaders.script import simplified_rendered
from loaders.table_reading import classified_tables, read_tables

LOADER_VERSION = "8"
__all__ = ["SUPPORTED_SUFFIXES", "Corpus", "LoadedDoc", "load_bytes", "load_file", "load_paths"]


def doc_id_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def text_to_doc(
    text: str,
    source_file: str,
    doc_id: str,
    encoding: str,
    deadline: Deadline | None = None,
    notes: list[dict] | None = None,
) -> LoadedDoc:
    """Recognise everything in one report's text."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if deadline is not None:
        deadline.check()
    rendered = Rendered(
        lines, text_to_blocks(text), [""] * len(lines), encoding, "text", list(notes or [])
    )
    return rendered_to_doc(rendered, source_file, doc_id, deadline)


def rendered_to_doc(
    rendered: Rendered, source_file: str, doc_id: str, deadline: Deadline | None = None
) -> LoadedDoc:
    """Recognise everything in one report, read from any format into lines and blocks."""
    rendered = simplified_rendered(rendered)
    lines, blocks = rendered.lines, rendered.blocks
    year = find_year(lines, source_file)
    tables = read_tables(blocks, year, cover_statement(lines), deadline)
    budget_lines = list(tables.budget_lines)
    heading = ""
    for index, block in enumerate(blocks):
        if deadline is not None and index % 64 == 0:
            deadline.check()  # recognition is timed like reading
        if isinstance(block, Paragraph):
            if is_heading(block.text):
                heading = block.text
            budget_lines.extend(paragraph_to_lines(block, heading))
    if rendered.format in ("xlsx", "xls"):
        _percent_cells(budget_lines)
    paragraphs = [b for b in blocks if isinstance(b, Paragraph)]
    indicators = tables.indicators
    identity = identify(
        lines,
        source_file,
        dept_cells=tables.departments,
        table_kinds=tables.table_kinds,
        has_figures=bool(tables.accounts or tables.budget_lines or indicators),
    )
    department, year = identity.department, identity.year
    narratives = paragraphs_to_narratives(paragraphs) + tables.narratives
    figures, figure_issues = prose_figures(blocks)
    issues = list(rendered.notes) + tables.issues + figure_issues
    issues += _identity_issues(identity, bool(budget_lines or indicators or tables.accounts))
    status = "partial" if any(i["severity"] in ("error", "warning") for i in issues) else "ok"
    shown = [i for i in issues if i["severity"] != "info"]  # info issues stay on the 文档 page
    message = "；".join(dict.fromkeys(i["message"] for i in shown)) if shown else ""
    document = {
        "doc_id": doc_id,
        "source_file": source_file,
        "kind": identity.kind,
        "department": department,
        "region": identity.region,
        "year": year,
        "status": status,
        "message": message,
        "encoding": rendered.encoding,
        "n_lines": len(lines),
        "format": rendered.format,
        "kind_family": identity.kind_family,
        "department_source": identity.department_source,
        "region_source": identity.region_source,
        "year_source": identity.year_source,
        "tables": "+".join(tables.table_kinds) or None,
        "cells_numeric": tables.cells_numeric,
        "cells_placed": tables.cells_placed,
        "coverage": (
            round(tables.cells_placed / tables.cells_numeric, 4) if tables.cells_numeric else None
        ),
    }
    common = {"doc_id": doc_id, "source_file": source_file, "department": department, "year": year}
    places = rendered.places
    frames = (
        budget_lines,
        indicators,
        narratives,
        figures,
        tables.accounts,
        tables.sangong,
        tables.disclosure_tables,
    )
    if any(places):
        for rows in frames:
            for row in rows:
                row.update(common)
                line = row.get("source_line")
                row["source_place"] = places[line - 1] if line and line <= len(places) else ""
        for rows in (tables.accounts, tables.sangong):
            for row in rows:
                row["page"] = _page(row["source_place"])
    else:  # plain text places nothing: every row is stamped alike, one update each
        stamp = {**common, "source_place": ""}
        for rows in frames:
            for row in rows:
                row.update(stamp)
        for rows in (tables.accounts, tables.sangong):
            for row in rows:
                row["page"] = None
    for row in issues:
        row.update(doc_id=doc_id, source_file=source_file)
    budget_lines.sort(key=lambda r: (r["source_line"], r.get("table_id") or 0))
    return LoadedDoc(
        document,
        budget_lines=budget_lines,
        indicators=indicators,
        narratives=narratives,
        prose_figures=figures,
        accounts=tables.accounts,
        sangong=tables.sangong,
        disclosure_tables=tables.disclosure_tables,
        issues=issues,
        lines=lines,
        places=places,
    )


def _page(place: str) -> int | None:
    """第8页 → 8 (PDF rows); other formats have no pages."""
    m = re.match(r"第(\d+)页", place or "")
    return int(m[1]) if m else None


def _identity_issues(identity, has_rows: bool) -> list[dict]:
    """What identity could not establish, as catalogued issues."""
    out = [issue("placeholder-department", name=name) for name in identity.placeholders[:1]]
    if identity.is_template:
        return out + [issue("blank-template", placeholder=identity.placeholders[0])]
    if identity.department is None:
        out.append(issue("no-department"))
    if identity.year is None:
        out.append(issue("no-year"))
    if not has_rows:
        out.append(issue("no-figures"))
    return out


def _percent_cells(rows: list[dict]) -> None:
    """Excel stores 91.66% as 0.9166 and calamine cannot see the format: restore percent."""
    for row in rows:
        rate, budget, actual = row.get("rate_stated"), row.get("budget"), row.get("actual")
        if rate is None or not budget or actual is None or rate > 1.5:
            continue
        if abs(actual / budget - rate) < 0.006:
            row["rate_stated"] = round(rate * 100, 10)
            row["rate_decimals"] = max(0, (row.get("rate_decimals") or 0) - 2)


def failed_doc(source_file: str, doc_id: str, code: str, **values) -> LoadedDoc:
    """The one row of a file that could not be read, with its catalogued reason."""
    row = issue(code, **values)
    document = {
        "doc_id": doc_id,
        "source_file": source_file,
        "kind": "未知",
        "department": None,
        "region": None,
        "year": None,
        "status": "failed",
        "message": row["message"],
        "encoding": None,
        "n_lines": 0,
        "format": None,
        "kind_family": "未知",
    }
    return LoadedDoc(document, issues=[{**row, "doc_id": doc_id, "source_file": source_file}])


def problem_doc(source_file: str, doc_id: str, problem: FileProblem) -> LoadedDoc:
    return failed_doc(source_file, doc_id, problem.code, **problem.values)


def load_bytes(data: bytes, source_file: str, limits: Limits | None = None) -> LoadedDoc:
    """One file's rows, whatever its format; never raises."""
    limits = limits or Limits()
    doc_id = doc_id_of(data)
    if len(data) > limits.max_bytes:
        return failed_doc(
            source_file,
            doc_id,
            "too-large",
            size=human_size(len(data)),
            limit=human_size(limits.max_bytes),
        )
    try:
        return text_to_doc_from(data, source_file, doc_id, limits)
    except FileProblem as exc:
        return problem_doc(source_file, doc_id, exc)
    except MemoryError:
        return failed_doc(source_file, doc_id, "out-of-memory", limit=human_size(limits.max_memory))
    except Exception as exc:  # a recogniser bug must not cost the other files
        return failed_doc(
            source_file,
            doc_id,
            "internal-error",
            stage="解析",
            detail=f"{type(exc).__name__}: {exc}",
        )


def text_to_doc_from(data: bytes, source_file: str, doc_id: str, limits: Limits) -> LoadedDoc:
    """Pick the reader by the file's bytes and name; plain text goes through the decoder."""
    deadline = limits.deadline()
    rendered = read(data, source_file, limits, deadline)
    if rendered is None:
        decoded = decode_bytes(data)
        return text_to_doc(
            decoded.text, source_file, doc_id, decoded.encoding, deadline, decoded.notes
        )
    return rendered_to_doc(rendered, source_file, doc_id, deadline)


def load_file(
    path: Path, display_name: str | None = None, limits: Limits | None = None
) -> LoadedDoc:
    name = display_name or printable_name(path.name)
    limits = limits or Limits()
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            return failed_doc(
                name, "", "too-large", size=human_size(size), limit=human_size(limits.max_bytes)
            )
        data = path.read_bytes()
    except OSError as exc:
        return failed_doc(name, "", "unreadable", detail=exc.strerror or str(exc))
    return load_bytes(data, name, limits)


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files given directly, plus every file inside given folders (sorted, hidden skipped)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
                and p.name.lower() not in ("readme.md",)
            )
        else:
            out.append(path)
    return out


def load_paths(
    paths: list[Path],
    limits: Limits | None = None,
    cache: ParseCache | None = None,
    workers: int = 1,
    isolate: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
) -> Corpus:
    """Every file under ``paths``; with a cache, unchanged files are not parsed again.

    ``workers`` > 1 parses the files that are not cached in that many processes.
    ``isolate`` reads every file in a worker process with a hard deadline and a
    memory cap (:mod:`loaders.worker`): what ``scan`` and the dashboard use.
    """
    files = expand_paths(paths)
    names = [_display_name(p, paths) for p in files]
    return load_named(files, names, limits, cache, workers, isolate, progress)


def load_named(
    files: list[Path],
    names: list[str],
    limits: Limits | None = None,
    cache: ParseCache | None = None,
    workers: int = 1,
    isolate: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
) -> Corpus:
    """``files`` under the given display names (see :func:`load_paths`)."""
    limits = limits or Limits()
    if cache is None:
        docs = _parse_all(files, names, limits, workers, isolate, progress)
        return _one_per_report(_corpus(_with_name_notes(docs, files)))
    keys = [_content_key(p, limits) for p in files]
    wanted = {k: n for k, n in zip(keys, names, strict=True) if k}
    cached, found = cache.lookup(wanted)
    todo = [i for i, k in enumerate(keys) if not k or k not in found]
    fresh = _parse_all(
        [files[i] for i in todo], [names[i] for i in todo], limits, workers, isolate, progress
    )
    fresh = _with_name_notes(fresh, [files[i] for i in todo])
    fresh = cache.store(fresh, [keys[i] or "" for i in todo])
    corpus = _corpus(fresh)
    if cached is not None:
        corpus = corpus.merged_with(cached)
    return _one_per_report(corpus).sorted_by_file()


def _one_per_report(corpus: Corpus) -> Corpus:
    """The corpus with a report read twice (two encodings, .pdf and .docx) kept once."""
    tables = {n: f for n, f in corpus.frames.items() if n != "documents"}
    documents, kept = drop_repeats(corpus.documents, tables)
    return corpus if documents is corpus.documents else corpus.replace(documents=documents, **kept)


def validated(doc: LoadedDoc) -> LoadedDoc:
    """``doc`` if every row fits its frame's schema, else the file fails with the reason.

    A value a recogniser produced that the frames cannot hold (a year beyond
    Int32, a surrogate in a name) must cost that file, not the whole run.
    """
    try:
        model.frame([doc.document], model.DOCUMENTS)
        for name in model.ROW_FRAMES:
            model.frame(doc.rows(name), model.FRAMES[name])
        for text in (doc.document.get("source_file") or "", *doc.lines[:1]):
            text.encode("utf-8")
    except Exception as exc:
        return failed_doc(
            printable_name(doc.document.get("source_file") or ""),
            doc.document.get("doc_id") or "",
            "internal-error",
            stage="整理表格",
            detail=f"{type(exc).__name__}: {exc}",
        )
    return doc


def _corpus(docs: list[LoadedDoc]) -> Corpus:
    """The corpus of ``docs``; if one of them cannot be framed, only that one fails."""
    try:
        return Corpus.from_docs(docs)
    except Exception:
        return Corpus.from_docs([validated(d) for d in docs])


def _content_key(path: Path, limits: Limits) -> str:
    """SHA-256 of the file and the limits it is read under; "" when unreadable or too large."""
    try:
        if path.stat().st_size > limits.max_bytes:
            return ""
        digest = hashlib.sha256()
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
        return f"{digest.hexdigest()}:{limits_digest(limits)}"
    except OSError:
        return ""


def _load_one(job: tuple[Path, str, Limits]) -> LoadedDoc:
    return load_file(*job)


def _parse_all(
    files: list[Path],
    names: list[str],
    limits: Limits,
    workers: int,
    isolate: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[LoadedDoc]:
    if isolate:
        from loaders.worker import Job, read_isolated

        jobs = [Job(n, os.fsencode(f)) for f, n in zip(files, names, strict=True)]
        return read_isolated(jobs, limits, workers, progress)
    jobs = [(f, n, limits) for f, n in zip(files, names, strict=True)]
    if workers <= 1 or len(jobs) < 8:
        return [_load_one(job) for job in jobs]
    # spawn, not fork: polars' thread pool does not survive a fork
    context = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            chunk = max(1, len(jobs) // (workers * 8))
            return list(pool.map(_load_one, jobs, chunksize=chunk))
    except (BrokenProcessPool, OSError):  # no usable worker processes here: read in this one
        return [_load_one(job) for job in jobs]


def printable_name(name: str) -> str:
    """A file name that can be written anywhere (CSV, parquet, a web page).

    On Linux a name is bytes; one that is not UTF-8 (GBK from a Windows share)
    reaches Python with surrogate escapes, which no encoder accepts. It is shown
    as GB18030 when it decodes as such, else with replacement characters.
    """
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        raw = os.fsencode(name)
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="replace")


def name_encoding(raw: bytes) -> str | None:
    """How a file name that is not UTF-8 was decoded for display (None: it is UTF-8)."""
    try:
        raw.decode("utf-8")
        return None
    except UnicodeDecodeError:
        pass
    try:
        raw.decode("gb18030")
        return "GB18030"
    except UnicodeDecodeError:
        return "UTF-8（无法解码的字节显示为 �）"


def _with_name_notes(docs: list[LoadedDoc], files: list[Path]) -> list[LoadedDoc]:
    """An info issue on each file whose name had to be decoded for display."""
    for doc, path in zip(docs, files, strict=True):
        encoding = name_encoding(os.fsencode(path.name))
        if encoding is None:
            continue
        row = issue("file-name-encoding", encoding=encoding)
        row.update(doc_id=doc.document["doc_id"], source_file=doc.document["source_file"])
        doc.issues.append(row)
    return docs


def _display_name(path: Path, roots: list[Path]) -> str:
    for root in roots:
        if root.is_dir():
            try:
                return printable_name(str(path.relative_to(root)))
            except ValueError:
                continue
    return printable_name(path.name)


def debug_stages(path: Path, limits: Limits | None = None) -> dict:
    """Every stage for one file of any format, for inspection.

    ``format``, ``text`` (the displayed lines joined), ``places`` (page / cell of each
    line), ``blocks``, ``grids`` (raw cells as ``(line, text)``), ``tables`` (each table as
    classified: kind, number, title, unit, first line), ``doc`` (the recognised rows).
    Raises what the reader raises for a file that cannot be read.
    """
    limits = limits or Limits()
    data = path.read_bytes()
    rendered = read(data, path.name, limits)
    if rendered is None:
        decoded = decode_bytes(data)
        text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
        lines = text.split("\n")
        rendered = Rendered(
            lines, text_to_blocks(text), [""] * len(lines), decoded.encoding, "text"
        )
    blocks = rendered.blocks
    grids = [
        [[(c.line, c.text) for c in row.cells] for row in b.rows]
        for b in blocks
        if isinstance(b, Grid)
    ]
    doc = rendered_to_doc(rendered, path.name, doc_id_of(data))
    return {
        "format": rendered.format,
        "text": "\n".join(rendered.lines),
        "places": rendered.places,
        "blocks": blocks,
        "grids": grids,
        "tables": classified_tables(blocks, cover_statement(rendered.lines)),
        "doc": doc,
    }
