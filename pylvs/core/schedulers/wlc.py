"""wlc: weighted least connection, the default scheduler (ip_vs_wlc.c)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pylvs.core.schedulers.base import Rand32, Scheduler
from pylvs.core.schedulers.least import weighted_least

if TYPE_CHECKING:
    from pylvs.core.meta import PacketMeta
    from pylvs.core.model import Dest, Service


class WeightedLeastConnection(Scheduler):
    """The dest with the least overhead per unit of weight."""

    name = "wlc"

    def schedule(self, svc: Service, pkt: PacketMeta, now: float, rand32: Rand32) -> Dest | None:
        return weighted_least(svc.dests)
