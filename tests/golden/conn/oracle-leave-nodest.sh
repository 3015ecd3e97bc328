#!/bin/sh
# Live traffic through the real IPVS, entirely inside the oracle VM.
#
#   client ns (198.18.0.10) --veth--+
#   rs1 ns    (198.18.0.11) --veth--+-- br0 (root ns = director, 198.18.0.1,
#   rs2 ns    (198.18.0.12) --veth--+        VIP 198.18.0.100)
#
#   rs3 ns (198.19.0.11) --veth-- root ns 198.19.0.1   (NAT real servers,
#   rs4 ns (198.19.0.12) --veth-- root ns 198.19.1.1    gateway = director)
#
# DR service  198.18.0.100:80   rr -> rs1, rs2 (-g)
# NAT service 198.18.0.100:8080 rr -> rs3:80, rs4:80 (-m)
# Every real server runs busybox httpd answering with its own name.
set -u
sh_ns() { ip netns exec "$@"; }

ip link add br0 type bridge
ip link set br0 up
ip addr add 198.18.0.1/24 dev br0
ip addr add 198.18.0.100/32 dev br0          # the VIP lives on the director

mkns() {  # name addr/len bridge|peer-addr
    ip netns add "$1"
    ip link add "v-$1" type veth peer name eth0 netns "$1"
    ip -n "$1" link set lo up
    ip -n "$1" link set eth0 up
    ip -n "$1" addr add "$2" dev eth0
    ip link set "v-$1" up
}
mkns client 198.18.0.10/24; ip link set v-client master br0
mkns rs1 198.18.0.11/24;    ip link set v-rs1 master br0
mkns rs2 198.18.0.12/24;    ip link set v-rs2 master br0
# DR real servers: VIP on lo, never answer ARP for it
for r in rs1 rs2; do
    ip -n $r addr add 198.18.0.100/32 dev lo
    sh_ns $r sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 \
        net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2
done
# NAT real servers on their own point-to-point links, default route via the director
mkns rs3 198.19.0.11/24; ip addr add 198.19.0.1/24 dev v-rs3
mkns rs4 198.19.1.11/24; ip addr add 198.19.1.1/24 dev v-rs4
ip -n rs3 route add default via 198.19.0.1
ip -n rs4 route add default via 198.19.1.1
ip -n client route add default via 198.18.0.1
sysctl -qw net.ipv4.ip_forward=1

for r in rs3 rs4; do
    mkdir -p /srv/$r && echo "$r" > /srv/$r/index.html
    sh_ns $r httpd -p 80 -h /srv/$r
done
ip netns attach director 1
icmp_out() { awk '/^Icmp:/ {n++; if (n == 1) split($0, h); else for (i = 1; i <= NF; i++) if (h[i] == "OutDestUnreachs") print $i}' /proc/net/snmp; }

echo "### a non-persistent port-0 service: a SYN to port 22 of its VIP"
ipvsadm -A -t 198.18.0.100:0 -s rr
ipvsadm -a -t 198.18.0.100:0 -r 198.19.0.11 -m
before=$(icmp_out)
sh_ns client python3 -c '
import socket
s = socket.socket(); s.settimeout(2)
try:
    s.connect(("198.18.0.100", 22)); print("connected")
except OSError as e:
    print("connect:", type(e).__name__)
'
after=$(icmp_out)
echo "director ICMP dest-unreachable sent: $((after - before))"
ipvsadm -Lnc | tail -n +3
ipvsadm -C

echo "### expire_nodest_conn=1: deleting a dest with an established NAT connection"
sysctl -qw net.ipv4.vs.expire_nodest_conn=1
ipvsadm -A -t 198.18.0.100:8080 -s rr
ipvsadm -a -t 198.18.0.100:8080 -r 198.19.0.11:80 -m
ipvsadm -a -t 198.18.0.100:8080 -r 198.19.1.11:80 -m
sh_ns client python3 -c '
import socket, subprocess, time
s = socket.socket(); s.bind(("198.18.0.10", 42001)); s.settimeout(3)
s.connect(("198.18.0.100", 8080))
time.sleep(0.3)
def lnc(t):
    print("## " + t, flush=True)
    out = subprocess.run(["ip", "netns", "exec", "director", "ipvsadm", "-Lnc"], capture_output=True, text=True).stdout
    print("\n".join(out.splitlines()[2:]), flush=True)
lnc("established")
dest = [l.split()[-1] for l in subprocess.run(["ip", "netns", "exec", "director", "ipvsadm", "-Lnc"], capture_output=True, text=True).stdout.splitlines()[2:]][0]
subprocess.run(["ip", "netns", "exec", "director", "ipvsadm", "-d", "-t", "198.18.0.100:8080", "-r", dest])
lnc("right after -d of its dest")
time.sleep(1.5)
lnc("1.5 s later")
s.sendall(b"GET / HTTP/1.0\r\n\r\n")
try:
    print("request on the old connection ->", s.recv(100)[:20])
except OSError as e:
    print("request on the old connection ->", type(e).__name__)
'
ipvsadm -Ln
