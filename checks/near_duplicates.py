"""Near-duplicate texts (fuzz.ratio ≥ threshold) without comparing every pair.

T01 used to score all n² pairs with rapidfuzz, which is fine for a few reports and hopeless for a
province (100k units: half an hour; 1M: days). Here pairs are found in five steps, each cheap
enough for a million texts of ~76 characters on two cores:

1. Identical strings are grouped by hashing; only distinct strings go further. An identical group
   is kept as one node, so 10k copies of one sentence never turn into 50M pairs.
2. Distinct strings are sorted by length. ``ratio = 200·LCS/(la+lb)`` can only reach t when
   ``shorter/longer ≥ t/(200−t)`` (0.82 at 90), so a string is only paired with a window of lengths.
3. MinHash over character bigrams with banding (``BANDING``: 4 rows × 25 bands at t ≥ 88, fixed
   seed): strings whose band key agrees in some band share a bucket and become candidates.
   Near-copies share most bigrams (Jaccard ≥ 0.5 at ratio 90), strings that only share stock
   phrases rarely agree on 4 minimums at once.
4. A hashed character histogram (``BINS`` bins) gives a lower bound of the indel distance, since
   one insertion or deletion changes one count by one. It removes, for about the price of a
   memory copy, most candidates that merely share phrases; a coarser histogram (``COARSE``
   bins, the same bound but weaker) is tried first, in cache-sized blocks of pairs.
5. ``rapidfuzz.process.cpdist`` with ``fuzz.ratio`` and the cutoff scores what is left, so every
   reported pair is exact; only recall is probabilistic (≥ 0.99 on the benchmark corpus). Strings
   shorter than ``SHORT`` characters have too few bigrams for MinHash and are compared with
   every string in their length window instead.

``similar_groups`` needs connected components only: there a bucket larger than ``STAR_ABOVE`` is
checked as a star around its middle member instead of all its pairs, and candidates whose ends are
already connected are not verified again.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

# (lowest threshold, rows, bands). P(candidate) = 1 − (1 − J^rows)^bands; near-copies at ratio t
# keep a bigram Jaccard of about (1 − 2d)/(1 + 2d), d = 1 − t/100: 0.67 at 90, 0.43 at 80. At 90,
# (4, 25) takes J 0.5 with p 0.80, 0.6 with 0.97, and a pair sharing 30% of its bigrams with
# 0.18. Below 70 near-copies share no more bigrams than strangers do and all pairs are scored.
BANDING = ((88.0, 4, 25), (80.0, 3, 34), (70.0, 2, 50))
SEED = 20240617
BINS = 64  # histogram bins (a power of two ≤ 256)
COARSE = 16  # bins of the first, cheaper histogram test (divides BINS)
SHORT = 8  # shorter strings are compared exhaustively within their length window
SPLIT_ABOVE = 512  # similar_pairs: a bigger bucket is split by further MinHash rows
STAR_ABOVE = 64  # similar_groups: a bigger bucket is checked as a star
_CHUNK_TEXTS = 8192
_CHUNK_PAIRS = 1 << 20
_BLOCK = 1 << 14  # pairs whose histograms are compared at once
_BANDS_AT_ONCE = 3  # bands whose MinHash rows are worked out together
_U = np.uint64


@dataclass
class _Corpus:
    """The distinct strings, sorted by length, and what every step needs to know about them."""

    strings: np.ndarray  # object array, so that fancy indexing hands rapidfuzz the str objects
    ids: np.ndarray  # string number of each input text
    lengths: np.ndarray
    maxlen: np.ndarray  # maxlen[l]: longest partner a string of length l can match
    threshold: float
    rows: int
    bands: int
    short: int  # strings shorter than this are scored against their whole length window


def _prepare(texts: list[str], threshold: float) -> _Corpus:
    """Group identical texts, sort the distinct ones by length, pick the banding for t."""
    if not 0 < threshold <= 100:
        raise ValueError(f"threshold must be in (0, 100], got {threshold}")
    first: dict[str, int] = {}
    seen = np.fromiter((first.setdefault(t, len(first)) for t in texts), np.int64, len(texts))
    by_length = sorted(first, key=len)  # stable: equal lengths keep their first occurrence order
    numbers = np.fromiter(map(first.__getitem__, by_length), np.int64, len(by_length))
    rank = np.empty(len(first), dtype=np.int64)
    rank[numbers] = np.arange(len(first))
    strings = np.empty(len(by_length), dtype=object)
    strings[:] = by_length
    lengths = np.fromiter(map(len, by_length), dtype=np.int64, count=len(by_length))
    longest = max(SHORT, int(lengths.max(initial=0))) + 1
    maxlen = _max_partner_length(longest, threshold)
    rows, bands = next(((r, b) for t, r, b in BANDING if threshold >= t), (0, 0))
    short = SHORT if rows else longest
    return _Corpus(strings, rank[seen], lengths, maxlen, threshold, rows, bands, short)


def _max_partner_length(longest: int, threshold: float) -> np.ndarray:
    """For each length l ≤ longest, the longest partner that can reach the threshold.

    200·min(l, m)/(l + m) ≥ t  ⇔  m ≤ l·(200 − t)/t for m ≥ l; the slack guards float rounding.
    """
    return np.floor(np.arange(longest + 1) * (200 - threshold) / threshold + 1e-6).astype(np.int64)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads bigram codes and band keys over 64 bits."""
    x = x + _U(0x9E3779B97F4A7C15)
    x = (x ^ (x >> _U(30))) * _U(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> _U(27))) * _U(0x94D049BB133111EB)
    return x ^ (x >> _U(31))


def _codes(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Code points of all texts back to back (uint64) and each text's length."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    raw = "".join(texts).encode("utf-32-le", "surrogatepass")
    return np.frombuffer(raw, dtype=np.uint32).astype(np.uint64), lengths


def _bigrams(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Hashed character bigrams of non-empty texts (a 1-character text is its own token)."""
    codes, lengths = _codes(texts)
    last = np.cumsum(lengths) - 1
    following = np.empty_like(codes)
    following[:-1] = codes[1:]
    following[last] = 0
    keep = np.ones(len(codes), dtype=bool)
    keep[last[lengths > 1]] = False
    return _mix((codes << _U(21)) | following)[keep], np.maximum(lengths - 1, 1)


def _parallel(fn, starts: range) -> None:
    """numpy releases the GIL in its loops, so threads use both cores without copying arrays."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(fn, starts))


def _signatures(texts: list[str], n_hashes: int, rows: range | None = None) -> np.ndarray:
    """MinHash signatures, one row per hash function (h(x) = high half of a·x + b mod 2⁶⁴):
    of the hash functions numbered ``rows`` (default all ``n_hashes``)."""
    rng = np.random.default_rng(SEED)
    mult = rng.integers(1, 2**63, n_hashes, dtype=np.uint64) | _U(1)
    add = rng.integers(0, 2**63, n_hashes, dtype=np.uint64)
    rows = range(n_hashes) if rows is None else rows
    sig = np.empty((len(rows), len(texts)), dtype=np.uint32)

    def chunk(start: int) -> None:
        part = texts[start : start + _CHUNK_TEXTS]
        tokens, counts = _bigrams(part)
        offsets = np.cumsum(counts) - counts
        buf = np.empty_like(tokens)
        for k, h in enumerate(rows):
            np.multiply(tokens, mult[h], out=buf)
            np.add(buf, add[h], out=buf)
            # the high half of the smallest is the smallest high half: shift the minimums,
            # not every token
            sig[k, start : start + len(part)] = np.minimum.reduceat(buf, offsets) >> _U(32)

    _parallel(chunk, range(0, len(texts), _CHUNK_TEXTS))
    return sig


def _band_rows(texts: list[str], rows: int, bands: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """For each band, its MinHash rows and the next band's (the spare rows that split a big
    bucket; the last band's are the first band's). The rows are worked out ``_BANDS_AT_ONCE``
    bands at a time, and only the blocks still needed are held: the whole signature (100 rows)
    of a province's million texts would take 0.5 GB."""
    n_hashes = rows * bands
    blocks: dict[int, np.ndarray] = {}

    def band(b: int) -> np.ndarray:
        block = b // _BANDS_AT_ONCE
        if block not in blocks:
            start = block * _BANDS_AT_ONCE * rows
            stop = min(start + _BANDS_AT_ONCE * rows, n_hashes)
            blocks[block] = _signatures(texts, n_hashes, range(start, stop))
        at = (b % _BANDS_AT_ONCE) * rows
        return blocks[block][at : at + rows]

    first = band(0).copy()
    for b in range(bands):
        needed = {b // _BANDS_AT_ONCE, (b + 1) // _BANDS_AT_ONCE}
        for block in [k for k in blocks if k not in needed]:
            del blocks[block]
        yield band(b), first if b + 1 == bands else band(b + 1)


def _histograms(texts: list[str]) -> np.ndarray:
    """Per text, how many of its characters fall in each of ``BINS`` hash bins (capped at 255)."""
    hist = np.empty((len(texts), BINS), dtype=np.uint8)
    shift = _U(64 - BINS.bit_length() + 1)

    def chunk(start: int) -> None:
        part = texts[start : start + _CHUNK_TEXTS]
        codes, lengths = _codes(part)
        cell = np.repeat(np.arange(len(part)) * BINS, lengths) + (_mix(codes) >> shift)
        counts = np.bincount(cell.astype(np.int64), minlength=len(part) * BINS)
        hist[start : start + len(part)] = np.minimum(counts, 255).reshape(len(part), BINS)

    _parallel(chunk, range(0, len(texts), _CHUNK_TEXTS))
    return hist


def _ranges(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(k, x) for every k and every x in [lo[k], hi[k]), without a Python loop."""
    counts = np.maximum(hi - lo, 0)
    owner = np.repeat(np.arange(len(lo)), counts)
    step = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return owner, lo[owner] + step


def _buckets(key: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Order by key (stable: within a bucket, by length), bucket number and bucket size."""
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    bucket = np.cumsum(np.r_[True, ordered[1:] != ordered[:-1]]) - 1
    return order, bucket, np.bincount(bucket)[bucket]


def _band_pairs(
    key: np.ndarray, spare: list[np.ndarray], lengths: np.ndarray, maxlen: np.ndarray, star: int
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Candidate pairs of one band, in slices of about ``_CHUNK_PAIRS``.

    Within a bucket of at most ``star`` members (0: any size), each member is paired with the
    later members of its length window (i < j); a larger bucket yields a star around its middle
    member. Without stars, a bucket above ``SPLIT_ABOVE`` is split by the ``spare`` MinHash rows
    first: such buckets are strings sharing a frequent phrase that holds this band's minimums.
    """
    order, bucket, size = _buckets(key)
    for row in [] if star else spare:
        if (size <= SPLIT_ABOVE).all():
            break
        big = order[size > SPLIT_ABOVE]
        key = key.copy()
        key[big] = _mix(key[big] ^ row[big])
        order, bucket, size = _buckets(key)
    limit = star or len(key)
    pos = np.flatnonzero((size > 1) & (size <= limit))
    if len(pos):
        idx, span = order[pos], bucket[pos] << 24
        length = np.minimum(lengths[idx], (1 << 24) - 1)
        reach = np.minimum(maxlen[length], (1 << 24) - 1)
        hi = np.searchsorted(span | length, span | reach, side="right")
        counts = np.cumsum(np.maximum(hi - np.arange(1, len(pos) + 1), 0))
        cuts = np.searchsorted(counts, np.arange(_CHUNK_PAIRS, counts[-1], _CHUNK_PAIRS))
        for part in np.split(np.arange(len(pos)), cuts):
            k, other = _ranges(part + 1, hi[part])
            yield idx[part[k]], idx[other]
    big = np.flatnonzero(size > limit)
    if len(big):
        first = np.r_[0, np.flatnonzero(np.diff(bucket[big])) + 1]
        sizes = np.diff(np.r_[first, len(big)])
        mid = np.repeat(first + sizes // 2, sizes)
        hub, other = order[big[mid]], order[big]
        yield np.minimum(hub, other), np.maximum(hub, other)


def _coarse(hist: np.ndarray) -> np.ndarray:
    """The histogram with every ``BINS // COARSE`` neighbouring bins summed (capped at 255).

    Its L1 distance is a weaker lower bound of the indel distance (|Σa − Σb| ≤ Σ|a − b|, and
    capping only shrinks differences) at a quarter of the bytes: most candidates fail it already,
    and only the rest pay for the full histogram.
    """
    summed = hist.reshape(len(hist), COARSE, BINS // COARSE).sum(axis=2, dtype=np.uint16)
    return np.minimum(summed, 255).astype(np.uint8)


def _within(hist: np.ndarray, i: np.ndarray, j: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """L1(hist_i, hist_j) ≤ limit, pair by pair."""
    a, b = hist[i], hist[j]
    return (np.maximum(a, b) - np.minimum(a, b)).sum(axis=1, dtype=np.uint16) <= limit


def _plausible(
    hist: np.ndarray,
    coarse: np.ndarray,
    lengths: np.ndarray,
    maxlen: np.ndarray,
    i: np.ndarray,
    j: np.ndarray,
    t: float,
) -> np.ndarray:
    """Length window and histogram bound: L1(hist_i, hist_j) ≤ indel distance ≤ (1−t/100)(li+lj).

    Pairs go in blocks of ``_BLOCK`` so that the gathered histograms stay in the CPU cache
    (a million pairs at once spent most of their time moving memory); the coarse histogram
    is tried first. Blocks run in threads (:func:`_parallel`): at 10,000 departments this test
    was half of T01, on one core while the other waited.
    """
    keep = np.empty(len(i), dtype=bool)

    def block(s: int) -> None:
        bi, bj = i[s : s + _BLOCK], j[s : s + _BLOCK]
        li, lj = lengths[bi], lengths[bj]
        ok = (bi != bj) & (maxlen[np.minimum(li, lj)] >= np.maximum(li, lj))
        limit = (100 - t) / 100 * (li + lj) + 1e-6
        for h in (coarse, hist):
            at = np.flatnonzero(ok)
            ok[at] = _within(h, bi[at], bj[at], limit[at])
        keep[s : s + _BLOCK] = ok

    _parallel(block, range(0, len(i), _BLOCK))
    return keep


def _candidates(
    c: _Corpus, star: int, linked: Linked | None = None
) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """(band, i, j) slices of plausible candidate pairs among strings of ≥ ``c.short`` characters.

    With ``linked``, the pairs it marks (already in one component) are left out before the
    histogram test; it is asked again for every slice, so it may learn between them."""
    offset = int(np.searchsorted(c.lengths, c.short))
    if len(c.strings) - offset < 2:
        return
    longer = c.strings[offset:].tolist()
    hist = _histograms(longer)
    coarse = _coarse(hist)
    lengths = c.lengths[offset:]
    for band, (own, spare) in enumerate(_band_rows(longer, c.rows, c.bands)):
        key = np.zeros(len(longer), dtype=np.uint64)
        for row in own:
            key = _mix(key ^ row)
        for i, j in _band_pairs(key, list(spare), lengths, c.maxlen, star):
            if linked is not None:
                apart = ~linked(band, i + offset, j + offset)
                i, j = i[apart], j[apart]
            keep = _plausible(hist, coarse, lengths, c.maxlen, i, j, c.threshold)
            yield band, i[keep] + offset, j[keep] + offset


def _verify(c: _Corpus, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """fuzz.ratio(strings[i], strings[j]) ≥ threshold, scored by rapidfuzz on all cores."""
    keep = np.zeros(len(i), dtype=bool)
    for s in range(0, len(i), _CHUNK_PAIRS):
        scores = process.cpdist(
            c.strings[i[s : s + _CHUNK_PAIRS]],
            c.strings[j[s : s + _CHUNK_PAIRS]],
            scorer=fuzz.ratio,
            score_cutoff=c.threshold,
            dtype=np.float64,
            workers=-1,
        )
        keep[s : s + _CHUNK_PAIRS] = scores >= c.threshold
    return keep


def _exhaustive(texts: list[str], n_rows: int, threshold: float) -> np.ndarray:
    """Pairs (i < j, i < n_rows) over all of ``texts``, scored in row blocks of ≤ 2²⁴ cells."""
    block = max(1, (1 << 24) // max(len(texts), 1))
    found = [np.empty((0, 2), dtype=np.int64)]
    for s in range(0, n_rows, block):
        scores = process.cdist(
            texts[s : min(s + block, n_rows)],
            texts[s:],
            scorer=fuzz.ratio,
            score_cutoff=threshold,
            dtype=np.float64,
            workers=-1,
        )
        i, j = np.nonzero(scores >= threshold)
        upper = j > i
        found.append(np.stack([i[upper] + s, j[upper] + s], axis=1))
    return np.concatenate(found).astype(np.int64)


def _short_pairs(c: _Corpus) -> np.ndarray:
    """Every pair involving a string shorter than ``c.short``, by exhaustive scoring."""
    n_short = int(np.searchsorted(c.lengths, c.short))
    reach = int(np.searchsorted(c.lengths, c.maxlen[c.short - 1], side="right"))
    return _exhaustive(c.strings[:reach].tolist(), n_short, c.threshold)


def text_graph(texts: list[str], threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Distinct strings as nodes: (node of each text, pairs of nodes with ratio ≥ threshold).

    Identical texts share a node, so a caller that must look at individual copies (T01 skips
    some pairs of units) can do so without all pairs of a large identical group.
    """
    c = _prepare(texts, threshold)
    found, keys, n, budget = [_short_pairs(c)], [], len(c.strings), 32 * _CHUNK_PAIRS
    for _, i, j in _candidates(c, star=0):
        keys.append(i * n + j)
        if sum(map(len, keys)) > budget:  # a near-copy recurs in many bands: drop repeats
            keys = [np.unique(np.concatenate(keys))]
            budget = max(budget, 2 * len(keys[0]))
    if keys:
        pairs = np.unique(np.concatenate(keys))
        i, j = pairs // n, pairs % n
        ok = _verify(c, i, j)
        found.append(np.stack([i[ok], j[ok]], axis=1))
    return c.ids, np.concatenate(found)


def similar_pairs(texts: list[str], threshold: float) -> np.ndarray:
    """Index pairs (i < j, sorted) with fuzz.ratio(texts[i], texts[j]) ≥ threshold.

    All pairs of an identical group are listed: k copies give k(k−1)/2 rows. Use
    :func:`similar_groups` when only the groups matter.
    """
    if len(texts) < 2:
        return np.empty((0, 2), dtype=np.int64)
    ids, edges = text_graph(texts, threshold)
    members = np.argsort(ids, kind="stable")
    start = np.searchsorted(ids[members], np.arange(ids.max() + 2))
    k, other = _ranges(np.arange(1, len(ids) + 1), start[ids[members] + 1])  # copies of one string
    i, j = [members[k]], [members[other]]
    e, a = _ranges(start[edges[:, 0]], start[edges[:, 0] + 1])  # each copy of one × of the other
    f, b = _ranges(start[edges[e, 1]], start[edges[e, 1] + 1])
    i.append(members[a[f]])
    j.append(members[b])
    i, j = np.concatenate(i), np.concatenate(j)
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    order = np.lexsort((hi, lo))
    return np.stack([lo[order], hi[order]], axis=1).astype(np.int64)


def similar_groups(texts: list[str], threshold: float) -> list[list[int]]:
    """Connected components (size ≥ 2) of the pairs :func:`similar_pairs` would return.

    Groups are sorted by their first index, members ascending. A large identical group costs
    one node, and a large cluster of near-copies is linked through stars rather than all pairs,
    so this also runs where the pairs themselves would not fit in memory.
    """
    if len(texts) < 2:
        return []
    c = _prepare(texts, threshold)
    short = _short_pairs(c)
    links = _Links(_connect(len(c.strings), short[:, 0], short[:, 1]))
    for _, i, j in _candidates(c, star=STAR_ABOVE, linked=links.linked):
        links.add(c, i, j)
    labels = links.labels()[c.ids]
    # only texts in a component of two or more: a province has a million of one
    grouped = np.flatnonzero(np.bincount(labels)[labels] > 1)
    if not len(grouped):
        return []
    order = grouped[np.argsort(labels[grouped], kind="stable")]
    cuts = [0, *(np.flatnonzero(np.diff(labels[order])) + 1).tolist(), len(order)]
    members = order.tolist()
    groups = (members[a:b] for a, b in zip(cuts[:-1], cuts[1:], strict=True))
    return sorted(groups, key=lambda g: g[0])


Linked = Callable[[int, np.ndarray, np.ndarray], np.ndarray]


class _Links:
    """The components found so far, while the bands are searched.

    What a band verifies is linked in when the next band starts (one relabelling per band).
    A candidate whose ends are in one component already adds nothing: it is dropped before the
    histogram test (:func:`_candidates`), not only before the scoring. In a province's later
    bands most candidates are such pairs of near-copies: at 10,000 departments the histogram
    test took 9.5 s of T01's 37 s CPU.
    """

    def __init__(self, labels: np.ndarray):
        self._labels = labels
        self._pending: list[tuple[np.ndarray, np.ndarray]] = []
        self._band = 0

    def linked(self, band: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        if band != self._band:  # link what the last band found before filtering this one
            self._labels, self._pending, self._band = self.labels(), [], band
        return self._labels[i] == self._labels[j]

    def add(self, c: _Corpus, i: np.ndarray, j: np.ndarray) -> None:
        """Candidates of the current band (not yet linked): those reaching the threshold."""
        ok = _verify(c, i, j)
        self._pending.append((i[ok], j[ok]))

    def labels(self) -> np.ndarray:
        return _merge(self._labels, self._pending)


def _connect(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Component label (a member, the same for the whole component) of n nodes linked a–b."""
    labels = np.arange(n)
    while True:
        low = np.minimum(labels[a], labels[b])
        hooked = labels.copy()
        np.minimum.at(hooked, labels[a], low)
        np.minimum.at(hooked, labels[b], low)
        while not np.array_equal(hooked[hooked], hooked):
            hooked = hooked[hooked]
        if np.array_equal(hooked, labels):
            return labels
        labels = hooked


def _merge(labels: np.ndarray, edges: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Labels after also linking the given edges (pairs of node arrays)."""
    a = np.concatenate([labels[a] for a, _ in edges] or [np.empty(0, dtype=np.int64)])
    b = np.concatenate([labels[b] for _, b in edges] or [np.empty(0, dtype=np.int64)])
    return _connect(len(labels), a, b)[labels] if len(a) else labels


def similar_pairs_bruteforce(texts: list[str], threshold: float) -> np.ndarray:
    """Reference for tests and benchmarks: all n² pairs scored by rapidfuzz ``cdist``."""
    return _exhaustive(list(texts), len(texts), threshold)
