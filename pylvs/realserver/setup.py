"""``pylvs realserver setup`` and ``teardown``: do the seed's real-server steps, and undo them.

Setup records what it changed (addresses and routes it added, the sysctl values it replaced,
files it wrote) in a small JSON file per network namespace, so teardown undoes exactly that.
"""

from __future__ import annotations

import ipaddress
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pylvs.realserver import persist, tunnel
from pylvs.realserver.errors import RealServerError
from pylvs.realserver.network import HostNetwork, IPAddress, host_prefixlen
from pylvs.realserver.sysctl import SysctlKey, Sysctls, arp_settings

DEFAULT_STATE_DIR = Path("/run/pylvs/realserver")
SUPPORTED_MODES = ("dr", "tun")

#: ``rp_filter=2``: loose reverse-path filtering, what a TUN real server's receiving
#: interfaces need (strict filtering drops decapsulated packets whose source is routed
#: out of another interface).
RP_FILTER_LOOSE = 2


def check_mode(mode: str) -> None:
    """Refuse forwarding methods the real-server tools do not prepare."""
    if mode == "nat":
        raise RealServerError(
            "a NAT real server needs no setup here: no VIP and no ARP suppression, only its "
            "default route via the director (ip route replace default via DIRECTOR_ADDRESS)"
        )
    if mode not in SUPPORTED_MODES:
        raise RealServerError(f"unknown mode {mode!r}: use --mode dr or --mode tun")


def record_path(state_dir: Path) -> Path:
    """Where this network namespace's setup record lives (one per namespace)."""
    try:
        netns = os.stat("/proc/self/ns/net").st_ino
    except OSError as exc:
        raise RealServerError(f"cannot identify this network namespace: {exc}") from exc
    return state_dir / f"netns-{netns}.json"


@dataclass
class SetupRecord:
    """What setup changed, so that teardown can undo exactly that."""

    vips: list[str] = field(default_factory=list)
    added_addresses: list[tuple[str, str, int]] = field(default_factory=list)
    added_routes: list[tuple[str, str]] = field(default_factory=list)
    previous_sysctls: dict[str, int] = field(default_factory=dict)
    persisted: dict[str, str | None] = field(default_factory=dict)
    brought_up: list[str] = field(default_factory=list)
    tun_kind: str = ""  # "kernel" (ipip/ip6tnl devices) or "bpf" (tc ingress program)
    tun_interfaces: list[str] = field(default_factory=list)  # where the program sits
    tun_clsact: list[str] = field(default_factory=list)  # clsact qdiscs setup added

    @classmethod
    def load(cls, path: Path) -> SetupRecord | None:
        """The record at ``path``, or None if there is none."""
        try:
            raw: dict[str, Any] = json.loads(path.read_text())
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise RealServerError(f"cannot read the setup record {path}: {exc}") from exc
        return cls(
            vips=list(raw["vips"]),
            added_addresses=[(d, a, int(p)) for d, a, p in raw["added_addresses"]],
            added_routes=[(a, d) for a, d in raw["added_routes"]],
            previous_sysctls={k: int(v) for k, v in raw["previous_sysctls"].items()},
            persisted=dict(raw["persisted"]),
            brought_up=list(raw.get("brought_up", [])),
            tun_kind=str(raw.get("tun_kind", "")),
            tun_interfaces=list(raw.get("tun_interfaces", [])),
            tun_clsact=list(raw.get("tun_clsact", [])),
        )

    def save(self, path: Path) -> None:
        """Write the record atomically."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(self.__dict__, indent=2) + "\n")
            tmp.replace(path)
        except OSError as exc:
            raise RealServerError(f"cannot write the setup record {path}: {exc}") from exc


def _sysctl_key(dotted: str) -> SysctlKey:
    _, _, _, scope, name = dotted.split(".", 4)
    return SysctlKey(scope, name)


def setup(
    vips: list[IPAddress],
    *,
    mode: str = "dr",
    state_dir: Path = DEFAULT_STATE_DIR,
    persist_root: Path | None = None,
    sysctls: Sysctls | None = None,
    interfaces: list[str] | None = None,
) -> list[str]:
    """Put each VIP on ``lo``, suppress ARP for it, add the seed's host route.

    With ``mode="tun"`` also make the host decapsulate the director's tunnel packets (see
    :mod:`pylvs.realserver.tunnel`) received on ``interfaces`` (default: every interface
    that is up, but ``lo``), with loose rp_filter there.
    Idempotent: what is already in place is left alone. Returns one line per change made.
    """
    if not vips:
        raise RealServerError("give at least one --vip")
    check_mode(mode)
    if mode == "tun" and persist_root is not None:
        raise RealServerError("--persist is not available with --mode tun yet: the tunnel "
                              "decapsulation is not restored at boot; run setup at boot instead")
    sysctls = sysctls or Sysctls()
    path = record_path(state_dir)
    record = SetupRecord.load(path) or SetupRecord()
    done: list[str] = []
    if mode == "tun" and interfaces:
        with HostNetwork() as net:
            names = {link.name for link in net.links()}
        missing = [name for name in interfaces if name not in names]
        if missing:
            raise RealServerError(f"there is no interface {', '.join(missing)} here")
    try:
        with HostNetwork() as net:
            if not any(link.name == "lo" and link.up for link in net.links()):
                net.set_up("lo")
                record.brought_up.append("lo")
                done.append("brought lo up")
            if any(vip.version == 4 for vip in vips):
                for key, value in arp_settings().items():
                    current = sysctls.get(key)
                    if current != value:
                        record.previous_sysctls.setdefault(key.dotted, current)
                        sysctls.set(key, value)
                        done.append(f"set {key.dotted} = {value} (was {current})")
            present = {(a.interface, a.address) for a in net.addresses()}
            for vip in vips:
                if str(vip) not in record.vips:
                    record.vips.append(str(vip))
                plen = host_prefixlen(vip)
                if ("lo", vip) not in present:
                    net.add_address("lo", vip, plen)
                    record.added_addresses.append(("lo", str(vip), plen))
                    done.append(f"added {vip}/{plen} to lo")
                if vip.version == 4 and net.host_route_interface(vip) is None:
                    net.add_host_route(vip, "lo")
                    record.added_routes.append((str(vip), "lo"))
                    done.append(f"added host route {vip} dev lo")
            if mode == "tun":
                done += _setup_tunnel(record, net, sysctls, state_dir, interfaces)
        if persist_root is not None:
            all_vips = [_vip(v) for v in record.vips]
            written = persist.write(persist_root, all_vips)
            for name, text in written.items():
                record.persisted.setdefault(name, text)
            done.append(f"wrote {', '.join(written)}")
    finally:
        record.save(path)
    return done


def _vip(text: str) -> IPAddress:
    return ipaddress.ip_address(text)


def _set_sysctl(record: SetupRecord, sysctls: Sysctls, key: SysctlKey, value: int) -> str:
    current = sysctls.get(key)
    record.previous_sysctls.setdefault(key.dotted, current)
    sysctls.set(key, value)
    return f"set {key.dotted} = {value} (was {current})"


def _setup_tunnel(record: SetupRecord, net: HostNetwork, sysctls: Sysctls, state_dir: Path,
                  interfaces: list[str] | None) -> list[str]:
    """Make this host decapsulate tunnel packets for ``record.vips``."""
    vips = [_vip(v) for v in record.vips]
    done: list[str] = []
    kinds = [tunnel.FALLBACK_DEVICES[version] for version in tunnel.versions(vips)]
    if record.tun_kind != "bpf" and all(tunnel.kernel_has_tunnel(k) for k, _ in kinds):
        record.tun_kind = "kernel"
        up = {link.name for link in net.links() if link.up}
        for kind, device in kinds:
            if device not in up:
                net.set_up(device)
                record.brought_up.append(device)
                done.append(f"brought the kernel's {kind} device {device} up")
            if kind == "ipip" and sysctls.effective(device, "rp_filter") != 0:
                for scope in ("all", device):
                    if sysctls.get(SysctlKey(scope, "rp_filter")) != 0:
                        done.append(_set_sysctl(record, sysctls, SysctlKey(scope, "rp_filter"), 0))
        done.append("decapsulation: the kernel's " + " and ".join(
            f"{kind} device {device}" for kind, device in kinds))
        return done
    links = [link for link in net.links() if link.name != "lo"]
    chosen = list(interfaces) if interfaces else [link.name for link in links if link.up]
    if not chosen:
        raise RealServerError("no interface is up to receive the director's tunnel packets")
    obj = tunnel.compile_program(vips, state_dir / record_path(state_dir).stem)
    record.tun_kind = "bpf"
    for name in chosen:
        if tunnel.attach(name, obj) and name not in record.tun_clsact:
            record.tun_clsact.append(name)
        if name not in record.tun_interfaces:
            record.tun_interfaces.append(name)
        if sysctls.has(name) and sysctls.effective(name, "rp_filter") == 1:
            done.append(_set_sysctl(record, sysctls, SysctlKey(name, "rp_filter"),
                                    RP_FILTER_LOOSE))
    done.append(
        "decapsulation: this kernel has no ipip/ip6tnl devices, so a BPF program strips the "
        f"tunnel header of packets to {', '.join(str(v) for v in vips)} at tc ingress of "
        f"{', '.join(chosen)}"
    )
    return done


def _teardown_tunnel(record: SetupRecord) -> tuple[list[str], list[str]]:
    done: list[str] = []
    failures: list[str] = []
    for name in record.tun_interfaces:
        if not Path(f"/sys/class/net/{name}").exists():
            continue  # the interface is gone, and its qdiscs with it
        try:
            if name in record.tun_clsact:
                tunnel.remove_clsact(name)
                done.append(f"removed the decapsulation program and clsact qdisc of {name}")
            elif tunnel.detach_program(name):
                done.append(f"removed the decapsulation program of {name}")
        except RealServerError as exc:
            failures.append(str(exc))
    return done, failures


def teardown(*, state_dir: Path = DEFAULT_STATE_DIR, sysctls: Sysctls | None = None) -> list[str]:
    """Undo exactly what :func:`setup` did in this namespace. Returns one line per undo."""
    sysctls = sysctls or Sysctls()
    path = record_path(state_dir)
    record = SetupRecord.load(path)
    if record is None:
        raise RealServerError(
            f"nothing to undo: no setup record at {path} "
            "(pylvs realserver setup was not run in this network namespace)"
        )
    done, failures = _teardown_tunnel(record)
    with HostNetwork() as net:
        routes = {(str(a), "lo") for a in record.vips if net.host_route_interface(_vip(a))}
        for addr, dev in reversed(record.added_routes):
            if (addr, dev) in routes:
                try:
                    net.del_host_route(_vip(addr), dev)
                    done.append(f"removed host route {addr} dev {dev}")
                except RealServerError as exc:
                    failures.append(str(exc))
        present = {(a.interface, str(a.address)) for a in net.addresses()}
        for dev, addr, plen in reversed(record.added_addresses):
            if (dev, addr) in present:
                try:
                    net.del_address(dev, _vip(addr), plen)
                    done.append(f"removed {addr}/{plen} from {dev}")
                except RealServerError as exc:
                    failures.append(str(exc))
        for name in record.brought_up:
            try:
                net.set_down(name)
                done.append(f"set {name} down again")
            except RealServerError as exc:
                failures.append(str(exc))
    for dotted, value in record.previous_sysctls.items():
        try:
            sysctls.set(_sysctl_key(dotted), value)
            done.append(f"restored {dotted} = {value}")
        except RealServerError as exc:
            failures.append(str(exc))
    if record.tun_kind == "bpf":
        shutil.rmtree(state_dir / path.stem, ignore_errors=True)
    failures += persist.remove(record.persisted)
    done += [f"removed {name}" for name, text in record.persisted.items() if text is None]
    if failures:
        raise RealServerError("teardown incomplete: " + "; ".join(failures))
    path.unlink(missing_ok=True)
    return done
