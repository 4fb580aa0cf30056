#!/bin/bash
# Records what the real conntrack (Debian 12's conntrack-tools 1.4.7)
# prints for the scripts here (NAME.sh -> NAME.real), for golden_test.go
# to compare nsemu with. Run it as root (apt-get install conntrack
# iptables netcat-openbsd). Each line runs, as nsemu's transcript runs it,
# in a private network namespace, nsemu-rec-ct-host (lo up, as nsemu's
# host's is), which plays nsemu's host: entered with nsenter --net, not ip
# netns exec, so that the namespaces a script adds (ct-*) are visible to
# its next lines. They are all deleted afterwards.
set -eu
cd "$(dirname "$0")"
NS=nsemu-rec-ct-host
cleanup() {
	ip netns del "$NS" 2>/dev/null || true
	for n in $(ip netns list | awk '/^ct-/ {print $1}'); do ip netns del "$n"; done
}
trap cleanup EXIT
scripts=("$@")
if [ ${#scripts[@]} -eq 0 ]; then
	scripts=(*.sh)
fi
for s in "${scripts[@]}"; do
	case "$s" in record.sh) continue ;; esac
	cleanup
	ip netns add "$NS"
	ip -n "$NS" link set lo up
	while IFS= read -r line; do
		case "$line" in "" | "#"*) continue ;; esac
		echo "\$ $line"
		rc=0
		timeout 10 nsenter --net="/run/netns/$NS" env LC_ALL=C bash -c "$line" 2>&1 </dev/null || rc=$?
		echo "[rc=$rc]"
	done <"$s" >"${s%.sh}.real"
	echo "recorded ${s%.sh}.real"
done
