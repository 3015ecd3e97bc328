# Tunnel servers: --tun-type ipip/gue/gre, ports and checksum options, --tun-info.
run ipvsadm -A -t 198.18.0.150:80 -s rr
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.171 -i
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.172 -i --tun-type gue --tun-port 6080
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.173 -i --tun-type gue --tun-port 6081 --tun-csum
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.174 -i --tun-type=gue --tun-port=6082 --tun-remcsum
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.175 -i --tun-type gre
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.176 -i --tun-type gre --tun-csum
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.177 -i --tun-type gre --tun-nocsum
run ipvsadm -a -t 198.18.0.150:80 -r [2001:db8::178]:80 -i
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.179 -i --tun-type ipip
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.180 -i --tun-type gue
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.180 -i --tun-type gue --tun-port 1 --tun-csum --tun-remcsum
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.180 -i --tun-type gre --tun-port 6080
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.180 -i --tun-type gre --tun-remcsum
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.180 -i --tun-type gre --tun-csum --tun-nocsum
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.180 -i --tun-nocsum
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.180 -i --tun-type vxlan
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.180 -i --tun-type gue --tun-port 0
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.180 -i --tun-type gue --tun-port 65536
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.180 -m --tun-type gre
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.180 --tun-port 5 --tun-type gue
run ipvsadm -a -t 198.18.0.150:80 -r [2001:db8::180]:80 -m --tun-csum
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.180 -i --tun-type gue --tun-port 1 --tun-port 2
run ipvsadm -Ln
run ipvsadm -Ln --tun-info
run ipvsadm -Ln --tun-info --thresholds
run ipvsadm -S -n
run ipvsadm -e -t 198.18.0.150:80 -r 198.18.0.172 -i --tun-type gre --tun-csum
run ipvsadm -e -t 198.18.0.150:80 -r 198.18.0.173 -i
run ipvsadm -Ln --tun-info
