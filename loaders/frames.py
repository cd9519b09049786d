"""A file's rows as typed polars frames: how parsed files travel and are stored.

A budget line held as a Python dict costs about 2.2 KB; in a polars frame about 340 bytes.
Workers therefore hand back each file as frames (one per table of :data:`TABLES`, every
row keyed by the file's ``cache_key``), and batches of files are concatenated frame by frame
without ever becoming dicts again in the parent.
"""

from __future__ import annotations

import polars as pl

from loaders import model

TEXTS = {"doc_id": pl.String, "lines": pl.List(pl.String), "places": pl.List(pl.String)}
TABLES: dict[str, dict] = {
    **{name: model.FRAMES[name] for name in model.ROW_FRAMES},
    "texts": TEXTS,
    "documents": model.DOCUMENTS,
}
KEY = "cache_key"

Frames = dict[str, pl.DataFrame]


def schema(table: str) -> dict:
    """A stored table's columns: the frame's own, then the file's cache key."""
    return {**TABLES[table], KEY: pl.String}


def empty() -> Frames:
    return {table: pl.DataFrame(schema=schema(table)) for table in TABLES}


def doc_frames(pairs: list[tuple[str, model.LoadedDoc]]) -> Frames:
    """Frames of ``(cache_key, doc)`` pairs; raises when a row does not fit its schema."""
    keys = [k for k, _ in pairs]
    out: Frames = {}
    for name in model.ROW_FRAMES:
        # the rows as they are (no copy with the key added): the key column is added after
        records = [r for _, d in pairs for r in d.rows(name)]
        frame = model.frame(records, model.FRAMES[name])
        keyed = [k for k, d in pairs for _ in range(len(d.rows(name)))]
        out[name] = frame.with_columns(pl.Series(KEY, keyed, pl.String))
    out["texts"] = pl.DataFrame(
        {
            "doc_id": [d.document.get("doc_id") for _, d in pairs],
            "lines": [d.lines for _, d in pairs],
            "places": [d.places or [""] * len(d.lines) for _, d in pairs],
            KEY: keys,
        },
        schema=schema("texts"),
    )
    out["documents"] = model.frame([{**d.document, KEY: k} for k, d in pairs], schema("documents"))
    return out


def framed(doc: model.LoadedDoc, key: str = "") -> Frames:
    """One file's frames; a row the frames cannot hold fails that file, with the reason."""
    try:
        frames = doc_frames([(key, doc)])
        for text in (doc.document.get("source_file") or "", *doc.lines[:1]):
            text.encode("utf-8")
        return frames
    except Exception:
        from loaders.pipeline import validated

        return doc_frames([(key, validated(doc))])


def framed_batch(pairs: list[tuple[str, model.LoadedDoc]]) -> Frames:
    """Frames of several files ``(cache_key, doc)`` built at once, a third of the cost of
    framing them one by one; when a row does not fit, each file is framed on its own, so
    only that file fails."""
    try:
        frames = doc_frames(pairs)
        for _, doc in pairs:
            for text in (doc.document.get("source_file") or "", *doc.lines[:1]):
                text.encode("utf-8")
        return frames
    except Exception:
        return concat([framed(doc, key) for key, doc in pairs])


def with_key(frames: Frames, key: str) -> Frames:
    return {t: f.with_columns(pl.lit(key, pl.String).alias(KEY)) for t, f in frames.items()}


def concat(batches: list[Frames]) -> Frames:
    """The frames of several batches, table by table, in order."""
    if not batches:
        return empty()
    return {t: pl.concat([b[t] for b in batches], how="vertical") for t in TABLES}


def to_corpus(frames: Frames) -> model.Corpus:
    """A :class:`~loaders.model.Corpus` of the frames (texts and places as lists by doc_id)."""
    texts = frames["texts"]
    doc_ids, lines, places = (texts[c].to_list() for c in ("doc_id", "lines", "places"))
    return model.Corpus(
        {d: v for d, v in zip(doc_ids, lines, strict=True) if v},
        {d: p for d, p in zip(doc_ids, places, strict=True) if p and any(p)},
        **{name: frames[name].select(model.FRAMES[name].keys()) for name in model.FRAMES},
    )
