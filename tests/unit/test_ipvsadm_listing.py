"""Listings that need traffic: hand-made views formatted as ipvsadm 1.31 printed the same
counters in the oracle (tests/golden/ipvsadm/views/*.sh -> *.out)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pylvs.core.constants import AF_INET, AF_INET6, FwdMethod, SvcFlag
from pylvs.core.stats import Counters, Rates
from pylvs.core.views import ConnView, DestView, ServiceView
from pylvs.ipvsadm.listing import (
    ListFormat,
    format_conns,
    format_daemons,
    format_services,
    largenum,
)
from pylvs.ipvsadm.resolve import StaticResolver, SystemResolver

TRAFFIC = Path(__file__).resolve().parents[1] / "golden" / "ipvsadm" / "views" / "traffic.out"
INFO = (0x010201, 4096)
VIP, RS1, RS2, CIP = (bytes([198, 18, 0, n]) for n in (100, 11, 12, 10))


def oracle_blocks() -> dict[str, str]:
    """Output of each ``ipvsadm`` command in traffic.out, by its arguments."""
    text = TRAFFIC.read_text()
    parts = re.split(r"^### \$ ipvsadm (.*)\n", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def dest(addr: bytes, port: int, *, conns: int = 0, inpkts: int = 0, inbytes: int = 0,
         inpps: int = 0, inbps: int = 0, inact: int = 0, persist: int = 0) -> DestView:
    return DestView(
        AF_INET, addr, port, FwdMethod.DROUTE, 1, 0, 0, 0, 0, 0, 0, inact, persist,
        Counters(conns, inpkts, 0, inbytes, 0), Rates(0, inpps, 0, inbps, 0),
    )


def traffic_table() -> list[ServiceView]:
    """The oracle's table after the traffic, given in the kernel's (newest-first) order."""
    tcp = ServiceView(
        AF_INET, 6, VIP, 80, 0, "rr", SvcFlag.PERSISTENT | SvcFlag.HASHED, 60, 0xFFFFFFFF, "",
        Counters(5, 30, 0, 1690, 0), Rates(0, 0, 0, 12, 0),
        [dest(RS2, 80, conns=5, inpkts=30, inbytes=1690, inbps=12, inact=5, persist=1),
         dest(RS1, 80)],
    )
    udp = ServiceView(
        AF_INET, 17, VIP, 9, 0, "rr", SvcFlag.HASHED, 0, 0xFFFFFFFF, "",
        Counters(2, 72000, 0, 108_000_000, 0), Rates(0, 2588, 0, 3882064, 0),
        [dest(RS2, 9, conns=1, inpkts=36000, inbytes=54_000_000, inpps=725, inbps=1087293,
              inact=1),
         dest(RS1, 9, conns=1, inpkts=36000, inbytes=54_000_000, inpps=1863, inbps=2794771,
              inact=1)],
    )
    return [udp, tcp]


@pytest.mark.parametrize("args", [
    "-Ln --stats --exact", "-Ln --stats", "-Ln --rate --exact", "-Ln --rate",
    "-Ln --persistent-conn", "-Ln",
])
def test_service_listing_with_traffic_matches_ipvsadm(args: str) -> None:
    fmt = ListFormat(numeric=True, stats="--stats" in args, rate="--rate" in args,
                     exact="--exact" in args, persistent_conn="--persistent-conn" in args)
    got = format_services(traffic_table(), fmt, StaticResolver(), INFO)
    assert got == oracle_blocks()[args]


def conns() -> list[ConnView]:
    """The oracle's connection entries in its hash order, expiry as fractional seconds."""
    def tcp(cport: int, state: str = "FIN_WAIT", expires: float = 96.9) -> ConnView:
        return ConnView(AF_INET, 6, CIP, cport, VIP, 80, AF_INET, RS2, 80, state, expires, 0)

    def udp(cport: int, rs: bytes, expires: float) -> ConnView:
        return ConnView(AF_INET, 17, CIP, cport, VIP, 9, AF_INET, rs, 9, "UDP", expires, 0)

    return [tcp(45466), tcp(0, "ASSURED", 36.99), tcp(45470), tcp(45504),
            udp(40001, RS2, 287.5), tcp(45480), tcp(45496), udp(40002, RS1, 295.0)]


def test_connection_listing_matches_ipvsadm() -> None:
    assert format_conns(conns(), StaticResolver(), numeric=True) == oracle_blocks()["-Lnc"]


def test_connection_listing_resolves_service_names() -> None:
    resolver = StaticResolver(fallback=SystemResolver())
    if resolver.port_name(9, 17) != "discard":
        pytest.skip("no services database with discard/udp here")
    assert format_conns(conns(), resolver, numeric=False) == oracle_blocks()["-Lc"]


def test_connection_listing_persistent_conn_title_matches_ipvsadm() -> None:
    want = oracle_blocks()["-Lnc --persistent-conn"]
    later = [ConnView(c.af, c.protocol, c.caddr, c.cport, c.vaddr, c.vport, c.daf, c.daddr,
                      c.dport, c.state, c.expires - 1, c.flags) for c in conns()]
    later[-1].expires = 295.0  # this entry was refreshed between the two listings
    assert format_conns(later, StaticResolver(), True, persistent_conn=True) == want


def test_connection_listing_pe_data_and_long_expiry() -> None:
    c = ConnView(AF_INET6, 17, bytes(15) + b"\x05", 5060, bytes(15) + b"\x01", 5060,
                 AF_INET, RS1, 5060, "UDP", 6000.4, 0, "sip", "call-1@host")
    got = format_conns([c], StaticResolver(), numeric=True, persistent_conn=True)
    row = got.splitlines()[2]
    # row layout of ipvs-behaviour.md 3.8: destination %-16s, pe name %-18s
    assert row == ("UDP 100:00 UDP         [::5]:5060         [::1]:5060         "
                   "198.18.0.11:5060 sip                call-1@host")


@pytest.mark.parametrize(("value", "plain", "exact"), [
    (0, "        0", "        0"),
    (99_999_999, " 99999999", " 99999999"),
    (100_000_000, "  100000K", " 100000000"),
    (108_000_000, "  108000K", " 108000000"),
    (999_999_999, "  999999K", " 999999999"),
    (1_000_000_000, "    1000M", " 1000000000"),
    (123_456_789_012, "     123G", " 123456789012"),
    (99_999_999_999_999, "   99999G", " 99999999999999"),
    (500_000_000_000_000, "     500T", " 500000000000000"),
    ((1 << 64) - 1, "18446744T", " 18446744073709551615"),
])
def test_largenum(value: int, plain: str, exact: str) -> None:
    assert largenum(value, exact=False) == plain
    assert largenum(value, exact=True) == exact


def pe_conns(expired: float) -> list[ConnView]:
    """The oracle's SIP entries (views/pe-fwmark.sh): two templates carrying Call-IDs."""
    port = 5060

    def entry(cport: int, state: str, expires: float, call: str = "") -> ConnView:
        return ConnView(AF_INET, 17, CIP, cport, VIP, port, AF_INET, RS1, port, state,
                        expires - expired, 0, "sip" if call else "", call)

    return [entry(5071, "UDP", 298.4), entry(0, "NONE", 118.1, "a84b4c76e66710@pc33"),
            entry(0, "NONE", 118.9, "call-2@client.example"), entry(5070, "UDP", 298.0)]


def test_connection_listing_with_persistence_engine_matches_ipvsadm() -> None:
    path = TRAFFIC.with_name("pe-fwmark.out")
    parts = re.split(r"^### \$ ipvsadm (.*)\n", path.read_text(), flags=re.M)
    blocks = dict(zip(parts[1::2], parts[2::2], strict=True))
    names = StaticResolver(fallback=SystemResolver())
    assert format_conns(pe_conns(0), names, True) == blocks["-Lnc"]
    assert format_conns(pe_conns(1), names, True, True) == blocks["-Lnc --persistent-conn"]
    if names.port_name(5060, 17) == "sip":
        got = format_conns(pe_conns(1), names, False, True)
        assert got == blocks["-Lc --persistent-conn"]
    svc = ServiceView(
        AF_INET, 17, VIP, 5060, 0, "rr", SvcFlag.PERSISTENT, 120, 0xFFFFFFFF, "sip",
        Counters(), Rates(), [dest(RS1, 5060, inact=2, persist=2)],
    )
    fwm = ServiceView(AF_INET, 0, b"", 0, 5, "rr", SvcFlag.PERSISTENT, 30, 0xFFFFFFFF, "",
                      Counters(), Rates(), [dest(RS1, 0)])
    fmt = ListFormat(numeric=True, persistent_conn=True)
    listing = blocks["-Ln --persistent-conn"]
    assert format_services([fwm, svc], fmt, StaticResolver(), INFO) == listing[
        : listing.index("Pro FromIP")]


def test_daemon_listing_matches_ipvsadm() -> None:
    text = TRAFFIC.with_name("daemon.out").read_text()
    listings = re.findall(r"### \$ ipvsadm -L --daemon\n(.*?)### rc=0\n", text, flags=re.S)
    master = {"state": "master", "mcast_ifn": "dummy0", "syncid": 0, "sync_maxlen": 1472,
              "mcast_group": "224.0.0.81", "mcast_port": 8848, "mcast_ttl": 1}
    backup = {"state": "backup", "mcast_ifn": "dummy0", "syncid": 7, "sync_maxlen": 1024,
              "mcast_group": "239.1.2.3", "mcast_port": 9000, "mcast_ttl": 3}
    master2 = dict(master, syncid=200, sync_maxlen=1452, mcast_group="ff02::123",
                   mcast_port=8849)
    assert [format_daemons(d) for d in ([], [master], [backup, master], [backup],
                                        [backup, master2])] == listings
