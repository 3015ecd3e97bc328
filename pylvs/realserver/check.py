"""``pylvs realserver check``: is this host ready to serve a VIP behind an LVS-DR director?"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from enum import Enum

from pylvs.realserver import tunnel
from pylvs.realserver.network import HostNetwork, IPAddress, Link
from pylvs.realserver.sysctl import ARP_ANNOUNCE, ARP_IGNORE, SysctlKey, Sysctls

#: An address outside any lab or local network, used only for a route lookup (no traffic).
_FAR_AWAY = ipaddress.ip_address("198.51.100.1")


class Level(Enum):
    """How much a finding matters: only problems make the host not ready."""

    OK = "ok"
    WARNING = "warning"
    PROBLEM = "problem"


@dataclass(frozen=True, slots=True)
class Finding:
    """One observation about the host, in plain words."""

    level: Level
    text: str


def check(vips: list[IPAddress], sysctls: Sysctls | None = None,
          mode: str = "dr") -> list[Finding]:
    """Inspect this namespace for LVS-DR (or, with ``mode="tun"``, LVS-TUN) readiness."""
    sysctls = sysctls or Sysctls()
    found: list[Finding] = []
    with HostNetwork() as net:
        links = {link.name: link for link in net.links()}
        addrs = net.addresses()
        found += _check_lo(links)
        for vip in vips:
            found += _check_vip(vip, [a.interface for a in addrs if a.address == vip])
        if any(vip.version == 6 for vip in vips):
            found.append(Finding(
                Level.OK,
                "IPv6: neighbour discovery never answers for an address held on lo from "
                "another interface, so an IPv6 VIP needs no suppression",
            ))
        if any(vip.version == 4 for vip in vips):
            ifaces = [n for n in sysctls.interfaces() if n != "lo" and n in links]
            found += _check_arp(vips, ifaces, sysctls)
            found += _check_rp_filter(ifaces, links, sysctls, net)
        if mode == "tun":
            found += _check_tunnel(vips, links, sysctls)
    return found


def _check_tunnel(vips: list[IPAddress], links: dict[str, Link],
                  sysctls: Sysctls) -> list[Finding]:
    """A TUN real server decapsulates: kernel tunnel devices up, or the BPF program."""
    with_program = [name for name, link in links.items()
                    if link.up and name != "lo" and tunnel.attached(name)]
    if with_program:
        found = [Finding(Level.OK, "the BPF decapsulation program is at tc ingress of "
                         + ", ".join(with_program))]
        for name in with_program:
            if sysctls.has(name) and sysctls.effective(name, "rp_filter") == 1:
                found.append(Finding(
                    Level.PROBLEM,
                    f"rp_filter is strict (1) on {name}: decapsulated packets from clients "
                    f"routed out of another interface are dropped; set "
                    f"net.ipv4.conf.{name}.rp_filter=2 (pylvs realserver setup --mode tun)"))
        return found
    needed = [tunnel.FALLBACK_DEVICES[v] for v in tunnel.versions(vips)]
    missing = [dev for _, dev in needed if dev not in links or not links[dev].up]
    if not missing:
        found = [Finding(Level.OK, "tunnel packets are decapsulated by the kernel's "
                         + ", ".join(dev for _, dev in needed))]
        if "tunl0" in links and sysctls.has("tunl0") and (
                sysctls.effective("tunl0", "rp_filter") != 0):
            found.append(Finding(
                Level.PROBLEM,
                "rp_filter is on for tunl0: packets decapsulated there are dropped "
                "(set net.ipv4.conf.all.rp_filter=0 and net.ipv4.conf.tunl0.rp_filter=0)"))
        return found
    return [Finding(
        Level.PROBLEM,
        "nothing decapsulates the director's tunnel packets: no "
        + " or ".join(missing) + " device is up and no BPF decapsulation program is "
        "attached (fix: pylvs realserver setup --mode tun --vip ...)")]


def ready(findings: list[Finding]) -> bool:
    """True when no finding is a problem."""
    return all(f.level is not Level.PROBLEM for f in findings)


def _check_lo(links: dict[str, Link]) -> list[Finding]:
    lo = links.get("lo")
    if lo is None or not lo.up:
        return [Finding(Level.PROBLEM, "lo is down: a VIP on lo is not usable until lo is up")]
    return []


def _check_vip(vip: IPAddress, holders: list[str]) -> list[Finding]:
    found = []
    if "lo" in holders:
        found.append(Finding(Level.OK, f"VIP {vip} is on lo"))
    else:
        found.append(
            Finding(
                Level.PROBLEM,
                f"VIP {vip} is missing from lo: packets the director forwards to this host for "
                f"{vip} are not accepted as local and are dropped "
                f"(fix: pylvs realserver setup --vip {vip})",
            )
        )
    for other in holders:
        if other != "lo":
            found.append(
                Finding(
                    Level.PROBLEM,
                    f"VIP {vip} is also on {other}: this host answers ARP for it there and "
                    f"steals the VIP from the director; keep it on lo only",
                )
            )
    return found


def _check_arp(vips: list[IPAddress], ifaces: list[str], sysctls: Sysctls) -> list[Finding]:
    v4 = ", ".join(str(v) for v in vips if v.version == 4)
    found = []
    for iface in ifaces:
        ignore = sysctls.effective(iface, "arp_ignore")
        if ignore < ARP_IGNORE:
            found.append(
                Finding(
                    Level.PROBLEM,
                    f"ARP not suppressed on {iface}: arp_ignore is {ignore} (needs {ARP_IGNORE}), "
                    f"so this host answers ARP requests for {v4} held on lo; the client's "
                    f"router then sends the VIP's traffic here, and this real server steals "
                    f"the VIP from the director",
                )
            )
        announce = sysctls.effective(iface, "arp_announce")
        if announce < ARP_ANNOUNCE:
            found.append(
                Finding(
                    Level.PROBLEM,
                    f"ARP announcements not restricted on {iface}: arp_announce is {announce} "
                    f"(needs {ARP_ANNOUNCE}), so this host may put {v4} in the ARP requests it "
                    f"sends, and neighbours learn this host's MAC for the VIP (stealing it "
                    f"from the director)",
                )
            )
    if not any(f.level is Level.PROBLEM for f in found):
        where = ", ".join(ifaces) or "every interface (there is none besides lo yet)"
        found.append(Finding(Level.OK, f"ARP for {v4} is suppressed on {where}"))
    for name in ("arp_ignore", "arp_announce"):
        value = sysctls.get(SysctlKey("default", name))
        need = ARP_IGNORE if name == "arp_ignore" else ARP_ANNOUNCE
        if value < need and sysctls.get(SysctlKey("all", name)) < need:
            found.append(
                Finding(
                    Level.WARNING,
                    f"net.ipv4.conf.default.{name} is {value}: interfaces created from now on "
                    f"will not suppress ARP for the VIP",
                )
            )
    return found


def _check_rp_filter(
    ifaces: list[str], links: dict[str, Link], sysctls: Sysctls, net: HostNetwork
) -> list[Finding]:
    found = []
    out = net.route_interface(_FAR_AWAY)
    for iface in ifaces:
        if not links[iface].up:
            continue
        mode = sysctls.effective(iface, "rp_filter")
        if mode == 1 and out not in (None, iface):
            found.append(
                Finding(
                    Level.WARNING,
                    f"rp_filter is strict (1) on {iface} but the default route leaves by {out}: "
                    f"requests the director forwards in on {iface} from clients routed back "
                    f"via {out} are dropped; set net.ipv4.conf.{iface}.rp_filter=2 (loose)",
                )
            )
    return found
