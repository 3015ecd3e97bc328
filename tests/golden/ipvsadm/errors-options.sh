# Command-line errors: messages and exit codes of ipvsadm's option checks.
run ipvsadm -A -t 198.18.0.150:80 -s rr -s wrr
run ipvsadm -A -t 198.18.0.150:80 -t 198.18.0.150:81
run ipvsadm -A -t 198.18.0.150:80 -u 198.18.0.150:81
run ipvsadm -A -t 198.18.0.150:80 -f 3
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.171 -g -m
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.171 -x 1 -x 2
run ipvsadm -L -n -n
run ipvsadm -A -t 198.18.0.150:80 -A
run ipvsadm -A -t 198.18.0.150:80 -a
run ipvsadm -L -h
run ipvsadm -L -v
run ipvsadm -L -C
run ipvsadm -L --set 1 2 3
run ipvsadm -Ln -S
run ipvsadm -n -L
run ipvsadm -c
run ipvsadm -cL
run ipvsadm foo
run ipvsadm -V
run ipvsadm -Lq
run ipvsadm -L --foo
run ipvsadm -L --nosuch=3
run ipvsadm -A --tcp 198.18.0.150:80
run ipvsadm -A --tcp-s 198.18.0.150:80
run ipvsadm -A -t
run ipvsadm -A -t 198.18.0.150:80 -s
run ipvsadm -Lnx
run ipvsadm -L --stats=1
run ipvsadm -L foo
run ipvsadm -A -t 198.18.0.150:80 extra more
run ipvsadm -A -t 198.18.0.150:80 -- -s rr
run ipvsadm -A
run ipvsadm -a -t 198.18.0.150:80
run ipvsadm -a -r 198.18.0.171
run ipvsadm -d -t 198.18.0.150:80 -r 198.18.0.171 -w 3
run ipvsadm -D -t 198.18.0.150:80 -s rr
run ipvsadm -A -t 198.18.0.150:80 -r 198.18.0.171
run ipvsadm -A -t 198.18.0.150:80 -w 3 -r 198.18.0.171
run ipvsadm -A -t 198.18.0.150:80 -s rr -x 4
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.171 -p 5
run ipvsadm -C -n
run ipvsadm -S -c
run ipvsadm -Z -n
run ipvsadm -R -n
run ipvsadm -L -c -t 198.18.0.150:80
run ipvsadm -L --timeout -t 198.18.0.150:80
run ipvsadm -L --daemon --timeout
run ipvsadm -L -c --timeout
run ipvsadm -Lnc --stats
run ipvsadm -L --timeout --persistent-conn
run ipvsadm -L --rate --timeout
run ipvsadm -L --daemon --thresholds
run ipvsadm -L -6
run ipvsadm -A -6 -f 1
run ipvsadm -A -t 198.18.0.150:80 -6
run ipvsadm -A -t 198.18.0.150
run ipvsadm -A -t 198.18.0.150:0 -s rr
run ipvsadm -A -t 198.18.0.150:80 -o
run ipvsadm -A -t 198.18.0.150:0 -o -s rr
run ipvsadm -A -t 198.18.0.150:0 -b bogus
run ipvsadm -D -t 198.18.0.150:80 -b bogus
run ipvsadm -A -t 198.18.0.150:80 -b bogus extra
run ipvsadm -A -t 80
run ipvsadm -A -t 198.18.0.150:99999
run ipvsadm -A -t 198.18.0.150:-1
run ipvsadm -A -t 198.18.0.150:
run ipvsadm -A -t 300.1.1.1:80
run ipvsadm -A -t 198.18.0.150:nosuchport
run ipvsadm -A -t [2001:db8::1]
run ipvsadm -A -t [2001:db8::1
run ipvsadm -A -t 2001:db8::1:80
run ipvsadm -A -t [198.18.0.150]:80 -p
run ipvsadm -a -t 198.18.0.150:80 -r 80
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.171:99999
run ipvsadm -a -t 198.18.0.150:80 -r [2001:db8::1]
run ipvsadm -a -t 198.18.0.150:80 -r [2001:db8::1]:80 -m
run ipvsadm -a -t 198.18.0.150:80 -r [2001:db8::1]:80 -g
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.171 -w x
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.171 -w ""
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.171 -w " 5"
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.171 -w +5
run ipvsadm -A -t 198.18.0.150:80 -M 255.255.255.0 -M 255.0.0.0
run ipvsadm -A -t [2001:db8::1]:80 -p -M 0
run ipvsadm -A -t [2001:db8::1]:80 -p -M 255.255.255.0
run ipvsadm --set 1 2
run ipvsadm --set
run ipvsadm --set 1 2 3 4
run ipvsadm --set 1 2 x
run ipvsadm --set 1 -2 3
run ipvsadm --set 2678401 1 1
run ipvsadm --set 0 0 2678400
run ipvsadm --set=1 2 3
run ipvsadm --set 10 20 30 -n
run ipvsadm --set 01 +2 " 3"
run ipvsadm -L --timeout
run ipvsadm --start-daemon foo
run ipvsadm --stop-daemon foo
run ipvsadm --start-daemon
run ipvsadm --start-daemon master --syncid 256
run ipvsadm --start-daemon master --mcast-port 0
run ipvsadm --start-daemon master --mcast-group 198.18.0.1
run ipvsadm --start-daemon master --mcast-group ff02::zz
run ipvsadm --start-daemon master --mcast-ttl 256
run ipvsadm --start-daemon master --sync-maxlen 65508
run ipvsadm --start-daemon master -w 3
run ipvsadm --start-daemon master -6
run ipvsadm --stop-daemon master -n
run ipvsadm -Ln --syncid 300
run ipvsadm -Ln
