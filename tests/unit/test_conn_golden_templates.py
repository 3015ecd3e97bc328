"""The oracle's persistence-template flows replayed through IPVS.process().

``tests/golden/conn/oracle-templates.sh`` ran the steps below through the
kernel's IPVS: a template that runs out while it controls a connection (re-armed
for 60 s, and 60 s again on reuse), UDP templates, weight-0 dests keeping
their clients, and expire_quiescent_template invalidating a template (shown
with ports 65535). Entries must match in address, port and state, and their
expiry within the VM's scheduling drift.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

from pylvs.core.constants import IPPROTO_TCP, IPPROTO_UDP, FwdMethod, SvcFlag
from pylvs.core.ipvs import IPVS
from pylvs.core.meta import TCP_ACK, TCP_FIN, TCP_PSH, TCP_SYN, Direction, PacketMeta
from pylvs.core.model import DestSpec, ServiceSpec
from pylvs.core.views import conn_views

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "conn" / "oracle-templates.out"
IP = ipaddress.IPv4Address
VIP = IP("198.18.0.100").packed
CIP = IP("198.18.0.10").packed
RS1, RS2 = IP("198.18.0.11").packed, IP("198.18.0.12").packed
RS3, RS4 = IP("198.19.0.11").packed, IP("198.19.1.11").packed
DRIFT = 4  # seconds the oracle's listings lag its script's nominal times

Row = tuple[str, int, str, str, str, str]


def _golden() -> list[list[Row]]:
    sections: list[list[Row]] = []
    for line in GOLDEN.read_text().splitlines():
        if line.startswith("### "):
            sections.append([])
        elif sections and line[:3] in ("TCP", "UDP") and len(line.split()) == 6:
            proto, expire, state, src, vip, dst = line.split()
            mm, ss = expire.split(":")
            sections[-1].append((proto, int(mm) * 60 + int(ss), state, src, vip, dst))
    return sections


def _rows(t: IPVS, now: float) -> list[Row]:
    return [({6: "TCP", 17: "UDP"}[v.protocol], int(v.expires), v.state,
             f"{IP(v.caddr)}:{v.cport}", f"{IP(v.vaddr)}:{v.vport}",
             f"{IP(v.daddr)}:{v.dport}") for v in conn_views(t, now)]


def _check(got: list[Row], want: list[Row]) -> None:
    def ident(r: Row) -> tuple[str, str, str, str, str]:
        return (r[0], r[2], r[3], r[4], r[5])

    assert sorted(map(ident, got)) == sorted(map(ident, want))
    for w in want:
        (g,) = [g for g in got if ident(g) == ident(w)]
        assert abs(g[1] - w[1]) <= DRIFT, (g, w)


def _send(t: IPVS, now: float, sport: int, flags: int) -> None:
    t.process(PacketMeta(2, IPPROTO_TCP, CIP, VIP, sport, 80, flags, 60), now, lambda: 0)


def _session(t: IPVS, now: float, sport: int) -> None:
    for flags in (TCP_SYN, TCP_ACK, TCP_PSH | TCP_ACK, TCP_ACK, TCP_FIN | TCP_ACK):
        _send(t, now, sport, flags)


def test_template_replay_matches_the_kernel_listing() -> None:
    golden = _golden()
    assert len(golden) == 7
    t = IPVS()
    tcp = t.add_service(ServiceSpec(addr=VIP, port=80, sched_name="rr",
                                    flags=SvcFlag.PERSISTENT, timeout=3))
    for rs in (RS1, RS2):
        t.add_dest(tcp.key, DestSpec(addr=rs, port=80, conn_flags=FwdMethod.DROUTE))
    udp = t.add_service(ServiceSpec(protocol=IPPROTO_UDP, addr=VIP, port=53, sched_name="rr",
                                    flags=SvcFlag.PERSISTENT, timeout=30))
    for rs in (RS3, RS4):
        t.add_dest(udp.key, DestSpec(addr=rs, port=53, conn_flags=FwdMethod.MASQ))

    _send(t, 0.0, 41001, TCP_SYN)
    _send(t, 0.0, 41001, TCP_ACK)
    t.expire(0.5)
    _check(_rows(t, 0.5), golden[0])
    for now in (1.0, 2.0, 3.0, 4.0, 4.5):
        t.expire(now)
    _check(_rows(t, 4.5), golden[1])
    for flags in (TCP_PSH | TCP_ACK, TCP_ACK, TCP_FIN | TCP_ACK):
        _send(t, 4.5, 41001, flags)
    _check(_rows(t, 5.0), golden[2])
    _session(t, 5.0, 41002)
    _check(_rows(t, 5.5), golden[3])
    t.process(PacketMeta(2, IPPROTO_UDP, CIP, VIP, 41003, 53, 0, 29), 5.5, lambda: 0)
    t.process(PacketMeta(2, IPPROTO_UDP, RS4, CIP, 53, 41003, 0, 29, Direction.OUT), 5.5,
              lambda: 0)
    _check(_rows(t, 6.0), golden[4])
    for rs in (RS1, RS2):
        t.edit_dest(tcp.key, DestSpec(addr=rs, port=80, weight=0))
    _session(t, 6.0, 41004)
    _check(_rows(t, 6.5), golden[5])
    t.sysctls.expire_quiescent_template = 1
    t.edit_dest(tcp.key, DestSpec(addr=RS1, port=80, weight=1))
    _session(t, 6.5, 41005)
    _check(_rows(t, 7.0), golden[6])
    counts = {(IP(d.addr).exploded, d.port): (d.weight, d.persistconns, d.activeconns,
                                                d.inactconns)
              for s in (tcp, udp) for d in s.dests}
    assert counts == {
        ("198.18.0.11", 80): (1, 1, 0, 1),
        ("198.18.0.12", 80): (0, 1, 0, 3),
        ("198.19.0.11", 53): (1, 0, 0, 0),
        ("198.19.1.11", 53): (1, 1, 0, 1),
    }
