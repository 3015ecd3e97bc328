"""Reading and writing the IPv4 ARP sysctls through ``/proc/sys`` (per network namespace)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pylvs.realserver.errors import RealServerError

#: The interfaces whose ARP behaviour the seed sets: every one, new ones, and ``lo``.
ARP_SCOPES = ("all", "default", "lo")

#: ``arp_ignore=1``: answer an ARP request only if the target address is on the receiving
#: interface, so a VIP on ``lo`` is never answered on ``eth0``.
ARP_IGNORE = 1

#: ``arp_announce=2``: always use the best local address of the outgoing interface as the
#: ARP source, so the VIP on ``lo`` is never announced.
ARP_ANNOUNCE = 2


@dataclass(frozen=True, slots=True)
class SysctlKey:
    """One ``net.ipv4.conf.<scope>.<name>`` setting."""

    scope: str
    name: str

    @property
    def dotted(self) -> str:
        """The name as ``sysctl`` and ``/etc/sysctl.d`` spell it."""
        return f"net.ipv4.conf.{self.scope}.{self.name}"


def arp_settings() -> dict[SysctlKey, int]:
    """The six settings the seed writes to ``sysctl.conf``, with their values."""
    wanted: dict[SysctlKey, int] = {}
    for scope in ARP_SCOPES:
        wanted[SysctlKey(scope, "arp_ignore")] = ARP_IGNORE
    for scope in ARP_SCOPES:
        wanted[SysctlKey(scope, "arp_announce")] = ARP_ANNOUNCE
    return wanted


class Sysctls:
    """The ``net.ipv4.conf`` tree of the current network namespace (or of a copy, for tests)."""

    def __init__(self, proc_sys: Path = Path("/proc/sys")) -> None:
        self.root = proc_sys / "net" / "ipv4" / "conf"

    def _path(self, key: SysctlKey) -> Path:
        return self.root / key.scope / key.name

    def has(self, scope: str) -> bool:
        """Whether ``scope`` (an interface, ``all`` or ``default``) exists."""
        return (self.root / scope).is_dir()

    def interfaces(self) -> list[str]:
        """The interfaces the kernel keeps IPv4 settings for (no ``all``/``default``)."""
        if not self.root.is_dir():
            raise RealServerError(f"{self.root} does not exist: is IPv4 available here?")
        return sorted(p.name for p in self.root.iterdir() if p.name not in ("all", "default"))

    def get(self, key: SysctlKey) -> int:
        """The current value of ``key``."""
        try:
            return int(self._path(key).read_text().strip())
        except (OSError, ValueError) as exc:
            raise RealServerError(f"cannot read {key.dotted}: {exc}") from exc

    def set(self, key: SysctlKey, value: int) -> None:
        """Write ``value`` to ``key``."""
        try:
            self._path(key).write_text(f"{value}\n")
        except OSError as exc:
            raise RealServerError(f"cannot set {key.dotted}={value}: {exc}") from exc

    def effective(self, interface: str, name: str) -> int:
        """What the kernel applies on ``interface``: the larger of ``all`` and the interface's.

        This holds for ``arp_ignore``, ``arp_announce`` and ``rp_filter``.
        """
        return max(self.get(SysctlKey("all", name)), self.get(SysctlKey(interface, name)))
