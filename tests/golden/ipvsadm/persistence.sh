# Persistence: -p with and without a value, -M masks, --pe, and the resulting listings.
run ipvsadm -A -t 198.18.0.150:80 -s rr -p
run ipvsadm -A -t 198.18.0.150:81 -p 1
run ipvsadm -A -t 198.18.0.150:82 -p 2678400
run ipvsadm -A -t 198.18.0.150:83 -p 2678401
run ipvsadm -A -t 198.18.0.150:84 -p 0
run ipvsadm -A -t 198.18.0.150:85 -p abc
run ipvsadm -A -t 198.18.0.150:86 -p30 -M 255.255.255.0
run ipvsadm -A -t 198.18.0.150:87 --persistent=40 -M 255.255.0.0
run ipvsadm -A -t 198.18.0.150:88 --persistent 50 -M 24
run ipvsadm -A -M 255.0.0.0 -t 198.18.0.150:89 -p
run ipvsadm -A -t 198.18.0.150:90 -M 255.255.255.0
run ipvsadm -A -t 198.18.0.150:91 -p -s wlc
run ipvsadm -A -t 198.18.0.150:92 -p -M 300.0.0.0
run ipvsadm -A -t 198.18.0.150:93 -p -M 0x0ffffff0
run ipvsadm -A -u 198.18.0.150:5060 -p 60 --pe sip
run ipvsadm -A -u 198.18.0.150:5061 --pe sip
run ipvsadm -A -u 198.18.0.150:5062 -p --pe nosuch
run ipvsadm -A -t 198.18.0.150:0 -p 120
run ipvsadm -A -t 198.18.0.150:0
run ipvsadm -A -t 198.18.0.150:94 -p 10 20
run ipvsadm -A -t 198.18.0.150:95 -p -5
run ipvsadm -A -t 198.18.0.150:96 -p 5 -p 6
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.171 -g
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.172 -g
run ipvsadm -Ln
run ipvsadm -Ln --persistent-conn
run ipvsadm -S -n
run ipvsadm -E -t 198.18.0.150:80 -s rr
run ipvsadm -E -t 198.18.0.150:86 -p 30
run ipvsadm -Ln -t 198.18.0.150:80
run ipvsadm -Ln -t 198.18.0.150:86
