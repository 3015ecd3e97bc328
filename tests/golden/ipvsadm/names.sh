# Name resolution: host and service names in arguments and listings (loopback only).
run ipvsadm -A -t localhost:http -s rr
run ipvsadm -A -t 127.0.0.1:80 -s rr
run ipvsadm -A -u localhost:domain -s rr
run ipvsadm -A -t 127.0.0.1:http-alt -s rr
run ipvsadm -A -t 127.0.0.1:nosuchport -s rr
run ipvsadm -A -t [::1]:http -s rr
run ipvsadm -a -t localhost:http -r localhost -m
run ipvsadm -a -t localhost:http -r 127.0.0.1:8080 -m
run ipvsadm -a -t localhost:http -r 127.0.0.1:ssh -m
run ipvsadm -a -t [::1]:80 -r [::1]:https -m
run ipvsadm -a -u localhost:53 -r 127.0.0.1:domain -m
run ipvsadm -a -t 127.0.0.1:8080 -r 127.0.0.2:http-alt -m
run ipvsadm -A -t 127.0.0.1:81 -s rr -p -M localhost
run ipvsadm -A -t 10.1:80 -s rr
run ipvsadm -A -t 0x7f.1:82 -s rr
run ipvsadm -A -t 017700000001:83 -s rr
run ipvsadm -A -t 127.0.0.1:65535 -s rr
run ipvsadm -L
run ipvsadm
run ipvsadm -l --stats
run ipvsadm -L --thresholds
run ipvsadm -L -t localhost:http
run ipvsadm -L -u 127.0.0.1:domain
run ipvsadm -S
run ipvsadm -S -n
