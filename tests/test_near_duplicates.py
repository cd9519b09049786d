"""checks.near_duplicates against the brute force it replaces, and T01's groups against pairs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from rapidfuzz import fuzz

from checks import near_duplicates as nd
from checks import t01_repeated_text as t01

ROOT = Path(__file__).resolve().parents[1]
CHARS = [chr(0x4E00 + k) for k in range(0, 3000, 7)]  # 429 CJK characters


def _edit(rng: np.random.Generator, text: str, edits: int) -> str:
    chars = list(text)
    for _ in range(edits):
        op, at = rng.integers(3), int(rng.integers(len(chars)))
        new = CHARS[int(rng.integers(len(CHARS)))]
        if op == 0:
            chars[at] = new
        elif op == 1:
            chars.insert(at, new)
        elif len(chars) > 1:
            del chars[at]
    return "".join(chars)


def _planted(seed: int = 7, bases: int = 120) -> list[str]:
    """Random strings of 8–150 characters (with recurring phrases), each with one to six copies
    edited on up to 16% of their characters (ratios about 75–99 around 90), some verbatim."""
    rng = np.random.default_rng(seed)
    phrases = ["".join(rng.choice(CHARS, int(rng.integers(3, 9)))) for _ in range(40)]
    texts = []
    for _ in range(bases):
        length = int(rng.integers(8, 151))
        base = "".join(
            phrases[int(rng.integers(len(phrases)))] if rng.random() < 0.3 else rng.choice(CHARS)
            for _ in range(length)
        )[:length]
        texts.append(base)
        for _ in range(int(rng.integers(1, 7))):
            edits = max(1, round(len(base) * rng.uniform(0.0, 0.16)))
            texts.append(_edit(rng, base, edits))
        if rng.random() < 0.3:
            texts.append(base)
    order = rng.permutation(len(texts))
    return [texts[k] for k in order]


def _as_set(pairs: np.ndarray) -> set[tuple[int, int]]:
    return set(map(tuple, pairs.tolist()))


def _components(n: int, pairs) -> list[list[int]]:
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        parent[find(int(a))] = find(int(b))
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return [g for g in groups.values() if len(g) > 1]


@pytest.fixture(scope="module")
def planted() -> list[str]:
    return _planted()


@pytest.fixture(scope="module")
def sample_texts(corpus) -> list[str]:
    settings = {"generic_words": [], "min_chars": 1}
    return t01._units(corpus, settings)["norm"].to_list()


def test_bruteforce_is_the_definition():
    rng = np.random.default_rng(3)
    base = "".join(rng.choice(CHARS, 20))
    texts = [base] + [_edit(rng, base, k) for k in (1, 1, 2, 2, 3, 4)] + ["", "甲", base[:18]]
    expected = {
        (i, j)
        for i in range(len(texts))
        for j in range(i + 1, len(texts))
        if fuzz.ratio(texts[i], texts[j]) >= 90
    }
    assert any(fuzz.ratio(texts[i], texts[j]) == 90 for i, j in expected)  # a boundary case
    assert _as_set(nd.similar_pairs_bruteforce(texts, 90)) == expected


def test_planted_near_duplicates_match_brute_force(planted):
    brute = _as_set(nd.similar_pairs_bruteforce(planted, 90))
    scores = [fuzz.ratio(planted[i], planted[j]) for i, j in brute]
    assert sum(90 <= s < 93 for s in scores) >= 20, "too few pairs near the threshold"
    found = _as_set(nd.similar_pairs(planted, 90))
    assert found <= brute  # every pair is verified
    assert len(found & brute) / len(brute) >= 0.95
    near_misses = [
        (i, j)
        for i in range(len(planted))
        for j in range(i + 1, len(planted))
        if 85 <= fuzz.ratio(planted[i], planted[j]) < 90
    ]
    assert len(near_misses) >= 20 and not found & set(near_misses)


@pytest.mark.parametrize("threshold", [95, 90, 85, 80, 75])
def test_recall_holds_at_other_thresholds(planted, threshold):
    brute = _as_set(nd.similar_pairs_bruteforce(planted, threshold))
    found = _as_set(nd.similar_pairs(planted, threshold))
    assert found <= brute and len(found) / len(brute) >= 0.95


@pytest.mark.parametrize("threshold", [90, 80, 70])
def test_sample_texts_give_exactly_the_brute_force_pairs(sample_texts, threshold):
    brute = nd.similar_pairs_bruteforce(sample_texts, threshold)
    assert len(brute) > 20
    np.testing.assert_array_equal(nd.similar_pairs(sample_texts, threshold), brute)


def _co_grouped(groups: list[list[int]]) -> set[tuple[int, int]]:
    return {(a, b) for g in groups for k, a in enumerate(g) for b in g[k + 1 :]}


def test_groups_are_the_components_of_the_brute_force_pairs(planted):
    rng = np.random.default_rng(11)
    base = "".join(rng.choice(CHARS, 90))
    cluster = [_edit(rng, base, int(rng.integers(1, 3))) for _ in range(3 * nd.STAR_ABOVE)]
    texts = planted + cluster + [base] * 40
    assert len(set(cluster)) > nd.STAR_ABOVE  # a bucket big enough to be checked as a star
    groups = nd.similar_groups(texts, 90)
    assert groups == sorted(groups) and all(g == sorted(g) for g in groups)
    expected = _components(len(texts), nd.similar_pairs_bruteforce(texts, 90))
    assert list(range(len(planted), len(texts))) in groups
    together, should = _co_grouped(groups), _co_grouped(expected)
    assert together <= should and len(together) >= 0.95 * len(should)
    assert len(groups) >= 0.95 * len(expected)


def test_empty_and_single_inputs():
    assert nd.similar_pairs([], 90).shape == (0, 2)
    assert nd.similar_pairs(["严格按照预算执行进度要求"], 90).shape == (0, 2)
    assert nd.similar_groups([], 90) == [] and nd.similar_groups(["一"], 90) == []
    assert nd.similar_pairs_bruteforce([], 90).shape == (0, 2)


def test_identical_texts_pair_up_but_stay_one_node():
    text = "严格按照预算执行进度要求加快资金拨付确保项目按期完成"
    pairs = nd.similar_pairs([text] * 50, 90)
    assert len(pairs) == 50 * 49 // 2
    np.testing.assert_array_equal(pairs, nd.similar_pairs_bruteforce([text] * 50, 90))
    many = [text] * 10_000 + ["完全不同的另一句话用于对照"] * 2
    nodes, edges = nd.text_graph(many, 90)
    assert len(set(nodes.tolist())) == 2 and len(edges) == 0
    assert nd.similar_groups(many, 90) == [list(range(10_000)), [10_000, 10_001]]


@pytest.mark.parametrize("threshold", [90, 80, 66, 50])
def test_very_short_texts(threshold):
    texts = ["", "", "a", "a", "ab", "abc", "abd", "abcd", "abce", "预算", "预算执行", "预算执行率"]
    texts += ["预算执行率高", "预算执行率低", "执行", "一二三四五六七", "一二三四五六七八"]
    brute = nd.similar_pairs_bruteforce(texts, threshold)
    assert (0, 1) in _as_set(brute)  # two empty strings are identical
    np.testing.assert_array_equal(nd.similar_pairs(texts, threshold), brute)


def test_very_different_lengths():
    long = "".join(CHARS[k % len(CHARS)] for k in range(150))
    texts = [long, long[:10], long[:20], long[:123], long[:9], long[:11], long[:9] + "甲乙丙"]
    # 150 vs 123: 90.1; 10 vs 9 or 11: 94.7, 95.2; 9 vs 11: exactly 90; 9 vs 12: 85.7
    brute = nd.similar_pairs_bruteforce(texts, 90)
    assert _as_set(brute) == {(0, 3), (1, 4), (1, 5), (4, 5)}
    np.testing.assert_array_equal(nd.similar_pairs(texts, 90), brute)


@pytest.mark.parametrize("threshold", [0, -5, 101])
def test_threshold_out_of_range_is_an_error(threshold):
    with pytest.raises(ValueError, match="threshold"):
        nd.similar_pairs(["预算执行", "预算执行率"], threshold)


def test_same_result_whatever_the_hash_seed():
    code = (
        "import sys; sys.path.insert(0, 'tests'); from test_near_duplicates import _planted;"
        "from checks.near_duplicates import similar_pairs;"
        "print(similar_pairs(_planted(5, 60), 90).tolist())"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1 and len(outputs.pop()) > 100


def _unit(norm, doc="d1", line=1, section="存在问题", project=""):
    return {
        "norm": norm,
        "doc_id": doc,
        "source_line": line,
        "section": section,
        "project": project,
    }


def _reference_components(units: list[dict], threshold: float) -> list[list[int]]:
    """T01 before: union-find over all non-exempt pairs with ratio ≥ threshold."""
    pairs = nd.similar_pairs_bruteforce([u["norm"] for u in units], threshold)
    kept = [(a, b) for a, b in pairs.tolist() if not t01._exempt(units[a], units[b])]
    return _components(len(units), kept)


def test_t01_components_skip_exempt_pairs_like_the_pairwise_version():
    same = "加强信访维稳工作有利于维护社会稳定促进经济发展"
    near = same.replace("促进", "推动")
    units = [
        _unit(same, section="预期目标", project="甲", line=10),  # goal
        _unit(same, section="实际完成", project="甲", line=11),  # its result: exempt with the goal
        _unit(same, section="实际完成", project="甲", line=12),  # another result line
        _unit(same, doc="d2", line=5),  # elsewhere: links everything
        _unit(near, section="预期目标", project="乙", line=20),
        _unit(near, section="实际完成", project="乙", line=21),  # only exempt partners
        _unit(same + "并", line=30),
        _unit(same + "并", line=30),  # same place twice
        _unit("完全无关的一段文字用于对照检查", line=40),
    ]
    expected = _reference_components(units, 90)
    assert expected == [[0, 1, 2, 3, 4, 5, 6, 7]]
    assert t01._components(pl.DataFrame(units), 90) == expected
    goal_and_result = [units[0], units[1]]
    assert (
        t01._components(pl.DataFrame(goal_and_result), 90)
        == _reference_components(goal_and_result, 90)
        == []
    )
    rest = [units[4], units[5], units[6], units[7], units[3]]
    assert (
        t01._components(pl.DataFrame(rest), 90)
        == _reference_components(rest, 90)
        == [[0, 1, 2, 3, 4]]
    )
    assert t01._components(pl.DataFrame(rest[:4]), 90) == _reference_components(rest[:4], 90) == []


def test_t01_components_on_the_samples_equal_the_pairwise_version(corpus):
    settings = {**t01.CHECK.defaults}
    units = t01._units(corpus, settings)
    for threshold in (90, 70):
        expected = _reference_components(units.to_dicts(), threshold)
        assert expected and t01._components(units, threshold) == expected


def test_t01_units_normalise_as_the_python_rules_do():
    """The polars normalisation strips what ``_STRIP`` and the generic words strip, and the
    placeholder test agrees with :func:`checks.base.is_placeholder`, odd spaces included."""
    import re

    from checks.base import is_placeholder
    from loaders import model

    names = ["指标\x1c", "\u3000无\u3000", "□ 暂无", "人数", None, "…", "满意度\u2028"]
    targets = ["≥95%", "100人", "/", "力争达到90%（含）", "无", "—", "进一步提高"]
    texts = ["通过项目的实施，\x1f进一步提高了\u00a0服务“质量”。", None, "  ", "力争进一步：好！"]
    n, k = len(texts), len(names)
    corpus = model.Corpus(
        narratives=pl.DataFrame(
            {
                "doc_id": ["d"] * n,
                "source_line": list(range(n)),
                "section": ["存在问题"] * n,
                "text": texts,
            }
        ),
        indicators=pl.DataFrame(
            {
                "doc_id": ["d"] * k,
                "source_line": list(range(k)),
                "row_kind": ["indicator"] * k,
                "name": names,
                "target": targets,
            }
        ),
    )
    settings = {**t01.CHECK.defaults, "min_chars": 0}
    units = t01._units(corpus, settings)
    generic = re.compile("|".join(map(re.escape, settings["generic_words"])))
    kept = [
        f"{a}：{b}"
        for a, b in zip(names, targets, strict=True)
        if not (is_placeholder(a) or is_placeholder(b))
    ]
    expected = [generic.sub("", t01._STRIP.sub("", t or "")) for t in [*texts, *kept]]
    assert units["norm"].to_list() == expected
    assert units["text"].to_list()[n:] == kept and len(kept) == 3
