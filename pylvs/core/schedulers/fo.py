"""fo: weighted failover (ip_vs_fo.c)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pylvs.core.constants import DEST_F_OVERLOAD
from pylvs.core.schedulers.base import Rand32, Scheduler

if TYPE_CHECKING:
    from pylvs.core.meta import PacketMeta
    from pylvs.core.model import Dest, Service


class WeightedFailover(Scheduler):
    """The usable dest with the highest weight; the first one on ties."""

    name = "fo"

    def schedule(self, svc: Service, pkt: PacketMeta, now: float, rand32: Rand32) -> Dest | None:
        best: Dest | None = None
        hw = 0
        for d in svc.dests:
            if d.weight > hw and not d.flags & DEST_F_OVERLOAD:
                best, hw = d, d.weight
        return best
