/* The fast path's maps. */
#ifndef PYLVS_XDP_MAPS_H
#define PYLVS_XDP_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "constants.h"
#include "structs.h"

/* Established flows Python scheduled: key as the packet carries it -> how to forward. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_FLOWS);
	__type(key, struct flow_key);
	__type(value, struct flow_value);
} flows SEC(".maps");

/* Per-flow packets, bytes and last-seen time, per CPU, at the flow's stats_slot (a
 * direct index: no second hash lookup, no atomics); folded into the IPVS stats by
 * Python, which hands out the slots and zeroes a slot before giving it out again. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MAX_FLOWS);
	__type(key, __u32);
	__type(value, struct flow_stats);
} flow_stats SEC(".maps");

/* Program-wide counters by outcome (STAT_*), per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STAT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} stat_counters SEC(".maps");

#endif
