"""Opening input files: compression, path expansion, checksums, line records.

Inputs may be plain, gzip (``.gz``) or zstandard (``.zst``) files, detected
by their magic bytes rather than their names. Paths may be files, folders
(walked recursively, sorted, hidden entries skipped) or glob patterns.
"""

from __future__ import annotations

import glob
import gzip
import hashlib
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import zstandard

from ..errors import NotFoundError

__all__ = ["open_binary", "expand_paths", "file_sha256", "iter_lines", "truncate_raw", "RAW_LIMIT"]

#: Quarantined raw records are cut at this many bytes (and say so).
RAW_LIMIT = 64 * 1024

_GZIP_MAGIC = b"\x1f\x8b"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_BOM = b"\xef\xbb\xbf"


def open_binary(path: str | os.PathLike[str]) -> BinaryIO:
    """Open ``path`` for reading decompressed bytes (gzip and zstd by magic)."""
    f = open(path, "rb")  # noqa: SIM115 - returned to the caller
    head = f.read(4)
    f.seek(0)
    if head[:2] == _GZIP_MAGIC:
        return gzip.GzipFile(fileobj=f, mode="rb")  # type: ignore[return-value]
    if head == _ZSTD_MAGIC:
        reader = zstandard.ZstdDecompressor().stream_reader(f, closefd=True)
        return io.BufferedReader(reader, buffer_size=1 << 20)  # type: ignore[arg-type]
    return f


def _walk(folder: Path) -> list[Path]:
    out: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        out.extend(Path(root) / f for f in sorted(files) if not f.startswith("."))
    return sorted(out)


def expand_paths(paths: list[str | os.PathLike[str]]) -> list[Path]:
    """Files named by ``paths`` (files, folders, globs), in order, without repeats."""
    seen: set[Path] = set()
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = _walk(p)
        elif p.is_file():
            found = [p]
        else:
            matches = sorted(glob.glob(str(raw), recursive=True))
            found = []
            for m in matches:
                mp = Path(m)
                if mp.name.startswith("."):
                    continue
                found.extend(_walk(mp) if mp.is_dir() else [mp])
            if not found:
                raise NotFoundError(f"no input file matches {str(raw)!r}", hint="Check the path or glob.")
        for f in found:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                out.append(f)
    return out


def file_sha256(path: str | os.PathLike[str]) -> str:
    """sha256 of the file's bytes as stored on disk (compressed or not)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def truncate_raw(raw: bytes | str) -> str:
    """The raw record as text, cut at :data:`RAW_LIMIT` bytes with a note."""
    b = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else raw
    if len(b) <= RAW_LIMIT:
        return b.decode("utf-8", "replace")
    return b[:RAW_LIMIT].decode("utf-8", "replace") + f" … [truncated: {len(b)} bytes, first {RAW_LIMIT} kept]"


def iter_lines(stream: BinaryIO) -> Iterator[tuple[int, int, bytes]]:
    """Yield ``(line_no, byte_offset, line_bytes)`` with the line ending and a leading BOM removed.

    ``line_no`` is 1-based; ``byte_offset`` is the offset in the decompressed stream.
    """
    offset = 0
    for line_no, line in enumerate(stream, start=1):
        n = len(line)
        if line_no == 1 and line.startswith(_BOM):
            line = line[3:]
            offset_adj = 3
        else:
            offset_adj = 0
        yield line_no, offset + offset_adj, line.rstrip(b"\r\n")
        offset += n
