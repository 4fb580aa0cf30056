#!/bin/bash
# Records what the real python3 -m http.server (Python 3.11.2, Debian 12)
# and curl print for the scripts here (NAME.sh -> NAME.real), for
# golden_test.go to compare nsemu with. Run it as root with python3 and
# curl installed. Each line runs, as nsemu's transcript runs it, in a
# private network namespace, nsemu-rec-python-host (lo up, as nsemu's
# host's is), deleted afterwards; the scripts remove the files they make.
set -eu
cd "$(dirname "$0")"
NS=nsemu-rec-python-host
trap 'ip netns del "$NS" 2>/dev/null || true' EXIT
for s in server.sh; do
	ip netns del "$NS" 2>/dev/null || true
	ip netns add "$NS"
	ip -n "$NS" link set lo up
	while IFS= read -r line; do
		case "$line" in "" | "#"*) continue ;; esac
		echo "\$ $line"
		rc=0
		timeout 20 ip netns exec "$NS" env -i PATH=/usr/bin:/bin LC_ALL=C bash -c "$line" 2>&1 </dev/null || rc=$?
		echo "[rc=$rc]"
	done <"$s" >"${s%.sh}.real"
	echo "recorded ${s%.sh}.real"
done
