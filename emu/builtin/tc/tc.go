// Package tc is iproute2's tc on the emulated world: `tc qdisc add,
// change, replace, del and show` with netem and tbf at the root of a veth
// or bridge device, and `tc -s qdisc` with the counters.
//
// Parsing follows iproute2 6.1 (tc.c, tc_qdisc.c, q_netem.c, q_tbf.c):
// words may be abbreviated where tc accepts prefixes, numbers are read
// with C's strtod and converted as C converts them, and errors use tc's
// words and exit statuses: 255 for a bad command line, 1 for a bad value
// or a missing device (checked before anything is sent), 2 when the kernel
// (emu) refuses. Parse is pure: arguments to a Request carrying the
// kernel's units, which emu applies whole or not at all. print.go prints
// what the kernel reports back, as tc does.
package tc

import "github.com/nsemu/nsemu/emu/shell"

// Builtins returns tc.
func Builtins() []*shell.Builtin {
	return []*shell.Builtin{{
		Group: shell.GroupIproute2,
		Name:  "tc",
		Usage: "tc [ -s | -d | -r | -iec | -n NS ] qdisc { add | change | replace | del | show } [ dev DEV ] [ root ] [ handle H: ] [ netem OPTIONS | tbf OPTIONS ]",
		Help: `Shows and changes the emulated devices' root qdiscs, as iproute2's tc does:

  tc qdisc add|change|replace dev DEV root [handle H:] netem [limit N]
      [delay TIME [JITTER [CORR%]]] [distribution normal|pareto|paretonormal|uniform]
      [loss [random] P% [CORR%] | loss state P13 ... | loss gemodel P ...]
      [duplicate P% [CORR%]] [reorder P% [CORR%] [gap N]] [corrupt P% [CORR%]]
      [rate RATE [PACKETOVERHEAD [CELLSIZE [CELLOVERHEAD]]]]
  tc qdisc add|change|replace dev DEV root [handle H:] tbf rate RATE burst BYTES
      (latency TIME | limit BYTES) [peakrate RATE mtu BYTES] [mpu B] [overhead B] [linklayer atm]
  tc qdisc del dev DEV root
  tc [-s] qdisc [show [dev DEV]]

The impairments run on the emulated clock: a delay costs no wall time in a
script, and a frame netem holds is seen by tcpdump, --pcap and --explain when
it leaves. Randomness comes from the run's seed. Qdiscs go on veth and bridge
devices (a bridge port is a veth end too), at the root.`,
		Run: run,
	}}
}
