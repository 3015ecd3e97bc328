#!/bin/sh
# -L --daemon with sync daemons running (run in the oracle, output in daemon.out).
ip link set lo up
modprobe dummy 2>/dev/null  # makes dummy0
ip link show dummy0 >/dev/null 2>&1 || ip link add dummy0 type dummy
ip link set dummy0 up
ip addr add 198.18.5.1/24 dev dummy0
ip link set dummy0 multicast on
run() { echo "### \$ ipvsadm $*"; ipvsadm "$@"; echo "### rc=$?"; }
run -L --daemon
run --start-daemon master --mcast-interface dummy0
run -L --daemon
run --start-daemon backup --mcast-interface dummy0 --syncid 7 --mcast-group 239.1.2.3 --mcast-port 9000 --mcast-ttl 3 --sync-maxlen 1000
run -L --daemon
run --stop-daemon master
run -L --daemon
run --start-daemon master --mcast-interface dummy0 --syncid 200 --mcast-group ff02::123 --mcast-port 8849
run -L --daemon
