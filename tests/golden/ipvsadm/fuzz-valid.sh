# Random well-formed command lines (make_fuzz.py valid, seed 20261126): table
# semantics, kernel errors and every listing format along the way.
run ipvsadm -e -f 2 -6 -r 198.18.0.171 -i -w 3
run ipvsadm -D -t '[2001:db8::1]:80'
run ipvsadm -A -f 1 -s dh
run ipvsadm -Ln --tun-info
run ipvsadm -a -u '[2001:db8::1]:53' -r 198.18.0.172:8080 -m
run ipvsadm -D -t 198.18.0.151:80
run ipvsadm -a -t 198.18.0.150:0 -r '[2001:db8::10]:80' -m -w 3 -x 50 -y 0
run ipvsadm -E -f 2 -6 -s lc -p
run ipvsadm -a -f 1 -r '[2001:db8::11]:8080' -i -w 100
run ipvsadm -A -f 2 -6 -s ovf
run ipvsadm -e -t 198.18.0.151:80 -r '[2001:db8::10]:80' -m
run ipvsadm -e -t 198.18.0.151:80 -r '[2001:db8::10]:80' -m -w 100
run ipvsadm -C
run ipvsadm -a -t '[2001:db8::1]:80' -r 198.18.0.173:80 -g -w 3
run ipvsadm -A --sctp-service 198.18.0.150:3868 -p 30 --pe sip -o
run ipvsadm --set 900 60 0
run ipvsadm -A -f 1
run ipvsadm -A -t localhost:http -s lblcr -p 300 -M 255.255.255.0 --pe sip
run ipvsadm -d -t 198.18.0.150:80 -r 198.18.0.171
run ipvsadm -Z -t 198.18.0.150:80
run ipvsadm -Lnc
run ipvsadm -A -t 198.18.0.150:80 -s sh -p 1 -M 255.255.255.0 --pe sip
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.171 -m
run ipvsadm -a -t 198.18.0.150:80 -r '[2001:db8::11]:8080' -m
run ipvsadm -Z -t 198.18.0.151:80
run ipvsadm --set 60 0 60
run ipvsadm -Z -f 1
run ipvsadm -e -u 198.18.0.150:53 -r 198.18.0.171 -m -x 100 -y 60
run ipvsadm -D -t 198.18.0.150:0
run ipvsadm -A -t 198.18.0.150:80 -s rr -o
run ipvsadm -e -t localhost:http -r 198.18.0.174:0 -m -x 50 -y 0
run ipvsadm -e -t '[2001:db8::1]:80' -r '[2001:db8::11]:8080' -g -w 1
run ipvsadm -a -f 2 -6 -r 198.18.0.173:80 -g
run ipvsadm -a -t 198.18.0.150:0 -r 198.18.0.172:8080 -i --tun-type gre --tun-csum -x 100 -y 10
run ipvsadm -e -f 1 -r 198.18.0.174:0 -g
run ipvsadm -D -f 1
run ipvsadm -Ln --rate --exact -u '[2001:db8::1]:53'
run ipvsadm -a -f 2 -6 -r 198.18.0.173:80 -g -w 0 -x 50 -y 60
run ipvsadm -A -t 198.18.0.150:80 -s lblc
run ipvsadm -A -f 2 -6 -s lblc
run ipvsadm -Z -u 198.18.0.150:53
run ipvsadm -Z -t 198.18.0.151:80
run ipvsadm -L
run ipvsadm -E -t localhost:http -s lblcr -o
run ipvsadm --set 900 0 60
run ipvsadm -d -t localhost:http -r localhost:http
run ipvsadm -e -t 198.18.0.150:0 -r localhost:http -i --tun-type ipip
run ipvsadm -e -f 1 -r '[2001:db8::10]:80' -i -w 0 -x 0 -y 0
run ipvsadm -a -f 2 -6 -r 198.18.0.171 -i --tun-type gue --tun-port 6080 --tun-csum
run ipvsadm -e -u '[2001:db8::1]:53' -r 198.18.0.172:8080 -g
run ipvsadm -a -t '[2001:db8::1]:80' -r '[2001:db8::10]:80' -g -x 50 -y 10
run ipvsadm -d -t 198.18.0.151:80 -r 198.18.0.173:80
run ipvsadm -A -t 198.18.0.151:80 -s dh
run ipvsadm -a -t 198.18.0.150:0 -r 198.18.0.171 -m -w 0
run ipvsadm -Z --sctp-service 198.18.0.150:3868
run ipvsadm -Ln --thresholds
run ipvsadm -E -t 198.18.0.151:80 -b flag-1
run ipvsadm -e -t 198.18.0.150:0 -r localhost:http -m -w 3
run ipvsadm -Ln --persistent-conn
run ipvsadm -e -u 198.18.0.150:53 -r '[2001:db8::10]:80' -i -w 100
run ipvsadm -E -f 1 -s rr -b mh-port
run ipvsadm -A -u 198.18.0.150:53
run ipvsadm -Z -f 2 -6
run ipvsadm -a -t '[2001:db8::1]:80' -r '[2001:db8::10]:80' -m -w 0
run ipvsadm -S
run ipvsadm -e -u '[2001:db8::1]:53' -r 198.18.0.174:0 -m -x 50 -y 60
run ipvsadm --set 900 1 900
run ipvsadm -e -f 1 -r 198.18.0.171 -m -w 0 -x 50 -y 60
run ipvsadm -Z -t 198.18.0.151:80
run ipvsadm -a -u '[2001:db8::1]:53' -r '[2001:db8::11]:8080' -i --tun-type gre --tun-remcsum -w 1
run ipvsadm -e -t localhost:http -r '[2001:db8::10]:80' -i --tun-type gue --tun-port 6080 --tun-csum -w 3 -x 100 -y 0
run ipvsadm -Ln --stats
run ipvsadm -E -t 198.18.0.150:80 -s lc
run ipvsadm -a -t localhost:http -r 198.18.0.172:8080 -g -w 0
run ipvsadm -e -t 198.18.0.150:0 -r '[2001:db8::11]:8080' -i -x 100 -y 60
run ipvsadm -a -f 1 -r 198.18.0.174:0 -i -w 0 -x 100 -y 10
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.174:0 -m -w 3
run ipvsadm -a -t localhost:http -r 198.18.0.171 -g -w 100
run ipvsadm -A --sctp-service 198.18.0.150:3868 -s sed
run ipvsadm -a -t 198.18.0.151:80 -r 198.18.0.172:8080 -i -w 3
run ipvsadm -e -u '[2001:db8::1]:53' -r 198.18.0.171 -w 1
run ipvsadm -d -t 198.18.0.150:80 -r 198.18.0.171
run ipvsadm -E --sctp-service 198.18.0.150:3868 -b sh-port
run ipvsadm -d -t localhost:http -r 198.18.0.171
run ipvsadm -a --sctp-service 198.18.0.150:3868 -r localhost:http -i --tun-type gre --tun-csum -w 3 -x 100 -y 0
run ipvsadm -A -f 2 -6 -s sh
run ipvsadm -D -t 198.18.0.150:0
run ipvsadm -Ln --rate --exact
run ipvsadm -L --timeout
run ipvsadm -a -f 2 -6 -r 198.18.0.173:80 -m
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.173:80 -m
run ipvsadm -D -t localhost:http
run ipvsadm -A -u '[2001:db8::1]:53'
run ipvsadm -D -t '[2001:db8::1]:80'
run ipvsadm -A -t '[2001:db8::1]:80' -s rr -p 1 -M 64
run ipvsadm -a -u 198.18.0.150:53 -r '[2001:db8::10]:80' -m -x 0 -y 10
run ipvsadm -A -f 2 -6 -s mh
run ipvsadm -d -u '[2001:db8::1]:53' -r 198.18.0.173:80
run ipvsadm -L --timeout
run ipvsadm -d -t localhost:http -r 198.18.0.174:0
run ipvsadm -A -t '[2001:db8::1]:80'
run ipvsadm -E -t localhost:http -s wlc
run ipvsadm -A -t 198.18.0.150:0
run ipvsadm --set 60 60 1
run ipvsadm -Z -t localhost:http
run ipvsadm -D -f 2 -6
run ipvsadm --set 0 0 0
run ipvsadm -a -t 198.18.0.150:0 -r 198.18.0.173:80 -w 0
run ipvsadm -d -t localhost:http -r '[2001:db8::11]:8080'
run ipvsadm -e -t 198.18.0.150:0 -r 198.18.0.171 -m -w 1
run ipvsadm -A -t 198.18.0.150:80 -s lblc -p 30 --pe sip
run ipvsadm -e -t '[2001:db8::1]:80' -r '[2001:db8::10]:80' -i -w 100
run ipvsadm -Z --sctp-service 198.18.0.150:3868
run ipvsadm --set 0 900 60
run ipvsadm -a -f 2 -6 -r 198.18.0.173:80 -w 1 -x 0 -y 60
run ipvsadm -Z --sctp-service 198.18.0.150:3868
run ipvsadm -A -t 198.18.0.150:0 -o
run ipvsadm -e -t 198.18.0.150:0 -r localhost:http -m
run ipvsadm -A -t 198.18.0.150:80 -s rr
run ipvsadm -A -u 198.18.0.150:53 -s rr
run ipvsadm -A -f 2 -6 -s wlc -p 1 --pe sip
run ipvsadm -a --sctp-service 198.18.0.150:3868 -r 198.18.0.172:8080 -x 0 -y 60
run ipvsadm -e -t 198.18.0.151:80 -r 198.18.0.173:80 -i -w 1
run ipvsadm -A -t 198.18.0.150:0 -s ovf -p -M 255.255.255.0
run ipvsadm -D -u '[2001:db8::1]:53'
run ipvsadm -d -t '[2001:db8::1]:80' -r localhost:http
run ipvsadm -d -t localhost:http -r '[2001:db8::10]:80'
run ipvsadm -d -f 2 -6 -r 198.18.0.172:8080
run ipvsadm -a -t localhost:http -r 198.18.0.172:8080 -m -w 100
run ipvsadm -Ln --persistent-conn -t 198.18.0.150:0
run ipvsadm -Z -f 2 -6
run ipvsadm -Ln --sctp-service 198.18.0.150:3868
run ipvsadm -a -f 2 -6 -r '[2001:db8::10]:80' -w 0 -x 0 -y 60
run ipvsadm -A --sctp-service 198.18.0.150:3868 -s lblcr -b flag-1
run ipvsadm --set 0 60 1
run ipvsadm -a -t 198.18.0.151:80 -r 198.18.0.172:8080 -m -w 3
run ipvsadm -a --sctp-service 198.18.0.150:3868 -r 198.18.0.172:8080 -m
run ipvsadm -D -t 198.18.0.151:80
run ipvsadm -E -f 1
run ipvsadm --set 900 900 900
run ipvsadm -A --sctp-service 198.18.0.150:3868 -s fo
run ipvsadm -a -t localhost:http -r localhost:http -m -w 100
run ipvsadm -e -t 198.18.0.150:0 -r '[2001:db8::10]:80' -m
run ipvsadm -A --sctp-service 198.18.0.150:3868 -s dh
run ipvsadm -D -t '[2001:db8::1]:80'
run ipvsadm -A -u '[2001:db8::1]:53' -s fo -p 30 -M 255.255.255.0
run ipvsadm -a -f 2 -6 -r 198.18.0.173:80 -x 100 -y 10
run ipvsadm -d --sctp-service 198.18.0.150:3868 -r '[2001:db8::11]:8080'
run ipvsadm -A -u 198.18.0.150:53
run ipvsadm -D -t 198.18.0.150:0
run ipvsadm -a -u 198.18.0.150:53 -r 198.18.0.174:0 -w 0
run ipvsadm -e -t 198.18.0.150:80 -r 198.18.0.172:8080 -m -w 0
run ipvsadm -a -t 198.18.0.151:80 -r 198.18.0.172:8080 -m -w 100 -x 100 -y 10
run ipvsadm -a -t 198.18.0.150:0 -r '[2001:db8::11]:8080' -m -w 0
run ipvsadm -a -f 2 -6 -r 198.18.0.174:0 -g -w 3
run ipvsadm -d -u 198.18.0.150:53 -r localhost:http
run ipvsadm -e -t 198.18.0.150:80 -r 198.18.0.173:80 -i --tun-type gre --tun-remcsum -w 1
run ipvsadm -e -u '[2001:db8::1]:53' -r 198.18.0.172:8080 -i --tun-type ipip
run ipvsadm -Z --sctp-service 198.18.0.150:3868
run ipvsadm -e -t 198.18.0.150:80 -r '[2001:db8::10]:80' -g
run ipvsadm -C
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.173:80 -m -w 100 -x 50 -y 60
run ipvsadm -a -u '[2001:db8::1]:53' -r localhost:http -w 3
run ipvsadm -E -t '[2001:db8::1]:80' -s wrr
run ipvsadm -A -f 1 -s lblcr
run ipvsadm -d --sctp-service 198.18.0.150:3868 -r 198.18.0.174:0
run ipvsadm -e -f 1 -r 198.18.0.173:80 -g -w 3
run ipvsadm --set 1 900 0
run ipvsadm -a -t 198.18.0.150:80 -r '[2001:db8::11]:8080' -m -w 100
run ipvsadm -C
run ipvsadm -E -t 198.18.0.151:80
run ipvsadm -A -u '[2001:db8::1]:53'
run ipvsadm -Ln --rate --exact -t 198.18.0.151:80
run ipvsadm -d -t 198.18.0.150:80 -r 198.18.0.172:8080
run ipvsadm -Z -t 198.18.0.150:0
run ipvsadm -A --sctp-service 198.18.0.150:3868 -s wrr -p 300 -M 96 --pe sip -b sh-port
run ipvsadm -a -t 198.18.0.151:80 -r 198.18.0.172:8080 -m -w 3 -x 50 -y 10
run ipvsadm -D -f 2 -6
run ipvsadm -e -f 2 -6 -r 198.18.0.171 -m -w 3
run ipvsadm -e -u '[2001:db8::1]:53' -r 198.18.0.173:80
run ipvsadm --set 900 60 900
run ipvsadm -d --sctp-service 198.18.0.150:3868 -r '[2001:db8::10]:80'
run ipvsadm -e -t '[2001:db8::1]:80' -r '[2001:db8::11]:8080' -i
run ipvsadm -C
run ipvsadm --set 0 1 60
run ipvsadm -e -u '[2001:db8::1]:53' -r '[2001:db8::11]:8080' -m -x 100 -y 60
run ipvsadm -a --sctp-service 198.18.0.150:3868 -r '[2001:db8::11]:8080' -g -w 3 -x 50 -y 10
run ipvsadm -E -t '[2001:db8::1]:80' -p 30
run ipvsadm -e -t 198.18.0.151:80 -r localhost:http
run ipvsadm -Z -f 1
run ipvsadm -D -u 198.18.0.150:53
run ipvsadm -A -t '[2001:db8::1]:80'
run ipvsadm -Z -u 198.18.0.150:53
run ipvsadm -a -t 198.18.0.150:0 -r '[2001:db8::11]:8080' -i -w 3
run ipvsadm -a -t '[2001:db8::1]:80' -r 198.18.0.173:80 -m -w 3
run ipvsadm -D -u 198.18.0.150:53
run ipvsadm -A -t localhost:http -s nq
run ipvsadm -Ln --stats
run ipvsadm -e -u '[2001:db8::1]:53' -r 198.18.0.172:8080 -m -w 0
run ipvsadm -A -t 198.18.0.151:80 -b flag-2,flag-3
run ipvsadm -a -t '[2001:db8::1]:80' -r 198.18.0.173:80 -w 0
run ipvsadm -Z -f 2 -6
run ipvsadm --set 1 60 1
run ipvsadm -Ln --tun-info
run ipvsadm -D -u '[2001:db8::1]:53'
run ipvsadm -A -f 2 -6 -s lblcr -p 1 -M 255.255.255.0
run ipvsadm -d --sctp-service 198.18.0.150:3868 -r 198.18.0.172:8080
run ipvsadm -a -f 2 -6 -r 198.18.0.174:0 -m -w 1 -x 0 -y 0
run ipvsadm -Z --sctp-service 198.18.0.150:3868
run ipvsadm -a -t 198.18.0.151:80 -r 198.18.0.173:80 -m -x 50 -y 60
run ipvsadm -D -t 198.18.0.150:0
run ipvsadm -a -u '[2001:db8::1]:53' -r 198.18.0.171 -w 100
run ipvsadm -e -t '[2001:db8::1]:80' -r 198.18.0.173:80 -i --tun-type gre --tun-csum -w 3
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.172:8080 -m
run ipvsadm -D -t 198.18.0.150:0
run ipvsadm -d -t 198.18.0.151:80 -r 198.18.0.172:8080
run ipvsadm -E -t 198.18.0.150:80 -s wrr -p 1 --pe sip
run ipvsadm -a -t 198.18.0.150:0 -r localhost:http -g
run ipvsadm -Lnc
run ipvsadm -Ln --tun-info
run ipvsadm -S -n
run ipvsadm -E -t 198.18.0.150:80 -s mh
run ipvsadm -Lnc
run ipvsadm -d -t localhost:http -r 198.18.0.173:80
run ipvsadm -S
run ipvsadm --set 60 60 60
run ipvsadm -A -f 1 -s nq
run ipvsadm --set 0 60 60
run ipvsadm -C
run ipvsadm -d -u 198.18.0.150:53 -r '[2001:db8::11]:8080'
run ipvsadm -a -u 198.18.0.150:53 -r '[2001:db8::11]:8080' -i --tun-type ipip -w 3
run ipvsadm -a -u 198.18.0.150:53 -r '[2001:db8::10]:80' -m -w 0
run ipvsadm -a -t 198.18.0.151:80 -r 198.18.0.171 -i --tun-type gre --tun-csum -w 3
run ipvsadm -e -t '[2001:db8::1]:80' -r 198.18.0.173:80 -w 1
run ipvsadm -Z -t 198.18.0.150:0
run ipvsadm -Z -t 198.18.0.150:80
run ipvsadm -A -f 2 -6 -s lblcr -b flag-1
run ipvsadm -D -f 1
run ipvsadm -e --sctp-service 198.18.0.150:3868 -r 198.18.0.174:0 -i -w 1 -x 0 -y 60
run ipvsadm -D -t 198.18.0.150:80
run ipvsadm -A --sctp-service 198.18.0.150:3868 -s ovf
run ipvsadm -a -f 1 -r '[2001:db8::10]:80' -m -w 0
run ipvsadm -e -t 198.18.0.151:80 -r localhost:http
run ipvsadm -D -t 198.18.0.150:80
run ipvsadm -Ln --persistent-conn
run ipvsadm -D -u 198.18.0.150:53
run ipvsadm -A -t 198.18.0.150:0 -s rr -o
run ipvsadm -a -f 1 -r 198.18.0.171 -m
run ipvsadm -Ln --persistent-conn -t 198.18.0.151:80
run ipvsadm -a -f 2 -6 -r '[2001:db8::10]:80' -m
run ipvsadm -d -u 198.18.0.150:53 -r 198.18.0.174:0
run ipvsadm -A -f 2 -6 -s mh
run ipvsadm -Z -t localhost:http
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.174:0 -g -w 100
run ipvsadm -e -t 198.18.0.151:80 -r localhost:http -m
run ipvsadm -e -t '[2001:db8::1]:80' -r localhost:http -i -w 0 -x 50 -y 60
run ipvsadm --set 1 60 60
run ipvsadm -E -u 198.18.0.150:53 -s lblcr
run ipvsadm -A -f 2 -6 -s wrr -p 30
run ipvsadm -Ln
run ipvsadm -A -t 198.18.0.150:80 -s lblcr -p -M 255.255.255.0
run ipvsadm -Z -t 198.18.0.151:80
run ipvsadm -a -f 2 -6 -r '[2001:db8::10]:80' -w 0
run ipvsadm -S
run ipvsadm --set 1 1 60
run ipvsadm -a -t 198.18.0.150:0 -r 198.18.0.173:80 -m -w 3
run ipvsadm -a -u 198.18.0.150:53 -r 198.18.0.172:8080 -w 100 -x 100 -y 60
run ipvsadm -A -t 198.18.0.150:0 -s wrr -b sh-port
run ipvsadm -a -t 198.18.0.150:0 -r '[2001:db8::11]:8080' -m -w 0
run ipvsadm --set 0 60 1
run ipvsadm -A -t '[2001:db8::1]:80' -p 30 -M 96
run ipvsadm -e -t 198.18.0.150:80 -r 198.18.0.174:0 -i --tun-type gre --tun-remcsum -w 0 -x 100 -y 60
run ipvsadm -a --sctp-service 198.18.0.150:3868 -r localhost:http -g -w 0
run ipvsadm -D -f 1
run ipvsadm -E -f 1
run ipvsadm -e --sctp-service 198.18.0.150:3868 -r 198.18.0.171 -w 1
run ipvsadm --set 0 1 0
run ipvsadm -A -t 198.18.0.151:80 -s nq
run ipvsadm -C
run ipvsadm -A -f 2 -6 -s ovf -p --pe sip
run ipvsadm -e -u '[2001:db8::1]:53' -r 198.18.0.172:8080 -i
run ipvsadm -e -t localhost:http -r 198.18.0.173:80 -g -w 100 -x 0 -y 10
run ipvsadm -Z -t 198.18.0.150:0
run ipvsadm -e -t 198.18.0.150:0 -r localhost:http -g -w 0
run ipvsadm -a -t 198.18.0.150:0 -r 198.18.0.172:8080 -m -w 1
run ipvsadm -e -t '[2001:db8::1]:80' -r '[2001:db8::11]:8080' -g -w 100
run ipvsadm -a -t '[2001:db8::1]:80' -r 198.18.0.172:8080 -i -w 0 -x 50 -y 60
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.171 -m -w 3
run ipvsadm -D -u '[2001:db8::1]:53'
run ipvsadm -D -u '[2001:db8::1]:53'
run ipvsadm -a -t 198.18.0.151:80 -r 198.18.0.171 -w 3 -x 50 -y 60
run ipvsadm -d -u 198.18.0.150:53 -r 198.18.0.172:8080
run ipvsadm -a -f 1 -r '[2001:db8::10]:80'
run ipvsadm --set 0 1 60
run ipvsadm -A -t '[2001:db8::1]:80' -s nq -o
run ipvsadm -Z -f 1
run ipvsadm -a -t '[2001:db8::1]:80' -r '[2001:db8::11]:8080' -m -w 100
run ipvsadm -E -u 198.18.0.150:53 -s ovf
run ipvsadm -e -t 198.18.0.150:80 -r localhost:http
run ipvsadm -a -f 1 -r 198.18.0.172:8080 -w 0
run ipvsadm -Z -t 198.18.0.150:80
run ipvsadm -a -t 198.18.0.150:0 -r 198.18.0.174:0 -g -w 3
run ipvsadm -e --sctp-service 198.18.0.150:3868 -r '[2001:db8::11]:8080' -i
run ipvsadm -e --sctp-service 198.18.0.150:3868 -r localhost:http -m -w 3
run ipvsadm -a -t '[2001:db8::1]:80' -r 198.18.0.172:8080 -m -x 0 -y 60
run ipvsadm --set 0 0 900
run ipvsadm -a -t 198.18.0.150:0 -r 198.18.0.173:80 -i -w 1
run ipvsadm -D -u '[2001:db8::1]:53'
run ipvsadm -a -u 198.18.0.150:53 -r localhost:http -m -w 1
run ipvsadm -e -t '[2001:db8::1]:80' -r '[2001:db8::10]:80' -i -x 100 -y 10
run ipvsadm -C
run ipvsadm -Z -f 1
run ipvsadm -a -u '[2001:db8::1]:53' -r 198.18.0.174:0 -i
run ipvsadm -A -t 198.18.0.151:80 -s dh -o
run ipvsadm -A -t localhost:http -s mh
run ipvsadm -A -f 1 -o -b mh-port
run ipvsadm -e -f 2 -6 -r '[2001:db8::10]:80' -i -w 100
run ipvsadm -e -u '[2001:db8::1]:53' -r 198.18.0.174:0 -g -w 3 -x 0 -y 60
run ipvsadm -a -t '[2001:db8::1]:80' -r '[2001:db8::10]:80' -w 0
run ipvsadm -Ln --tun-info
run ipvsadm -a -t '[2001:db8::1]:80' -r '[2001:db8::11]:8080' -i
run ipvsadm -A --sctp-service 198.18.0.150:3868 -s lblc
run ipvsadm -C
run ipvsadm -e -t localhost:http -r 198.18.0.171 -w 1
run ipvsadm -S
run ipvsadm -A -t localhost:http -s lc
run ipvsadm -A --sctp-service 198.18.0.150:3868 -s lblc
run ipvsadm -Z --sctp-service 198.18.0.150:3868
run ipvsadm -a -u 198.18.0.150:53 -r 198.18.0.174:0 -i
run ipvsadm -A -u '[2001:db8::1]:53'
run ipvsadm --set 900 0 60
run ipvsadm -E -f 1 -s sh -p --pe sip
run ipvsadm -Ln --tun-info
run ipvsadm -C
run ipvsadm -d -u '[2001:db8::1]:53' -r 198.18.0.173:80
run ipvsadm -a --sctp-service 198.18.0.150:3868 -r '[2001:db8::10]:80' -i -w 3 -x 100 -y 10
run ipvsadm -e -t 198.18.0.151:80 -r '[2001:db8::10]:80' -m
run ipvsadm -E -u '[2001:db8::1]:53' -s fo -o
run ipvsadm -a -t 198.18.0.150:0 -r 198.18.0.173:80 -i --tun-type gue --tun-port 6080 --tun-csum -w 3
run ipvsadm -Z -u '[2001:db8::1]:53'
run ipvsadm -a -f 1 -r 198.18.0.173:80 -m -w 1
run ipvsadm -d -u 198.18.0.150:53 -r '[2001:db8::11]:8080'
run ipvsadm -a -t 198.18.0.151:80 -r 198.18.0.171 -m
run ipvsadm -D -u '[2001:db8::1]:53'
run ipvsadm -Ln --thresholds -t 198.18.0.150:0
run ipvsadm -D -t 198.18.0.150:0
run ipvsadm -e -f 2 -6 -r '[2001:db8::11]:8080' -m -w 0
run ipvsadm -a -t localhost:http -r localhost:http -m -x 50 -y 0
run ipvsadm -E --sctp-service 198.18.0.150:3868 -s mh -p 300 -o -b mh-port
run ipvsadm -E -t localhost:http -s wrr -p 1
run ipvsadm -L
run ipvsadm -e -t '[2001:db8::1]:80' -r 198.18.0.173:80
run ipvsadm -D -t '[2001:db8::1]:80'
run ipvsadm -e -t 198.18.0.150:80 -r '[2001:db8::11]:8080' -g -x 0 -y 0
run ipvsadm -L --timeout
run ipvsadm -A -u 198.18.0.150:53 -s lc
run ipvsadm -S -n
run ipvsadm -D -f 2 -6
run ipvsadm -E -t 198.18.0.150:0 -s fo -p 30
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.174:0 -g
run ipvsadm -a -t 198.18.0.151:80 -r 198.18.0.171 -g -w 100
run ipvsadm -e -f 1 -r '[2001:db8::10]:80' -g -x 50 -y 10
run ipvsadm -a -f 2 -6 -r 198.18.0.172:8080 -m -x 100 -y 0
run ipvsadm -A -f 2 -6 -s fo
run ipvsadm -A --sctp-service 198.18.0.150:3868
run ipvsadm -Ln --tun-info
run ipvsadm -a -u '[2001:db8::1]:53' -r 198.18.0.172:8080 -g
run ipvsadm -a -t 198.18.0.150:0 -r 198.18.0.173:80 -m
run ipvsadm -E -t 198.18.0.151:80 -s wrr -p 30 --pe sip
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.171 -w 100
run ipvsadm -a -f 2 -6 -r 198.18.0.173:80 -m
run ipvsadm -Z -u 198.18.0.150:53
run ipvsadm -a -u '[2001:db8::1]:53' -r '[2001:db8::11]:8080'
run ipvsadm -E -t 198.18.0.151:80
run ipvsadm --set 900 1 1
run ipvsadm -a -t 198.18.0.150:0 -r localhost:http -i -w 1
run ipvsadm -E -f 1 -s rr -p -o
run ipvsadm -A -t localhost:http -s wlc
run ipvsadm -e -f 2 -6 -r 198.18.0.171 -m
run ipvsadm -e --sctp-service 198.18.0.150:3868 -r '[2001:db8::10]:80' -m -x 50 -y 60
run ipvsadm -D -t 198.18.0.150:80
run ipvsadm -a -u '[2001:db8::1]:53' -r '[2001:db8::10]:80' -w 100 -x 100 -y 60
run ipvsadm --set 1 900 0
run ipvsadm -e -t 198.18.0.150:0 -r 198.18.0.172:8080 -m -w 0
run ipvsadm -a -u 198.18.0.150:53 -r '[2001:db8::11]:8080' -i --tun-type gre --tun-remcsum
run ipvsadm -d -t 198.18.0.151:80 -r 198.18.0.174:0
run ipvsadm -Z --sctp-service 198.18.0.150:3868
run ipvsadm --set 900 0 0
run ipvsadm -Ln --stats -t 198.18.0.150:0
run ipvsadm -e --sctp-service 198.18.0.150:3868 -r 198.18.0.173:80 -m -w 0 -x 50 -y 0
run ipvsadm -a -f 1 -r 198.18.0.172:8080 -g
run ipvsadm -E --sctp-service 198.18.0.150:3868 -s wlc -p 300 -M 64
run ipvsadm -e -f 1 -r '[2001:db8::11]:8080' -i --tun-type gre --tun-remcsum -w 100 -x 100 -y 10
run ipvsadm -e -t 198.18.0.151:80 -r 198.18.0.172:8080 -m -w 100
run ipvsadm -e -u '[2001:db8::1]:53' -r '[2001:db8::10]:80' -i -w 100
run ipvsadm -A -u 198.18.0.150:53
run ipvsadm -a -t 198.18.0.150:80 -r '[2001:db8::10]:80' -i --tun-type ipip -w 3
run ipvsadm -D -f 1
run ipvsadm -A -t '[2001:db8::1]:80' -o
run ipvsadm -D -t '[2001:db8::1]:80'
run ipvsadm -d -t '[2001:db8::1]:80' -r 198.18.0.174:0
run ipvsadm -e -t '[2001:db8::1]:80' -r 198.18.0.171 -i --tun-type gre --tun-csum -w 100
run ipvsadm -E -t localhost:http -s nq -p 1 -o -b flag-1
run ipvsadm -D -t localhost:http
run ipvsadm -a -u 198.18.0.150:53 -r 198.18.0.173:80 -m -w 100
run ipvsadm -e -t '[2001:db8::1]:80' -r 198.18.0.173:80 -m -w 100
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.171 -m -w 3
run ipvsadm -A -f 2 -6 -s fo -o
run ipvsadm -C
run ipvsadm -a -f 2 -6 -r 198.18.0.172:8080 -w 1
run ipvsadm --set 60 60 1
run ipvsadm -d -t 198.18.0.150:80 -r '[2001:db8::11]:8080'
run ipvsadm -e -t '[2001:db8::1]:80' -r localhost:http
run ipvsadm -A -f 1 -s nq -p
run ipvsadm -e -t 198.18.0.150:80 -r 198.18.0.171 -g -w 100
run ipvsadm -d -t localhost:http -r '[2001:db8::10]:80'
run ipvsadm --set 1 0 900
run ipvsadm -a -t localhost:http -r 198.18.0.174:0 -g -x 100 -y 10
run ipvsadm -Z -t localhost:http
run ipvsadm -E -f 1 -s dh
run ipvsadm -d -t '[2001:db8::1]:80' -r '[2001:db8::11]:8080'
run ipvsadm -d -f 2 -6 -r 198.18.0.173:80
run ipvsadm --set 0 1 0
run ipvsadm -e -t 198.18.0.151:80 -r 198.18.0.174:0 -i -w 0
run ipvsadm -A -f 1 -s lblc -p
run ipvsadm -A -t 198.18.0.150:80 -s wrr
run ipvsadm -d -t 198.18.0.150:80 -r 198.18.0.171
run ipvsadm -a -t localhost:http -r 198.18.0.172:8080 -m
run ipvsadm -a -f 2 -6 -r 198.18.0.173:80 -i --tun-type ipip
run ipvsadm -e -t '[2001:db8::1]:80' -r 198.18.0.174:0 -i -w 100
run ipvsadm -e -u '[2001:db8::1]:53' -r '[2001:db8::10]:80' -i
run ipvsadm -E -u 198.18.0.150:53 -s wlc -b mh-port
run ipvsadm -A -t 198.18.0.150:0 -s mh -b flag-2,flag-3
run ipvsadm -E -f 1 -o
run ipvsadm -E --sctp-service 198.18.0.150:3868 -s fo -p 1
run ipvsadm -e --sctp-service 198.18.0.150:3868 -r 198.18.0.173:80
run ipvsadm -e -t localhost:http -r '[2001:db8::11]:8080' -g -w 0
run ipvsadm -e -u '[2001:db8::1]:53' -r 198.18.0.174:0 -g -x 50 -y 0
run ipvsadm -a --sctp-service 198.18.0.150:3868 -r '[2001:db8::10]:80' -g -w 1 -x 50 -y 60
run ipvsadm -Z -f 1
run ipvsadm -D -u 198.18.0.150:53
run ipvsadm -A -u '[2001:db8::1]:53' -s wlc -b flag-2,flag-3
run ipvsadm -D -t 198.18.0.150:0
run ipvsadm -L --timeout
run ipvsadm -A -t localhost:http -s ovf -p -o
run ipvsadm -e -u 198.18.0.150:53 -r 198.18.0.173:80 -m -w 1 -x 100 -y 0
run ipvsadm -a -t 198.18.0.150:0 -r 198.18.0.171 -i -x 50 -y 60
run ipvsadm -Ln --stats
run ipvsadm -A --sctp-service 198.18.0.150:3868 -s sh -p
run ipvsadm -e -t 198.18.0.150:0 -r 198.18.0.173:80 -g -w 1
run ipvsadm -e --sctp-service 198.18.0.150:3868 -r '[2001:db8::11]:8080' -i -x 50 -y 0
run ipvsadm -A -t '[2001:db8::1]:80' -s lblc -p 30 -M 64
run ipvsadm -d -u 198.18.0.150:53 -r 198.18.0.171
run ipvsadm -e -f 1 -r 198.18.0.172:8080 -m
run ipvsadm -A -t '[2001:db8::1]:80'
run ipvsadm -a -t 198.18.0.151:80 -r localhost:http -w 100 -x 100 -y 10
run ipvsadm --set 900 900 60
run ipvsadm -A -t '[2001:db8::1]:80' -s sh
run ipvsadm -E -t 198.18.0.150:0 -s sed -b mh-port
run ipvsadm -e -t localhost:http -r localhost:http -i
run ipvsadm -Z -t '[2001:db8::1]:80'
run ipvsadm -e -t 198.18.0.150:0 -r 198.18.0.173:80 -i --tun-type gre --tun-remcsum -w 1
run ipvsadm -e -u '[2001:db8::1]:53' -r localhost:http -g -w 100 -x 50 -y 0
run ipvsadm -Ln --rate --exact
run ipvsadm --set 0 900 0
run ipvsadm -Ln --persistent-conn
run ipvsadm -a -f 2 -6 -r '[2001:db8::11]:8080' -i --tun-type ipip -w 1
run ipvsadm -A -f 1 -p 1 -M 255.255.255.0
run ipvsadm -a -t 198.18.0.151:80 -r '[2001:db8::11]:8080' -m -w 100 -x 100 -y 60
run ipvsadm -A -t 198.18.0.151:80 -s lblcr -p 300 -o
run ipvsadm -e -t '[2001:db8::1]:80' -r '[2001:db8::11]:8080' -m -w 1
run ipvsadm -E -t localhost:http -s nq -p 1 --pe sip
run ipvsadm -a -t '[2001:db8::1]:80' -r '[2001:db8::11]:8080' -m -x 0 -y 0
run ipvsadm -Ln --persistent-conn -f 1
run ipvsadm -a -t '[2001:db8::1]:80' -r localhost:http -m -w 100
run ipvsadm -E -t localhost:http
run ipvsadm -A --sctp-service 198.18.0.150:3868 -o
run ipvsadm -Z --sctp-service 198.18.0.150:3868
run ipvsadm -D -t 198.18.0.150:80
run ipvsadm -Z -t '[2001:db8::1]:80'
run ipvsadm -a -t '[2001:db8::1]:80' -r '[2001:db8::10]:80' -w 100
run ipvsadm -E --sctp-service 198.18.0.150:3868 -s rr
run ipvsadm -a -t '[2001:db8::1]:80' -r localhost:http -i
run ipvsadm -A -u 198.18.0.150:53 -s dh -p 30
run ipvsadm -Ln --tun-info
run ipvsadm -Ln
run ipvsadm --set 0 0 0
run ipvsadm -A -u '[2001:db8::1]:53' -s mh
run ipvsadm -D -t localhost:http
run ipvsadm -a -t '[2001:db8::1]:80' -r localhost:http -w 1 -x 0 -y 60
run ipvsadm -A -f 2 -6 -s dh -p 300
run ipvsadm -a -f 1 -r 198.18.0.174:0 -i
run ipvsadm -A -u '[2001:db8::1]:53' -s dh
run ipvsadm -a -u 198.18.0.150:53 -r 198.18.0.172:8080 -i --tun-type gre --tun-remcsum -w 1
run ipvsadm -d --sctp-service 198.18.0.150:3868 -r 198.18.0.173:80
run ipvsadm -A -t '[2001:db8::1]:80' -s rr
run ipvsadm -Ln --persistent-conn -t 198.18.0.151:80
run ipvsadm -d --sctp-service 198.18.0.150:3868 -r '[2001:db8::11]:8080'
run ipvsadm -a -t 198.18.0.150:0 -r 198.18.0.174:0 -i -w 3
run ipvsadm -A -u 198.18.0.150:53 -p 30
run ipvsadm -E -t 198.18.0.150:80 -p -b flag-2,flag-3
run ipvsadm -a -u '[2001:db8::1]:53' -r localhost:http -g
run ipvsadm -a -t '[2001:db8::1]:80' -r '[2001:db8::10]:80' -g -w 100 -x 50 -y 10
run ipvsadm -a -f 1 -r '[2001:db8::11]:8080' -w 1
run ipvsadm -E -f 1 -p -M 255.255.255.0 -b flag-1
run ipvsadm -d -t 198.18.0.150:80 -r 198.18.0.172:8080
run ipvsadm -E -f 1 -s rr -p 300 -b sh-port
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.171 -g
run ipvsadm -a -t 198.18.0.150:0 -r '[2001:db8::11]:8080' -g -w 3
run ipvsadm -D -t localhost:http
run ipvsadm -a -t 198.18.0.150:80 -r localhost:http -g -w 1
run ipvsadm -a -f 2 -6 -r 198.18.0.171 -i
run ipvsadm -E -t 198.18.0.150:0
run ipvsadm -E -t '[2001:db8::1]:80' -p 1 --pe sip -o
run ipvsadm -E -u 198.18.0.150:53 -s lc -p 30 -M 96 -o -b flag-2,flag-3
run ipvsadm -e -t '[2001:db8::1]:80' -r 198.18.0.172:8080 -g -w 100
run ipvsadm -A -t 198.18.0.150:0 -s wrr
run ipvsadm -e -f 2 -6 -r localhost:http -g -w 1 -x 50 -y 60
run ipvsadm -a --sctp-service 198.18.0.150:3868 -r localhost:http -w 1
run ipvsadm -E -f 1 -s mh -b mh-port
run ipvsadm -a -f 2 -6 -r '[2001:db8::10]:80' -m -x 0 -y 0
run ipvsadm -a -t localhost:http -r 198.18.0.173:80 -g
run ipvsadm -e -t '[2001:db8::1]:80' -r localhost:http -w 1 -x 100 -y 0
run ipvsadm -D -f 2 -6
run ipvsadm -Ln --persistent-conn
run ipvsadm -d -t '[2001:db8::1]:80' -r '[2001:db8::11]:8080'
run ipvsadm -A -t 198.18.0.151:80 -s dh -p 1 -b sh-port
run ipvsadm -D -t '[2001:db8::1]:80'
run ipvsadm --set 60 0 0
run ipvsadm -A -t localhost:http -p -o
run ipvsadm -D -t 198.18.0.151:80
run ipvsadm -E -u 198.18.0.150:53 -p 300 -M 64
run ipvsadm -d --sctp-service 198.18.0.150:3868 -r 198.18.0.173:80
run ipvsadm -a --sctp-service 198.18.0.150:3868 -r localhost:http -i --tun-type gue --tun-port 6080 --tun-csum -w 100 -x 100 -y 60
run ipvsadm -D -f 2 -6
run ipvsadm -e -t '[2001:db8::1]:80' -r 198.18.0.171 -g -w 3 -x 100 -y 60
run ipvsadm -e --sctp-service 198.18.0.150:3868 -r localhost:http -g
run ipvsadm -d -t 198.18.0.150:80 -r '[2001:db8::10]:80'
run ipvsadm -D --sctp-service 198.18.0.150:3868
run ipvsadm -d -f 1 -r 198.18.0.174:0
run ipvsadm -A -u 198.18.0.150:53 -s dh
run ipvsadm -a -f 2 -6 -r '[2001:db8::10]:80' -m -w 0
run ipvsadm --set 0 1 900
run ipvsadm -A -t 198.18.0.150:80 -s sed -o -b sh-port
run ipvsadm -D -t 198.18.0.150:0
run ipvsadm -d -t 198.18.0.150:0 -r '[2001:db8::10]:80'
run ipvsadm -a -t '[2001:db8::1]:80' -r 198.18.0.173:80 -i -w 0 -x 100 -y 0
run ipvsadm -A -f 2 -6 -s fo
run ipvsadm -A -t localhost:http -s lblc -p 30 --pe sip
run ipvsadm -d -f 2 -6 -r 198.18.0.174:0
run ipvsadm -Z -t 198.18.0.151:80
run ipvsadm -a -t 198.18.0.150:0 -r 198.18.0.171 -m -x 0 -y 60
run ipvsadm --set 60 0 1
run ipvsadm -e -t 198.18.0.151:80 -r localhost:http -m -x 50 -y 10
run ipvsadm -S
run ipvsadm -E -u '[2001:db8::1]:53' -s wlc -o
run ipvsadm -Z -f 1
run ipvsadm -a -t localhost:http -r 198.18.0.171 -m -w 3
run ipvsadm -A -t 198.18.0.150:80 -s lblcr -b mh-port
run ipvsadm -D -t localhost:http
run ipvsadm -D -f 1
run ipvsadm -A -u 198.18.0.150:53 -s wrr
run ipvsadm -Ln
run ipvsadm -d --sctp-service 198.18.0.150:3868 -r 198.18.0.174:0
run ipvsadm -Ln --tun-info -u 198.18.0.150:53
run ipvsadm -a --sctp-service 198.18.0.150:3868 -r '[2001:db8::10]:80' -w 1
run ipvsadm -e -u '[2001:db8::1]:53' -r 198.18.0.174:0 -i --tun-type gre --tun-csum -w 100
run ipvsadm -E -t 198.18.0.150:0 -s wrr
run ipvsadm -D -f 1
run ipvsadm -A -t 198.18.0.151:80 -s sed -b mh-port
run ipvsadm -a -u 198.18.0.150:53 -r '[2001:db8::11]:8080' -i --tun-type ipip -w 3 -x 50 -y 0
run ipvsadm -A -u '[2001:db8::1]:53' -s lblcr
run ipvsadm -A -u '[2001:db8::1]:53' -b flag-2,flag-3
run ipvsadm -a --sctp-service 198.18.0.150:3868 -r 198.18.0.171 -i --tun-type gue --tun-port 6080 --tun-csum
run ipvsadm -E -u 198.18.0.150:53 -s fo -p 300
run ipvsadm -Z -u '[2001:db8::1]:53'
run ipvsadm -A -f 2 -6
run ipvsadm -e --sctp-service 198.18.0.150:3868 -r 198.18.0.174:0 -i --tun-type ipip -w 0 -x 50 -y 60
run ipvsadm -A -t 198.18.0.150:80 -s fo
run ipvsadm -e -f 1 -r localhost:http -w 0 -x 50 -y 10
run ipvsadm -A -t localhost:http -s dh -p -M 255.255.255.0 --pe sip
run ipvsadm -a -f 1 -r 198.18.0.172:8080 -g
run ipvsadm -e -t 198.18.0.151:80 -r 198.18.0.174:0 -g -w 0
run ipvsadm -a -f 2 -6 -r 198.18.0.173:80 -g -w 0
run ipvsadm -a -u '[2001:db8::1]:53' -r 198.18.0.173:80 -m -w 1
run ipvsadm -A -f 1 -s sed
run ipvsadm -E -t '[2001:db8::1]:80' -p 1 -M 96
run ipvsadm -a --sctp-service 198.18.0.150:3868 -r '[2001:db8::10]:80' -i --tun-type gre --tun-csum -w 100
run ipvsadm -e -t 198.18.0.151:80 -r 198.18.0.174:0 -i --tun-type gue --tun-port 6080 --tun-csum -w 100
run ipvsadm -Z --sctp-service 198.18.0.150:3868
run ipvsadm -A -t 198.18.0.151:80 -s sh
run ipvsadm -Ln --tun-info
run ipvsadm -a -f 1 -r '[2001:db8::11]:8080' -i --tun-type ipip -w 3
run ipvsadm -a -f 1 -r 198.18.0.171 -m -x 0 -y 10
run ipvsadm -a -t localhost:http -r '[2001:db8::11]:8080' -i
run ipvsadm -d -t 198.18.0.150:80 -r 198.18.0.174:0
run ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.174:0 -m -w 100
run ipvsadm -e -u 198.18.0.150:53 -r 198.18.0.174:0 -g -w 3 -x 0 -y 10
run ipvsadm -d --sctp-service 198.18.0.150:3868 -r '[2001:db8::11]:8080'
run ipvsadm -A -t 198.18.0.150:80 -p 30 -o
run ipvsadm -Ln
run ipvsadm -S
