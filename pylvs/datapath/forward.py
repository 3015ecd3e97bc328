"""What the datapath does with a frame once core has given its verdict.

``Forwarder.apply`` maps each :class:`~pylvs.core.meta.Verdict` to an action:

- PASS: nothing (the kernel has its own copy unless nftables dropped it);
- DROP: counted under the verdict's reason;
- FORWARD: the frame for the real server built by the destination's method
  (DR: MACs; NAT: addresses/ports; TUN: encapsulation; ICMP errors about a
  NAT connection rewritten inside too) and sent out the egress interface;
- NAT_OUT: the real server's reply rewritten to come from the VIP, sent to
  the client;
- REJECT: ICMP port unreachable back to the client, the packet dropped.

A transform may refuse (TTL exceeded, too big for the MTU ...): the refusal's
ICMP reply goes back out the ingress interface and the drop is counted under
its reason. Frames whose next hop has no MAC yet wait in the :class:`WaitQueue`.
A TCP super-frame (GRO/GSO: longer than the egress MTU, checksum partial) is
cut into MTU-sized segments first, as the kernel would on output.
"""

from __future__ import annotations

import struct
from collections.abc import Callable

from pylvs.core.constants import AF_INET, IPPROTO_TCP, IPPROTO_UDP, FwdMethod
from pylvs.core.meta import Action, PacketMeta, Verdict
from pylvs.datapath.counters import Counters
from pylvs.datapath.gso import segment_tcp
from pylvs.datapath.neigh import Hop, Resolver, WaitQueue
from pylvs.packet.dr import dr_forward
from pylvs.packet.drop import DropReason
from pylvs.packet.icmp_nat import nat_icmp_in, nat_icmp_out
from pylvs.packet.icmp_reply import port_unreachable
from pylvs.packet.nat import nat_in, nat_out, rewrite_addr_port
from pylvs.packet.parse import Parsed, parse_frame
from pylvs.packet.result import Refusal
from pylvs.packet.tunnel import tun_encap, tunnel_overhead

ZERO_MAC = bytes(6)
ETH_HLEN = 14
V4_TTL = ETH_HLEN + 8  # the TTL and checksum of an IPv4 header right after Ethernet
_TTL_CSUM = struct.Struct("!HH")  # the TTL/protocol word, then the header checksum
V6_HLIM = ETH_HLEN + 7
FORWARD = int(Action.FORWARD)
PASS = int(Action.PASS)
DROP = int(Action.DROP)
NAT_OUT = int(Action.NAT_OUT)
REJECT = int(Action.REJECT)
DROUTE = int(FwdMethod.DROUTE)
MASQ = int(FwdMethod.MASQ)

SendFn = Callable[[int, memoryview | bytes | bytearray], bool]
"""send(ifindex, frame) -> True when the kernel took the frame."""
OfferFn = Callable[[Verdict, PacketMeta, Parsed, float], None]
"""offer(verdict, meta, parsed, now): told of a connection's verdict before it is carried out."""


def outer_daddr(frame: memoryview | bytes | bytearray, p: Parsed) -> bytes:
    """The destination address in the (outer) IP header of a parsed frame."""
    l3 = p.l3_off
    if p.af == AF_INET:
        return bytes(frame[l3 + 16 : l3 + 20])
    return bytes(frame[l3 + 24 : l3 + 40])


class Forwarder:
    """Verdict -> action, with next-hop resolution and the wait queue."""

    def __init__(self, resolver: Resolver, send: SendFn, macs: dict[int, bytes],
                 counters: Counters, rand32: Callable[[], int],
                 waitq: WaitQueue | None = None,
                 on_queued: Callable[[], None] | None = None) -> None:
        self.resolver = resolver
        self.send = send
        self.macs = macs  # ifindex -> this host's MAC on it
        self.counters = counters
        self.rand32 = rand32
        self.waitq = waitq if waitq is not None else WaitQueue()
        self.on_queued = on_queued
        # told of every verdict that names a connection, before it is carried out (the
        # XDP datapath installs the connection's flow there)
        self.offer: OfferFn | None = None

    def apply(self, verdict: Verdict, meta: PacketMeta, frame: memoryview, p: Parsed,
              in_ifindex: int, now: float) -> None:
        """Carry out ``verdict`` for ``frame`` (parsed as ``p``) that came in on ``in_ifindex``."""
        offer = self.offer
        if offer is not None and verdict.conn is not None:
            offer(verdict, meta, p, now)
        action = verdict.action
        if action == FORWARD:
            if (
                verdict.fwd_method == DROUTE
                and p.l3_off == ETH_HLEN
                and p.ttl > 1
                and not p.csum_not_ready
                and not frame.readonly
            ):
                hop = self.resolver.hops.get(verdict.daddr)
                if hop is not None and now < hop.expires and p.ip_len <= hop.mtu:
                    self._dr_in_place(frame, p, hop)
                    return
            elif verdict.fwd_method == MASQ and self._nat_in_place_ok(frame, p, meta):
                hop = self.resolver.hops.get(verdict.daddr)
                if hop is not None and now < hop.expires and p.ip_len <= hop.mtu:
                    self._nat_in_place(frame, p, hop, verdict.daddr, verdict.dport, False)
                    return
            af = verdict.daf or meta.af
            self._forward(verdict, meta, frame, p, in_ifindex, af, verdict.daddr, now)
        elif action == NAT_OUT:
            to = meta.daddr if not meta.related else outer_daddr(frame, p)
            if self._nat_in_place_ok(frame, p, meta):
                hop = self.resolver.hops.get(to)
                if hop is not None and now < hop.expires and p.ip_len <= hop.mtu:
                    self._nat_in_place(frame, p, hop, verdict.vaddr, verdict.vport, True)
                    return
            self._forward(verdict, meta, frame, p, in_ifindex, meta.af, to, now)
        elif action == PASS:
            self.counters.passed += 1
        elif action == DROP:
            self.counters.drop(verdict.reason or "core")
        elif action == REJECT:
            reply = port_unreachable(frame, p, self.rand32)
            if reply is not None:
                self._send_counted(in_ifindex, reply)
            self.counters.drop(verdict.reason or "reject")
        else:
            self.counters.drop("bad-verdict")

    def _dr_in_place(self, frame: memoryview, p: Parsed, hop: Hop) -> None:
        """DR without a copy: the frame as dr_forward builds it (MACs, TTL), sent on."""
        l2 = hop.l2
        if not l2:
            l2 = hop.l2 = hop.mac + self.macs.get(hop.ifindex, ZERO_MAC)
        frame[0:12] = l2
        if p.af == AF_INET:
            # RFC 1624 eqn. 3 for the TTL/protocol word, as packet.common.decrement_ttl
            old, c = _TTL_CSUM.unpack_from(frame, V4_TTL)
            c = (~c & 0xFFFF) + (~old & 0xFFFF)
            c = (c & 0xFFFF) + (c >> 16) + old - 0x100
            _TTL_CSUM.pack_into(frame, V4_TTL, old - 0x100, ~((c & 0xFFFF) + (c >> 16)) & 0xFFFF)
        else:
            frame[V6_HLIM] -= 1
        if self.send(hop.ifindex, frame[: p.end]):
            self.counters.tx += 1
        else:
            self.counters.drop("tx-error")

    @staticmethod
    def _nat_in_place_ok(frame: memoryview, p: Parsed, meta: PacketMeta) -> bool:
        """Whether a NAT rewrite may be done in the received frame (the common case)."""
        return (
            p.l3_off == ETH_HLEN
            and p.ttl > 1
            and (p.proto == IPPROTO_TCP or p.proto == IPPROTO_UDP)
            and p.has_l4
            and not p.is_fragment
            and not p.csum_not_ready
            and not meta.related
            and not frame.readonly
        )

    def _nat_in_place(self, frame: memoryview, p: Parsed, hop: Hop, addr: bytes, port: int,
                      source: bool) -> None:
        """NAT without a copy: the frame as nat_in / nat_out build it, sent on.

        Only for what ``_nat_in_place_ok`` accepts, and a packet that fits the
        egress MTU (nothing to refuse): MACs, TTL, address, port, checksums.
        """
        l2 = hop.l2
        if not l2:
            l2 = hop.l2 = hop.mac + self.macs.get(hop.ifindex, ZERO_MAC)
        frame[0:12] = l2
        end = p.end
        pkt = frame[ETH_HLEN:end]
        if p.af == AF_INET:
            pkt[8] -= 1  # the header checksum is recomputed with the new address
        else:
            pkt[7] -= 1
        rewrite_addr_port(pkt, p.af, p.l4_off - ETH_HLEN, p.proto, addr,
                          port, source)
        if self.send(hop.ifindex, frame[:end]):
            self.counters.tx += 1
        else:
            self.counters.drop("tx-error")

    def _forward(self, verdict: Verdict, meta: PacketMeta, frame: memoryview, p: Parsed,
                 in_ifindex: int, af: int, to: bytes, now: float) -> None:
        hop = self.resolver.lookup(af, to, now)
        if hop is None:
            eg = self.resolver.egress(af, to, now)
            if eg is None:
                self.counters.drop("no-route")
                return
            ifindex, dst_mac, src, mtu = eg.ifindex, ZERO_MAC, eg.src, eg.mtu
        else:
            if (
                verdict.fwd_method == DROUTE
                and verdict.action == FORWARD
                and p.l3_off == ETH_HLEN
                and p.ttl > 1
                and not p.csum_not_ready
                and p.ip_len <= hop.mtu
                and not frame.readonly
            ):
                self._dr_in_place(frame, p, hop)
                return
            ifindex, dst_mac, src, mtu = hop.ifindex, hop.mac, hop.src, hop.mtu
        src_mac = self.macs.get(ifindex, ZERO_MAC)
        if p.csum_not_ready and mtu and p.ip_len > mtu:
            self._forward_segments(verdict, meta, frame, p, in_ifindex, hop, ifindex, to,
                                   (dst_mac, src_mac, src, mtu), now)
            return
        out = self._build(verdict, meta, frame, p, dst_mac, src_mac, src, mtu)
        self._emit(out, hop, ifindex, to, in_ifindex, now)

    def _forward_segments(self, verdict: Verdict, meta: PacketMeta, frame: memoryview,
                          p: Parsed, in_ifindex: int, hop: Hop | None, ifindex: int, to: bytes,
                          link: tuple[bytes, bytes, bytes, int], now: float) -> None:
        """A GRO/GSO super-frame: cut it to the MTU (less any tunnel overhead), forward each."""
        dst_mac, src_mac, src, mtu = link
        room = mtu
        if verdict.action == Action.FORWARD and verdict.fwd_method == FwdMethod.TUNNEL:
            room -= tunnel_overhead(verdict.daf or meta.af, verdict.tun_type, verdict.tun_flags)
        segments = segment_tcp(frame, p, room)
        if segments is None:
            self.counters.drop("oversize")
            return
        for seg in segments:
            sp = parse_frame(seg)
            if isinstance(sp, DropReason):
                self.counters.drop(sp.value)
                continue
            sp.meta = meta
            out = self._build(verdict, meta, memoryview(seg), sp, dst_mac, src_mac, src, mtu)
            self._emit(out, hop, ifindex, to, in_ifindex, now)

    def _emit(self, out: bytes | Refusal | None, hop: Hop | None, ifindex: int, to: bytes,
              in_ifindex: int, now: float) -> None:
        if out is None:
            self.counters.drop("fwd-method-unsupported")
            return
        if isinstance(out, Refusal):
            if out.reply is not None:
                self._send_counted(in_ifindex, out.reply)
            self.counters.drop(out.reason.value)
            return
        if hop is not None:
            self._send_counted(ifindex, out)
        elif self.waitq.add(to, out, now):
            self.counters.queued += 1
            if self.on_queued is not None:
                self.on_queued()
        else:
            self.counters.drop("neigh-queue-full")

    def _build(self, verdict: Verdict, meta: PacketMeta, frame: memoryview, p: Parsed,
               dst_mac: bytes, src_mac: bytes, src: bytes, mtu: int) -> bytes | Refusal | None:
        rand32 = self.rand32
        if verdict.action == Action.NAT_OUT:
            if meta.related:
                return nat_icmp_out(frame, p, verdict.vaddr, verdict.vport, dst_mac, src_mac,
                                    mtu=mtu, rand32=rand32)
            return nat_out(frame, p, verdict.vaddr, verdict.vport, dst_mac, src_mac,
                           mtu=mtu, rand32=rand32)
        method = verdict.fwd_method
        if method == FwdMethod.DROUTE:
            return dr_forward(frame, p, dst_mac, src_mac, mtu=mtu, rand32=rand32)
        if method == FwdMethod.MASQ:
            if meta.related:
                return nat_icmp_in(frame, p, verdict.daddr, verdict.dport, dst_mac, src_mac,
                                   mtu=mtu, rand32=rand32)
            return nat_in(frame, p, verdict.daddr, verdict.dport, dst_mac, src_mac,
                          mtu=mtu, rand32=rand32)
        if method == FwdMethod.TUNNEL:
            if not src:
                return None
            return tun_encap(frame, p, verdict.daf or meta.af, src, verdict.daddr, dst_mac,
                             src_mac, mtu=mtu, tun_type=verdict.tun_type,
                             tun_port=verdict.tun_port, tun_flags=verdict.tun_flags,
                             rand32=rand32)
        return None

    def _send_counted(self, ifindex: int, frame: bytes | bytearray | memoryview) -> None:
        if self.send(ifindex, frame):
            self.counters.tx += 1
        else:
            self.counters.drop("tx-error")

    # -- the wait queue ------------------------------------------------------

    def service_queue(self, af_of: Callable[[bytes], int], now: float) -> None:
        """Send the frames whose neighbour got resolved; drop those that waited too long."""
        for addr in self.waitq.waiting_for():
            hop: Hop | None = self.resolver.refresh(af_of(addr), addr, now)
            if hop is None:
                continue
            src_mac = self.macs.get(hop.ifindex, ZERO_MAC)
            for frame in self.waitq.release(addr):
                self._send_counted(hop.ifindex, hop.mac + src_mac + frame[12:])
        dropped = self.waitq.expire(now)
        if dropped:
            self.counters.drop("neigh-timeout", dropped)
