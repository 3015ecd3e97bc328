# Helpers shared by every scenario (regen.sh prepends this file).
# run CMD...            run CMD, print "### $ CMD", its stdout and stderr (with byte
#                       counts) and "### rc=N".
# runin TEXT CMD...     the same with printf TEXT on stdin, shown as "--- stdin".
O=/tmp/stdout E=/tmp/stderr I=/tmp/stdin
show() {
    if [ -s "$O" ]; then echo "--- stdout ($(wc -c <"$O") bytes):"; cat "$O"; fi
    if [ -s "$E" ]; then echo "--- stderr ($(wc -c <"$E") bytes):"; cat "$E"; fi
    echo "### rc=$1"
    echo
}
run() {
    echo "### \$ $*"
    "$@" >"$O" 2>"$E" </dev/null
    show $?
}
runin() {
    printf -- "$1" >"$I"
    shift
    echo "### \$ $*"
    echo "--- stdin ($(wc -c <"$I") bytes):"; cat "$I"
    "$@" >"$O" 2>"$E" <"$I"
    show $?
}
