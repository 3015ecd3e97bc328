#!/bin/sh
# Regenerate the golden outputs: every scenario NAME.sh runs in the IPVS oracle
# (real kernel + ipvsadm 1.31), all in one boot, each on an empty table with
# default timeouts; its output is written to NAME.out.
#   tests/golden/ipvsadm/regen.sh [NAME ...]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
oracle=${ORACLE:-/work/shared/oracle/run.sh}
cd "$here"
if [ $# -eq 0 ]; then set -- $(ls *.sh | grep -v -e '^lib.sh$' -e '^regen.sh$' | sed 's/\.sh$//'); fi
script=$(mktemp) out=$(mktemp)
trap 'rm -f "$script" "$out"' EXIT
{
    echo '#!/bin/sh'
    cat lib.sh
    for name in "$@"; do
        echo "ipvsadm -C; ipvsadm --set 900 120 300"
        echo "echo '@@@ scenario $name'"
        cat "$name.sh"
    done
    echo "echo '@@@ end'"
} >"$script"
"$oracle" -q "$script" >"$out"
for name in "$@"; do
    awk -v n="$name" '
        /^@@@ / { on = ($0 == "@@@ scenario " n); next }
        on { print }' "$out" >"$name.out"
    echo "$name: $(grep -c '^### \$' "$name.out") commands"
done
