// Package tracepath is iputils' tracepath (Debian 12's 20221126) over the
// emulated stacks: UDP probes with increasing TTL and DF set, the path
// MTU found on the way (locally first, "[LOCALHOST] pmtu 1500", then from
// the routers' "fragmentation needed"), each hop's "time exceeded" with
// its time and asymm when the way back is longer, "reached" at the
// destination's "port unreachable", and the Resume line. Its algorithm is
// tracepath's own, step for step (probe_ttl and recverr), with the
// socket's error queue emulated by stack.UDPProber; waits run on the
// emulated clock.
package tracepath

import "github.com/nsemu/nsemu/emu/shell"

// Builtins returns tracepath.
func Builtins() []*shell.Builtin {
	return []*shell.Builtin{{
		Name:  "tracepath",
		Group: shell.GroupPrograms,
		Usage: "tracepath [-4] [-n] [-b] [-l LEN] [-m MAX] [-p PORT] HOST",
		Help: `Traces the path to HOST and its MTU, as iputils tracepath does: UDP probes
to ports from 44444 (-p) with increasing TTL and DF set, from a length of
65535 (-l) down to each MTU learnt on the way ("1?: [LOCALHOST]  pmtu 1500",
"2:  10.0.1.1  0.331ms pmtu 1400"), "reached" at HOST, then "Resume: pmtu
1400 hops 2 back 2". -n numeric, -b names and addresses, -m max hops (30).
A learnt path MTU lasts 10 minutes in the namespace, as in Linux.`,
		Run: run,
	}}
}
