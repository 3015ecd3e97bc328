"""Netlink notifications that make the datapath's cached routes and link facts stale.

A NETLINK_ROUTE socket subscribed to link, address, route and rule changes
(IPv4 and IPv6). The datapath reads it on its loop; any notification, or a
lost one (the socket's queue overflowed), means "forget what was cached".
"""

from __future__ import annotations

import contextlib
import socket
import struct

NETLINK_ROUTE = 0
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP = 1
RTNLGRP_LINK = 1
RTNLGRP_IPV4_IFADDR = 5
RTNLGRP_IPV4_ROUTE = 7
RTNLGRP_IPV4_RULE = 8
RTNLGRP_IPV6_IFADDR = 9
RTNLGRP_IPV6_ROUTE = 11
RTNLGRP_IPV6_RULE = 19
GROUPS = (RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV4_RULE,
          RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV6_ROUTE, RTNLGRP_IPV6_RULE)

RTM_NEWLINK, RTM_DELLINK = 16, 17
RTM_NEWADDR, RTM_DELADDR = 20, 21
RTM_NEWROUTE, RTM_DELROUTE = 24, 25
RTM_NEWRULE, RTM_DELRULE = 32, 33
STALE_TYPES = frozenset({RTM_NEWLINK, RTM_DELLINK, RTM_NEWADDR, RTM_DELADDR, RTM_NEWROUTE,
                         RTM_DELROUTE, RTM_NEWRULE, RTM_DELRULE})
NLMSGHDR = struct.Struct("=IHHII")  # length, type, flags, sequence, port
MAX_READS = 64  # datagrams read per wakeup (the rest wait for the next one)


def stale_message(data: bytes) -> bool:
    """Whether a netlink datagram holds a link, address, route or rule notification."""
    off = 0
    while off + NLMSGHDR.size <= len(data):
        length, mtype = NLMSGHDR.unpack_from(data, off)[:2]
        if mtype in STALE_TYPES:
            return True
        if length < NLMSGHDR.size:
            break
        off += (length + 3) & ~3
    return False


class NetEvents:
    """A non-blocking netlink socket that reports routing changes in this namespace."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
        try:
            self.sock.setblocking(False)
            self.sock.bind((0, 0))
            for group in GROUPS:
                self.sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group)
        except BaseException:
            self.sock.close()
            raise

    def fileno(self) -> int:
        """The socket's descriptor (to watch for readability)."""
        return self.sock.fileno()

    def changed(self) -> bool:
        """Read what is pending; True when routes, links, addresses or rules may have changed."""
        stale = False
        for _ in range(MAX_READS):
            try:
                data = self.sock.recv(65536)
            except (BlockingIOError, InterruptedError):
                break
            except OSError:  # ENOBUFS: notifications were lost
                stale = True
                continue
            if not data:
                break
            stale = stale or stale_message(data)
        return stale

    def close(self) -> None:
        """Close the socket."""
        with contextlib.suppress(OSError):
            self.sock.close()
