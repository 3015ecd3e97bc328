"""sed: shortest expected delay (ip_vs_sed.c)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pylvs.core.constants import DEST_F_OVERLOAD
from pylvs.core.schedulers.base import Rand32, Scheduler

if TYPE_CHECKING:
    from pylvs.core.meta import PacketMeta
    from pylvs.core.model import Dest, Service


class ShortestExpectedDelay(Scheduler):
    """As wlc, with the expected delay (activeconns + 1) / weight as the load."""

    name = "sed"

    def schedule(self, svc: Service, pkt: PacketMeta, now: float, rand32: Rand32) -> Dest | None:
        it = iter(svc.dests)
        least: Dest | None = None
        for d in it:
            if d.weight > 0 and not d.flags & DEST_F_OVERLOAD:
                least = d
                break
        if least is None:
            return None
        loh = least.activeconns + 1
        lw = least.weight
        for d in it:
            if d.flags & DEST_F_OVERLOAD:
                continue
            doh = d.activeconns + 1
            if loh * d.weight > doh * lw:
                least, loh, lw = d, doh, d.weight
        return least
