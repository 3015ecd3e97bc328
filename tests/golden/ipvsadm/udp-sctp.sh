# UDP and SCTP services, one-packet scheduling, zero ports.
run ipvsadm -A -u 198.18.0.150:53 -s rr
run ipvsadm -a -u 198.18.0.150:53 -r 198.18.0.171 -m
run ipvsadm -a -u 198.18.0.150:53 -r 198.18.0.172:5353 -m -w 5
run ipvsadm -A -u 198.18.0.150:5300 -s rr -o
run ipvsadm -A -u 198.18.0.150:0 -o
run ipvsadm -A -u 198.18.0.150:0 -p 30
run ipvsadm -A -t 198.18.0.150:53 -o
run ipvsadm -A --sctp-service 198.18.0.150:3868 -s wlc
run ipvsadm -a --sctp-service 198.18.0.150:3868 -r 198.18.0.171:3868
run ipvsadm -a --sctp-service=198.18.0.150:3868 --real-server=198.18.0.172 --weight=3
run ipvsadm -A --sctp-service [2001:db8::150]:3868 -s rr
run ipvsadm -Ln
run ipvsadm -Ln --nosort -u 198.18.0.150:53
run ipvsadm -S -n
run ipvsadm -E -u 198.18.0.150:5300 -s wlc
run ipvsadm -E --sctp-service 198.18.0.150:3868 -s rr -p
run ipvsadm -e -u 198.18.0.150:53 -r 198.18.0.171:53 -w 7
run ipvsadm -Ln
