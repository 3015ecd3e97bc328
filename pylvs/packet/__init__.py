"""Pure packet parsing and rewriting: bytes in, bytes out, no I/O.

- ``parse.parse_frame`` -> ``Parsed`` (with the core's ``PacketMeta``) or a ``DropReason``
- ``dr.dr_forward``, ``nat.nat_in`` / ``nat.nat_out``, ``icmp_nat.nat_icmp_in`` /
  ``icmp_nat.nat_icmp_out``, ``tunnel.tun_encap`` -> the frame to send, or a
  ``result.Refusal`` (reason + optional ICMP error frame for the sender)
- ``icmp_reply.port_unreachable`` / ``time_exceeded`` / ``too_big`` -> ICMP error frames
- ``fragment.fragment_ipv4`` splits an oversized non-DF frame for the egress MTU
- ``checksum`` (RFC 1071/1624, offload completion), ``sctp.crc32c``
"""
