"""pdfplumber's page objects, built without its generic attribute walk.

pdfplumber turns each pdfminer object into a dict by passing every attribute
through ``resolve_all`` (which looks for PDF references that drawn characters
and rules never hold) and decoding a character's colour space name afresh each
time: on a page of text that is a third of the reading. :func:`fill_objects`
follows ``Page.process_object`` step by step — the same keys in the same order,
the same values — with plain values taken as they are and each name decoded
once, and keeps the result where pdfplumber keeps ``Page.objects``.
"""

from __future__ import annotations

import re
from unicodedata import normalize as normalize_unicode

from pdfminer.layout import LTChar, LTContainer, LTCurve, LTTextContainer
from pdfplumber.page import ALL_ATTRS, fix_fontname_bytes, lt_pat
from pdfplumber.utils.pdfinternals import resolve_all, resolve_and_decode

_PLAIN = frozenset((float, int, str, bool, type(None)))


def _resolved(value):
    """``resolve_all`` of an attribute: plain values, and tuples of them, are resolved already."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is tuple or kind is list:
        if kind is tuple and all(type(v) in _PLAIN for v in value):
            return value
        return kind(map(_resolved, value))
    return resolve_all(value)


class _ObjectMaker:
    """One page's layout objects as pdfplumber's ``Page.process_object`` makes them."""

    def __init__(self, page):
        self.page = page
        self.page_number = page.page_number
        self.height = page.height
        self.mb_x0, self.mb_top = page.mediabox[:2]
        self.doctop = page.initial_doctop
        self.norm = page.pdf.unicode_norm
        self.kinds: dict[type, str] = {}
        self.names: dict[str, str] = {}  # colour space names, decoded once

    def _kind(self, cls: type) -> str:
        kind = self.kinds.get(cls)
        if kind is None:
            kind = self.kinds[cls] = re.sub(lt_pat, "", cls.__name__).lower()
        return kind

    def _decoded(self, name):
        if type(name) is not str:
            return resolve_and_decode(name)
        decoded = self.names.get(name)
        if decoded is None:
            decoded = self.names[name] = resolve_and_decode(name)
        return decoded

    def __call__(self, obj) -> dict:
        attr = {
            k: v if type(v) in _PLAIN else _resolved(v)
            for k, v in obj.__dict__.items()
            if k in ALL_ATTRS
        }
        attr["object_type"] = self._kind(obj.__class__)
        attr["page_number"] = self.page_number
        for cs in ("ncs", "scs"):
            if hasattr(obj, cs):
                attr[cs] = self._decoded(getattr(obj, cs).name)
        if isinstance(obj, LTChar | LTTextContainer):
            text = obj.get_text()
            attr["text"] = normalize_unicode(self.norm, text) if self.norm is not None else text
        if isinstance(obj, LTChar):
            gs = obj.graphicstate
            attr["stroking_color"] = gs.scolor if isinstance(gs.scolor, tuple) else (gs.scolor,)
            attr["non_stroking_color"] = gs.ncolor if isinstance(gs.ncolor, tuple) else (gs.ncolor,)
            if isinstance(attr["fontname"], bytes):
                attr["fontname"] = fix_fontname_bytes(attr["fontname"])
        elif isinstance(obj, LTCurve):
            coord = self.page.point2coord
            attr["pts"] = list(map(coord, attr["pts"]))
            attr["path"] = [(cmd, *map(coord, pts)) for cmd, *pts in obj.original_path]
            attr["dash"] = obj.dashing_style
        if "y0" in attr:
            attr["top"] = (self.height - attr["y1"]) + self.mb_top
            attr["bottom"] = (self.height - attr["y0"]) + self.mb_top
            attr["doctop"] = self.doctop + attr["top"]
        if "x0" in attr and self.mb_x0 != 0:
            attr["x0"] = attr["x0"] + self.mb_x0
            attr["x1"] = attr["x1"] + self.mb_x0
        return attr


def fill_objects(page) -> None:
    """Build ``page.objects`` as pdfplumber's ``parse_objects`` does, from the page's layout."""
    if hasattr(page, "_objects"):
        return
    make = _ObjectMaker(page)
    with_containers = page.pdf.laparams is not None
    objects: dict[str, list] = {}

    def walk(items) -> None:
        for obj in items:
            if isinstance(obj, LTContainer):
                if with_containers:
                    add(make(obj))
                walk(obj._objs)
            else:
                add(make(obj))

    def add(attr: dict) -> None:
        if attr["object_type"] != "anno":
            objects.setdefault(attr["object_type"], []).append(attr)

    walk(page.layout._objs)
    page._objects = objects
