"""LineBlocks cuts a stream into blocks of whole lines, with each block's line starts, whatever the sizes."""

from __future__ import annotations

import io
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from cibwatch.ingest import blocks
from cibwatch.ingest.blocks import LineBlocks, line_starts

_BYTES = st.lists(st.sampled_from([b"a", b"bc", b'"', b"\n", b"\r\n", b"\xef\xbb\xbf", b"xyz" * 5]), max_size=60).map(
    b"".join
)


@settings(max_examples=300, deadline=None)
@given(
    data=_BYTES,
    size=st.integers(1, 40),
    max_lines=st.one_of(st.none(), st.integers(1, 5)),
    even=st.booleans(),
    read=st.integers(1, 16),
    keep_every=st.integers(0, 3),
)
def test_blocks_cover_the_stream_line_by_line(data, size, max_lines, even, read, keep_every):
    with mock.patch.object(blocks, "_READ", read):  # small reads: blocks span several refills
        _check_blocks(data, size, max_lines, even, keep_every)


def _check_blocks(data, size, max_lines, even, keep_every=0):
    """Every block is checked as it comes; every ``keep_every``-th is also kept to the end, and must be
    intact then (the reader reuses a buffer only when no block refers to it)."""
    src = LineBlocks(io.BytesIO(data))
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    body = data[bom:]
    got, line, offset, kept = b"", 1, bom, []
    while (blk := src.next(size, max_lines=max_lines, even_quotes=even)) is not None:
        raw = bytes(blk.data)
        assert raw and (blk.line, blk.offset) == (line, offset)
        assert blk.starts.tolist() == line_starts(blk.data).tolist() == line_starts(raw).tolist()
        assert blk.n_lines == len(blk.starts) - 1 == raw.count(b"\n") + (not raw.endswith(b"\n"))
        assert raw.endswith(b"\n") or len(got) + len(raw) == len(body)  # only the last line may be open
        assert [blk.line_bytes(k) for k in range(blk.n_lines)] == [x.rstrip(b"\r") for x in raw.splitlines()]
        assert blk.contains(b"\r") == (b"\r" in raw) and blk.contains(b"bc") == (b"bc" in raw)
        if max_lines is not None:
            assert blk.n_lines <= max_lines or raw.count(b"\n") == 0  # one line longer than the block
        if keep_every and blk.line % keep_every == 0:
            kept.append((blk, raw))
        got += raw
        line += blk.n_lines
        offset += len(raw)
    assert got == body
    assert line - 1 == body.count(b"\n") + (bool(body) and not body.endswith(b"\n"))
    assert all(bytes(blk.data) == raw for blk, raw in kept)


def test_unread_block_is_read_again():
    src = LineBlocks(io.BytesIO(b"a\nb\nc\n"))
    first = src.next(2)
    assert (first.data, first.n_lines) == (b"a\n", 1)
    second = src.next(4)
    src.unread(second)
    again = src.next(4)
    assert (again.data, again.line, again.offset, again.starts.tolist()) == (b"b\nc\n", 2, 2, [0, 2, 4])


def test_skipping_lines_stops_before_an_open_last_line():
    """Resuming after n lines of n + 1 must not skip the last line when it has no newline."""
    src = LineBlocks(io.BytesIO(b"a\nb\nc"))
    src.skip_lines(2)
    last = src.next(100)
    assert (last.data, last.line, last.n_lines) == (b"c", 3, 1)


def test_buffers_are_reused_once_no_block_refers_to_them():
    data = b"".join(b"line %03d\n" % k for k in range(300))
    made = []

    def counting(n=0):
        if n:
            made.append(n)
        return bytearray(n)

    def read(keep):
        made.clear()
        kept = []
        with mock.patch.object(blocks, "bytearray", counting, create=True), mock.patch.object(blocks, "_READ", 16):
            src = LineBlocks(io.BytesIO(data))
            while (blk := src.next(200)) is not None:
                if keep:
                    kept.append(blk)
        assert b"".join(bytes(b.data) for b in kept) == (data if keep else b"")
        return len(made)

    blocks_read = len(data) // 200
    assert read(keep=False) <= 4  # the small first read's buffer, then two used in turn
    assert read(keep=True) >= blocks_read  # every block kept: each fill needs a buffer of its own
