"""ipvsadm's listings, byte for byte: ``-L`` in every format, ``-Lc``, timeouts, daemons."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pylvs.core.constants import AF_INET, AF_INET6, PROTO_NAMES, FwdMethod, SvcFlag, TunType
from pylvs.core.stats import Counters
from pylvs.core.views import ConnView, DestView, ServiceView
from pylvs.ipvsadm.addresses import ntop
from pylvs.ipvsadm.resolve import Resolver

_IPPROTO_BY_NAME = {"TCP": 6, "UDP": 17, "SCTP": 132}
FORWARD_NAMES = {
    FwdMethod.MASQ: "Masq", FwdMethod.LOCALNODE: "Local", FwdMethod.TUNNEL: "Tunnel",
    FwdMethod.DROUTE: "Route",
}
_FORWARD_BY_INT = {int(k): v for k, v in FORWARD_NAMES.items()}
_SCHED_FLAGS = int(SvcFlag.SCHED1 | SvcFlag.SCHED2 | SvcFlag.SCHED3)
_PERSISTENT = int(SvcFlag.PERSISTENT)
_ONEPACKET = int(SvcFlag.ONEPACKET)
_CSUM_NAMES = ("-c", "+c", "r+c")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ListFormat:
    """Which ``-L`` variant to print (ipvsadm's FMT_* bits)."""

    numeric: bool = False
    stats: bool = False
    rate: bool = False
    thresholds: bool = False
    persistent_conn: bool = False
    tun_info: bool = False
    exact: bool = False
    nosort: bool = False


def printf(fmt: str, *args: object) -> str:
    """C ``printf`` formatting: keeps ipvsadm's field widths readable side by side."""
    return fmt % args


def int32(v: int) -> int:
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v & 0x80000000 else v


def _addr_words(af: int, addr: bytes) -> list[int]:
    raw = addr.ljust(16, b"\0") if af == AF_INET6 else addr[:4]
    return [int.from_bytes(raw[i : i + 4], "big") for i in range(0, len(raw), 4)]


def _cmp_addr(af: int, a: bytes, b: bytes) -> int:
    """ipvsadm's address comparison: unsigned 32-bit word differences read as int32."""
    wa, wb = _addr_words(af, a.ljust(16, b"\0")), _addr_words(af, b.ljust(16, b"\0"))
    for x, y in zip(wa, wb, strict=False):
        r = int32(x - y)
        if r:
            return r
    return 0


def _cmp_services(s1: ServiceView, s2: ServiceView) -> int:
    r = int32(s1.fwmark - s2.fwmark) or (s1.af - s2.af) or (s1.protocol - s2.protocol)
    if r:
        return r
    return _cmp_addr(s1.af, s1.addr, s2.addr) or (s1.port - s2.port)


def _cmp_dests(d1: DestView, d2: DestView) -> int:
    return _cmp_addr(d1.af, d1.addr, d2.addr) or (d1.port - d2.port)


def c_qsort(items: list[T], cmp: Callable[[T, T], int]) -> list[T]:
    """The C library's ``qsort`` (a top-down merge sort): the same order even where
    ipvsadm's comparators are not transitive."""
    if len(items) <= 1:
        return list(items)
    half = len(items) // 2
    left, right = c_qsort(items[:half], cmp), c_qsort(items[half:], cmp)
    out: list[T] = []
    i = j = 0
    while i < len(left) and j < len(right):
        if cmp(left[i], right[j]) <= 0:
            out.append(left[i])
            i += 1
        else:
            out.append(right[j])
            j += 1
    return out + left[i:] + right[j:]


_I32 = 1 << 31


def _no_wrap(keys: list[tuple[int, ...]]) -> bool:
    """Whether no two keys differ by 2^31 or more at any place (where int32 would wrap)."""
    return all(max(column) - min(column) < _I32 for column in zip(*keys, strict=False))


def _service_sort_key(s: ServiceView) -> tuple[int, ...]:
    return (s.fwmark, s.af, s.protocol, *_addr_words(s.af, s.addr.ljust(16, b"\0")), s.port)


def _dest_sort_key(d: DestView) -> tuple[int, ...]:
    return (*_addr_words(d.af, d.addr.ljust(16, b"\0")), d.port)


def _sorted_like_qsort(
    items: list[T], cmp: Callable[[T, T], int], key: Callable[[T], tuple[int, ...]]
) -> list[T]:
    """``c_qsort(items, cmp)``, by a stable key sort when ``cmp`` is plain key order.

    The comparators compare these keys place by place, as int32 differences: when
    no difference reaches 2^31 (and one family is listed, so that keys have one
    shape) that is the keys' order, a total order in which the merge sort and
    ``sorted`` both keep equal items in input order.
    """
    if len(items) <= 1:
        return list(items)
    keys = [key(i) for i in items]
    if len({len(k) for k in keys}) == 1 and _no_wrap(keys):
        order = sorted(range(len(items)), key=keys.__getitem__)
        return [items[i] for i in order]
    return c_qsort(items, cmp)


def sort_services(services: Iterable[ServiceView]) -> list[ServiceView]:
    """Services and their destinations in ipvsadm's listing order (with its wrap quirk)."""
    return [
        _with_dests(svc, _sorted_like_qsort(svc.dests, _cmp_dests, _dest_sort_key))
        for svc in _sorted_like_qsort(list(services), _cmp_services, _service_sort_key)
    ]


def _with_dests(svc: ServiceView, dests: list[DestView]) -> ServiceView:
    return ServiceView(
        svc.af, svc.protocol, svc.addr, svc.port, svc.fwmark, svc.sched_name, svc.flags,
        svc.timeout, svc.netmask, svc.pe_name, svc.stats, svc.rates, dests,
    )


class Names:
    """Formats ``addr:port`` as ipvsadm does, resolving names unless numeric."""

    def __init__(self, resolver: Resolver, numeric: bool) -> None:
        self.resolver = resolver
        self.numeric = numeric

    def addr_port(self, af: int, addr: bytes, port: int, protocol: int) -> str:
        """``host:port`` (``[host]:port`` for IPv6), cut to 59 characters like ipvsadm's buffer."""
        host = None if self.numeric else self.resolver.host_name(af, addr)
        if host is None:
            host = ntop(af, addr)
        pname = None
        if not self.numeric and port != 0:
            pname = self.resolver.port_name(port, protocol)
        text = f"[{host}]:{pname or port}" if af == AF_INET6 else f"{host}:{pname or port}"
        return text[:59]


def _signed(v: int) -> int:
    return int32(v)


def service_name(svc: ServiceView, names: Names) -> str:
    """``TCP  addr:port`` / ``FWM  mark [IPv6]`` (IPv4 cut to 33 characters)."""
    if svc.fwmark:
        return f"FWM  {_signed(svc.fwmark)}" + (" IPv6" if svc.af == AF_INET6 else "")
    proto = PROTO_NAMES.get(svc.protocol, "?")
    text = f"{proto:<4} {names.addr_port(svc.af, svc.addr, svc.port, svc.protocol)}"
    return text[:33] if svc.af == AF_INET else text


def sched_flag_names(svc: ServiceView) -> list[str]:
    """Names of the set SCHED1..3 bits for the service's scheduler."""
    if svc.sched_name in ("sh", "mh"):
        sched = svc.sched_name
        names: tuple[str | None, ...] = (f"{sched}-fallback", f"{sched}-port", None)
    else:
        names = ("flag-1", "flag-2", "flag-3")
    bits = (SvcFlag.SCHED1, SvcFlag.SCHED2, SvcFlag.SCHED3)
    return [n for n, b in zip(names, bits, strict=True) if n and svc.flags & b]


def mask_text(svc: ServiceView) -> str | None:
    if svc.af == AF_INET6:
        return None if svc.netmask == 128 else str(svc.netmask)
    if svc.netmask == 0xFFFFFFFF:
        return None
    return ntop(AF_INET, (svc.netmask & 0xFFFFFFFF).to_bytes(4, "big"))


def largenum(i: int, exact: bool) -> str:
    """ipvsadm's ``print_largenum``: 9 columns, K/M/G/T above 10^8 unless exact."""
    if exact:
        return f"{i:>{max(9, len(str(i)) + 1)}}"
    if i < 100_000_000:
        return f"{i:9d}"
    for limit, div, unit in (
        (1_000_000_000, 1000, "K"),
        (100_000_000_000, 1_000_000, "M"),
        (100_000_000_000_000, 1_000_000_000, "G"),
    ):
        if i < limit:
            return f"{i // div:8d}{unit}"
    return f"{i // 1_000_000_000_000:8d}T"


def _five(values: Iterable[int], exact: bool) -> str:
    return "".join(largenum(v, exact) for v in values)


def _counters(c: Counters) -> tuple[int, int, int, int, int]:
    return (c.conns, c.inpkts, c.outpkts, c.inbytes, c.outbytes)


def title(fmt: ListFormat) -> str:
    """The two title lines of a service listing."""
    if fmt.stats:
        head = printf("%-33s %8s %8s %8s %8s %8s",
            "Prot LocalAddress:Port", "Conns", "InPkts", "OutPkts", "InBytes", "OutBytes")
        return head + "\n  -> RemoteAddress:Port\n"
    if fmt.rate:
        head = printf("%-33s %8s %8s %8s %8s %8s",
            "Prot LocalAddress:Port", "CPS", "InPPS", "OutPPS", "InBPS", "OutBPS")
        return head + "\n  -> RemoteAddress:Port\n"
    if fmt.thresholds:
        head = printf("%-33s %-10s %-10s %-10s %-10s",
            "Prot LocalAddress:Port", "Uthreshold", "Lthreshold", "ActiveConn", "InActConn")
        return head + "\n  -> RemoteAddress:Port\n"
    if fmt.persistent_conn:
        head = printf("%-33s %-9s %-11s %-10s %-10s",
            "Prot LocalAddress:Port", "Weight", "PersistConn", "ActiveConn", "InActConn")
        return head + "\n  -> RemoteAddress:Port\n"
    if fmt.tun_info:
        return ("Prot LocalAddress:Port Scheduler Flags\n"
                "  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn "
                "InActConn\n")
    return ("Prot LocalAddress:Port Scheduler Flags\n"
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n")


def tunnel_info(d: DestView) -> str:
    """``n/a``, ``ipip``, ``gue:<port>:<c>`` or ``gre:<c>``."""
    if d.fwd_method != FwdMethod.TUNNEL:
        return "n/a"
    csum = _CSUM_NAMES[d.tun_flags] if 0 <= d.tun_flags < 3 else "?"
    if d.tun_type == TunType.GUE:
        return f"gue:{d.tun_port}:{csum}"
    if d.tun_type == TunType.GRE:
        return f"gre:{csum}"
    return "ipip"


def service_lines(svc: ServiceView, fmt: ListFormat, names: Names) -> str:
    """One service and its destinations, in the chosen format."""
    name = service_name(svc, names)
    out: list[str] = []
    if fmt.stats or fmt.rate:
        values = _counters(svc.stats) if fmt.stats else (
            svc.rates.cps, svc.rates.inpps, svc.rates.outpps, svc.rates.inbps, svc.rates.outbps)
        out.append(f"{name:<33}{_five(values, fmt.exact)}")
    else:
        line = f"{name} {svc.sched_name}"
        if svc.flags & _SCHED_FLAGS:
            line += f" ({','.join(sched_flag_names(svc))})"
        if svc.flags & _PERSISTENT:
            line += f" persistent {svc.timeout}"
            mask = mask_text(svc)
            if mask is not None:
                line += f" mask {mask}"
            if svc.pe_name:
                line += f" pe {svc.pe_name}"
        if svc.flags & _ONEPACKET:
            line += " ops"
        out.append(line)
    for d in svc.dests:
        dname = names.addr_port(d.af, d.addr, d.port, svc.protocol)
        if d.af == AF_INET:
            dname = dname[:28]
        if fmt.stats:
            out.append(f"  -> {dname:<28}{_five(_counters(d.stats), fmt.exact)}")
        elif fmt.rate:
            r = d.rates
            out.append(f"  -> {dname:<28} {r.cps:8d} {r.inpps:8d} {r.outpps:8d}"
                       f"{largenum(r.inbps, fmt.exact)}{largenum(r.outbps, fmt.exact)}")
        elif fmt.thresholds:
            out.append(f"  -> {dname:<28} {d.u_threshold:<10} {d.l_threshold:<10} "
                       f"{d.activeconns:<10} {d.inactconns:<10}")
        elif fmt.persistent_conn:
            out.append(f"  -> {dname:<28} {d.weight:<9} {d.persistconns:<11} "
                       f"{d.activeconns:<10} {d.inactconns:<10}")
        else:
            fwd = _FORWARD_BY_INT.get(d.fwd_method, "")
            tun = f"{tunnel_info(d):<13} " if fmt.tun_info else ""
            out.append(f"  -> {dname:<28} {fwd:<7} {tun}{_signed(d.weight):<6} "
                       f"{d.activeconns:<10} {d.inactconns:<10}")
    return "".join(line + "\n" for line in out)


def version_line(version: int, size: int) -> str:
    """``IP Virtual Server version 1.2.1 (size=4096)``."""
    major, minor, patch = version >> 16, (version >> 8) & 0xFF, version & 0xFF
    return f"IP Virtual Server version {major}.{minor}.{patch} (size={size})\n"


def format_services(
    services: list[ServiceView], fmt: ListFormat, resolver: Resolver,
    info: tuple[int, int] | None = None,
) -> str:
    """``-L``: the version line (when ``info`` is given, i.e. whole table), titles, services."""
    names = Names(resolver, fmt.numeric)
    if not fmt.nosort:
        services = sort_services(services)
    head = version_line(*info) if info is not None else ""
    return head + title(fmt) + "".join(service_lines(s, fmt, names) for s in services)


def _expire(seconds: float) -> str:
    s = max(0, int(seconds))
    return f"{s // 60:02d}:{s % 60:02d}"


def format_conns(conns: list[ConnView], resolver: Resolver, numeric: bool,
                 persistent_conn: bool = False) -> str:
    """``-Lc``: the connection table, in the order given (the table's)."""
    names = Names(resolver, numeric)
    if persistent_conn:
        head = printf("pro expire %-11s %-18s %-18s %-18s %-16s %s\n",
            "state", "source", "virtual", "destination", "pe name", "pe_data")
    else:
        head = printf("pro expire %-11s %-18s %-18s %s\n", "state", "source", "virtual",
                                                       "destination")
    out = ["IPVS connection entries\n", head]
    for c in conns:
        proto = PROTO_NAMES.get(c.protocol, "IP")
        pnum = _IPPROTO_BY_NAME.get(proto, 0)
        src = names.addr_port(c.af, c.caddr, c.cport, pnum)
        vip = names.addr_port(c.af, c.vaddr, c.vport, pnum)
        dst = names.addr_port(c.daf, c.daddr, c.dport, pnum)
        if persistent_conn and c.pe_name:
            out.append(printf("%-3s %-6s %-11s %-18s %-18s %-16s %-18s %s\n",
                proto, _expire(c.expires), c.state, src, vip, dst, c.pe_name, c.pe_data))
        else:
            out.append(printf("%-3s %-6s %-11s %-18s %-18s %s\n",
                proto, _expire(c.expires), c.state, src, vip, dst))
    return "".join(out)


def format_timeouts(tcp: int, tcpfin: int, udp: int) -> str:
    """``-L --timeout``."""
    return f"Timeout (tcp tcpfin udp): {tcp} {tcpfin} {udp}\n"


def format_daemons(daemons: Sequence[Mapping[str, Any]]) -> str:
    """``-L --daemon``: one line per running sync daemon, master first.

    Each daemon is a mapping with ``state`` ("master"/"backup"), ``mcast_ifn``,
    ``syncid`` and, when known, ``sync_maxlen``, ``mcast_group``, ``mcast_port``,
    ``mcast_ttl`` (the keys ``Client.start_daemon`` is given).
    """
    order = {"master": 0, "backup": 1}
    out = []
    for d in sorted(daemons, key=lambda d: order.get(str(d.get("state")), 2)):
        line = f"{d.get('state')} sync daemon (mcast={d.get('mcast_ifn')}, syncid={d.get('syncid')}"
        for key, label in (("sync_maxlen", "maxlen"), ("mcast_group", "group"),
                           ("mcast_port", "port"), ("mcast_ttl", "ttl")):
            if d.get(key):
                line += f", {label}={d[key]}"
        out.append(line + ")\n")
    return "".join(out)
