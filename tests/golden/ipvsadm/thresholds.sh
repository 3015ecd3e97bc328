# Weights and connection thresholds (-w -x -y) and their listings.
run ipvsadm -A -t 198.18.0.150:80 -s wlc
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.171 -x 100 -y 20
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.172 -x 10 -y 20
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.173 -w 0 -x 2147483647 -y 2147483647
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.174 -w 2147483647
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.175 -w 2147483648
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.175 -w -1
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.175 -w 1.5
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.175 -x -1
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.175 -y x
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.175 -w 65536 -y 5
run ipvsadm -Ln
run ipvsadm -Ln --thresholds
run ipvsadm -Ln --persistent-conn
run ipvsadm -S -n
run ipvsadm -e -t 198.18.0.150:80 -r 198.18.0.171 -x 50
run ipvsadm -e -t 198.18.0.150:80 -r 198.18.0.171 -y 60 -x 50
run ipvsadm -e -t 198.18.0.150:80 -r 198.18.0.172 -m
run ipvsadm -e -t 198.18.0.150:80 -r 198.18.0.172:80 -m -w 4
run ipvsadm -Ln --thresholds
run ipvsadm -Ln
