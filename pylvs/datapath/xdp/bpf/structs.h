/* Map keys and values shared with Python (pylvs/datapath/xdp/schema.py mirrors these;
 * tests/xdp/test_schema.py checks every size and offset). Byte order is in the types:
 * __be16 fields are network order, __u* fields host order. */
#ifndef PYLVS_XDP_STRUCTS_H
#define PYLVS_XDP_STRUCTS_H

#include <linux/types.h>

/* One direction of one connection, as the packet carries it. */
struct flow_key {
	__u8 family;      /* AF_INET_ or AF_INET6_ */
	__u8 protocol;    /* PROTO_TCP or PROTO_UDP */
	__u8 pad[2];      /* zero */
	__be16 sport;     /* packet's source port */
	__be16 dport;     /* packet's destination port */
	__u8 saddr[16];   /* packet's source address (IPv4: first 4 bytes, rest zero) */
	__u8 daddr[16];   /* packet's destination address */
};

/* What to do with a packet of the flow (written by Python; the program moves tcp_state
 * of a FLOW_F_OWN_STATE flow). */
struct flow_value {
	__u8 action;          /* FLOW_DR, FLOW_NAT_IN, FLOW_NAT_OUT, FLOW_TUN */
	__u8 tcp_table;       /* IPVS TCP state table: 0 input, 1 output, 2 input-only */
	__u8 tcp_state;       /* the connection's IPVS TCP state */
	__u8 daf;             /* TUN: family of the outer header */
	__u32 egress_ifindex; /* where the frame leaves (ingress: XDP_TX, else redirect) */
	__u8 dst_mac[6];      /* next hop */
	__u8 src_mac[6];      /* this host on the egress interface */
	__be16 new_port;      /* NAT_IN: real server port; NAT_OUT: virtual port */
	__u16 mtu;            /* route MTU in bytes toward the next hop, 0: unchecked */
	__u8 new_addr[16];    /* NAT_IN: real server; NAT_OUT: VIP; TUN: outer destination */
	__u8 tun_saddr[16];   /* TUN: outer source (the director) */
	__u32 flags;          /* FLOW_F_* */
	__u32 stats_slot;     /* the flow's entry in flow_stats (given by Python) */
};

/* What the fast path did for the flow on one CPU (written by the program, summed over
 * the CPUs by Python). */
struct flow_stats {
	__u64 packets;        /* packets forwarded */
	__u64 bytes;          /* their IP lengths summed (as IPVS counts), bytes */
	__u64 last_seen_ns;   /* CLOCK_MONOTONIC of the latest, nanoseconds, at the timer
			       * tick's resolution (CLOCK_MONOTONIC_COARSE: up to one tick,
			       * 1-10 ms, early; IPVS's own timers run on those ticks) */
};

#endif
