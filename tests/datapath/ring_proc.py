"""Run inside a namespace with veth eth0/peer0 (MTU 9000): the receive ring, its slots
too small for one frame. Prints the lengths the ring drain handed over, in order."""

from __future__ import annotations

import json
import socket
import time

from pylvs.core.ipvs import IPVS
from pylvs.datapath import afpacket, bpf
from pylvs.datapath.counters import Counters
from pylvs.datapath.frames import FrameHandler


class Recorder(FrameHandler):
    """Records what it is handed instead of forwarding."""

    def __init__(self) -> None:
        super().__init__(IPVS(), None, Counters(), lambda: 0)  # type: ignore[arg-type]
        self.seen: list[int] = []

    def handle(self, frame: memoryview, status: int, ifindex: int, now: float) -> None:
        self.seen.append(len(frame))


def frame(dst: bytes, size: int) -> bytes:
    ip = bytes([0x45, 0, (size - 14) >> 8, (size - 14) & 0xFF]) + bytes(16)
    return dst + bytes(6) + b"\x08\x00" + ip + bytes(size - 14 - len(ip))


def main() -> None:
    sock, ring = afpacket.open_rx("eth0", bpf.ip_filter(), mtu=1500)  # 2048-byte slots
    assert ring is not None
    tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    tx.bind(("peer0", 0))
    with open("/sys/class/net/eth0/address") as f:
        dst = bytes.fromhex(f.read().strip().replace(":", ""))
    sizes = [100, 4000, 60, 1514]
    for size in sizes:
        tx.send(frame(dst, size))
    time.sleep(0.1)
    rec = Recorder()
    buf = bytearray(afpacket.FRAME_BUFSIZE)
    got = rec.drain_ring(ring, sock, 2, buf, 256, 0.0)
    again = rec.drain_ring(ring, sock, 2, buf, 256, 0.0)  # nothing left
    print(json.dumps({"sent": sizes, "seen": rec.seen, "got": got, "again": again,
                      "unmapped": ring.close()}))


if __name__ == "__main__":
    main()
