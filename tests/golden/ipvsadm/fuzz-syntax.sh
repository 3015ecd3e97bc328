# Random option syntax (make_fuzz.py syntax, seed 20261127): bundles, attached
# and --opt=value arguments, lone - and --, values that look like options.
run ipvsadm --list=1
run ipvsadm -f -vL --persistent= -t198.18.0.150:80 -n=1 1
run ipvsadm --numeric -s=rr
run ipvsadm -t --tun-port=6080 -Ln -t -mw3 -nL
run ipvsadm -o --persistent=5 -l -Lnc
run ipvsadm --version -vL --num
run ipvsadm -Ln -Lh -Ln
run ipvsadm - --help -t198.18.0.150:80
run ipvsadm -list --persistent=5 --num
run ipvsadm -x --help --persistent --tun-type=gue -
run ipvsadm --numeric -s --persistent -f5 -srr
run ipvsadm -t198.18.0.150:80 -srr -tA
run ipvsadm -nL
run ipvsadm -6 -3 --num -X -b -list
run ipvsadm -a -s=rr
run ipvsadm -f5 -p -o -hL
run ipvsadm -i -6 --tcp-service=198.18.0.150:81 --pe=sip
run ipvsadm -list -s
run ipvsadm -Ef5
run ipvsadm -n=1
run ipvsadm -tA
run ipvsadm -cn -LL
run ipvsadm -tA --numeric
run ipvsadm -6 -Lnc -i
run ipvsadm --num
run ipvsadm --numeric --persistent= --set 1 -f
run ipvsadm --tun-port=6080 -Ln -y5
run ipvsadm -t198.18.0.150:80
run ipvsadm -t198.18.0.150:80 -Z --persistent=5
run ipvsadm --tun-port=6080 -b -g flag-2 -Ll -hL
run ipvsadm -b 5 -S --persistent -l -h
run ipvsadm --version -n=1
run ipvsadm -- 3 --help --tun-port=6080 -s=rr -s=rr
run ipvsadm --version -At
run ipvsadm --persistent= --numeric --num
run ipvsadm 3
run ipvsadm -Z flag-2 -vL -LL
run ipvsadm -Ef5 -LL --version
run ipvsadm --sched-flags=flag-1 -L 198.18.0.150:80 -v -Lh -s
run ipvsadm 3 --persistent
run ipvsadm --persistent=5
run ipvsadm --persistent= -srr
run ipvsadm -At --tun-type=gue --tun-port=6080 -t198.18.0.150:80
run ipvsadm -n=1 --sort= -t
run ipvsadm -A --persistent= -cn -Ln -b -L
run ipvsadm --num --pe=sip --sched-flags=flag-1
run ipvsadm -3 -hL --num
run ipvsadm --weight=
run ipvsadm -nL --tun-port=6080 -A
run ipvsadm -mw3 - --weight= -C -vL
run ipvsadm -L -v -p30
run ipvsadm -s=rr
run ipvsadm -g flag-2 -S -Ll -r198.18.0.171 --persistent=
run ipvsadm -p
run ipvsadm -a
run ipvsadm -t
run ipvsadm -i -p=30 -3
run ipvsadm -list -h -a
run ipvsadm -r198.18.0.171
run ipvsadm -Ll --list=1
run ipvsadm -tA 198.18.0.150:80 -r198.18.0.171 -nL
run ipvsadm 198.18.0.150:80 --numeric - -S
run ipvsadm -v -r -i rr -
run ipvsadm -r198.18.0.171 --weight= 1
run ipvsadm --stats --num
run ipvsadm -tA
run ipvsadm -LL - --pe=sip
run ipvsadm -l -list -s 1
run ipvsadm -l -At - --set --version -s=rr
run ipvsadm -srr -b -Ln --pe=sip -Lnc -6
run ipvsadm -r --exact -Ln rr
run ipvsadm flag-2 -x --
run ipvsadm --pe=sip -t198.18.0.150:80
run ipvsadm -p30 -Ef5 -LL -3 -X -6
run ipvsadm 198.18.0.150:80 -Ln
run ipvsadm -y5 5 3
run ipvsadm -t198.18.0.150:80 -6 rr -Ef5
run ipvsadm -r198.18.0.171
run ipvsadm -tA --sort= -cn
run ipvsadm --persistent= -p=30
run ipvsadm --tcp-service=198.18.0.150:81 -p30 -n=1 -f5
run ipvsadm flag-2
run ipvsadm -p=30 rr -p -tA -r
run ipvsadm -6 -r198.18.0.171 -g
run ipvsadm -X --sched-flags=flag-1 -p=30 --numeric -y5
run ipvsadm -vL -hL 3
run ipvsadm -a --help -X
run ipvsadm -mw3 -At
run ipvsadm -tA -
run ipvsadm --numeric --sort= --sched-flags=flag-1 -L
run ipvsadm -Z -g -f5 -s
run ipvsadm 198.18.0.150:80 -mw3 -3
run ipvsadm -tA -hL --persistent=5 -Lh -X --version
run ipvsadm -At -srr -tA -v --tun-port=6080 --persistent=
run ipvsadm -p=30 -A -3
run ipvsadm --tcp-service=198.18.0.150:81 --persistent= -s
run ipvsadm -Z
run ipvsadm --set -Ln -S -Z
run ipvsadm --persistent --set
run ipvsadm flag-2 --sched-flags=flag-1
run ipvsadm --tun-port=6080 -o -n=1 -p30 -a
run ipvsadm --persistent= -t -Lnc -o
run ipvsadm -p=30
run ipvsadm --numeric --tun-type=gue -Z
run ipvsadm -g -- -r -Ln --version
run ipvsadm -s
run ipvsadm -p=30 --help -s=rr
run ipvsadm -g -l --sort= --tcp-service=198.18.0.150:81 -cn -Ef5
run ipvsadm -s=rr --set
run ipvsadm -At --tun-port=6080 -t -6 --tun-type=gue
run ipvsadm flag-2 -X -o
run ipvsadm -p=30 --persistent -Ln
run ipvsadm --sort= -Ln -Z
run ipvsadm -vL 5 -tA -s=rr -S --version
run ipvsadm -r198.18.0.171 198.18.0.150:80
run ipvsadm -tA -LL
run ipvsadm --num 198.18.0.150:80 -A --sched-flags=flag-1
run ipvsadm --tun-type=gue -w -nL --persistent= -A
run ipvsadm -Ln --pe=sip -
run ipvsadm -f5 -g --set
run ipvsadm -3 5 -w --persistent -p30 -v
run ipvsadm --persistent= 3 -srr
run ipvsadm -v -vL -g
run ipvsadm flag-2 -6
run ipvsadm -p=30
run ipvsadm -p30 -list - -Lnc --persistent= -3
run ipvsadm -f5 -cn
run ipvsadm -f5 -cn -i -A
run ipvsadm -list -nL -s flag-2
run ipvsadm - -v
run ipvsadm -n=1 --sort= --set
run ipvsadm -Ll -Lnc --tun-port=6080
run ipvsadm -t198.18.0.150:80 -n=1 -X
run ipvsadm -tA -list -w --pe=sip -srr
run ipvsadm -tA --persistent= --sched-flags=flag-1 --weight=
run ipvsadm -g -3 -w -X
run ipvsadm -g -S -v
run ipvsadm --num -vL -A
run ipvsadm 3 -p=30 --numeric --tcp-service=198.18.0.150:81 -L -L
run ipvsadm -r198.18.0.171 --stats
run ipvsadm -n=1 -f5 --sort= -y5 -cn
run ipvsadm - --exact -p -r198.18.0.171
run ipvsadm -cn
run ipvsadm -s=rr
run ipvsadm -f5 -g -srr -Ef5 -6
run ipvsadm -Ll
run ipvsadm -w -hL -nL -y5 -vL
run ipvsadm flag-2 -f -list -A --list=1 -S
run ipvsadm --tun-type=gue -f5 -s -r -l -p30
run ipvsadm --exact -t198.18.0.150:80 --stats rr
run ipvsadm -At -a -LL -x
run ipvsadm -mw3 -- -p=30 -Ln -hL
run ipvsadm -nL --sort= -f
run ipvsadm --persistent=5
run ipvsadm --numeric --sched-flags=flag-1 -6 --numeric -i
run ipvsadm -A -y5 -r198.18.0.171 --tun-port=6080 -Ll
run ipvsadm -p - --tcp-service=198.18.0.150:81 --stats
run ipvsadm -cn -a --sort= 1 -v -Ll
run ipvsadm -list -f -n=1 -f --num -X
run ipvsadm - -v -r
run ipvsadm -3 -p30 --pe=sip
run ipvsadm -p30 -i --stats
run ipvsadm 5 -f5 --stats -b --pe=sip
run ipvsadm -mw3 -vL -hL --list=1 --persistent=5
run ipvsadm -p30
run ipvsadm --persistent=5 --version -hL
run ipvsadm -Ln --tcp-service=198.18.0.150:81 -Ln --persistent
run ipvsadm -Lnc
run ipvsadm rr 5
run ipvsadm -r flag-2 --pe=sip --sched-flags=flag-1 -n=1 -vL
run ipvsadm -o
run ipvsadm -srr -Lnc -x
run ipvsadm -S rr -o --tcp-service=198.18.0.150:81 --persistent
run ipvsadm -r -srr -srr flag-2 -p30
run ipvsadm --persistent= -t198.18.0.150:80 -r --numeric -- -n=1
run ipvsadm 198.18.0.150:80 --numeric
run ipvsadm -Lnc -Lh --numeric --exact
run ipvsadm -n=1 - -Ll -b -Ln
run ipvsadm -LL -y5
run ipvsadm --sort= --numeric -3 -Lh
run ipvsadm -Ll --version --persistent -l
run ipvsadm -Ef5 -t -srr -3 -S -Lnc
run ipvsadm -p=30 -Ll -y5 -b --persistent=5
run ipvsadm -l rr -
run ipvsadm -p30 -nL -Lh 198.18.0.150:80
run ipvsadm 5 -t 3
run ipvsadm --persistent=5 --sort= --numeric
run ipvsadm -srr -s -vL
run ipvsadm -t
run ipvsadm -Lnc -f5 -t
run ipvsadm --numeric 5 -srr
run ipvsadm -Lnc -vL -nL -S --sched-flags=flag-1 -Z
run ipvsadm -vL -Lnc -Ll -n=1 1
run ipvsadm -l -tA -S
run ipvsadm -Ll -g -f5
run ipvsadm --list=1 --persistent= -g -y5 -n=1
run ipvsadm -tA -a
run ipvsadm -srr --persistent --set --sched-flags=flag-1
run ipvsadm --persistent= -Lh
run ipvsadm -C 1 -S
run ipvsadm --version 5
run ipvsadm --exact -nL
run ipvsadm -L -o -t --tcp-service=198.18.0.150:81 - -Ll
run ipvsadm 5 -s
run ipvsadm --version -f -nL -s=rr -Lh
run ipvsadm - -y5 --tun-type=gue --exact --help
run ipvsadm -o -- -S
run ipvsadm -s -Ln -vL
run ipvsadm --sched-flags=flag-1 -w --pe=sip 3 --pe=sip
run ipvsadm -At -s
run ipvsadm -mw3 -Lh -b
run ipvsadm -f flag-2 --sched-flags=flag-1 -r
run ipvsadm flag-2 -mw3 -Lnc
run ipvsadm -Ln -o
run ipvsadm -LL --version -t198.18.0.150:80 198.18.0.150:80
run ipvsadm -o -Ll --tun-type=gue -s -b --sched-flags=flag-1
run ipvsadm -t -Lh -tA
run ipvsadm -vL -a -f5 -cn 5 -Lh
run ipvsadm -a -l -p30
run ipvsadm -mw3 198.18.0.150:80
run ipvsadm -srr
run ipvsadm -r198.18.0.171 - --list=1 -p --version -r
run ipvsadm --stats -x
run ipvsadm -vL -A -x --pe=sip 198.18.0.150:80 -i
run ipvsadm -i
run ipvsadm --tun-type=gue flag-2 -a
run ipvsadm -3 -x -t198.18.0.150:80 --persistent
run ipvsadm -tA --tun-type=gue -r -o -a
run ipvsadm -r --sched-flags=flag-1 -cn
run ipvsadm --set -hL -v
run ipvsadm -6 --stats -cn
run ipvsadm -n=1
run ipvsadm 1 --sort= -Ll -p30 -cn
run ipvsadm 198.18.0.150:80 -hL
run ipvsadm -3 -nL -t198.18.0.150:80 3
run ipvsadm --sort=
run ipvsadm -Ln --set
run ipvsadm -mw3 --numeric -tA -f -At
run ipvsadm -x -Lnc -n=1
run ipvsadm -r198.18.0.171 1
run ipvsadm -p30 --num -Ll -v rr
run ipvsadm -Lnc -Ll -Ll
run ipvsadm --set
run ipvsadm 5 -r
run ipvsadm -At -p30
run ipvsadm -s --tcp-service=198.18.0.150:81 --list=1 -i
run ipvsadm -Ef5 - --tun-port=6080 5
run ipvsadm --weight= -f --version
run ipvsadm -A
run ipvsadm -r198.18.0.171 1 -f5
run ipvsadm 5 -o
run ipvsadm -Z -Lh
run ipvsadm -p30 -o --version
run ipvsadm -x
run ipvsadm --sort= -x
run ipvsadm -6
run ipvsadm -p30 -v --
run ipvsadm --tcp-service=198.18.0.150:81 --sort= -s -f5 -Ll
run ipvsadm 3 --numeric --persistent
run ipvsadm 5 --sort= -p=30 198.18.0.150:80 3
run ipvsadm -vL -g --persistent=5 -6 -p=30 -X
run ipvsadm --tcp-service=198.18.0.150:81 --set -cn
run ipvsadm -Ef5 -mw3
run ipvsadm -Z flag-2 -Ef5 -v --exact
run ipvsadm --sort= -mw3 -r198.18.0.171 -s 1
run ipvsadm -f5
run ipvsadm -- -p30
run ipvsadm -Lnc --pe=sip -f -Ln -tA --num
run ipvsadm -o
run ipvsadm --persistent=5 --weight=
run ipvsadm --
run ipvsadm 198.18.0.150:80 -Ef5
run ipvsadm -X -6 -Ln -f5
run ipvsadm --sched-flags=flag-1 --num -vL -x
run ipvsadm -6 --sort= flag-2
run ipvsadm -nL -X -hL -y5 --tun-port=6080 -L
run ipvsadm -r -x --persistent= --pe=sip
run ipvsadm -Ln
