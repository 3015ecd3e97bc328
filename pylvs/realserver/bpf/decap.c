// SPDX-License-Identifier: GPL-2.0
/*
 * pylvs TUN real server: tc ingress program that decapsulates IPVS tunnel packets.
 *
 * IPv4-in-IPv4 (protocol 4) and IPv6-in-IPv6 (next header 41) packets whose inner
 * destination is one of this host's VIPs lose their outer IP header here, so the
 * kernel receives the inner packet on this interface as if it had come directly.
 * Everything else passes untouched. The VIPs come from the generated "vips.h":
 *   PYLVS_VIP4_LIST  a comma-separated list of IPv4 VIPs as host-order __u32 values
 *   PYLVS_VIP6_LIST  a comma-separated list of {w0, w1, w2, w3} network-order words
 * (either may be empty; PYLVS_VIP4_COUNT / PYLVS_VIP6_COUNT give their lengths).
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "vips.h"

#define ETH_HLEN 14
#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define IPPROTO_IPIP 4
#define IPPROTO_IPV6 41
#define IPV6_HLEN 40

struct vip6 {
	__u32 w[4];
};

#if PYLVS_VIP4_COUNT > 0
static const volatile __u32 vip4[PYLVS_VIP4_COUNT] = { PYLVS_VIP4_LIST };
#endif
#if PYLVS_VIP6_COUNT > 0
static const volatile struct vip6 vip6[PYLVS_VIP6_COUNT] = { PYLVS_VIP6_LIST };
#endif

static __always_inline int is_vip4(__u32 daddr_host)
{
#if PYLVS_VIP4_COUNT > 0
#pragma unroll
	for (int i = 0; i < PYLVS_VIP4_COUNT; i++)
		if (vip4[i] == daddr_host)
			return 1;
#endif
	return 0;
}

static __always_inline int is_vip6(const __u32 *d)
{
#if PYLVS_VIP6_COUNT > 0
#pragma unroll
	for (int i = 0; i < PYLVS_VIP6_COUNT; i++)
		if (vip6[i].w[0] == d[0] && vip6[i].w[1] == d[1] &&
		    vip6[i].w[2] == d[2] && vip6[i].w[3] == d[3])
			return 1;
#endif
	return 0;
}

static __always_inline int decap_ipip(struct __sk_buff *skb)
{
	__u8 outer[20], inner[20];
	if (bpf_skb_load_bytes(skb, ETH_HLEN, outer, sizeof(outer)))
		return TC_ACT_OK;
	__u32 ohl = (outer[0] & 0x0f) * 4;
	if ((outer[0] >> 4) != 4 || outer[9] != IPPROTO_IPIP || ohl < 20 || ohl > 60)
		return TC_ACT_OK;
	/* A fragment of the outer packet cannot be decapsulated on its own. */
	if ((outer[6] & 0x3f) || outer[7])
		return TC_ACT_OK;
	if (bpf_skb_load_bytes(skb, ETH_HLEN + ohl, inner, sizeof(inner)))
		return TC_ACT_OK;
	if ((inner[0] >> 4) != 4)
		return TC_ACT_OK;
	__u32 daddr = ((__u32)inner[16] << 24) | ((__u32)inner[17] << 16) |
		      ((__u32)inner[18] << 8) | inner[19];
	if (!is_vip4(daddr))
		return TC_ACT_OK;
	if (bpf_skb_adjust_room(skb, -(__s32)ohl, BPF_ADJ_ROOM_MAC, 0))
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}

static __always_inline int decap_ip6ip6(struct __sk_buff *skb)
{
	__u8 outer[8];
	__u8 inner[IPV6_HLEN];
	if (bpf_skb_load_bytes(skb, ETH_HLEN, outer, sizeof(outer)))
		return TC_ACT_OK;
	if ((outer[0] >> 4) != 6 || outer[6] != IPPROTO_IPV6)
		return TC_ACT_OK;
	if (bpf_skb_load_bytes(skb, ETH_HLEN + IPV6_HLEN, inner, sizeof(inner)))
		return TC_ACT_OK;
	if ((inner[0] >> 4) != 6)
		return TC_ACT_OK;
	__u32 d[4];
	__builtin_memcpy(d, inner + 24, sizeof(d));
	if (!is_vip6(d))
		return TC_ACT_OK;
	if (bpf_skb_adjust_room(skb, -IPV6_HLEN, BPF_ADJ_ROOM_MAC, 0))
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}

SEC("tc")
int pylvs_tun_decap(struct __sk_buff *skb)
{
	if (skb->protocol == bpf_htons(ETH_P_IP))
		return decap_ipip(skb);
	if (skb->protocol == bpf_htons(ETH_P_IPV6))
		return decap_ip6ip6(skb);
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
