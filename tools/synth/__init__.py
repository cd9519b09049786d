"""A deterministic synthetic corpus of budget performance reports with planted red flags.

``generate(departments, years, seed, out)`` writes, per department and year, one to three
UTF-8 text reports in the layouts of the samples to ``out/reports/``, the answer key
``out/truth.csv`` and ``out/manifest.json``. The same arguments give byte-identical files.

    budget-audit synth --departments 30 --years 2 --seed 1 --out /tmp/synth --evaluate
    python -m tools.synth --departments 30 --years 2 --seed 1 --out /tmp/synth

Modules, one job each: :mod:`wording` (vocabulary, headings, template text), :mod:`amounts`
(cents and printed rates), :mod:`texts` (distinct composed text), :mod:`build` (a clean
department-year), :mod:`layouts`, :mod:`projects` and :mod:`accounts` (writing it out, lines
recorded by :mod:`writer`), :mod:`plant` (red flags), :mod:`expect` (the flags written figures call for), :mod:`truth` (the answer key),
:mod:`evaluate` (recall and precision of the real checks).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tools.synth.accounts import render_final_accounts
from tools.synth.build import make_department, make_year
from tools.synth.expect import predict
from tools.synth.layouts import render_report
from tools.synth.model import YearData
from tools.synth.plant import Context, Deck
from tools.synth.projects import render_project_file
from tools.synth.texts import Distinct
from tools.synth.truth import TruthRow, resolve, write_manifest, write_truth
from tools.synth.writer import Doc

GENERATOR_VERSION = "2"
LAST_YEAR = 2023


@dataclass
class Summary:
    out: Path
    departments: int
    years: list[int]
    files: int
    plants: Counter = field(default_factory=Counter)
    planted_rows: int = 0
    secondary_rows: int = 0
    unresolved: int = 0
    seconds: float = 0.0

    def __str__(self) -> str:
        return (
            f"生成 {self.departments} 个部门 × {len(self.years)} 年（{self.years[0]}–{self.years[-1]}），"
            f"{self.files} 个报告文件；埋入问题 {sum(self.plants.values())} 个，"
            f"应报疑点 {self.planted_rows} 条（另有连带疑点 {self.secondary_rows} 条）；"
            f"用时 {self.seconds:.1f} 秒；输出目录 {self.out}"
        )


def render_year(yd: YearData, rng: random.Random) -> dict[str, Doc]:
    """The documents of one department-year: the report, maybe a project file, maybe 决算."""
    embed = yd.projects_where == "embedded"
    docs = {"report": render_report(yd, rng, embed_projects=embed)}
    if not embed and any(p.has_table for p in yd.projects):
        docs["projects"] = render_project_file(yd)
    if yd.has_final_accounts:
        docs["final"] = render_final_accounts(yd, rng)
    return docs


def _pools(yd: YearData, docs: dict[str, Doc], no_pool: set, problems: list, goals: list) -> None:
    """Texts of this department-year that later plants may copy (never planted copies)."""
    report = docs["report"]
    for i, text in enumerate(yd.problems):
        line = report.anchors.get(("problem", i))
        if line and text not in no_pool:
            problems.append((report.name, line, text))
    where = docs.get("report" if yd.projects_where == "embedded" else "projects")
    for p in yd.projects:
        line = where.anchors.get(("project_goal", p.name)) if where else None
        if line and p.goal not in no_pool and p.goal != p.done:
            goals.append((where.name, line, p.goal))


def generate(
    departments: int,
    years: int,
    seed: int,
    out: Path,
    *,
    plant_rate: float = 0.3,
    last_year: int = LAST_YEAR,
) -> Summary:
    """Write the corpus, ``truth.csv`` and ``manifest.json``; deterministic for a seed."""
    if departments < 1 or years < 1:
        raise ValueError("departments and years must be at least 1")
    if not 0.0 <= plant_rate <= 1.0:
        raise ValueError("plant_rate must be between 0 and 1")
    started = time.perf_counter()
    out = Path(out)
    reports = out / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    for stale in reports.glob("d*_*.txt"):
        stale.unlink()
    year_list = list(range(last_year - years + 1, last_year + 1))
    distinct = Distinct()
    used: set[str] = set()
    plant_rng = random.Random(f"{seed}:plants")
    deck = Deck(plant_rng)
    problem_pool: list = []
    goal_pool: list = []
    truth: list[TruthRow] = []
    summary = Summary(out, departments, year_list, 0)
    kinds: Counter = Counter()
    for index in range(departments):
        dept = make_department(index, random.Random(f"{seed}:dept:{index}"), used)
        # plant_rate of the departments get one to three problems, spread over their years
        problems = Counter()
        if plant_rng.random() < plant_rate:
            problems.update(plant_rng.choice(year_list) for _ in range(plant_rng.randint(1, 3)))
        prev = None
        for year in year_list:
            rng = random.Random(f"{seed}:{index}:{year}")
            yd = make_year(dept, year, rng, distinct, prev)
            ctx = Context(
                yd, rng, distinct=distinct, problem_pool=problem_pool, goal_pool=goal_pool
            )
            plants = deck.deal(ctx, problems[year]) if problems[year] else []
            for finish in yd.finishers:
                finish()
            docs = render_year(yd, rng)
            predictions = []
            for doc in docs.values():
                (reports / doc.name).write_text(doc.text(), encoding="utf-8")
                explained = (
                    {p.name for p in yd.projects if p.explanation}
                    if doc.kind == "report"
                    else set()
                )
                predictions += predict(doc, explained)
                kinds[doc.kind] += 1
            rows, unresolved = resolve(plants, docs, predictions, dept.name, year)
            truth += rows
            summary.unresolved += unresolved
            summary.plants.update(p.kind for p in plants)
            _pools(yd, docs, ctx.no_pool, problem_pool, goal_pool)
            prev = yd
    summary.files = sum(kinds.values())
    summary.planted_rows = sum(1 for r in truth if r.kind == "planted")
    summary.secondary_rows = sum(1 for r in truth if r.kind == "secondary")
    write_truth(out / "truth.csv", truth)
    write_manifest(
        out / "manifest.json",
        {
            "generator": "budget-audit synth",
            "version": GENERATOR_VERSION,
            "seed": seed,
            "departments": departments,
            "years": year_list,
            "plant_rate": plant_rate,
            "reports_dir": "reports",
            "files": dict(sorted(kinds.items())),
            "plants": dict(sorted(summary.plants.items())),
            "truth_rows": {"planted": summary.planted_rows, "secondary": summary.secondary_rows},
            "truth_by_check": dict(
                sorted(Counter(r.check for r in truth if r.kind == "planted").items())
            ),
            "unresolved_expectations": summary.unresolved,
            "text_guard": {"rejected": distinct.rejected, "forced": distinct.forced},
        },
    )
    summary.seconds = time.perf_counter() - started
    return summary


# ---- command line ---------------------------------------------------------------------------------


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--departments", type=int, default=30, help="部门数（默认 30）")
    parser.add_argument("--years", type=int, default=2, help="年数（默认 2，截至 2023 年）")
    parser.add_argument("--seed", type=int, default=0, help="随机种子（相同种子输出逐字节相同）")
    parser.add_argument(
        "--out", default="synth", help="输出目录（报告在 reports/ 下，答案在 truth.csv）"
    )
    parser.add_argument(
        "--plant-rate",
        type=float,
        default=0.3,
        help="埋入问题的部门比例（默认 0.3；每个被选中的部门埋 1–3 个问题）",
    )
    parser.add_argument(
        "--evaluate", action="store_true", help="生成后用本工具的检查打分（召回率、准确率）"
    )


def run_args(args: argparse.Namespace) -> int:
    try:
        summary = generate(
            args.departments, args.years, args.seed, Path(args.out), plant_rate=args.plant_rate
        )
    except ValueError as exc:
        print(f"[参数错误] {exc}", file=sys.stderr)
        return 2
    print(summary)
    if args.evaluate:
        import polars as pl

        from tools.synth.evaluate import evaluate

        with pl.Config(tbl_rows=20, tbl_width_chars=120):
            print(evaluate(Path(args.out)))
    return 0


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``synth`` on a ``budget-audit`` subparsers object (one line in cli.main)."""
    parser = subparsers.add_parser("synth", help="生成带埋点问题的合成报告语料（含答案 truth.csv）")
    _add_arguments(parser)
    parser.set_defaults(func=run_args)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="budget-audit synth",
        description="生成带埋点问题的合成报告语料 / synthetic report corpus",
    )
    _add_arguments(parser)
    return run_args(parser.parse_args(argv))
