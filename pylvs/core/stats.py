"""Traffic counters and the kernel's rate estimator (ip_vs_est.c).

Counters are 64-bit and only grow; ``zero()`` records a zero point instead of
clearing them, exactly as ``ipvsadm -Z`` does in the kernel. The estimator is
advanced by ``estimate()`` every ``ESTIMATOR_PERIOD`` seconds by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

ESTIMATOR_PERIOD: Final = 2.0  # seconds between two estimator ticks, as the kernel's
_U64: Final = (1 << 64) - 1


@dataclass(slots=True)
class Rates:
    """Rates as ``ipvsadm --rate`` shows them (per second)."""

    cps: int = 0
    inpps: int = 0
    outpps: int = 0
    inbps: int = 0
    outbps: int = 0


@dataclass(slots=True)
class Counters:
    """One snapshot of the five IPVS counters."""

    conns: int = 0
    inpkts: int = 0
    outpkts: int = 0
    inbytes: int = 0
    outbytes: int = 0


class Stats:
    """Counters and estimator state of a service, a destination or the totals."""

    __slots__ = (
        "_avg",
        "_last",
        "_zero",
        "conns",
        "inbytes",
        "inpkts",
        "outbytes",
        "outpkts",
    )

    def __init__(self) -> None:
        self.conns = 0
        self.inpkts = 0
        self.outpkts = 0
        self.inbytes = 0
        self.outbytes = 0
        self._zero = (0, 0, 0, 0, 0)
        self._last = (0, 0, 0, 0, 0)
        self._avg = [0, 0, 0, 0, 0]

    def _raw(self) -> tuple[int, int, int, int, int]:
        return (self.conns, self.inpkts, self.outpkts, self.inbytes, self.outbytes)

    def counters(self) -> Counters:
        """The user-visible counters: raw minus the zero point, modulo 2**64."""
        z = self._zero
        return Counters((self.conns - z[0]) & _U64, (self.inpkts - z[1]) & _U64,
                        (self.outpkts - z[2]) & _U64, (self.inbytes - z[3]) & _U64,
                        (self.outbytes - z[4]) & _U64)

    def estimate(self) -> None:
        """One estimator tick (every 2 s): EWMA of the deltas, weight 1/4."""
        raw = self._raw()
        for i in range(5):
            delta = raw[i] - self._last[i]
            scaled = delta << 9 if i < 3 else delta << 4
            self._avg[i] += (scaled - self._avg[i]) >> 2
        self._last = raw

    def rates(self) -> Rates:
        """Current rates, rounded as the kernel exports them."""
        a = self._avg
        return Rates(
            cps=max(0, (a[0] + 0x1FF) >> 10),
            inpps=max(0, (a[1] + 0x1FF) >> 10),
            outpps=max(0, (a[2] + 0x1FF) >> 10),
            inbps=max(0, (a[3] + 0xF) >> 5),
            outbps=max(0, (a[4] + 0xF) >> 5),
        )

    def zero(self) -> None:
        """Make the counters read 0 from now on and reset the estimator."""
        raw = self._raw()
        self._zero = raw
        self._last = raw
        self._avg = [0, 0, 0, 0, 0]
