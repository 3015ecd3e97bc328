/* IPIP / IPv6-in-IPv6 (and the mixed 4in6 / 6in4) encapsulation to the real server. */
#ifndef PYLVS_XDP_TUNNEL_H
#define PYLVS_XDP_TUNNEL_H

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include "csum.h"
#include "parse.h"

static __always_inline __u16 tunnel_overhead(__u8 daf)
{
	return daf == AF_INET_ ? IPV4_HLEN_BYTES : IPV6_HLEN_BYTES;
}

/* Whether the inner packet may be wrapped whole (else Python refuses it with the
 * kernel's ICMP error): TTL left, tunnel MTU large enough, the packet within it
 * unless it is IPv4 that may be fragmented. */
static __always_inline int tunnel_may_forward(const struct packet *p, const struct flow_value *f)
{
	if (p->ttl <= 1)
		return 0;
	if (!f->mtu)
		return 1;
	__u16 overhead = tunnel_overhead(f->daf);
	if (f->mtu < overhead)
		return 0;
	__u16 tmtu = f->mtu - overhead;
	if (tmtu < (f->daf == AF_INET_ ? IPV4_MIN_MTU_BYTES : IPV6_MIN_MTU_BYTES))
		return 0;
	if (p->ip_len <= tmtu)
		return 1;
	if (p->key.family == AF_INET6_)
		return 0;
	return !(p->df && (f->flags & FLOW_F_PMTU_DISC));
}

/* Outer TOS / traffic class: the inner one, CE becoming ECT(0) (RFC 6040). */
static __always_inline __u8 outer_tos(__u8 tos)
{
	if ((tos & INET_ECN_MASK) == INET_ECN_CE)
		return (tos & ~INET_ECN_MASK) | INET_ECN_ECT0;
	return tos;
}

/* Push the outer header in front of the (already TTL-decremented) inner packet. */
static __always_inline int encapsulate(struct xdp_md *ctx, const struct packet *p,
				       const struct flow_value *f)
{
	__u16 overhead = tunnel_overhead(f->daf);
	__u8 inner_proto = p->key.family == AF_INET_ ? PROTO_IPIP : PROTO_IPV6;
	__u8 ttl = p->ttl - 1;
	__u8 tos = outer_tos(p->tos);
	if (bpf_xdp_adjust_head(ctx, -(int)overhead))
		return -1;
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end)
		return -1;
	__builtin_memcpy(eth->h_dest, f->dst_mac, 6);
	__builtin_memcpy(eth->h_source, f->src_mac, 6);
	if (f->daf == AF_INET_) {
		struct iphdr *iph = (void *)(eth + 1);
		if ((void *)(iph + 1) > data_end)
			return -1;
		int df = p->key.family == AF_INET_ && p->df && (f->flags & FLOW_F_PMTU_DISC);
		eth->h_proto = bpf_htons(ETH_P_IPV4);
		iph->version = 4;
		iph->ihl = IPV4_IHL_MIN;
		iph->tos = tos;
		iph->tot_len = bpf_htons(p->ip_len + IPV4_HLEN_BYTES);
		iph->id = df ? 0 : (__be16)bpf_get_prandom_u32();
		iph->frag_off = df ? bpf_htons(IPV4_DF) : 0;
		iph->ttl = ttl;
		iph->protocol = inner_proto;
		iph->check = 0;
		__builtin_memcpy(&iph->saddr, f->tun_saddr, 4);
		__builtin_memcpy(&iph->daddr, f->new_addr, 4);
		iph->check = ~ipv4_header_sum((const __u16 *)iph);
		return 0;
	}
	struct ipv6hdr *ip6h = (void *)(eth + 1);
	if ((void *)(ip6h + 1) > data_end)
		return -1;
	eth->h_proto = bpf_htons(ETH_P_IPV6_);
	ip6h->version = 6;
	ip6h->priority = tos >> 4;
	ip6h->flow_lbl[0] = (tos & 0x0F) << 4;
	ip6h->flow_lbl[1] = 0;
	ip6h->flow_lbl[2] = 0;
	ip6h->payload_len = bpf_htons(p->ip_len);
	ip6h->nexthdr = inner_proto;
	ip6h->hop_limit = ttl;
	__builtin_memcpy(&ip6h->saddr, f->tun_saddr, 16);
	__builtin_memcpy(&ip6h->daddr, f->new_addr, 16);
	return 0;
}

#endif
