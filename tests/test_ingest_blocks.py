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
)
def test_blocks_cover_the_stream_line_by_line(data, size, max_lines, even, read):
    with mock.patch.object(blocks, "_READ", read):  # small reads: blocks span several refills
        _check_blocks(data, size, max_lines, even)


def _check_blocks(data, size, max_lines, even):
    src = LineBlocks(io.BytesIO(data))
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    body = data[bom:]
    got, line, offset = b"", 1, bom
    while (blk := src.next(size, max_lines=max_lines, even_quotes=even)) is not None:
        assert blk.data and (blk.line, blk.offset) == (line, offset)
        assert blk.starts.tolist() == line_starts(blk.data).tolist()
        assert blk.n_lines == len(blk.starts) - 1 == blk.data.count(b"\n") + (not blk.data.endswith(b"\n"))
        assert blk.data.endswith(b"\n") or len(got) + len(blk.data) == len(body)  # only the last line may be open
        if max_lines is not None:
            assert blk.n_lines <= max_lines or blk.data.count(b"\n") == 0  # one line longer than the block
        got += blk.data
        line += blk.n_lines
        offset += len(blk.data)
    assert got == body
    assert line - 1 == body.count(b"\n") + (bool(body) and not body.endswith(b"\n"))


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
