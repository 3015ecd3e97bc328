# Long host names (added to the VM's /etc/hosts; the test resolver reads these lines):
# listing columns cut IPv4 names at 33 / 28 characters, every address at 59.
echo '198.18.0.150 vip-with-a-rather-long-name.lab.example' >> /etc/hosts
echo '198.18.0.171 rs1-with-a-rather-long-host-name.lab.example' >> /etc/hosts
echo '198.18.0.172 rs2.example' >> /etc/hosts
echo '2001:db8::1 an-ipv6-virtual-service-with-a-very-long-host-name-indeed.lab.example' >> /etc/hosts
echo '2001:db8::2 six-rs.example' >> /etc/hosts
run ipvsadm -A -t vip-with-a-rather-long-name.lab.example:http -s rr
run ipvsadm -a -t 198.18.0.150:80 -r rs1-with-a-rather-long-host-name.lab.example -m
run ipvsadm -a -t 198.18.0.150:80 -r rs2.example:8080 -m
run ipvsadm -a -t 198.18.0.150:80 -r [2001:db8::2]:80 -i
run ipvsadm -A -u 198.18.0.150:53 -s rr
run ipvsadm -a -u 198.18.0.150:53 -r 198.18.0.171 -m
run ipvsadm -A -t [2001:db8::1]:443 -s rr
run ipvsadm -a -t [2001:db8::1]:443 -r [2001:db8::2]:443 -m
run ipvsadm -a -t [2001:db8::1]:443 -r 198.18.0.171:443 -i
run ipvsadm -A -t [2001:db8::1]:80 -s rr
run ipvsadm -L
run ipvsadm -L --stats
run ipvsadm -L --rate
run ipvsadm -L --thresholds
run ipvsadm -L --persistent-conn
run ipvsadm -L --tun-info
run ipvsadm -L -t 198.18.0.150:http
run ipvsadm -S
run ipvsadm -Ln
