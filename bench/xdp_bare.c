/* Reference for bench/pps.py, not part of pylvs: the least an XDP DR forwarder does.
 * Every IPv4 frame gets the real server's MAC (DST_MAC), the director's (SRC_MAC) and
 * TTL - 1 with the IPv4 checksum updated, and goes back out with XDP_TX; anything else
 * is passed up. No flow lookup, no counters. Built by bench/pps.py with
 *   clang -O2 -target bpf -DDST_MAC=0x02,... -DSRC_MAC=0x02,... -c xdp_bare.c */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

static const unsigned char dst_mac[ETH_ALEN] = {DST_MAC};
static const unsigned char src_mac[ETH_ALEN] = {SRC_MAC};

SEC("xdp")
int bench_bare_forwarder(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph = data + sizeof(*eth);

	if ((void *)(iph + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) || iph->ttl <= 1)
		return XDP_PASS;
	__u32 sum = (__u16)~iph->check + (__u16)~bpf_htons(iph->ttl << 8) +
		    bpf_htons((iph->ttl - 1) << 8);
	iph->ttl--;
	sum = (sum & 0xFFFF) + (sum >> 16);
	iph->check = ~(__u16)((sum & 0xFFFF) + (sum >> 16));
	__builtin_memcpy(eth->h_dest, dst_mac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, src_mac, ETH_ALEN);
	return XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
