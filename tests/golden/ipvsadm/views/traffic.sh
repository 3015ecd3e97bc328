#!/bin/sh
# Traffic-dependent listings of the real IPVS (run in the oracle, output in traffic.out):
# counters past 10^8 (K units), rates, connection entries with persistence templates.
#
#   client ns 198.18.0.10 --+-- br0 (director 198.18.0.1, VIP 198.18.0.100)
#   rs1 ns    198.18.0.11 --+   DR real servers with the VIP on lo
#   rs2 ns    198.18.0.12 --+
#
# TCP 198.18.0.100:80  rr -p 60   -> rs1, rs2 (-g)    HTTP requests (templates)
# UDP 198.18.0.100:9   rr         -> rs1, rs2 (-g)    a bulk UDP stream (discard port)
set -u
ip link add br0 type bridge
ip link set br0 up
ip addr add 198.18.0.1/24 dev br0
ip addr add 198.18.0.100/32 dev br0
mkns() {
    ip netns add "$1"
    ip link add "v-$1" type veth peer name eth0 netns "$1"
    ip -n "$1" link set lo up
    ip -n "$1" link set eth0 up
    ip -n "$1" addr add "$2" dev eth0
    ip link set "v-$1" up
    ip link set "v-$1" master br0
}
mkns client 198.18.0.10/24
mkns rs1 198.18.0.11/24
mkns rs2 198.18.0.12/24
for r in rs1 rs2; do
    ip -n $r addr add 198.18.0.100/32 dev lo
    ip netns exec $r sysctl -qw net.ipv4.conf.all.arp_ignore=1 \
        net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.eth0.arp_ignore=1 \
        net.ipv4.conf.eth0.arp_announce=2
    mkdir -p /srv/$r && echo "$r" > /srv/$r/index.html
    ip netns exec $r httpd -p 80 -h /srv/$r
done
ipvsadm -A -t 198.18.0.100:80 -s rr -p 60
ipvsadm -a -t 198.18.0.100:80 -r 198.18.0.11:80 -g
ipvsadm -a -t 198.18.0.100:80 -r 198.18.0.12:80 -g
ipvsadm -A -u 198.18.0.100:9 -s rr
ipvsadm -a -u 198.18.0.100:9 -r 198.18.0.11:9 -g
ipvsadm -a -u 198.18.0.100:9 -r 198.18.0.12:9 -g
cat > /tmp/client.py <<'PY'
import socket, sys, time
mode = sys.argv[1]
if mode == "http":
    for i in range(int(sys.argv[2])):
        s = socket.create_connection(("198.18.0.100", 80), timeout=3)
        s.sendall(b"GET / HTTP/1.0\r\n\r\n")
        while s.recv(4096):
            pass
        s.close()
else:  # udp: N datagrams of SIZE bytes from two sockets
    n, size = int(sys.argv[2]), int(sys.argv[3])
    payload = b"x" * size
    for port in (40001, 40002):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("198.18.0.10", port))
        for i in range(n):
            s.sendto(payload, ("198.18.0.100", 9))
        s.close()
PY
ip netns exec client python3 /tmp/client.py http 5
ip netns exec client python3 /tmp/client.py udp 36000 1472
sleep 3
for cmd in "-Ln --stats --exact" "-Ln --stats" "-Ln --rate --exact" "-Ln --rate" \
           "-Ln --persistent-conn" "-Ln" "-Lnc" "-Lc" "-Lnc --persistent-conn"; do
    echo "### \$ ipvsadm $cmd"
    ipvsadm $cmd
done
