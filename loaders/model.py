"""Polars schemas of the loaded tables: the contract between loaders, checks and dashboard.

Every row carries ``doc_id`` (hash of the file's bytes), ``source_file`` and
``source_line`` so that any figure can be traced back to the report.
Amounts are in 万元; head-counts carry ``unit == "人"``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import polars as pl

DOCUMENTS = {
    "doc_id": pl.String,
    "source_file": pl.String,
    "kind": pl.String,  # kinds joined by "+", e.g. "整体自评报告+基础数据表"
    "department": pl.String,
    "region": pl.String,
    "year": pl.Int32,
    "status": pl.String,  # ok / partial / failed
    "message": pl.String,
    "encoding": pl.String,
    "n_lines": pl.Int32,
    "format": pl.String,  # text / docx / pdf / html / xlsx / xls
    # identity (loaders/identity.py): the standard family and where each field was read
    "kind_family": pl.String,  # e.g. "部门决算+部门整体支出绩效自评表", "部门预算", "模板"
    "department_source": pl.String,  # 封面第1行 / “部门”第131行 / 表题第171行 / 文件名 …
    "region_source": pl.String,  # 部门名称 / 模板占位名称
    "year_source": pl.String,
    "tables": pl.String,  # the standard tables classified, in order: "fa_summary+fa_income+…"
    # understanding coverage: numeric table cells seen vs placed in typed rows
    "cells_numeric": pl.Int32,
    "cells_placed": pl.Int32,
    "coverage": pl.Float64,  # cells_placed / cells_numeric, null without numeric cells
}

BUDGET_LINES = {
    "doc_id": pl.String,
    "source_file": pl.String,
    "department": pl.String,
    "year": pl.Int32,
    "table": pl.String,  # table title or "正文" for prose
    "item": pl.String,
    "budget_initial": pl.Float64,
    "budget_adjustment": pl.Float64,
    "budget": pl.Float64,
    "actual": pl.Float64,
    "balance": pl.Float64,
    "rate_stated": pl.Float64,  # percent, as printed (88.50% -> 88.5)
    "source_line": pl.Int32,
    # extras beyond the CSV contract
    "origin": pl.String,  # table / prose
    "table_kind": pl.String,  # see loaders.kinds.TABLE_KINDS
    "table_id": pl.Int32,  # running number of the table within the document
    "row_kind": pl.String,  # item / sub / subtotal / total / component
    "parent_item": pl.String,  # for 其中 sub-rows and components
    "project": pl.String,
    "code": pl.String,  # functional or economic classification code
    "prior_actual": pl.Float64,
    "basic": pl.Float64,  # 基本支出 column of 决算 tables
    "project_spending": pl.Float64,  # 项目支出 column of 决算 tables
    "weight": pl.Float64,
    "score": pl.Float64,
    "unit": pl.String,  # 万元 / 人
    "decimals": pl.Int8,  # decimals printed on the amounts of the row (rounding unit)
    "rate_decimals": pl.Int8,
    "text": pl.String,  # the source text of the row or sentence
    "source_place": pl.String,  # page / table / cell of the original file (第3页, Sheet1!A7)
}

INDICATORS = {
    "doc_id": pl.String,
    "source_file": pl.String,
    "department": pl.String,
    "year": pl.Int32,
    "project": pl.String,
    "level1": pl.String,
    "level2": pl.String,
    "name": pl.String,
    "target": pl.String,
    "actual": pl.String,
    "weight": pl.Float64,
    "score": pl.Float64,
    "note": pl.String,
    "source_line": pl.Int32,
    "table": pl.String,
    "table_kind": pl.String,
    "table_id": pl.Int32,
    "row_kind": pl.String,  # indicator / total
    "source_place": pl.String,
}

NARRATIVES = {
    "doc_id": pl.String,
    "source_file": pl.String,
    "department": pl.String,
    "year": pl.Int32,
    "project": pl.String,
    "section": pl.String,  # 存在问题 / 改进措施 / 预期目标 / 实际完成 / 偏差原因 / 年度目标
    "text": pl.String,
    "source_line": pl.Int32,
    "source_place": pl.String,
}

PARSE_ISSUES = {
    "doc_id": pl.String,
    "source_file": pl.String,
    "code": pl.String,
    "severity": pl.String,  # error / warning / info
    "message": pl.String,
    "source_line": pl.Int32,
}

# Standard 决算 / 预算 disclosure tables in long form: one row per printed amount cell.
# Vocabulary (table_kind, side, fund, measure…): docs/model.md.
ACCOUNTS = {
    "doc_id": pl.String,
    "source_file": pl.String,
    "department": pl.String,
    "year": pl.Int32,
    "statement": pl.String,  # 决算 / 预算
    "table_kind": pl.String,  # fa_summary … bu_procurement
    "table_code": pl.String,  # printed number, two digits
    "table_title": pl.String,
    "table_id": pl.Int32,  # running number of the table within the document
    "side": pl.String,  # income / expenditure / balance
    "fund": pl.String,  # 一般公共预算 / 政府性基金 / 国有资本经营 / 财政专户 / 其他 / null
    "classification": pl.String,  # functional / economic / null
    "code": pl.String,
    "level": pl.String,  # 类 / 款 / 项
    "item": pl.String,
    "measure": pl.String,
    "column": pl.String,  # header as printed
    "row_kind": pl.String,  # item / total / sub
    "amount": pl.Float64,  # 万元
    "unit_printed": pl.String,  # 万元 / 元 (% for a rate column)
    "decimals": pl.Int8,
    "page": pl.Int32,  # PDF page, null for other formats
    "source_line": pl.Int32,
    "source_place": pl.String,
}

SANGONG = {
    "doc_id": pl.String,
    "source_file": pl.String,
    "department": pl.String,
    "year": pl.Int32,
    "statement": pl.String,  # 决算 / 预算
    "category": pl.String,  # 合计 / 因公出国（境）费 / 公务用车购置及运行维护费 / …
    "measure": pl.String,  # 预算数 / 决算数 / 上年预算数 …
    "amount": pl.Float64,  # 万元
    "decimals": pl.Int8,
    "page": pl.Int32,
    "source_line": pl.Int32,
    "source_place": pl.String,
}

# Every standard 决算 / 预算 table the reader recognised, also the empty ones (which have no
# `accounts` rows): completeness checks ask which tables a document prints and what an empty
# one says about itself.
DISCLOSURE_TABLES = {
    "doc_id": pl.String,
    "source_file": pl.String,
    "department": pl.String,
    "year": pl.Int32,
    "statement": pl.String,  # 决算 / 预算
    "table_kind": pl.String,  # fa_summary … bu_procurement
    "table_code": pl.String,  # printed number, two digits (as in accounts)
    "table_title": pl.String,
    "table_id": pl.Int32,  # the accounts rows' table_id
    "n_amounts": pl.Int32,  # amount cells read (accounts rows)
    "n_nonzero": pl.Int32,  # of which not zero
    "continued": pl.Boolean,  # the rest of a table begun on the page before
    "note": pl.String,  # an empty table's printed note (本单位无…收支，此表为空), or ""
    "source_line": pl.Int32,  # the table's first line
    "source_place": pl.String,
}

PROSE_FIGURES = {
    "doc_id": pl.String,
    "source_file": pl.String,
    "department": pl.String,
    "year": pl.Int32,
    "section": pl.String,  # nearest heading the sentence sits under
    "chapter": pl.String,  # the 一、… heading above it (names the table it explains)
    "in_heading": pl.Boolean,  # the figure is printed in the heading itself
    "sentence": pl.String,
    "subject": pl.String,  # what the figure is of; null when it cannot be told
    "what": pl.String,  # amount / budget / actual / prior / change_amount / change_pct / share / rate / count
    "value": pl.Float64,  # 万元 for money (元 and 亿元 converted), percent as printed, count
    "printed": pl.String,  # the number (or placeholder XX, or 持平) as printed
    "unit": pl.String,  # 万元 / % / 百分点 / 人 / 个 / 辆 / 人次 / 批次 …
    "unit_printed": pl.String,  # 万元 / 元 / 亿元 / % …
    "decimals": pl.Int8,  # decimals of value in its unit (元 printed with 2 -> 6)
    "direction": pl.String,  # 增加 / 减少 / 持平 / null
    "direction_printed": pl.String,  # the word as printed: 增长, 下降, 增加（减少） …
    "basis": pl.String,  # change/prior: 上年 / 上年预算 / 上年决算 / 年初预算; rate: 年初预算 / 预算 …
    "of_total": pl.String,  # share: the whole as printed (本年支出, “三公”经费); null when not named
    "placeholder": pl.Boolean,  # template left in: XX for the figure or 增加（减少） for its direction
    "clause_id": pl.Int32,  # one statement about one subject (amount + its change, share, rate)
    "parent_clause": pl.Int32,  # the clause of the whole this one is a part of (其中 / 包括)
    "source_line": pl.Int32,
    "source_place": pl.String,
}

# The registry: every frame a corpus holds, in the order files are written. Corpus, the parse
# cache, the CLI writer and the tests iterate this, so a new frame is declared here once.
FRAMES: dict[str, dict] = {
    "documents": DOCUMENTS,
    "budget_lines": BUDGET_LINES,
    "indicators": INDICATORS,
    "narratives": NARRATIVES,
    "accounts": ACCOUNTS,
    "sangong": SANGONG,
    "disclosure_tables": DISCLOSURE_TABLES,
    "prose_figures": PROSE_FIGURES,
    "parse_issues": PARSE_ISSUES,
}
ROW_FRAMES = [name for name in FRAMES if name != "documents"]  # frames of rows within a file

# Column order of the CSV files that other tools read (the issue's contract).
CSV_COLUMNS = {
    "documents": [
        "doc_id",
        "source_file",
        "kind",
        "department",
        "region",
        "year",
        "status",
        "message",
        "kind_family",
        "department_source",
        "year_source",
        "cells_numeric",
        "cells_placed",
        "coverage",
    ],
    "budget_lines": [
        "doc_id",
        "source_file",
        "department",
        "year",
        "table",
        "item",
        "budget_initial",
        "budget_adjustment",
        "budget",
        "actual",
        "balance",
        "rate_stated",
        "source_line",
    ],
    "indicators": [
        "doc_id",
        "source_file",
        "department",
        "year",
        "project",
        "level1",
        "level2",
        "name",
        "target",
        "actual",
        "weight",
        "score",
        "note",
        "source_line",
    ],
    "parse_issues": ["doc_id", "source_file", "code", "severity", "message", "source_line"],
}


def frame(rows: list[dict], schema: dict) -> pl.DataFrame:
    """Build a frame with exactly ``schema``'s columns; missing keys become null."""
    if not rows:  # most files have no rows for most frames: a copy costs ~1 µs, a build ~100
        return _empty_frame(tuple(schema.items())).clone()
    # polars reads only the schema's keys of each row (a missing one is null): no projection
    return pl.DataFrame(rows, schema=schema, orient="row")


@lru_cache(maxsize=64)
def _empty_frame(columns: tuple) -> pl.DataFrame:
    return pl.DataFrame([], schema=dict(columns), orient="row")


def empty(name: str) -> pl.DataFrame:
    return pl.DataFrame(schema=FRAMES[name])


@dataclass
class LoadedDoc:
    """Every row one file yielded, per frame, plus its displayed lines."""

    document: dict
    budget_lines: list[dict] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)
    narratives: list[dict] = field(default_factory=list)
    accounts: list[dict] = field(default_factory=list)
    sangong: list[dict] = field(default_factory=list)
    disclosure_tables: list[dict] = field(default_factory=list)
    prose_figures: list[dict] = field(default_factory=list)
    issues: list[dict] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)  # where each line sits in the original file

    def rows(self, name: str) -> list[dict]:
        """The rows of one :data:`ROW_FRAMES` frame."""
        return self.issues if name == "parse_issues" else getattr(self, name)


class Corpus:
    """The loaded frames of many files (one per :data:`FRAMES` entry), plus their text lines.

    ``corpus.budget_lines`` and friends are the frames; a frame not given is empty.
    ``texts`` maps doc_id to the displayed lines (evidence), ``places`` to where each line sits
    in the original file (page, table row, cell).
    """

    def __init__(
        self,
        texts: dict[str, list[str]] | None = None,
        places: dict[str, list[str]] | None = None,
        **frames: pl.DataFrame,
    ):
        unknown = set(frames) - set(FRAMES)
        if unknown:
            raise TypeError(f"unknown frames: {sorted(unknown)}")
        self.frames = {name: frames.get(name, empty(name)) for name in FRAMES}
        self.texts = texts or {}
        self.places = places or {}

    def __getattr__(self, name: str) -> pl.DataFrame:
        frames = self.__dict__.get("frames")
        if frames is not None and name in frames:
            return frames[name]
        raise AttributeError(name)

    def replace(self, **frames: pl.DataFrame) -> Corpus:
        """A copy with some frames replaced."""
        return Corpus(self.texts, self.places, **{**self.frames, **frames})

    def merged_with(self, other: Corpus) -> Corpus:
        """This corpus plus another's frames and lines."""
        return Corpus(
            {**self.texts, **other.texts},
            {**self.places, **other.places},
            **{
                name: pl.concat([self.frames[name], other.frames[name]], how="vertical_relaxed")
                for name in FRAMES
            },
        )

    @classmethod
    def from_docs(cls, docs: list[LoadedDoc]) -> Corpus:
        return cls(
            {d.document["doc_id"]: d.lines for d in docs if d.lines},
            {d.document["doc_id"]: d.places for d in docs if any(d.places)},
            documents=frame([d.document for d in docs], DOCUMENTS),
            **{
                name: frame([r for d in docs for r in d.rows(name)], FRAMES[name])
                for name in ROW_FRAMES
            },
        )

    def sorted_by_file(self) -> Corpus:
        """Rows in file order, so cached and freshly parsed runs write identical CSVs."""
        by_line = ["source_file", "source_line"]
        frames = {
            name: df.sort(by_line, nulls_last=True, maintain_order=True)
            for name, df in self.frames.items()
            if name != "documents"
        }
        documents = self.documents.sort("source_file", maintain_order=True)
        return Corpus(self.texts, self.places, documents=documents, **frames)


def csv_order(df: pl.DataFrame, name: str) -> pl.DataFrame:
    """Contract columns first, extras after, so readers can rely on the names."""
    head = CSV_COLUMNS.get(name, list(FRAMES[name]))
    return df.select(head + [c for c in df.columns if c not in head])
