"""nq: never queue (ip_vs_nq.c)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pylvs.core.constants import DEST_F_OVERLOAD
from pylvs.core.schedulers.base import Rand32, Scheduler

if TYPE_CHECKING:
    from pylvs.core.meta import PacketMeta
    from pylvs.core.model import Dest, Service


class NeverQueue(Scheduler):
    """The first idle usable dest (no active connection), else sed's choice."""

    name = "nq"

    def schedule(self, svc: Service, pkt: PacketMeta, now: float, rand32: Rand32) -> Dest | None:
        least: Dest | None = None
        loh = lw = 0
        for d in svc.dests:
            if d.flags & DEST_F_OVERLOAD or d.weight == 0:
                continue
            if d.activeconns == 0:
                return d
            doh = d.activeconns + 1
            if least is None or loh * d.weight > doh * lw:
                least, loh, lw = d, doh, d.weight
        return least
