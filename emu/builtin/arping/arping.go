// Package arping is iputils' arping (Debian 12's 20221126) over the
// emulated stacks: ARP requests (or, with -A, replies) built whole and
// sent on a device's link through an ARP socket (stack.ARPSocket, the
// emulated AF_PACKET socket), a probe per second on the emulated clock,
// the answers in arping's words. -D is duplicate address detection (from
// 0.0.0.0, status 1 when the address is taken); -U and -A announce an
// address, and the neighbours update their entries for it as Linux's do.
package arping

import "github.com/nsemu/nsemu/emu/shell"

// Builtins returns arping.
func Builtins() []*shell.Builtin {
	return []*shell.Builtin{{
		Name:  "arping",
		Group: shell.GroupPrograms,
		Usage: "arping [-fqbDUAV] [-c COUNT] [-w TIMEOUT] [-i INTERVAL] [-I DEV] [-s SOURCE] ADDR",
		Help: `Sends ARP requests for ADDR on a device's link and prints the replies, as
iputils arping does: "Unicast reply from 10.0.0.2 [MAC]  0.538ms". The device
is -I's or the one the route to ADDR leaves by. -D checks that no one holds
ADDR (exit 1 when someone answers), -U and -A announce ADDR (gratuitous ARP
request or reply), which updates the neighbours' entries for it. Probes go
once a second on the emulated clock; without -c or -w, a script's arping
sends 4 (where the tutorial's reader would press Ctrl-C).`,
		Run: run,
	}}
}
