"""Rules text (``-S`` / ``-R`` format): parse_rules for the daemon, and -S / -C / -R round trips."""

from __future__ import annotations

import io
import ipaddress

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pylvs.cli.ipvsadm import main
from pylvs.control.client import Client
from pylvs.control.transport import InProcess
from pylvs.core.constants import (
    AF_INET,
    AF_INET6,
    IPPROTO_SCTP,
    IPPROTO_TCP,
    IPPROTO_UDP,
    FwdMethod,
    SvcFlag,
    TunType,
)
from pylvs.core.ipvs import IPVS
from pylvs.core.model import DestSpec, ServiceKey, ServiceSpec
from pylvs.core.schedulers import SCHEDULERS
from pylvs.ipvsadm import RulesError, format_save, parse_rules
from pylvs.ipvsadm.listing import sort_services
from pylvs.ipvsadm.resolve import StaticResolver

RES = StaticResolver()
V4 = bytes([198, 18, 0, 150])


def test_parse_rules_gives_client_calls_in_order() -> None:
    text = ("-A -t 198.18.0.150:80 -s rr -p 5\n"
            "\n"
            "ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.171:8080 -m -w 3\n"
            "-A -f 7 -6 -s wlc\n")
    calls = parse_rules(text, RES)
    key = ServiceKey(AF_INET, IPPROTO_TCP, V4, 80)
    assert [op for op, _ in calls] == ["add_service", "add_dest", "add_service"]
    svc = calls[0][1][0]
    assert (svc.sched_name, svc.flags, svc.timeout, svc.netmask) == (
        "rr", SvcFlag.PERSISTENT, 5, 0xFFFFFFFF)
    assert calls[1][1][0] == key
    dest = calls[1][1][1]
    assert (dest.addr, dest.port, dest.conn_flags, dest.weight) == (
        bytes([198, 18, 0, 171]), 8080, FwdMethod.MASQ, 3)
    fwm = calls[2][1][0]
    assert (fwm.fwmark, fwm.af, fwm.netmask) == (7, AF_INET6, 128)


@pytest.mark.parametrize(("text", "lineno", "message"), [
    ("-A -t 198.18.0.150:80\n-A -t 198.18.0.151:80 -w 3\n", 2,
     "Illegal 'weight' option with the 'add-service' command"),
    ("-A -t 198.18.0.150:80\n\n-a -t 198.18.0.150:80 -r 198.18.0.171 -w x\n", 3,
     "illegal weight specified"),
    ("# a comment\n", 1, "Try `ipvsadm -h' or 'ipvsadm --help' for more information."),
    ("-A -t 198.18.0.150:80\n-L -n\n", 2, "not a table operation: -L -n"),
    ("-A -t 198.18.0.150:80 --bogus\n", 1, "--bogus: unknown option"),
])
def test_parse_rules_names_the_first_bad_line(text: str, lineno: int, message: str) -> None:
    with pytest.raises(RulesError) as info:
        parse_rules(text, RES)
    assert (info.value.lineno, info.value.message) == (lineno, message)


def test_marks_saved_as_negative_numbers_restore() -> None:
    saved = "-A -f -1 -s rr\n-A -f -2147483648 -s rr\n"
    marks = [call[1][0].fwmark for call in parse_rules(saved, RES)]
    assert marks == [(1 << 32) - 1, 1 << 31]
    with pytest.raises(RulesError):
        parse_rules("-A -f -2147483649 -s rr\n", RES)


def test_format_save_matches_the_cli(tmp_path: object) -> None:
    ipvs = IPVS()
    ipvs.add_service(ServiceSpec(AF_INET, IPPROTO_UDP, V4, 53, sched_name="rr"))
    ipvs.add_dest(ServiceKey(AF_INET, IPPROTO_UDP, V4, 53),
                  DestSpec(AF_INET, bytes([198, 18, 0, 171]), 53, FwdMethod.MASQ, 2))
    client = Client(transport=InProcess(ipvs))
    out = io.StringIO()
    assert main(["-S", "-n"], client=client, stdout=out, resolver=RES) == 0
    assert format_save(client.list_services(), True, RES) == out.getvalue() == (
        "-A -u 198.18.0.150:53 -s rr\n-a -u 198.18.0.150:53 -r 198.18.0.171:53 -m -w 2\n")


# -- property: any table ipvsadm can express survives -S / -C / -R ---------------------

def _addr(af: int, wide: bool = False) -> st.SearchStrategy[bytes]:
    """198.18.0.0/15 or 2001:db8::/32; unless ``wide``, IPv6 addresses differ by less than
    2^31 in each 32-bit word, where ipvsadm's sort comparator is a total order."""
    if af == AF_INET:
        return st.integers(0, (1 << 17) - 1).map(lambda n: (0xC6120000 + n).to_bytes(4, "big"))
    base = int(ipaddress.IPv6Address("2001:db8::"))
    top = (1 << 96) - 1 if wide else (1 << 31) - 1
    return st.integers(0, top).map(lambda n: (base + n).to_bytes(16, "big"))


@st.composite
def services(draw: st.DrawFn, wide: bool = False) -> tuple[ServiceSpec, list[DestSpec]]:
    af = draw(st.sampled_from([AF_INET, AF_INET6]))
    kind = draw(st.sampled_from([IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP, 0]))
    sched = draw(st.sampled_from(sorted(SCHEDULERS)))
    spec = ServiceSpec(af=af, sched_name=sched, netmask=128 if af == AF_INET6 else 0xFFFFFFFF)
    if kind == 0:
        spec.fwmark = draw(st.integers(1, (1 << 32) - 1))
        spec.addr, spec.protocol = b"", 0
    else:
        spec.protocol, spec.addr = kind, draw(_addr(af, wide))
        spec.port = draw(st.integers(0, 65535))
    persistent = (spec.port == 0 and not spec.fwmark) or draw(st.booleans())
    if persistent:
        spec.flags |= SvcFlag.PERSISTENT
        spec.timeout = draw(st.integers(1, 2678400))
        if af == AF_INET6:
            spec.netmask = draw(st.integers(1, 128))
        else:
            spec.netmask = draw(st.sampled_from([0xFFFFFFFF, 0xFFFFFF00, 0xFFFF0000, 0x0]))
        spec.pe_name = draw(st.sampled_from(["", "sip"]))
    if (spec.fwmark or spec.protocol == IPPROTO_UDP) and draw(st.booleans()):
        spec.flags |= SvcFlag.ONEPACKET
    bits = [SvcFlag.SCHED1, SvcFlag.SCHED2] + ([] if sched in ("sh", "mh") else [SvcFlag.SCHED3])
    for bit in bits:
        if draw(st.booleans()):
            spec.flags |= bit
    dests: list[DestSpec] = []
    seen: set[tuple[bytes, int]] = set()
    for _ in range(draw(st.integers(0, 4))):
        method = draw(st.sampled_from([FwdMethod.MASQ, FwdMethod.DROUTE, FwdMethod.TUNNEL]))
        daf = draw(st.sampled_from([AF_INET, AF_INET6])) if method == FwdMethod.TUNNEL else af
        port = draw(st.integers(0, 65535))
        if method != FwdMethod.MASQ and not spec.fwmark:
            port = spec.port
        weight = draw(st.integers(0, (1 << 31) - 1))
        d = DestSpec(daf, draw(_addr(daf, wide)), port, method, weight)
        if method == FwdMethod.TUNNEL:
            d.tun_type = draw(st.sampled_from(list(TunType)))
            if d.tun_type == TunType.GUE:
                d.tun_port = draw(st.integers(1, 65535))
                d.tun_flags = draw(st.integers(0, 2))
            elif d.tun_type == TunType.GRE:
                d.tun_flags = draw(st.integers(0, 1))
        if (d.addr, d.port) not in seen:
            seen.add((d.addr, d.port))
            dests.append(d)
    return spec, dests


def _cli(client: Client, argv: list[str], stdin: str = "") -> str:
    out, err = io.StringIO(), io.StringIO()
    rc = main(argv, client=client, stdin=io.StringIO(stdin), stdout=out, stderr=err,
              resolver=RES)
    assert (rc, err.getvalue()) == (0, ""), argv
    return out.getvalue()


Table = list[tuple[ServiceSpec, list[DestSpec]]]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(services(), max_size=5))
def test_save_clear_restore_keeps_the_table(table: Table) -> None:
    client = _client_with(table)
    before = sort_services(client.list_services())
    saved = _cli(client, ["-S", "-n"])
    _cli(client, ["-C"])
    assert client.list_services() == []
    _cli(client, ["-R"], saved)
    assert _cli(client, ["-S", "-n"]) == saved
    assert sort_services(client.list_services()) == before
    assert parse_rules(saved, RES) == parse_rules(format_save(before, True, RES), RES)


def _content(client: Client) -> set[tuple[object, ...]]:
    out: set[tuple[object, ...]] = set()
    for svc in client.list_services():
        dests = frozenset((d.af, d.addr, d.port, d.fwd_method, d.weight, d.tun_type,
                           d.tun_port, d.tun_flags) for d in svc.dests)
        out.add((svc.af, svc.protocol, svc.addr, svc.port, svc.fwmark, svc.sched_name,
                 svc.flags, svc.timeout, svc.netmask, svc.pe_name, dests))
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(services(wide=True), max_size=4))
def test_save_clear_restore_keeps_any_ipv6_table(table: Table) -> None:
    """Addresses 2^31 apart in a word make ipvsadm's order depend on the kernel's list
    order (the same -S may then list them differently), but nothing is lost."""
    client = _client_with(table)
    before = _content(client)
    saved = _cli(client, ["-S", "-n"])
    _cli(client, ["-C"])
    _cli(client, ["-R"], saved)
    assert _content(client) == before
    assert sorted(_cli(client, ["-S", "-n"]).splitlines()) == sorted(saved.splitlines())


def _client_with(table: Table) -> Client:
    ipvs = IPVS()
    for spec, dests in table:
        if spec.key() in ipvs.services:
            continue
        ipvs.add_service(spec)
        for d in dests:
            ipvs.add_dest(spec.key(), d)
    return Client(transport=InProcess(ipvs))
