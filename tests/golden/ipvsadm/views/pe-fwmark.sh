#!/bin/sh
# Connection listings with a persistence engine (sip) and with fwmark templates
# (run in the oracle, output in pe-fwmark.out).
#
#   client ns 198.18.0.10 --+-- br0 (director 198.18.0.1, VIP 198.18.0.100)
#   rs1 ns    198.18.0.11 --+   DR real server with the VIP on lo
#
# UDP 198.18.0.100:5060 rr -p 120 --pe sip -> rs1 (-g)   SIP requests with Call-IDs
# FWM 5 rr -p 30 -> rs1 (-g): listed only; the VM has no nft to mark packets, so the
# connection attempt to 198.18.0.100:8000 finds no service and makes no entry.
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
ip -n rs1 addr add 198.18.0.100/32 dev lo
ip netns exec rs1 sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
modprobe ip_vs_pe_sip 2>/dev/null
ipvsadm -A -u 198.18.0.100:5060 -s rr -p 120 --pe sip
ipvsadm -a -u 198.18.0.100:5060 -r 198.18.0.11:5060 -g
ipvsadm -A -f 5 -s rr -p 30
ipvsadm -a -f 5 -r 198.18.0.11:0 -g
# mark TCP to 198.18.0.100:8000 with 5 where nftables exists
if command -v nft >/dev/null 2>&1; then
    nft add table ip m && nft add chain ip m pre '{ type filter hook prerouting priority -150; }' &&
    nft add rule ip m pre ip daddr 198.18.0.100 tcp dport 8000 meta mark set 5
fi
cat > /tmp/sip.py <<'PY'
import socket
for i, call in enumerate(["a84b4c76e66710@pc33", "call-2@client.example"]):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("198.18.0.10", 5070 + i))
    msg = ("INVITE sip:bob@198.18.0.100 SIP/2.0\r\n"
           "Via: SIP/2.0/UDP 198.18.0.10:%d\r\n"
           "From: <sip:alice@198.18.0.10>\r\nTo: <sip:bob@198.18.0.100>\r\n"
           "Call-ID: %s\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n" % (5070 + i, call))
    s.sendto(msg.encode(), ("198.18.0.100", 5060))
    s.close()
PY
ip netns exec client python3 /tmp/sip.py
ip netns exec client python3 -c '
import socket
s = socket.socket()
s.settimeout(1)
try:
    s.connect(("198.18.0.100", 8000))
except Exception as e:
    pass
'
for cmd in "-Lnc" "-Lnc --persistent-conn" "-Lc --persistent-conn" "-Ln --persistent-conn"; do
    echo "### \$ ipvsadm $cmd"
    ipvsadm $cmd
done
cat /proc/net/ip_vs_conn
