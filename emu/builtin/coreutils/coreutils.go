// Package coreutils is the file and time tools of GNU coreutils that scripts
// use: cat over the emulated files (never the host's), and sleep on the
// emulator's clock.
package coreutils

import "github.com/nsemu/nsemu/emu/shell"

// Builtins returns cat and sleep.
func Builtins() []*shell.Builtin {
	return []*shell.Builtin{{
		Name:  "cat",
		Group: shell.GroupFiles,
		Usage: "cat [-nbEATsv] [FILE]...",
		Help: `Prints the current namespace's emulated files — /proc/sys/net/ipv4/ip_forward,
/proc/net/arp, /proc/net/route, /proc/net/dev, /sys/class/net/DEV/{address,mtu,
ifindex,iflink,operstate,carrier,...} — or standard input (no FILE, or -).
It never reads the host's files.`,
		Run: runCat,
	}, {
		Name:  "sleep",
		Group: shell.GroupFiles,
		Usage: "sleep SECONDS",
		Help:  "Waits on the emulator's clock. The first 50 ms pass in real time (background commands such as tcpdump & get ready); beyond that, while nothing is in flight, the clock jumps ahead, so a long sleep costs no wall time.",
		Run:   runSleep,
	}}
}
