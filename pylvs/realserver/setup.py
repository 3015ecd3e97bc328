"""``pylvs realserver setup`` and ``teardown``: do the seed's real-server steps, and undo them.

Setup records what it changed (addresses and routes it added, the sysctl values it replaced,
files it wrote) in a small JSON file per network namespace, so teardown undoes exactly that.
"""

from __future__ import annotations

import ipaddress
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pylvs.realserver import persist
from pylvs.realserver.errors import RealServerError
from pylvs.realserver.network import HostNetwork, IPAddress, host_prefixlen
from pylvs.realserver.sysctl import SysctlKey, Sysctls, arp_settings

DEFAULT_STATE_DIR = Path("/run/pylvs/realserver")
SUPPORTED_MODES = ("dr",)


def check_mode(mode: str) -> None:
    """Refuse forwarding methods the real-server tools do not prepare yet."""
    if mode == "tun":
        raise RealServerError(
            "--mode tun is not supported yet: a TUN real server also needs an ipip/ip6tnl "
            "tunnel device and rp_filter off on it; use --mode dr"
        )
    if mode not in SUPPORTED_MODES:
        raise RealServerError(f"unknown mode {mode!r}: use --mode dr")


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
    state_dir: Path = DEFAULT_STATE_DIR,
    persist_root: Path | None = None,
    sysctls: Sysctls | None = None,
) -> list[str]:
    """Put each VIP on ``lo``, suppress ARP for it, add the seed's host route.

    Idempotent: what is already in place is left alone. Returns one line per change made.
    """
    if not vips:
        raise RealServerError("give at least one --vip")
    sysctls = sysctls or Sysctls()
    path = record_path(state_dir)
    record = SetupRecord.load(path) or SetupRecord()
    done: list[str] = []
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
    done: list[str] = []
    failures: list[str] = []
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
    failures += persist.remove(record.persisted)
    done += [f"removed {name}" for name, text in record.persisted.items() if text is None]
    if failures:
        raise RealServerError("teardown incomplete: " + "; ".join(failures))
    path.unlink(missing_ok=True)
    return done
