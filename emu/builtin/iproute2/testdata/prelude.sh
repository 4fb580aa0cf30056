# Sourced before every script here, by nsemu (P is empty) and by record.sh
# on the real tools (P names the recording's namespaces). r prints a
# command, runs it and prints its exit status; standard error is not kept.
r() {
	echo "\$ $*"
	"$@" && echo "[exit 0]" || echo "[exit $?]"
}
