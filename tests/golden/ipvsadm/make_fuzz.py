#!/usr/bin/env python3
"""Write fuzz.sh: random ipvsadm command lines (fixed seed) for a differential check.

The lines mix valid and invalid commands, options and values so that the
order of ipvsadm's checks and their messages are exercised; regen.sh runs them
in the oracle (fuzz.out) and the golden test replays them through pylvs-ipvsadm.
Sync-daemon starts and -R/-h are left out (their behaviour differs on purpose
or needs stdin).   python3 tests/golden/ipvsadm/make_fuzz.py > tests/golden/ipvsadm/fuzz.sh
"make_fuzz.py valid > fuzz-valid.sh" writes mostly well-formed table commands instead,
"make_fuzz.py syntax > fuzz-syntax.sh" lines of option syntax forms.
"""

import random
import shlex
import sys

SEED = 20261125
COUNT = 600

COMMANDS = ["-A", "-E", "-D", "-C", "-a", "-e", "-d", "-L", "-l", "-Z", "-S", "--set",
            "--stop-daemon foo", "--start-daemon bar", "-Ln", "-Lnc", "-Sn", "-At", "-au"]
HOSTS = ["198.18.0.150:80", "198.18.0.151:80", "198.18.0.150:0", "198.18.0.150",
         "[2001:db8::1]:80", "[2001:db8::2]:53", "2001:db8::3", "localhost:http",
         "127.0.0.1:8080", "10.1:80", "198.18.0.150:http", "198.18.0.150:99999", "80",
         "bad.invalid:80", "[2001:db8::1]", "198.18.0.150:", "300.1.1.1:80"]
SERVERS = ["198.18.0.171", "198.18.0.172:8080", "198.18.0.173:80", "[2001:db8::10]:80",
           "[2001:db8::11]", "localhost", "224.0.0.1", "0.0.0.0", "198.18.0.174:http",
           "198.18.0.175:0", "x.invalid"]
VALUES = {
    "-s": ["rr", "wrr", "sh", "mh", "wlc", "lc", "nosuch", "-p"],
    "-p": [None, "30", "0", "2678400", "2678401", "abc", "-5"],
    "-M": ["255.255.255.0", "24", "64", "129", "0", "localhost", "1.2.3"],
    "-f": ["1", "2", "0", "4294967295", "-1", "abc", "7"],
    "-w": ["0", "1", "5", "-1", "2147483647", "2147483648", "x"],
    "-x": ["0", "10", "-1", "100"],
    "-y": ["0", "20", "5", "z"],
    "-b": ["flag-1", "sh-port", "mh-fallback,mh-port", "bogus", "flag-2,flag-3", ",",
           "sh-fallback"],
    "--pe": ["sip", "nosuch"],
    "--tun-type": ["ipip", "gue", "gre", "vxlan"],
    "--tun-port": ["6080", "0", "65536", "x"],
    "--syncid": ["0", "255", "256"],
    "--mcast-interface": ["eth0"],
    "--mcast-port": ["8848", "0"],
    "--mcast-ttl": ["1", "256"],
    "--mcast-group": ["224.0.0.81", "198.18.0.1", "ff02::1"],
    "--sync-maxlen": ["1472", "70000"],
}
FLAGS = ["-g", "-i", "-m", "-n", "-c", "-6", "-o", "--timeout", "--daemon", "--stats",
         "--rate", "--thresholds", "--persistent-conn", "--nosort", "--sort", "--exact", "-X",
         "--tun-info", "--tun-nocsum", "--tun-csum", "--tun-remcsum", "--foo", "-q"]


def option(rng: random.Random) -> list[str]:
    roll = rng.random()
    if roll < 0.3:
        return [rng.choice(["-t", "-u", "--sctp-service"]), rng.choice(HOSTS)]
    if roll < 0.45:
        return ["-r", rng.choice(SERVERS)]
    if roll < 0.8:
        name = rng.choice(list(VALUES))
        value = rng.choice(VALUES[name])
        if value is None:
            return [name]
        if name.startswith("--") and rng.random() < 0.2:
            return [f"{name}={value}"]
        return [name, value]
    return [rng.choice(FLAGS)]


def line(rng: random.Random) -> list[str]:
    words = rng.choice(COMMANDS).split()
    if words[0] in ("-At", "-au"):
        words.append(rng.choice(HOSTS))
    if words[0] == "--set":
        count = rng.choice([2, 3, 3, 4])
        words += [rng.choice(["1", "0", "900", "x", "2678401"]) for _ in range(count)]
    for _ in range(rng.choice([0, 1, 2, 2, 3, 3, 4, 5])):
        words += option(rng)
    if rng.random() < 0.05:
        words.append("extra")
    return words


SERVICES = ["-t 198.18.0.150:80", "-t 198.18.0.151:80", "-u 198.18.0.150:53",
            "--sctp-service 198.18.0.150:3868", "-t [2001:db8::1]:80", "-u [2001:db8::1]:53",
            "-f 1", "-f 2 -6", "-t localhost:http", "-t 198.18.0.150:0"]
REALS = ["198.18.0.171", "198.18.0.172:8080", "198.18.0.173:80", "[2001:db8::10]:80",
         "[2001:db8::11]:8080", "localhost:http", "198.18.0.174:0"]
LISTINGS = ["-Ln", "-L", "-Ln --stats", "-Ln --rate --exact", "-Ln --thresholds",
            "-Ln --persistent-conn", "-Ln --tun-info", "-S", "-S -n", "-Lnc", "-L --timeout"]


def valid_line(rng: random.Random) -> list[str]:
    """A mostly well-formed table command on a few services and servers."""
    cmd = rng.choice(["-A", "-A", "-E", "-D", "-a", "-a", "-a", "-e", "-e", "-d", "-Z", "-C",
                      "--set", "-L"])
    if cmd == "-C" and rng.random() < 0.7:
        cmd = "-A"
    words = [cmd]
    if cmd == "--set":
        return words + [rng.choice(["0", "1", "60", "900"]) for _ in range(3)]
    if cmd == "-L":
        words = rng.choice(LISTINGS).split()
        if rng.random() < 0.3 and "-S" not in words and "-Lnc" not in words \
                and "--timeout" not in words:
            words += rng.choice(SERVICES).split()
        return words
    if cmd != "-C":
        words += rng.choice(SERVICES).split()
    if cmd in ("-A", "-E"):
        if rng.random() < 0.7:
            words += ["-s", rng.choice(["rr", "wrr", "lc", "wlc", "sh", "mh", "sed", "nq",
                                        "dh", "fo", "ovf", "lblc", "lblcr"])]
        if rng.random() < 0.4:
            words += ["-p"] + ([rng.choice(["30", "300", "1"])] if rng.random() < 0.7 else [])
            if rng.random() < 0.3:
                words += ["-M", rng.choice(["255.255.255.0", "64", "96"])]
            if rng.random() < 0.2:
                words += ["--pe", "sip"]
        if rng.random() < 0.2:
            words += ["-o"]
        if rng.random() < 0.2:
            words += ["-b", rng.choice(["flag-1", "flag-2,flag-3", "sh-port", "mh-port"])]
    elif cmd in ("-a", "-e", "-d"):
        words += ["-r", rng.choice(REALS)]
        if cmd != "-d":
            method = rng.choice(["", "-g", "-m", "-m", "-i"])
            if method:
                words.append(method)
            if method == "-i" and rng.random() < 0.5:
                words += rng.choice([["--tun-type", "gue", "--tun-port", "6080", "--tun-csum"],
                                     ["--tun-type", "gre", "--tun-remcsum"],
                                     ["--tun-type", "gre", "--tun-csum"], ["--tun-type", "ipip"]])
            if rng.random() < 0.6:
                words += ["-w", rng.choice(["0", "1", "3", "100"])]
            if rng.random() < 0.3:
                words += ["-x", rng.choice(["0", "50", "100"]), "-y", rng.choice(["0", "10", "60"])]
    return words


SYNTAX_WORDS = ["-A", "-a", "-L", "-l", "-Ln", "-nL", "-Lnc", "-cn", "-At", "-tA", "-srr",
                "-s=rr", "-s", "rr", "-p", "-p30", "-p=30", "--persistent", "--persistent=",
                "--persistent=5", "-t", "-t198.18.0.150:80", "--tcp-service=198.18.0.150:81",
                "198.18.0.150:80", "-r", "-r198.18.0.171", "-mw3", "-w", "-3", "3", "-",
                "--", "-list", "--list=1", "--numeric", "--num", "-n=1", "-6", "-f", "5",
                "-f5", "-Ef5", "-X", "--exact", "--stats", "--sort=", "-Z", "-C", "-S",
                "--set", "1", "--weight=", "-x", "-y5", "--pe=sip", "--sched-flags=flag-1",
                "-b", "flag-2", "--tun-type=gue", "--tun-port=6080", "-i", "-g", "-o", "-h",
                "-v", "--help", "--version", "-Lh", "-hL", "-vL", "-Ll", "-LL"]


def syntax_line(rng: random.Random) -> list[str]:
    """Words drawn from option syntax forms popt treats differently."""
    return [rng.choice(SYNTAX_WORDS) for _ in range(rng.choice([1, 2, 3, 3, 4, 5, 6]))]


def main() -> None:
    if sys.argv[1:] == ["syntax"]:
        rng = random.Random(SEED + 2)
        print(f"# Random option syntax (make_fuzz.py syntax, seed {SEED + 2}): bundles, attached")
        print("# and --opt=value arguments, lone - and --, values that look like options.")
        for _ in range(300):
            words = syntax_line(rng)
            if any(w in ("-h", "--help", "-Lh", "-hL") for w in words[:1]):
                continue  # our own help text differs on purpose
            print("run ipvsadm " + " ".join(shlex.quote(w) for w in words))
        print("run ipvsadm -Ln")
        return
    if sys.argv[1:] == ["valid"]:
        rng = random.Random(SEED + 1)
        print(f"# Random well-formed command lines (make_fuzz.py valid, seed {SEED + 1}): table")
        print("# semantics, kernel errors and every listing format along the way.")
        for _ in range(COUNT):
            print("run ipvsadm " + " ".join(shlex.quote(w) for w in valid_line(rng)))
        print("run ipvsadm -Ln")
        print("run ipvsadm -S")
        return
    rng = random.Random(SEED)
    print(f"# Random command lines (make_fuzz.py, seed {SEED}): ipvsadm's checks, their order")
    print("# and messages, and the table they leave behind (listed every 50 lines).")
    for i in range(COUNT):
        print("run ipvsadm " + " ".join(shlex.quote(w) for w in line(rng)))
        if i % 50 == 49:
            print("run ipvsadm -Ln")
            print("run ipvsadm -S -n")
    print("run ipvsadm -L")


if __name__ == "__main__":
    main()
