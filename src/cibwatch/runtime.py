"""Process-wide settings that the command line applies at start-up.

cibwatch's stages build and drop many NumPy and Arrow arrays of a few to a few
hundred megabytes, and fresh memory is costly to fault in:

* By default glibc serves each array with a fresh ``mmap`` and gives it back
  on ``free``, so every new array page-faults again: on a virtual machine that
  is a third of a second of kernel time per million traces in the
  coordination engine (measured: 0.15-0.8 s of system time over the three
  exact networks of the 1M-post benchmark, 0.14-0.26 s with the setting
  below). :func:`retain_freed_memory` asks the allocator to keep freed blocks
  for reuse instead.
* NumPy asks the kernel for transparent huge pages for every array of 4 MB or
  more. Where the kernel's THP ``defrag`` setting is ``madvise`` or
  ``defer+madvise`` (Debian's and Ubuntu's default), a fault in such an array
  may wait for the kernel to compact memory: on the 1M-comment text benchmark
  that was 0.5-0.9 s of the token stage, and the median run went from 7.25 s
  to 6.48 s without the request. :func:`skip_huge_page_stalls` turns the
  request off there.

They are settings of the process, so the library never applies them on its
own; the ``cibwatch`` command does (:func:`configure_process`), and a program
embedding cibwatch may.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import sys
from pathlib import Path

__all__ = ["retain_freed_memory", "skip_huge_page_stalls", "thp_defrag_stalls", "configure_process"]

#: Where Linux shows its transparent-huge-page defrag setting.
THP_DEFRAG = Path("/sys/kernel/mm/transparent_hugepage/defrag")

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


def thp_defrag_stalls(setting: str) -> bool:
    """Whether a THP ``defrag`` setting (the sysfs text, the selected value in brackets) makes a fault in
    memory advised for huge pages wait for compaction."""
    m = re.search(r"\[([^\]]+)\]", setting)
    return m is not None and m.group(1) in ("madvise", "defer+madvise")


def skip_huge_page_stalls(defrag: Path = THP_DEFRAG) -> bool:
    """Stop NumPy from advising huge pages for its large arrays where the kernel would stall on them.

    Returns True when applied; False when the user set
    ``NUMPY_MADVISE_HUGEPAGE`` (theirs wins), the kernel does not stall on
    the advice (or has no such setting), or NumPy has no such switch.
    """
    if "NUMPY_MADVISE_HUGEPAGE" in os.environ:
        return False
    try:
        setting = defrag.read_text()
    except OSError:  # not Linux, or no transparent huge pages
        return False
    if not thp_defrag_stalls(setting):
        return False
    import numpy as np

    core = getattr(np, "_core", None)
    switch = getattr(getattr(core, "multiarray", None), "_set_madvise_hugepage", None)
    if switch is None:
        return False
    switch(False)
    return True


def configure_process() -> dict[str, bool]:
    """Apply every setting of this module (as the ``cibwatch`` command does at start-up); report which took."""
    return {"retain_freed_memory": retain_freed_memory(), "skip_huge_page_stalls": skip_huge_page_stalls()}
