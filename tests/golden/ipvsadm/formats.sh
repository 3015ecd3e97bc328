# --stats, --rate, --exact, --nosort and single-service listings on empty and populated tables.
run ipvsadm -Ln --stats
run ipvsadm -Ln --rate
run ipvsadm -Ln --exact
run ipvsadm -Ln --stats --exact
run ipvsadm -Ln --thresholds
run ipvsadm -Ln --persistent-conn
run ipvsadm -Ln --tun-info
run ipvsadm -S
run ipvsadm -A -t 198.18.0.150:80 -s rr
run ipvsadm -A -t 200.0.0.1:80 -s rr
run ipvsadm -A -t 10.0.0.1:80 -s rr
run ipvsadm -A -u 10.0.0.1:80 -s rr
run ipvsadm -A -t 10.0.0.1:79 -s rr
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.172 -m
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.171 -m
run ipvsadm -a -t 198.18.0.150:80 -r 200.0.0.9 -m
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.171:8080 -m
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.171:443 -m
run ipvsadm -Ln
run ipvsadm -Ln --nosort -t 198.18.0.150:80
run ipvsadm -Ln --stats
run ipvsadm -Ln --rate
run ipvsadm -Ln --stats --exact
run ipvsadm -Ln --rate --exact
run ipvsadm -Ln -X --stats -t 198.18.0.150:80
run ipvsadm -Ln --stats --rate
run ipvsadm -Ln --rate --thresholds
run ipvsadm -Ln --thresholds --persistent-conn --tun-info
run ipvsadm -Ln --stats --persistent-conn
run ipvsadm -Ln -t 198.18.0.150:80 --stats
run ipvsadm -Ln -u 10.0.0.1:80 --rate
run ipvsadm -Ln -t 198.18.0.150:81
run ipvsadm -L -n -u 198.18.0.150:80 --stats
run ipvsadm -Z
run ipvsadm -Z -t 198.18.0.150:80
run ipvsadm -Z -t 198.18.0.150:81
run ipvsadm -Ln --sort
run ipvsadm -l -n
run ipvsadm -L --numeric --connection
run ipvsadm -Lcn --persistent-conn
run ipvsadm -L --timeout
run ipvsadm -L --daemon
