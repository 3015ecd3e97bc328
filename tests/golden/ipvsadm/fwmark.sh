# Firewall-mark services, IPv4 and IPv6 (-6), their servers and listing order.
# (Marks of 2^31 and more make ipvsadm's comparator cyclic, so their order then
# depends on the kernel's hash order; only one such mark is used here.)
run ipvsadm -A -f 1 -s rr
run ipvsadm -A -f 2 -6 -s rr -p 30 -M 64
run ipvsadm -A -f 4294967295 -s rr
run ipvsadm -A -f 3 -6 -6 -M 64 -p
run ipvsadm -A -f 5 -M 48 -6 -p
run ipvsadm -A -f 6 -6 -M 255.255.255.0 -p
run ipvsadm -A -f 7 -o
run ipvsadm -A -f 0
run ipvsadm -A -f -1
run ipvsadm -A -f 4294967296
run ipvsadm -A -f 1x
run ipvsadm -A -6 -f 8
run ipvsadm -A -t 198.18.0.150:80 -6
run ipvsadm -a -f 1 -r 198.18.0.171 -m
run ipvsadm -a -f 1 -r 198.18.0.172:8080 -m
run ipvsadm -a -f 1 -r 198.18.0.173 -g
run ipvsadm -a -f 2 -6 -r [2001:db8::1]:80 -m
run ipvsadm -a -f 2 -r [2001:db8::1]:80 -m
run ipvsadm -A -t 198.18.0.150:80 -f 9
run ipvsadm -Ln
run ipvsadm -L
run ipvsadm -Lnf 2
run ipvsadm -Lnf 2 -6
run ipvsadm -S -n
run ipvsadm -Z -f 1
run ipvsadm -Z -f 9
run ipvsadm -D -f 2 -6
run ipvsadm -d -f 1 -r 198.18.0.173:0
run ipvsadm -S
