"""The IPVS table of one director: services, destinations and their control operations.

Each operation validates everything before it changes anything, and raises
:class:`IPVSError` with the errno the kernel returns, so a failed operation
leaves the table exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from pylvs.core.conn import Conn, ConnTable
from pylvs.core.constants import (
    AF_INET,
    AF_INET6,
    CONN_F_DEST_MASK,
    CONN_F_FWD_MASK,
    DEST_F_AVAILABLE,
    DEST_F_OVERLOAD,
    DEST_TRASH_PERIOD,
    IPPROTO_SCTP,
    IPPROTO_TCP,
    IPPROTO_UDP,
    ConnFlag,
    FwdMethod,
    SvcFlag,
    TunType,
)
from pylvs.core.engine import account as _account
from pylvs.core.engine import process_in as _process_in
from pylvs.core.engine import process_out as _process_out
from pylvs.core.errors import EAFNOSUPPORT, EEXIST, EINVAL, ENOENT, ERANGE, ESRCH, IPVSError
from pylvs.core.meta import PacketMeta, Verdict
from pylvs.core.model import Dest, DestSpec, Service, ServiceKey, ServiceSpec, addr_len
from pylvs.core.schedulers import scheduler_class
from pylvs.core.stats import Stats
from pylvs.core.sysctl import Sysctls

PERSISTENCE_ENGINES: Final = frozenset({"sip"})
INT_MAX: Final = (1 << 31) - 1
# plain ints of the flags the control operations combine (IntFlag arithmetic is slow)
_DEST_MASK: Final = int(CONN_F_DEST_MASK)
_INACTIVE: Final = int(ConnFlag.INACTIVE)
_NOOUTPUT: Final = int(ConnFlag.NOOUTPUT)
_MASQ: Final = int(FwdMethod.MASQ)
_SVC_HASHED: Final = int(SvcFlag.HASHED)
TrashKey = tuple[ServiceKey, int, bytes, int]


@dataclass(slots=True)
class Timeouts:
    """The three timeouts ``--set`` changes, in seconds."""

    tcp: int = 900
    tcpfin: int = 120
    udp: int = 300


def _is_unicast(af: int, addr: bytes) -> bool:
    """Whether the kernel accepts ``addr`` as a destination address (unicast or local)."""
    if af == AF_INET:
        first = addr[0]
        return not (addr == b"\0\0\0\0" or addr == b"\xff\xff\xff\xff" or 224 <= first <= 239)
    return not (addr == bytes(16) or addr[0] == 0xFF)


def _trash_key(dest: Dest) -> TrashKey:
    owner = dest.svc
    assert owner is not None  # a trashed destination was linked to a service
    return (owner.key, dest.af, dest.addr, dest.port)


def _index_key(key: ServiceKey) -> tuple[int, int, bytes, int, int]:
    return (key.af, key.protocol, key.addr, key.port, key.fwmark)


def _index4_key(key: ServiceKey) -> int:
    """The ``index4`` key of an IPv4 service without a mark (the packet path builds it too)."""
    return int.from_bytes(key.addr) << 16 | key.port


class IPVS:
    """Services and destinations of one director, with the kernel's control semantics."""

    def __init__(self) -> None:
        self.services: dict[ServiceKey, Service] = {}
        # removed destinations still referenced, oldest first, and by identity for re-adding
        self._trash: dict[Dest, None] = {}
        self._trash_index: dict[TrashKey, list[Dest]] = {}
        self.timeouts = Timeouts()
        self.stats = Stats()
        self.num_ftp_services = 0
        self.num_nullport_services = 0
        # services by (af, protocol, addr, port, fwmark): the per-packet lookup
        self.index: dict[tuple[int, int, bytes, int, int], Service] = {}
        # the IPv4 services without a mark again: protocol -> (addr << 16 | port) -> service
        self.index4: dict[int, dict[int, Service]] = {
            IPPROTO_TCP: {}, IPPROTO_UDP: {}, IPPROTO_SCTP: {}}
        self.conns = ConnTable()
        self.sysctls = Sysctls()
        self.now = 0.0  # the latest time seen by process/expire (control ops use it)

    @property
    def trash(self) -> list[Dest]:
        """Removed destinations waiting until nothing references them, oldest first."""
        return list(self._trash)

    # -- packets and timers ------------------------------------------------

    def process(self, meta: PacketMeta, now: float, rand32: Callable[[], int]) -> Verdict:
        """Process one packet at time ``now`` (seconds); the datapath's single entry point."""
        self.now = now
        if meta.direction:  # Direction.OUT
            return _process_out(self, meta, now)
        return _process_in(self, meta, now, rand32)

    def account(self, conn: Conn, now: float, inpkts: int, inbytes: int,
                outpkts: int = 0, outbytes: int = 0) -> bool:
        """Count packets a flow cache forwarded for ``conn`` and refresh its timer.

        Packets with SYN, FIN or RST must go through :meth:`process` instead. False
        when the entry no longer exists.
        """
        self.now = max(self.now, now)
        return _account(self, conn, now, inpkts, inbytes, outpkts, outbytes)

    def expire(self, now: float) -> None:
        """Run due connection/template timers and expire the destination trash (~1 s)."""
        self.now = now
        self.conns.expire(now)
        self.expire_trash(now)

    def estimate(self) -> None:
        """One rate-estimator tick (every 2 s) on every service, destination and the totals."""
        for svc in self.services.values():
            svc.stats.estimate()
            for d in svc.dests:
                d.stats.estimate()
        self.stats.estimate()

    # -- lookups -----------------------------------------------------------

    def get_service(self, key: ServiceKey) -> Service:
        """The service with that identity; ESRCH when there is none."""
        svc = self.services.get(key)
        if svc is None:
            raise IPVSError(ESRCH)
        return svc

    def lookup_service(
        self, af: int, protocol: int, daddr: bytes, dport: int, fwmark: int = 0
    ) -> Service | None:
        """The service a packet belongs to, in the kernel's lookup order."""
        index = self.index
        if fwmark:
            svc = index.get((af, 0, b"", 0, fwmark))
            if svc is not None:
                return svc
        svc = index.get((af, protocol, daddr, dport, 0))
        if svc is not None:
            return svc
        if self.num_ftp_services and protocol == 6 and (dport == 20 or dport >= 1024):
            svc = index.get((af, protocol, daddr, 21, 0))
            if svc is not None:
                return svc
        if self.num_nullport_services:
            return index.get((af, protocol, daddr, 0, 0))
        return None

    # -- services ----------------------------------------------------------

    @staticmethod
    def _check_service_spec(spec: ServiceSpec) -> None:
        if spec.af not in (AF_INET, AF_INET6):
            raise IPVSError(EAFNOSUPPORT)
        if scheduler_class(spec.sched_name) is None:
            raise IPVSError(ENOENT, f"scheduler {spec.sched_name!r} not found")
        if spec.pe_name and spec.pe_name not in PERSISTENCE_ENGINES:
            raise IPVSError(ENOENT, f"persistence engine {spec.pe_name!r} not found")
        if spec.af == AF_INET6 and not 1 <= spec.netmask <= 128:
            raise IPVSError(EINVAL, "IPv6 netmask must be 1..128")
        if not spec.fwmark and len(spec.addr) != addr_len(spec.af):
            raise IPVSError(EINVAL, "address length does not match the family")

    def _count_special(self, svc: Service, delta: int) -> None:
        if svc.fwmark:
            return
        if svc.port == 21:
            self.num_ftp_services += delta
        elif svc.port == 0:
            self.num_nullport_services += delta

    def add_service(self, spec: ServiceSpec) -> Service:
        """Add a virtual service (``-A``)."""
        key = spec.key()
        if key in self.services:
            raise IPVSError(EEXIST)
        self._check_service_spec(spec)
        svc = Service(
            key=key,
            af=spec.af,
            protocol=0 if spec.fwmark else spec.protocol,
            addr=b"" if spec.fwmark else spec.addr,
            port=0 if spec.fwmark else spec.port,
            fwmark=spec.fwmark,
            sched_name=spec.sched_name,
            flags=int(spec.flags) | _SVC_HASHED,
            timeout=spec.timeout,
            netmask=spec.netmask,
            pe_name=spec.pe_name,
        )
        sched = scheduler_class(spec.sched_name)
        assert sched is not None
        svc.scheduler = sched(svc)
        self.services[key] = svc
        self.index[_index_key(key)] = svc
        if key.af == AF_INET and not key.fwmark:
            self.index4.setdefault(key.protocol, {})[_index4_key(key)] = svc
        self._count_special(svc, 1)
        return svc

    def edit_service(self, spec: ServiceSpec) -> Service:
        """Replace a service's scheduler, flags, timeout, netmask and PE (``-E``)."""
        svc = self.get_service(spec.key())
        self._check_service_spec(spec)
        if spec.sched_name != svc.sched_name:
            sched = scheduler_class(spec.sched_name)
            assert sched is not None
            if svc.scheduler is not None:
                svc.scheduler.done_service(svc)
            svc.sched_name = spec.sched_name
            svc.scheduler = sched(svc)
        svc.flags = int(spec.flags) | _SVC_HASHED
        svc.timeout = spec.timeout
        svc.netmask = spec.netmask
        svc.pe_name = spec.pe_name
        return svc

    def del_service(self, key: ServiceKey) -> None:
        """Delete a service and unlink its destinations (``-D``)."""
        svc = self.get_service(key)
        self._remove_service(svc)
        self._expire_nodest_conns()

    def _remove_service(self, svc: Service) -> None:
        for dest in list(svc.dests):
            self._unlink_dest(svc, dest, notify=False)
        if svc.scheduler is not None:
            svc.scheduler.done_service(svc)
        del self.services[svc.key]
        del self.index[_index_key(svc.key)]
        if svc.af == AF_INET and not svc.fwmark:
            del self.index4[svc.protocol][_index4_key(svc.key)]
        self._count_special(svc, -1)

    def flush(self) -> None:
        """Delete every service (``-C``)."""
        for svc in list(self.services.values()):
            self._remove_service(svc)
        self._expire_nodest_conns()

    def zero(self, key: ServiceKey | None = None) -> None:
        """Zero the counters of one service and its dests, or of everything (``-Z``)."""
        if key is not None:
            svc = self.get_service(key)
            svc.stats.zero()
            for d in svc.dests:
                d.stats.zero()
            return
        for svc in self.services.values():
            svc.stats.zero()
            for d in svc.dests:
                d.stats.zero()
        self.stats.zero()

    # -- destinations ------------------------------------------------------

    def _check_dest_spec(self, svc: Service, spec: DestSpec) -> None:
        if spec.af not in (AF_INET, AF_INET6):
            raise IPVSError(EAFNOSUPPORT)
        if spec.af != svc.af and spec.conn_flags & CONN_F_FWD_MASK != FwdMethod.TUNNEL:
            raise IPVSError(EINVAL, "mixed address families need tunnelling")
        if spec.weight < 0:
            raise IPVSError(ERANGE, "weight less than zero")
        if spec.l_threshold > spec.u_threshold:
            raise IPVSError(ERANGE, "lower threshold is higher than upper threshold")
        if spec.tun_type == TunType.GUE and spec.tun_port == 0:
            raise IPVSError(EINVAL, "tunnel port is zero")
        if len(spec.addr) != addr_len(spec.af):
            raise IPVSError(EINVAL, "address length does not match the family")

    def add_dest(self, key: ServiceKey, spec: DestSpec) -> Dest:
        """Add a destination at the head of the service's list (``-a``)."""
        svc = self.get_service(key)
        self._check_dest_spec(svc, spec)
        if svc.find_dest(spec.af, spec.addr, spec.port) is not None:
            raise IPVSError(EEXIST)
        dest = self._trash_get(svc, spec)
        if dest is None:
            if not _is_unicast(spec.af, spec.addr):
                raise IPVSError(EINVAL, "destination address is not unicast")
            dest = Dest(spec.af, spec.addr, spec.port)
        else:
            self._trash_remove(dest)
            dest.trash_since = None
        self._update_dest(svc, dest, spec, add=True)
        svc.dests.insert(0, dest)
        if svc.scheduler is not None:
            svc.scheduler.add_dest(svc, dest)
        return dest

    def edit_dest(self, key: ServiceKey, spec: DestSpec) -> Dest:
        """Replace a destination's method, weight, thresholds and tunnel options (``-e``)."""
        svc = self.get_service(key)
        self._check_dest_spec(svc, spec)
        dest = svc.find_dest(spec.af, spec.addr, spec.port)
        if dest is None:
            raise IPVSError(ENOENT)
        self._update_dest(svc, dest, spec, add=False)
        if svc.scheduler is not None:
            svc.scheduler.upd_dest(svc, dest)
        return dest

    def del_dest(self, key: ServiceKey, af: int, addr: bytes, port: int) -> None:
        """Delete a destination (``-d``); it waits in the trash while referenced."""
        svc = self.get_service(key)
        dest = svc.find_dest(af, addr, port)
        if dest is None:
            raise IPVSError(ENOENT)
        self._unlink_dest(svc, dest, notify=True)
        self._expire_nodest_conns()

    def _expire_nodest_conns(self) -> None:
        """With expire_nodest_conn, entries of removed destinations go at once."""
        if self.sysctls.expire_nodest_conn:
            self.conns.flush_dest_conns(self.now)

    def _update_dest(self, svc: Service, dest: Dest, spec: DestSpec, add: bool) -> None:
        if add or spec.weight != 0:
            dest.last_weight = spec.weight
        dest.weight = spec.weight
        conn_flags = (int(spec.conn_flags) & _DEST_MASK) | _INACTIVE
        if conn_flags & CONN_F_FWD_MASK != _MASQ:
            conn_flags |= _NOOUTPUT
        dest.conn_flags = conn_flags  # plain ints: the packet path tests these bits
        dest.tun_type = spec.tun_type
        dest.tun_port = spec.tun_port
        dest.tun_flags = spec.tun_flags
        if dest.svc is not svc:
            if dest.svc is not None:
                dest.stats.zero()
            dest.svc = svc
        flags = int(dest.flags) | DEST_F_AVAILABLE
        if spec.u_threshold == 0 or spec.u_threshold > dest.u_threshold:
            flags &= ~DEST_F_OVERLOAD
        dest.flags = flags
        dest.u_threshold = spec.u_threshold
        dest.l_threshold = spec.l_threshold

    def _unlink_dest(self, svc: Service, dest: Dest, notify: bool) -> None:
        index = svc.dests.index(dest)
        del svc.dests[index]
        dest.flags = int(dest.flags) & ~DEST_F_AVAILABLE
        if notify and svc.scheduler is not None:
            svc.scheduler.del_dest(svc, dest, index)
        self._trash[dest] = None
        self._trash_index.setdefault(_trash_key(dest), []).append(dest)

    def _trash_get(self, svc: Service, spec: DestSpec) -> Dest | None:
        """The oldest trashed destination of that service with that address and port."""
        found = self._trash_index.get((svc.key, spec.af, spec.addr, spec.port))
        return found[0] if found else None

    def _trash_remove(self, dest: Dest) -> None:
        del self._trash[dest]
        key = _trash_key(dest)
        same = self._trash_index[key]
        same.remove(dest)
        if not same:
            del self._trash_index[key]

    def expire_trash(self, now: float) -> None:
        """Drop trashed destinations unreferenced for DEST_TRASH_PERIOD seconds."""
        gone: list[Dest] = []
        for dest in self._trash:
            if dest.refcnt > 0:
                dest.trash_since = None
            elif dest.trash_since is None:
                dest.trash_since = now
            elif now - dest.trash_since >= DEST_TRASH_PERIOD:
                gone.append(dest)
        for dest in gone:
            self._trash_remove(dest)

    # -- timeouts ----------------------------------------------------------

    def set_timeouts(self, tcp: int, tcpfin: int, udp: int) -> None:
        """``--set tcp tcpfin udp``: a 0 keeps the current value."""
        for v in (tcp, tcpfin, udp):
            if v < 0 or v > INT_MAX:
                raise IPVSError(EINVAL)
        if tcp:
            self.timeouts.tcp = tcp
        if tcpfin:
            self.timeouts.tcpfin = tcpfin
        if udp:
            self.timeouts.udp = udp
