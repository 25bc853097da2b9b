"""Process settings of the command line (glibc allocator)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# In a fresh process: bytes held in mmapped blocks while a 10 MB array is alive,
# with or without retain_freed_memory().
PROBE = """
import ctypes, sys
import numpy as np
from cibwatch.runtime import retain_freed_memory
applied = retain_freed_memory() if sys.argv[1] == "1" else None

class Mallinfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]

libc = ctypes.CDLL("libc.so.6")
libc.mallinfo2.restype = Mallinfo2
before = libc.mallinfo2().hblkhd
a = np.ones(10 * 2**20 // 8)
print(applied, libc.mallinfo2().hblkhd - before)
"""

glibc = pytest.mark.skipif(
    not sys.platform.startswith("linux") or os.confstr("CS_GNU_LIBC_VERSION") is None, reason="glibc only"
)


def _probe(apply: bool, **env: str) -> tuple[str, int]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    out = subprocess.run(
        [sys.executable, "-c", PROBE, "1" if apply else "0"], env={**clean, **env}, capture_output=True, text=True, check=True
    ).stdout.split()
    return out[0], int(out[1])


@glibc
def test_large_arrays_come_from_the_reusable_heap_once_applied():
    applied, mapped = _probe(True)
    assert applied == "True" and mapped == 0
    untouched, mapped_default = _probe(False)
    assert untouched == "None" and mapped_default >= 10 * 2**20


@glibc
def test_the_users_own_malloc_settings_win():
    applied, mapped = _probe(True, MALLOC_ARENA_MAX="2")
    assert applied == "False" and mapped >= 10 * 2**20


@pytest.mark.parametrize(
    ("setting", "stalls"),
    [
        ("always defer defer+madvise [madvise] never", True),
        ("always defer [defer+madvise] madvise never", True),
        ("[always] defer defer+madvise madvise never", False),  # every fault may stall: the advice changes nothing
        ("always [defer] defer+madvise madvise never", False),
        ("always defer defer+madvise madvise [never]", False),
        ("", False),
    ],
)
def test_which_defrag_settings_stall_on_the_huge_page_advice(setting, stalls):
    from cibwatch.runtime import thp_defrag_stalls

    assert thp_defrag_stalls(setting) is stalls


# In a fresh process: whether NumPy still advises huge pages after skip_huge_page_stalls(defrag file).
HUGE_PROBE = """
import sys
from pathlib import Path
import numpy as np
from cibwatch.runtime import skip_huge_page_stalls
applied = skip_huge_page_stalls(Path(sys.argv[1]))
print(applied, np._core.multiarray._get_madvise_hugepage())
"""


def _huge_probe(tmp_path, setting: str | None, **env: str) -> list[str]:
    f = tmp_path / f"defrag-{len(list(tmp_path.iterdir()))}"
    if setting is not None:
        f.write_text(setting + "\n")
    clean = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    return subprocess.run(
        [sys.executable, "-c", HUGE_PROBE, str(f)], env={**clean, **env}, capture_output=True, text=True, check=True
    ).stdout.split()


def test_numpy_stops_advising_huge_pages_only_where_the_kernel_stalls(tmp_path):
    default = _huge_probe(tmp_path, "always defer defer+madvise madvise [never]")
    assert default[0] == "False"  # nothing applied: NumPy's own default (advice on for recent kernels)
    assert _huge_probe(tmp_path, "always defer defer+madvise [madvise] never") == ["True", "False"]
    assert _huge_probe(tmp_path, None) == default  # no such file: not Linux, or no huge pages


def test_the_users_own_numpy_setting_wins(tmp_path):
    assert _huge_probe(tmp_path, "always defer defer+madvise [madvise] never", NUMPY_MADVISE_HUGEPAGE="1") == [
        "False",
        "True",
    ]
