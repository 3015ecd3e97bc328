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

for r in rs1 rs2; do
    mkdir -p /srv/$r && echo "$r" > /srv/$r/index.html
    sh_ns $r httpd -p 80 -h /srv/$r
done
cat > /tmp/udpecho.py <<'PY'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 53))
while True:
    data, peer = s.recvfrom(2048)
    s.sendto(data, peer)
PY
sh_ns rs3 python3 /tmp/udpecho.py &
sh_ns rs4 python3 /tmp/udpecho.py &
sleep 0.5
# persistent DR service with a 3 s persistence timeout, and a persistent NAT UDP service
ipvsadm -A -t 198.18.0.100:80 -s rr -p 3
ipvsadm -a -t 198.18.0.100:80 -r 198.18.0.11:80 -g
ipvsadm -a -t 198.18.0.100:80 -r 198.18.0.12:80 -g
ipvsadm -A -u 198.18.0.100:53 -s rr -p 30
ipvsadm -a -u 198.18.0.100:53 -r 198.19.0.11:53 -m
ipvsadm -a -u 198.18.0.100:53 -r 198.19.1.11:53 -m
ip netns attach director 1

cat > /tmp/client.py <<'PY'
import socket, subprocess, time

def sh(*cmd):
    subprocess.run(["ip", "netns", "exec", "director", *cmd])

def lnc(title):
    print("### " + title, flush=True)
    out = subprocess.run(["ip", "netns", "exec", "director", "ipvsadm", "-Lnc"],
                         capture_output=True, text=True).stdout
    rows = sorted(out.splitlines()[2:], key=lambda r: (r.split()[4], r.split()[3]))
    print("\n".join(rows), flush=True)

def conn(sport):
    s = socket.socket()
    s.bind(("198.18.0.10", sport))
    s.settimeout(3)
    s.connect(("198.18.0.100", 80))
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

t0 = time.monotonic()
def at(t):
    time.sleep(max(0.0, t0 + t - time.monotonic()))

held = conn(41001)
at(0.5)
lnc("t=0.5 one connection held open, template -p 3")
at(4.5)
lnc("t=4.5 template timer ran out while it controls the connection")
print("held ->", request(held)); held.close()
at(5.0)
lnc("t=5.0 after the held connection closed")
s = conn(41002)
print("reuse ->", request(s)); s.close()
at(5.5)
lnc("t=5.5 a second connection reused the template")
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("198.18.0.10", 41003))
u.settimeout(3)
u.sendto(b"x", ("198.18.0.100", 53))
print("udp ->", u.recvfrom(10)[0].decode())
at(6.0)
lnc("t=6.0 after a UDP request and reply to the persistent NAT UDP service")
sh("ipvsadm", "-e", "-t", "198.18.0.100:80", "-r", "198.18.0.11:80", "-g", "-w", "0")
sh("ipvsadm", "-e", "-t", "198.18.0.100:80", "-r", "198.18.0.12:80", "-g", "-w", "0")
s = conn(41004)
print("weight 0 ->", request(s)); s.close()
at(6.5)
lnc("t=6.5 both dests weight 0: the template still sends the client to its dest")
sh("sysctl", "-qw", "net.ipv4.vs.expire_quiescent_template=1")
sh("ipvsadm", "-e", "-t", "198.18.0.100:80", "-r", "198.18.0.12:80", "-g", "-w", "1")
sh("ipvsadm", "-e", "-t", "198.18.0.100:80", "-r", "198.18.0.11:80", "-g", "-w", "1")
sh("ipvsadm", "-e", "-t", "198.18.0.100:80", "-r", "198.18.0.12:80", "-g", "-w", "0")
s = conn(41005)
print("quiescent template invalid ->", request(s)); s.close()
at(7.0)
lnc("t=7.0 expire_quiescent_template=1, the template's dest weight 0: a new template")
sh("ipvsadm", "-Ln", "--persistent-conn")
PY
sh_ns client python3 /tmp/client.py
