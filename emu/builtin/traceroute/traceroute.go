// Package traceroute is traceroute (Debian 12's "modern traceroute for
// Linux" 2.1.2) over the emulated stacks: probes with increasing TTL, UDP
// to ports from 33434 (default), ICMP echo (-I) or TCP SYNs to port 80
// (-T, which Linux allows root only; nsemu runs everything as root),
// through the emulated routers; each hop's ICMP "time exceeded" names it,
// a silent hop is `* * *`; the destination's answer (port unreachable, a
// SYN-ACK or a RST) ends the trace.
package traceroute

import "github.com/nsemu/nsemu/emu/shell"

// Builtins returns traceroute.
func Builtins() []*shell.Builtin {
	return []*shell.Builtin{{
		Name:  "traceroute",
		Group: shell.GroupPrograms,
		Usage: "traceroute [-n] [-I] [-T] [-U] [-f FIRST] [-m MAX] [-q N] [-w S] [-p PORT] HOST [PACKETLEN]",
		Help: `Print the routers on the way to HOST, as traceroute 2.1 does.
  -n numeric addresses only, -I ICMP echo probes, -T TCP SYNs to port 80 (-p
  sets it; an open port answers SYN-ACK, a closed one RST, either ends the
  trace; 60-byte packets whatever PACKETLEN), default: UDP to port 33434
  and up (-p sets the first port), -m max hops (30), -q probes per hop (3),
  -w seconds to wait for each (5), -f first TTL (1). Waits run on the
  emulated clock.`,
		Run: run,
	}}
}
