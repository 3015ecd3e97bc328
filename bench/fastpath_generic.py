"""Reference for bench/pps.py: the pylvs fast-path program with the benchmark's flows
installed by hand, attached to this namespace's eth0 in generic (skb) mode instead of the
driver mode pylvsd uses. Run in the director's namespace:

    python bench/fastpath_generic.py RS_MAC[,RS_MAC...] CLIENT_ADDR VIP PORT SPORT0 PORTS

The flows (UDP CLIENT_ADDR:SPORT0+i -> VIP:PORT, DR to the real servers' MACs in turn) and
the program stay after this process exits (a plain netlink attachment, no BPF link), until
the interface or the namespace goes.
"""

from __future__ import annotations

import ctypes
import ipaddress
import socket
import sys

from pylvs.datapath.xdp import libbpf, schema
from pylvs.datapath.xdp.loader import FastPathProgram

XDP_FLAGS_SKB_MODE = 1 << 1
IFNAME = "eth0"


def _mac(text: str) -> bytes:
    return bytes.fromhex(text.replace(":", ""))


def main(argv: list[str]) -> int:
    macs, client, vip, port, sport0, ports = argv
    ifindex = socket.if_nametoindex(IFNAME)
    with open(f"/sys/class/net/{IFNAME}/address") as f:
        own = _mac(f.read().strip())
    to = [_mac(m) for m in macs.split(",")]
    cip, vaddr = ipaddress.ip_address(client).packed, ipaddress.ip_address(vip).packed
    prog = FastPathProgram()
    for i in range(int(ports)):
        key = schema.flow_key(socket.AF_INET, socket.IPPROTO_UDP, cip, int(sport0) + i,
                              vaddr, int(port))
        prog.put_flow(key, schema.flow_value(schema.FLOW_DR, ifindex, to[i % len(to)], own,
                                             daf=socket.AF_INET, mtu=1500))
    ret = libbpf.lib().bpf_xdp_attach(ifindex, prog.prog_fd, XDP_FLAGS_SKB_MODE, None)
    libbpf.check(ret, f"attaching to {IFNAME} in generic mode")
    ctypes.set_errno(0)
    return 0  # the kernel keeps the program (and its maps) while it is attached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
