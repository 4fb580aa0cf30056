// Package ping is iputils' ping over the emulated stacks: ICMP echo
// requests from the current namespace, answers and the statistics in
// iputils' words, waits on the emulator's clock.
package ping

import "github.com/nsemu/nsemu/emu/shell"

// Builtins returns ping.
func Builtins() []*shell.Builtin {
	return []*shell.Builtin{{
		Name:  "ping",
		Group: shell.GroupPrograms,
		Usage: "ping [-c COUNT] [-i INTERVAL] [-W TIMEOUT] [-w DEADLINE] [-s SIZE] [-t TTL] [-M do|dont] [-I DEV] [-q] ADDR",
		Help: `Sends ICMP echo requests from the current namespace and prints iputils' output.
Exit status: 0 when a reply came, 1 when none did, 2 on an error such as
"ping: connect: Network is unreachable". Waits cost no wall time while nothing
is in flight. Without -c or -w, a script's ping sends 4 probes (where the
tutorial's reader would press Ctrl-C); in nsemu shell it runs until Ctrl-C.`,
		Run: run,
	}}
}
