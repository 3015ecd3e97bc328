/* Constants of the pylvs XDP fast path, with their units. */
#ifndef PYLVS_XDP_CONSTANTS_H
#define PYLVS_XDP_CONSTANTS_H

#define ETH_HLEN_BYTES 14          /* bytes of an untagged Ethernet header */
#define ETH_P_IPV4 0x0800          /* EtherType, host order */
#define ETH_P_IPV6_ 0x86DD         /* EtherType, host order */
#define IPV4_HLEN_BYTES 20         /* bytes of an IPv4 header without options */
#define IPV6_HLEN_BYTES 40         /* bytes of the fixed IPv6 header */
#define TCP_MIN_HLEN_BYTES 20      /* bytes of a TCP header without options */
#define UDP_HLEN_BYTES 8           /* bytes of a UDP header */
#define IPV4_MF_OFFSET_MASK 0x3FFF /* MF flag + fragment offset (8-byte units), host order */
#define IPV4_DF 0x4000             /* don't-fragment flag in frag_off, host order */
#define IPV4_IHL_MIN 5             /* IHL in 4-byte words of an option-less header */
#define IPV6_MIN_MTU_BYTES 1280    /* smallest IPv6 link MTU */
#define IPV4_MIN_MTU_BYTES 68      /* smallest IPv4 link MTU */
#define INET_ECN_MASK 0x03         /* ECN bits of TOS / traffic class */
#define INET_ECN_CE 0x03           /* congestion experienced */
#define INET_ECN_ECT0 0x02         /* ECN-capable transport (0) */
#define PROTO_IPIP 4               /* IPv4 in IP (IPPROTO_IPIP) */
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_IPV6 41              /* IPv6 in IP (IPPROTO_IPV6) */
#define AF_INET_ 2                 /* the kernel's address family numbers */
#define AF_INET6_ 10

#define TCPF_BYTE_FIN 0x01          /* bits of the TCP flags byte */
#define TCPF_BYTE_SYN 0x02
#define TCPF_BYTE_RST 0x04
#define TCPF_BYTE_ACK 0x10

#define MAX_FLOWS 65536            /* entries of the flow map (connections x directions) */

/* flow_value.action: what a hit does */
#define FLOW_DR 1                  /* direct routing: new MACs, TTL - 1 */
#define FLOW_NAT_IN 2              /* client -> real server: daddr:dport rewritten */
#define FLOW_NAT_OUT 3             /* real server -> client: saddr:sport rewritten */
#define FLOW_TUN 4                 /* IPIP / IPv6-in-IPv6 encapsulation to new_addr */

/* flow_value.flags */
#define FLOW_F_OUT 0x1             /* the packets of this flow count as outgoing (NAT reply) */
#define FLOW_F_PMTU_DISC 0x2       /* tunnel: copy DF and check the MTU (ip_vs pmtu_disc) */
#define FLOW_F_OWN_STATE 0x4       /* TCP: the connection's only flow; FIN/ACK moves its state */

/* stat_counters indexes: why packets went where */
#define STAT_FORWARDED 0           /* forwarded by the fast path */
#define STAT_MISS 1                /* no flow: passed up */
#define STAT_STATE 2               /* SYN/RST, or a state change Python makes: passed up */
#define STAT_UNHANDLED 3           /* not parsed here (options, fragments, TTL, MTU...): passed up */
#define STAT_NOT_IP 4              /* not IPv4/IPv6 TCP/UDP: passed up */
#define STAT_COUNT 5

#endif
