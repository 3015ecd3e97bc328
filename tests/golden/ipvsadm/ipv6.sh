# IPv6 services and servers: brackets, the /128 default mask, prefix masks, sorting.
run ipvsadm -A -t [2001:db8::1]:80 -s rr
run ipvsadm -a -t [2001:db8::1]:80 -r [2001:db8::20]:80 -m -w 2
run ipvsadm -a -t [2001:db8::1]:80 -r [2001:db8::3]:8080 -m
run ipvsadm -a -t [2001:db8::1]:80 -r [2001:db8:0:0:1::a]:80 -g
run ipvsadm -A -u [2001:db8::1]:53 -s wrr -p 60 -M 64
run ipvsadm -a -u [2001:db8::1]:53 -r [2001:db8::5] -m
run ipvsadm -a -u [2001:db8::1]:53 -r [2001:db8::5]:53 -m
run ipvsadm -A -t [2001:db8::ffff:0:1]:443 -p
run ipvsadm -A -t 2001:db8::9 -p 10
run ipvsadm -A -t [2001:db8::9]80
run ipvsadm -A -t [2001:db8::10]:80 -p 10 -M 129
run ipvsadm -A -t [::ffff:198.18.0.1]:80
run ipvsadm -A -t 198.18.0.1:80
run ipvsadm -a -t 198.18.0.1:80 -r [2001:db8::7]:80 -m
run ipvsadm -a -t 198.18.0.1:80 -r [2001:db8::7]:80 -i
run ipvsadm -Ln
run ipvsadm -Ln --nosort -t [2001:db8::1]:80
run ipvsadm -Ln -u [2001:db8::1]:53
run ipvsadm -S -n
run ipvsadm -d -t [2001:db8::1]:80 -r [2001:db8::3]:8080
run ipvsadm -D -u [2001:db8::1]:53
run ipvsadm -Ln --tun-info
