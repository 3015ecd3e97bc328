# Every scheduler of Linux 6.1 and the scheduler flags (-b) they accept.
run ipvsadm -A -t 198.18.0.150:1 -s rr
run ipvsadm -A -t 198.18.0.150:2 -s wrr
run ipvsadm -A -t 198.18.0.150:3 -s lc
run ipvsadm -A -t 198.18.0.150:4 -s wlc
run ipvsadm -A -t 198.18.0.150:5 -s lblc
run ipvsadm -A -t 198.18.0.150:6 -s lblcr
run ipvsadm -A -t 198.18.0.150:7 -s dh
run ipvsadm -A -t 198.18.0.150:8 -s sh
run ipvsadm -A -t 198.18.0.150:9 -s sed
run ipvsadm -A -t 198.18.0.150:10 -s nq
run ipvsadm -A -t 198.18.0.150:11 -s fo
run ipvsadm -A -t 198.18.0.150:12 -s ovf
run ipvsadm -A -t 198.18.0.150:13 -s mh
run ipvsadm -A -t 198.18.0.150:14
run ipvsadm -A -t 198.18.0.150:15 -s nosuch
run ipvsadm -A -t 198.18.0.150:16 --scheduler=rr -b flag-1,flag-3
run ipvsadm -A -t 198.18.0.150:17 -s sh -b sh-fallback,sh-port
run ipvsadm -A -t 198.18.0.150:18 -s sh -b sh-port
run ipvsadm -A -t 198.18.0.150:19 -s mh -b mh-port,mh-fallback
run ipvsadm -A -t 198.18.0.150:20 -s mh -b mh-fallback,flag-3
run ipvsadm -A -t 198.18.0.150:21 -s sh -b flag-3
run ipvsadm -A -t 198.18.0.150:22 -s wrr -b ,flag-2,,
run ipvsadm -A -t 198.18.0.150:23 -b flag-2 -s rr
run ipvsadm -A -t 198.18.0.150:24 -b sh-port
run ipvsadm -A -t 198.18.0.150:25 -s mh -b sh-port
run ipvsadm -A -t 198.18.0.150:26 -s sh -b mh-fallback
run ipvsadm -A -t 198.18.0.150:27 -s rr -b flag-4
run ipvsadm -A -t 198.18.0.150:28 -s rr -b FLAG-1
run ipvsadm -D -t 198.18.0.150:1 -b flag-1
run ipvsadm -Ln
run ipvsadm -S -n
run ipvsadm -E -t 198.18.0.150:17 -s sh
run ipvsadm -E -t 198.18.0.150:2 -b flag-1
run ipvsadm -E -t 198.18.0.150:3 -s nosuch
run ipvsadm -E -t 198.18.0.150:99 -s rr
run ipvsadm -Ln -t 198.18.0.150:17
run ipvsadm -Ln -t 198.18.0.150:2
