/* pylvs XDP fast path: packets of established flows Python installed are forwarded
 * here (DR, NAT both ways, IPIP / IPv6-in-IPv6); everything else is passed up to the
 * Python datapath unchanged. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "constants.h"
#include "structs.h"
#include "maps.h"
#include "parse.h"
#include "dr.h"
#include "nat.h"
#include "tunnel.h"
#include "tcp_state.h"

static __always_inline int count(__u32 what, int action)
{
	__u64 *n = bpf_map_lookup_elem(&stat_counters, &what);
	if (n)
		*n += 1;  /* this CPU's slot: XDP runs with bottom halves off, never nested */
	return action;
}

/* 0: rewritten, send it; -1: refused untouched (pass it up); -2: broken mid-way. */
static __always_inline int forward(struct xdp_md *ctx, const struct packet *p,
				   const struct flow_value *f)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	switch (f->action) {
	case FLOW_DR:
		if (!may_forward(p, f->mtu))
			return -1;
		if (decrement_ttl(data, data_end, p->key.family) || set_macs(data, data_end, f))
			return -2;
		return 0;
	case FLOW_NAT_IN:
	case FLOW_NAT_OUT:
		if (f->daf != p->key.family || !may_forward(p, f->mtu) ||
		    !nat_rewritable(data, data_end, p))
			return -1;
		if (nat_rewrite(data, data_end, p, f, f->action == FLOW_NAT_OUT))
			return -2;
		if (decrement_ttl(data, data_end, p->key.family) || set_macs(data, data_end, f))
			return -2;
		return 0;
	case FLOW_TUN:
		if (!tunnel_may_forward(p, f))
			return -1;
		if (decrement_ttl(data, data_end, p->key.family) || encapsulate(ctx, p, f))
			return -2;
		return 0;
	}
	return -1;
}

SEC("xdp")
int pylvs_fastpath(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct packet p = {};

	int parsed = parse_packet(data, data_end, &p);
	if (parsed == PARSE_NOT_IP)
		return count(STAT_NOT_IP, XDP_PASS);
	if (parsed != PARSE_OK)
		return count(STAT_UNHANDLED, XDP_PASS);
	struct flow_value *found = bpf_map_lookup_elem(&flows, &p.key);
	if (!found)
		return count(STAT_MISS, XDP_PASS);
	/* read in place, not copied: a hash map value stays valid for the whole run */
	const struct flow_value *f = found;
	int state = f->tcp_state;
	int next = state;
	if (p.key.protocol == PROTO_TCP) {
		next = tcp_next_state(f->tcp_table, state, p.tcp_flags);
		if (next < 0 || (next != state && !(f->flags & FLOW_F_OWN_STATE)))
			return count(STAT_STATE, XDP_PASS);
	}
	__u32 slot = f->stats_slot;
	struct flow_stats *st = bpf_map_lookup_elem(&flow_stats, &slot);
	if (!st)
		return count(STAT_MISS, XDP_PASS);
	int done = forward(ctx, &p, f);
	if (done == -1)
		return count(STAT_UNHANDLED, XDP_PASS);
	if (done)
		return count(STAT_UNHANDLED, XDP_DROP);
	/* past this point the frame is rewritten: it leaves here */
	if (next != state)
		found->tcp_state = next;  /* before the count: Python reads counts, then states */
	st->packets += 1;  /* this CPU's slot, like count() */
	st->bytes += p.ip_len;
	/* the tick's time: a fraction of the precise clock's cost (see flow_stats) */
	st->last_seen_ns = bpf_ktime_get_coarse_ns();
	return count(STAT_FORWARDED, transmit(ctx, f));
}

char LICENSE[] SEC("license") = "GPL";
