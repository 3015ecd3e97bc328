"""The per-service locality table shared by lblc and lblcr (keyed by destination IP).

The kernel keeps 1024 hash buckets of entries (at most 16 x 1024 entries
created) and a garbage-collection timer firing every 60 s; here the timer's
runs are caught up lazily, at the ``now`` of the next ``schedule`` call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Generic, Protocol, TypeVar

from pylvs.core.schedulers.base import Scheduler
from pylvs.core.schedulers.hashing import fold_addr, hash_32

if TYPE_CHECKING:
    from pylvs.core.model import Dest, Service

TAB_BITS: Final = 10
TAB_SIZE: Final = 1 << TAB_BITS
TAB_MASK: Final = TAB_SIZE - 1
MAX_ENTRIES: Final = TAB_SIZE * 16
CHECK_EXPIRE_INTERVAL: Final = 60.0  # seconds between garbage-collection runs
ENTRY_TIMEOUT: Final = 6 * 60.0  # unused this long: collectable when the table is over full
DEFAULT_EXPIRATION: Final = 24 * 60 * 60.0  # lblc_expiration / lblcr_expiration sysctl default
COUNT_FOR_FULL_EXPIRATION: Final = 30  # every 30th run is a full expiration check
MAX_CATCH_UP: Final = 2 * COUNT_FOR_FULL_EXPIRATION + 4  # ticks run at most per collect()


class Entry(Protocol):
    """What the table needs of an entry: when it was last used."""

    lastuse: float


E = TypeVar("E", bound=Entry)


def heuristically_overloaded(dest: Dest, svc: Service) -> bool:
    """lblc's own test: more active conns than weight while some dest is under half load."""
    if dest.activeconns > dest.weight:
        for d in svc.dests:
            if d.activeconns * 2 < d.weight:
                return True
    return False


class LocalityTable(Generic[E]):
    """Entries by destination address in 1024 buckets, with the kernel's collection rules."""

    def __init__(self) -> None:
        self.buckets: list[dict[bytes, E]] = [{} for _ in range(TAB_SIZE)]
        # the kernel's entry counter: replacing an lblc entry does not decrement it
        self.entries = 0
        self.max_size = MAX_ENTRIES
        self.rover = 0
        self.counter = 1
        self.expiration = DEFAULT_EXPIRATION
        self.next_check: float | None = None
        self.max_catch_up = MAX_CATCH_UP  # ticks one collect() runs at most

    def bucket(self, af: int, addr: bytes) -> dict[bytes, E]:
        """The bucket that holds (or would hold) the entry for ``addr``."""
        return self.buckets[hash_32(fold_addr(af, addr), TAB_BITS)]

    def __len__(self) -> int:
        return sum(len(b) for b in self.buckets)

    def collect(self, now: float) -> None:
        """Run the garbage-collection ticks that fell due up to ``now``.

        After a long idle time only the last ``max_catch_up`` ticks run (at least
        two full checks among them); the skipped ones advance the full-check
        counter. Entries only age while idle, so the later full checks remove
        all the skipped ones would have.
        """
        if self.next_check is None:
            self.next_check = now + CHECK_EXPIRE_INTERVAL  # the timer starts with the first use
            return
        pending = int((now - self.next_check) // CHECK_EXPIRE_INTERVAL) + 1
        if pending > self.max_catch_up:
            skip = pending - self.max_catch_up
            self.counter = (self.counter - 1 + skip) % COUNT_FOR_FULL_EXPIRATION + 1
            self.next_check += skip * CHECK_EXPIRE_INTERVAL
        while now >= self.next_check:
            self._check_expire(self.next_check)
            self.next_check += CHECK_EXPIRE_INTERVAL

    def _sweep(self, j: int, now: float, timeout: float) -> int:
        bucket = self.buckets[j]
        stale = [k for k, en in bucket.items() if now >= en.lastuse + timeout]
        for k in stale:
            del bucket[k]
        self.entries -= len(stale)
        return len(stale)

    def _check_expire(self, now: float) -> None:
        if self.counter % COUNT_FOR_FULL_EXPIRATION == 0:
            j = self.rover
            for _ in range(TAB_SIZE):
                j = (j + 1) & TAB_MASK
                self._sweep(j, now, self.expiration)
            self.rover = j
            self.counter = 1
            return
        if self.entries <= self.max_size:
            self.counter += 1
            return
        goal = min((self.entries - self.max_size) * 4 // 3, self.max_size // 2)
        j = self.rover
        for _ in range(TAB_SIZE):
            j = (j + 1) & TAB_MASK
            goal -= self._sweep(j, now, ENTRY_TIMEOUT)
            if goal <= 0:
                break
        self.rover = j


class LocalityScheduler(Scheduler, Generic[E]):
    """The part lblc and lblcr share: a locality table per service.

    (Their ``schedule`` looks the table up inline: it runs for every new connection.)
    """

    def __init__(self, svc: Service) -> None:
        self.table: LocalityTable[E] = LocalityTable()

    def done_service(self, svc: Service) -> None:
        self.table = LocalityTable()
