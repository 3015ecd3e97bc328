/* Direct routing and what every forward shares: the TTL / hop-limit decrement, the
 * route-MTU check and the new Ethernet addresses. */
#ifndef PYLVS_XDP_DR_H
#define PYLVS_XDP_DR_H

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_endian.h>
#include "csum.h"
#include "parse.h"

/* Whether the packet may leave whole: TTL left, and within the route MTU unless it
 * is an IPv4 packet without DF (the kernel lets those be fragmented). Python answers
 * the others with the ICMP error. */
static __always_inline int may_forward(const struct packet *p, __u16 mtu)
{
	if (p->ttl <= 1)
		return 0;
	if (mtu && p->ip_len > mtu && (p->key.family == AF_INET6_ || p->df))
		return 0;
	return 1;
}

/* TTL / hop limit - 1 (IPv4 header checksum updated incrementally). */
static __always_inline int decrement_ttl(void *data, void *data_end, __u8 family)
{
	if (family == AF_INET_) {
		struct iphdr *iph = data + ETH_HLEN_BYTES;
		if ((void *)(iph + 1) > data_end)
			return -1;
		__u16 old = *(__u16 *)&iph->ttl;
		iph->ttl--;
		iph->check = csum_replace16(iph->check, old, *(__u16 *)&iph->ttl);
		return 0;
	}
	struct ipv6hdr *ip6h = data + ETH_HLEN_BYTES;
	if ((void *)(ip6h + 1) > data_end)
		return -1;
	ip6h->hop_limit--;
	return 0;
}

static __always_inline int set_macs(void *data, void *data_end, const struct flow_value *f)
{
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end)
		return -1;
	__builtin_memcpy(eth->h_dest, f->dst_mac, 6);
	__builtin_memcpy(eth->h_source, f->src_mac, 6);
	return 0;
}

/* XDP_TX back out the ingress interface, else a redirect to the egress one. */
static __always_inline int transmit(struct xdp_md *ctx, const struct flow_value *f)
{
	if (f->egress_ifindex == ctx->ingress_ifindex)
		return XDP_TX;
	return bpf_redirect(f->egress_ifindex, 0);
}

#endif
