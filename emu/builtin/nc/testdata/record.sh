#!/bin/bash
# Records what the real nc (Debian 12's netcat-openbsd 1.219) prints for
# the scripts here (NAME.sh -> NAME.real), for golden_test.go to compare
# nsemu with. Run it as root. Each line runs, as nsemu's transcript runs
# it, in a private network namespace, nsemu-rec-nc-host (lo up, as nsemu's
# host's is), deleted afterwards.
set -eu
cd "$(dirname "$0")"
NS=nsemu-rec-nc-host
trap 'ip netns del "$NS" 2>/dev/null || true' EXIT
scripts=("$@")
if [ ${#scripts[@]} -eq 0 ]; then
	scripts=(*.sh)
fi
for s in "${scripts[@]}"; do
	case "$s" in record.sh) continue ;; esac
	ip netns del "$NS" 2>/dev/null || true
	ip netns add "$NS"
	ip -n "$NS" link set lo up
	while IFS= read -r line; do
		case "$line" in "" | "#"*) continue ;; esac
		echo "\$ $line"
		rc=0
		timeout 10 ip netns exec "$NS" env LC_ALL=C bash -c "$line" 2>&1 </dev/null || rc=$?
		echo "[rc=$rc]"
	done <"$s" >"${s%.sh}.real"
	echo "recorded ${s%.sh}.real"
done
