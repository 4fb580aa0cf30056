#!/bin/bash
# Records what the real modprobe and lsmod (kmod 30, Debian 12) print for
# the scripts here (NAME.sh -> NAME.real), for golden_test.go to compare
# nsemu with. Run it as root. Each line runs, as nsemu's transcript runs
# it, in one private network namespace, nsemu-rec-kmod-host, deleted
# afterwards. The module directory the real modprobe names carries the
# recording machine's release; the test reads it as nsemu's.
#
# Only errors.sh is recorded: the machine these were recorded on has a
# kernel without loadable modules (no /proc/modules, no /lib/modules), so
# the lines that load or list modules (modules.sh) are checked against
# nsemu's golden file, which follows kmod's printing code.
set -eu
cd "$(dirname "$0")"
NS=nsemu-rec-kmod-host
trap 'ip netns del "$NS" 2>/dev/null || true' EXIT
ip netns add "$NS"
for s in errors.sh; do
	while IFS= read -r line; do
		case "$line" in "" | "#"*) continue ;; esac
		echo "\$ $line"
		rc=0
		ip netns exec "$NS" env LC_ALL=C bash -c "$line" 2>&1 </dev/null || rc=$?
		echo "[rc=$rc]"
	done <"$s" >"${s%.sh}.real"
	echo "recorded ${s%.sh}.real"
done
