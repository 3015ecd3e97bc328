"""Packets per second of the python datapath's per-frame work, without sockets.

Runs real frames through ``FrameHandler.handle`` (parse, ``IPVS.process``,
DR rewrite, hand-off to a send function that only counts) for a DR service
with two real servers, and times each stage on its own: parse, parse +
process, and the whole path, for new connections (SYN) and for packets of
established connections (the parse also by the full parser, without the
shortcut for plain TCP/UDP frames); each figure is the best of several
rounds, in CPU time of the thread (the machine may be shared). Prints one
line per figure and a summary line.

The XDP datapath's Python share of a new connection is timed the same way,
with the program's maps as dicts (no syscalls): the SYN's whole path with the
flow cache hooked in (state pull, flow install), and the flow sync's work per
connection once the program has moved it to ESTABLISHED (fold) and then to
FIN_WAIT (state adopted, counters folded, flow removed).

    .venv/bin/python bench/datapath.py [--conns 2000] [--packets 10] [--rounds 5]
"""

from __future__ import annotations

import argparse
import ipaddress
import random
import struct
import time
from collections.abc import Callable

from pylvs.core.constants import IPPROTO_TCP, FwdMethod
from pylvs.core.ipvs import IPVS
from pylvs.core.meta import TCP_ACK, TCP_FIN, Direction
from pylvs.core.model import DestSpec, ServiceSpec
from pylvs.core.proto import tcp_next_state
from pylvs.datapath.counters import Counters
from pylvs.datapath.forward import Forwarder
from pylvs.datapath.frames import FrameHandler
from pylvs.datapath.kernel import NUD_REACHABLE, Egress
from pylvs.datapath.neigh import Resolver
from pylvs.datapath.xdp.datapath import XdpDatapath
from pylvs.datapath.xdp.flows import FlowCache
from pylvs.datapath.xdp.schema import VALUE_STATE_OFFSET, FlowCounts
from pylvs.packet.checksum import checksum, pseudo_sum
from pylvs.packet.parse import parse_frame, parse_full

VIP = ipaddress.ip_address("198.18.0.150").packed
RIPS = [ipaddress.ip_address(a).packed for a in ("198.18.0.171", "198.18.0.172")]
MAC = bytes.fromhex("020000000002")


class StaticNet:
    """Every address is on link 2 and resolved."""

    def route(self, af: int, addr: bytes) -> Egress | None:
        return Egress(2, af, addr, VIP, 1500)

    def route_table(self, af: int) -> None:
        return None

    def forget(self) -> None:
        pass

    def neighbour(self, ifindex: int, af: int, addr: bytes) -> tuple[bytes | None, int]:
        return bytes.fromhex("0200000000") + addr[-1:], NUD_REACHABLE

    def probe(self, ifindex: int, af: int, addr: bytes) -> None:
        pass


def tcp_frame(cip: bytes, sport: int, flags: int, payload: bytes = b"") -> bytes:
    """An Ethernet/IPv4/TCP frame client -> VIP:80 with correct checksums."""
    tcp = bytearray(struct.pack("!HHIIBBHHH", sport, 80, 1, 0, 5 << 4, flags, 65535, 0, 0))
    tcp += payload
    c = checksum(tcp, pseudo_sum(cip, VIP, IPPROTO_TCP, len(tcp)))
    tcp[16:18] = c.to_bytes(2, "big")
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64,
                               IPPROTO_TCP, 0, cip, VIP))
    ip[10:12] = checksum(ip).to_bytes(2, "big")
    return MAC + bytes.fromhex("020000000001") + b"\x08\x00" + bytes(ip) + bytes(tcp)


def build(sent: list[int]) -> tuple[FrameHandler, IPVS]:
    ipvs = IPVS()
    svc = ServiceSpec(protocol=IPPROTO_TCP, addr=VIP, port=80, sched_name="rr")
    ipvs.add_service(svc)
    for rip in RIPS:
        ipvs.add_dest(svc.key(), DestSpec(addr=rip, port=80, conn_flags=FwdMethod.DROUTE))
    counters = Counters()

    def send(ifindex: int, frame: object) -> bool:
        sent[0] += 1
        return True

    rng = random.Random(1)
    fwd = Forwarder(Resolver(StaticNet(), route_ttl=1e9, neigh_ttl=1e9), send, {2: MAC},
                    counters, lambda: rng.getrandbits(32))
    handler = FrameHandler(ipvs, fwd, counters, lambda: rng.getrandbits(32))
    handler.set_vips(frozenset({VIP}))
    return handler, ipvs


class MemoryMaps:
    """The fast-path program's flow maps as dicts (what FlowCache needs of them), and the
    program's part: ``advance`` moves every flow's TCP state as a segment would."""

    def __init__(self) -> None:
        self.flows: dict[bytes, bytearray] = {}
        self.stats: dict[bytes, FlowCounts] = {}

    def put_flow(self, key: bytes, value: bytes) -> None:
        self.flows[key] = bytearray(value)
        self.stats.setdefault(key, FlowCounts(0, 0, 0))

    def flow_stats(self, key: bytes) -> FlowCounts | None:
        return self.stats.get(key)

    def flow_state(self, key: bytes) -> int | None:
        v = self.flows.get(key)
        return None if v is None else v[VALUE_STATE_OFFSET]

    def delete_flow(self, key: bytes) -> FlowCounts | None:
        self.flows.pop(key, None)
        return self.stats.pop(key, None)

    def delete_flows(self, keys: list[bytes]) -> list[FlowCounts | None]:
        return [self.delete_flow(k) for k in keys]

    def all_flow_stats(self) -> dict[bytes, FlowCounts]:
        return dict(self.stats)

    def all_flow_states(self) -> dict[bytes, int]:
        return {k: v[VALUE_STATE_OFFSET] for k, v in self.flows.items()}

    def advance(self, flags: int, packets: int, at: float) -> None:
        """Every flow forwarded ``packets`` segments, the last with TCP ``flags``."""
        for key, v in self.flows.items():
            v[VALUE_STATE_OFFSET] = tcp_next_state(v[1], v[VALUE_STATE_OFFSET], flags)
            st = self.stats[key]
            self.stats[key] = FlowCounts(st.packets + packets, st.bytes + 60 * packets,
                                         int(at * 1e9))


class _NoPython:
    """The Python datapath as the XDP datapath sees it here: only its MACs."""

    def __init__(self) -> None:
        self.macs = {2: MAC}
        self.handler = None


def build_xdp(sent: list[int]) -> tuple[FrameHandler, XdpDatapath, MemoryMaps]:
    """``build`` with the XDP datapath's flow cache hooked into the frame handler."""
    handler, ipvs = build(sent)
    maps = MemoryMaps()
    xdp = XdpDatapath(ipvs, ["eth0"], None, None, python=_NoPython())  # type: ignore[arg-type]
    xdp.cache = FlowCache(ipvs, maps)
    xdp.hook(handler)
    return handler, xdp, maps


def timed(frames: list[bytes], fn: Callable[[bytearray, int], None]) -> float:
    """CPU seconds per frame of ``fn`` over ``frames`` (each copied into one reused buffer).

    The thread's CPU time, not the wall clock: on a shared machine the time
    this process spends preempted is not the datapath's cost.
    """
    buf = bytearray(2048)
    t = time.thread_time()
    for raw in frames:
        n = len(raw)
        buf[:n] = raw
        fn(buf, n)
    return (time.thread_time() - t) / len(frames)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--conns", type=int, default=2000)
    ap.add_argument("--packets", type=int, default=10, help="packets per established conn")
    ap.add_argument("--rounds", type=int, default=5, help="each figure is the best of these")
    opts = ap.parse_args()
    clients = [(bytes([198, 18, 1 + i // 60000 % 200, 1 + i % 250]), 1024 + i % 60000)
               for i in range(opts.conns)]
    syns = [tcp_frame(c, s, 0x02) for c, s in clients]
    acks = [tcp_frame(c, s, 0x10, b"x" * 64) for c, s in clients] * opts.packets
    now = 1000.0
    best = {"new": 1.0, "est": 1.0, "parse": 1.0, "full": 1.0, "pp": 1.0, "xdp_new": 1.0,
            "xdp_est": 1.0, "xdp_close": 1.0}
    for _ in range(opts.rounds):
        sent = [0]
        handler, ipvs = build(sent)

        def whole(buf: bytearray, n: int, handler: FrameHandler = handler) -> None:
            handler.handle(memoryview(buf)[:n], 0, 1, now)

        best["new"] = min(best["new"], timed(syns, whole))
        best["est"] = min(best["est"], timed(acks, whole))
        assert sent[0] == len(syns) + len(acks), (sent, handler.counters.as_dict())
        best["parse"] = min(best["parse"], timed(
            acks, lambda b, n: parse_frame(memoryview(b)[:n]) and None))
        best["full"] = min(best["full"], timed(
            acks, lambda b, n: parse_full(memoryview(b)[:n]) and None))

        def parse_process(buf: bytearray, n: int, ipvs: IPVS = ipvs) -> None:
            p = parse_frame(memoryview(buf)[:n])
            assert not isinstance(p, str) and p.meta is not None
            p.meta.direction = Direction.IN
            ipvs.process(p.meta, now, lambda: 0)

        best["pp"] = min(best["pp"], timed(acks, parse_process))

        sent = [0]
        xhandler, xdp, maps = build_xdp(sent)

        def xdp_whole(buf: bytearray, n: int, handler: FrameHandler = xhandler) -> None:
            handler.handle(memoryview(buf)[:n], 0, 1, now)

        best["xdp_new"] = min(best["xdp_new"], timed(syns, xdp_whole))
        assert len(maps.flows) == len(syns), (len(maps.flows), xdp.counters())
        cache = xdp.cache
        assert cache is not None
        for flags, key, at in ((TCP_ACK, "xdp_est", now + 0.1),
                               (TCP_FIN | TCP_ACK, "xdp_close", now + 0.2)):
            maps.advance(flags, 2, at)
            t = time.thread_time()
            cache.sync()
            best[key] = min(best[key], (time.thread_time() - t) / len(syns))
        assert not maps.flows and cache.stats.states_folded == 2 * len(syns), cache.stats
    t_new, t_est, t_parse, t_pp = best["new"], best["est"], best["parse"], best["pp"]
    print(f"parse (established, 118-byte frame):      {t_parse * 1e6:7.2f} us")
    print(f"  the same by the full parser (no shortcut): {best['full'] * 1e6:7.2f} us")
    print(f"parse + IPVS.process (established):       {t_pp * 1e6:7.2f} us")
    print(f"whole path, established connection:       {t_est * 1e6:7.2f} us"
          f"  = {1 / t_est:,.0f} packets/s")
    print(f"whole path, new connection (SYN):          {t_new * 1e6:7.2f} us"
          f"  = {1 / t_new:,.0f} packets/s")
    print(f"xdp: new connection (SYN), flow installed:  {best['xdp_new'] * 1e6:7.2f} us")
    print(f"xdp: sync per flow, now ESTABLISHED (fold): {best['xdp_est'] * 1e6:7.2f} us")
    print(f"xdp: sync per flow, now closed (remove):    {best['xdp_close'] * 1e6:7.2f} us")
    print(f"pps_established={1 / t_est:.0f} pps_new_conn={1 / t_new:.0f}"
          f" parse_us={t_parse * 1e6:.2f} parse_full_us={best['full'] * 1e6:.2f}"
          f" process_us={(t_pp - t_parse) * 1e6:.2f}"
          f" forward_us={(t_est - t_pp) * 1e6:.2f} xdp_new_conn_us={best['xdp_new'] * 1e6:.2f}"
          f" xdp_sync_est_us={best['xdp_est'] * 1e6:.2f}"
          f" xdp_sync_close_us={best['xdp_close'] * 1e6:.2f}")


if __name__ == "__main__":
    main()
