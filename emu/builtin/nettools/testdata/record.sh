#!/bin/bash
# Records what the real iptables 1.8.9 (legacy), net-tools 2.10, procps
# sysctl and coreutils cat print for the scripts here (NAME.sh ->
# NAME.real), for golden_test.go to compare nsemu with. Run it as
# root on a machine with the real tools (apt-get install iptables net-tools
# iproute2 procps). Each line of a script runs, as nsemu runs it, in one
# private network namespace, nsemu-rec-nt-host, deleted afterwards: nothing
# else on the machine changes. iptables is iptables-legacy, as in nsemu.
# Names resolve from files only (/etc/netns/NS/nsswitch.conf, which ip netns
# exec mounts over /etc/nsswitch.conf), so route and arp without -n send no
# DNS query.
set -eu
cd "$(dirname "$0")"
NS=nsemu-rec-nt-host
BIN=$(mktemp -d)
cleanup() {
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$BIN" "/etc/netns/$NS"
	rmdir /etc/netns 2>/dev/null || true
}
trap cleanup EXIT
mkdir -p "/etc/netns/$NS"
printf 'hosts: files\nnetworks: files\nservices: files\nprotocols: files\n' >"/etc/netns/$NS/nsswitch.conf"
for n in iptables iptables-save; do
	ln -s "$(command -v xtables-legacy-multi)" "$BIN/$n"
done
scripts=("$@")
if [ ${#scripts[@]} -eq 0 ]; then
	scripts=(*.sh)
fi
for s in "${scripts[@]}"; do
	case "$s" in record.sh) continue ;; esac
	ip netns del "$NS" 2>/dev/null || true
	ip netns add "$NS"
	# A machine's lo is up from boot, as nsemu's host's is.
	ip -n "$NS" link set lo up
	while IFS= read -r line; do
		case "$line" in "" | "#"*) continue ;; esac
		echo "\$ $line"
		rc=0
		ip netns exec "$NS" env PATH="$BIN:$PATH" LC_ALL=C bash -c "$line" 2>&1 || rc=$?
		echo "[rc=$rc]"
	done <"$s" >"${s%.sh}.real"
	echo "recorded ${s%.sh}.real"
done
