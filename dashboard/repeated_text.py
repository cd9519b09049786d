"""The places of a 套话 group: what text stands there, whose document it is, and its best match.

A T01 / T02 flag names its places as ``file:line``. The text at a place is the recognised unit
(a narrative paragraph, or an indicator's ``名称：指标值``), not the raw line: in a Word cell
dump the row's line can be a blank first cell. Each place is compared with its most similar
place in *another* document when the group has one, so a copied section is shown next to its
copy in the other department, not next to the following paragraph of the same file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl
from rapidfuzz import fuzz

_NOISE = re.compile(r"[\s\u3000]+")
OTHER_DOCUMENT_MIN = 50.0  # a match in another document is preferred from this similarity on


@dataclass(frozen=True)
class Place:
    doc_id: str
    source_file: str
    line: int
    department: str
    year: int | None
    kind: str
    section: str  # 存在问题 / 改进措施 / 预期目标 … or 绩效指标
    project: str
    text: str
    source_place: str = ""

    @property
    def where(self) -> str:
        """``部门 年度 · 文件 第N行 · 栏目`` for headings and tables."""
        year = f" {self.year}" if self.year else ""
        section = f"{self.section}（{self.project}）" if self.project else self.section
        return f"{self.department}{year} · {self.source_file} 第{self.line}行 · {section}"


def _norm(text: str) -> str:
    return _NOISE.sub("", text or "")


def _refs(flag: dict) -> list[tuple[str, int]]:
    refs = [(flag["source_file"], int(flag["source_line"]))]
    for ref in filter(None, (flag.get("related_lines") or "").split("; ")):
        name, _, line = ref.rpartition(":")
        if line.isdigit():
            refs.append((name, int(line)))
    return list(dict.fromkeys(refs))


def _raw_line(lines: list[str], line: int) -> str:
    """The displayed line, or the next non-blank one within 5 lines (a cell dump's blank cell)."""
    for n in range(line, min(len(lines), line + 5) + 1):
        text = lines[n - 1].replace("\t", " ").strip() if n >= 1 else ""
        if text:
            return text
    return ""


def places(flag: dict, corpus) -> list[Place]:
    """Every place of one 套话 flag with the text recognised there and its document's facts."""
    refs = _refs(flag)
    docs = corpus.documents.filter(pl.col("source_file").is_in([f for f, _ in refs]))
    by_file = {row["source_file"]: row for row in docs.iter_rows(named=True)}
    wanted = pl.DataFrame(
        {"source_file": [f for f, _ in refs], "source_line": [n for _, n in refs]},
        schema={"source_file": pl.String, "source_line": pl.Int32},
    )
    narr = corpus.narratives.join(wanted, on=["source_file", "source_line"], how="semi").select(
        "source_file", "source_line", "section", "project", "text", "source_place"
    )
    inds = (
        corpus.indicators.join(wanted, on=["source_file", "source_line"], how="semi")
        .filter(pl.col("row_kind") == "indicator")
        .select(
            "source_file",
            "source_line",
            pl.lit("绩效指标").alias("section"),
            "project",
            pl.concat_str(
                pl.col("name").fill_null(""), pl.lit("："), pl.col("target").fill_null("")
            ).alias("text"),
            "source_place",
        )
    )
    candidates: dict[tuple[str, int], list[dict]] = {}
    for row in pl.concat([narr, inds]).iter_rows(named=True):
        candidates.setdefault((row["source_file"], row["source_line"]), []).append(row)
    subject = _norm(flag.get("subject") or "").rstrip("…")
    out = []
    for name, line in refs:
        doc = by_file.get(name)
        if doc is None:
            continue
        found = candidates.get((name, line), [])
        best = max(found, key=lambda r: fuzz.partial_ratio(subject, _norm(r["text"])), default=None)
        lines = corpus.texts.get(doc["doc_id"]) or []
        out.append(
            Place(
                doc_id=doc["doc_id"],
                source_file=name,
                line=line,
                department=doc["department"] or "（未识别部门）",
                year=doc["year"],
                kind=doc["kind"] or "",
                section=(best["section"] if best else "") or "正文",
                project=(best["project"] if best else "") or "",
                text=(best["text"] if best else _raw_line(lines, line)) or "",
                source_place=(best["source_place"] if best else "") or "",
            )
        )
    return out


def similarity(a: Place, b: Place) -> float:
    return fuzz.ratio(_norm(a.text), _norm(b.text))


def best_match(found: list[Place], i: int) -> tuple[int | None, float]:
    """The place most similar to ``found[i]``, taken from another document when one matches."""
    others = [
        (similarity(found[i], p), j, p.doc_id != found[i].doc_id)
        for j, p in enumerate(found)
        if j != i
    ]
    if not others:
        return None, 0.0
    elsewhere = [o for o in others if o[2] and o[0] >= OTHER_DOCUMENT_MIN]
    score, j, _ = max(elsewhere or others, key=lambda o: (o[0], -o[1]))
    return j, score
