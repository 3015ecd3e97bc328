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

for r in rs1 rs2 rs3 rs4; do
    mkdir -p /srv/$r && echo "$r" > /srv/$r/index.html
    sh_ns $r httpd -p 80 -h /srv/$r
done
sh_ns rs2 httpd -p 81 -h /srv/rs2   # the persistent DR service keeps the port
# a UDP echo server on rs3 (NAT) port 53
cat > /tmp/udpecho.py <<'PY'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 53))
while True:
    data, peer = s.recvfrom(2048)
    s.sendto(data, peer)
PY
sh_ns rs3 python3 /tmp/udpecho.py &
sleep 0.5

ipvsadm -A -t 198.18.0.100:80 -s rr
ipvsadm -a -t 198.18.0.100:80 -r 198.18.0.11:80 -g
ipvsadm -A -t 198.18.0.100:8080 -s rr
ipvsadm -a -t 198.18.0.100:8080 -r 198.19.0.11:80 -m
ipvsadm -A -u 198.18.0.100:53 -s rr
ipvsadm -a -u 198.18.0.100:53 -r 198.19.0.11:53 -m
ipvsadm -A -t 198.18.0.100:81 -s rr -p 100
ipvsadm -a -t 198.18.0.100:81 -r 198.18.0.12:80 -g

cat > /tmp/client.py <<'PY'
import socket, subprocess, sys, time

def lnc(title):
    print("### " + title, flush=True)
    out = subprocess.run(["ip", "netns", "exec", "director", "ipvsadm", "-Lnc"], capture_output=True, text=True).stdout
    rows = sorted(out.splitlines()[2:], key=lambda r: (r.split()[4], r.split()[3]))
    print("\n".join(rows), flush=True)

def conn(port, sport):
    s = socket.socket()
    s.bind(("198.18.0.10", sport))
    s.settimeout(3)
    s.connect(("198.18.0.100", port))
    return s

def request(s):
    s.sendall(b"GET / HTTP/1.0\r\n\r\n")
    data = b""
    while True:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.split(b"\r\n\r\n", 1)[-1].decode().strip()

dr = conn(80, 40001)
nat = conn(8080, 40002)
per = conn(81, 40003)
time.sleep(0.3)
lnc("three connections open (DR, NAT, persistent DR), no data yet")
for name, s in (("dr", dr), ("nat", nat), ("persistent", per)):
    print(name, "->", request(s))
    s.close()
time.sleep(0.3)
lnc("after each did one HTTP/1.0 request and closed")
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("198.18.0.10", 40004))
u.settimeout(3)
u.sendto(b"ping", ("198.18.0.100", 53))
print("udp ->", u.recvfrom(100)[0].decode())
time.sleep(0.3)
lnc("after one UDP request/reply (NAT)")
subprocess.run(["ip", "netns", "exec", "director", "ipvsadm", "--set", "600", "50", "200"])
s = conn(80, 40005)
time.sleep(0.3)
lnc("after --set 600 50 200: a new DR connection")
s.close()
time.sleep(0.3)
lnc("after it closed")
PY
ip netns attach director 1
sh_ns client python3 /tmp/client.py
echo "### ipvsadm -Ln --persistent-conn"
ipvsadm -Ln --persistent-conn
