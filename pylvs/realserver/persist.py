"""Files that make a real-server setup survive a reboot: a sysctl.d drop-in and a systemd unit."""

from __future__ import annotations

import shutil
from pathlib import Path

from pylvs.realserver.errors import RealServerError
from pylvs.realserver.network import IPAddress, host_prefixlen
from pylvs.realserver.sysctl import arp_settings

SYSCTL_FILE = Path("etc/sysctl.d/60-pylvs-realserver.conf")
UNIT_NAME = "pylvs-realserver.service"
UNIT_FILE = Path("etc/systemd/system") / UNIT_NAME
UNIT_LINK = Path("etc/systemd/system/multi-user.target.wants") / UNIT_NAME


def _ip_command() -> str:
    return shutil.which("ip") or "/usr/sbin/ip"


def sysctl_text() -> str:
    """The drop-in with the seed's six ARP settings."""
    lines = ["# LVS-DR real server: never answer or announce ARP for a VIP held on lo (pylvs)"]
    lines += [f"{key.dotted} = {value}" for key, value in arp_settings().items()]
    return "\n".join(lines) + "\n"


def unit_text(vips: list[IPAddress]) -> str:
    """A oneshot unit that puts the VIPs on ``lo`` (and the IPv4 host routes) at boot."""
    ip = _ip_command()
    start, stop = [], []
    for vip in vips:
        prefix = f"{vip}/{host_prefixlen(vip)}"
        start.append(f"ExecStart={ip} addr replace {prefix} dev lo")
        if vip.version == 4:
            start.append(f"ExecStart={ip} route replace {prefix} dev lo scope link")
            stop.append(f"ExecStop=-{ip} route del {prefix} dev lo")
        stop.append(f"ExecStop=-{ip} addr del {prefix} dev lo")
    return "\n".join(
        [
            "[Unit]",
            "Description=pylvs LVS-DR real server: VIPs on lo",
            "After=systemd-sysctl.service",
            "Before=network.target",
            "",
            "[Service]",
            "Type=oneshot",
            "RemainAfterExit=yes",
            *start,
            *stop,
            "",
            "[Install]",
            "WantedBy=multi-user.target",
            "",
        ]
    )


def write(root: Path, vips: list[IPAddress]) -> dict[str, str | None]:
    """Write the drop-in and the enabled unit under ``root``.

    Returns each written path with the text it replaced (None where the file was new),
    so that :func:`remove` can put things back.
    """
    previous: dict[str, str | None] = {}
    wanted = {SYSCTL_FILE: sysctl_text(), UNIT_FILE: unit_text(vips)}
    try:
        for rel, text in wanted.items():
            path = root / rel
            previous[str(path)] = path.read_text() if path.exists() else None
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        link = root / UNIT_LINK
        if not link.is_symlink():
            previous[str(link)] = None
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(Path("/") / UNIT_FILE)
    except OSError as exc:
        raise RealServerError(f"cannot write the boot-time files under {root}: {exc}") from exc
    return previous


def remove(previous: dict[str, str | None]) -> list[str]:
    """Undo :func:`write`: restore replaced files, delete new ones. Returns what failed."""
    failures = []
    for name, text in previous.items():
        path = Path(name)
        try:
            if text is None:
                path.unlink(missing_ok=True)
            else:
                path.write_text(text)
        except OSError as exc:
            failures.append(f"cannot restore {path}: {exc}")
    return failures
