// Package iperf3 is iperf3 3.12 over the emulated stacks: a server (-s) and
// a client (-c) that speak iperf3's own control protocol (the cookie, the
// state bytes, the length-prefixed JSON parameters and results), so that
// either end would talk to the real program, and that print iperf3's
// interval lines, summaries and -J JSON.
//
// Time is the world's clock: -t and -i run on emulated time, and a rate
// (bytes over seconds) is what crossed the emulated network divided by the
// emulated time it took. While a sender is busy the clock follows the wall
// clock (frames are in flight, so the warp does not jump); a paced UDP
// sender leaves the world idle between its datagrams, and the warp skips
// those waits.
package iperf3

import (
	_ "embed"

	"github.com/nsemu/nsemu/emu/shell"
)

// usage is iperf3 3.12's long usage text, as it prints it after a
// parameter error and for -h.
//
//go:embed usage.txt
var usage string

// Builtins returns iperf3.
func Builtins() []*shell.Builtin {
	return []*shell.Builtin{{
		Name:  "iperf3",
		Group: shell.GroupPrograms,
		Usage: "iperf3 -s [-1] [-D] [-p PORT] [-B ADDR] | -c HOST [-t S|-n BYTES] [-P N] [-R] [-u [-b RATE]] [-l LEN] [-f kmgtKMGT] [-i S] [-J] [-p PORT]",
		Help: `Measure TCP or UDP throughput between two namespaces, as iperf3 3.12.
  iperf3 -s [-1] [-D]      a server on port 5201 (-p); -1 one test, -D in the background
  iperf3 -c HOST           a client: 10 s of TCP (-t S, or -n BYTES), -P N streams,
                           -R the server sends, -u UDP at -b RATE (1M), -l block size,
                           -i interval (1 s, 0 for none), -f unit, -J JSON
Durations and rates are on the emulated clock.`,
		Run: run,
	}}
}
