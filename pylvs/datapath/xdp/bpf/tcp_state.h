/* The IPVS TCP state transition tables (generated from pylvs.core.proto into
 * tcp_table.h at build time, so both datapaths run the same tables). The fast path
 * only forwards segments that leave the state as it is; the others go to Python,
 * which runs the state machine and re-installs the flow. */
#ifndef PYLVS_XDP_TCP_STATE_H
#define PYLVS_XDP_TCP_STATE_H

#include "constants.h"
#include "tcp_table.h"

/* Whether a segment with ``flags`` keeps ``state`` in ``table`` (SYN, FIN and RST
 * always go to Python: they may start, end or reuse a connection). */
static __always_inline int tcp_state_kept(__u8 table, __u8 state, __u8 flags)
{
	if (flags & (TCPF_BYTE_SYN | TCPF_BYTE_FIN | TCPF_BYTE_RST))
		return 0;
	if (table >= TCP_TABLE_COUNT || state >= TCP_STATE_COUNT)
		return 0;
	__u8 next = TCP_STATE_CLOSE;  /* no known flag */
	if (flags & TCPF_BYTE_ACK)
		next = tcp_state_table[table][TCP_EVENT_ACK][state];
	return next == state;
}

#endif
