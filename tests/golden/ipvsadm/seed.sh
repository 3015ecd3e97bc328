# The seed how-to's command sequence for an LVS-DR director, in its order.
run ipvsadm -Ln
run ipvsadm -A -t 192.168.1.151:80 -s rr -p 5
run ipvsadm -a -t 192.168.1.151:80 -r 192.168.1.60:80 -g
run ipvsadm -a -t 192.168.1.151:80 -r 192.168.1.61:80 -g
run ipvsadm -S
run ipvsadm -Ln
run ipvsadm -Ln --stats
run ipvsadm -Ln --persistent-conn
run ipvsadm -Lnc
run ipvsadm --set 1 1 1
run ipvsadm -Ln --timeout
run ipvsadm -Lnc
run ipvsadm -C
run ipvsadm -Ln
