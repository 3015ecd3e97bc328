# -R: one command per line, "ipvsadm" words dropped; kernel errors go on,
# option errors stop the restore; -S / -C / -R rebuilds the same table.
runin '-A -t 198.18.0.150:80 -s rr\n\n  ipvsadm -a -t 198.18.0.150:80 -r 198.18.0.171 -m\n-a -t 198.18.0.150:80 -r 198.18.0.171 -m\n-a\t-t 198.18.0.150:80 -r 198.18.0.172 -m -w 2\r\n-A -t 198.18.0.151:80 -w 3\n-A -t 198.18.0.152:80\n' ipvsadm -R
run ipvsadm -Ln
runin '-A -t 198.18.0.153:80\n-A -t 198.18.0.153:80\n' ipvsadm -R
runin '-A -t 198.18.0.153:80\n-A -t 198.18.0.154:80\n' ipvsadm -R
runin '-A -t 198.18.0.155:80\n-R\n-A -t 198.18.0.156:80\n' ipvsadm -R
runin '-A -t 198.18.0.157:80\n# comment\n-A -t 198.18.0.158:80\n' ipvsadm -R
runin '-A -t 198.18.0.159:80\n-L -n\n--set 1 2 3\n-Q\n-A -t 198.18.0.160:80\n' ipvsadm -R
runin '-A -t 198.18.0.161:80 --foo\n-A -t 198.18.0.162:80\n' ipvsadm -R
runin '-A -t 198.18.0.163:80 -s nosuch\n-a -t 198.18.0.163:80 -r 198.18.0.171\n-A -t 198.18.0.164:80 -s bad -b flag-9\n-A -t 198.18.0.165:80\n' ipvsadm -R
runin '' ipvsadm -R
run ipvsadm -L --timeout
run ipvsadm -Ln
run ipvsadm -C
runin '-A -t 198.18.0.150:80 -s wrr -p 5\n-a -t 198.18.0.150:80 -r 198.18.0.171:80 -g -w 1\n-a -t 198.18.0.150:80 -r 198.18.0.172:80 -g -w 3\n-A -u [2001:db8::1]:53 -s rr\n-a -u [2001:db8::1]:53 -r [2001:db8::2]:53 -m -w 3\n-a -u [2001:db8::1]:53 -r 198.18.0.173:53 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum\n-A -f 7 -6 -s rr -p 60 -M 64\n-A -f 8 -s sh -b sh-port -o\n-a -f 8 -r 198.18.0.174:0 -m -w 0\n' ipvsadm -R
run ipvsadm -S -n
run ipvsadm -C
runin '-A -t 198.18.0.150:80 -s wrr -p 5\n-a -t 198.18.0.150:80 -r 198.18.0.171:80 -g -w 1\n-a -t 198.18.0.150:80 -r 198.18.0.172:80 -g -w 3\n-A -u [2001:db8::1]:53 -s rr\n-a -u [2001:db8::1]:53 -r [2001:db8::2]:53 -m -w 3\n-a -u [2001:db8::1]:53 -r 198.18.0.173:53 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum\n-A -f 7 -6 -s rr -p 60 -M 64\n-A -f 8 -s sh -b sh-port -o\n-a -f 8 -r 198.18.0.174:0 -m -w 0\n' ipvsadm -R
run ipvsadm -S -n
run ipvsadm -Ln
