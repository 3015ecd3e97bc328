"""lblcr: locality-based least connection with replication (ip_vs_lblcr.c)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pylvs.core.constants import DEST_F_OVERLOAD
from pylvs.core.schedulers.base import Rand32
from pylvs.core.schedulers.least import weighted_least
from pylvs.core.schedulers.locality import LocalityScheduler, heuristically_overloaded

if TYPE_CHECKING:
    from pylvs.core.meta import PacketMeta
    from pylvs.core.model import Dest, Service


class LblcrEntry:
    """A destination address's server set (newest first), its last change and last use."""

    __slots__ = ("dests", "lastmod", "lastuse")

    def __init__(self, dest: Dest, now: float) -> None:
        self.dests: list[Dest] = [dest]
        self.lastmod = now
        self.lastuse = now

    def insert(self, dest: Dest, now: float) -> None:
        """Add ``dest`` at the head of the set unless it is a member already."""
        if any(d is dest for d in self.dests):
            return
        self.dests.insert(0, dest)
        self.lastmod = now

    def least(self) -> Dest | None:
        """The weighted least-connection member (available, not overloaded)."""
        it = iter(self.dests)
        least: Dest | None = None
        for d in it:
            if d.flags & DEST_F_OVERLOAD:
                continue
            if d.weight > 0 and d.available:
                least = d
                break
        if least is None:
            return None
        loh = (least.activeconns << 8) + least.inactconns
        for d in it:
            if d.flags & DEST_F_OVERLOAD:
                continue
            doh = (d.activeconns << 8) + d.inactconns
            if loh * d.weight > doh * least.weight and d.available:
                least, loh = d, doh
        return least

    def most(self) -> Dest | None:
        """The weighted most-connection member among those with weight > 0."""
        it = iter(self.dests)
        most: Dest | None = None
        for d in it:
            if d.weight > 0:
                most = d
                break
        if most is None:
            return None
        moh = (most.activeconns << 8) + most.inactconns
        for d in it:
            doh = (d.activeconns << 8) + d.inactconns
            if moh * d.weight < doh * most.weight and d.weight > 0:
                most, moh = d, doh
        return most


class LocalityLeastConnectionReplicated(LocalityScheduler[LblcrEntry]):
    """Keeps a set of servers per destination address, growing it when its best member is busy.

    A set that has not changed for ``table.expiration`` seconds (the
    ``lblcr_expiration`` sysctl, default 24 h) loses its most loaded member.
    """

    name = "lblcr"

    def schedule(self, svc: Service, pkt: PacketMeta, now: float, rand32: Rand32) -> Dest | None:
        table = self.table
        table.collect(now)
        key = pkt.daddr
        bucket = table.bucket(svc.af, key)
        en = bucket.get(key)
        if en is not None:
            en.lastuse = now
            dest = en.least()
            if len(en.dests) > 1 and now > en.lastmod + table.expiration:
                m = en.most()
                if m is not None:
                    en.dests.remove(m)
                    en.lastmod = now
            if dest is not None and not heuristically_overloaded(dest, svc):
                return dest
            dest = weighted_least(svc.dests)
            if dest is None:
                return None
            en.insert(dest, now)
            return dest
        dest = weighted_least(svc.dests)
        if dest is None:
            return None
        if table.entries <= table.max_size:
            bucket[key] = LblcrEntry(dest, now)
            table.entries += 1
        return dest
