"""Process-wide settings that the command line applies at start-up.

cibwatch's stages build and drop many NumPy and Arrow arrays of a few to a few
dozen megabytes. By default glibc serves each of those with a fresh ``mmap``
and gives it back on ``free``, so every new array page-faults again: on a
virtual machine that is a third of a second of kernel time per million traces
in the coordination engine (measured: 0.15-0.8 s of system time over the three
exact networks of the 1M-post benchmark, 0.14-0.26 s with the setting below).
:func:`retain_freed_memory` asks the allocator to keep freed blocks for reuse
instead. It is a setting of the process, so the library never applies it on
its own; the ``cibwatch`` command does, and a program embedding cibwatch may.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

__all__ = ["retain_freed_memory"]

# mallopt(3) parameters
_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD = -1, -2, -3
#: The largest mmap threshold glibc accepts on 64-bit (blocks above it are mapped fresh as before).
_MMAP_THRESHOLD_MAX = 32 * 2**20


def retain_freed_memory(keep_bytes: int = 2**30) -> bool:
    """Serve blocks up to 32 MB from the heap and keep up to ``keep_bytes`` of freed heap.

    Returns True when applied; False off glibc, or when the user set any
    ``MALLOC_*`` tuning variable (theirs wins).
    """
    if not sys.platform.startswith("linux") or any(k.startswith("MALLOC_") for k in os.environ):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl and other C libraries without mallopt
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    keep = int(min(max(keep_bytes, 0), 2**31 - 1))
    ok = mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD_MAX) == 1
    ok = mallopt(_M_TRIM_THRESHOLD, keep) == 1 and ok
    ok = mallopt(_M_TOP_PAD, 64 * 2**20) == 1 and ok
    return ok
