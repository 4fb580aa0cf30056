// Package tcpdump is tcpdump over the emulator's trace bus: the frames a
// device of the current namespace sends and receives, printed in
// tcpdump's one-line format or written to a pcapng file, and capture
// files read back.
package tcpdump

import "github.com/nsemu/nsemu/emu/shell"

// Builtins returns tcpdump.
func Builtins() []*shell.Builtin {
	return []*shell.Builtin{{
		Name:  "tcpdump",
		Group: shell.GroupPrograms,
		Usage: "tcpdump [-i DEV|any] [-n] [-e] [-c COUNT] [-w FILE] [-r FILE] [EXPRESSION]",
		Help: `Prints the frames seen on a device of the current namespace in tcpdump's
one-line format (-e adds the MAC addresses), or writes them to a pcapng FILE
(-w), or reads and prints a capture file (-r). EXPRESSION is a tcpdump filter:
arp, ip, icmp, tcp, udp, [src|dst] host H, [tcp|udp] [src|dst] port P,
ether [src|dst] host MAC, and/or/not, parentheses.
Run it in the background (tcpdump ... &) or with -c; it stops at the end of
the script.`,
		Run: run,
	}}
}
