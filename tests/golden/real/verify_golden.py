"""Self-check of the hand-written real-document golden files (not a product test).

    .venv/bin/python tests/golden/real/verify_golden.py [slug ...]

For every document listed in documents.csv it checks that each golden amount is printed on its
page (pdfplumber text, commas removed) or on its line of the text file, that code hierarchies add
up (类 = Σ 款 = Σ 项, 合计 = Σ 类), that the named totals of each standard table add up, and a few
cross-table identities. Known inconsistencies of the printed documents are listed in DECISIONS.md;
they are reported here too, as `DOC` lines, so a transcription error cannot hide among them.
"""

from __future__ import annotations

import csv
import re
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
D = Decimal


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def documents() -> list[dict]:
    return read_csv(HERE / "documents.csv")


def printed_forms(r: dict) -> list[str]:
    """Strings that may print this cell (commas removed)."""
    dec = int(r["decimals"])
    v = D(r["amount"]) * 10000 if r["unit_printed"] == "元" else D(r["amount"])
    s = f"{v:.{dec}f}"
    forms = [s]
    if v == 0:
        forms += ["-", "—", "－"]
    return forms


def text_check(doc: dict, rows: list[dict]) -> list[str]:
    src = ROOT / doc["fixture"]
    problems = []
    if src.suffix == ".pdf":
        import pdfplumber

        with pdfplumber.open(src) as pdf:
            pages = {
                i: (p.extract_text() or "").replace(",", "") for i, p in enumerate(pdf.pages, 1)
            }
        for r in rows:
            text = pages[int(r["page"])]
            pats = [rf"(?<![\d.]){re.escape(f)}(?![\d])" for f in printed_forms(r)]
            if not any(re.search(p, text) for p in pats):
                problems.append(
                    f"not on page {r['page']}: {r['table_code']} {r['item']} {r['column']} {r['amount']}"
                )
            elif r["code"] and not any(
                re.search(rf"(?<!\d){r['code']}(?!\d)", ln) and any(re.search(p, ln) for p in pats)
                for ln in text.split("\n")
            ):
                problems.append(
                    f"code and amount not on one line of page {r['page']}: {r['table_code']} {r['code']} {r['amount']}"
                )
    else:
        lines = src.read_text(encoding="utf-8").split("\n")
        for r in rows:
            cells = [c.strip().replace(",", "") for c in lines[int(r["line"]) - 1].split("\t")]
            if not any(f in cells for f in printed_forms(r)):
                problems.append(
                    f"not on line {r['line']}: {r['table_code']} {r['item']} {r['column']} {r['amount']}"
                )
    return problems


def close(a: D, b: D, n: int) -> bool:
    return abs(a - b) <= D("0.005") * max(n, 1) + D("0.000001")


class Table:
    def __init__(self, rows: list[dict]):
        self.rows = rows

    def get(self, **f) -> D:
        hits = [r for r in self.rows if all(r[k] == v for k, v in f.items())]
        if len(hits) > 1:
            raise ValueError(f"ambiguous {f}: {len(hits)} rows")
        return D(hits[0]["amount"]) if hits else D(0)

    def has(self, **f) -> bool:
        return any(all(r[k] == v for k, v in f.items()) for r in self.rows)


def hierarchy(tab: list[dict], label: str) -> tuple[list[str], int]:
    """类 = Σ 款, 款 = Σ 项, 合计 = Σ 类 within each (side, fund, column) group."""
    out, n = [], 0
    groups = defaultdict(list)
    for r in tab:
        if r["classification"]:
            groups[(r["side"], r["fund"], r["column"], r["classification"])].append(r)
    for (_side, _fund, col, _cls), g in groups.items():
        coded = [r for r in g if r["code"]]
        if not coded:
            continue
        lens = sorted({len(r["code"]) for r in coded})
        for r in coded:
            kids = [
                k
                for k in coded
                if len(k["code"]) == len(r["code"]) + 2 and k["code"].startswith(r["code"])
            ]
            if not kids:
                continue
            n += 1
            s = sum(D(k["amount"]) for k in kids)
            if not close(s, D(r["amount"]), len(kids)):
                out.append(
                    f"{label} {col}: {r['code']} {r['item']} {r['amount']} != Σ children {s}"
                )
        tops = [r for r in coded if len(r["code"]) == lens[0]]
        totals = [
            r
            for r in g
            if not r["code"] and r["row_kind"] == "total" and r["item"] in ("合计", "总计")
        ]
        for t in totals:
            n += 1
            s = sum(D(k["amount"]) for k in tops)
            if not close(s, D(t["amount"]), len(tops)):
                out.append(f"{label} {col}: {t['item']} {t['amount']} != Σ top codes {s}")
    return out, n


def eq(label, lhs, rhs_terms, out, counter):
    counter[0] += 1
    s = sum(rhs_terms, D(0))
    if not close(lhs, s, len(rhs_terms)):
        out.append(f"{label}: {lhs} != {s}")


def named_checks(kind: str, tab: list[dict], label: str) -> tuple[list[str], int]:
    T = Table(tab)
    out: list[str] = []
    c = [0]
    items = lambda **f: [D(r["amount"]) for r in tab if all(r[k] == v for k, v in f.items())]  # noqa: E731
    if kind == "bu_summary":
        inc = dict(side="income")
        eq(
            f"{label} 财政拨款",
            T.get(item="财政拨款", **inc),
            [T.get(item="一般公共预算", **inc), T.get(item="政府性基金预算", **inc)],
            out,
            c,
        )
        eq(
            f"{label} 当年收入小计",
            T.get(item="当年收入小计"),
            [
                T.get(item="财政拨款", **inc),
                T.get(item="财政专户管理资金", **inc),
                T.get(item="其他资金", **inc),
            ],
            out,
            c,
        )
        eq(
            f"{label} 收入合计",
            T.get(item="收入合计"),
            [T.get(item="当年收入小计"), T.get(item="上年结转资金")],
            out,
            c,
        )
        eq(
            f"{label} 功能分类 = 当年支出小计",
            T.get(item="当年支出小计"),
            items(side="expenditure", classification="functional"),
            out,
            c,
        )
        use = [
            D(r["amount"]) for r in tab if r["side"] == "expenditure" and "支出用途" in r["column"]
        ]
        eq(f"{label} 支出用途 = 当年支出小计", T.get(item="当年支出小计"), use, out, c)
        eq(
            f"{label} 支出合计",
            T.get(item="支出合计"),
            [T.get(item="当年支出小计"), T.get(item="结转下年资金")],
            out,
            c,
        )
        eq(f"{label} 收入合计 = 支出合计", T.get(item="收入合计"), [T.get(item="支出合计")], out, c)
    elif kind == "bu_income":
        subs = [r for r in tab if r["item"] == "小计"]
        eq(
            f"{label} 收入总计",
            T.get(item="收入总计"),
            [D(r["amount"]) for r in subs if r["side"] == "income"],
            out,
            c,
        )
        for fund in {r["fund"] for r in subs if r["side"] == "income"}:
            kids = [
                D(r["amount"])
                for r in tab
                if r["fund"] == fund
                and r["item"] != "小计"
                and r["row_kind"] != "sub"
                and r["side"] == "income"
            ]
            eq(f"{label} {fund} 小计", T.get(item="小计", fund=fund, side="income"), kids, out, c)
    elif kind == "bu_expenditure":
        by_item = defaultdict(dict)
        for r in tab:
            by_item[(r["code"], r["item"])][r["measure"]] = D(r["amount"])
        for key, m in by_item.items():
            if "合计" in m:
                eq(
                    f"{label} {key} 合计",
                    m["合计"],
                    [v for k, v in m.items() if k != "合计"],
                    out,
                    c,
                )
    elif kind in ("bu_fiscal_summary",):
        eq(
            f"{label} 收入合计",
            T.get(item="收入合计"),
            [D(r["amount"]) for r in tab if r["side"] == "income" and r["row_kind"] == "item"],
            out,
            c,
        )
        eq(
            f"{label} 支出合计",
            T.get(item="支出合计"),
            [D(r["amount"]) for r in tab if r["side"] == "expenditure" and r["row_kind"] == "item"],
            out,
            c,
        )
        eq(f"{label} 收入合计 = 支出合计", T.get(item="收入合计"), [T.get(item="支出合计")], out, c)
    elif kind in ("bu_sangong", "fa_sangong"):
        for meas in sorted({r["measure"] for r in tab}):
            full = {r["column"]: D(r["amount"]) for r in tab if r["measure"] == meas}

            def last(name, full=full):
                return sum((v for k, v in full.items() if k.split("/")[-1] == name), D(0))

            car_cols = [
                k
                for k in full
                if "公务用车购置及运行维护费" in k
                and k.split("/")[-1] in ("小计", "公务用车购置及运行维护费")
            ]
            car_sub = sum((full[k] for k in car_cols), D(0))
            eq(
                f"{label} {meas} 车小计",
                car_sub,
                [last("公务用车购置费"), last("公务用车运行维护费")],
                out,
                c,
            )
            three = [last("因公出国（境）费"), car_sub, last("公务接待费")]
            sg_sub = [v for k, v in full.items() if k == "“三公”经费/小计"]
            totals = [v for k, v in full.items() if k.split("/")[-1] == "合计"]
            if sg_sub:
                eq(f"{label} {meas} 三公小计", sg_sub[0], three, out, c)
                if totals:
                    eq(
                        f"{label} {meas} 合计",
                        totals[0],
                        [sg_sub[0], last("会议费"), last("培训费")],
                        out,
                        c,
                    )
            elif totals:
                eq(
                    f"{label} {meas} 合计",
                    totals[0],
                    three + [last("会议费"), last("培训费")],
                    out,
                    c,
                )
    elif kind == "bu_procurement":
        cats = [
            D(r["amount"])
            for r in tab
            if re.match(r"^(货物|工程|服务)", r["item"]) and "/" not in r["item"]
        ]
        eq(f"{label} 合计 = Σ 品目大类", T.get(item="合计"), cats, out, c)
    elif kind in ("fa_summary",):
        eq(
            f"{label} 本年收入合计",
            T.get(item="本年收入合计"),
            [D(r["amount"]) for r in tab if r["side"] == "income" and r["row_kind"] == "item"],
            out,
            c,
        )
        eq(
            f"{label} 本年支出合计",
            T.get(item="本年支出合计"),
            [D(r["amount"]) for r in tab if r["side"] == "expenditure" and r["row_kind"] == "item"],
            out,
            c,
        )
        eq(
            f"{label} 总计(收)",
            T.get(item="总计", side="income"),
            [T.get(item="本年收入合计")]
            + [
                D(r["amount"])
                for r in tab
                if r["side"] == "balance" and r["column"].startswith("收入")
            ],
            out,
            c,
        )
        eq(
            f"{label} 总计(支)",
            T.get(item="总计", side="expenditure"),
            [T.get(item="本年支出合计")]
            + [
                D(r["amount"])
                for r in tab
                if r["side"] == "balance" and r["column"].startswith("支出")
            ],
            out,
            c,
        )
    elif kind in ("fa_income", "fa_expenditure", "fa_general", "fa_fiscal_summary"):
        by_row = defaultdict(dict)
        for r in tab:
            by_row[(r["side"], r["code"], r["item"], r["line"] or r["page"])][r["column"]] = D(
                r["amount"]
            )
        for key, m in by_row.items():
            tot = [
                v
                for k, v in m.items()
                if k.split("/")[-1] in ("合计", "小计", "本年收入合计", "本年支出合计")
            ]
            rest = [
                v
                for k, v in m.items()
                if k.split("/")[-1] not in ("合计", "小计", "本年收入合计", "本年支出合计")
            ]
            if tot and rest:
                eq(f"{label} row {key[2]} 合计 = Σ columns", tot[0], rest, out, c)
    elif kind == "fa_general_basic":
        pers = [D(r["amount"]) for r in tab if r["code"] in ("301", "303")]
        pub = [
            D(r["amount"]) for r in tab if len(r["code"]) == 3 and r["code"] not in ("301", "303")
        ]
        eq(f"{label} 人员经费合计", T.get(item="人员经费合计"), pers, out, c)
        eq(f"{label} 公用经费合计", T.get(item="公用经费合计"), pub, out, c)
    return out, c[0]


def cross_checks(acc: list[dict]) -> tuple[list[str], int]:
    out: list[str] = []
    c = [0]
    by = defaultdict(list)
    for r in acc:
        by[r["table_kind"]].append(r)
    T = {k: Table(v) for k, v in by.items()}
    if "bu_fiscal" in T and "bu_fiscal_summary" in T:
        eq(
            "05 合计 = 04 收入合计",
            T["bu_fiscal"].get(item="合计"),
            [T["bu_fiscal_summary"].get(item="收入合计")],
            out,
            c,
        )
    if "bu_fiscal_basic" in T and "bu_fiscal_summary" in T:
        eq(
            "06 合计 = 04 基本支出",
            T["bu_fiscal_basic"].get(item="合计"),
            [T["bu_fiscal_summary"].get(item="基本支出")],
            out,
            c,
        )
    if "bu_general" in T and "bu_fiscal_summary" in T:
        eq(
            "07 合计 = 04 一般公共预算",
            T["bu_general"].get(item="合计"),
            [T["bu_fiscal_summary"].get(item="一般公共预算")],
            out,
            c,
        )
    if "bu_summary" in T and "bu_expenditure" in T:
        for m in ("基本支出", "项目支出", "单位预留机动经费"):
            eq(
                f"03 {m} = 01 {m}",
                T["bu_expenditure"].get(measure=m),
                [T["bu_summary"].get(item=m)],
                out,
                c,
            )
    if "bu_summary" in T and "bu_income" in T:
        eq(
            "02 收入总计 = 01 收入合计",
            T["bu_income"].get(item="收入总计"),
            [T["bu_summary"].get(item="收入合计")],
            out,
            c,
        )
    if "fa_general" in T and "fa_general_basic" in T:
        eq(
            "06 人员+公用 = 05 合计 基本支出",
            T["fa_general"].get(item="合计", measure="基本支出"),
            [
                T["fa_general_basic"].get(item="人员经费合计"),
                T["fa_general_basic"].get(item="公用经费合计"),
            ],
            out,
            c,
        )
    if "fa_summary" in T and "fa_income" in T:
        eq(
            "02 合计 = 01 本年收入合计",
            T["fa_income"].get(item="合计", measure="合计"),
            [T["fa_summary"].get(item="本年收入合计")],
            out,
            c,
        )
    if "fa_summary" in T and "fa_expenditure" in T:
        eq(
            "03 合计 = 01 本年支出合计",
            T["fa_expenditure"].get(item="合计", measure="合计"),
            [T["fa_summary"].get(item="本年支出合计")],
            out,
            c,
        )
    return out, c[0]


def observations(acc: list[dict]) -> list[str]:
    """Definitional comparisons that real documents break; printed, never failing."""
    out = []
    run = [r for r in acc if r["table_kind"] == "bu_running_costs" and r["item"] == "合计"]
    basic = [
        r for r in acc if r["table_kind"] == "bu_general_basic" and r["code"] in ("302", "310")
    ]
    if run and basic:
        public = sum(D(r["amount"]) for r in basic)
        total = D(run[0]["amount"])
        verdict = "within" if total <= public else "EXCEEDS"
        out.append(f"机关运行经费 合计 {total} {verdict} the basic 302+310 {public}")
    return out


def known_inconsistencies(slug: str) -> list[str]:
    """Lines of DECISIONS.md that record a printed inconsistency of this document (`DOC <slug>: …`)."""
    p = HERE / "DECISIONS.md"
    if not p.exists():
        return []
    return [
        ln for ln in p.read_text(encoding="utf-8").splitlines() if ln.startswith(f"- DOC {slug}:")
    ]


def verify(doc: dict) -> int:
    gdir = ROOT / doc["golden_dir"]
    acc = read_csv(gdir / "accounts.csv")
    tables = read_csv(gdir / "tables.csv")
    print(f"== {doc['slug']}: {len(acc)} amounts in {len(tables)} tables")
    problems = text_check(doc, acc)
    nchecks = 0
    by_code = defaultdict(list)
    for r in acc:
        by_code[r["table_code"]].append(r)
    for t in tables:
        tab = by_code.get(t["table_code"], [])
        if len(tab) != int(t["n_amounts"]):
            problems.append(
                f"table {t['table_code']}: tables.csv says {t['n_amounts']}, accounts has {len(tab)}"
            )
        label = f"{t['table_code']} {t['table_kind']}"
        p1, n1 = hierarchy(tab, label)
        p2, n2 = named_checks(t["table_kind"], tab, label)
        problems += p1 + p2
        nchecks += n1 + n2
        print(
            f"   {t['table_code']} {t['table_kind']:<18} {len(tab):>4} amounts  {t['table_title']}"
        )
    for line in observations(acc):
        print("   INFO    ", line)
    p3, n3 = cross_checks(acc)
    problems += p3
    nchecks += n3
    sg = gdir / "sangong.csv"
    if sg.exists():
        print(f"   sangong.csv: {len(read_csv(sg))} figures")
    known = known_inconsistencies(doc["slug"])
    labels = [m for ln in known for m in re.findall(r"\[\[(.+?)\]\]", ln)]
    unexplained = 0
    for p in problems:
        if any(lab in p for lab in labels):
            print("   DOC     ", p)
        else:
            print("   MISMATCH", p)
            unexplained += 1
    print(
        f"   {nchecks} sum checks, {len(problems) - unexplained} printed inconsistencies (DECISIONS.md), {unexplained} unexplained"
    )
    return unexplained


def main(argv: list[str]) -> int:
    docs = [d for d in documents() if not argv or d["slug"] in argv]
    return 1 if sum(verify(d) for d in docs) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
