#!/bin/bash
# Records what the real busybox ping (BusyBox 1.35.0, Debian 12) prints
# for the scripts here (NAME.sh -> NAME.real), for golden_test.go to
# compare nsemu's busybox personality with. Run it as root. Each line runs
# in a private network namespace, nsemu-rec-ping-host (lo up, IPv6 off, as
# nsemu's host), deleted afterwards.
set -eu
cd "$(dirname "$0")"
NS=nsemu-rec-ping-host
trap 'ip netns del "$NS" 2>/dev/null || true' EXIT
for s in busybox.sh; do
	ip netns del "$NS" 2>/dev/null || true
	ip netns add "$NS"
	ip -n "$NS" link set lo up
	ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	while IFS= read -r line; do
		case "$line" in "" | "#"*) continue ;; esac
		echo "\$ $line"
		rc=0
		timeout 20 ip netns exec "$NS" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C bash -c "$line" 2>&1 </dev/null || rc=$?
		echo "[rc=$rc]"
	done <"$s" >"${s%.sh}.real"
	echo "recorded ${s%.sh}.real"
done
