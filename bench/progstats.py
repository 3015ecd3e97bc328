"""The kernel's run-time statistics of a loaded BPF program (BPF_ENABLE_STATS): what an XDP
program costs per packet on real traffic, cache misses included (bench/pps.py)."""

from __future__ import annotations

import contextlib
import ctypes
import os
from collections.abc import Iterator

from pylvs.datapath.xdp import libbpf

BPF_STATS_RUN_TIME = 0
# struct bpf_prog_info (linux/bpf.h): run_time_ns and run_cnt offsets, and its size
INFO_SIZE, RUN_TIME_OFFSET, RUN_CNT_OFFSET = 232, 192, 200


@contextlib.contextmanager
def run_time_stats() -> Iterator[None]:
    """Programs count their runs and run time while this is open (the kernel stops when
    the last holder closes its descriptor)."""
    fd = libbpf.lib().bpf_enable_stats(BPF_STATS_RUN_TIME)
    libbpf.check(fd, "enabling BPF run-time statistics")
    try:
        yield
    finally:
        os.close(fd)


def run_totals(prog_id: int) -> tuple[int, int]:
    """(nanoseconds run, runs) of the program with that id so far."""
    lib = libbpf.lib()
    fd = libbpf.check(lib.bpf_prog_get_fd_by_id(ctypes.c_uint32(prog_id)),
                      f"opening BPF program {prog_id}")
    try:
        info = ctypes.create_string_buffer(INFO_SIZE)
        size = ctypes.c_uint32(INFO_SIZE)
        libbpf.check(lib.bpf_obj_get_info_by_fd(fd, info, ctypes.byref(size)),
                     "reading the program's info")
        raw = info.raw
        return (int.from_bytes(raw[RUN_TIME_OFFSET:RUN_TIME_OFFSET + 8], "little"),
                int.from_bytes(raw[RUN_CNT_OFFSET:RUN_CNT_OFFSET + 8], "little"))
    finally:
        os.close(fd)
