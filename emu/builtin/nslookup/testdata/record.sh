#!/bin/bash
# Records what the real busybox nslookup (BusyBox 1.35.0, Debian 12)
# prints for busybox.sh's lines (-> busybox.real), for golden_test.go to
# compare nsemu's with. Run it as root. The lines run in a private network
# namespace, nsemu-rec-nslookup, whose /etc/resolv.conf (ip netns exec's
# /etc/netns/NAME/resolv.conf) names 127.0.0.11, where server.py answers
# as nsemu's (and Docker's) embedded DNS server does for containers web
# (172.18.0.2) and db (172.18.0.3). busybox's sh runs each line, with
# nslookup on its PATH as a link to busybox.
set -eu
cd "$(dirname "$0")"
NS=nsemu-rec-nslookup
bin=""
cleanup() {
	[ -n "${pid:-}" ] && kill "$pid" 2>/dev/null || true
	[ -n "$bin" ] && rm -rf "$bin"
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "/etc/netns/$NS"
}
trap cleanup EXIT
cleanup
bin=$(mktemp -d)
ln -s "$(command -v busybox)" "$bin/nslookup"
ip netns add "$NS"
ip -n "$NS" link set lo up
mkdir -p "/etc/netns/$NS"
echo "nameserver 127.0.0.11" >"/etc/netns/$NS/resolv.conf"
ip netns exec "$NS" python3 server.py 127.0.0.11 &
pid=$!
for _ in $(seq 50); do
	ip netns exec "$NS" ss -Hlun | grep -q '127.0.0.11:53' && break
	sleep 0.2
done
while IFS= read -r line; do
	case "$line" in "" | "#"*) continue ;; esac
	echo "\$ $line"
	rc=0
	timeout 20 ip netns exec "$NS" env LC_ALL=C PATH="$bin:/usr/bin:/bin" busybox sh -c "$line" 2>&1 </dev/null || rc=$?
	echo "[rc=$rc]"
done <busybox.sh >busybox.real
echo "recorded busybox.real"
