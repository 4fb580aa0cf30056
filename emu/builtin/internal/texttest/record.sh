#!/bin/bash
# Records what the real tools print for the scripts NAME.sh in the current
# directory (or the ones named) as NAME.real: the transcripts
# texttest.Agree compares nsemu's with. Each script runs in a fresh empty
# directory; each line (a line ending in \ goes on on the next) runs in
# its own bash with the C locale and no standard input, as nsemu's shell
# runs it in /tmp/work. The transcript shows the line ("$ LINE"), its
# standard output, then its standard error, then its status ("[rc=N]").
# The recordings here were made on Debian 12: GNU grep 3.8, GNU sed 4.9,
# GNU coreutils 9.1, GNU findutils 4.9.0, mawk 1.3.4.
set -eu
scripts=("$@")
if [ ${#scripts[@]} -eq 0 ]; then
	scripts=(*.sh)
fi
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
for s in "${scripts[@]}"; do
	case "$s" in record.sh) continue ;; esac
	work=$(mktemp -d)
	line=""
	while IFS= read -r l; do
		if [ -z "$line" ] && { [ -z "${l// /}" ] || [ "${l#\#}" != "$l" ]; }; then
			continue
		fi
		line+="$l"
		if [ "${l%\\}" != "$l" ]; then
			line+=$'\n'
			continue
		fi
		rc=0
		(cd "$work" && env -i PATH=/usr/bin:/bin LC_ALL=C HOME=/root bash -c "$line" </dev/null >"$out" 2>"$err") || rc=$?
		printf '$ %s\n' "$line"
		cat "$out" "$err"
		echo "[rc=$rc]"
		line=""
	done <"$s" >"${s%.sh}.real"
	rm -rf "$work"
	echo "recorded ${s%.sh}.real"
done
