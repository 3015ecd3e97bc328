# Random command lines (make_fuzz.py, seed 20261125): ipvsadm's checks, their order
# and messages, and the table they leave behind (listed every 50 lines).
run ipvsadm -A -b flag-1 -x 100 -f 0
run ipvsadm -Ln
run ipvsadm -Z extra
run ipvsadm -Z -b mh-fallback,mh-port -r localhost
run ipvsadm --set 900 2678401 900
run ipvsadm -S -r 198.18.0.172:8080 -w 1 -r '[2001:db8::10]:80' -p 2678401 --tun-remcsum
run ipvsadm -Z -t 80 --tun-info -u '[2001:db8::1]' --sctp-service 10.1:80 -t '[2001:db8::2]:53'
run ipvsadm -S --daemon
run ipvsadm --set x x 1 --syncid 255 -p
run ipvsadm -At 198.18.0.150 -b bogus -u 198.18.0.150 extra
run ipvsadm -L -u 198.18.0.151:80 -s rr
run ipvsadm -Lnc --tun-remcsum
run ipvsadm -E --sctp-service 198.18.0.150:99999 --tun-port 6080 -o
run ipvsadm -e --tun-port x --persistent-conn
run ipvsadm -Lnc -r 0.0.0.0 -r x.invalid --sctp-service 198.18.0.150 -f 1 -p 2678400
run ipvsadm -Ln -r 198.18.0.174:http -r '[2001:db8::11]'
run ipvsadm -au '[2001:db8::2]:53' -w -1 -t 80
run ipvsadm -Lnc --mcast-interface eth0 -y 5 -u 198.18.0.150:80 --sctp-service '[2001:db8::1]:80' --mcast-group ff02::1
run ipvsadm --stop-daemon foo
run ipvsadm -Z --syncid 255 -M 64 --tun-port 0 -t bad.invalid:80 --tun-info
run ipvsadm -a --mcast-group 224.0.0.81
run ipvsadm -D -u 2001:db8::3 -m
run ipvsadm -Lnc -f 0 --mcast-ttl 256 --daemon
run ipvsadm -Sn -r x.invalid -M 255.255.255.0 -r 198.18.0.174:http
run ipvsadm -L --sctp-service 127.0.0.1:8080 -u 2001:db8::3 --exact
run ipvsadm -au '[2001:db8::2]:53'
run ipvsadm -au 198.18.0.150:http --sync-maxlen=70000
run ipvsadm -d -b bogus -t 198.18.0.151:80 --mcast-interface eth0
run ipvsadm -E --foo -u 198.18.0.151:80 --sctp-service 10.1:80 --tun-csum
run ipvsadm -Lnc -b sh-port --mcast-ttl 256
run ipvsadm -au 198.18.0.150: -u 198.18.0.150
run ipvsadm -Lnc --mcast-group 198.18.0.1 --syncid 255 -x 100
run ipvsadm -A -6 -r localhost -6
run ipvsadm -D --sctp-service 80 -r 198.18.0.175:0 -b sh-fallback -r '[2001:db8::11]'
run ipvsadm --set 1 900 2678401 --tun-type=vxlan --sctp-service 10.1:80
run ipvsadm -L -r localhost --sctp-service 198.18.0.151:80 -M 64 --sctp-service 80
run ipvsadm -l -o -r x.invalid
run ipvsadm --set x x 2678401 -u 198.18.0.150:0
run ipvsadm -L -t '[2001:db8::1]:80' -r 198.18.0.171 -t '[2001:db8::2]:53' -r 224.0.0.1
run ipvsadm -Lnc -f 7 --mcast-port 0 -t 198.18.0.150:
run ipvsadm --start-daemon bar --pe nosuch
run ipvsadm -l --thresholds -t 2001:db8::3 -t 198.18.0.150:80 --tun-remcsum --sync-maxlen 1472
run ipvsadm -d --tun-port 65536 --sctp-service 198.18.0.150:99999 -w 5 --pe nosuch --sctp-service 198.18.0.150:0
run ipvsadm --start-daemon bar -f 0 -p -5 -t 198.18.0.151:80
run ipvsadm -E --sctp-service 198.18.0.150: --sctp-service 198.18.0.150:0
run ipvsadm -Lnc -w 2147483648 -n -t 80
run ipvsadm -l -p
run ipvsadm -Ln -t 198.18.0.150:99999 --mcast-port 8848 --sctp-service 198.18.0.150:0
run ipvsadm -Z -r 198.18.0.172:8080 -u 300.1.1.1:80
run ipvsadm -l --sctp-service localhost:http -x 100 -r 198.18.0.172:8080
run ipvsadm -Ln
run ipvsadm -S -n
run ipvsadm -Lnc -u '[2001:db8::1]:80' --sctp-service 10.1:80 -r x.invalid --sctp-service '[2001:db8::1]:80'
run ipvsadm -d -r 198.18.0.173:80 --foo -u bad.invalid:80
run ipvsadm -C -u 198.18.0.150 --sctp-service 80
run ipvsadm -a -t '[2001:db8::2]:53' --sctp-service localhost:http -t 127.0.0.1:8080
run ipvsadm -Lnc --pe nosuch --tun-remcsum
run ipvsadm -A -m --sctp-service 198.18.0.150:99999
run ipvsadm -l -r 198.18.0.174:http -t bad.invalid:80 -u 2001:db8::3
run ipvsadm -D --daemon -i --mcast-group 224.0.0.81
run ipvsadm -E -t '[2001:db8::1]:80' -r 0.0.0.0
run ipvsadm --stop-daemon foo
run ipvsadm -At 300.1.1.1:80 --mcast-ttl 1 -x 100 --mcast-interface eth0
run ipvsadm -d -M 0 --foo -M 64
run ipvsadm -S --syncid=256 --mcast-port=0 -x -1 --sctp-service 2001:db8::3 --tun-type ipip
run ipvsadm -A --mcast-ttl 256 -t 2001:db8::3
run ipvsadm -a
run ipvsadm -Sn --sctp-service '[2001:db8::2]:53' -u 80 -r 198.18.0.172:8080 --tun-nocsum
run ipvsadm -Ln -b , -6
run ipvsadm -At 198.18.0.150:80 --pe nosuch -i --mcast-interface=eth0 -t 80
run ipvsadm -d -r 224.0.0.1 --sctp-service 198.18.0.150:http
run ipvsadm -Ln -w 5 -r 198.18.0.175:0 -w x -t bad.invalid:80
run ipvsadm -D -M 255.255.255.0 --sctp-service '[2001:db8::2]:53' extra
run ipvsadm -au 198.18.0.150:80
run ipvsadm --stop-daemon foo --mcast-port=8848 -m
run ipvsadm -au 198.18.0.150:80 -t bad.invalid:80 -t '[2001:db8::2]:53' --mcast-port 8848 -p 0
run ipvsadm -Lnc -i --pe nosuch
run ipvsadm -D -u 198.18.0.150: --pe=sip
run ipvsadm -a --thresholds -r 198.18.0.175:0
run ipvsadm -Sn -f abc --mcast-port 0 --sctp-service 198.18.0.150:80
run ipvsadm -e --tun-port x
run ipvsadm --set 900 x --syncid 256 -i
run ipvsadm -Lnc --daemon --mcast-ttl 1 --sctp-service 198.18.0.151:80
run ipvsadm -C
run ipvsadm --set 2678401 0 900 -r 224.0.0.1 -M 255.255.255.0 -t '[2001:db8::1]' -n -t 198.18.0.150:99999
run ipvsadm -Lnc --mcast-interface eth0 -y 20 -r x.invalid
run ipvsadm -L
run ipvsadm --stop-daemon foo
run ipvsadm -A -r localhost -u bad.invalid:80
run ipvsadm -D -u 198.18.0.150:0
run ipvsadm -S
run ipvsadm -L -r 198.18.0.174:http -t '[2001:db8::1]'
run ipvsadm -E --sctp-service 198.18.0.150 -o --mcast-group ff02::1
run ipvsadm -Z -6 -t '[2001:db8::2]:53'
run ipvsadm -C -r x.invalid --sctp-service '[2001:db8::1]:80'
run ipvsadm -Sn -f 2 --tun-type ipip --tun-type gue -q
run ipvsadm -D -r 0.0.0.0 -u '[2001:db8::1]'
run ipvsadm -Z -r 198.18.0.175:0 -x -1 -t '[2001:db8::2]:53' --daemon
run ipvsadm -A -o -r '[2001:db8::11]' -u 198.18.0.150:80 -r 198.18.0.175:0 --mcast-port 8848
run ipvsadm -At 300.1.1.1:80 -r 198.18.0.175:0 -x 0
run ipvsadm -E -u 80 -g --mcast-interface eth0
run ipvsadm -D -b sh-fallback --sctp-service localhost:http --sctp-service '[2001:db8::1]'
run ipvsadm -Ln
run ipvsadm -S -n
run ipvsadm -l -c
run ipvsadm -At 198.18.0.150:80 -r 0.0.0.0 -s rr
run ipvsadm -au 198.18.0.150:99999 -r x.invalid -y 5
run ipvsadm -au '[2001:db8::1]:80' -w 0 -r localhost -M 255.255.255.0 -r 198.18.0.175:0 -t '[2001:db8::2]:53' extra
run ipvsadm -E -y 20 -u 198.18.0.150:80
run ipvsadm -Ln --mcast-group 198.18.0.1 -r 198.18.0.174:http extra
run ipvsadm -A -g --sctp-service bad.invalid:80 -r 198.18.0.174:http -t 10.1:80 -u '[2001:db8::2]:53'
run ipvsadm -l --tun-nocsum --mcast-port 8848 -n --exact
run ipvsadm --set 2678401 1 1 --tun-csum -y 0 -g
run ipvsadm -S -y 5 -u '[2001:db8::2]:53' --exact
run ipvsadm -e --sctp-service '[2001:db8::1]' -t 10.1:80 -c
run ipvsadm --set x 1 2678401
run ipvsadm --start-daemon bar --syncid=255 -t 127.0.0.1:8080
run ipvsadm -C
run ipvsadm -Lnc -t '[2001:db8::2]:53' -f 7
run ipvsadm -Sn
run ipvsadm -A --sort -r x.invalid extra
run ipvsadm -C -t '[2001:db8::1]' -b sh-fallback -c
run ipvsadm -A --mcast-port 0 --timeout --tun-port x -u '[2001:db8::1]' -t '[2001:db8::1]'
run ipvsadm --stop-daemon foo --sctp-service 80 --sctp-service 300.1.1.1:80 -r localhost --syncid 255
run ipvsadm -At '[2001:db8::1]:80' -g -r 224.0.0.1
run ipvsadm -Ln --nosort -r '[2001:db8::11]' -r 198.18.0.173:80 --sctp-service 198.18.0.150:
run ipvsadm -S -s rr -r 224.0.0.1 --mcast-interface=eth0 -w -1
run ipvsadm -l --pe sip -y 0 -r '[2001:db8::11]' --sync-maxlen 70000
run ipvsadm -a --sctp-service 198.18.0.150:
run ipvsadm --stop-daemon foo --sctp-service localhost:http --sctp-service 198.18.0.150:http -s lc --mcast-group=224.0.0.81 -r 198.18.0.173:80
run ipvsadm -l -u '[2001:db8::1]:80'
run ipvsadm -l -u localhost:http -r 198.18.0.173:80
run ipvsadm -Z --mcast-port 8848 --sctp-service 127.0.0.1:8080 --mcast-group 198.18.0.1 --sctp-service 198.18.0.151:80 --mcast-ttl 1
run ipvsadm --set x 0 x --sctp-service 198.18.0.150 --pe nosuch
run ipvsadm -l -M 64 -t 10.1:80
run ipvsadm -D -g -t 198.18.0.150:99999 --sctp-service 198.18.0.150:80
run ipvsadm --stop-daemon foo
run ipvsadm -Ln --sctp-service 198.18.0.150:0
run ipvsadm -E -w 0 -b mh-fallback,mh-port
run ipvsadm -At 2001:db8::3 extra
run ipvsadm -Z --tun-type=gue -w 1 -r 198.18.0.171
run ipvsadm -A -u 80 --tun-nocsum --sctp-service 198.18.0.150 -t 198.18.0.150:
run ipvsadm -Z -t 198.18.0.150:0 -6
run ipvsadm --set 900 900 900 --mcast-ttl 256 -u 198.18.0.151:80 --mcast-port 0
run ipvsadm -D --sctp-service 198.18.0.150:0 --tun-port x -r 0.0.0.0
run ipvsadm -C -u localhost:http --tun-remcsum
run ipvsadm -e --pe=nosuch -c -m --tun-port x -t 10.1:80
run ipvsadm -d -f 1 --tun-port x
run ipvsadm -Ln --syncid=0
run ipvsadm -D -t 198.18.0.151:80 -w 1 -t 300.1.1.1:80 --sctp-service 198.18.0.150
run ipvsadm -C
run ipvsadm -Sn -r 198.18.0.172:8080
run ipvsadm -au '[2001:db8::1]' -r 198.18.0.175:0 --sort -r 198.18.0.171 -r '[2001:db8::11]'
run ipvsadm -C --thresholds -r '[2001:db8::11]' --sctp-service 198.18.0.150 -t 198.18.0.150:http -o
run ipvsadm -Ln
run ipvsadm -S -n
run ipvsadm --stop-daemon foo -6 -t 198.18.0.150:80
run ipvsadm -A -M localhost
run ipvsadm -d --thresholds
run ipvsadm -a -r 198.18.0.171 -u '[2001:db8::1]:80'
run ipvsadm -E -p 30 --sctp-service 198.18.0.150:80 --tun-remcsum
run ipvsadm -C -f 4294967295 --sctp-service localhost:http -t '[2001:db8::1]:80'
run ipvsadm -E -s wlc -t '[2001:db8::1]' --tun-info extra
run ipvsadm --start-daemon bar -r 198.18.0.173:80 --mcast-ttl 256 --tun-type gre --daemon
run ipvsadm -E -s mh -y 20 -t 198.18.0.150:http
run ipvsadm -L -f -1 -i extra
run ipvsadm -Z --sctp-service 198.18.0.150:http -m -x 100 -b sh-fallback -u 127.0.0.1:8080
run ipvsadm -A -n
run ipvsadm -A --mcast-ttl 256 -r 198.18.0.175:0
run ipvsadm --start-daemon bar -r '[2001:db8::11]' -r '[2001:db8::10]:80' -r 198.18.0.174:http
run ipvsadm -At '[2001:db8::1]:80' -g --exact --tun-nocsum
run ipvsadm -a --tun-port x --tun-type vxlan
run ipvsadm -Lnc --sctp-service 198.18.0.150: -r '[2001:db8::10]:80' --mcast-interface eth0 --rate
run ipvsadm -E --sctp-service 10.1:80 -s sh -r localhost
run ipvsadm -E --tun-info -u 80
run ipvsadm -Z -r localhost -t 198.18.0.151:80 --sctp-service 198.18.0.150:http --mcast-interface eth0 -y z
run ipvsadm -E -u 300.1.1.1:80 -w 5
run ipvsadm -D --sort -r x.invalid -p 30
run ipvsadm --set x 900 -y z -s mh --timeout
run ipvsadm --start-daemon bar
run ipvsadm -At 198.18.0.150:
run ipvsadm -S -q --sctp-service 198.18.0.150:0 -s -p -u 198.18.0.150:80 -t 2001:db8::3
run ipvsadm -a -b flag-2,flag-3 --syncid 256
run ipvsadm -Lnc -c --tun-remcsum -r '[2001:db8::10]:80'
run ipvsadm -au 198.18.0.150:0 --tun-info
run ipvsadm -D -6 --sctp-service 198.18.0.150:http
run ipvsadm -C -b sh-port -u bad.invalid:80 --syncid 255
run ipvsadm -At 2001:db8::3 -6 --daemon
run ipvsadm -au 127.0.0.1:8080 -u 10.1:80 --sctp-service '[2001:db8::1]:80' -w 5 --syncid 255 -u 2001:db8::3
run ipvsadm -au 198.18.0.151:80
run ipvsadm -Lnc -u 198.18.0.150: -b bogus -w 2147483647
run ipvsadm -Lnc --mcast-group 198.18.0.1 --tun-nocsum
run ipvsadm -C -u 80
run ipvsadm -A -X -r 198.18.0.173:80 --sctp-service '[2001:db8::2]:53'
run ipvsadm -au 198.18.0.150:99999 --mcast-ttl=1 -s wlc
run ipvsadm -L -t 198.18.0.150:http --syncid 256
run ipvsadm -Sn --sync-maxlen 1472 -s lc
run ipvsadm -L --tun-type=gue --sctp-service bad.invalid:80
run ipvsadm -D --foo --persistent-conn -r x.invalid -w x --sctp-service 198.18.0.150:80
run ipvsadm --start-daemon bar --sctp-service 127.0.0.1:8080 --tun-info
run ipvsadm -Lnc -r 224.0.0.1 --sync-maxlen 70000
run ipvsadm -d -r 198.18.0.174:http --thresholds
run ipvsadm -d -t 198.18.0.150: --syncid=255 --sctp-service 198.18.0.150: --pe nosuch -t 198.18.0.150:99999
run ipvsadm -Z -b flag-1
run ipvsadm -Z --sctp-service 2001:db8::3 --foo
run ipvsadm -D -r 198.18.0.172:8080 --tun-nocsum
run ipvsadm -Ln
run ipvsadm -S -n
run ipvsadm -Sn --mcast-interface eth0 -r 198.18.0.171 --foo --sctp-service localhost:http -u 198.18.0.150:80
run ipvsadm -A
run ipvsadm -L -r 198.18.0.173:80 -6 --sync-maxlen 1472
run ipvsadm --start-daemon bar -m -r 198.18.0.173:80 --mcast-ttl 256
run ipvsadm -D -w 2147483647 -u 198.18.0.150:0
run ipvsadm -a -r localhost -u '[2001:db8::2]:53'
run ipvsadm -Sn --tun-remcsum
run ipvsadm -e
run ipvsadm -E
run ipvsadm -S
run ipvsadm --stop-daemon foo
run ipvsadm -Sn -r 198.18.0.173:80 --mcast-interface=eth0
run ipvsadm -au 2001:db8::3 -r x.invalid -q -t '[2001:db8::1]:80' -u '[2001:db8::1]:80'
run ipvsadm -E --syncid=255 -M 129 -x 0 --timeout -r '[2001:db8::10]:80'
run ipvsadm -At localhost:http --pe nosuch --pe sip --sctp-service 300.1.1.1:80
run ipvsadm -C -t bad.invalid:80
run ipvsadm -au '[2001:db8::2]:53' --daemon -t localhost:http --sctp-service '[2001:db8::1]:80' -b mh-fallback,mh-port -r 224.0.0.1
run ipvsadm -A
run ipvsadm -Lnc -t 198.18.0.151:80 --nosort -y 5 -g
run ipvsadm -Sn --persistent-conn -u 198.18.0.150 -p 0 -i -t 198.18.0.150:99999
run ipvsadm -C -u 80 --nosort -t 198.18.0.150:http -u 2001:db8::3
run ipvsadm -Sn --rate --tun-type gue --sync-maxlen 1472 --sctp-service 198.18.0.150:99999
run ipvsadm -Ln -f -1 -u 2001:db8::3
run ipvsadm -Z --syncid 256 --foo
run ipvsadm --set 2678401 900 2678401 2678401 --syncid 256 --syncid 255 -p -5
run ipvsadm -D --tun-port 6080 --sctp-service '[2001:db8::2]:53' --tun-csum -u 198.18.0.150
run ipvsadm -E --pe nosuch -x 10 --rate
run ipvsadm --set 2678401 x x -w 1 -r 0.0.0.0 -q
run ipvsadm -au 198.18.0.150:80
run ipvsadm -At 198.18.0.151:80 -t bad.invalid:80 -s mh --sctp-service 198.18.0.150:http
run ipvsadm -D -w x --mcast-group ff02::1 -t 80
run ipvsadm --stop-daemon foo -r localhost --pe sip -t 300.1.1.1:80 --mcast-ttl=1 -r 198.18.0.171
run ipvsadm -a -n --pe nosuch
run ipvsadm --start-daemon bar --nosort --sctp-service '[2001:db8::1]' -f 0
run ipvsadm -A -u 198.18.0.150: -w 0 --syncid=255 --sctp-service 10.1:80
run ipvsadm -At '[2001:db8::1]'
run ipvsadm -a --mcast-interface eth0 --exact -r localhost -r x.invalid -t 80
run ipvsadm --set x x 900 -r localhost
run ipvsadm -d -r '[2001:db8::11]'
run ipvsadm -Ln -r 224.0.0.1 --sctp-service 80 -f 7 -r 198.18.0.171 -r localhost
run ipvsadm -au '[2001:db8::1]:80' --syncid 0
run ipvsadm -Ln --thresholds --sctp-service '[2001:db8::1]'
run ipvsadm -e --timeout --sync-maxlen 70000 --mcast-interface=eth0
run ipvsadm -L
run ipvsadm -A --tun-type vxlan --pe nosuch -p 2678401
run ipvsadm -Ln -r '[2001:db8::11]' --pe nosuch
run ipvsadm -Z
run ipvsadm -L
run ipvsadm -A -t '[2001:db8::1]:80'
run ipvsadm -S -r 224.0.0.1 -r x.invalid -p 30
run ipvsadm -Ln
run ipvsadm -S -n
run ipvsadm -Ln -r 198.18.0.174:http -r 198.18.0.171 -m -t 300.1.1.1:80
run ipvsadm -a --thresholds --daemon
run ipvsadm -l --sctp-service 2001:db8::3 -t 10.1:80 -o extra
run ipvsadm --start-daemon bar -q -b flag-2,flag-3
run ipvsadm -C -6 -u 198.18.0.150
run ipvsadm -A -r 198.18.0.172:8080 -x 0
run ipvsadm -C -u 198.18.0.150:
run ipvsadm -l -r 198.18.0.172:8080 -u 198.18.0.150 --tun-type vxlan -u localhost:http
run ipvsadm -E -r 198.18.0.171 --sctp-service 198.18.0.150:http
run ipvsadm -Z -t 198.18.0.151:80 -r 198.18.0.171
run ipvsadm -Sn --mcast-interface eth0 -y 5 --mcast-port 0 -p abc
run ipvsadm -Z --mcast-port 0 --mcast-group 224.0.0.81 --tun-type vxlan
run ipvsadm --start-daemon bar -r 198.18.0.173:80 --sort -u 198.18.0.151:80
run ipvsadm -E -u 198.18.0.150: -r localhost --thresholds -r 0.0.0.0 -r '[2001:db8::10]:80'
run ipvsadm -Ln --stats
run ipvsadm --stop-daemon foo --tun-info --rate -t 300.1.1.1:80
run ipvsadm -A --tun-port 65536 --sctp-service localhost:http --sync-maxlen=70000 --sctp-service localhost:http
run ipvsadm -d
run ipvsadm --set 2678401 2678401 x --sctp-service 300.1.1.1:80 --sctp-service 198.18.0.150:99999
run ipvsadm -L --sctp-service 10.1:80 -t 198.18.0.150:80 --mcast-port 8848 -M 0
run ipvsadm -At 2001:db8::3 --sctp-service 198.18.0.151:80 -6 --tun-port x
run ipvsadm -At 198.18.0.150:0 -p 0 -u 300.1.1.1:80 --sctp-service 2001:db8::3 --sctp-service localhost:http
run ipvsadm --start-daemon bar
run ipvsadm --set 1 2678401 1 2678401 --nosort --stats -M 255.255.255.0 -u 198.18.0.150 --mcast-interface=eth0
run ipvsadm -At 198.18.0.150:0
run ipvsadm -Ln -n
run ipvsadm -Lnc -t 198.18.0.150:0 -r localhost --persistent-conn -r 198.18.0.171
run ipvsadm -a
run ipvsadm -S -r 198.18.0.172:8080 -t '[2001:db8::2]:53'
run ipvsadm --start-daemon bar -r '[2001:db8::10]:80' -t 198.18.0.150:99999 -r 198.18.0.172:8080
run ipvsadm -Ln -u 198.18.0.150: --mcast-interface eth0 -s -p extra
run ipvsadm -D --daemon -r x.invalid
run ipvsadm -Lnc -t 198.18.0.150:0 --sort --tun-nocsum -u bad.invalid:80 -r 198.18.0.172:8080
run ipvsadm -l -t '[2001:db8::2]:53' --tun-remcsum
run ipvsadm -L -r 198.18.0.171
run ipvsadm -S --sctp-service bad.invalid:80 --mcast-port 8848 --mcast-port=8848
run ipvsadm -e
run ipvsadm -Ln -i -r x.invalid -t 198.18.0.150:
run ipvsadm -l --stats --thresholds --syncid=0 --sctp-service 80
run ipvsadm -e --mcast-interface eth0 --sctp-service 198.18.0.150:http --sort -m
run ipvsadm -C --nosort -r 198.18.0.171 -r 198.18.0.172:8080
run ipvsadm -Z -s wlc
run ipvsadm -Lnc --mcast-ttl 1 -r 198.18.0.174:http
run ipvsadm -a -r 198.18.0.175:0 -n -u 80 -6 --sctp-service '[2001:db8::1]:80'
run ipvsadm -At 198.18.0.151:80 -r localhost --mcast-group 224.0.0.81 -y 0 -s rr
run ipvsadm -Sn -g -r 0.0.0.0 -r 198.18.0.173:80
run ipvsadm -D --mcast-interface eth0 --rate --nosort --timeout
run ipvsadm -E -u 198.18.0.150: -b ,
run ipvsadm -l --sctp-service '[2001:db8::2]:53' -r localhost -t 198.18.0.150:0 -t '[2001:db8::1]' --sctp-service '[2001:db8::2]:53'
run ipvsadm --start-daemon bar
run ipvsadm -Ln
run ipvsadm -S -n
run ipvsadm --set 1 x x extra
run ipvsadm -au 300.1.1.1:80 --sctp-service 198.18.0.151:80 -u 198.18.0.150: --tun-port=6080
run ipvsadm -D -r 198.18.0.172:8080 extra
run ipvsadm -l -u 198.18.0.150:80 -M localhost
run ipvsadm -D -r '[2001:db8::10]:80'
run ipvsadm -au '[2001:db8::2]:53' -w 0 -i -6
run ipvsadm -L -u 198.18.0.150:0 -s lc
run ipvsadm -A -f 0 -r x.invalid
run ipvsadm -Sn -s wrr --stats --sctp-service 127.0.0.1:8080 -u 198.18.0.150:http -t 10.1:80
run ipvsadm -At '[2001:db8::1]'
run ipvsadm -L --syncid 256 -t localhost:http --exact -r 198.18.0.171
run ipvsadm -Sn --exact --mcast-group ff02::1 --pe sip
run ipvsadm -Lnc -r '[2001:db8::11]' -t 198.18.0.150:99999 extra
run ipvsadm -S -u 198.18.0.150:80 --sctp-service 198.18.0.150:0
run ipvsadm -L --tun-nocsum --tun-nocsum
run ipvsadm -S
run ipvsadm -Z
run ipvsadm -a
run ipvsadm -Sn -r localhost -t 198.18.0.150:http -u 2001:db8::3
run ipvsadm --stop-daemon foo -u 198.18.0.150:80 -u 198.18.0.151:80
run ipvsadm -a --sctp-service 198.18.0.150:http -w 2147483647 --mcast-ttl 1
run ipvsadm -D -u 198.18.0.150: -6 --sctp-service '[2001:db8::1]'
run ipvsadm -D -u '[2001:db8::1]' --mcast-port 0 --mcast-interface eth0 -i
run ipvsadm --start-daemon bar --tun-nocsum
run ipvsadm -A -q --sort -u '[2001:db8::1]:80' -u 198.18.0.151:80 -x 0
run ipvsadm -D --thresholds -w 1
run ipvsadm -d --sctp-service 198.18.0.151:80 -r 198.18.0.171 --mcast-ttl=256 -w 2147483648
run ipvsadm -C -r 224.0.0.1 -t '[2001:db8::1]:80'
run ipvsadm --start-daemon bar
run ipvsadm -D -b flag-1 --sctp-service bad.invalid:80 -r 198.18.0.172:8080
run ipvsadm -Ln --sctp-service 198.18.0.150:http --timeout --tun-port 0 -u 198.18.0.150:0 -t '[2001:db8::1]'
run ipvsadm --start-daemon bar -w 0 -u '[2001:db8::1]:80' --rate --sctp-service 80
run ipvsadm -Lnc -f -1 -x 10 --sort
run ipvsadm -At 198.18.0.150:http -t 198.18.0.150:
run ipvsadm -L --mcast-interface eth0 --sync-maxlen 70000 --syncid 256 --persistent-conn
run ipvsadm -Z --mcast-ttl 1 --pe sip -q --mcast-interface eth0 -i
run ipvsadm --stop-daemon foo --sctp-service 198.18.0.150:99999 --sync-maxlen 1472 -r x.invalid
run ipvsadm -A --sctp-service 198.18.0.150:0 -r 198.18.0.171 -r 198.18.0.172:8080
run ipvsadm --stop-daemon foo -s -p -M 255.255.255.0
run ipvsadm -A -u 198.18.0.150:80 -u 80 --mcast-interface eth0 -6
run ipvsadm -Sn -g -t 198.18.0.150:
run ipvsadm -Lnc
run ipvsadm -E -r 198.18.0.174:http -t 300.1.1.1:80
run ipvsadm -e --sctp-service 198.18.0.150: -6 --tun-type ipip -p 30 --sctp-service localhost:http extra
run ipvsadm -au 198.18.0.150:http -r 198.18.0.171 -u '[2001:db8::1]' --sctp-service 198.18.0.150:99999
run ipvsadm -e -n
run ipvsadm -Lnc --mcast-group 198.18.0.1 -b ,
run ipvsadm -E -u bad.invalid:80
run ipvsadm -Sn -u 198.18.0.150: --sync-maxlen 70000 -t 198.18.0.150: -u 300.1.1.1:80 --pe nosuch
run ipvsadm -a --sctp-service 198.18.0.150 -u 198.18.0.150:80 --rate
run ipvsadm -Ln
run ipvsadm -S -n
run ipvsadm --stop-daemon foo --sctp-service 198.18.0.150:99999 -o --sctp-service '[2001:db8::2]:53' -i --rate
run ipvsadm -D -t 198.18.0.150:0
run ipvsadm -D -r 0.0.0.0
run ipvsadm -a --sctp-service bad.invalid:80 --syncid 0 -x -1
run ipvsadm --start-daemon bar -r x.invalid --tun-type=gre -t '[2001:db8::1]:80' --sctp-service 300.1.1.1:80 --stats
run ipvsadm -S --sctp-service 10.1:80
run ipvsadm -Ln -u 198.18.0.150 --mcast-interface eth0
run ipvsadm -Lnc -u 10.1:80 -t 80
run ipvsadm --set 900 2678401 900 --mcast-group 198.18.0.1 extra
run ipvsadm --set 0 2678401 --sync-maxlen 1472 --pe sip --sctp-service 198.18.0.150:
run ipvsadm -E -u '[2001:db8::1]' --daemon
run ipvsadm --stop-daemon foo -q
run ipvsadm -D --pe nosuch --tun-type vxlan -r x.invalid -p -5 -p
run ipvsadm --stop-daemon foo
run ipvsadm --start-daemon bar
run ipvsadm -C -u 198.18.0.150 -M localhost -r 198.18.0.172:8080 -x 0
run ipvsadm -A --sync-maxlen 70000
run ipvsadm -Lnc -s sh -b mh-fallback,mh-port --sync-maxlen 1472
run ipvsadm -At 127.0.0.1:8080 -n -r 198.18.0.172:8080 --sync-maxlen 1472 --sctp-service 2001:db8::3
run ipvsadm -At 80 -s sh --sctp-service 198.18.0.150:http
run ipvsadm -D --tun-port 6080
run ipvsadm -a -t '[2001:db8::1]' -t 198.18.0.151:80
run ipvsadm -l --sort --mcast-group ff02::1 --syncid 255
run ipvsadm -L --daemon -x -1
run ipvsadm -d -x -1 --mcast-interface eth0 -M localhost -x 10 -t 198.18.0.150:
run ipvsadm -Ln --pe sip --tun-info -t '[2001:db8::1]' --exact -x 0
run ipvsadm --set 1 900 --tun-info --sctp-service '[2001:db8::2]:53' -t '[2001:db8::1]' --mcast-group ff02::1 extra
run ipvsadm --start-daemon bar --sctp-service 198.18.0.150:0 -t 198.18.0.150:99999 -r 0.0.0.0 --mcast-port=8848 -b bogus
run ipvsadm -au 198.18.0.150:0 --tun-type ipip --tun-remcsum
run ipvsadm --stop-daemon foo --mcast-port 0 --pe nosuch
run ipvsadm -a --tun-type=gue -t 198.18.0.150:80 -u 300.1.1.1:80
run ipvsadm -L --sync-maxlen 1472 -r 224.0.0.1
run ipvsadm -Sn --mcast-port 8848 -u 80 --mcast-group 224.0.0.81 -t 2001:db8::3
run ipvsadm -e -u localhost:http --persistent-conn
run ipvsadm -au 2001:db8::3
run ipvsadm --set 900 x 2678401 1 --sctp-service 198.18.0.151:80 --tun-port=0
run ipvsadm -e --sctp-service '[2001:db8::1]' --tun-type vxlan -s sh
run ipvsadm --start-daemon bar -X -r 198.18.0.175:0 -u '[2001:db8::1]' -x -1 --tun-port 6080
run ipvsadm -Sn -x -1
run ipvsadm --stop-daemon foo -u '[2001:db8::2]:53'
run ipvsadm -At 198.18.0.150:0 --daemon --sctp-service localhost:http -t 2001:db8::3 --thresholds -y z
run ipvsadm -A --timeout --rate -M 24 --mcast-port 8848 -t '[2001:db8::1]:80'
run ipvsadm -D -t 198.18.0.150:99999 -t 10.1:80 -u '[2001:db8::2]:53' -r '[2001:db8::10]:80'
run ipvsadm -Z -y 20 -x 100
run ipvsadm --stop-daemon foo -r 198.18.0.172:8080 -t 300.1.1.1:80 -t 198.18.0.150:
run ipvsadm --stop-daemon foo -u 2001:db8::3 --mcast-group=198.18.0.1 --timeout
run ipvsadm --start-daemon bar --sctp-service 198.18.0.150:99999 -r 198.18.0.174:http -u 300.1.1.1:80
run ipvsadm -L -u 10.1:80 -t 10.1:80
run ipvsadm -L --persistent-conn --mcast-port 0
run ipvsadm -l -w x -r 198.18.0.174:http -u 2001:db8::3
run ipvsadm -Ln
run ipvsadm -S -n
run ipvsadm -S --timeout --rate --mcast-port=8848 --sctp-service '[2001:db8::1]'
run ipvsadm --start-daemon bar -f 4294967295 --pe nosuch --sctp-service 300.1.1.1:80 extra
run ipvsadm -At '[2001:db8::1]:80'
run ipvsadm -au 198.18.0.150:http
run ipvsadm -D --sctp-service '[2001:db8::1]' -t 198.18.0.150
run ipvsadm -e --mcast-port=0 --sctp-service 198.18.0.150:http --sctp-service 198.18.0.150:80 --sctp-service 127.0.0.1:8080 --nosort
run ipvsadm -d -c extra
run ipvsadm -Ln -s wrr -u 127.0.0.1:8080
run ipvsadm -A -r 0.0.0.0
run ipvsadm -Lnc --tun-info
run ipvsadm -Ln --mcast-interface=eth0 --tun-port=65536 --pe sip -t 198.18.0.150:99999 --sctp-service 198.18.0.150:80
run ipvsadm -Z --exact
run ipvsadm --stop-daemon foo --pe sip -u 300.1.1.1:80 --tun-port x
run ipvsadm -Sn
run ipvsadm -S
run ipvsadm -L --tun-nocsum -r 198.18.0.173:80 -u 2001:db8::3
run ipvsadm -au localhost:http -6 -p abc -f 4294967295
run ipvsadm -Ln -u 198.18.0.150: -r 224.0.0.1 --sctp-service 198.18.0.150:0
run ipvsadm -A -s mh -u 198.18.0.150
run ipvsadm -Z --sctp-service 198.18.0.150:0 --sync-maxlen=70000 -t 300.1.1.1:80 -w x
run ipvsadm -Z -r x.invalid -f 7 -r 224.0.0.1 -p 0 extra
run ipvsadm -Z --stats -t '[2001:db8::1]:80' -b ,
run ipvsadm -At 198.18.0.150 --exact --sync-maxlen 70000 -6 -q --pe sip
run ipvsadm -Ln -q -n
run ipvsadm -C -r '[2001:db8::10]:80' --timeout extra
run ipvsadm -A --mcast-port 0
run ipvsadm -E -f 7 -s wlc
run ipvsadm -C -u 198.18.0.150: --sctp-service localhost:http
run ipvsadm -Lnc -b , -u 198.18.0.150: extra
run ipvsadm -S -r 0.0.0.0 --pe sip
run ipvsadm --start-daemon bar --sctp-service 198.18.0.150:80 --sctp-service 300.1.1.1:80 -p 2678401
run ipvsadm -A
run ipvsadm -Ln --sctp-service 198.18.0.150 --foo
run ipvsadm --set x x 0 0 --tun-type gre --sctp-service 198.18.0.150:0
run ipvsadm --set 900 900 --tun-port 65536 -g --tun-port 65536
run ipvsadm -At 198.18.0.150:80
run ipvsadm -S -g --mcast-port 0 -6
run ipvsadm --set x 0 x x --tun-port x -s nosuch --mcast-port 8848 --pe=sip
run ipvsadm -L --mcast-interface=eth0 --sctp-service 198.18.0.150
run ipvsadm -Lnc -p
run ipvsadm --stop-daemon foo --nosort -s lc
run ipvsadm -Z -u 2001:db8::3 --stats
run ipvsadm -L --mcast-group ff02::1 -u 198.18.0.150:99999
run ipvsadm --set x x 0 -6 -t 300.1.1.1:80 -r 198.18.0.173:80 -t 198.18.0.150:99999 --tun-port 6080 extra
run ipvsadm -l -b flag-1 -w 1 --tun-csum
run ipvsadm -au 10.1:80 -u 198.18.0.150:99999 -o -x 0 --tun-remcsum -u 198.18.0.150:99999
run ipvsadm -Z -x 0 -b sh-fallback -f 1 --syncid 255 -f 2
run ipvsadm --set x x -p 2678400
run ipvsadm -l -r '[2001:db8::11]' -i
run ipvsadm -l -r 198.18.0.171 -u 80
run ipvsadm -Ln
run ipvsadm -S -n
run ipvsadm --start-daemon bar --sctp-service 198.18.0.150:80 --mcast-ttl 256 --mcast-group 198.18.0.1
run ipvsadm -l
run ipvsadm -L -M 255.255.255.0 -t 198.18.0.150:80 --pe nosuch
run ipvsadm --set 900 2678401 900 1 --mcast-port=0
run ipvsadm -Z -o -t 198.18.0.150:0 -r 198.18.0.172:8080 --sctp-service 80
run ipvsadm -L
run ipvsadm -e --sctp-service 198.18.0.150:80
run ipvsadm -D -u '[2001:db8::2]:53' --tun-port 6080
run ipvsadm -d --sctp-service 10.1:80 -r x.invalid
run ipvsadm -e -u 198.18.0.150:0 --syncid 256 -r 198.18.0.173:80 -u 198.18.0.150:0
run ipvsadm -D -x 10 -u '[2001:db8::1]:80' --tun-type vxlan
run ipvsadm -Z
run ipvsadm -E --sync-maxlen 70000 -r localhost --thresholds -w 2147483647
run ipvsadm -Ln -p 0 -r 198.18.0.175:0 -t 198.18.0.150:99999 -t 198.18.0.150: --tun-info
run ipvsadm -au 198.18.0.150:80 --mcast-interface=eth0 -i -t 80 --sctp-service '[2001:db8::1]:80' --tun-port x
run ipvsadm -a --syncid=256
run ipvsadm -C -c -t 198.18.0.150 --persistent-conn
run ipvsadm -D --sort --mcast-group=ff02::1 extra
run ipvsadm -E -u 127.0.0.1:8080 -u 300.1.1.1:80 --sctp-service 198.18.0.150:99999 -x -1
run ipvsadm -Sn -q --tun-port=6080 --sctp-service '[2001:db8::1]'
run ipvsadm -l --mcast-group 224.0.0.81
run ipvsadm -Lnc -u 198.18.0.150 -g -t 198.18.0.150 -g
run ipvsadm -Lnc --tun-csum --persistent-conn --pe nosuch
run ipvsadm --stop-daemon foo -y 0 -u 198.18.0.150:80
run ipvsadm -At 80 -6 -s lc --sctp-service 2001:db8::3 --pe sip -r x.invalid
run ipvsadm -A -r localhost -r '[2001:db8::10]:80'
run ipvsadm -a --mcast-ttl 256 --sctp-service '[2001:db8::1]' -t bad.invalid:80
run ipvsadm --stop-daemon foo --sctp-service 198.18.0.151:80 --thresholds
run ipvsadm -C -r 198.18.0.173:80 -x 100 -r 224.0.0.1 --sort --sctp-service 198.18.0.150
run ipvsadm -S -r 198.18.0.171 -g --sctp-service 198.18.0.150: -t '[2001:db8::1]' -t '[2001:db8::1]:80'
run ipvsadm -Z --pe sip
run ipvsadm -Lnc -w 5 --sync-maxlen 1472 -w 2147483647 -w 1
run ipvsadm -E -t 300.1.1.1:80 --sctp-service '[2001:db8::1]:80' -b sh-fallback -r 198.18.0.174:http --pe=sip
run ipvsadm --set x 900 --pe nosuch -u localhost:http -w 2147483647 -t '[2001:db8::1]' -t 198.18.0.150:80
run ipvsadm -S -t '[2001:db8::1]' -u 300.1.1.1:80
run ipvsadm --stop-daemon foo -t 198.18.0.150:http
run ipvsadm -Ln --sctp-service 198.18.0.150:http --sync-maxlen 1472
run ipvsadm -D --tun-csum -X -t 198.18.0.150:0 --mcast-ttl 256 --sctp-service 198.18.0.150:80
run ipvsadm -E -i --mcast-port 8848
run ipvsadm -Ln -p 0 --mcast-group ff02::1 -r '[2001:db8::10]:80'
run ipvsadm -Sn --pe nosuch --sync-maxlen 1472 -t '[2001:db8::1]' --sort
run ipvsadm -Z -t 198.18.0.150:99999 --mcast-ttl 1
run ipvsadm -e -t '[2001:db8::2]:53' -r '[2001:db8::10]:80' -s lc
run ipvsadm -e -t localhost:http -u 198.18.0.150:99999 -u '[2001:db8::2]:53'
run ipvsadm -At 300.1.1.1:80 --sctp-service 198.18.0.150: -r 198.18.0.174:http -r 198.18.0.173:80
run ipvsadm -l -r 198.18.0.174:http --mcast-group=224.0.0.81
run ipvsadm -E
run ipvsadm --start-daemon bar --mcast-interface eth0 -r 198.18.0.172:8080 -M 64
run ipvsadm -d
run ipvsadm -e --mcast-port 8848 -u 198.18.0.151:80 -r 198.18.0.173:80 -X --sctp-service 2001:db8::3
run ipvsadm -Ln
run ipvsadm -S -n
run ipvsadm -Z -u 10.1:80 -i
run ipvsadm --set 900 2678401 2678401 1 -t '[2001:db8::2]:53'
run ipvsadm -S
run ipvsadm --set 2678401 x 0 0 --sctp-service bad.invalid:80 -r 198.18.0.171 -u 198.18.0.150:0 -n
run ipvsadm -D -b bogus
run ipvsadm -A --sctp-service '[2001:db8::1]:80' --mcast-port 8848 --thresholds
run ipvsadm --start-daemon bar -u localhost:http --sctp-service 2001:db8::3 -f -1
run ipvsadm --start-daemon bar --syncid 256 -n -u 80
run ipvsadm -A -M 129 -g
run ipvsadm -C --tun-nocsum -r 198.18.0.173:80 --tun-csum
run ipvsadm -d --sctp-service '[2001:db8::1]:80' -t 2001:db8::3 -w 2147483648
run ipvsadm -a -u 198.18.0.150 -t 198.18.0.150 --tun-nocsum
run ipvsadm -d -g --exact
run ipvsadm --start-daemon bar -t 198.18.0.150
run ipvsadm -Lnc --tun-port 6080
run ipvsadm -d -u 198.18.0.150:99999 --sctp-service bad.invalid:80 --tun-type=vxlan --tun-port 6080
run ipvsadm -A -u 198.18.0.151:80 --nosort -6
run ipvsadm -At 300.1.1.1:80 --sctp-service 198.18.0.151:80 -w 2147483647 --mcast-port=0 --mcast-ttl 1 --sctp-service 300.1.1.1:80
run ipvsadm -d --sctp-service 198.18.0.151:80 -u 127.0.0.1:8080
run ipvsadm -A --sctp-service bad.invalid:80 -t 80 -w 2147483647
run ipvsadm --stop-daemon foo --mcast-group 198.18.0.1 --mcast-port 0 -X -i --pe sip
run ipvsadm -L --tun-port=6080 -t 10.1:80 --tun-remcsum
run ipvsadm --stop-daemon foo -r '[2001:db8::11]' -b flag-1
run ipvsadm -A
run ipvsadm -C --mcast-group 198.18.0.1
run ipvsadm -D extra
run ipvsadm -Z --tun-type ipip --tun-nocsum --daemon
run ipvsadm -D -r localhost --mcast-port=0 --foo
run ipvsadm -E -r 198.18.0.173:80 -w 2147483647 -M 1.2.3 extra
run ipvsadm -a --sctp-service localhost:http -u localhost:http -u '[2001:db8::1]:80' -r 198.18.0.174:http
run ipvsadm --start-daemon bar -r 198.18.0.174:http --sctp-service 198.18.0.150:0
run ipvsadm --stop-daemon foo -r 0.0.0.0 --sctp-service 198.18.0.150:0
run ipvsadm --start-daemon bar --tun-port x -r localhost --sync-maxlen 1472
run ipvsadm -l -u 198.18.0.150 -M 0 --mcast-interface eth0
run ipvsadm -At 198.18.0.150:0 --tun-info -t '[2001:db8::2]:53' -t 198.18.0.150:http
run ipvsadm -A --sctp-service 10.1:80 -w 5 -x -1
run ipvsadm -a
run ipvsadm -d -t 80 -r 198.18.0.172:8080 -r 0.0.0.0
run ipvsadm -E -w -1
run ipvsadm -L --sync-maxlen 70000 -u '[2001:db8::1]' -u 300.1.1.1:80 -r 0.0.0.0
run ipvsadm -Sn -b bogus -q --exact --sctp-service 80 -u 198.18.0.150
run ipvsadm --set 0 1 1 --sctp-service 198.18.0.150:80
run ipvsadm -Z --sctp-service '[2001:db8::1]:80' -s wlc
run ipvsadm -D -r '[2001:db8::10]:80' --sort
run ipvsadm -Sn --sync-maxlen 70000 -r 198.18.0.175:0 --mcast-group=198.18.0.1
run ipvsadm -Sn --daemon --sync-maxlen 70000 --daemon -u 10.1:80 --sctp-service bad.invalid:80
run ipvsadm -d -r 224.0.0.1 -r x.invalid
run ipvsadm -Ln
run ipvsadm -E --sctp-service '[2001:db8::1]' -n
run ipvsadm -E --mcast-port 8848 --mcast-interface eth0
run ipvsadm -Ln
run ipvsadm -S -n
run ipvsadm -e --sctp-service 198.18.0.150:0 -t 300.1.1.1:80 -r 198.18.0.172:8080 --pe nosuch -t 198.18.0.150:http
run ipvsadm -E --mcast-interface eth0 -6 -f 2
run ipvsadm -e -x 10 --sctp-service '[2001:db8::1]:80' -r '[2001:db8::11]'
run ipvsadm -Lnc -i -f -1
run ipvsadm -d --tun-csum -w x --sctp-service 198.18.0.150:http
run ipvsadm --set 900 2678401 900 --foo -s -p
run ipvsadm --stop-daemon foo --tun-csum --timeout --sctp-service '[2001:db8::1]' -u 127.0.0.1:8080 --tun-nocsum extra
run ipvsadm -E --sync-maxlen 1472 --mcast-ttl 256
run ipvsadm -E
run ipvsadm -Lnc -r x.invalid --sctp-service '[2001:db8::1]' --tun-remcsum -t 300.1.1.1:80
run ipvsadm -A -X --tun-nocsum
run ipvsadm -e --nosort -r 198.18.0.171 -r '[2001:db8::10]:80' -u '[2001:db8::1]:80'
run ipvsadm -Ln --foo -o -b flag-2,flag-3
run ipvsadm -e
run ipvsadm --start-daemon bar -u 2001:db8::3
run ipvsadm -a --syncid 255 --thresholds -t 10.1:80 -y 5
run ipvsadm -Ln --sctp-service 198.18.0.150:http --sctp-service localhost:http -t 198.18.0.150 -g
run ipvsadm -e --exact -X -u 198.18.0.151:80 -s mh -t 80
run ipvsadm -e -s nosuch --sctp-service 127.0.0.1:8080 --pe=sip -u 198.18.0.150 -t 198.18.0.150
run ipvsadm --stop-daemon foo -u '[2001:db8::1]' -s rr --sync-maxlen 70000
run ipvsadm --start-daemon bar
run ipvsadm -Lnc --tun-type=gue --pe sip -u 198.18.0.150:http
run ipvsadm -S -r 198.18.0.172:8080
run ipvsadm -A -r 198.18.0.172:8080 extra
run ipvsadm -Z --tun-port x --mcast-group 198.18.0.1 -q
run ipvsadm --start-daemon bar -6 --mcast-interface eth0 --tun-type vxlan
run ipvsadm --start-daemon bar -r 224.0.0.1 --tun-type ipip
run ipvsadm -D -u localhost:http --mcast-interface eth0 --tun-remcsum --sctp-service 198.18.0.150:99999
run ipvsadm -D -u 80 -s -p --sync-maxlen 1472
run ipvsadm --stop-daemon foo -w 2147483648 --exact
run ipvsadm -A
run ipvsadm -At 198.18.0.150:http -s nosuch -u localhost:http -t localhost:http -g -u 198.18.0.150:
run ipvsadm --stop-daemon foo --syncid=0
run ipvsadm -S -r localhost --foo --mcast-ttl 256 -r localhost
run ipvsadm -d --tun-info -t 300.1.1.1:80 --mcast-interface eth0
run ipvsadm -E -c -u 127.0.0.1:8080 -u 198.18.0.150:http
run ipvsadm -D --sctp-service 198.18.0.150:99999 -q -m --sctp-service 127.0.0.1:8080
run ipvsadm -Z -u 198.18.0.150 -r localhost --mcast-port 0 -p
run ipvsadm -E --tun-nocsum --sctp-service 198.18.0.150 --mcast-interface eth0
run ipvsadm -e -r '[2001:db8::11]' -q --exact --mcast-interface eth0
run ipvsadm -Z
run ipvsadm -Sn -r 198.18.0.174:http --sync-maxlen 70000 --sctp-service '[2001:db8::1]' -x 10
run ipvsadm --start-daemon bar
run ipvsadm -a
run ipvsadm --set 900 0 900 1 -u '[2001:db8::1]' -r '[2001:db8::11]'
run ipvsadm -Sn
run ipvsadm -S -t 198.18.0.150 -c -t 198.18.0.150:
run ipvsadm -l -r '[2001:db8::10]:80' -r 224.0.0.1 -r 198.18.0.174:http
run ipvsadm -e -r x.invalid --thresholds --mcast-group 198.18.0.1
run ipvsadm -au 198.18.0.150:80
run ipvsadm -Ln
run ipvsadm -S -n
run ipvsadm -L
