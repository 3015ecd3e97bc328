# Kernel-operation errors (libipvs messages, exit 255) and what they leave behind.
run ipvsadm -A -t 198.18.0.150:80 -s rr
run ipvsadm -A -t 198.18.0.150:80 -s wlc
run ipvsadm -E -t 198.18.0.150:81 -s rr
run ipvsadm -D -t 198.18.0.150:81
run ipvsadm -Z -t 198.18.0.150:81
run ipvsadm -a -t 198.18.0.150:81 -r 198.18.0.171
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.171
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.171
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.171:8080
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.172 -x 10 -y 20
run ipvsadm -a -t 198.18.0.150:80 -r 224.0.0.1
run ipvsadm -a -t 198.18.0.150:80 -r 0.0.0.0
run ipvsadm -a -t 198.18.0.150:80 -r 255.255.255.255
run ipvsadm -e -t 198.18.0.150:80 -r 198.18.0.172
run ipvsadm -e -t 198.18.0.150:81 -r 198.18.0.172
run ipvsadm -e -t 198.18.0.150:80 -r 198.18.0.171 -x 1 -y 2
run ipvsadm -d -t 198.18.0.150:80 -r 198.18.0.172
run ipvsadm -d -t 198.18.0.150:81 -r 198.18.0.172
run ipvsadm -d -t 1.2.3.4:80 -r 5.6.7.8:80
run ipvsadm -A -t 198.18.0.150:82 -s nosuch
run ipvsadm -A -t 198.18.0.150:82 -s abcdefghijklmnopqrstu
run ipvsadm -A -t 198.18.0.150:82 -s -p
run ipvsadm -A -u 198.18.0.150:82 -p --pe nosuch
run ipvsadm -L -t 198.18.0.150:81
run ipvsadm -L -n -f 5
run ipvsadm -Ln
run ipvsadm -D -t 198.18.0.150:80
run ipvsadm -D -t 198.18.0.150:80
run ipvsadm -C
run ipvsadm -C
run ipvsadm -Z
run ipvsadm -Ln
