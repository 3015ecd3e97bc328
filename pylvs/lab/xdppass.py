"""A trivial XDP_PASS program for the switch-side end of the director's veth.

On a veth pair, frames sent with XDP_TX or redirect are only delivered when the *peer*
has an XDP program too (DESIGN.md, "Lab facts"). The lab attaches this one on the peer
of the director's eth0 so that an XDP datapath can work. Run inside the switch namespace:
``python -m pylvs.lab.xdppass IFNAME``.
"""

from __future__ import annotations

import ctypes
import os
import struct
import sys

from pyroute2 import IPRoute  # type: ignore[import-untyped]
from pyroute2.netlink.exceptions import NetlinkError  # type: ignore[import-untyped]

SYS_BPF = 321  # x86_64
BPF_PROG_LOAD = 5
BPF_PROG_TYPE_XDP = 6
XDP_PASS = 2
ATTR_SIZE = 128  # bytes of union bpf_attr we fill (the kernel accepts zeroed tails)

#: r0 = XDP_PASS; exit
PROGRAM = struct.pack("<BBhi", 0xB7, 0, 0, XDP_PASS) + struct.pack("<BBhi", 0x95, 0, 0, 0)


def load() -> int:
    """Load the XDP_PASS program; returns its file descriptor."""
    libc = ctypes.CDLL(None, use_errno=True)
    insns = ctypes.create_string_buffer(PROGRAM, len(PROGRAM))
    license_ = ctypes.create_string_buffer(b"GPL")
    attr = ctypes.create_string_buffer(ATTR_SIZE)
    struct.pack_into(
        "<IIQQ", attr, 0, BPF_PROG_TYPE_XDP, len(PROGRAM) // 8,
        ctypes.addressof(insns), ctypes.addressof(license_),
    )
    struct.pack_into("16s", attr, 48, b"pylvs_lab_pass")  # prog_name
    fd = int(libc.syscall(SYS_BPF, BPF_PROG_LOAD, attr, ATTR_SIZE))
    if fd < 0:
        err = ctypes.get_errno()
        raise OSError(err, f"cannot load an XDP program: {os.strerror(err)}")
    return fd


def attach(interface: str) -> None:
    """Attach XDP_PASS to ``interface`` in this namespace (it stays after we exit)."""
    fd = load()
    try:
        with IPRoute() as ipr:
            found = ipr.link_lookup(ifname=interface)
            if not found:
                raise OSError(f"no interface {interface!r} here")
            try:
                ipr.link("set", index=found[0], xdp_fd=fd)
            except NetlinkError as exc:
                raise OSError(f"cannot attach XDP to {interface}: {exc.args[-1]}") from exc
    finally:
        os.close(fd)


def main(argv: list[str] | None = None) -> int:
    """Attach XDP_PASS to the interface named on the command line."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m pylvs.lab.xdppass IFNAME", file=sys.stderr)
        return 2
    try:
        attach(args[0])
    except OSError as exc:
        print(f"xdppass: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
