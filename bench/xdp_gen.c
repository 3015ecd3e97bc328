/* Packet generator of bench/pps.py and bench/synrate.py, not part of pylvs: run with
 * BPF_PROG_TEST_RUN in live-frame mode (BPF_F_TEST_XDP_LIVE_FRAMES), each run writes one
 * whole frame from the template in gen_config (the kernel recycles the frame pages and
 * whoever handled a frame last may have rewritten it in place), sets the UDP or TCP source
 * port to sport_base + (n % ports) for the n-th frame (for TCP it fixes up the checksum,
 * which the template has right for sport_base), and returns XDP_TX, which the test run
 * turns into a redirect out of the ingress interface. The frames leave like a NIC's: in
 * pages with XDP headroom, so nothing on the way has to copy them. Built by
 * bench/xdpgen.py. */
#include <linux/bpf.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define FRAME_LEN 60		  /* bytes sent: a 64-byte frame on the wire with the FCS */
#define SPORT_OFFSET (14 + 20) /* Ethernet and option-less IPv4 headers */
#define TCP_CHECK_OFFSET (14 + 20 + 16) /* the TCP checksum */

struct gen_config {
	__u32 frame[FRAME_LEN / 4]; /* the frame to send */
	__u16 sport_base;	  /* host byte order */
	__u16 ports;		  /* source ports in turn, >= 1 */
	__u32 sent;		  /* frames written so far (one CPU runs the generator) */
	__u16 tcp;		  /* 1: a TCP frame, its checksum fixed up for the port */
	__u16 pad;
};

/* the generator's one configuration entry, written by bench/xdpgen.py before the run */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct gen_config);
} gen_config SEC(".maps");

SEC("xdp")
int bench_xdp_gen(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 zero = 0;
	struct gen_config *cfg = bpf_map_lookup_elem(&gen_config, &zero);

	if (!cfg || cfg->ports == 0 || data + FRAME_LEN > data_end)
		return XDP_ABORTED;
	__u32 *words = data; /* test-run frames start XDP_PACKET_HEADROOM into a page */
#pragma unroll
	for (int i = 0; i < FRAME_LEN / 4; i++)
		words[i] = cfg->frame[i];
	__u16 port = cfg->sport_base + cfg->sent % cfg->ports;
	*(__u16 *)(data + SPORT_OFFSET) = bpf_htons(port);
	if (cfg->tcp) { /* RFC 1624: HC' = ~(~HC + ~m + m') */
		__u16 *check = data + TCP_CHECK_OFFSET;
		__u32 sum = (__u16)~bpf_ntohs(*check) + (__u16)~cfg->sport_base + port;
		sum = (sum & 0xffff) + (sum >> 16);
		sum = (sum & 0xffff) + (sum >> 16);
		*check = bpf_htons((__u16)~sum);
	}
	cfg->sent++;
	return XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
