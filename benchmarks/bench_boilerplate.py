"""Benchmark of boilerplate detection (check T01): `checks.near_duplicates` against brute force.

The corpus is synthetic but shaped like the text units T01 compares, already normalised the way
T01 normalises them (no whitespace or punctuation): indicator strings "名称目标值" of 8–25
characters and paragraphs of three to ten clauses from a report vocabulary, with numbers, years,
department and project names; about 75 characters on average. Most texts are unique; one in five
to seven is a copy of another text, a third of the copies verbatim and the rest with one to five
characters changed, inserted or deleted. Cluster sizes follow a Zipf law (exponent 2.2, capped
at n/500: up to 2000 copies of one paragraph at 1M). Stock phrases recur across unrelated texts as
they do in real reports, so candidate generation cannot rely on rare words alone.

Every measurement runs in a fresh subprocess, so the peak RSS it reports is that of one method
on one corpus (the corpus included). Run:

    .venv/bin/python benchmarks/bench_boilerplate.py                  # 10k, 50k, 100k, 1M
    .venv/bin/python benchmarks/bench_boilerplate.py --sizes 10000 100000 --skip-brute-50k
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "artifacts" / "bench_boilerplate.json"
THRESHOLD = 90.0

_PHRASES = """
严格按照预算执行进度要求 加快资金拨付 确保项目按期完成 进一步加强预算绩效管理
提高财政资金使用效益 完善内部控制制度 强化绩效目标管理 加强项目前期论证 合理编制年度预算
及时开展绩效自评 建立健全绩效评价体系 推动各项工作任务落实 切实发挥资金使用效益
加强对项目实施过程的监督检查 认真落实中央八项规定精神 严格控制三公经费支出 做好资产管理工作
规范政府采购程序 提升公共服务水平 保障机构正常运转 完成年度工作目标 群众满意度明显提升
部分项目资金支付进度较慢 绩效目标设置不够细化量化 绩效指标不够明确 预算编制的科学性有待提高
项目实施进度滞后 年末资金结余较大 财务人员业务水平有待提高 加强财务人员业务培训
细化量化绩效指标 加强预算执行监控 定期开展绩效运行监控 将评价结果作为下年度预算安排的重要依据
推进全面实施预算绩效管理 加强与相关部门的沟通协调 确保资金安全 做到专款专用 按照相关规定
结合本部门实际情况 全面完成了各项工作任务 有效保障了各项工作的顺利开展
为经济社会发展提供了有力保障 社会效益显著 促进了地区经济高质量发展 维护社会和谐稳定
改善农村人居环境 提高人民群众获得感幸福感 加强基础设施建设 推进乡村振兴战略实施 强化监督主责
化解信访积案 督促巡察整改 推动全面从严治党向纵深发展 优化营商环境 深化国有企业改革
加强国有资产监管 落实安全生产责任 提升应急处置能力 做好疫情防控工作 加强干部队伍建设
提高依法行政水平 推进政务公开 完善绩效运行监控机制 压实预算执行主体责任 部分指标设置不够合理
项目资金到位较晚 未能及时开展项目验收 档案资料不够完整 下一步我们将 今后将进一步
针对上述问题 一是 二是 三是 通过项目的实施 有效提升了
"""
_PLACES = """
武汉市 江汉区 江岸区 硚口区 汉阳区 武昌区 青山区 洪山区 东西湖区 蔡甸区 江夏区 黄陂区
新洲区 汉南区 襄阳市 宜昌市 黄石市 十堰市 荆州市 孝感市 黄冈市 咸宁市 随州市 恩施州
"""
_AGENCIES = """
财政局 教育局 卫生健康委员会 人力资源和社会保障局 民政局 住房和城市建设局 交通运输局
农业农村局 水务局 生态环境局 自然资源和规划局 文化和旅游局 市场监督管理局 应急管理局
司法局 审计局 统计局 国有资产监督管理委员会 信访局 城市管理执法委员会 园林和林业局 商务局
科学技术局 退役军人事务局 医疗保障局 体育局 档案馆 机关事务管理局 发展和改革委员会
经济和信息化局
"""
_TOPICS = """
农村饮水安全 老旧小区改造 义务教育均衡发展 疫情防控 城市道路维修 河湖治理 高标准农田建设
就业创业补贴 困难群众救助 食品安全抽检 安全生产检查 信息化系统运维 人才引进 校舍维修改造
公共文化服务 全民健身设施 垃圾分类 污水处理 园林绿化养护 消防设施维护 退役军人优抚
养老服务 基层医疗卫生 社区网格化管理 普法宣传 档案数字化 政府购买服务 稳定专项 信访维稳
招商引资
"""
_INDICATORS = """
培训人次 资金到位率 项目完成率 群众满意度 预算执行率 信息公开及时性 验收合格率 覆盖人数
维修面积 受益人口 完成时限 成本控制 设备完好率 服务对象满意度 投诉处理率 检查次数
整改完成率 宣传活动场次 系统正常运行率 非正常上访次数 处理信访积案 新增就业人数
发放补贴人数 绿化面积
"""
_SMALL = "项目 专项资金 工程 补助资金 工作经费 | 人次 人 次 场 宗 家 平方米 公里 件 个 万元"
PHRASES, PLACES, AGENCIES, TOPICS, INDICATORS = (
    text.split() for text in (_PHRASES, _PLACES, _AGENCIES, _TOPICS, _INDICATORS)
)
SUFFIXES, UNITS = (part.split() for part in _SMALL.split("|"))


def _number(rng: np.random.Generator) -> str:
    return str(int(rng.integers(1, 5000)) if rng.random() < 0.7 else round(rng.random() * 999, 2))


def _clause(rng: np.random.Generator) -> str:
    """One clause: a stock phrase, a phrase with figures and names, or words strung together."""
    kind = rng.random()
    pick = lambda seq: seq[int(rng.integers(len(seq)))]  # noqa: E731
    if kind < 0.45:
        return pick(PHRASES)
    if kind < 0.8:
        place, agency, topic = pick(PLACES), pick(AGENCIES), pick(TOPICS)
        year, pct = int(rng.integers(2018, 2025)), f"{rng.random() * 100:.2f}%"
        return pick(
            [
                f"{place}{agency}{year}年度预算执行率为{pct}",
                f"全年共完成{topic}{pick(SUFFIXES)}{_number(rng)}{pick(UNITS)}",
                f"下达{place}{topic}{pick(SUFFIXES)}{_number(rng)}万元",
                f"{agency}负责组织实施{topic}{pick(SUFFIXES)}",
                f"截至{year}年{int(rng.integers(1, 13))}月底已支付资金{_number(rng)}万元",
                f"{topic}{pick(SUFFIXES)}资金执行率{pct}",
                f"{place}{agency}开展{topic}工作{_number(rng)}{pick(UNITS)}",
            ]
        )
    words = [pick(PHRASES) for _ in range(int(rng.integers(2, 5)))]
    return "".join(w[: int(rng.integers(2, len(w) + 1))] for w in words)


def _unique_text(rng: np.random.Generator) -> str:
    if rng.random() < 0.25:
        target = (
            f"≥{int(rng.integers(80, 101))}%"
            if rng.random() < 0.5
            else f"{_number(rng)}{UNITS[int(rng.integers(len(UNITS)))]}"
        )
        topic = TOPICS[int(rng.integers(len(TOPICS)))] if rng.random() < 0.6 else ""
        return f"{topic}{INDICATORS[int(rng.integers(len(INDICATORS)))]}{target}"
    text = "".join(_clause(rng) for _ in range(int(rng.integers(3, 11))))
    return text[:300]


CHARS = sorted(set("".join(PHRASES + PLACES + AGENCIES + TOPICS + INDICATORS) + "0123456789"))


def _edit(rng: np.random.Generator, text: str, edits: int) -> str:
    chars = list(text)
    for _ in range(edits):
        op, at = rng.random(), int(rng.integers(len(chars) + 1))
        new = CHARS[int(rng.integers(len(CHARS)))]
        if op < 0.5 and at < len(chars):
            chars[at] = new
        elif op < 0.75 or len(chars) < 2:
            chars.insert(at, new)
        else:
            del chars[min(at, len(chars) - 1)]
    return "".join(chars)


def synthetic_texts(n: int, seed: int = 0) -> list[str]:
    """n normalised text units; the same (n, seed) gives the same list."""
    rng = np.random.default_rng(seed)
    texts: list[str] = []
    while len(texts) < n:
        if rng.random() < 0.92:  # a unique text, or the first of a cluster
            texts.append(_unique_text(rng))
            continue
        base = _unique_text(rng)
        size = min(int(rng.zipf(2.2)) + 1, max(10, n // 500), n - len(texts))
        texts.append(base)
        for _ in range(size - 1):
            copy = base if rng.random() < 0.33 else _edit(rng, base, int(rng.integers(1, 6)))
            texts.append(copy)
    order = rng.permutation(len(texts))
    return [texts[i] for i in order[:n]]


def _worker(method: str, source: Path, out: Path) -> None:
    """One measurement in this (fresh) process: prints seconds, peak RSS and the output size."""
    from checks import near_duplicates as nd

    texts = source.read_text(encoding="utf-8").split("\n")
    run = {
        "pairs": nd.similar_pairs,
        "groups": nd.similar_groups,
        "brute": nd.similar_pairs_bruteforce,
    }[method]
    start = time.perf_counter()
    result = run(texts, THRESHOLD)
    seconds = time.perf_counter() - start
    if method == "groups":
        size = sum(map(len, result))
        label = np.full(len(texts), -1, dtype=np.int64)
        for k, group in enumerate(result):
            label[group] = k
        np.save(out, label)
    else:
        size = len(result)
        np.save(out, result)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak, "size": size}))


def _measure(method: str, source: Path, out: Path) -> dict:
    cmd = [sys.executable, __file__, "--worker", method, str(source), str(out)]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _recall(texts: list[str], found: np.ndarray, truth: np.ndarray) -> dict:
    """Share of brute-force pairs found, over all pairs and over pairs of different strings."""
    n = len(texts)
    fk, tk = found[:, 0] * n + found[:, 1], truth[:, 0] * n + truth[:, 1]
    hit = np.isin(tk, fk)
    differ = np.array([texts[i] != texts[j] for i, j in truth.tolist()], dtype=bool)
    return {
        "brute_pairs": int(len(tk)),
        "brute_pairs_distinct_strings": int(differ.sum()),
        "recall": float(hit.mean()) if len(tk) else 1.0,
        "recall_distinct_strings": float(hit[differ].mean()) if differ.any() else 1.0,
        "false_pairs": int((~np.isin(fk, tk)).sum()),
    }


def _same_groups(n: int, label: np.ndarray, truth: np.ndarray) -> dict:
    """How many components of the brute-force pairs similar_groups reproduces exactly."""
    from checks.near_duplicates import _connect

    expected = _connect(n, truth[:, 0], truth[:, 1])
    grouped = np.bincount(expected, minlength=n) > 1
    members: dict[int, set[int]] = {}
    for i in np.flatnonzero(grouped[expected]).tolist():
        members.setdefault(int(expected[i]), set()).add(i)
    found: dict[int, set[int]] = {}
    for i in np.flatnonzero(label >= 0).tolist():
        found.setdefault(int(label[i]), set()).add(i)
    found_sets = {frozenset(g) for g in found.values()}
    inside = sum(len({int(expected[i]) for i in g}) == 1 for g in found.values())
    return {
        "brute_groups": len(members),
        "groups_exact": sum(frozenset(g) in found_sets for g in members.values()),
        "groups_inside_a_brute_group": inside,
        "groups_found": len(found),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[10_000, 50_000, 100_000, 1_000_000]
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--brute-up-to", type=int, default=50_000, help="brute force at n ≤ this")
    parser.add_argument("--skip-brute-50k", action="store_true", help="no brute force above 10k")
    parser.add_argument("--no-pairs-above", type=int, default=10**9, help="time only groups above")
    parser.add_argument(
        "--worker", nargs=3, metavar=("METHOD", "TEXTS", "OUT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.worker:
        _worker(args.worker[0], Path(args.worker[1]), Path(args.worker[2]))
        return
    brute_limit = min(args.brute_up_to, 10_000) if args.skip_brute_50k else args.brute_up_to
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            texts = synthetic_texts(n, args.seed)
            source = Path(tmp) / f"texts_{n}.txt"
            source.write_text("\n".join(texts), encoding="utf-8")
            row = {
                "n": n,
                "distinct": len(set(texts)),
                "mean_chars": float(np.mean([len(t) for t in texts])),
            }
            for method in ("pairs", "groups", "brute"):
                if (method == "brute" and n > brute_limit) or (
                    method == "pairs" and n > args.no_pairs_above
                ):
                    continue
                row[method] = _measure(method, source, Path(tmp) / f"{method}_{n}.npy")
                print(f"n={n} {method}: {row[method]}", file=sys.stderr, flush=True)
            if "brute" in row and "pairs" in row:
                found = np.load(Path(tmp) / f"pairs_{n}.npy")
                truth = np.load(Path(tmp) / f"brute_{n}.npy")
                row.update(_recall(texts, found, truth))
                row["speedup"] = row["brute"]["seconds"] / row["pairs"]["seconds"]
            if "brute" in row and "groups" in row:
                label = np.load(Path(tmp) / f"groups_{n}.npy")
                truth = np.load(Path(tmp) / f"brute_{n}.npy")
                row.update(_same_groups(n, label, truth))
            rows.append(row)
    OUT.parent.mkdir(exist_ok=True)
    meta = {"threshold": THRESHOLD, "seed": args.seed, "cpus": os.cpu_count(), "rows": rows}
    OUT.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    print(_table(rows))
    print(f"\nwritten: {OUT.relative_to(ROOT)}")


def _table(rows: list[dict]) -> str:
    def cell(row, method, key, fmt):
        return format(row[method][key], fmt) if method in row else "–"

    lines = [
        "| n | distinct | brute-force pairs (distinct strings) | recall (distinct strings) "
        "| false pairs | groups = brute components | new: pairs s | new: groups s | brute force s "
        "| speed-up | peak RSS pairs / groups / brute (MB) |",
        "|" + "---|" * 11,
    ]
    for r in rows:
        recall = f"{r['recall']:.4f} ({r['recall_distinct_strings']:.4f})" if "recall" in r else "–"
        groups = f"{r['groups_exact']:,} of {r['brute_groups']:,}" if "brute_groups" in r else "–"
        brute = (
            f"{r['brute_pairs']:,} ({r['brute_pairs_distinct_strings']:,})"
            if "recall" in r
            else "–"
        )
        lines.append(
            f"| {r['n']:,} | {r['distinct']:,} | {brute} | {recall} | {r.get('false_pairs', '–')} "
            f"| {groups} "
            f"| {cell(r, 'pairs', 'seconds', '.2f')} | {cell(r, 'groups', 'seconds', '.2f')} "
            f"| {cell(r, 'brute', 'seconds', '.1f')} "
            f"| {format(r['speedup'], '.0f') + '×' if 'speedup' in r else '–'} "
            f"| {cell(r, 'pairs', 'peak_rss_mb', '.0f')} / {cell(r, 'groups', 'peak_rss_mb', '.0f')}"
            f" / {cell(r, 'brute', 'peak_rss_mb', '.0f')} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
