"""Reading a decompressed stream in large blocks of whole lines.

The bulk readers (:mod:`cibwatch.ingest.bulk`) hand DuckDB and PyArrow
megabytes at a time instead of one record at a time. :class:`LineBlocks`
cuts the stream into :class:`Block` objects that always end at a line end
and know the 1-based number and byte offset of their first line, so every
row parsed from a block can still be traced to its exact line. A block the
bulk path cannot take is pushed back with :meth:`LineBlocks.unread` and read
again in smaller pieces, or line by line with :meth:`LineBlocks.lines`.

Line numbers and offsets follow :func:`cibwatch.ingest.source.iter_lines`: a
UTF-8 BOM opening the stream is skipped (the first line starts at offset 3)
and line ends (``\\n``, with any ``\\r`` before it) are not part of a line.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
import pyarrow as pa

__all__ = ["Block", "LineBlocks", "line_starts", "lines_array", "BLOCK_BYTES"]

#: Bytes per block the bulk readers ask for by default. Each block is one DuckDB query whose
#: set-up (binding the format's SQL, compiling its regular expressions) takes 25-40 ms whatever
#: its size: at 16 MB that was 2-3 s of CPU per million X v2 records, at 64 MB it is a quarter of
#: that, for about 180 MB more peak memory.
BLOCK_BYTES = 64 << 20
_READ = 4 << 20
_BOM = b"\xef\xbb\xbf"
_NL = 10
_QUOTE = b'"'


@dataclass(frozen=True, slots=True)
class Block:
    """Whole lines of the stream: ``data`` ends with ``\\n`` unless it holds the stream's last line.

    ``data`` is a read-only view into the reader's buffer, not a copy: the
    reader fills a buffer again only once no block (nor anything made from
    one without copying, such as :func:`lines_array`) refers to it.
    """

    data: memoryview
    line: int  # 1-based number of the first line
    offset: int  # byte offset of the first line in the decompressed stream
    n_lines: int
    starts: np.ndarray  # where each line starts in ``data``, then ``len(data)`` (see line_starts)
    at: int = 0  # where ``data`` starts in the buffer it views (``data.obj``)

    @property
    def last_line(self) -> int:
        return self.line + self.n_lines - 1

    def contains(self, sub: bytes) -> bool:
        """Whether ``sub`` occurs in ``data`` (a memoryview has no ``in`` for byte strings)."""
        buf: bytearray = self.data.obj  # type: ignore[assignment]  # LineBlocks views a bytearray
        return buf.find(sub, self.at, self.at + len(self.data)) >= 0

    def line_bytes(self, k: int) -> bytes:
        """The ``k``-th line of the block (0-based) without its line end."""
        return bytes(self.data[self.starts[k] : self.starts[k + 1]]).rstrip(b"\r\n")


def _starts(nl: np.ndarray, size: int, last_open: bool) -> np.ndarray:
    """Line starts from the positions ``nl`` of the newlines of ``size`` bytes (``last_open``: a last
    line without a newline follows the last of them)."""
    n = len(nl) + 1 if last_open else len(nl)
    starts = np.empty(n + 1, np.int64)
    starts[0] = 0
    starts[1 : len(nl) + 1] = nl + 1
    starts[n] = size
    return starts


def line_starts(data: bytes | memoryview) -> np.ndarray:
    """Offsets (into ``data``) where each line of a block starts, plus ``len(data)`` at the end."""
    arr = np.frombuffer(data, np.uint8)
    nl = np.flatnonzero(arr == _NL)
    return _starts(nl, len(arr), bool(len(arr)) and arr[-1] != _NL)


def lines_array(data: bytes | memoryview, starts: np.ndarray) -> pa.Array:
    """The lines of a block as an Arrow ``large_string`` array, without copying or validating.

    Each element keeps its line end; JSON parsers skip it as trailing
    whitespace. The bytes are not checked to be UTF-8: the consumer must only
    pass them to functions that reject invalid UTF-8 themselves (DuckDB's
    ``from_json`` returns NULL for it) and never return them as text.
    """
    n = len(starts) - 1
    return pa.Array.from_buffers(pa.large_string(), n, [None, pa.py_buffer(starts), pa.py_buffer(data)])


class LineBlocks:
    """Blocks of whole lines read from ``stream`` (see the module docstring)."""

    def __init__(self, stream: BinaryIO) -> None:
        self._readinto = stream.readinto  # type: ignore[attr-defined]  # files, gzip, zstd and BytesIO have it
        self._buf = bytearray()
        self._end = 0  # bytes of _buf that hold data (the rest is room)
        self._pos = 0  # position of the next unread byte in _buf
        # The buffer filled before _buf, reused when nothing refers to it any more: a fresh buffer of
        # 64 MB costs as much in page faults as reading it does.
        self._spare: bytearray | None = None
        self._is_nl = np.empty(0, bool)  # reused: where the bytes of a block are newlines
        self._eof = False
        self.line = 1  # number of the next unread line
        self.offset = 0  # stream offset of the next unread byte
        self._fill(len(_BOM))
        if self._end >= len(_BOM) and self._buf.startswith(_BOM):
            self._pos = self.offset = len(_BOM)

    # -- buffer ---------------------------------------------------------------
    def _fill(self, want: int) -> bool:
        """Make at least ``want`` unread bytes available, if the stream has them."""
        have = self._end - self._pos
        if have >= want or self._eof:
            return have > 0
        # the unread bytes, then the stream read straight in after them: one copy of the data
        room = have + max(_READ, want - have)
        buf, self._spare = self._spare, None
        # references: ``buf`` and getrefcount's argument; any other is a block or a view of one
        if buf is None or len(buf) < room or sys.getrefcount(buf) > 2:
            buf = bytearray(room)
        with memoryview(buf) as view, memoryview(self._buf) as old:
            view[:have] = old[self._pos : self._end]
            while have < want:
                got = self._readinto(view[have:])
                if not got:
                    self._eof = True
                    break
                have += got
        self._spare, self._buf = self._buf, buf
        self._pos, self._end = 0, have
        return have > 0

    def _take(self, end: int, nl: np.ndarray) -> Block:
        """The block up to ``end``, whose newlines are at ``nl`` (relative to the current position)."""
        data = memoryview(self._buf)[self._pos : end].toreadonly()
        starts = _starts(nl, len(data), bool(data) and data[-1] != _NL)
        n_lines = len(starts) - 1
        blk = Block(data, self.line, self.offset, n_lines, starts, self._pos)
        self._pos = end
        self.line += n_lines
        self.offset += len(data)
        return blk

    # -- blocks ---------------------------------------------------------------
    def next(self, size: int = BLOCK_BYTES, *, max_lines: int | None = None, even_quotes: bool = False) -> Block | None:
        """The next block of about ``size`` bytes (at least one whole line), or ``None`` at the end.

        ``max_lines`` caps the lines in the block. With ``even_quotes`` the
        block ends, when it can, after a line where the count of ``"`` is
        even: for RFC 4180 CSV that is a record boundary, so a quoted field
        spanning lines is not cut.
        """
        if not self._fill(size + 1):
            return None
        buf, pos, end = self._buf, self._pos, self._end
        if self._eof and end - pos <= size:
            cut = end
        else:
            cut = buf.rfind(b"\n", pos, min(pos + size, end)) + 1
        while cut <= 0:  # a line longer than size: extend to its end
            if self._eof:
                cut = end
                break
            self._fill(end - pos + size)
            buf, pos, end = self._buf, self._pos, self._end
            cut = buf.find(b"\n", pos, end) + 1
        if len(self._is_nl) < cut - pos:
            self._is_nl = np.empty(cut - pos, bool)
        is_nl = self._is_nl[: cut - pos]
        nl = np.flatnonzero(np.equal(np.frombuffer(buf, np.uint8, count=cut - pos, offset=pos), _NL, out=is_nl))
        if max_lines is not None and 0 < max_lines <= len(nl):  # more lines follow the max_lines-th: cut
            cut = pos + int(nl[max_lines - 1]) + 1
        if even_quotes and cut > pos:
            cut = self._even_quote_cut(pos, cut)
        return self._take(cut, nl[: np.searchsorted(nl, cut - pos)])

    def _even_quote_cut(self, pos: int, cut: int) -> int:
        buf = self._buf
        odd = buf.count(_QUOTE, pos, cut) % 2
        end = cut
        while odd:
            prev = buf.rfind(b"\n", pos, end - 1) + 1
            if prev <= pos:
                return cut  # no record boundary found: let the caller detect it
            odd ^= buf.count(_QUOTE, prev, end) % 2
            end = prev
        return end

    def unread(self, blk: Block) -> None:
        """Push back the block just returned by :meth:`next` (it is read again next)."""
        if blk.offset + len(blk.data) != self.offset:
            raise ValueError("only the last block read can be pushed back")
        self._pos -= len(blk.data)
        self.line, self.offset = blk.line, blk.offset

    # -- lines ----------------------------------------------------------------
    def lines(self) -> Iterator[tuple[int, int, bytes]]:
        """``(line_no, byte_offset, line)`` from the current position, ``\\r\\n`` stripped.

        The position advances as lines are consumed, so a caller may stop at
        any line and continue with :meth:`next`.
        """
        while True:
            if not self._fill(1):
                return
            buf, pos = self._buf, self._pos
            end = buf.find(b"\n", pos, self._end)
            while end < 0 and not self._eof:
                self._fill(self._end - pos + _READ)
                buf, pos = self._buf, self._pos
                end = buf.find(b"\n", pos, self._end)
            stop = self._end if end < 0 else end + 1
            line = bytes(buf[pos:stop])
            line_no, offset = self.line, self.offset
            self._pos = stop
            self.line += 1
            self.offset += len(line)
            yield line_no, offset, line.rstrip(b"\r\n")

    def skip_lines(self, n: int) -> None:
        """Consume ``n`` lines."""
        while n > 0:
            blk = self.next(BLOCK_BYTES, max_lines=n)
            if blk is None:
                return
            n -= blk.n_lines
