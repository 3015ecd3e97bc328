/* Internet checksums: full IPv4 header sums and incremental updates (RFC 1624).
 * Ones' complement sums do not depend on byte order, so 16-bit words are used as the
 * packet holds them. */
#ifndef PYLVS_XDP_CSUM_H
#define PYLVS_XDP_CSUM_H

#include <linux/types.h>

static __always_inline __u16 csum_fold(__u32 sum)
{
	sum = (sum & 0xFFFF) + (sum >> 16);
	sum = (sum & 0xFFFF) + (sum >> 16);
	return (__u16)sum;
}

/* The checksum field after one 16-bit word of its coverage changed from old to new. */
static __always_inline __u16 csum_replace16(__u16 check, __u16 old, __u16 new)
{
	__u32 sum = (__u16)~check;
	sum += (__u16)~old;
	sum += new;
	return (__u16)~csum_fold(sum);
}

/* The checksum field after a 4- or 16-byte address (words words) changed. */
static __always_inline __u16 csum_replace_addr(__u16 check, const __u16 *old, const __u16 *new,
					       int words)
{
	__u32 sum = (__u16)~check;
#pragma unroll
	for (int i = 0; i < 8; i++) {
		if (i < words) {
			sum += (__u16)~old[i];
			sum += new[i];
		}
	}
	return (__u16)~csum_fold(sum);
}

/* Sum of the 10 words of an option-less IPv4 header (0xFFFF when its checksum is right). */
static __always_inline __u16 ipv4_header_sum(const __u16 *words)
{
	__u32 sum = 0;
#pragma unroll
	for (int i = 0; i < 10; i++)
		sum += words[i];
	return csum_fold(sum);
}

#endif
