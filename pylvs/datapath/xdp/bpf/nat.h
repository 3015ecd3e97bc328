/* NAT rewrites in both directions with incremental IP and L4 checksum updates. */
#ifndef PYLVS_XDP_NAT_H
#define PYLVS_XDP_NAT_H

#include <linux/ip.h>
#include <linux/ipv6.h>
#include "csum.h"
#include "parse.h"

/* The L4 checksum field (constant offsets per case, so the verifier can follow them). */
static __always_inline __u16 *l4_check_field(void *data, void *data_end, const struct packet *p)
{
	void *l4 = data + ETH_HLEN_BYTES +
		   (p->key.family == AF_INET_ ? IPV4_HLEN_BYTES : IPV6_HLEN_BYTES);
	__u16 *check;
	if (p->key.protocol == PROTO_TCP)
		check = l4 + offsetof(struct tcphdr, check);
	else
		check = l4 + offsetof(struct udphdr, check);
	if ((void *)(check + 1) > data_end)
		return 0;
	return check;
}

/* Whether the fast path can rewrite this packet (a UDP datagram without checksum
 * gets a full one from Python, as IPVS computes it). */
static __always_inline int nat_rewritable(void *data, void *data_end, const struct packet *p)
{
	__u16 *check = l4_check_field(data, data_end, p);
	if (!check)
		return 0;
	return !(p->key.protocol == PROTO_UDP && *check == 0);
}

/* Replace the destination (inbound) or source (outbound) address and port.
 * ``outbound`` picks the source. Returns -1 when the frame is too short. */
static __always_inline int nat_rewrite(void *data, void *data_end, const struct packet *p,
				       const struct flow_value *f, int outbound)
{
	void *l4 = data + ETH_HLEN_BYTES +
		   (p->key.family == AF_INET_ ? IPV4_HLEN_BYTES : IPV6_HLEN_BYTES);
	__u16 *check = l4_check_field(data, data_end, p);
	__be16 *port = outbound ? l4 : l4 + 2;
	if (!check || (void *)(port + 1) > data_end)
		return -1;
	__u16 l4sum = *check;
	if (p->key.family == AF_INET_) {
		struct iphdr *iph = data + ETH_HLEN_BYTES;
		if ((void *)(iph + 1) > data_end)
			return -1;
		__u32 *addr = outbound ? &iph->saddr : &iph->daddr;
		__u32 old = *addr;
		__u32 new;
		__builtin_memcpy(&new, f->new_addr, 4);
		iph->check = csum_replace_addr(iph->check, (const __u16 *)&old,
					       (const __u16 *)&new, 2);
		l4sum = csum_replace_addr(l4sum, (const __u16 *)&old, (const __u16 *)&new, 2);
		*addr = new;
	} else {
		struct ipv6hdr *ip6h = data + ETH_HLEN_BYTES;
		if ((void *)(ip6h + 1) > data_end)
			return -1;
		struct in6_addr *addr = outbound ? &ip6h->saddr : &ip6h->daddr;
		struct in6_addr old = *addr;
		l4sum = csum_replace_addr(l4sum, (const __u16 *)&old, (const __u16 *)f->new_addr,
					  8);
		__builtin_memcpy(addr, f->new_addr, 16);
	}
	l4sum = csum_replace16(l4sum, *port, f->new_port);
	if (p->key.protocol == PROTO_UDP && l4sum == 0)
		l4sum = 0xFFFF;  /* 0 means "no checksum" in UDP */
	*port = f->new_port;
	*check = l4sum;
	return 0;
}

#endif
