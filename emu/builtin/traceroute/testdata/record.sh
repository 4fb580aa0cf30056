#!/bin/bash
# Records what the real traceroute (2.1.2, Debian 12) and the kernel print
# for the scripts here (NAME.sh -> NAME.real), for golden_test.go to
# compare nsemu with. Run it as root. Each line runs in bash with the C
# locale; the namespaces a line makes are named ${P}NAME
# (nsemu-rec-tr-NAME here, NAME in nsemu, where P is empty), and all are
# deleted afterwards, with the programs a line left running in them
# (a listener): nothing else on the machine changes. IPv6 is off in
# them, as nsemu has none, and so is the kernel's ICMP rate limit
# (icmp_ratelimit 0): traceroute sends its probes 16 at a time, and the
# limit would silence some hops at random (gVisor's limit is far above
# what these probes reach).
set -eu
cd "$(dirname "$0")"
P=nsemu-rec-tr-
cleanup() {
	for n in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$P" || true); do
		ip netns pids "$n" | xargs -r kill
		ip netns del "$n"
	done
}
trap cleanup EXIT
scripts=("$@")
if [ ${#scripts[@]} -eq 0 ]; then
	scripts=(*.sh)
fi
for s in "${scripts[@]}"; do
	case "$s" in record.sh) continue ;; esac
	cleanup
	while IFS= read -r line; do
		case "$line" in "" | "#"*) continue ;; esac
		echo "\$ $line"
		rc=0
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C P=$P bash -c "$line" 2>&1 </dev/null || rc=$?
		echo "[rc=$rc]"
		case "$line" in "ip netns add "*)
			n=$(P=$P bash -c "echo ${line#ip netns add }")
			ip netns exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 net.ipv4.icmp_ratelimit=0
			;;
		esac
	done <"$s" >"${s%.sh}.real"
	echo "recorded ${s%.sh}.real"
done
