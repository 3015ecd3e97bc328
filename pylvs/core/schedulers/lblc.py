"""lblc: locality-based least connection (ip_vs_lblc.c)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pylvs.core.schedulers.base import Rand32
from pylvs.core.schedulers.least import weighted_least
from pylvs.core.schedulers.locality import LocalityScheduler, heuristically_overloaded

if TYPE_CHECKING:
    from pylvs.core.meta import PacketMeta
    from pylvs.core.model import Dest, Service


class LblcEntry:
    """A destination address's server and when it was last used."""

    __slots__ = ("dest", "lastuse")

    def __init__(self, dest: Dest, lastuse: float) -> None:
        self.dest = dest
        self.lastuse = lastuse


class LocalityLeastConnection(LocalityScheduler[LblcEntry]):
    """Sends a destination address to the server it went to before, while that one copes.

    ``table.expiration`` is the ``lblc_expiration`` sysctl (seconds, default 24 h).
    """

    name = "lblc"

    def schedule(self, svc: Service, pkt: PacketMeta, now: float, rand32: Rand32) -> Dest | None:
        table = self.table
        table.collect(now)
        key = pkt.daddr
        bucket = table.bucket(svc.af, key)
        en = bucket.get(key)
        if en is not None:
            en.lastuse = now
            d = en.dest
            if d.available and d.weight > 0 and not heuristically_overloaded(d, svc):
                return d
        dest = weighted_least(svc.dests)
        if dest is None:
            return None
        if en is not None:
            if en.dest is dest:
                return dest
            del bucket[key]  # replaced: the kernel leaves its entry counter as it was
        if table.entries > table.max_size:
            return dest
        bucket[key] = LblcEntry(dest, now)
        table.entries += 1
        return dest
