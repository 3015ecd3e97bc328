"""The oracle's DR, NAT, UDP and persistent flows replayed through IPVS.process().

``tests/golden/conn/oracle-flows.sh`` ran real TCP/UDP traffic through the
kernel's IPVS (inside the oracle VM) and listed ``ipvsadm -Lnc`` after each
step; ``oracle-flows.out`` is what it printed. Here the same packets go
through core at the same moments, and every listed entry must show the same
state and the same expiry (within the oracle's scheduling jitter).
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

from pylvs.core.constants import IPPROTO_TCP, IPPROTO_UDP, FwdMethod, SvcFlag
from pylvs.core.ipvs import IPVS
from pylvs.core.meta import TCP_ACK, TCP_FIN, TCP_PSH, TCP_SYN, Direction, PacketMeta
from pylvs.core.model import DestSpec, ServiceSpec
from pylvs.core.views import conn_views

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "conn" / "oracle-flows.out"
IP = ipaddress.IPv4Address
VIP = IP("198.18.0.100").packed
CIP = IP("198.18.0.10").packed
RS1 = IP("198.18.0.11").packed
RS2 = IP("198.18.0.12").packed
RS3 = IP("198.19.0.11").packed
SA = TCP_SYN | TCP_ACK
PA = TCP_PSH | TCP_ACK
FA = TCP_FIN | TCP_ACK


def _golden() -> dict[str, list[tuple[str, int, str, str, str, str]]]:
    sections: dict[str, list[tuple[str, int, str, str, str, str]]] = {}
    current: list[tuple[str, int, str, str, str, str]] | None = None
    for line in GOLDEN.read_text().splitlines():
        if line.startswith("### ipvsadm"):
            current = None  # the final service listing, checked separately below
        elif line.startswith("### "):
            current = sections.setdefault(line[4:], [])
        elif current is not None and line[:3] in ("TCP", "UDP"):
            proto, expire, state, src, vip, dst = line.split()
            mm, ss = expire.split(":")
            current.append((proto, int(mm) * 60 + int(ss), state, src, vip, dst))
    return sections


def _rows(t: IPVS, now: float) -> list[tuple[str, int, str, str, str, str]]:
    rows = []
    for v in conn_views(t, now):
        proto = {IPPROTO_TCP: "TCP", IPPROTO_UDP: "UDP"}[v.protocol]
        rows.append((proto, int(v.expires), v.state, f"{IP(v.caddr)}:{v.cport}",
                     f"{IP(v.vaddr)}:{v.vport}", f"{IP(v.daddr)}:{v.dport}"))
    return rows


def _director() -> IPVS:
    t = IPVS()
    for port, rs, method, proto, extra in (
        (80, RS1, FwdMethod.DROUTE, IPPROTO_TCP, {}),
        (8080, RS3, FwdMethod.MASQ, IPPROTO_TCP, {}),
        (53, RS3, FwdMethod.MASQ, IPPROTO_UDP, {}),
        (81, RS2, FwdMethod.DROUTE, IPPROTO_TCP,
         {"flags": SvcFlag.PERSISTENT, "timeout": 100}),
    ):
        svc = t.add_service(ServiceSpec(protocol=proto, addr=VIP, port=port, sched_name="rr",
                                        **extra))  # type: ignore[arg-type]
        rport = 80 if method == FwdMethod.MASQ and proto == IPPROTO_TCP else port
        t.add_dest(svc.key, DestSpec(addr=rs, port=rport, conn_flags=method))
    return t


class Replay:
    """Sends the segments each socket operation of the oracle's client produced."""

    def __init__(self) -> None:
        self.t = _director()

    def cin(self, now: float, sport: int, dport: int, flags: int,
            proto: int = IPPROTO_TCP) -> None:
        v = self.t.process(PacketMeta(2, proto, CIP, VIP, sport, dport, flags, 60,
                                      Direction.IN), now, lambda: 0)
        assert v.action != 0, v

    def cout(self, now: float, rs: bytes, rport: int, sport: int, flags: int,
             proto: int = IPPROTO_TCP) -> None:
        v = self.t.process(PacketMeta(2, proto, rs, CIP, rport, sport, flags, 60,
                                      Direction.OUT), now, lambda: 0)
        assert v.action != 0, v

    def connect(self, now: float, sport: int, dport: int, nat: bool) -> None:
        self.cin(now, sport, dport, TCP_SYN)
        if nat:
            self.cout(now, RS3, 80, sport, SA)
        self.cin(now, sport, dport, TCP_ACK)

    def request_and_close(self, now: float, sport: int, dport: int, nat: bool) -> None:
        # HTTP/1.0: request; the server answers and closes first; the client closes
        self.cin(now, sport, dport, PA)
        if nat:
            self.cout(now, RS3, 80, sport, PA)
            self.cout(now, RS3, 80, sport, FA)
        self.cin(now, sport, dport, TCP_ACK)
        self.cin(now, sport, dport, FA)
        if nat:
            self.cout(now, RS3, 80, sport, TCP_ACK)


def _check(got: list[tuple[str, int, str, str, str, str]],
           want: list[tuple[str, int, str, str, str, str]]) -> None:
    def key(r: tuple[str, int, str, str, str, str]) -> tuple[str, str, str, str]:
        return (r[0], r[3], r[4], r[5])

    assert sorted(map(key, got)) == sorted(map(key, want))
    by_key = {key(r): r for r in got}
    for w in want:
        g = by_key[key(w)]
        assert g[2] == w[2], (g, w)
        assert abs(g[1] - w[1]) <= 1, (g, w)


def test_replay_matches_the_kernel_listing() -> None:
    golden = _golden()
    titles = list(golden)
    assert len(titles) == 5
    r = Replay()
    r.connect(0.0, 40001, 80, nat=False)
    r.connect(0.0, 40002, 8080, nat=True)
    r.connect(0.0, 40003, 81, nat=False)
    _check(_rows(r.t, 0.3), golden[titles[0]])
    for sport, port, nat in ((40001, 80, False), (40002, 8080, True), (40003, 81, False)):
        r.request_and_close(0.5, sport, port, nat)
    _check(_rows(r.t, 1.0), golden[titles[1]])
    r.cin(1.2, 40004, 53, 0, IPPROTO_UDP)
    r.cout(1.2, RS3, 53, 40004, 0, IPPROTO_UDP)
    _check(_rows(r.t, 1.7), golden[titles[2]])
    r.t.set_timeouts(600, 50, 200)
    r.connect(1.8, 40005, 80, nat=False)
    _check(_rows(r.t, 2.2), golden[titles[3]])
    r.request_and_close(2.3, 40005, 80, nat=False)
    _check(_rows(r.t, 2.7), golden[titles[4]])
    # the per-destination counts the kernel listed last (--persistent-conn)
    counts = {
        (IP(d.addr).exploded, d.port): (d.persistconns, d.activeconns, d.inactconns)
        for s in r.t.services.values() for d in s.dests
    }
    assert counts == {
        ("198.18.0.11", 80): (0, 0, 2),
        ("198.18.0.12", 81): (1, 0, 1),
        ("198.19.0.11", 80): (0, 0, 1),
        ("198.19.0.11", 53): (0, 0, 1),
    }


def test_expire_nodest_conn_replay_matches_the_kernel() -> None:
    """oracle-leave-nodest.sh: with expire_nodest_conn=1, deleting a dest removes its
    entries at once, and the connection's next segment is not IPVS's any more."""
    text = (GOLDEN.parent / "oracle-leave-nodest.out").read_text()
    after_delete = text.split("## right after -d of its dest\n")[1].split("## ")[0]
    assert after_delete.strip() == ""
    assert "request on the old connection -> ConnectionResetError" in text
    t = IPVS()
    t.sysctls.expire_nodest_conn = 1
    svc = t.add_service(ServiceSpec(addr=VIP, port=8080, sched_name="rr"))
    for rs in (RS3, IP("198.19.1.11").packed):
        t.add_dest(svc.key, DestSpec(addr=rs, port=80, conn_flags=FwdMethod.MASQ))
    r = Replay()
    r.t = t
    r.cin(0.0, 42001, 8080, TCP_SYN)
    v = t.process(PacketMeta(2, IPPROTO_TCP, CIP, VIP, 42001, 8080, TCP_ACK, 52), 0.0,
                  lambda: 0)
    assert [x.state for x in conn_views(t, 0.3)] == ["ESTABLISHED"]
    t.del_dest(svc.key, 2, v.daddr, 80)
    assert conn_views(t, 0.3) == []
    late = t.process(PacketMeta(2, IPPROTO_TCP, CIP, VIP, 42001, 8080, TCP_PSH | TCP_ACK, 70),
                     1.8, lambda: 0)
    assert (late.action, late.reason) == (0, "no-conn")  # PASS: the local stack resets it
