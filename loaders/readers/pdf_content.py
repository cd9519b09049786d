"""A page's content streams turned into pdfminer's objects in one regular-expression pass.

pdfminer tokenises content streams a byte state at a time (``PSBaseParser``),
which is most of the time it takes to interpret a page, and looks each operator's
handler up by name every time it meets it. :func:`content_objects` gives the very
objects pdfminer's ``PDFContentParser`` would (the same interned keywords and
names, ints, floats, strings, arrays and dicts, in order) for the grammar real
content streams use. Anything outside it — inline images, ``#`` in names,
an odd dictionary, a string a stream break cuts, escapes whose result depends on
where pdfminer's 4 KB reads fall — gives ``None``, and the page is interpreted
by pdfminer itself, so no page reads differently.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pdfminer import settings
from pdfminer.pdfinterp import PDFInterpreterError, PDFPageInterpreter, log
from pdfminer.pdftypes import stream_value
from pdfminer.psparser import KWD, LIT, PSKeyword, PSLiteral, keyword_name

_TOKEN = re.compile(
    rb"""[\s\x00]*+(?:
     (?P<float>[-+]?(?:\d+\.\d*|\.\d+))
    |(?P<int>[-+]?\d+)
    |(?P<keyword>[A-Za-z][^\#/%\[\]()<>{}\s]*+)
    |/(?P<name>[^\#/%\[\]()<>{}\s]*+)(?!\#)
    |<(?P<hex>[0-9A-Fa-f\s]*+)>(?!>)
    |(?P<open><<|\[)
    |(?P<close>>>|\])
    |(?P<string>\()
    |%[^\r\n]*+
    |(?P<other>[^\s\x00A-Za-z0-9.+\-/<>(%\[\]{}])
    |(?P<end>\Z)
    )""",
    re.X,
)
_STRING_PART = re.compile(rb"[()\\]")
_OCTAL = re.compile(rb"[0-7]{1,3}")
_ESCAPES = {b"b": 8, b"t": 9, b"n": 10, b"f": 12, b"r": 13, b"(": 40, b")": 41, b"\\": 92}
_SPACE = re.compile(rb"\s")


class _Unsupported(Exception):
    """Content outside the grammar read here: pdfminer reads the page."""


def _string(data: bytes, at: int) -> tuple[bytes, int]:
    """A literal string from just after its ``(``: its bytes and the offset after its ``)``."""
    out = bytearray()
    depth = 1
    while True:
        m = _STRING_PART.search(data, at)
        if m is None:
            raise _Unsupported  # runs into the next stream: pdfminer inserts a newline
        out += data[at : m.start()]
        c = data[m.start() : m.start() + 1]
        at = m.end()
        if c == b"(":
            depth += 1
            out += c
        elif c == b")":
            depth -= 1
            if not depth:
                return bytes(out), at
            out += c
        else:
            escaped = data[at : at + 1]
            octal = _OCTAL.match(data, at)
            if octal:
                code = int(octal.group(), 8)
                if code > 255:
                    raise _Unsupported  # pdfminer fails an assertion
                out.append(code)
                at = octal.end()
            elif escaped in _ESCAPES:
                out.append(_ESCAPES[escaped])
                at += 1
            elif escaped in (b"\r", b""):
                raise _Unsupported  # pdfminer's \r\n skip depends on its buffer boundaries
            else:
                at += 1  # an unknown escape (or a line continuation) drops both bytes


def _hex(digits: bytes) -> bytes:
    digits = _SPACE.sub(b"", digits)
    if len(digits) % 2:  # pdfminer reads a lone last digit as the byte of its value
        return bytes.fromhex(digits[:-1].decode()) + bytes((int(digits[-1:], 16),))
    return bytes.fromhex(digits.decode())


def _name(raw: bytes) -> PSLiteral:
    try:
        return LIT(str(raw, "utf-8"))
    except UnicodeDecodeError:
        return LIT(raw)


def _close(kind: bytes, items: list) -> object:
    if kind == b"]":
        return items
    if len(items) % 2 or not all(isinstance(k, PSLiteral) for k in items[::2]):
        raise _Unsupported  # pdfminer raises, or names keys its own way
    return {
        k.name if isinstance(k.name, str) else str(k.name): v
        for k, v in zip(items[::2], items[1::2], strict=True)
        if v is not None
    }


def _tokens(data: bytes, out: list, open_: list) -> None:
    """Append one stream's objects to ``out``; ``open_`` holds arrays and dicts not yet closed."""
    at = 0
    match = _TOKEN.match
    target = open_[-1][1] if open_ else out
    while True:
        m = match(data, at)
        if m is None:
            raise _Unsupported
        at = m.end()
        kind = m.lastgroup
        if kind == "int":
            target.append(int(m.group(kind)))
        elif kind == "keyword":
            word = m.group(kind)
            if word == b"true" or word == b"false":
                target.append(word == b"true")
            elif word == b"BI" or word == b"ID":
                raise _Unsupported  # inline image data is not tokens
            else:
                target.append(KWD(word))
        elif kind == "float":
            target.append(float(m.group(kind)))
        elif kind == "name":
            target.append(_name(m.group(kind)))
        elif kind == "hex":
            target.append(_hex(m.group(kind)))
        elif kind == "string":
            text, at = _string(data, at)
            target.append(text)
        elif kind == "open":
            open_.append((b"]" if m.group(kind) == b"[" else b">>", []))
            target = open_[-1][1]
        elif kind == "close":
            if not open_ or open_[-1][0] != m.group(kind):
                raise _Unsupported  # pdfminer ignores a stray close: not worth copying
            closed, items = open_.pop()
            target = open_[-1][1] if open_ else out
            target.append(_close(closed, items))
        elif kind == "other":
            target.append(KWD(m.group(kind)))
        elif kind == "end":
            return
        # comments add nothing


def content_objects(streams: Sequence[object]) -> list | None:
    """The objects pdfminer's content parser yields for these streams, or ``None``."""
    try:
        datas = [stream_value(stream).get_data() for stream in streams]
    except Exception:  # a stream that does not decode: pdfminer fails the page its own way
        return None
    out: list = []
    open_: list = []
    try:
        for data in datas:
            _tokens(data, out, open_)
    except _Unsupported:
        return None
    return None if open_ else out


class ContentInterpreter(PDFPageInterpreter):
    """pdfminer's page interpreter with the content read by :func:`content_objects`.

    Operators run exactly as in ``PDFPageInterpreter.execute``: each one takes its
    arguments off the top of the stack, and is skipped when there are too few.
    """

    def execute(self, streams: Sequence[object]) -> None:
        valid = [
            s
            for s in map(stream_value, streams)
            if s.objid is not None and s.objid not in self.parent_stream_ids
        ]
        objects = content_objects(valid)
        if objects is None:
            super().execute(streams)
            return
        self.stream_ids.clear()
        for stream in map(stream_value, streams):
            if stream.objid is None:
                log.warning("Execute called on non-indirect object (inline image?) %r", stream)
            elif stream.objid in self.parent_stream_ids:
                log.warning(
                    "Refusing to execute circular reference to content stream %d", stream.objid
                )
            else:
                self.stream_ids.add(stream.objid)
        self._run(objects)

    def _run(self, objects: list) -> None:
        handlers: dict[PSKeyword, tuple | None] = {}
        for obj in objects:
            if not isinstance(obj, PSKeyword):
                self.argstack.append(obj)
                continue
            handler = handlers.get(obj, handlers)
            if handler is handlers:
                handler = handlers[obj] = self._handler(obj)
            if handler is None:
                continue
            func, nargs = handler
            if nargs:
                stack = self.argstack
                args = stack[-nargs:]
                del stack[-nargs:]
                if len(args) == nargs:
                    func(*args)
            else:
                func()

    def _handler(self, keyword: PSKeyword) -> tuple | None:
        name = keyword_name(keyword)
        method = "do_" + name.replace("*", "_a").replace('"', "_w").replace("'", "_q")
        if not hasattr(self, method):
            if settings.STRICT:
                raise PDFInterpreterError(f"Unknown operator: {name!r}")
            return None
        func = getattr(self, method)
        return func, func.__code__.co_argcount - 1


def interpret(page) -> None:
    """Interpret a pdfplumber page with :class:`ContentInterpreter`, as ``Page.layout`` would.

    The result is left where pdfplumber keeps ``Page.layout`` (its cached
    ``_layout``), so every object the page hands out afterwards comes from it.
    """
    from pdfplumber.page import PDFPageAggregatorWithMarkedContent
    from pdfplumber.utils.exceptions import PdfminerException

    if hasattr(page, "_layout"):
        return
    device = PDFPageAggregatorWithMarkedContent(
        page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams
    )
    try:
        ContentInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    except Exception as exc:
        raise PdfminerException(exc) from exc
    page._layout = device.get_result()
