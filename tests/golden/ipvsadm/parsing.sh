# What popt accepts: bundles, attached and --opt=value arguments, -p's optional value.
run ipvsadm -At198.18.0.150:80 -srr
run ipvsadm -A -t 198.18.0.150:81 -s=rr
run ipvsadm -A --tcp-service=198.18.0.150:82 --scheduler=wrr
run ipvsadm -A -t 198.18.0.150:83 -p30
run ipvsadm -A -t 198.18.0.150:84 -p=40 -s rr
run ipvsadm -A -t 198.18.0.150:85 --persistent= -s rr
run ipvsadm -A -t 198.18.0.150:86 -p -srr
run ipvsadm -A -t 198.18.0.150:87 -ps rr
run ipvsadm --add-service --udp-service 198.18.0.150:53 --ops
run ipvsadm -aut 198.18.0.150:53 -r 198.18.0.171 -m
run ipvsadm -a -u 198.18.0.150:53 -mr198.18.0.172 -w2
run ipvsadm --add-server -u 198.18.0.150:53 --real-server 198.18.0.173 --masquerading --weight=3
run ipvsadm -a -t 198.18.0.150:80 -r198.18.0.171:80 -gw 4
run ipvsadm -Ln
run ipvsadm -Lnt 198.18.0.150:80
run ipvsadm -nL
run ipvsadm -lnu 198.18.0.150:53
run ipvsadm --list --numeric --sort --sort
run ipvsadm -L -n --exact --stats -t 198.18.0.150:80
run ipvsadm -LnX --rate
run ipvsadm -SL
run ipvsadm -Sn
run ipvsadm --save --numeric
run ipvsadm -Zt 198.18.0.150:80
run ipvsadm -Dt198.18.0.150:80
run ipvsadm --delete-server -u 198.18.0.150:53 -r 198.18.0.173
run ipvsadm --edit-server -u 198.18.0.150:53 -r 198.18.0.172 -m --weight 9
run ipvsadm --edit-service -u 198.18.0.150:53 -s rr -o
run ipvsadm --clear
run ipvsadm --list -n
run ipvsadm -v
run ipvsadm --version
run ipvsadm -v -L
