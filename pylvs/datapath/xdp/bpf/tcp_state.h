/* The IPVS TCP state transition tables (generated from pylvs.core.proto into
 * tcp_table.h at build time, so both datapaths run the same tables). The fast path
 * forwards segments that leave the state as it is; a FIN or ACK that moves it is
 * forwarded too when the flow owns the connection's state (FLOW_F_OWN_STATE), else
 * it goes to Python, which runs the state machine and re-installs the flow. */
#ifndef PYLVS_XDP_TCP_STATE_H
#define PYLVS_XDP_TCP_STATE_H

#include "constants.h"
#include "tcp_table.h"

/* The state after a segment with ``flags`` in ``table``, or -1 for Python's segments:
 * SYN and RST (they may start, reuse or end a connection), no known flag, a table or
 * state the program does not know. */
static __always_inline int tcp_next_state(__u8 table, __u8 state, __u8 flags)
{
	if (flags & (TCPF_BYTE_SYN | TCPF_BYTE_RST))
		return -1;
	if (table >= TCP_TABLE_COUNT || state >= TCP_STATE_COUNT)
		return -1;
	if (flags & TCPF_BYTE_FIN)
		return tcp_state_table[table][TCP_EVENT_FIN][state];
	if (flags & TCPF_BYTE_ACK)
		return tcp_state_table[table][TCP_EVENT_ACK][state];
	return -1;
}

#endif
