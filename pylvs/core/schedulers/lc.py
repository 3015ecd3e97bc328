"""lc: least connection (ip_vs_lc.c)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pylvs.core.constants import DEST_F_OVERLOAD
from pylvs.core.schedulers.base import Rand32, Scheduler

if TYPE_CHECKING:
    from pylvs.core.meta import PacketMeta
    from pylvs.core.model import Dest, Service


class LeastConnection(Scheduler):
    """The usable dest with the smallest overhead (active*256 + inactive); first wins ties."""

    name = "lc"

    def schedule(self, svc: Service, pkt: PacketMeta, now: float, rand32: Rand32) -> Dest | None:
        least: Dest | None = None
        loh = 0
        for d in svc.dests:
            if d.flags & DEST_F_OVERLOAD or d.weight == 0:
                continue
            doh = (d.activeconns << 8) + d.inactconns
            if least is None or doh < loh:
                least, loh = d, doh
        return least
