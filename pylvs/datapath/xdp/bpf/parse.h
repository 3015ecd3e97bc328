/* Parsing: Ethernet (untagged), IPv4 without options or IPv6 without extension
 * headers, then TCP or UDP. Anything else is not the fast path's to handle. */
#ifndef PYLVS_XDP_PARSE_H
#define PYLVS_XDP_PARSE_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include "constants.h"
#include "csum.h"
#include "structs.h"

/* What parsing found out about a frame. */
struct packet {
	struct flow_key key;  /* the flow the packet belongs to */
	__u16 ip_len;         /* IP total length, bytes (header included) */
	__u8 tcp_flags;       /* TCP: the flags byte; UDP: 0 */
	__u8 ttl;             /* TTL / hop limit as received */
	__u8 df;              /* IPv4: DF set */
	__u8 tos;             /* TOS / traffic class */
};

enum parse_result {
	PARSE_OK = 0,
	PARSE_NOT_IP = 1,      /* not IPv4/IPv6 carrying TCP/UDP */
	PARSE_UNHANDLED = 2,   /* IP the fast path leaves to Python (options, fragments, bad) */
};

static __always_inline int parse_l4(void *l4, void *data_end, __u16 l4_len, struct packet *p)
{
	if (p->key.protocol == PROTO_TCP) {
		struct tcphdr *th = l4;
		if ((void *)(th + 1) > data_end || l4_len < TCP_MIN_HLEN_BYTES)
			return PARSE_UNHANDLED;
		if (th->doff < 5 || (__u16)(th->doff * 4) > l4_len)
			return PARSE_UNHANDLED;
		p->key.sport = th->source;
		p->key.dport = th->dest;
		p->tcp_flags = ((__u8 *)th)[13];
		return PARSE_OK;
	}
	if (p->key.protocol == PROTO_UDP) {
		struct udphdr *uh = l4;
		if ((void *)(uh + 1) > data_end || l4_len < UDP_HLEN_BYTES)
			return PARSE_UNHANDLED;
		__u16 ulen = bpf_ntohs(uh->len);
		if (ulen < UDP_HLEN_BYTES || ulen > l4_len)
			return PARSE_UNHANDLED;
		p->key.sport = uh->source;
		p->key.dport = uh->dest;
		p->tcp_flags = 0;
		return PARSE_OK;
	}
	return PARSE_NOT_IP;
}

static __always_inline int parse_ipv4(void *data, void *data_end, struct packet *p)
{
	struct iphdr *iph = data + ETH_HLEN_BYTES;
	if ((void *)(iph + 1) > data_end)
		return PARSE_UNHANDLED;
	if (iph->version != 4 || iph->ihl != IPV4_IHL_MIN)
		return PARSE_UNHANDLED;
	__u16 tot = bpf_ntohs(iph->tot_len);
	if (tot < IPV4_HLEN_BYTES || data + ETH_HLEN_BYTES + tot > data_end)
		return PARSE_UNHANDLED;
	if (ipv4_header_sum((const __u16 *)iph) != 0xFFFF)
		return PARSE_UNHANDLED;
	__u16 frag = bpf_ntohs(iph->frag_off);
	if (frag & IPV4_MF_OFFSET_MASK)
		return PARSE_UNHANDLED;
	if (iph->protocol != PROTO_TCP && iph->protocol != PROTO_UDP)
		return PARSE_NOT_IP;
	p->key.family = AF_INET_;
	p->key.protocol = iph->protocol;
	__builtin_memcpy(p->key.saddr, &iph->saddr, 4);
	__builtin_memcpy(p->key.daddr, &iph->daddr, 4);
	p->ip_len = tot;
	p->ttl = iph->ttl;
	p->df = (frag & IPV4_DF) != 0;
	p->tos = iph->tos;
	return parse_l4(iph + 1, data_end, tot - IPV4_HLEN_BYTES, p);
}

static __always_inline int parse_ipv6(void *data, void *data_end, struct packet *p)
{
	struct ipv6hdr *ip6h = data + ETH_HLEN_BYTES;
	if ((void *)(ip6h + 1) > data_end)
		return PARSE_UNHANDLED;
	if (ip6h->version != 6)
		return PARSE_UNHANDLED;
	__u16 plen = bpf_ntohs(ip6h->payload_len);
	if (data + ETH_HLEN_BYTES + IPV6_HLEN_BYTES + plen > data_end)
		return PARSE_UNHANDLED;
	if (ip6h->nexthdr != PROTO_TCP && ip6h->nexthdr != PROTO_UDP)
		return PARSE_UNHANDLED;  /* extension headers, ICMPv6 and others: Python */
	p->key.family = AF_INET6_;
	p->key.protocol = ip6h->nexthdr;
	__builtin_memcpy(p->key.saddr, &ip6h->saddr, 16);
	__builtin_memcpy(p->key.daddr, &ip6h->daddr, 16);
	p->ip_len = plen + IPV6_HLEN_BYTES;
	p->ttl = ip6h->hop_limit;
	p->df = 1;
	p->tos = (ip6h->priority << 4) | (ip6h->flow_lbl[0] >> 4);
	return parse_l4(ip6h + 1, data_end, plen, p);
}

/* Fill ``p`` from the frame between data and data_end. */
static __always_inline int parse_packet(void *data, void *data_end, struct packet *p)
{
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end)
		return PARSE_NOT_IP;
	__u16 proto = bpf_ntohs(eth->h_proto);
	if (proto == ETH_P_IPV4)
		return parse_ipv4(data, data_end, p);
	if (proto == ETH_P_IPV6_)
		return parse_ipv6(data, data_end, p);
	return PARSE_NOT_IP;  /* ARP, VLAN tags and everything else */
}

#endif
