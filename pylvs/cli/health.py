"""``pylvs health``: services, real servers, health, weights, connections and rates.

``pylvs status`` prints the same table when pylvsd runs with ``--config``
(:func:`print_health_table`). Also ``pylvs director reload`` (:func:`reload_command`):
re-read the daemon's configuration and apply only the difference.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from pylvs.config.addresses import addr_port_text
from pylvs.control.client import Client
from pylvs.core.constants import AF_INET6, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP, FwdMethod
from pylvs.core.views import ServiceView

_PROTO = {IPPROTO_TCP: "TCP", IPPROTO_UDP: "UDP", IPPROTO_SCTP: "SCTP"}
_FWD: dict[int, str] = {FwdMethod.MASQ: "NAT", FwdMethod.DROUTE: "DR", FwdMethod.TUNNEL: "TUN",
        FwdMethod.LOCALNODE: "local"}
COLUMNS = ("SERVICE", "SCHED", "REAL SERVER", "FWD", "HEALTH", "WEIGHT", "ACTIVE", "INACT",
           "CONNS", "CPS", "INPPS", "OUTPPS", "REASON")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``pylvs health``."""
    p = subparsers.add_parser(
        "health", help="services, real servers, health, weights, connections and rates",
        description="A table of the running director: every service and real server with "
        "its health (when pylvsd runs with --config), weight, connections and rates.",
    )
    p.add_argument("--socket", metavar="PATH", default=None,
                   help="control socket (default: $PYLVS_SOCKET or /run/pylvs/pylvsd.sock)")
    p.add_argument("--json", action="store_true", help="print the raw health data as JSON")
    p.set_defaults(func=health_command)


def service_label(svc: ServiceView) -> str:
    """``TCP 198.18.0.150:80`` / ``FWM 1`` as the health data names services."""
    if svc.fwmark:
        return f"FWM {svc.fwmark}" + (" IPv6" if svc.af == AF_INET6 else "")
    return f"{_PROTO.get(svc.protocol, str(svc.protocol))} " + addr_port_text(
        svc.af, svc.addr, svc.port)


def status_rows(services: list[ServiceView], health: dict[str, Any]) -> list[tuple[str, ...]]:
    """Rows of the status table (without the header)."""
    by_rs: dict[tuple[str, str], dict[str, Any]] = {
        (h["service"], h["real_server"]): h for h in health.get("real_servers", [])
    }
    quorum = health.get("quorum", {})
    rows: list[tuple[str, ...]] = []
    for svc in services:
        label = service_label(svc)
        if label in quorum and not quorum[label]:
            label += " (no quorum)"
        seen = set()
        first = True
        for d in sorted(svc.dests, key=lambda d: (d.addr, d.port)):
            rs = addr_port_text(d.af, d.addr, d.port)
            seen.add(rs)
            h = by_rs.get((service_label(svc), rs))
            state = "-" if h is None else ("up" if h["alive"] else "down")
            if h is not None and h["checkers"] == ["sorry_server"]:
                state = "sorry"
            weight = str(d.weight) if h is None else f"{d.weight}/{h['configured_weight']}"
            reason = "" if h is None else f"{h['reason']} ({h['for_seconds']:g}s)"
            rows.append((
                label if first else "", svc.sched_name if first else "", rs,
                _FWD.get(d.fwd_method, str(d.fwd_method)), state, weight,
                str(d.activeconns), str(d.inactconns), str(d.stats.conns), str(d.rates.cps),
                str(d.rates.inpps), str(d.rates.outpps), reason,
            ))
            first = False
        for (svc_label, rs), h in by_rs.items():
            if svc_label != service_label(svc) or rs in seen:
                continue
            state = "down" if not h["alive"] else "up"
            if h["checkers"] == ["sorry_server"]:
                state = "sorry(off)"
            rows.append((
                label if first else "", svc.sched_name if first else "", rs, "", state,
                f"-/{h['configured_weight']}", "", "", "", "", "", "",
                f"not in table: {h['reason']} ({h['for_seconds']:g}s)",
            ))
            first = False
        if first:
            rows.append((label, svc.sched_name, "(none)", "", "", "", "", "", "", "", "", "",
                         ""))
    return rows


def format_table(rows: list[tuple[str, ...]]) -> str:
    """Columns padded to their widest cell."""
    table = [COLUMNS, *rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(COLUMNS))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in table
    ) + "\n"


def print_health_table(client: Client) -> None:
    """Print the table of services, real servers and their health."""
    health = client.call("health")
    assert isinstance(health, dict)
    sys.stdout.write(format_table(status_rows(client.list_services(), health)))


def health_command(args: argparse.Namespace) -> int:
    """Print the health table (or JSON)."""
    with Client(args.socket) as client:
        summary = client.status()
        health = client.call("health")
        services = client.list_services()
    assert isinstance(health, dict)
    if args.json:
        print(json.dumps({"status": summary, "health": health}, indent=2, sort_keys=True))
        return 0
    source = f"config {health['config']}" if health.get("config") else "rules " + str(
        summary.get("rules"))
    print(f"pylvsd {summary.get('pid')} up {summary.get('uptime')}s, {source}, "
          f"{summary.get('services')} service(s), {summary.get('conns')} connection(s)")
    sys.stdout.write(format_table(status_rows(services, health)))
    return 0


def reload_command(args: argparse.Namespace) -> int:
    """``pylvs director reload``: apply the difference to the new configuration file."""
    with Client(args.socket) as client:
        result = client.call("reload")
    assert isinstance(result, dict)
    if result.get("config"):
        print(f"reloaded {result['config']}: {result['operations']} operation(s), "
              f"{result['services']} service(s)")
        for line in result.get("ignored", []):
            print(f"  {line}")
    else:
        print("reloaded the rules file")
    return 0
