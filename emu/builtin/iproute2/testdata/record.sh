#!/bin/bash
# Records what the real iproute2, bridge-utils and ping print for the
# scripts here (NAME.sh -> NAME.real), for golden_test.go to compare
# nsemu with. Run it as root on a machine with the real tools. It changes
# nothing but namespaces it makes itself, all named nsemu-rec-g-*: a private
# one stands for nsemu's host namespace, and every one is deleted afterwards.
set -eu
cd "$(dirname "$0")"
P=nsemu-rec-g-
cleanup() {
	for n in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$P" || true); do
		ip netns del "$n"
	done
}
trap cleanup EXIT
scripts=("$@")
if [ ${#scripts[@]} -eq 0 ]; then
	scripts=(*.sh)
fi
for s in "${scripts[@]}"; do
	case "$s" in record.sh | prelude.sh) continue ;; esac
	cleanup
	ip netns add "${P}host"
	# A machine's lo is up from boot, as nsemu's host's is.
	ip -n "${P}host" link set lo up
	ip netns exec "${P}host" bash -c "P=$P; $(cat prelude.sh "$s")" >"${s%.sh}.real" 2>/dev/null
	echo "recorded ${s%.sh}.real"
done
