"""Send crafted frames through the real kernel IPVS (oracle VM) and record what comes out.

Run from the repo root: ``.venv/bin/python tests/golden/packet/make_oracle_frames.py``.
It builds the input frames with scapy, embeds them in a guest script, runs it with
``/work/shared/oracle/run.sh`` and writes ``oracle_frames.txt`` beside this file:
``CASE name side in_hex`` then one ``OUT iface hex`` line per frame the director emitted.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from scapy.layers.inet import ICMP, IP, TCP, UDP, IPOption_NOP
from scapy.layers.inet6 import ICMPv6DestUnreach, IPv6
from scapy.layers.l2 import Ether
from scapy.packet import Raw

HERE = Path(__file__).resolve().parent
ORACLE = Path("/work/shared/oracle/run.sh")

CL_MAC, DC_MAC, DR_MAC = "02:00:00:00:01:00", "02:00:00:00:00:01", "02:00:00:00:00:02"
RS_MAC = "02:00:00:00:02:00"
CIP, VIP = "198.18.0.100", "198.18.0.150"
RIP_DR, RIP_TUN, RIP_NAT, RIP_MTU, RIP_TMTU = (f"198.19.0.{n}" for n in (171, 172, 173, 174, 175))
CIP6, VIP6 = "2001:db8::100", "2001:db8::150"
R6_DR, R6_TUN, R6_NAT, R6_TMTU = (f"2001:db8:1::{n}" for n in (171, 172, 173, 175))


def cl4(**kw: object) -> Ether:
    ip = IP(src=CIP, dst=VIP, id=0x1234, **kw)  # type: ignore[arg-type]
    return Ether(src=CL_MAC, dst=DC_MAC) / ip


def cl6(**kw: object) -> Ether:
    return Ether(src=CL_MAC, dst=DC_MAC) / IPv6(src=CIP6, dst=VIP6, **kw)  # type: ignore[arg-type]


def rs4(src: str, **kw: object) -> Ether:
    ip = IP(src=src, dst=CIP, id=0x4321, **kw)  # type: ignore[arg-type]
    return Ether(src=RS_MAC, dst=DR_MAC) / ip


def rs6(src: str, **kw: object) -> Ether:
    return Ether(src=RS_MAC, dst=DR_MAC) / IPv6(src=src, dst=CIP6, **kw)  # type: ignore[arg-type]


SYN = {"flags": "S", "seq": 1000, "window": 64240}
PAY = Raw(b"pylvs-oracle")

CASES: list[tuple[str, str, Ether]] = [
    ("dr_tcp_syn", "cl", cl4(ttl=64, flags="DF") / TCP(sport=40001, dport=80, **SYN)),
    ("dr_ttl1", "cl", cl4(ttl=1) / TCP(sport=40002, dport=80, **SYN)),
    ("dr_ipopts", "cl", cl4(ttl=30, options=[IPOption_NOP()] * 4)
     / TCP(sport=40020, dport=80, **SYN)),
    ("dr_icmp_in", "cl", cl4(ttl=64) / ICMP(type=3, code=3)
     / IP(src=VIP, dst=CIP, ttl=63, id=7) / TCP(sport=80, dport=40001, flags="SA")),
    ("nat_tcp_syn", "cl", cl4(ttl=64, flags="DF") / TCP(sport=40003, dport=8080, **SYN) / PAY),
    ("nat_tcp_reply", "rs", rs4(RIP_NAT, ttl=64, flags="DF")
     / TCP(sport=80, dport=40003, flags="SA", seq=5000, ack=1001, window=65160) / PAY),
    ("nat_udp", "cl", cl4(ttl=64) / UDP(sport=40004, dport=53) / PAY),
    ("nat_udp_zero", "cl", cl4(ttl=64) / UDP(sport=40005, dport=53, chksum=0) / PAY),
    ("nat_udp_reply", "rs", rs4(RIP_NAT, ttl=64) / UDP(sport=5353, dport=40004) / PAY),
    ("nat_udp_reply_zero", "rs", rs4(RIP_NAT, ttl=64) / UDP(sport=5353, dport=40005, chksum=0)
     / PAY),
    ("nat_icmp_in", "cl", cl4(ttl=64) / ICMP(type=3, code=3)
     / IP(src=VIP, dst=CIP, ttl=63, id=9) / UDP(sport=53, dport=40004) / PAY),
    ("nat_icmp_out", "rs", rs4(RIP_NAT, ttl=64) / ICMP(type=3, code=3)
     / IP(src=CIP, dst=RIP_NAT, ttl=63, id=0x1234) / UDP(sport=40004, dport=5353) / PAY),
    ("nat_icmp_in_tcp", "cl", cl4(ttl=64) / ICMP(type=3, code=4, nexthopmtu=1200)
     / IP(src=VIP, dst=CIP, ttl=63, id=11, flags="DF")
     / TCP(sport=8080, dport=40003, flags="SA", seq=5000, ack=1001)),
    ("tun_tcp_ce_df", "cl", cl4(ttl=64, tos=0xBB, flags="DF") / TCP(sport=40006, dport=443, **SYN)),
    ("tun_tcp_ect0", "cl", cl4(ttl=20, tos=0x2A) / TCP(sport=40007, dport=443, **SYN)),
    ("tun_udp_v6dest", "cl", cl4(ttl=64, tos=0x10, flags="DF") / UDP(sport=40030, dport=444) / PAY),
    ("tun_gre", "cl", cl4(ttl=64, tos=0xBB, flags="DF") / TCP(sport=40040, dport=445, **SYN)),
    ("tun_gre_csum", "cl", cl4(ttl=64, flags="DF") / UDP(sport=40041, dport=446) / PAY),
    ("tun_gue", "cl", cl4(ttl=64, flags="DF") / TCP(sport=40042, dport=447, **SYN)),
    ("tun_gue_csum", "cl", cl4(ttl=64) / UDP(sport=40043, dport=448) / PAY),
    ("tun6_gre", "cl", cl6(hlim=64) / TCP(sport=40044, dport=445, **SYN)),
    ("tun6_gue_csum", "cl", cl6(hlim=64) / UDP(sport=40045, dport=448) / PAY),
    ("noport_tcp", "cl", cl4(ttl=64, flags="DF") / TCP(sport=40008, dport=81, **SYN) / PAY),
    ("noport_udp", "cl", cl4(ttl=64) / UDP(sport=40009, dport=82) / PAY),
    ("dr_mtu_df", "cl", cl4(ttl=64, flags="DF") / TCP(sport=40010, dport=90, **SYN)
     / Raw(b"x" * 1060)),
    ("nat_mtu_df", "cl", cl4(ttl=64, flags="DF") / UDP(sport=40011, dport=92)
     / Raw(b"y" * 1060)),
    ("tun_mtu_df", "cl", cl4(ttl=64, flags="DF") / TCP(sport=40012, dport=91, **SYN)
     / Raw(b"z" * 950)),
    ("tun_mtu_fits", "cl", cl4(ttl=64, flags="DF") / TCP(sport=40013, dport=91, **SYN)
     / Raw(b"z" * 940)),
    ("nat_reply_mtu_df", "rs", rs4(RIP_NAT, ttl=64, flags="DF")
     / TCP(sport=80, dport=40003, flags="A", seq=5001, ack=1013) / Raw(b"w" * 1060)),
    ("nat_reply_ttl1", "rs", rs4(RIP_NAT, ttl=1)
     / TCP(sport=80, dport=40003, flags="A", seq=5001, ack=1013) / PAY),
    ("dr6_tcp", "cl", cl6(hlim=64, tc=0x28, fl=0x12345) / TCP(sport=40001, dport=80, **SYN)),
    ("nat6_tcp", "cl", cl6(hlim=64) / TCP(sport=40003, dport=8080, **SYN) / PAY),
    ("nat6_tcp_reply", "rs", rs6(R6_NAT, hlim=64)
     / TCP(sport=80, dport=40003, flags="SA", seq=5000, ack=1001) / PAY),
    ("nat6_udp", "cl", cl6(hlim=64) / UDP(sport=40004, dport=53) / PAY),
    ("nat6_icmp_out", "rs", rs6(R6_NAT, hlim=64) / ICMPv6DestUnreach(code=4)
     / IPv6(src=CIP6, dst=R6_NAT, hlim=63) / UDP(sport=40004, dport=5353) / PAY),
    ("tun6_tcp", "cl", cl6(hlim=64, tc=0xBB, fl=0xABCDE) / TCP(sport=40006, dport=443, **SYN)),
    ("tun6_v4dest", "cl", cl6(hlim=64, tc=0x10) / UDP(sport=40031, dport=444) / PAY),
    ("noport6_udp", "cl", cl6(hlim=64) / UDP(sport=40009, dport=82) / PAY),
    ("tun6_mtu", "cl", cl6(hlim=64) / TCP(sport=40012, dport=91, **SYN) / Raw(b"z" * 1340)),
]

GUEST = r"""#!/bin/sh
set -u
for k in all default; do
    sysctl -qw net.ipv6.conf.$k.accept_dad=0 net.ipv6.conf.$k.router_solicitations=0 \
        net.ipv6.conf.$k.disable_ipv6=0
done
mk() {  # ns mac rootside rootmac
    ip netns add $1
    ip netns exec $1 sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
    ip link add $3 address $4 type veth peer name eth0 address $2 netns $1
    ip -n $1 link set lo up; ip -n $1 link set eth0 up; ip link set $3 up
}
mk cl 02:00:00:00:01:00 dc 02:00:00:00:00:01
mk rs 02:00:00:00:02:00 dr 02:00:00:00:00:02
ip addr add 198.18.0.1/24 dev dc; ip addr add 198.18.0.150/32 dev dc
ip addr add 198.19.0.1/24 dev dr
ip -6 addr add 2001:db8::1/64 dev dc nodad; ip -6 addr add 2001:db8::150/128 dev dc nodad
ip -6 addr add 2001:db8:1::1/64 dev dr nodad
ip neigh add 198.18.0.100 lladdr 02:00:00:00:01:00 dev dc
ip -6 neigh add 2001:db8::100 lladdr 02:00:00:00:01:00 dev dc
for n in 171 172 173 174 175; do
    ip neigh add 198.19.0.$n lladdr 02:00:00:00:01:$((n-100)) dev dr
    ip -6 neigh add 2001:db8:1::$n lladdr 02:00:00:00:06:$((n-100)) dev dr
done
ip route add 198.19.0.174/32 dev dr mtu lock 1000
ip route add 198.19.0.175/32 dev dr mtu lock 1000
ip route add 198.18.0.100/32 dev dc mtu lock 1000
ip -6 route add 2001:db8:1::175/128 dev dr mtu lock 1400
sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
A() { ipvsadm "$@" || echo "ipvsadm $* failed"; }
A -A -t 198.18.0.150:80 -s rr;   A -a -t 198.18.0.150:80 -r 198.19.0.171:80 -g
A -A -t 198.18.0.150:8080 -s rr; A -a -t 198.18.0.150:8080 -r 198.19.0.173:80 -m
A -A -u 198.18.0.150:53 -s rr;   A -a -u 198.18.0.150:53 -r 198.19.0.173:5353 -m
A -A -t 198.18.0.150:443 -s rr;  A -a -t 198.18.0.150:443 -r 198.19.0.172:443 -i
A -A -u 198.18.0.150:444 -s rr;  A -a -u 198.18.0.150:444 -r [2001:db8:1::172]:444 -i
A -A -t 198.18.0.150:445 -s rr
A -a -t 198.18.0.150:445 -r 198.19.0.172:445 -i --tun-type gre --tun-nocsum
A -A -u 198.18.0.150:446 -s rr
A -a -u 198.18.0.150:446 -r 198.19.0.172:446 -i --tun-type gre --tun-csum
A -A -t 198.18.0.150:447 -s rr
A -a -t 198.18.0.150:447 -r 198.19.0.172:447 -i --tun-type gue --tun-port 6080 --tun-nocsum
A -A -u 198.18.0.150:448 -s rr
A -a -u 198.18.0.150:448 -r 198.19.0.172:448 -i --tun-type gue --tun-port 6080 --tun-csum
A -A -t [2001:db8::150]:445 -s rr
A -a -t [2001:db8::150]:445 -r [2001:db8:1::172]:445 -i --tun-type gre
A -A -u [2001:db8::150]:448 -s rr
A -a -u [2001:db8::150]:448 -r [2001:db8:1::172]:448 -i --tun-type gue --tun-port 6080 --tun-csum
A -A -t 198.18.0.150:81 -s rr
A -A -u 198.18.0.150:82 -s rr
A -A -t 198.18.0.150:90 -s rr;   A -a -t 198.18.0.150:90 -r 198.19.0.174:90 -g
A -A -u 198.18.0.150:92 -s rr;   A -a -u 198.18.0.150:92 -r 198.19.0.174:92 -m
A -A -t 198.18.0.150:91 -s rr;   A -a -t 198.18.0.150:91 -r 198.19.0.175:91 -i
A -A -t [2001:db8::150]:80 -s rr;   A -a -t [2001:db8::150]:80 -r [2001:db8:1::171]:80 -g
A -A -t [2001:db8::150]:8080 -s rr; A -a -t [2001:db8::150]:8080 -r [2001:db8:1::173]:80 -m
A -A -u [2001:db8::150]:53 -s rr;   A -a -u [2001:db8::150]:53 -r [2001:db8:1::173]:5353 -m
A -A -t [2001:db8::150]:443 -s rr;  A -a -t [2001:db8::150]:443 -r [2001:db8:1::172]:443 -i
A -A -u [2001:db8::150]:444 -s rr;  A -a -u [2001:db8::150]:444 -r 198.19.0.172:444 -i
A -A -u [2001:db8::150]:82 -s rr
A -A -t [2001:db8::150]:91 -s rr;   A -a -t [2001:db8::150]:91 -r [2001:db8:1::175]:91 -i
sleep 1
cat > /tmp/inject.py <<'PY'
import ctypes, os, select, socket, time
libc = ctypes.CDLL(None, use_errno=True)
def open_in(ns):
    fd = os.open("/var/run/netns/" + ns, os.O_RDONLY)
    assert libc.setns(fd, 0x40000000) == 0
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.bind(("eth0", 0))
    return s
home = os.open("/proc/self/ns/net", os.O_RDONLY)
socks = {"cl": open_in("cl"), "rs": open_in("rs")}
libc.setns(home, 0x40000000)
def drain(t):
    end = time.time() + t
    out = []
    while True:
        left = end - time.time()
        if left <= 0:
            return out
        r, _, _ = select.select(list(socks.values()), [], [], left)
        for name, s in socks.items():
            if s in r:
                data, addr = s.recvfrom(65535)
                if addr[2] != socket.PACKET_OUTGOING:
                    out.append((name, data))
drain(0.5)
for name, side, frame in CASES:
    socks[side].send(bytes.fromhex(frame))
    print("CASE", name, side, frame)
    for iface, data in drain(0.4):
        print("OUT", iface, data.hex())
PY
"""


def main() -> int:
    table = "CASES = [\n" + "".join(
        f"    ({n!r}, {s!r}, {bytes(f).hex()!r}),\n" for n, s, f in CASES
    ) + "]\n"
    guest = GUEST.replace("cat > /tmp/inject.py <<'PY'\n", "cat > /tmp/inject.py <<'PY'\n" + table)
    guest += "python3 /tmp/inject.py\necho DONE\n"
    script = HERE / "oracle_frames.guest.sh"
    script.write_text(guest)
    res = subprocess.run(
        [str(ORACLE), "-q", str(script)], capture_output=True, text=True, check=False
    )
    (HERE / "oracle_frames.txt").write_text(res.stdout)
    sys.stderr.write(res.stderr)
    return res.returncode


if __name__ == "__main__":
    raise SystemExit(main())
