"""The reference XDP forwarder of bench/pps.py (``xdp_bare.c``, not part of pylvs): built
for one lab's MACs, attached to the director's eth0, and timed with BPF_PROG_TEST_RUN. Also
how the bench BPF programs are compiled and loaded (``compile_bpf``, ``loaded``)."""

from __future__ import annotations

import contextlib
import ctypes
import shutil
import subprocess
import sysconfig
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pylvs.datapath.xdp import libbpf

SOURCE = Path(__file__).with_name("xdp_bare.c")
PROGRAM = b"bench_bare_forwarder"


def _mac_list(mac: str) -> str:
    return ",".join(f"0x{b}" for b in mac.split(":"))


def compile_bpf(source: Path, out: Path, defines: dict[str, str] | None = None) -> Path:
    """Compile the bench BPF program ``source`` into ``out`` (clang, ``-Dname=value`` for
    each of ``defines``)."""
    clang = shutil.which("clang")
    if clang is None:
        raise SystemExit(f"building {source.name} needs clang (Debian package clang)")
    cmd = [clang, "-O2", "-g", "-target", "bpf", "-Wall", "-Werror"]
    cmd += [f"-D{name}={value}" for name, value in (defines or {}).items()]
    multiarch = sysconfig.get_config_var("MULTIARCH")
    if multiarch and Path(f"/usr/include/{multiarch}").is_dir():
        cmd += ["-idirafter", f"/usr/include/{multiarch}"]
    subprocess.run([*cmd, "-c", str(source), "-o", str(out)], check=True)
    return out


def build(dst_mac: str, src_mac: str, out: Path) -> Path:
    """Compile the forwarder for frames to ``dst_mac`` from ``src_mac`` into ``out``."""
    return compile_bpf(SOURCE, out, {"DST_MAC": _mac_list(dst_mac),
                                     "SRC_MAC": _mac_list(src_mac)})


@contextlib.contextmanager
def loaded(obj: Path) -> Iterator[Any]:
    """The libbpf object of ``obj``, loaded into the kernel (closed on exit)."""
    lib = libbpf.lib()
    handle = lib.bpf_object__open_file(str(obj).encode(), None)
    if not handle:
        libbpf.check(-1, f"opening {obj}")
    try:
        libbpf.check(lib.bpf_object__load(handle), f"loading {obj.name}")
        yield handle
    finally:
        lib.bpf_object__close(handle)


def attach_argv(obj: Path, ifname: str = "eth0") -> list[str]:
    """The command (to run in the director's namespace) that attaches ``obj``."""
    return ["ip", "link", "set", "dev", ifname, "xdpdrv", "obj", str(obj), "sec", "xdp"]


def cost_ns(obj: Path, frame: bytes, repeat: int, tries: int = 50) -> float:
    """Least mean nanoseconds per run of the forwarder on ``frame`` (BPF_PROG_TEST_RUN)."""
    lib = libbpf.lib()
    with loaded(obj) as handle:
        fd = lib.bpf_program__fd(lib.bpf_object__find_program_by_name(handle, PROGRAM))
        best = float("inf")
        for _ in range(tries):
            data_in = ctypes.create_string_buffer(frame, len(frame))
            data_out = ctypes.create_string_buffer(len(frame) + 256)
            opts = libbpf.TestRunOpts()
            opts.sz = ctypes.sizeof(opts)
            opts.data_in = ctypes.cast(data_in, ctypes.c_void_p)
            opts.data_size_in = len(frame)
            opts.data_out = ctypes.cast(data_out, ctypes.c_void_p)
            opts.data_size_out = len(frame) + 256
            opts.repeat = repeat
            libbpf.check(lib.bpf_prog_test_run_opts(fd, ctypes.byref(opts)), "test run")
            best = min(best, float(opts.duration))
        return best
