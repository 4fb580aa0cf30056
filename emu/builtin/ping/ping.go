// Package ping is iputils' ping over the emulated stacks: ICMP echo
// requests from the current namespace, answers and the statistics in
// iputils' words, waits on the emulator's clock. In a busybox or alpine
// container, and as `busybox ping`, it is busybox's ping (busybox.go).
package ping

import (
	"strings"

	"github.com/nsemu/nsemu/emu/shell"
)

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
tutorial's reader would press Ctrl-C); in nsemu shell it runs until Ctrl-C. In a busybox or alpine container ping is
busybox's (seq=0, "2 packets received", "ping: bad address 'c2'").`,
		Run: run,
	}, {
		Name:  "busybox",
		Group: shell.GroupPrograms,
		Usage: "busybox ping [-c CNT] [-s SIZE] [-i SECS] [-t TTL] [-I IFACE] [-W SEC] [-w SEC] [-q] HOST | busybox nslookup [-type=T] HOST [SERVER]",
		Help:  "busybox's ping and nslookup (the applets emulated), as a busybox or alpine container's.",
		Run: func(c *shell.Cmd) int {
			if len(c.Args) >= 2 && c.Args[1] == "nslookup" {
				// The nslookup package's: it takes Args[0] "busybox" as
				// asking for busybox's, wherever it runs.
				if b, ok := shell.Lookup("nslookup"); ok {
					return b.Run(c)
				}
			}
			if len(c.Args) < 2 || c.Args[1] != "ping" {
				return c.Fail(1, "nsemu: busybox %s: not emulated (only busybox ping and nslookup are)", strings.Join(c.Args[1:], " "))
			}
			c.Args = c.Args[1:]
			return runBusybox(c)
		},
	}}
}
