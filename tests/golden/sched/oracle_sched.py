#!/usr/bin/python3
"""Scheduler choices of the real IPVS under live traffic (run inside the oracle VM).

Usage (host), Linux 6.1 and the 6.12 backports kernel (which has twos):
  /work/shared/oracle/run.sh -q tests/golden/sched/oracle_sched.py > oracle_sched.out
  ORACLE_BUILD=/var/tmp/ipvs-oracle-bpo /work/shared/oracle/run.sh -q \
      tests/golden/sched/oracle_sched.py > oracle_sched_6.12.out

Every scenario builds one fresh service, then sends hand-made TCP packets from
the director itself (raw socket, LOCAL_OUT, where IPVS schedules local
clients): ``syn`` opens a connection that counts as active (SYN_RECV), ``fin``
sends SYN then FIN so it counts as inactive (TIME_WAIT). Real
servers are addresses routed into a dummy interface: only the choice matters.
Each client (address, port) is used once in the whole run, so every packet
with a new tuple is scheduled. After a scenario ``ipvsadm -Lnc`` tells which
real server each connection went to and ``ipvsadm -Ln`` gives the counters.
The output lines are the steps and the observed choices, replayed by
tests/unit/test_sched_oracle.py.
"""

import socket
import struct
import subprocess
import sys

VIP = "198.18.0.100"
VIP6 = "2001:db8::100"
SO_MARK = 36


def sh(*args):
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode:
        print(f"!! {' '.join(args)} rc={r.returncode} {r.stderr.strip()}")
        sys.exit(1)
    return r.stdout


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def tcp_packet(src, sport, dst, dport, flags):
    s, d = socket.inet_aton(src), socket.inet_aton(dst)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, 1000, 1 if flags & 0x10 else 0,
                      5 << 4, flags, 65535, 0, 0)
    c = csum(s + d + struct.pack("!BBH", 0, 6, len(tcp)) + tcp)
    tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0, s, d)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return ip + tcp


class Scenario:
    next_port = 20000
    count = 0

    local6 = set()  # IPv6 client addresses already on sched0

    def __init__(self, name, sched, flags="", fwmark=0, v6=False):
        Scenario.count += 1
        self.port = 1000 + Scenario.count
        self.fwmark = fwmark
        self.v6 = v6
        if v6:  # IPv6 clients are local sockets (connect() sends the SYN)
            self.svc = ["-f", str(fwmark), "-6"] if fwmark else ["-t", f"[{VIP6}]:{self.port}"]
            self.socks = []
        else:
            self.svc = ["-f", str(fwmark)] if fwmark else ["-t", f"{VIP}:{self.port}"]
        self.dests = {}  # name -> "addr:port"
        self.conns = []  # (kind, src, sport, dst)
        self.raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        if fwmark:
            self.raw.setsockopt(socket.SOL_SOCKET, SO_MARK, fwmark)
        print(f"# scenario {name}")
        family = " af=inet6" if v6 else ""
        print(f"svc sched={sched} flags={flags or '-'} fwmark={fwmark}{family}")
        cmd = ["ipvsadm", "-A", *self.svc, "-s", sched]
        if flags:
            cmd += ["-b", flags]
        sh(*cmd)

    def dest_addr(self, name):
        return self.dests[name]

    def add(self, name, weight, x=0, y=0):
        if self.v6:
            addr = f"[2001:db8:9::{len(self.dests) + 1}]:{self.port}"
        else:
            addr = f"198.18.9.{len(self.dests) + 1}:{self.port}"
        self.dests[name] = addr
        print(f"add {name} {addr} w={weight} x={x} y={y}")
        sh("ipvsadm", "-a", *self.svc, "-r", addr, "-g", "-w", str(weight),
           "-x", str(x), "-y", str(y))

    def edit(self, name, weight, x=0, y=0):
        print(f"edit {name} w={weight} x={x} y={y}")
        sh("ipvsadm", "-e", *self.svc, "-r", self.dests[name], "-g", "-w", str(weight),
           "-x", str(x), "-y", str(y))

    def delete(self, name):
        print(f"del {name}")
        sh("ipvsadm", "-d", *self.svc, "-r", self.dests[name])

    def esched(self, sched, flags=""):
        print(f"esched sched={sched} flags={flags or '-'}")
        cmd = ["ipvsadm", "-E", *self.svc, "-s", sched]
        if flags:
            cmd += ["-b", flags]
        sh(*cmd)

    def send(self, kind, n=1, src=None, dst=None):
        for _ in range(n):
            Scenario.next_port += 1
            sport = Scenario.next_port
            s = src or "198.19.0.1"
            d = dst or VIP
            dport = self.port
            if self.v6:
                self.connect6(s, sport, dst or VIP6, dport)
                self.conns.append((kind, f"[{s}]", sport, dst or VIP6))
                print(f"@conn {len(self.conns) - 1}")
                continue
            try:  # no destination: IPVS drops the packet, sendto gets EPERM
                self.raw.sendto(tcp_packet(s, sport, d, dport, 0x02), (d, 0))
                if kind == "fin":
                    self.raw.sendto(tcp_packet(s, sport, d, dport, 0x01), (d, 0))
            except PermissionError:
                pass
            self.conns.append((kind, s, sport, d))
            # the choice is filled in by finish(); keep the step order
            print(f"@conn {len(self.conns) - 1}")

    def connect6(self, src, sport, dst, dport):
        if src not in Scenario.local6:
            sh("ip", "-6", "addr", "add", f"{src}/128", "dev", "sched0", "nodad")
            Scenario.local6.add(src)
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        if self.fwmark:
            s.setsockopt(socket.SOL_SOCKET, SO_MARK, self.fwmark)
        s.setblocking(False)
        s.bind((src, sport))
        s.connect_ex((dst, dport))
        self.socks.append(s)

    def finish(self):
        by_src = {}
        # the listing is read in chunks while old entries expire, so a single read
        # can skip entries: take the union of three
        for _ in range(3):
            for line in sh("ipvsadm", "-Lnc").splitlines()[2:]:
                f = line.split()
                by_src[f[3]] = f[5]
        names = {v: k for k, v in self.dests.items()}
        self.choices = []
        for kind, s, sport, d in self.conns:
            dest = by_src.get(f"{s}:{sport}")
            chosen = names.get(dest, "-") if dest else "-"
            self.choices.append(f"{kind} {s}:{sport} {d} -> {chosen}")
        listing = sh("ipvsadm", "-Ln")
        counts = []
        for line in listing.splitlines():
            f = line.split()
            if len(f) == 6 and f[0] == "->" and f[1] in names:
                counts.append(f"{names[f[1]]} active={f[4]} inact={f[5]}")
        self.raw.close()
        for s in getattr(self, "socks", []):
            s.close()
        return counts


# Steps are printed as they run; "@conn i" placeholders are resolved at the end
# of each scenario (stdout is buffered per scenario to rewrite them).
class Out:
    def __init__(self):
        self.lines = []

    def write(self, s):
        self.lines.append(s)

    def flush(self):
        pass


def run(name, body, sched, flags="", fwmark=0, v6=False):
    real = sys.stdout
    buf = Out()
    sys.stdout = buf
    try:
        sc = Scenario(name, sched, flags, fwmark, v6)
        body(sc)
        counts = sc.finish()
    finally:
        sys.stdout = real
    text = "".join(buf.lines)
    out = []
    for line in text.splitlines():
        if line.startswith("@conn "):
            out.append(sc.choices[int(line.split()[1])])
        else:
            out.append(line)
    out += ["count " + c for c in counts]
    out.append("end")
    print("\n".join(out), flush=True)
    sh("ipvsadm", "-D", *sc.svc)


def clients(n, base=(198, 19, 1, 1)):
    a = struct.unpack("!I", bytes(base))[0]
    return [socket.inet_ntoa(struct.pack("!I", a + 37 * i)) for i in range(n)]


# ---- scenarios -------------------------------------------------------------

def rr_add_del(s):
    s.add("A", 1)
    s.add("B", 1)
    s.add("C", 1)
    s.send("syn", 5)
    s.delete("B")
    s.send("syn", 4)
    s.add("D", 1)
    s.send("syn", 4)
    s.edit("A", 0)
    s.send("syn", 4)
    s.delete("C")
    s.send("syn", 3)
    s.delete("D")
    s.delete("A")
    s.send("syn", 1)


def wrr_432(s):
    s.add("A", 4)
    s.add("B", 3)
    s.add("C", 2)
    s.send("syn", 20)
    s.edit("B", 1)
    s.send("syn", 10)
    s.edit("A", 0)
    s.send("syn", 8)
    s.delete("C")
    s.send("syn", 6)
    s.add("D", 5)
    s.send("syn", 12)


def wrr_234(s):
    s.add("C", 2)
    s.add("B", 3)
    s.add("A", 4)
    s.send("syn", 20)
    s.edit("A", 6)
    s.send("syn", 12)


def wrr_24(s):
    s.add("A", 2)
    s.add("B", 4)
    s.send("syn", 13)
    s.edit("B", 3)
    s.send("syn", 10)
    s.edit("A", 6)
    s.send("syn", 10)


def wrr_from_edit(s):
    s.add("A", 4)
    s.add("B", 3)
    s.add("C", 2)
    s.esched("wrr")
    s.send("syn", 20)


def wrr_zero_head(s):
    s.add("A", 4)
    s.add("C", 1)
    s.add("B", 0)
    s.send("syn", 3)
    s.edit("A", 2)
    s.send("syn", 6)


def wrr_zero_first(s):
    s.add("Z", 0)
    s.add("A", 1)
    s.send("syn", 4)
    s.add("B", 2)
    s.send("syn", 6)


def wrr_overload(s):
    s.add("A", 3, x=2)
    s.add("B", 1)
    s.send("syn", 8)


def lc_mixed(s):
    s.add("A", 1)
    s.add("B", 1)
    s.add("C", 2)
    s.send("syn", 3)
    s.send("fin", 4)
    s.send("syn", 2)
    s.send("fin", 3)
    s.edit("B", 0)
    s.send("fin", 3)


def wlc_mixed(s):
    s.add("A", 1)
    s.add("B", 2)
    s.add("C", 3)
    s.send("syn", 6)
    s.send("fin", 5)
    s.send("syn", 6)
    s.edit("C", 0)
    s.send("syn", 3)
    s.delete("A")
    s.send("fin", 3)


def sed_mixed(s):
    s.add("A", 1)
    s.add("B", 3)
    s.send("syn", 8)
    s.send("fin", 4)
    s.send("syn", 3)


def nq_mixed(s):
    s.add("A", 1)
    s.add("B", 3)
    s.add("C", 2)
    s.send("fin", 2)
    s.send("syn", 9)


def fo_basic(s):
    s.add("A", 1)
    s.add("B", 3)
    s.add("C", 3, x=2)
    s.send("fin", 4)
    s.edit("B", 0)
    s.send("fin", 2)
    s.edit("A", 0)
    s.send("fin", 1)


def ovf_basic(s):
    s.add("A", 2)
    s.add("B", 3)
    s.send("syn", 8)
    s.send("fin", 2)


def rr_thresholds(s):
    s.add("A", 1, x=2)
    s.add("B", 1, x=3, y=1)
    s.send("fin", 7)
    s.edit("A", 1, x=5)
    s.send("fin", 3)


def wlc_thresholds(s):
    s.add("A", 1, x=3)
    s.add("B", 2, x=2)
    s.send("syn", 7)


def sh_basic(s):
    s.add("A", 1)
    s.add("B", 2)
    s.add("C", 1)
    for c in clients(40):
        s.send("syn", src=c)
    s.delete("B")
    for c in clients(40):
        s.send("syn", src=c)


def sh_port(s):
    s.add("A", 1)
    s.add("B", 1)
    s.add("C", 1)
    for c in clients(6):
        s.send("syn", 4, src=c)


def sh_fallback(s):
    s.add("A", 1)
    s.add("B", 1)
    s.add("C", 1)
    for c in clients(20):
        s.send("syn", src=c)
    s.edit("B", 0, x=0)
    for c in clients(20):
        s.send("syn", src=c)


def sh_nofallback(s):
    s.add("A", 1)
    s.add("B", 1)
    s.add("C", 1)
    s.edit("B", 0)
    for c in clients(20):
        s.send("syn", src=c)


def dh_basic(s):
    s.add("A", 1)
    s.add("B", 5)
    s.add("C", 1)
    for d in clients(40, (198, 18, 64, 1)):
        s.send("syn", dst=d)
    s.delete("B")
    for d in clients(40, (198, 18, 64, 1)):
        s.send("syn", dst=d)
    s.edit("A", 0)
    for d in clients(10, (198, 18, 64, 1)):
        s.send("syn", dst=d)


def mh_weights(s):
    s.add("A", 1)
    s.add("B", 2)
    s.add("C", 3)
    s.add("D", 1)
    for c in clients(60):
        s.send("syn", src=c)
    s.delete("C")
    for c in clients(60):
        s.send("syn", src=c)
    s.edit("A", 0)
    for c in clients(30):
        s.send("syn", src=c)


def mh_port(s):
    s.add("A", 1)
    s.add("B", 1)
    s.add("C", 1)
    for c in clients(5):
        s.send("syn", 5, src=c)


def mh_fallback(s):
    s.add("A", 1)
    s.add("B", 1)
    s.add("C", 1)
    s.edit("C", 0)
    for c in clients(40):
        s.send("syn", src=c)


def lblc_basic(s):
    s.add("A", 1)
    s.add("B", 1)
    s.add("C", 2)
    ds = clients(4, (198, 18, 64, 1))
    for d in (ds[0], ds[1], ds[0], ds[2], ds[1], ds[3], ds[0]):
        s.send("fin", dst=d)
    for _ in range(3):
        s.send("syn", dst=ds[0])
    s.send("syn", 2, dst=ds[1])
    s.edit("B", 0)
    for d in ds:
        s.send("fin", dst=d)


def lblcr_basic(s):
    s.add("A", 1)
    s.add("B", 1)
    s.add("C", 2)
    ds = clients(4, (198, 18, 64, 1))
    for d in (ds[0], ds[1], ds[0], ds[2], ds[1], ds[3], ds[0]):
        s.send("fin", dst=d)
    for _ in range(4):
        s.send("syn", dst=ds[0])
    s.send("syn", 3, dst=ds[1])
    s.edit("C", 0)
    for d in ds:
        s.send("syn", dst=d)


def clients6(n, net="2001:db8"):
    addrs = [f"{net}:{7 * i + 1:x}:{13 * i:x}::{29 * i + 1:x}" for i in range(n)]
    # the canonical text, as ipvsadm -Lnc prints it
    return [socket.inet_ntop(socket.AF_INET6, socket.inet_pton(socket.AF_INET6, a))
            for a in addrs]


def sh_v6(s):
    s.add("A", 1)
    s.add("B", 2)
    s.add("C", 1)
    for c in clients6(30):
        s.send("syn", src=c)
    s.delete("B")
    for c in clients6(30):
        s.send("syn", src=c)


def mh_v6(s):
    s.add("A", 1)
    s.add("B", 2)
    s.add("C", 3)
    for c in clients6(30):
        s.send("syn", src=c)
    s.delete("C")
    for c in clients6(30):
        s.send("syn", src=c)


def dh_v6(s):
    s.add("A", 1)
    s.add("B", 1)
    s.add("C", 1)
    for d in clients6(30, "2001:db8:64"):
        s.send("syn", src="2001:db8:1::1", dst=d)


def mh_big_weights(s):
    s.add("A", 1)
    s.add("B", 1000)
    s.add("C", 300)
    s.add("D", 0)
    for c in clients(60):
        s.send("syn", src=c)
    s.edit("B", 0)
    for c in clients(30):
        s.send("syn", src=c)


def wrr_gcd(s):
    s.add("A", 100)
    s.add("B", 50)
    s.add("C", 25)
    s.send("syn", 14)
    s.edit("C", 75)
    s.send("syn", 12)


def sh_weights_edit(s):
    s.add("A", 3)
    s.add("B", 1)
    for c in clients(30):
        s.send("syn", src=c)
    s.edit("A", 1)
    for c in clients(30):
        s.send("syn", src=c)


def twos_filter(s):
    s.add("X", 5, x=1)
    s.add("Z", 0)
    s.add("A", 1)
    s.add("B", 2)
    s.send("fin", 40)


def twos_spread(s):
    s.add("A", 1)
    s.add("B", 3)
    s.add("C", 6)
    s.send("fin", 300)


def have_twos():
    probe = ["ipvsadm", "-A", "-t", f"{VIP}:1", "-s", "twos"]
    if subprocess.run(probe, capture_output=True).returncode:
        return False
    sh("ipvsadm", "-D", "-t", f"{VIP}:1")
    return True


def main():
    sh("ip", "link", "add", "sched0", "type", "dummy")
    sh("ip", "link", "set", "sched0", "up")
    sh("ip", "addr", "add", "198.18.0.1/15", "dev", "sched0")
    print("# kernel {}".format(sh("uname", "-r").strip()))
    run("rr-add-del", rr_add_del, "rr")
    run("wrr-432", wrr_432, "wrr")
    run("wrr-234", wrr_234, "wrr")
    run("wrr-24", wrr_24, "wrr")
    run("wrr-from-edit", wrr_from_edit, "rr")
    run("wrr-zero-head", wrr_zero_head, "wrr")
    run("wrr-zero-first", wrr_zero_first, "wrr")
    run("wrr-overload", wrr_overload, "wrr")
    run("lc-mixed", lc_mixed, "lc")
    run("wlc-mixed", wlc_mixed, "wlc")
    run("sed-mixed", sed_mixed, "sed")
    run("nq-mixed", nq_mixed, "nq")
    run("fo-basic", fo_basic, "fo")
    run("ovf-basic", ovf_basic, "ovf")
    run("rr-thresholds", rr_thresholds, "rr")
    run("wlc-thresholds", wlc_thresholds, "wlc")
    run("sh-basic", sh_basic, "sh")
    run("sh-port", sh_port, "sh", "sh-port")
    run("sh-fallback", sh_fallback, "sh", "sh-fallback")
    run("sh-nofallback", sh_nofallback, "sh")
    run("dh-basic", dh_basic, "dh", fwmark=7)
    run("mh-weights", mh_weights, "mh")
    run("mh-port", mh_port, "mh", "mh-port")
    run("mh-fallback", mh_fallback, "mh", "mh-fallback")
    run("lblc-basic", lblc_basic, "lblc", fwmark=8)
    run("lblcr-basic", lblcr_basic, "lblcr", fwmark=9)
    sh("ip", "-6", "addr", "add", "2001:db8::1/32", "dev", "sched0", "nodad")
    run("sh-v6", sh_v6, "sh", v6=True)
    run("mh-v6", mh_v6, "mh", v6=True)
    run("dh-v6", dh_v6, "dh", fwmark=11, v6=True)
    run("mh-big-weights", mh_big_weights, "mh")
    run("wrr-gcd", wrr_gcd, "wrr")
    run("sh-weights-edit", sh_weights_edit, "sh")
    if have_twos():  # Linux 6.5+ only; random, so tests check its properties
        run("twos-filter", twos_filter, "twos")
        run("twos-spread", twos_spread, "twos")


main()
