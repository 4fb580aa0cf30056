#!/bin/bash
# Records what the real tc (iproute2 6.1) and the kernel print for the
# scripts here (NAME.sh -> NAME.real), for golden_test.go to compare nsemu
# with. Run it as root on a machine with iproute2. Each line of a script
# runs, as nsemu's transcript runs it, in one private network namespace,
# nsemu-rec-tc-host (IPv6 off there, as nsemu has none, so no router
# solicitation crosses a qdisc); a line may make more namespaces, named
# ${P}NAME (nsemu-rec-tc-NAME here, NAME in nsemu). Every namespace made
# is deleted afterwards: nothing else on the machine changes.
#
# netem.sh needs the kernel's sch_netem. Where the kernel has none (tc
# says "Error: Specified qdisc kind is unknown."), netem.real says so on
# its first line and holds nothing else: the test then compares nsemu's
# netem with its golden file only, and logs why.
set -eu
cd "$(dirname "$0")"
P=nsemu-rec-tc-
NS=${P}host
cleanup() {
	for n in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$P" || true); do
		ip netns del "$n"
	done
}
trap cleanup EXIT

# hasNetem reports whether the kernel can make a netem qdisc.
hasNetem() {
	ip netns add "${P}probe"
	ip -n "${P}probe" link add probe0 type veth peer name probe1
	local out
	out=$(ip netns exec "${P}probe" tc qdisc add dev probe0 root netem delay 1ms 2>&1) || true
	ip netns del "${P}probe"
	[ -z "$out" ] || { echo "$out"; return 1; }
}

scripts=("$@")
if [ ${#scripts[@]} -eq 0 ]; then
	scripts=(*.sh)
fi
for s in "${scripts[@]}"; do
	case "$s" in record.sh) continue ;; esac
	cleanup
	if [ "$s" = netem.sh ] && ! why=$(hasNetem); then
		printf '# not recorded: this kernel (%s) has no sch_netem: tc qdisc add ... netem says %s\n' "$(uname -r)" "$why" >netem.real
		echo "netem.real: no sch_netem here"
		continue
	fi
	ip netns add "$NS"
	# A machine's lo is up from boot, as nsemu's host's is.
	ip -n "$NS" link set lo up
	ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	while IFS= read -r line; do
		case "$line" in "" | "#"*) continue ;; esac
		echo "\$ $line"
		rc=0
		case "$line" in
		"ip netns add "*)
			# Made from the host, so that the next lines (each in an
			# ip netns exec of its own, with a mount namespace of its
			# own) see it: an empty namespace either way.
			env LC_ALL=C bash -c "P=$P; $line" 2>&1 || rc=$?
			;;
		*) ip netns exec "$NS" env LC_ALL=C bash -c "P=$P; $line" 2>&1 || rc=$? ;;
		esac
		echo "[rc=$rc]"
	done <"$s" >"${s%.sh}.real"
	echo "recorded ${s%.sh}.real"
done
