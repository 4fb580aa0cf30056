#!/bin/bash
# Records what the real ss (iproute2 6.1) prints for the scripts here
# (NAME.sh -> NAME.real), for golden_test.go to compare nsemu with. Run it
# as root on a machine with iproute2, netcat-openbsd and python3. Each line
# of a script runs, as nsemu's transcript runs it, in one private network
# namespace, nsemu-rec-ss (IPv6 off there, as nsemu has none); a line
# ending in & leaves its program running there (nc, python3 -m
# http.server), as a background job does in nsemu. Every program started
# in the namespace is ended and the namespace deleted afterwards: nothing
# else on the machine changes.
set -eu
cd "$(dirname "$0")"
NS=nsemu-rec-ss
cleanup() {
	if ip netns list 2>/dev/null | grep -q "^$NS\b"; then
		for pid in $(ip netns pids "$NS"); do
			kill "$pid" 2>/dev/null || true
		done
		ip netns del "$NS"
	fi
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
	ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	while IFS= read -r line; do
		case "$line" in "" | "#"*) continue ;; esac
		echo "\$ $line"
		rc=0
		ip netns exec "$NS" env LC_ALL=C bash -c "$line" </dev/null 2>&1 || rc=$?
		echo "[rc=$rc]"
	done <"$s" >"${s%.sh}.real"
	echo "recorded ${s%.sh}.real"
done
