"""The weighted least-connection choice shared by wlc, lblc and lblcr."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from pylvs.core.constants import DEST_F_OVERLOAD

if TYPE_CHECKING:
    from pylvs.core.model import Dest


def weighted_least(dests: Iterable[Dest]) -> Dest | None:
    """The dest with the least overhead per weight (ip_vs_wlc's two-stage walk).

    The first dest that is not overloaded and has weight > 0 starts as the
    best; a later non-overloaded dest replaces it only when strictly better
    (``overhead(best) * w(d) > overhead(d) * w(best)``), so ties keep the
    earlier one and a weight-0 dest can never win.
    """
    it = iter(dests)
    least: Dest | None = None
    for d in it:
        if d.weight > 0 and not d.flags & DEST_F_OVERLOAD:
            least = d
            break
    if least is None:
        return None
    loh = (least.activeconns << 8) + least.inactconns
    lw = least.weight
    for d in it:
        if d.flags & DEST_F_OVERLOAD:
            continue
        doh = (d.activeconns << 8) + d.inactconns
        if loh * d.weight > doh * lw:
            least, loh, lw = d, doh, d.weight
    return least
