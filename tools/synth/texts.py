"""Composed free text that stays distinct across departments and years.

Real reports copy text; clean synthetic ones must not, or the boilerplate check
would fire where nothing was planted. Every composed unit (a problem paragraph, a
goal, an indicator's "name：target") goes through :class:`Distinct`, which keeps the
earlier units that could collide with it (same form, same topic) and rejects a
candidate whose similarity to any of them reaches ``cutoff`` — below the check's 90,
so a clean corpus has no pair the check would join.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

import numpy as np
from rapidfuzz import fuzz, process

from tools.synth import wording as W

_STRIP = re.compile(r"[\s\u3000□，,。.；;：:、“”\"'（）()【】《》!！?？\-—]")


def normalise(text: str) -> str:
    """What the boilerplate check compares: no blanks, no punctuation."""
    return _STRIP.sub("", text)


class Distinct:
    """Buckets of accepted texts; a new text must differ from every text in its bucket."""

    def __init__(self, cutoff: float = 86.0, tries: int = 24):
        self.cutoff = cutoff
        self.tries = tries
        self.buckets: dict[tuple, Bucket] = {}
        self.rejected = 0
        self.forced = 0

    def accept(self, bucket: tuple, text: str) -> bool:
        norm = normalise(text)
        seen = self._bucket(bucket)
        if seen.near(norm, self.cutoff):
            self.rejected += 1
            return False
        seen.add(norm)
        return True

    def pick(self, make: Callable[[int], tuple[tuple, str]]) -> str:
        """Call ``make(attempt)`` -> (bucket, text) until a text is accepted."""
        bucket, text = make(0)
        for attempt in range(1, self.tries):
            if self.accept(bucket, text):
                return text
            bucket, text = make(attempt)
        self.forced += 1
        self._bucket(bucket).add(normalise(text))
        return text

    def _bucket(self, key: tuple) -> Bucket:
        seen = self.buckets.get(key)
        if seen is None:
            seen = self.buckets[key] = Bucket()
        return seen


_BINS = 64  # characters counted by code point modulo this: an upper bound of what two texts share
_FILTER_FROM = 32  # smaller buckets are compared text by text


class Bucket:
    """The normalised texts of one bucket, and what answers "is any near?" without comparing
    the candidate with each of them: a bucket grows with the corpus, and comparing with every
    earlier text made generation quadratic (at 2,500 departments it spent most of its time in
    the comparisons).

    The answer is exactly :func:`rapidfuzz.fuzz.ratio` >= cutoff against some text, found
    in two cheap steps first. A text refused once is refused again (a bucket only grows), so
    refused texts are remembered. ``ratio`` is 200 × LCS / (len a + len b), and the longest
    common subsequence is at most the characters both texts hold, counted with multiplicity
    (fewer still when characters are counted in bins: each bin holds at least as many of
    both). Texts whose bound is under the cutoff cannot be near; only the others are
    compared by rapidfuzz.
    """

    def __init__(self):
        self.texts: list[str] = []
        self.known: set[str] = set()  # accepted or refused before
        self.lengths = np.zeros(0, dtype=np.int32)
        self.counts = np.zeros((0, _BINS), dtype=np.uint16)

    def near(self, norm: str, cutoff: float) -> bool:
        if norm in self.known:
            return True
        texts = self.texts
        if len(texts) >= _FILTER_FROM:
            n = len(texts)
            shared = np.minimum(self.counts[:n], _counts(norm)).sum(axis=1, dtype=np.int32)
            # a margin below the cutoff keeps float rounding on the side of comparing
            bound = 200.0 * shared >= (cutoff - 0.5) * (self.lengths[:n] + len(norm))
            texts = [texts[i] for i in np.flatnonzero(bound)]
        if texts and process.extractOne(norm, texts, scorer=fuzz.ratio, score_cutoff=cutoff):
            self.known.add(norm)
            return True
        return False

    def add(self, norm: str) -> None:
        n = len(self.texts)
        if n == len(self.lengths):  # grow by doubling
            size = max(2 * n, _FILTER_FROM)
            self.lengths = np.resize(self.lengths, size)
            self.counts = np.resize(self.counts, (size, _BINS))
        self.texts.append(norm)
        self.known.add(norm)
        self.lengths[n] = len(norm)
        self.counts[n] = _counts(norm)


def _counts(text: str) -> np.ndarray:
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    return np.bincount(codes % _BINS, minlength=_BINS).astype(np.uint16)


class Slots(dict):
    """Slot values computed on first use, so a template pays only for the slots it names."""

    def __init__(self, makers: dict[str, Callable[[Slots], object]]):
        super().__init__()
        self._makers = makers

    def __missing__(self, key: str) -> object:
        value = self._makers[key](self)
        self[key] = value
        return value


def _percent(rng: random.Random) -> float:
    p = rng.choice([80, 85, 88, 90, 92, 93, 95, 96, 97, 98, 99, 100])
    if rng.random() < 0.3 and p < 99:
        p = round(p + rng.choice([0.5, 0.8, 1.5]), 1)
    return p


def slots(rng: random.Random, project, dept, year: int, attempt: int = 0) -> Slots:
    """Values for every ``{slot}`` a template may use; wider ranges on later attempts."""
    widen = 1 + attempt // 4
    r = rng
    makers: dict[str, Callable[[Slots], object]] = {
        "topic": lambda s: project.topic,
        "obj": lambda s: project.obj,
        "verb": lambda s: project.verb,
        "unit": lambda s: project.unit,
        "people": lambda s: project.people,
        "place": lambda s: r.choice(dept.places),
        "office": lambda s: r.choice(dept.offices),
        "short": lambda s: dept.short,
        "duty": lambda s: r.choice(dept.duties),
        "domain": lambda s: dept.domain,
        "year": lambda s: year,
        "year_next": lambda s: year + 1,
        "n": lambda s: r.randint(12, 480 * widen),
        "n2": lambda s: s["n"] + r.randint(0, max(1, s["n"] // 8)),
        "m": lambda s: r.randint(200, 9000 * widen),
        "m2": lambda s: r.randint(200, 9000 * widen),
        "k": lambda s: r.randint(3, 24 + 6 * widen),
        "k2": lambda s: s["k"] + r.randint(0, 3),
        "k3": lambda s: max(1, s["k"] - r.randint(0, 2)),
        "_p": lambda s: _percent(r),
        "p": lambda s: f"{s['_p']:g}",
        "q": lambda s: f"{round(min(100.0, s['_p'] + r.random() * (100 - s['_p'])), 1):g}",
        "e": lambda s: r.randint(1, 15),
        "e2": lambda s: f"{max(0.1, s['e'] - r.random() * s['e'] * 0.8):.1f}",
        "e3": lambda s: f"{s['e'] + r.random() * 4:.1f}",
        "c": lambda s: r.randint(60, 2400 * widen),
        "c2": lambda s: max(1, s["c"] - r.randint(0, s["c"] // 6)),
        "c3": lambda s: s["c"] + r.randint(0, s["c"] // 5),
        "w": lambda s: r.randint(20, 900 * widen),
        "w2": lambda s: max(1, s["w"] - r.randint(0, s["w"] // 6)),
        "w3": lambda s: s["w"] + r.randint(0, s["w"] // 4),
        "y": lambda s: r.randint(3, 10),
        "mm": lambda s: r.randint(6, 12),
        "mm2": lambda s: r.randint(max(1, s["mm"] - 3), s["mm"]),
        "dd": lambda s: r.randint(1, 28),
        "aim": lambda s: r.choice(W.AIMS),
        "done_aim": lambda s: r.choice(W.DONE_AIMS),
    }
    return Slots(makers)


def compose(
    distinct: Distinct,
    rng: random.Random,
    kind: str,
    parts: list[list[str]],
    project,
    dept,
    year: int,
    *,
    seps: tuple[str, ...] = ("，", "。"),
    lead: str = "",
    bucket_slots: tuple[str, ...] = (),
    key_parts: int = 2,
) -> str:
    """One distinct paragraph: ``lead`` + one choice from each of ``parts``, slots filled.

    ``seps[i]`` joins part ``i + 1`` to the text before it ("，" continues a sentence,
    "。" starts a new one). Texts that share their first ``key_parts`` choices (and the
    values of ``bucket_slots``) are compared with each other; texts that differ in a whole
    main clause never come close to the check's threshold, so they need not be. A short
    second clause is not enough (an empty one against a short one reads 92 % alike): keep
    ``key_parts=1`` when the second part is short.
    """

    def make(attempt: int) -> tuple[tuple, str]:
        s = slots(rng, project, dept, year, attempt)
        choice = [rng.randrange(len(options)) for options in parts]
        pieces = [
            W.fill(options[i], s).rstrip("。") for options, i in zip(parts, choice, strict=True)
        ]
        text = pieces[0]
        for sep, piece in zip(seps, pieces[1:], strict=False):
            if piece:
                text += sep + piece
        text += "。"
        if attempt >= 8:  # a last resort: name the place the text is about
            text = s["place"] + text
        bucket = (kind, *choice[:key_parts], *(s[k] for k in bucket_slots))
        return bucket, lead + text

    return distinct.pick(make)
