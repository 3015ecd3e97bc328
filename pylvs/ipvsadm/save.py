"""``ipvsadm -S [-n]``: the table as the commands that rebuild it."""

from __future__ import annotations

from pylvs.core.constants import (
    AF_INET6,
    IPPROTO_SCTP,
    IPPROTO_TCP,
    IPPROTO_UDP,
    FwdMethod,
    SvcFlag,
    TunType,
)
from pylvs.core.views import DestView, ServiceView
from pylvs.ipvsadm.listing import Names, int32, mask_text, sched_flag_names, sort_services
from pylvs.ipvsadm.resolve import Resolver, SystemResolver

_SERVICE_SWITCH = {IPPROTO_TCP: "-t", IPPROTO_UDP: "-u", IPPROTO_SCTP: "--sctp-service"}
_CSUM_OPTIONS = ("--tun-nocsum", "--tun-csum", "--tun-remcsum")


def _service_arg(svc: ServiceView, names: Names) -> str:
    if svc.fwmark:
        return f"-f {int32(svc.fwmark)}" + (" -6" if svc.af == AF_INET6 else "")
    switch = _SERVICE_SWITCH.get(svc.protocol, "--xxx-service")
    return f"{switch} {names.addr_port(svc.af, svc.addr, svc.port, svc.protocol)}"


def _dest_options(d: DestView) -> str:
    if d.fwd_method == FwdMethod.MASQ:
        fwd = "-m"
    elif d.fwd_method == FwdMethod.TUNNEL:
        fwd = "-i"
    else:
        fwd = "-g"
    text = f"{fwd} -w {int32(d.weight)}"
    if d.fwd_method == FwdMethod.TUNNEL:
        csum = _CSUM_OPTIONS[d.tun_flags] if 0 <= d.tun_flags < 3 else ""
        if d.tun_type == TunType.GUE:
            text += f" --tun-type gue --tun-port {d.tun_port} {csum}"
        elif d.tun_type == TunType.GRE:
            text += f" --tun-type gre {csum}"
        else:
            text += " --tun-type ipip"
    return text


def format_save(
    services: list[ServiceView], numeric: bool = True, resolver: Resolver | None = None
) -> str:
    """Exactly what ``ipvsadm -S`` (``-S -n`` when ``numeric``) prints for ``services``."""
    names = Names(resolver or SystemResolver(), numeric)
    out: list[str] = []
    for svc in sort_services(services):
        svc_arg = _service_arg(svc, names)
        line = f"-A {svc_arg} -s {svc.sched_name}"
        if svc.flags & SvcFlag.PERSISTENT:
            line += f" -p {svc.timeout}"
            mask = mask_text(svc)
            if mask is not None:
                line += f" -M {mask}"
        if svc.pe_name:
            line += f" --pe {svc.pe_name}"
        if svc.flags & SvcFlag.ONEPACKET:
            line += " -o"
        if svc.flags & (SvcFlag.SCHED1 | SvcFlag.SCHED2 | SvcFlag.SCHED3):
            line += f" -b {','.join(sched_flag_names(svc))}"
        out.append(line)
        for d in svc.dests:
            dname = names.addr_port(d.af, d.addr, d.port, svc.protocol)
            out.append(f"-a {svc_arg} -r {dname} {_dest_options(d)}")
    return "".join(line + "\n" for line in out)
