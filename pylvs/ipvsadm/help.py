"""pylvs-ipvsadm's own usage text (``-h``) and version line (``-v``)."""

from __future__ import annotations

VERSION_LINE = "ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\n"

SCHEDULERS = "rr wrr lc wlc lblc lblcr dh sh sed nq fo ovf mh twos"


def usage(prog: str) -> str:
    """The ``-h`` text: every command and option of this ipvsadm-compatible tool."""
    return f"""\
{prog}: manage the pylvs virtual server table (ipvsadm 1.31 compatible)

Synopsis:
  {prog} -A|-E SERVICE [-s SCHED] [-p [SECONDS]] [-M MASK] [--pe ENGINE] [-b FLAGS] [-o]
  {prog} -D SERVICE
  {prog} -C
  {prog} -R                 < rules
  {prog} -S [-n]            > rules
  {prog} -a|-e SERVICE -r SERVER[:PORT] [-g|-i|-m] [-w N] [-x N] [-y N] [TUNNEL]
  {prog} -d SERVICE -r SERVER[:PORT]
  {prog} -L|-l [SERVICE] [LIST-OPTIONS]
  {prog} -L -c | --timeout | --daemon
  {prog} -Z [SERVICE]
  {prog} --set TCP TCPFIN UDP
  {prog} --start-daemon master|backup [DAEMON-OPTIONS]
  {prog} --stop-daemon master|backup [--syncid N]
  {prog} -h | -v

The first word must be a command; short options may be bundled (-Ln, -Lnc) and
long options take --opt VALUE or --opt=VALUE.

Commands:
  -A, --add-service       add a virtual service
  -E, --edit-service      replace a virtual service's settings (unset ones get defaults)
  -D, --delete-service    delete a virtual service and its real servers
  -C, --clear             delete every virtual service
  -R, --restore           read commands in -S format from standard input
  -S, --save              print the table as commands for -R
  -a, --add-server        add a real server to a virtual service
  -e, --edit-server       replace a real server's settings
  -d, --delete-server     remove a real server
  -L, -l, --list          list the table, one service, connections, timeouts or daemons
  -Z, --zero              zero the counters of one service or of all
  --set TCP TCPFIN UDP    connection timeouts in seconds (0 keeps a value)
  --start-daemon STATE    start the connection sync daemon (master or backup)
  --stop-daemon STATE     stop the connection sync daemon
  -h, --help              show this text
  -v, --version           show the version

SERVICE is one of:
  -t, --tcp-service HOST[:PORT]    TCP virtual service ([IPv6]:PORT in brackets)
  -u, --udp-service HOST[:PORT]    UDP virtual service
  --sctp-service HOST[:PORT]       SCTP virtual service
  -f, --fwmark-service MARK        firewall-mark service (MARK > 0)
  -6, --ipv6                       after -f: the fwmark service is IPv6

Service options:
  -s, --scheduler NAME      {SCHEDULERS}
                            (default wlc)
  -p, --persistent [SECS]   persistence, SECS 1..2678400 (default 360)
  -M, --netmask MASK        persistence granularity: IPv4 mask, or IPv6 prefix length
  --pe ENGINE               persistence engine (sip)
  -b, --sched-flags LIST    comma list: flag-1 flag-2 flag-3, sh-fallback sh-port,
                            mh-fallback mh-port
  -o, --ops                 one-packet scheduling (UDP and fwmark services)

Real server options:
  -r, --real-server HOST[:PORT]   the real server (port defaults to the service's)
  -g, --gatewaying          direct routing (default)
  -i, --ipip                tunnelling
  -m, --masquerading        NAT
  -w, --weight N            0..2147483647 (default 1)
  -x, --u-threshold N       upper connection threshold (0 = none)
  -y, --l-threshold N       lower connection threshold (0 = none)
  --tun-type TYPE           ipip (default), gue or gre
  --tun-port PORT           GUE destination port
  --tun-nocsum              tunnel without checksum
  --tun-csum                tunnel with checksum
  --tun-remcsum             tunnel with remote checksum offload (GUE)

List options:
  -n, --numeric             numeric addresses and ports
  -c, --connection          list connections
  --timeout                 show the tcp, tcpfin and udp timeouts
  --daemon                  show running sync daemons
  --stats                   counters
  --rate                    rates per second
  --thresholds              connection thresholds
  --persistent-conn         persistent connections
  --tun-info                tunnel settings
  -X, --exact               whole numbers instead of K/M/G/T
  --nosort                  table order instead of sorted
  --sort                    sorted (the default; accepted for compatibility)

Sync daemon options:
  --mcast-interface IFNAME  interface for the sync messages (default eth0)
  --syncid N                0..255 (default 0)
  --sync-maxlen N           largest sync message payload
  --mcast-group ADDR        multicast group (default 224.0.0.81)
  --mcast-port PORT         UDP port (default 8848)
  --mcast-ttl N             multicast TTL (default 1)

The table lives in pylvsd; {prog} talks to it over $PYLVS_SOCKET
(default /run/pylvs/pylvsd.sock).
"""
